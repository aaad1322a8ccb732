//! The example portal builds, and a crawl of its output finds no broken internal link.

use crate::site_test::{snapshot, SiteTest};
use std::collections::BTreeSet;
use std::path::Path;

fn example() -> SiteTest {
    SiteTest::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"))
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
    let files = snapshot(&t.out());
    let paths: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    assert!(
        paths.len() > 30,
        "the example site is suspiciously small: {}",
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
