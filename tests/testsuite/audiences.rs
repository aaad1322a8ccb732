//! Audiences: the build for a circle holds exactly what that circle may see, everywhere.

use crate::site_test::{snapshot, SiteTest};

const CIRCLES: [&str; 4] = ["internal", "ambassadors", "partners", "public"];
const KINDS: [&str; 16] = [
    "title",
    "description",
    "tag",
    "theme",
    "alias",
    "body",
    "more",
    "event",
    "place",
    "job",
    "team",
    "name",
    "headline",
    "bio",
    "expertise",
    "contribution",
];

/// Every output file's path and text, lowercased (tags and URLs are folded to lowercase).
/// Search files are gunzipped, and term shards decoded, since their keys are front-coded.
fn everything(t: &SiteTest, dir: &str) -> String {
    snapshot(&t.out().join(dir))
        .into_iter()
        .map(|(path, bytes)| format!("== {path}\n{}\n", readable(&path, &bytes)))
        .collect::<String>()
        .to_lowercase()
}

fn readable(path: &str, bytes: &[u8]) -> String {
    use parvis_search::format;
    if !path.contains("search/") || !path.ends_with(".bin") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let plain = format::gunzip(bytes).expect("search files are gzip");
    if path.contains("search/t/") {
        let entries = format::decode_shard(&plain).expect("a term shard");
        assert!(!entries.is_empty(), "{path} is empty");
        entries
            .iter()
            .map(|e| format!("{} {}\n", e.key, e.stems.join(" ")))
            .collect()
    } else if path.contains("search/tail/") {
        let tails = format::decode_tail(&plain).expect("a tail file");
        tails.iter().map(|(k, _)| format!("{k}\n")).collect()
    } else {
        String::from_utf8(plain).expect("JSON or text")
    }
}

fn check_circle(all: &str, viewer: &str) {
    let rank = |a: &str| CIRCLES.iter().position(|c| *c == a).unwrap();
    for owner in CIRCLES {
        let canaries: Vec<String> = KINDS
            .iter()
            .map(|k| format!("canary{owner}{k}"))
            .chain([format!("canary{owner}community")])
            .collect();
        for canary in canaries {
            let visible = rank(viewer) <= rank(owner);
            assert_eq!(
                all.contains(&canary),
                visible,
                "the `{viewer}` build {} `{canary}`",
                if visible { "lacks" } else { "leaks" }
            );
        }
    }
    assert_eq!(
        all.contains("canaryinternalsection"),
        viewer == "internal",
        "internal section in `{viewer}`"
    );
}

/// The search index alone holds every searchable canary its circle may see and none of a
/// narrower one: words of titles, bodies, member names and bios are indexed per audience.
fn check_search(all: &str, viewer: &str) {
    let search: String = all
        .split("\n== ")
        .filter(|f| f.starts_with("search/") || f.starts_with("== search/"))
        .collect();
    assert!(search.len() > 1000, "the build has a search index");
    let rank = |a: &str| CIRCLES.iter().position(|c| *c == a).unwrap();
    for owner in CIRCLES {
        for kind in ["title", "body", "name", "bio", "headline", "expertise"] {
            let canary = format!("canary{owner}{kind}");
            let visible = rank(viewer) <= rank(owner);
            assert_eq!(
                search.contains(&canary),
                visible,
                "the `{viewer}` search index {} `{canary}`",
                if visible { "lacks" } else { "leaks" }
            );
        }
    }
}

#[test]
fn no_canary_of_a_narrower_circle_reaches_a_build() {
    let t = SiteTest::fixture("circles");
    for viewer in CIRCLES {
        t.build_at(1_795_392_000, &["--audience", viewer]).success();
        let all = everything(&t, "");
        check_circle(&all, viewer);
        check_search(&all, viewer);
    }
}

#[test]
fn all_audiences_build_into_their_own_folders() {
    let t = SiteTest::fixture("circles");
    let run = t.build_at(1_795_392_000, &["--all-audiences"]);
    run.success();
    for viewer in CIRCLES {
        assert!(
            run.stderr
                .contains(&format!("for the `{viewer}` audience into")),
            "{}",
            run.stderr
        );
        check_circle(&everything(&t, viewer), viewer);
        let robots = t.read(&format!("{viewer}/robots.txt"));
        assert_eq!(
            robots.contains("Disallow: /"),
            viewer != "public",
            "{viewer}: {robots}"
        );
        let home = t.read(&format!("{viewer}/index.html"));
        assert_eq!(
            home.contains(r#"<meta name="robots" content="noindex, nofollow">"#),
            viewer != "public"
        );
    }
}

#[test]
fn a_link_to_a_hidden_page_is_an_error_naming_both_files_and_the_audience() {
    let t = SiteTest::fixture("circles");
    t.file(
        "content/blog/teaser.md",
        "---\ntitle: Teaser\n---\nSee [the plan](post-internal.md).\n",
    );
    t.build_at(1_795_392_000, &["--audience", "internal"])
        .success();
    let run = t.build_at(1_795_392_000, &["--audience", "partners"]);
    run.failure(1)
        .stderr_has("error: link to `post-internal.md`: content/blog/post-internal.md is only open to `internal`, and the `partners` audience may not see it")
        .stderr_has("  --> content/blog/teaser.md:4:5");
    t.run(&["check", "--audience", "public"])
        .failure(1)
        .stderr_has("content/blog/post-internal.md is only open to `internal`");
}

#[test]
fn a_link_marked_if_visible_keeps_its_text_where_the_page_is_hidden() {
    let t = SiteTest::fixture("circles");
    t.file(
        "content/blog/teaser.md",
        "---\ntitle: Teaser\n---\nSee [the plan](post-internal.md \"if-visible\").\n",
    );
    t.build_at(1_795_392_000, &["--audience", "internal"])
        .success();
    assert!(t
        .read("blog/teaser/index.html")
        .contains(r#"See <a href="/blog/post-internal/">the plan</a>."#));
    t.build_at(1_795_392_000, &["--audience", "public"])
        .success();
    let teaser = t.read("blog/teaser/index.html");
    assert!(teaser.contains("<p>See the plan.</p>"), "{teaser}");
    assert!(!teaser.contains("post-internal"));
}

#[test]
fn check_audiences_says_what_each_circle_sees_and_how_to_open_items() {
    let t = SiteTest::fixture("circles");
    let run = t.run(&["check", "--audiences"]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["audience", "pages", "members", "events", "postings"]
    );
    let row = |a: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(a))
            .unwrap()
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("internal")[1..], ["4", "4", "4"]);
    assert_eq!(row("public")[1..], ["1", "1", "1"]);
    assert!(run.stdout.contains(
        "content/blog/post-ambassadors.md: open to `ambassadors` (seen by internal, ambassadors); `audience: partners` would also open it to partners"
    ));
}

/// Files beside pages (attachments of every kind: a bundle's file, a file in a bundle's
/// subfolder, a file in a section's folder) go where their page or section goes: a circle's
/// build holds those it may see and none of a narrower circle's, nor those of a draft or of a
/// page not yet published.
#[test]
fn attachments_follow_their_page_or_section_into_each_circle() {
    let t = SiteTest::fixture("circles");
    for owner in CIRCLES {
        let bundle = format!("content/blog/bundle-{owner}");
        t.file(
            &format!("{bundle}/index.md"),
            format!(
                "---\ntitle: Bundle {owner}\ndate: 2026-09-01\naudience: {owner}\n---\nBody.\n"
            ),
        );
        t.file(
            &format!("{bundle}/report.csv"),
            format!("canary{owner}attachment\n"),
        );
        t.file(
            &format!("{bundle}/files/deep-{owner}.txt"),
            format!("canary{owner}deepfile\n"),
        );
    }
    t.file(
        "content/internal-docs/salaries.csv",
        "canaryinternalsectionfile\n",
    );
    t.file(
        "content/blog/draft-bundle/index.md",
        "---\ntitle: Draft\ndate: 2026-09-01\ndraft: true\n---\nBody.\n",
    );
    t.file("content/blog/draft-bundle/plan.txt", "canarydraftfile\n");
    t.file(
        "content/blog/future-bundle/index.md",
        "---\ntitle: Future\ndate: 2026-09-01\npublish_date: 2099-01-01\n---\nBody.\n",
    );
    t.file("content/blog/future-bundle/plan.txt", "canaryfuturefile\n");
    let rank = |a: &str| CIRCLES.iter().position(|c| *c == a).unwrap();
    for viewer in CIRCLES {
        t.build_at(1_795_392_000, &["--audience", viewer]).success();
        let all = everything(&t, "");
        for owner in CIRCLES {
            for kind in ["attachment", "deepfile"] {
                let canary = format!("canary{owner}{kind}");
                let visible = rank(viewer) <= rank(owner);
                assert_eq!(
                    all.contains(&canary),
                    visible,
                    "the `{viewer}` build {} `{canary}`",
                    if visible { "lacks" } else { "leaks" }
                );
            }
        }
        assert_eq!(
            all.contains("canaryinternalsectionfile"),
            viewer == "internal",
            "the internal section's file in the `{viewer}` build"
        );
        assert!(
            !all.contains("canarydraftfile"),
            "a draft's file in `{viewer}`"
        );
        assert!(
            !all.contains("canaryfuturefile"),
            "a future page's file in `{viewer}`"
        );
    }
    t.build_at(1_795_392_000, &["--audience", "public", "--drafts"])
        .success();
    let all = everything(&t, "");
    assert!(all.contains("canarydraftfile") && all.contains("canaryfuturefile"));
}
