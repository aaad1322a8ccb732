//! Members' feeds ("From the community"): the feeds members and communities list, fetched at
//! build time from a local server the test starts, shown on their pages, the "From the
//! community" page and its feed, counted by the report, and kept in a cache for the day a feed
//! fails or the build is offline.

use crate::feed_server::{FeedServer, Route};
use crate::site_test::{snapshot, SiteTest};
use std::time::Duration;

/// 2026-03-10T00:00:00Z: "now" for every build here.
pub const NOW: i64 = 1_773_100_800;

fn rss(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link, date)| {
            format!("<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate><description>&lt;p&gt;About {title}.&lt;/p&gt;</description></item>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Ada's blog</title><link>https://ada.example/</link><description>d</description>{items}</channel></rss>"#
    )
}

const ATOM: &str = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bob</title><id>urn:bob</id><updated>2026-03-05T08:00:00Z</updated>
<entry><title type="html">Bob &lt;em&gt;builds&lt;/em&gt; a shed</title><id>urn:bob:1</id><link rel="alternate" href="https://bob.example/shed"/><published>2026-03-05T08:00:00Z</published><summary>Wood and nails.</summary></entry></feed>"#;

const JSON: &str = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Makers","items":[{"id":"1","url":"https://makers.example/meetup","title":"Makers meetup recap","summary":"Forty makers came.","date_published":"2026-03-07T18:00:00Z","authors":[{"name":"Mo Maker"}]}]}"#;

/// The community fixture with feeds: Ada (RSS), Bob (Atom), the Makers community (JSON Feed)
/// and an internal member (RSS), served by `server`.
pub fn site(server: &FeedServer) -> SiteTest {
    server.route(
        "/ada.rss",
        Route::ok(&rss(&[
            (
                "Notes on engines",
                "https://ada.example/engines",
                "Mon, 02 Mar 2026 10:00:00 +0000",
            ),
            (
                "Loops explained",
                "https://ada.example/loops",
                "Wed, 04 Mar 2026 10:00:00 +0000",
            ),
            (
                "An old post",
                "https://ada.example/old",
                "Mon, 01 Jan 2024 10:00:00 +0000",
            ),
        ])),
    );
    server.route("/bob.atom", Route::ok(ATOM));
    server.route("/makers.json", Route::ok(JSON));
    server.route(
        "/insider.rss",
        Route::ok(&rss(&[(
            "Secret plans",
            "https://insider.example/plans",
            "Tue, 03 Mar 2026 10:00:00 +0000",
        )])),
    );
    let t = SiteTest::fixture("community");
    let append = |rel: &str, extra: String| {
        let path = t.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text + &extra).unwrap();
    };
    append(
        "data/members/ada.yaml",
        format!("feeds:\n  - {}\n", server.url("/ada.rss")),
    );
    append(
        "data/members/bob.yaml",
        format!("feeds: [{}]\n", server.url("/bob.atom")),
    );
    append(
        "data/members/insider.yaml",
        format!("feeds: [{}]\n", server.url("/insider.rss")),
    );
    let communities = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    t.file(
        "data/communities.yaml",
        communities.replace(
            "  themes: [making]\n",
            &format!(
                "  themes: [making]\n  feeds: [{}]\n",
                server.url("/makers.json")
            ),
        ),
    );
    t.file(
        "site.yaml",
        "title: Club Fixture\nbase_url: https://club.example.org/\naudiences: [internal, ambassadors, public]\ncommunity:\n  points: { answer: 2, article: 10, talk: 25 }\n  feeds: { timeout: 1 }\n",
    );
    t
}

/// The line of `needle` in the site file `rel`, 1-based.
fn line_of(t: &SiteTest, rel: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(t.root.join(rel)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn rss_atom_and_json_feed_entries_show_on_profiles_the_community_page_and_its_feed() {
    let server = FeedServer::start(None);
    let t = site(&server);
    t.build_at(NOW, &[]).success();

    let ada = t.read("members/ada/index.html");
    assert!(
        ada.contains(r#"href="https://ada.example/engines""#),
        "{ada}"
    );
    assert!(ada.contains("Loops explained"));
    assert!(
        !ada.contains("An old post"),
        "entries older than 90 days are left out"
    );
    let bob = t.read("members/bob/index.html");
    assert!(bob.contains("Bob builds a shed"), "HTML titles become text");

    let page = t.read("from-the-community/index.html");
    for title in [
        "Notes on engines",
        "Loops explained",
        "Bob builds a shed",
        "Makers meetup recap",
    ] {
        assert!(
            page.contains(title),
            "{title} missing from the community page"
        );
    }
    assert!(
        page.contains("Mo Maker"),
        "a community entry names its author"
    );
    assert!(
        page.contains(r#"href="/members/ada/">Ada Lovelace</a>"#),
        "a member entry names the member"
    );
    let newest = page.find("Makers meetup recap").unwrap();
    assert!(
        newest < page.find("Bob builds a shed").unwrap(),
        "newest first"
    );
    // Filters: one page per community and per theme.
    let makers = t.read("from-the-community/makers/index.html");
    assert!(makers.contains("Loops explained") && makers.contains("Makers meetup recap"));
    assert!(t
        .read("from-the-community/themes/making/index.html")
        .contains("Bob builds a shed"));
    assert!(t
        .read("communities/makers/index.html")
        .contains("Makers meetup recap"));
    assert!(
        t.read("index.html").contains("From the community"),
        "the home page block"
    );

    let feed = feed_rs::parser::parse(t.read("from-the-community/rss.xml").as_bytes()).unwrap();
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.clone().unwrap().content)
        .collect();
    assert_eq!(
        titles,
        [
            "Makers meetup recap",
            "Bob builds a shed",
            "Loops explained",
            "Notes on engines"
        ]
    );
    assert_eq!(
        feed.entries[0].links[0].href,
        "https://makers.example/meetup"
    );
    let atom = feed_rs::parser::parse(t.read("from-the-community/atom.xml").as_bytes()).unwrap();
    assert_eq!(atom.entries[2].authors[0].name, "Ada Lovelace");
}

#[test]
fn a_fetched_post_is_an_article_contribution_in_points_and_the_report() {
    let server = FeedServer::start(None);
    let t = site(&server);
    t.build_at(NOW, &[]).success();
    // Ada wrote one article by hand; her feed brings two more, 10 points each.
    let ada = t.read("members/ada/index.html");
    assert!(
        ada.contains("<strong>34</strong>"),
        "2 + 2 + 10 + 2 × 10 points: {ada}"
    );
    let report = t.run_at(NOW, &["report", "--format", "json"]);
    report.success();
    let json: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let march = json["history"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03")
        .unwrap()
        .clone();
    // Two written by hand (Bob's talk, Cy's article), and from the feeds Ada's two posts, Bob's
    // and the internal member's (the report measures the innermost circle).
    assert_eq!(march["contributions"], 6, "{march}");
}

#[test]
fn a_304_answer_reuses_the_cache() {
    let server = FeedServer::start(None);
    let t = site(&server);
    t.build_at(NOW, &[]).success();
    let first = snapshot(&t.out());
    let before = server.hits().len();
    assert!(t.root.join(".parvis-cache/feeds").is_dir());
    t.build_at(NOW, &[]).success();
    let again = &server.hits()[before..];
    let mut paths: Vec<&str> = again.iter().map(|h| h.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        ["/ada.rss", "/bob.atom", "/insider.rss", "/makers.json"],
        "each feed asked once"
    );
    for h in again {
        assert!(h.if_none_match.is_some(), "asked conditionally: {h:?}");
        assert_eq!((h.status, h.bytes), (304, 0), "{h:?}");
    }
    assert_eq!(snapshot(&t.out()), first, "the same entries from the cache");
}

#[test]
fn a_timeout_a_500_and_invalid_xml_warn_at_the_feed_and_the_cache_is_used() {
    let server = FeedServer::start(None);
    let t = site(&server);
    t.build_at(NOW, &[]).success();
    server.route("/ada.rss", Route::status(500));
    server.route(
        "/bob.atom",
        Route {
            delay: Duration::from_secs(3),
            ..Route::ok(ATOM)
        },
    );
    server.route(
        "/makers.json",
        Route::ok("<rss><channel><item><title>broken"),
    );
    let run = t.build_at(NOW, &[]);
    run.success();
    let ada_line = line_of(&t, "data/members/ada.yaml", "/ada.rss");
    let bob_line = line_of(&t, "data/members/bob.yaml", "/bob.atom");
    let makers_line = line_of(&t, "data/communities.yaml", "/makers.json");
    run.stderr_has(&format!("data/members/ada.yaml:{ada_line}:"))
        .stderr_has("HTTP 500")
        .stderr_has(&format!("data/members/bob.yaml:{bob_line}:"))
        .stderr_has("timeout")
        .stderr_has(&format!("data/communities.yaml:{makers_line}:"))
        .stderr_has("invalid feed")
        .stderr_has("last good copy");
    let page = t.read("from-the-community/index.html");
    for title in [
        "Notes on engines",
        "Bob builds a shed",
        "Makers meetup recap",
    ] {
        assert!(page.contains(title), "{title}: the cached copy is shown");
    }
}

#[test]
fn offline_builds_read_only_the_cache() {
    let server = FeedServer::start(None);
    let t = site(&server);
    let fresh = t.build_at(NOW, &["--offline"]);
    fresh
        .success()
        .stderr_has("offline, and nothing of it is cached yet");
    assert_eq!(server.hits().len(), 0, "offline asks no server");
    assert!(!t.exists("from-the-community/index.html"));
    t.build_at(NOW, &[]).success();
    let asked = server.hits().len();
    t.build_at(NOW, &["--offline"]).success();
    assert_eq!(server.hits().len(), asked, "offline asks no server");
    assert!(t
        .read("from-the-community/index.html")
        .contains("Notes on engines"));
    let check = t.run_at(NOW, &["check", "--offline"]);
    check.success();
    assert_eq!(server.hits().len(), asked);
}

#[test]
fn a_member_the_audience_does_not_see_brings_no_entry_to_any_file() {
    let server = FeedServer::start(None);
    let t = site(&server);
    t.build_at(NOW, &[]).success();
    for (path, bytes) in snapshot(&t.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Secret plans") && !text.contains("insider.example"),
            "{path} leaks an internal member's entry"
        );
    }
    t.build_at(NOW, &["--audience", "internal"]).success();
    assert!(t
        .read("members/insider/index.html")
        .contains("Secret plans"));
    assert!(t
        .read("from-the-community/rss.xml")
        .contains("Secret plans"));
}

/// A feed whose entries try everything: script in the title and the summary, event handlers,
/// `javascript:` links, a tracking pixel from another host, an image with `onerror`.
pub fn hostile_feed() -> String {
    r#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><link>https://ada.example/</link><description>d</description>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Evil &lt;img src=x onerror=alert(2)&gt;</title><link>https://ada.example/evil</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate>
<description>&lt;p onclick="alert(3)" onmouseover="alert(7)"&gt;Hi&lt;script&gt;alert(4)&lt;/script&gt;&lt;a href="javascript:alert(5)"&gt;click&lt;/a&gt;&lt;img src="https://tracker.example.net/pixel.gif" width="1" height="1"&gt;&lt;img src="x" onerror="alert(8)"&gt;&lt;iframe src="https://evil.example.net/"&gt;&lt;/iframe&gt;&lt;/p&gt;</description></item>
<item><title>Scripted link</title><link>javascript:alert(6)</link><pubDate>Mon, 02 Mar 2026 11:00:00 +0000</pubDate></item></channel></rss>"#.to_string()
}

#[test]
fn hostile_entries_lose_script_handlers_scripted_links_and_pixels() {
    let server = FeedServer::start(None);
    let t = site(&server);
    server.route("/ada.rss", Route::ok(&hostile_feed()));
    t.build_at(NOW, &[]).success();
    for path in [
        "members/ada/index.html",
        "from-the-community/index.html",
        "from-the-community/rss.xml",
        "index.html",
    ] {
        let html = t.read(path);
        for bad in [
            "<script>alert",
            "onerror=",
            "onclick",
            "javascript:",
            "pixel.gif",
            "evil.example.net",
            "Scripted link",
        ] {
            assert!(!html.contains(bad), "{bad} survived in {path}");
        }
    }
    assert!(t.read("from-the-community/index.html").contains("Evil"));
}
