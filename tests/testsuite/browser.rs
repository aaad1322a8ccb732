//! Browser tests: fixture sites built here, then opened in headless Chromium (Debian's
//! `chromium`) by the scripts in `tests/browser/`, driven with playwright-core.
//!
//! They need both, so they are ignored by a plain `cargo test`, which says so rather than
//! report them passed; `.ci/run` installs both and runs them with `--include-ignored`.

use crate::site_test::SiteTest;
use std::path::Path;
use std::process::Command;

/// Says what is missing, so that `--include-ignored` on a bare machine fails with a reason.
fn require_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser tests need Debian's chromium: apt-get install chromium (.ci/run does)"
    );
    assert!(
        root.join("node_modules/playwright-core").exists(),
        "the browser tests need playwright-core: npm ci (.ci/run does)"
    );
}

#[test]
#[ignore = "needs Debian's chromium and npm playwright-core; .ci/run installs them and runs it"]
fn pages_in_a_real_browser() {
    require_browser();
    let hostile = SiteTest::fixture("hostile");
    hostile.build(&[]).success();
    let community = SiteTest::fixture("community");
    community.build(&[]).success();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = crate::search::example_site();
    let expected = crate::search::expectations_file(&example);
    let report = SiteTest::fixture("report");
    report
        .build_at(crate::report::NOW, &["--audience", "internal"])
        .success();
    // The internal circle's build of the same site: the dashboard, for the theme's checks.
    let internal = SiteTest::from_dir(&root.join("example-site"));
    internal
        .build_at(1_795_392_000, &["--audience", "internal"])
        .success();
    let screenshots = root.join("target/browser-screenshots");
    let served = SiteTest::fixture("basic");
    let server = crate::serve::start(&served);
    let out = Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .arg(root.join("tests/browser/community.test.mjs"))
        .arg(root.join("tests/browser/portals.test.mjs"))
        .arg(root.join("tests/browser/serve.test.mjs"))
        .arg(root.join("tests/browser/search.test.mjs"))
        .env("SEARCH_EXPECTED", &expected)
        .arg(root.join("tests/browser/report.test.mjs"))
        .arg(root.join("tests/browser/theme.test.mjs"))
        .arg(root.join("tests/browser/images.test.mjs"))
        .env("SERVE_URL", format!("http://{}/", server.addr))
        .env("SERVE_SITE", &served.root)
        .env("HOSTILE_SITE", hostile.out())
        .env("COMMUNITY_SITE", community.out())
        .env("EXAMPLE_SITE", example.out())
        .env("DASHBOARD_SITE", internal.out())
        .env("REPORT_SITE", report.out())
        .env("SCREENSHOT_DIR", &screenshots)
        .current_dir(root)
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser tests failed:\n{report}");
}
