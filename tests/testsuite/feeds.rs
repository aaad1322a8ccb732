//! Feeds, read back with a feed parser (feed-rs) the way a reader application would.

use crate::site_test::SiteTest;

fn parse(t: &SiteTest, rel: &str) -> feed_rs::model::Feed {
    let xml = t.read(rel);
    feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{rel} does not parse: {e}"))
}

#[test]
fn site_section_and_term_feeds_parse_with_absolute_links() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    for rel in [
        "rss.xml",
        "atom.xml",
        "blog/rss.xml",
        "blog/atom.xml",
        "tags/community/rss.xml",
        "themes/ambassadeurs/atom.xml",
    ] {
        let feed = parse(&t, rel);
        assert!(!feed.entries.is_empty(), "{rel} is empty");
        for e in &feed.entries {
            let link = &e.links[0].href;
            assert!(
                link.starts_with("https://portal.example.org/"),
                "{rel}: relative link {link}"
            );
            assert!(
                e.published.is_some() || e.updated.is_some(),
                "{rel}: entry without a date"
            );
        }
    }
    let blog = parse(&t, "blog/atom.xml");
    let titles: Vec<String> = blog
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(
        titles,
        ["Third post, in TOML", "Second post", "First post"],
        "newest first, drafts and hidden posts left out"
    );
    let community = parse(&t, "tags/community/rss.xml");
    assert_eq!(community.entries.len(), 2);
}

#[test]
fn feed_entries_carry_summaries_with_absolute_urls_or_full_content() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let feed = parse(&t, "blog/rss.xml");
    let first = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "First post")
        .unwrap();
    let summary = first.summary.as_ref().unwrap().content.clone();
    assert!(summary.contains("opens the community."), "{summary}");
    assert!(
        !summary.contains("Règles"),
        "the summary stops at <!-- more -->"
    );

    let site = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.file("site.yaml", format!("{site}feeds:\n  content: full\n"));
    t.build(&[]).success();
    let feed = parse(&t, "blog/atom.xml");
    let first = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "First post")
        .unwrap();
    let body = first.content.as_ref().unwrap().body.clone().unwrap();
    assert!(body.contains("Règles de modération"));
    assert!(
        body.contains("href=\"https://portal.example.org/docs/guide/install/\""),
        "{body}"
    );
}

#[test]
fn pages_link_their_feeds() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let post = t.read("blog/first-post/index.html");
    assert!(post.contains(r#"<link rel="alternate" type="application/rss+xml" title="Fixture Portal" href="/rss.xml">"#));
    assert!(post.contains(r#"href="/blog/atom.xml""#));
}
