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
    // The same community with members' feeds, one of them hostile.
    let feed_server = crate::feed_server::FeedServer::start(None);
    let feeds = crate::member_feeds::site(&feed_server);
    let hostile_feed = crate::member_feeds::hostile_feed();
    feed_server.route("/ada.rss", crate::feed_server::Route::ok(&hostile_feed));
    feeds.build_at(crate::member_feeds::NOW, &[]).success();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = crate::search::example_site();
    let expected = crate::search::expectations_file(&example);
    let report = SiteTest::fixture("report");
    report
        .build_at(crate::report::NOW, &["--audience", "internal"])
        .success();
    // The internal circle's build of the same site: the dashboard, for the theme's checks.
    let internal = crate::example_site::example();
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
        .env("FEEDS_SITE", feeds.out())
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

#[test]
#[ignore = "needs Debian's chromium and npm playwright-core; .ci/run installs them and runs it"]
fn relay_kit_copy_buttons_in_a_real_browser() {
    require_browser();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ambassadors = SiteTest::from_dir(&root.join("example-site"));
    ambassadors
        .build_at(crate::search::EXAMPLE_NOW, &["--audience", "ambassadors"])
        .success();
    let out = Command::new("node")
        .arg("--test")
        .arg(root.join("tests/browser/relay.test.mjs"))
        .env("RELAY_SITE", ambassadors.out())
        .env("SCREENSHOT_DIR", root.join("target/browser-screenshots"))
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

/// Lighthouse on the example site's home page, a post, a docs page, a member page and a job
/// posting, on a phone and a desktop: accessibility 100, the other categories 95 or more.
/// The scores go to `lighthouse.json` in the target's tmp folder.
#[test]
#[ignore = "needs Debian's chromium and npm lighthouse; .ci/run installs them and runs it"]
fn lighthouse_scores() {
    require_browser();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("node_modules/lighthouse").exists(),
        "the Lighthouse test needs npm lighthouse: npm ci (.ci/run does)"
    );
    let example = crate::search::example_site();
    let out = Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .arg(root.join("tests/browser/lighthouse.test.mjs"))
        .env("EXAMPLE_SITE", example.out())
        .env(
            "LIGHTHOUSE_REPORT",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("lighthouse.json"),
        )
        .current_dir(root)
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "Lighthouse scores too low:\n{report}");
}
