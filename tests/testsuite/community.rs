//! Community data: a community manager's members, communities and badges become a directory,
//! profiles, ambassadors and leaderboards, with private fields kept private.

use crate::site_test::{snapshot, SiteTest};

fn all_text(t: &SiteTest) -> String {
    snapshot(&t.out())
        .into_iter()
        .map(|(path, bytes)| format!("== {path}\n{}\n", String::from_utf8_lossy(&bytes)))
        .collect()
}

/// Names on member cards, in page order.
fn card_names(html: &str) -> Vec<String> {
    html.split("class=\"member-name\"><a href=\"")
        .skip(1)
        .map(|s| {
            let name = s.split("\">").nth(1).unwrap_or("");
            name.split("</a>").next().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn directory_lists_exactly_the_published_members() {
    let t = SiteTest::fixture("community");
    t.build(&[]).success();
    let dir = t.read("members/index.html");
    let (active, alumni) = dir
        .split_once("class=\"alumni-title\"")
        .expect("alumni apart");
    assert_eq!(
        card_names(active),
        ["Ada Lovelace", "Bob Builder", "Cy Candidate"]
    );
    assert_eq!(card_names(alumni), ["Olga Alumna"]);
    assert!(t.exists("members/ada/index.html"));
    assert!(!t.exists("members/ghost/index.html"));
    assert!(
        !t.exists("members/insider/index.html"),
        "an internal member is not in the public build"
    );

    t.build(&["--audience", "internal"]).success();
    let dir = t.read("members/index.html");
    assert!(card_names(&dir).contains(&"Ines Insider".to_string()));
}

#[test]
fn leader_candidates_are_those_scoring_eight_or_more_and_only_internally() {
    let t = SiteTest::fixture("community");
    t.build(&["--audience", "internal"]).success();
    let page = t.read("ambassadors/index.html");
    let table = page
        .split("class=\"scores-table\"")
        .nth(1)
        .expect("candidates table");
    let names: Vec<&str> = table
        .split("<th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|s| s.split("\">").nth(1).unwrap().split("</a>").next().unwrap())
        .collect();
    assert_eq!(names, ["Ada Lovelace", "Cy Candidate"]);
    assert!(table.contains("<td><strong>8</strong></td>"));

    t.build(&[]).success();
    assert!(!t.read("ambassadors/index.html").contains("scores-table"));
}

#[test]
fn public_output_holds_no_private_field_anywhere() {
    let t = SiteTest::fixture("community");
    t.build(&[]).success();
    let all = all_text(&t);
    for secret in [
        "ada.secret@private.example",
        "cy.secret",
        "ghost.secret",
        "bob.secret@private.example",
        "Gaspard",
        "Unpublished",
        "Ines Insider",
        "Inner circle",
        "Charisma",
        "class=\"scores-table\"",
    ] {
        assert!(
            !all.contains(secret),
            "`{secret}` leaked into the public build"
        );
    }
    // Bob opted in: his address is there, written backwards against scrapers.
    assert!(t
        .read("members/bob/index.html")
        .contains("elpmaxe.etavirp@terces.bob"));
}

#[test]
fn points_badges_and_leaderboard() {
    let t = SiteTest::fixture("community");
    t.build(&[]).success();
    let ada = t.read("members/ada/index.html");
    assert!(
        ada.contains("<strong>14</strong> points"),
        "2 answers and an article"
    );
    assert!(ada.contains("Helper") && ada.contains("Pioneer"));
    assert!(!ada.contains("Bronze"));
    assert!(
        ada.contains("A post by Ada"),
        "the member page lists their posts"
    );
    assert!(t.read("members/bob/index.html").contains("Bronze"));
    let board = t.read("leaderboard/index.html");
    let names: Vec<&str> = board
        .split("<span class=\"rank\">")
        .skip(1)
        .map(|s| {
            let link = s.split("<a href=\"").nth(1).unwrap();
            link.split("\">")
                .nth(1)
                .unwrap()
                .split("</a>")
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        names,
        ["Bob Builder", "Ada Lovelace"],
        "Cy opted out, Olga is an alumna"
    );
}

#[test]
fn community_pages_and_shortcodes() {
    let t = SiteTest::fixture("community");
    t.build(&[]).success();
    let makers = t.read("communities/makers/index.html");
    assert!(makers.contains("href=\"/charter/\""));
    assert!(makers.contains("A post by Ada"));
    assert!(!t.exists("communities/inner/index.html"));
    let home = t.read("index.html");
    assert_eq!(
        card_names(&home),
        [
            "Ada Lovelace",
            "Ada Lovelace",
            "Bob Builder",
            "Ada Lovelace",
            "Bob Builder",
            "Cy Candidate",
            "Olga Alumna"
        ]
    );
    assert!(
        home.contains("src=\"/media/ada-"),
        "ada's photo as an avatar"
    );
    assert!(
        home.contains("<text x=\"32\""),
        "initials avatar for members without a photo"
    );
}

fn fails_with(file: &str, contents: &str, expected: &[&str]) {
    let t = SiteTest::fixture("community");
    t.file(file, contents);
    let run = t.build(&[]);
    run.failure(1);
    for line in expected {
        assert!(
            run.stderr.lines().any(|l| l == *line),
            "missing {line:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn member_mistakes_are_pointed_at() {
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\ncommunites: [makers]\n",
        &[
            "error: unknown key `communites`",
            "  --> data/members/eve.yaml:3:1",
        ],
    );
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\ncommunities: [makers, knitters]\n",
        &[
            "error: member `eve` is in community `knitters`, which does not exist",
            "  --> data/members/eve.yaml:3:23",
        ],
    );
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\nbadges: [gold]\n",
        &[
            "error: badge `gold` does not exist",
            "  --> data/members/eve.yaml:3:10",
        ],
    );
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\nleader_scores: { charisma: 4, known: 1, recognized: 1, available: 1 }\n",
        &["error: leader score `charisma` is 4, but scores go from 1 to 3", "  --> data/members/eve.yaml:3:28"],
    );
    fails_with(
        "data/members/zed.yaml",
        "id: ada\nname: Copy\n",
        &[
            "error: duplicate member id `ada`",
            "  --> data/members/zed.yaml:1:5",
        ],
    );
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\nroles: [ambasador]\n",
        &["error: unknown role `ambasador`", "  = help: did you mean `ambassador`? One of: member, ambassador, leader, moderator, community-manager, employee, partner"],
    );
    fails_with(
        "data/members/eve.yaml",
        "id: eve\nname: Eve\nleader_scores: { charisma: 1, known: 1 }\n",
        &[
            "error: missing key `recognized`",
            "  --> data/members/eve.yaml:3:31",
        ],
    );
}

#[test]
fn authors_must_be_members() {
    fails_with(
        "content/blog/x.md",
        "---\ntitle: X\nauthors: [adda]\n---\n",
        &[
            "error: author `adda` is not a member",
            "  --> content/blog/x.md:3:11",
            "  = help: did you mean `ada`? Authors and contacts are member ids from data/members",
        ],
    );
}

#[test]
fn check_warns_about_thin_profiles_and_lonely_members() {
    let t = SiteTest::fixture("community");
    let run = t.run(&["check"]);
    run.success();
    assert!(
        run.stderr
            .contains("warning: thin profile: member `bob` has nothing but a name and an email"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("warning: community `inner` has no charter"));
}
