//! Members in and out of spreadsheets: `parvis import members FILE.csv` creates and updates
//! member files without losing what people wrote by hand, and reports each bad cell with its
//! row and column; `parvis export members` holds only what one circle may see.

use crate::site_test::SiteTest;
use std::collections::BTreeMap;

const HEADER: &str =
    "Full name,E-mail,Community,Joined,Charisma,Known,Recognized,Available,Role,headline\n";
const MAPS: [&str; 18] = [
    "--map",
    "Full name=name",
    "--map",
    "E-mail=email",
    "--map",
    "Community=communities",
    "--map",
    "Joined=joined",
    "--map",
    "Charisma=leader_scores.charisma",
    "--map",
    "Known=leader_scores.known",
    "--map",
    "Recognized=leader_scores.recognized",
    "--map",
    "Available=leader_scores.available",
    "--map",
    "Role=roles",
];

/// 200 members, all valid; `change` replaces cells of some rows (row number as a
/// spreadsheet counts, the header being row 1).
fn crm(change: &[(usize, usize, &str)]) -> String {
    let mut out = String::from(HEADER);
    for i in 1..=200 {
        let row = i + 1;
        let mut cells = vec![
            format!("Member {i:03}"),
            format!("member{i}@example.org"),
            "circle-public; circle-partners".to_string(),
            "2026-03-01".to_string(),
            format!("{}", i % 3 + 1),
            "2".to_string(),
            "3".to_string(),
            "1".to_string(),
            "member".to_string(),
            format!("\"Maker, number {i}\""),
        ];
        for &(r, c, v) in change {
            if r == row {
                cells[c] = v.to_string();
            }
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn import(t: &SiteTest, csv: &str, extra: &[&str]) -> crate::site_test::Run {
    t.file("crm.csv", csv);
    let mut args = vec!["import", "members", "crm.csv"];
    args.extend(MAPS);
    args.extend(extra);
    t.run(&args)
}

fn member_files(t: &SiteTest) -> BTreeMap<String, String> {
    let dir = t.root.join("data/members");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_spreadsheet_with_bad_cells_gives_each_error_with_its_row_and_column() {
    let t = SiteTest::fixture("circles");
    let before = member_files(&t);
    let csv = crm(&[
        (15, 2, "circle-publc"),
        (58, 3, "2026-02-30"),
        (102, 4, "4"),
        (151, 1, "nobody"),
        (120, 6, ""),
        (200, 8, "ambasador"),
        (201, 0, ""),
    ]);
    let run = import(&t, &csv, &[]);
    run.failure(1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("  --> ") || l.contains("= help"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: row 15, column C (`Community`): unknown community `circle-publc`",
            "  --> crm.csv:15:33",
            "  = help: did you mean `circle-public`? One of: circle-internal, circle-ambassadors, circle-partners, circle-public (ids of data/communities)",
            "error: row 58, column D (`Joined`): `2026-02-30` is not a date (that day does not exist in that month: parsed date is not valid: parameter 'day' for `2026-02` is invalid, must be in range `1..=28`)",
            "  --> crm.csv:58:64",
            "  = help: write dates as YYYY-MM-DD, for example 2026-02-28",
            "error: row 102, column E (`Charisma`): score `4` is outside 1 to 3",
            "  --> crm.csv:102:76",
            "  = help: leader scores are 1 (low), 2 or 3 (high)",
            "error: row 120, column G (`Recognized`): leader scores come four together, and this row gives no recognized",
            "  --> crm.csv:120:80",
            "  = help: fill the four criteria (charisma, known, recognized, available, 1 to 3 each), or none",
            "error: row 151, column B (`E-mail`): `nobody` is not an email address",
            "  --> crm.csv:151:12",
            "  = help: write it like `ana@example.com`",
            "error: row 200, column I (`Role`): unknown role `ambasador`",
            "  --> crm.csv:200:84",
            "  = help: did you mean `ambassador`? One of: member, ambassador, leader, moderator, community-manager, employee, partner",
            "error: row 201, column A (`Full name`): the row has no id and no name to make one of",
            "  --> crm.csv:201:1",
            "  = help: fill the member's name (or id), or remove the row",
        ],
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("import failed: 7 errors; no member file was written"));
    assert_eq!(member_files(&t), before, "nothing written");
}

#[test]
fn a_second_import_with_one_changed_cell_changes_one_line_of_one_file() {
    let t = SiteTest::fixture("circles");
    let dry = import(&t, &crm(&[]), &["--dry-run"]);
    dry.success();
    assert!(
        dry.stdout
            .contains("add     data/members/member-001.yaml\n"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.ends_with(
        "200 members: 200 to add, 0 to change, 0 unchanged (dry run: nothing written)\n"
    ));
    assert_eq!(member_files(&t).len(), 4, "a dry run writes nothing");

    import(&t, &crm(&[]), &[]).success();
    let first = member_files(&t);
    assert_eq!(first.len(), 204);
    assert_eq!(
        first["member-007.yaml"],
        "id: member-007\nname: Member 007\nheadline: \"Maker, number 7\"\ncommunities: [circle-public, circle-partners]\nroles: [member]\njoined: 2026-03-01\nemail: \"member7@example.org\"\nleader_scores: {charisma: 2, known: 2, recognized: 3, available: 1}\npublished: false\n"
    );
    // The members it wrote are members the site reads.
    t.run(&["check"]).success();

    let run = import(&t, &crm(&[(51, 9, "Speaker")]), &[]);
    run.success();
    assert!(
        run.stdout
            .contains("change  data/members/member-050.yaml: headline\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("leave   data/members/member-051.yaml\n"));
    assert!(run
        .stdout
        .ends_with("200 members: 0 to add, 1 to change, 199 unchanged\n"));
    let second = member_files(&t);
    let changed: Vec<&String> = first.keys().filter(|k| first[*k] != second[*k]).collect();
    assert_eq!(changed, ["member-050.yaml"]);
    let (a, b) = (&first["member-050.yaml"], &second["member-050.yaml"]);
    let lines_changed: Vec<(&str, &str)> =
        a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(
        lines_changed,
        [("headline: \"Maker, number 50\"", "headline: Speaker")]
    );
    assert_eq!(a.lines().count(), b.lines().count());
}

#[test]
fn hand_written_fields_and_comments_survive_an_import() {
    let t = SiteTest::fixture("circles");
    let hand = "# Met at the 2026 club meeting; ask before changing her bio.\nid: member-public\nname: \"Member canarypublicname\"  # as she signs\nheadline: \"canarypublicheadline\"\nbio: \"canarypublicbio\"\nexpertise: [canarypublicexpertise]\ncommunities: [circle-public]\nroles: [ambassador]\naudience: public\ncontributions:\n  - { date: 2026-01-01, type: article, title: \"canarypubliccontribution\" }\nnotes: \"Wants to speak at the next club: canaryprivatenote\"\nleader_scores:\n  charisma: 3   # after the spring meeting\n  known: 3\n  recognized: 1\n  available: 1\n";
    t.file("data/members/member-public.yaml", hand);
    t.file(
        "crm.csv",
        "id,name,headline,leader_scores.known,company\nmember-public,Member canarypublicname,Product lead,2,Acme\n",
    );
    let run = t.run(&["import", "members", "crm.csv"]);
    run.success();
    assert_eq!(
        run.stdout,
        "change  data/members/member-public.yaml: headline, company, leader_scores.known\n1 member: 0 to add, 1 to change, 0 unchanged\n"
    );
    let after = std::fs::read_to_string(t.root.join("data/members/member-public.yaml")).unwrap();
    let expected = hand
        .replace(
            "headline: \"canarypublicheadline\"",
            "headline: Product lead",
        )
        .replace("  known: 3\n", "  known: 2\n")
        + "company: Acme\n";
    assert_eq!(after, expected);
    t.run(&["check"]).success();
}

#[test]
fn the_public_export_holds_no_private_field() {
    let t = SiteTest::fixture("circles");
    t.file(
        "data/members/member-partners.yaml",
        "id: member-partners\nname: \"Member canarypartnersname\"\nemail: hidden@example.org\ncommunities: [circle-partners, circle-internal]\naudience: public\nleader_scores: { charisma: 3, known: 3, recognized: 3, available: 3 }\n",
    );
    t.file(
        "data/members/member-ambassadors.yaml",
        "id: member-ambassadors\nname: \"Member canaryambassadorsname\"\nemail: shown@example.org\nemail_public: true\naudience: public\n",
    );
    let public = t.run(&[
        "export",
        "members",
        "--audience",
        "public",
        "--format",
        "csv",
    ]);
    public.success();
    let text = &public.stdout;
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "id,name,pronouns,headline,company,team,location,country,languages,expertise,communities,roles,status,joined,badges,points,url,email"
    );
    for private in [
        "hidden@example.org",
        "canaryprivatenote",
        "leader_scores",
        "circle-internal",
        "canaryinternalname",
    ] {
        assert!(
            !text.contains(private),
            "the public export holds `{private}`:\n{text}"
        );
    }
    assert!(
        text.contains("shown@example.org"),
        "an email made public is exported"
    );
    assert!(text.contains("member-partners,Member canarypartnersname"));
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rows.records().count(), 3);

    let internal = t.run(&["export", "members", "--audience", "internal"]);
    internal.success();
    assert!(internal.stdout.lines().next().unwrap().ends_with(
        "email,leader_scores.charisma,leader_scores.known,leader_scores.recognized,leader_scores.available"
    ));
    assert!(internal.stdout.contains("canaryinternalname"));
    assert!(
        !internal.stdout.contains("hidden@example.org"),
        "an email never made public stays out"
    );
    t.run(&["export", "members", "--audience", "publik"])
        .failure(2)
        .stderr_has("unknown audience `publik` (did you mean `public`?)");
}
