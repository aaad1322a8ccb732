//! `parvis new`: a writer starts a page, post, event, job posting, member or community from
//! an archetype, in the right place, and the site still checks cleanly.

use crate::site_test::{parvis, Run, SiteTest};

/// 2026-12-02T10:00:00Z.
const NOW: i64 = 1_796_205_600;

fn new_in(t: &SiteTest, args: &[&str]) -> Run {
    t.run_at(NOW, &[&["new"], args].concat())
}

/// The keys of the front matter (or YAML file) `text`, and the mapping itself.
fn yaml_of(text: &str) -> serde_json::Value {
    let yaml = match text.strip_prefix("---\n") {
        Some(rest) => rest.split("\n---").next().unwrap(),
        None => text,
    };
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn init_site() -> SiteTest {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("portal");
    let out = parvis().arg("init").arg(&dir).output().unwrap();
    assert!(out.status.success());
    SiteTest::from_dir(&dir)
}

/// `check --deny warnings` in the site folder: no error and no warning at all.
#[track_caller]
fn checks_clean(t: &SiteTest, extra: &[&str]) {
    let r = t.run_at(
        NOW,
        &[&["check", ".", "--deny", "warnings"], extra].concat(),
    );
    r.success();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

/// Every kind once, as a newcomer would on the site `parvis init` gave them: each file lands
/// where it belongs, the paths are printed, and the site checks without a warning.
#[test]
fn new_writes_every_kind_into_a_fresh_init_site_that_checks_clean() {
    let t = init_site();
    checks_clean(&t, &[]);
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["page", "Code of conduct"],
            &["content/code-of-conduct.md"],
        ),
        (
            &["blog", "Opening our community"],
            &["content/blog/opening-our-community.md"],
        ),
        // The starter has no events or careers section: the first event or posting makes one.
        (
            &["event", "Spring meetup"],
            &[
                "content/events/_index.md",
                "content/events/spring-meetup.md",
            ],
        ),
        (
            &["job", "Data engineer"],
            &[
                "content/careers/_index.md",
                "content/careers/data-engineer.md",
            ],
        ),
        (
            &["member", "Ana López", "--community", "everyone"],
            &["data/members/ana-lopez.yaml"],
        ),
        (
            &[
                "community",
                "Energy managers",
                "--manager",
                "alex",
                "--charter",
                "about.md",
            ],
            &["data/communities.yaml"],
        ),
    ];
    for (args, paths) in cases {
        let r = new_in(&t, args);
        r.success();
        let printed: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(&printed, paths, "{args:?}");
        for p in *paths {
            assert!(t.root.join(p).is_file(), "{p}");
        }
    }
    checks_clean(&t, &[]);
    checks_clean(&t, &["--audience", "internal"]);

    let post =
        std::fs::read_to_string(t.root.join("content/blog/opening-our-community.md")).unwrap();
    assert!(post.contains("title: Opening our community\n"), "{post}");
    assert!(
        post.contains("date: 2026-12-02\n"),
        "dated by SOURCE_DATE_EPOCH:\n{post}"
    );
    let communities = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    assert!(communities.contains("- id: energy-managers\n  name: Energy managers\n"));

    // What a visitor sees once it is built.
    t.build_at(NOW, &[]).success();
    assert!(t
        .read("blog/opening-our-community/index.html")
        .contains("Opening our community"));
    assert!(t
        .read("events/spring-meetup/index.html")
        .contains("Spring meetup"));
    assert!(t
        .read("careers/data-engineer/index.html")
        .contains("Data engineer"));
    assert!(t
        .read("communities/energy-managers/index.html")
        .contains("Energy managers"));
    // Unpublished until filled in and agreed to.
    assert!(!t.exists("members/ana-lopez/index.html"));
}

/// The same on the example portal, whose sections and data already exist: posts go to its
/// blog, events take the time zone its events use, postings its way of naming apply links,
/// and the community is appended to its list without touching a byte of what was there.
#[test]
fn new_on_the_example_site_adds_to_its_sections_and_lists() {
    let t = crate::example_site::example();
    checks_clean(&t, &[]);
    let communities_before = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    for args in [
        &["page", "Press kit"][..],
        &["page", "Webhooks, step by step", "--section", "docs"],
        &["blog", "Opening our community"],
        &["blog", "Ouverture de la communauté", "--lang", "fr"],
        &["event", "Spring meetup"],
        &["job", "Data engineer"],
        &["member", "Zoé Martin", "--community", "users"],
        &[
            "community",
            "Heat pump installers",
            "--manager",
            "camille-durand",
            "--charter",
            "community/charter.md",
        ],
    ] {
        new_in(&t, args).success();
    }
    checks_clean(&t, &[]);
    checks_clean(&t, &["--audience", "internal"]);
    for p in [
        "content/press-kit.md",
        "content/docs/webhooks-step-by-step.md",
        "content/blog/opening-our-community.md",
        "content/blog/ouverture-de-la-communaute.fr.md",
        "content/events/spring-meetup.md",
        "content/careers/data-engineer.md",
        "data/members/zoe-martin.yaml",
    ] {
        assert!(t.root.join(p).is_file(), "{p}");
    }
    let event = std::fs::read_to_string(t.root.join("content/events/spring-meetup.md")).unwrap();
    assert!(event.contains("timezone: Europe/Paris\n"), "{event}");
    assert!(event.contains("start: 2026-12-09T18:00:00\n"), "{event}");
    let job = std::fs::read_to_string(t.root.join("content/careers/data-engineer.md")).unwrap();
    assert!(
        job.contains("apply_url: \"https://jobs.lumengrid.example/apply/data-engineer\""),
        "{job}"
    );
    let communities = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    assert!(communities.starts_with(&communities_before));
    assert!(communities[communities_before.len()..].starts_with("- id: heat-pump-installers\n"));
}

/// Each kind's file names every key that kind reads, so a writer sees what they may fill in.
#[test]
fn new_files_have_every_key_of_their_kind() {
    let t = init_site();
    for args in [
        &["blog", "A post"][..],
        &["event", "An event"],
        &["job", "A job"],
        &["member", "A member"],
        &["community", "A community"],
    ] {
        new_in(&t, args).success();
    }
    let read = |p: &str| yaml_of(&std::fs::read_to_string(t.root.join(p)).unwrap());
    let post = read("content/blog/a-post.md");
    for k in [
        "title",
        "date",
        "authors",
        "tags",
        "themes",
        "description",
        "image",
    ] {
        assert!(post.get(k).is_some(), "blog lacks {k}: {post}");
    }
    let event = read("content/events/an-event.md");
    assert_eq!(
        keys(&event["extra"]),
        [
            "end",
            "location",
            "online_url",
            "registration_url",
            "start",
            "timezone"
        ]
    );
    let job = read("content/careers/a-job.md");
    assert_eq!(
        keys(&job["extra"]),
        [
            "apply_url",
            "contacts",
            "employment_type",
            "locations",
            "remote",
            "salary",
            "team",
            "valid_through"
        ]
    );
    let mut member_keys: Vec<String> = parvis_core::model::community::MEMBER_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    member_keys.sort();
    assert_eq!(keys(&read("data/members/a-member.yaml")), member_keys);
    // The starter keeps its communities in one list: the new one is its last item.
    let list = read("data/communities.yaml");
    let mut community_keys: Vec<String> = parvis_core::model::community::COMMUNITY_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    community_keys.sort();
    assert_eq!(
        keys(list.as_array().unwrap().last().unwrap()),
        community_keys
    );
}

/// A second `new` with the same title or id refuses, and leaves the first file as it was.
#[test]
fn new_never_replaces_a_file_or_an_id() {
    let t = init_site();
    new_in(&t, &["blog", "Opening our community"]).success();
    let path = t.root.join("content/blog/opening-our-community.md");
    std::fs::write(&path, "---\ntitle: Edited by hand\n---\nMy text.\n").unwrap();
    new_in(&t, &["blog", "Opening our community"])
        .failure(1)
        .stderr_has("content/blog/opening-our-community.md already exists");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "---\ntitle: Edited by hand\n---\nMy text.\n"
    );
    // A page bundle of the same name is the same page.
    t.file(
        "content/blog/field-notes/index.md",
        "---\ntitle: Field notes\n---\n",
    );
    new_in(&t, &["blog", "Field notes"])
        .failure(1)
        .stderr_has("field-notes/index.md already exists");
    new_in(&t, &["member", "Alex"])
        .failure(1)
        .stderr_has("there is already a member with the id `alex`");
    new_in(&t, &["community", "Everyone"])
        .failure(1)
        .stderr_has("there is already a community with the id `everyone`");
    new_in(&t, &["member", "Alex", "--id", "alex-2"]).success();
}

/// A wrong command is a usage error (exit code 2) that says what to do, and writes nothing.
#[test]
fn new_usage_errors_exit_with_2() {
    let t = init_site();
    t.file(
        "content/news/_index.md",
        "---\ntitle: News\nkind: blog\n---\n",
    );
    new_in(&t, &["blog", "Two blogs"]).failure(2).stderr_has(
        "several `blog` sections; choose one with --section: content/blog, content/news",
    );
    new_in(&t, &["blog", "Two blogs", "--section", "news"]).success();
    assert!(t.root.join("content/news/two-blogs.md").is_file());
    new_in(&t, &["blog", "X", "--section", "nwes"])
        .failure(2)
        .stderr_has("there is no section content/nwes (did you mean `news`?)");
    new_in(&t, &["blog", "X", "--section", "blog", "--lang", "de"])
        .failure(2)
        .stderr_has("unknown language `de`: the site's languages are en, fr");
    new_in(&t, &["member", "Bea", "--community", "evryone"])
        .failure(2)
        .stderr_has("there is no community `evryone`; did you mean `everyone`?");
    new_in(&t, &["page", "!!!"])
        .failure(2)
        .stderr_has("has no letters or digits");
    new_in(&t, &["podcast", "X"]).failure(2);
    let elsewhere = tempfile::tempdir().unwrap();
    let r = parvis()
        .args(["new", "blog", "X", "--site"])
        .arg(elsewhere.path())
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("has no site.yaml"));
    assert!(!t.root.join("content/blog/x.md").exists());
}

/// A site's own archetype replaces the theme's; one that does not parse is refused with its
/// place, and nothing is written.
#[test]
fn a_site_archetype_overrides_the_theme() {
    let t = init_site();
    t.file(
        "archetypes/blog.md",
        "---\ntitle: {{ title | yaml }}\ndate: {{ date }}\nauthors: [alex]\n---\nWritten by the team on {{ date }}.\n",
    );
    new_in(&t, &["blog", "Our own: template"]).success();
    assert_eq!(
        std::fs::read_to_string(t.root.join("content/blog/our-own-template.md")).unwrap(),
        "---\ntitle: \"Our own: template\"\ndate: 2026-12-02\nauthors: [alex]\n---\nWritten by the team on 2026-12-02.\n"
    );
    checks_clean(&t, &[]);

    t.file("archetypes/page.md", "---\ntitle: {{ title | yaml }\n---\n");
    new_in(&t, &["page", "Broken"])
        .failure(1)
        .stderr_has("archetypes/page.md:2:");
    t.file(
        "archetypes/page.md",
        "---\ntitle: {{ title }}\ntags: news\n---\n",
    );
    new_in(&t, &["page", "Broken"]).failure(1);
    assert!(!t.root.join("content/broken.md").exists());
}

/// A site that keeps its members in one list file gets the new member appended to it, indented
/// as its items, with every earlier byte (comments included) kept.
#[test]
fn a_member_is_appended_to_a_single_list_file() {
    let t = init_site();
    std::fs::remove_dir_all(t.root.join("data/members")).unwrap();
    let before = "# Our members, one entry each.\n  - id: alex\n    name: Alex Martin # the manager\n    headline: Community manager\n    communities: [everyone]\n    bio: Alex runs the community.\n";
    t.file("data/members.yaml", before);
    let r = new_in(&t, &["member", "Ana Lopez"]);
    r.success().stderr_has("appended `ana-lopez` at line 7 of");
    assert_eq!(r.stdout.trim(), "data/members.yaml");
    let after = std::fs::read_to_string(t.root.join("data/members.yaml")).unwrap();
    assert!(after.starts_with(before));
    assert!(after[before.len()..].starts_with("  - id: ana-lopez\n    name: Ana Lopez\n"));
    checks_clean(&t, &[]);
}

/// `--help` names every kind, every option and shows examples.
#[test]
fn new_help_is_complete() {
    let out = parvis().args(["new", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "page:",
        "blog:",
        "event:",
        "job:",
        "member:",
        "community:",
        "--site",
        "--section",
        "--lang",
        "--draft",
        "--id",
        "--community",
        "--manager",
        "--charter",
        "Examples:",
        "SOURCE_DATE_EPOCH",
        "archetypes/",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

/// `--draft` makes a draft that only `--drafts` builds show.
#[test]
fn a_draft_post_waits_for_drafts() {
    let t = init_site();
    new_in(&t, &["blog", "Not yet", "--draft"]).success();
    t.build_at(NOW, &[]).success();
    assert!(!t.exists("blog/not-yet/index.html"));
    t.build_at(NOW, &["--drafts"]).success();
    assert!(t.exists("blog/not-yet/index.html"));
    checks_clean(&t, &["--drafts"]);
}
