//! The example portal builds, and a crawl of its output finds no broken internal link.

use crate::feed_server::FeedServer;
use crate::site_test::{snapshot, SiteTest};
use std::collections::BTreeSet;
use std::path::Path;

/// The example site, its members' feeds served from `example-site/feeds/` by a local server.
pub fn example() -> SiteTest {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let server = FeedServer::start(Some(dir.join("feeds")));
    SiteTest::from_dir(&dir).with_env("PARVIS_FEEDS_BASE", &server.url("/"))
}

/// 2026-12-01T00:00:00Z: the example feeds' entries are from the weeks before.
const FEEDS_NOW: i64 = 1_796_083_200;

#[test]
fn example_site_shows_what_its_members_publish() {
    let t = example();
    t.build_at(FEEDS_NOW, &[]).success();
    let page = t.read("from-the-community/index.html");
    for title in [
        "Mapping BACnet objects to Lumen Grid meters",
        "Heat pumps and demand response: a winter report",
        "An energy data pipeline in an afternoon",
        "Club meetup in Lyon: the slides",
    ] {
        assert!(page.contains(title), "{title}");
    }
    assert!(
        page.contains("Hugo Lefèvre"),
        "the club's post names its author"
    );
    assert!(!page.contains("tracker.example.net"), "no tracking pixel");
    assert!(t
        .read("members/erik-lund/index.html")
        .contains(r#"href="https://erik-lund.example.org/posts/winter-report""#));
    assert!(t
        .read("communities/users/index.html")
        .contains("Club meetup in Lyon"));
    assert!(t.read("index.html").contains("From the community"));
    assert!(t.exists("from-the-community/users/index.html"));
    assert!(t
        .read("from-the-community/atom.xml")
        .contains("An energy data pipeline"));
}

#[test]
fn example_site_builds_without_network_from_its_cache() {
    let t = example();
    t.build_at(FEEDS_NOW, &[]).success();
    // No mirror: the feeds' hosts do not resolve (or, offline, are not asked).
    let t = SiteTest::from_dir(&t.root);
    for args in [&[][..], &["--offline"][..]] {
        let run = t.build_at(FEEDS_NOW, args);
        run.success();
        if args.is_empty() {
            run.stderr_has("data/members/ana-costa.yaml:")
                .stderr_has("last good copy");
        }
    }
}

/// Every `href` and `src` value in an HTML file.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn example_site_has_no_broken_internal_links() {
    let t = example();
    t.build(&[]).success();
    assert_no_broken_links(&t, 30);
}

#[test]
fn parvis_docs_have_no_broken_internal_links() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    crate::site_test::copy_dir(&root.join("content"), &site.join("content"));
    std::fs::copy(root.join("site.yaml"), site.join("site.yaml")).unwrap();
    let t = SiteTest::from_dir(&site);
    t.build(&[]).success();
    assert_no_broken_links(&t, 8);
}

#[test]
fn example_site_builds_for_every_audience() {
    let t = example();
    for audience in ["internal", "ambassadors", "partners", "customers", "public"] {
        t.build(&["--audience", audience]).success();
        assert_no_broken_links(&t, 30);
        let ambassadors = t.read("ambassadors/index.html");
        assert_eq!(
            ambassadors.contains("class=\"scores-table\""),
            audience == "internal",
            "{audience}"
        );
        let roadmap = t.exists("blog/roadmap-preview-ambassadors/index.html");
        assert_eq!(
            roadmap,
            audience == "internal" || audience == "ambassadors",
            "{audience}"
        );
    }
}

fn assert_no_broken_links(t: &SiteTest, min_files: usize) {
    let files = snapshot(&t.out());
    let paths: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    assert!(
        paths.len() > min_files,
        "the site is suspiciously small: {}",
        paths.len()
    );
    let mut broken = Vec::new();
    for (file, bytes) in &files {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            // Other sites, mailto: and in-page anchors are not the crawl's business.
            if !link.starts_with('/') || link.starts_with("//") {
                continue;
            }
            let path = link
                .split(['#', '?'])
                .next()
                .unwrap()
                .trim_start_matches('/');
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            if !paths.contains(target.as_str()) {
                broken.push(format!("{file} -> {link}"));
            }
            if let Some(anchor) = link.split('#').nth(1).filter(|a| !a.is_empty()) {
                if let Some(bytes) = files.get(&target) {
                    let page = String::from_utf8_lossy(bytes);
                    if !page.contains(&format!("id=\"{anchor}\"")) {
                        broken.push(format!("{file} -> {link} (no such anchor)"));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken internal links:\n{}",
        broken.join("\n")
    );
}

#[test]
fn example_site_loads_nothing_from_other_hosts() {
    let t = example();
    t.build(&[]).success();
    for (file, bytes) in snapshot(&t.out()) {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        for needle in [
            "<script src=\"http",
            "<link rel=\"stylesheet\" href=\"http",
            "@import url(http",
            "fonts.googleapis",
        ] {
            assert!(
                !html.contains(needle),
                "{file} loads from another host ({needle})"
            );
        }
    }
}

#[test]
fn example_site_builds_identically_twice() {
    let t = example();
    t.build(&[]).success();
    let first = snapshot(&t.out());
    t.build(&[]).success();
    assert!(first == snapshot(&t.out()));
}

/// A site with more Markdown than `PARVIS_PACK_BODIES_ABOVE` leaves its bodies on disk from the
/// load to the Markdown stage, then packs them and moves them to a spill file until the pages
/// (links and pictures edited in place): the pages, feeds, search files and structured data
/// come out byte for byte as from a site held whole and plain.
#[test]
fn example_site_builds_the_same_with_its_bodies_packed() {
    let plain = example();
    let run = plain.build(&["--timings"]);
    run.success();
    assert!(
        run.stderr.contains("code blocks highlighted"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("bodies read again"), "{}", run.stderr);
    let first = snapshot(&plain.out());
    // The same site and feed server, into the same folder.
    let packed = plain.with_env("PARVIS_PACK_BODIES_ABOVE", "0");
    let run = packed.build(&["--timings"]);
    run.success();
    assert!(
        run.stderr
            .contains("bodies read again from disk and packed")
            && run
                .stderr
                .contains("moved to an unnamed file in the cache folder"),
        "{}",
        run.stderr
    );
    assert!(first == snapshot(&packed.out()), "a packed build differs");
}
