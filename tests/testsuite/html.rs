//! Every page the default theme makes is valid HTML: the W3C's Nu Html Checker (npm `vnu-jar`,
//! run with Java) reads the example site's build for every audience, the fixtures (shortcodes,
//! drafts, hostile member data, dashboards), parvis's own docs, a page as `serve` sends it, and
//! the DOM after the scripts ran (the `serve` error overlay, the search box open, the search
//! page with results), and finds no error.

use crate::site_test::SiteTest;
use std::path::Path;
use std::process::Command;

/// "Now" for the builds: the example's events are upcoming and one posting has closed.
const NOW: i64 = 1_795_392_000;

/// The header's search box as issue 19 found it: the checker must still catch it.
const CANARY: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>
<body><form role="search"><label for="q">Search</label>
<input id="q" type="search" role="combobox" aria-expanded="false" aria-controls="l">
<ul id="l" role="listbox" aria-label="Results" hidden></ul></form></body></html>
"#;

#[test]
#[ignore = "needs Java, npm vnu-jar and playwright-core, and chromium; .ci/run installs them and runs ignored tests"]
fn every_page_is_valid_html() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vnu = root.join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(vnu.exists(), "run `npm ci` to install vnu-jar");

    let example = crate::example_site::example();
    example.build_at(NOW, &["--all-audiences"]).success();
    // Where each checked folder comes from, to name it in errors.
    let mut dirs = vec![("example-site".to_string(), example.out())];
    // The fixtures' folders, kept until the checker has read them.
    let mut fixtures = Vec::new();
    for name in ["basic", "community", "report", "circles", "hostile"] {
        let t = SiteTest::fixture(name);
        t.build_at(NOW, &["--all-audiences", "--drafts"]).success();
        dirs.push((format!("tests/fixtures/{name}"), t.out()));
        fixtures.push(t);
    }
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    crate::site_test::copy_dir(&root.join("content"), &docs.join("content"));
    std::fs::copy(root.join("site.yaml"), docs.join("site.yaml")).unwrap();
    let docs = SiteTest::from_dir(&docs);
    docs.build_at(NOW, &[]).success();
    dirs.push(("parvis docs".to_string(), docs.out()));

    let scripted = tmp.path().join("served");
    std::fs::create_dir(&scripted).unwrap();
    served_pages(&example, &scripted);
    let canary = tmp.path().join("canary");
    std::fs::create_dir(&canary).unwrap();
    std::fs::write(canary.join("issue-19.html"), CANARY).unwrap();

    let served = html_files(&scripted);
    assert_eq!(served, 4, "served and scripted pages");
    dirs.push(("served".to_string(), scripted));
    let mut pages = 0;
    for (name, dir) in &dirs {
        let n = html_files(dir);
        assert!(n > 0, "{name}: no HTML files in {}", dir.display());
        pages += n;
    }

    let out = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .args([
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            "--skip-non-html",
        ])
        .args(dirs.iter().map(|(_, d)| d))
        .arg(&canary)
        .output()
        .expect("java runs the checker (apt-get install default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the checker's output is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut errors = Vec::new();
    let mut canary_errors = Vec::new();
    for m in report["messages"].as_array().expect("a list of messages") {
        let url = m["url"].as_str().unwrap_or_default();
        let file = url.strip_prefix("file:").unwrap_or(url);
        let line = m["lastLine"].as_u64().unwrap_or(0);
        let message = m["message"].as_str().unwrap_or_default();
        if Path::new(file).starts_with(&canary) {
            canary_errors.push(message.to_string());
            continue;
        }
        let place = dirs
            .iter()
            .find_map(|(name, dir)| {
                let rel = Path::new(file).strip_prefix(dir).ok()?;
                Some(format!("{name}: {}", rel.display()))
            })
            .unwrap_or_else(|| file.to_string());
        let extract: Vec<&str> = m["extract"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        errors.push(format!(
            "{place}:{line}: {message}\n    {}",
            extract.join(" ")
        ));
    }
    assert_eq!(
        canary_errors.len(),
        2,
        "the checker finds issue 19's search box: {canary_errors:?}"
    );
    eprintln!(
        "the Nu Html Checker read {pages} pages: {} as built, {served} as served or after scripts",
        pages - served
    );
    assert!(
        errors.is_empty(),
        "{} HTML errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Writes into `dir` what a browser gets beyond the built files: a page as `parvis serve` sends
/// it (with its live-reload script), and the DOM after scripts ran (tests/browser/dom.mjs).
fn served_pages(example: &SiteTest, dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let served = SiteTest::fixture("basic");
    let server = crate::serve::start(&served);
    let (status, _, body) = crate::serve::get(&server.addr, "/about/");
    assert_eq!(status, 200);
    std::fs::write(dir.join("serve-page.html"), body).unwrap();
    served.file(
        "content/about.md",
        "---\ntitle: About us\ndate: 2026-02-30\n---\nBroken.\n",
    );
    let out = Command::new("node")
        .arg(root.join("tests/browser/dom.mjs"))
        .env("SERVE_URL", format!("http://{}/", server.addr))
        .env("EXAMPLE_SITE", example.out().join("public"))
        .env("OUT_DIR", dir)
        .current_dir(root)
        .output()
        .expect("node runs (npm ci installs playwright-core)");
    assert!(
        out.status.success(),
        "tests/browser/dom.mjs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn html_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}
