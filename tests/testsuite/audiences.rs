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
    if path.contains("search/d/") {
        let docs = format::decode_doc_group(bytes).expect("a document group");
        return docs
            .into_iter()
            .map(|d| String::from_utf8(format::gunzip(d).expect("gzip")).expect("JSON") + "\n")
            .collect();
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

/// 2027-01-05, 2027-01-12 and 2027-01-18, 00:00 UTC.
const BEFORE_PREVIEW: i64 = 1_799_107_200;
const DURING_PREVIEW: i64 = 1_799_712_000;
const AFTER_PREVIEW: i64 = 1_800_230_400;

/// The circles fixture with relay kits for ambassadors, a post and an event that open to
/// ambassadors on 10 January 2027 and to the public on the 17th, each full of canaries.
fn previews() -> SiteTest {
    let t = SiteTest::fixture("circles");
    t.file(
        "site.yaml",
        "title: Circles\nbase_url: https://circles.example.org/\naudiences: [internal, ambassadors, partners, public]\nrelay:\n  audience: ambassadors\n  networks: [linkedin, mastodon]\n",
    );
    t.file(
        "content/blog/launch.md",
        "---\ntitle: \"Launch canarypreviewtitle\"\ndate: 2027-01-10\ndescription: \"canarypreviewdescription\"\ntags: [canarypreviewtag]\nthemes: [canarypreviewtheme]\nauthors: [member-public]\naliases: [/old/canarypreviewalias/]\npublish_date: {ambassadors: 2027-01-10, public: 2027-01-17}\nrelay:\n  linkedin: \"canarypreviewrelay on LinkedIn\"\n---\nBody canarypreviewbody. <!-- more --> More canarypreviewmore.\n",
    );
    t.file(
        "content/events/meetup.md",
        "---\ntitle: \"Meetup canarypreviewevent\"\ndate: 2027-02-01\npublish_date:\n  ambassadors: 2027-01-10\n  public: 2027-01-17\nextra:\n  start: 2027-02-01T18:00:00\n  timezone: Europe/Paris\n  location: \"canarypreviewplace\"\n---\nEvent canarypreviewevbody.\n",
    );
    t
}

const PREVIEW_CANARIES: [&str; 9] = [
    "canarypreviewtitle",
    "canarypreviewdescription",
    "canarypreviewtag",
    "canarypreviewtheme",
    "canarypreviewalias",
    "canarypreviewbody",
    "canarypreviewmore",
    "canarypreviewevent",
    "canarypreviewplace",
];

fn assert_canaries(all: &str, present: bool, what: &str) {
    for c in PREVIEW_CANARIES {
        assert_eq!(
            all.contains(c),
            present,
            "{what} {} `{c}`",
            if present { "lacks" } else { "leaks" }
        );
    }
}

/// A page that opens to ambassadors a week before the public is in the ambassadors' build
/// (marked as a preview) and in no public output file (pages, lists, feeds, sitemap, search
/// shards decoded, JSON-LD, calendars, member pages) until its public date; then it is
/// everywhere, no longer marked.
#[test]
fn a_preview_for_ambassadors_reaches_no_public_file_before_its_public_date() {
    let t = previews();
    for viewer in CIRCLES {
        t.build_at(BEFORE_PREVIEW, &["--audience", viewer])
            .success();
        assert_canaries(
            &everything(&t, ""),
            false,
            &format!("`{viewer}` before the preview"),
        );
    }
    for (viewer, sees) in [
        ("internal", true),
        ("ambassadors", true),
        ("partners", false),
        ("public", false),
    ] {
        t.build_at(DURING_PREVIEW, &["--audience", viewer])
            .success();
        let all = everything(&t, "");
        assert_canaries(&all, sees, &format!("`{viewer}` during the preview"));
        if viewer == "public" {
            check_search(&all, viewer);
        }
    }
    t.build_at(DURING_PREVIEW, &["--audience", "ambassadors"])
        .success();
    let page = t.read("blog/launch/index.html");
    assert!(
        page.contains("Preview, public on 17 January 2027"),
        "the ambassadors' build marks the preview"
    );
    assert!(t.read("blog/index.html").contains("pill-preview"));
    t.build_at(AFTER_PREVIEW, &["--audience", "public"])
        .success();
    let all = everything(&t, "");
    assert_canaries(&all, true, "`public` after the public date");
    assert!(!t.read("blog/launch/index.html").contains("Preview,"));
    t.build_at(AFTER_PREVIEW, &["--audience", "ambassadors"])
        .success();
    assert!(!t.read("blog/launch/index.html").contains("Preview,"));
}

/// The relay kit is on posts and events in the ambassadors' build (and the internal one),
/// with each network's text and tracked link, and in no file of a wider circle's build.
#[test]
fn the_relay_kit_is_in_the_ambassadors_build_and_in_no_public_file() {
    let t = previews();
    t.build_at(AFTER_PREVIEW, &["--audience", "ambassadors"])
        .success();
    let post = t.read("blog/launch/index.html");
    assert!(post.contains(r#"<section class="relay-kit""#), "{post}");
    assert!(post.contains("canarypreviewrelay on LinkedIn"));
    assert!(post.contains(
        "https://circles.example.org/blog/launch/?utm_source=ambassador&amp;utm_medium=mastodon&amp;utm_campaign=launch"
    ));
    // Mastodon has no text of its own: the description stands in.
    assert!(
        post.contains(">canarypreviewdescription</textarea>"),
        "{post}"
    );
    assert!(t.read("events/meetup/index.html").contains("relay-kit"));
    assert!(
        !t.read("careers/job-public/index.html")
            .contains("relay-kit"),
        "no kit on job postings"
    );
    for viewer in ["partners", "public"] {
        t.build_at(AFTER_PREVIEW, &["--audience", viewer]).success();
        let all = everything(&t, "");
        for needle in ["canarypreviewrelay", "class=\"relay-kit\"", "utm_source"] {
            assert!(!all.contains(needle), "`{viewer}` holds `{needle}`");
        }
    }
}

#[test]
fn check_audiences_says_when_each_preview_opens_to_which_circle() {
    let t = previews();
    let run = t.run_at(DURING_PREVIEW, &["check", "--audiences"]);
    run.success();
    assert!(
        run.stdout.contains("content/blog/launch.md: opens to internal, ambassadors on 2027-01-10 (open now), to partners, public on 2027-01-17"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_date_per_audience_is_checked_with_its_place() {
    let t = previews();
    t.file(
        "content/blog/launch.md",
        "---\ntitle: Launch\npublish_date:\n  ambasadors: 2027-01-10\n  public: 2027-01-32\n---\nBody.\n",
    );
    t.file(
        "content/blog/late.md",
        "---\ntitle: Late\npublish_date: {ambassadors: 2027-01-20, public: 2027-01-17}\n---\nBody.\n",
    );
    t.file(
        "content/blog/narrow.md",
        "---\ntitle: Narrow\naudience: ambassadors\npublish_date: {internal: 2027-01-01, public: 2027-01-17}\n---\nBody.\n",
    );
    t.build_at(DURING_PREVIEW, &[])
        .failure(1)
        .stderr_has("error: unknown audience `ambasadors` in `publish_date`")
        .stderr_has("  --> content/blog/launch.md:4:3")
        .stderr_has("did you mean `ambassadors`?")
        .stderr_has("error: `publish_date` for `public` is not a valid date: `2027-01-32`")
        .stderr_has("  --> content/blog/launch.md:5:11")
        .stderr_has("error: `ambassadors` opens on 2027-01-20 but `public`, a wider circle, opens earlier, on 2027-01-17")
        .stderr_has("  --> content/blog/late.md:3:16")
        .stderr_has("error: the page is open to `ambassadors` only, so `public` never sees it, whatever its date")
        .stderr_has("  --> content/blog/narrow.md:4:38")
        .stderr_has("error: `publish_date` gives no date for `ambassadors`, the page's audience");
}

#[test]
fn the_editorial_calendar_shows_both_dates_of_a_preview() {
    let t = previews();
    let run = t.run_at(BEFORE_PREVIEW, &["report", "--audience", "internal"]);
    run.success();
    assert!(
        run.stdout.contains("post    Launch canarypreviewtitle [canarypreviewtheme] (opens: ambassadors 2027-01-10, public 2027-01-17)"),
        "{}",
        run.stdout
    );
    let json = t.run_at(
        BEFORE_PREVIEW,
        &["report", "--audience", "internal", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        report["calendar"][0]["items"][0]["openings"],
        serde_json::json!([
            {"audience": "ambassadors", "date": "2027-01-10"},
            {"audience": "public", "date": "2027-01-17"}
        ])
    );
}

#[test]
fn relay_settings_and_texts_are_checked_with_their_place() {
    let t = previews();
    t.file(
        "content/blog/launch.md",
        "---\ntitle: Launch\ndate: 2027-01-10\nrelay:\n  linkdin: \"Read this\"\n---\nBody.\n",
    );
    t.build_at(DURING_PREVIEW, &[])
        .failure(1)
        .stderr_has("error: unknown network `linkdin` in `relay`")
        .stderr_has("  --> content/blog/launch.md:5:3")
        .stderr_has("did you mean `linkedin`?");
    t.file(
        "site.yaml",
        "title: Circles\nbase_url: https://circles.example.org/\naudiences: [internal, ambassadors, partners, public]\nrelay:\n  audience: public\n",
    );
    t.build_at(DURING_PREVIEW, &[])
        .failure(1)
        .stderr_has("error: relay kits cannot go to `public`, the widest circle")
        .stderr_has("  --> site.yaml:5:13");
    t.file(
        "site.yaml",
        "title: Circles\nbase_url: https://circles.example.org/\naudiences: [internal, ambassadors, partners, public]\n",
    );
    t.file(
        "content/blog/launch.md",
        "---\ntitle: Launch\ndate: 2027-01-10\nrelay: \"Read this\"\n---\nBody.\n",
    );
    t.build_at(DURING_PREVIEW, &[]).success().stderr_has(
        "warning: `relay` texts are shown in relay kits, and site.yaml has no `relay:`",
    );
}
