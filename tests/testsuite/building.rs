//! A writer builds the fixture portal and a visitor finds every page where it should be.

use crate::site_test::{snapshot, Run, SiteTest};

#[test]
fn pages_get_pretty_urls_and_sections_list_them() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    for page in [
        "index.html",
        "blog/index.html",
        "blog/first-post/index.html",
        "blog/second-post/index.html",
        "blog/third-post/index.html",
        "docs/index.html",
        "docs/guide/index.html",
        "docs/guide/install/index.html",
        "about/index.html",
        "fr/about/index.html",
        "team/photo-page/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(t.exists(page), "{page} is missing");
    }
    let blog = t.read("blog/index.html");
    // Newest first, two per page (paginate_by: 2).
    let second = blog.find("Third post, in TOML").expect("third post listed");
    let first = blog.find("Second post").expect("second post listed");
    assert!(second < first);
    assert!(!blog.contains("First post"), "page 1 holds two posts only");
    assert!(t.read("blog/page/2/index.html").contains("First post"));
}

#[test]
fn drafts_future_and_expired_pages_are_left_out() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let all: String = snapshot(&t.out())
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    for canary in [
        "DRAFTCANARY",
        "FUTURECANARY",
        "EXPIREDCANARY",
        "INTERNALCANARY",
    ] {
        assert!(
            !all.contains(canary),
            "{canary} leaked into the public build"
        );
    }
    assert!(!t.exists("blog/draft-post/index.html"));

    t.build(&["--drafts"]).success();
    assert!(t.read("blog/draft-post/index.html").contains("DRAFTCANARY"));
    assert!(t
        .read("blog/future-post/index.html")
        .contains("FUTURECANARY"));
    assert!(
        !t.exists("blog/expired-post/index.html"),
        "expired stays out even with --drafts"
    );
}

#[test]
fn an_inner_audience_sees_its_pages() {
    let t = SiteTest::fixture("basic");
    t.build(&["--audience", "internal"]).success();
    assert!(t
        .read("blog/internal-post/index.html")
        .contains("INTERNALCANARY"));
    assert!(t.read("robots.txt").contains("Disallow: /"));
    t.build(&["--audience", "ambassadors"]).success();
    assert!(!t.exists("blog/internal-post/index.html"));
}

#[test]
fn markdown_links_become_urls_with_anchors() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let home = t.read("index.html");
    assert!(
        home.contains(r#"href="/docs/guide/install/#requirements""#),
        "{home}"
    );
    assert!(home.contains(r#"href="/blog/""#));
    let configure = t.read("docs/guide/configure/index.html");
    assert!(configure.contains(r##"href="#options""##));
}

#[test]
fn french_headings_get_ascii_anchors() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let post = t.read("blog/first-post/index.html");
    assert!(
        post.contains(r#"<h2 id="regles-de-moderation">Règles de modération</h2>"#),
        "{post}"
    );
}

#[test]
fn taxonomies_have_pages_with_folded_slugs() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let tags = t.read("tags/index.html");
    assert!(tags.contains("/tags/energie/"));
    assert!(tags.contains("/tags/community/"));
    let term = t.read("tags/community/index.html");
    assert!(term.contains("First post") && term.contains("Second post"));
    assert!(t
        .read("themes/ambassadeurs/index.html")
        .contains("First post"));
}

#[test]
fn data_is_reachable_and_norway_stays_a_string() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let page = t.read("team/photo-page/index.html");
    assert!(
        page.contains(r#"<li data-country="NO">Ana Berg</li>"#),
        "{page}"
    );
    assert!(page.contains(r#"<p id="stats">2</p>"#));
}

#[test]
fn page_bundles_carry_their_images() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    assert!(t.exists("team/photo-page/team.png"));
    // Shown through the image stage: resized copies with their size.
    let html = t.read("team/photo-page/index.html");
    assert!(html.contains(r#"<img src="/media/team-"#), "{html}");
    assert!(html.contains(r#"width="64" height="64""#), "{html}");
}

#[test]
fn static_files_and_theme_assets_are_copied() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    assert_eq!(t.read("images/extra.css"), "body { color: black; }\n");
    assert!(t.exists("assets/parvis.css"));
    assert!(t.read("assets/syntax-light.css").contains(".hl-"));
    assert!(t.read("assets/syntax-dark.css").contains(".hl-"));
}

#[test]
fn code_is_highlighted_into_classes() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let page = t.read("docs/guide/install/index.html");
    assert!(page.contains(r#"<pre class="code highlight" tabindex="0" data-lang="rust">"#));
    assert!(page.contains(r#"<span class="hl-storage hl-type hl-function hl-rust">fn</span>"#));
}

/// The two counts `--timings` prints: blocks highlighted by this build, blocks taken from the
/// cache.
fn code_counts(run: &Run) -> (usize, usize) {
    let line = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .find_map(|l| l.strip_prefix("code blocks highlighted: "))
        .unwrap_or_else(|| panic!("no count in:\n{}\n{}", run.stdout, run.stderr));
    let (highlighted, rest) = line.split_once(" (").unwrap();
    let cached = rest.split_once(' ').unwrap().0;
    (highlighted.parse().unwrap(), cached.parse().unwrap())
}

/// Highlighting is most of the cost of a body: a build keeps what it highlighted in
/// `.parvis-cache/code.bin`, and the next build highlights only the blocks that changed. A
/// damaged cache is read as empty, never as code, and the build writes a good one.
#[test]
fn a_second_build_highlights_only_the_code_that_changed() {
    let t = SiteTest::fixture("basic");
    // A second block, so that an edit leaves one block as it was.
    let install = std::fs::read_to_string(t.root.join("content/docs/guide/install.md")).unwrap();
    t.file(
        "content/docs/guide/install.md",
        format!("{install}\n```yaml\ntitle: Portal\n```\n"),
    );
    let first = t.build(&["--timings"]);
    first.success();
    assert_eq!(code_counts(&first), (2, 0));
    let cache = t.root.join(".parvis-cache/code.bin");
    let good = std::fs::read(&cache).expect("the build saved its highlighted code");
    let output = snapshot(&t.out());

    let again = t.build(&["--timings"]);
    again.success();
    assert_eq!(code_counts(&again), (0, 2), "every block from the cache");
    assert!(snapshot(&t.out()) == output, "the cache changed the output");

    t.file(
        "content/docs/guide/install.md",
        format!("{install}\n```yaml\ntitle: Other portal\n```\n"),
    );
    let edited = t.build(&["--timings"]);
    edited.success();
    assert_eq!(code_counts(&edited), (1, 1), "only the edited block");
    assert!(t
        .read("docs/guide/install/index.html")
        .contains("Other portal"));

    // Truncated, from another program, or empty: the build highlights again, the same way.
    t.file(
        "content/docs/guide/install.md",
        format!("{install}\n```yaml\ntitle: Portal\n```\n"),
    );
    for damaged in [&good[..good.len() - 7], b"not a cache".as_slice(), b""] {
        std::fs::write(&cache, damaged).unwrap();
        let run = t.build(&["--timings"]);
        run.success();
        assert_eq!(code_counts(&run), (2, 0));
        assert!(
            snapshot(&t.out()) == output,
            "a damaged cache changed the output"
        );
        assert_eq!(
            std::fs::read(&cache).unwrap().len(),
            good.len(),
            "a good cache again"
        );
    }
}

#[test]
fn aliases_redirect_to_the_page() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let alias = t.read("old/second/index.html");
    assert!(alias.contains(r#"<meta http-equiv="refresh" content="0; url=https://portal.example.org/blog/second-post/">"#));
}

#[test]
fn sitemap_lists_visible_pages_with_lastmod() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let sitemap = t.read("sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://portal.example.org/blog/first-post/</loc><lastmod>2026-01-10</lastmod></url>"));
    assert!(!sitemap.contains("internal-post"));
    assert!(t
        .read("robots.txt")
        .contains("Sitemap: https://portal.example.org/sitemap.xml"));
}

#[test]
fn translations_live_under_their_language() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let fr = t.read("fr/about/index.html");
    assert!(fr.contains("À propos"));
    assert!(fr.contains(r#"lang="fr""#));
    assert!(fr.contains(r#"hreflang="en""#), "{fr}");
}

#[test]
fn two_builds_are_byte_identical() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let first = snapshot(&t.out());
    t.build(&[]).success();
    assert!(first == snapshot(&t.out()), "second build differs");
}

#[test]
fn site_templates_override_the_theme() {
    let t = SiteTest::fixture("basic");
    t.file(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Custom lost page</p>{% endblock content %}",
    );
    t.build(&[]).success();
    assert!(t.read("404.html").contains("Custom lost page"));
}
