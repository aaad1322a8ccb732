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

/// Runs the node test scripts of `tests/browser/` one at a time with `env`, from the
/// repository's root, and fails with node's whole report (`what` says which check it was).
fn run_node_tests(scripts: &[&str], env: &[(&str, &std::ffi::OsStr)], what: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut node = Command::new("node");
    node.arg("--test").arg("--test-concurrency=1");
    for script in scripts {
        node.arg(root.join("tests/browser").join(script));
    }
    let out = node
        .envs(env.iter().copied())
        .current_dir(root)
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what}:\n{report}");
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
    let serve_url = format!("http://{}/", server.addr);
    run_node_tests(
        &[
            "community.test.mjs",
            "portals.test.mjs",
            "serve.test.mjs",
            "search.test.mjs",
            "report.test.mjs",
            "theme.test.mjs",
            "images.test.mjs",
        ],
        &[
            ("SEARCH_EXPECTED", expected.as_os_str()),
            ("SERVE_URL", serve_url.as_ref()),
            ("SERVE_SITE", served.root.as_os_str()),
            ("HOSTILE_SITE", hostile.out().as_os_str()),
            ("COMMUNITY_SITE", community.out().as_os_str()),
            ("FEEDS_SITE", feeds.out().as_os_str()),
            ("EXAMPLE_SITE", example.out().as_os_str()),
            ("DASHBOARD_SITE", internal.out().as_os_str()),
            ("REPORT_SITE", report.out().as_os_str()),
            ("SCREENSHOT_DIR", screenshots.as_os_str()),
        ],
        "browser tests failed",
    );
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
    let screenshots = root.join("target/browser-screenshots");
    run_node_tests(
        &["relay.test.mjs"],
        &[
            ("RELAY_SITE", ambassadors.out().as_os_str()),
            ("SCREENSHOT_DIR", screenshots.as_os_str()),
        ],
        "browser tests failed",
    );
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
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lighthouse.json");
    run_node_tests(
        &["lighthouse.test.mjs"],
        &[
            ("EXAMPLE_SITE", example.out().as_os_str()),
            ("LIGHTHOUSE_REPORT", report.as_os_str()),
        ],
        "Lighthouse scores too low",
    );
}
