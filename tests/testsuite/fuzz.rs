//! Fuzzing with proptest, bounded so that CI runs it every time: hostile front matter,
//! Markdown with shortcodes, member YAML and the search's entity decoding never make parvis
//! panic, and a whole build of a hostile page ends in success or in diagnostics.
//!
//! Inputs are built from fragments that have broken parvis or its parsers before (fences,
//! entities next to accents, unbalanced shortcode braces, aliases, huge and odd numbers), so
//! that a few hundred cases reach the corners a uniform random string would not. Set
//! `PROPTEST_CASES` to run more; each property prints its case count on success.

use parvis_core::config::{Config, RawHtml};
use parvis_core::load::{frontmatter, DataFile};
use parvis_core::model::community::CommunityData;
use parvis_site::{build, BuildOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Pieces of hostile text: what tends to break parsers of Markdown, YAML and HTML entities.
const FRAGMENTS: &[&str] = &[
    "---\n",
    "+++\n",
    "\n",
    "\r\n",
    " ",
    "\t",
    "title: ",
    "date: ",
    "tags: ",
    "- ",
    ": ",
    "&",
    "&amp;",
    "&#233;",
    "&#x1F600;",
    "&#xD800;",
    "&#99999999;",
    "&eacute",
    "&;",
    "è",
    "é",
    "AT&T rachète",
    "\u{feff}",
    "\u{0}",
    "\u{202e}",
    "𝒳",
    "{{",
    "}}",
    "{%",
    "%}",
    "{{ callout(",
    "text=\"",
    "\")",
    "\"",
    "'",
    "}} <script>alert(1)</script> {{",
    "[a](#nope)",
    "[x](../../../etc/passwd)",
    "[p](other.md#h)",
    "![i](missing.png)",
    "## Same\n",
    "# ",
    "<!-- more -->",
    "```rust\n",
    "```\n",
    "`",
    "*",
    "_",
    "|a|b|\n|-|-|\n",
    "[^1]",
    "[^1]: n\n",
    "&a: [*a, *a]\n",
    "*a",
    "!!binary",
    "? ",
    "9999-12-31T23:59:59Z",
    "2026-02-30",
    "-1",
    "1e400",
    "0x",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "<div>",
    "</div>",
    "javascript:",
];

/// A string of up to `max` fragments.
fn hostile(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..max).prop_map(|v| v.concat())
}

/// Runs `property` over `cases` generated inputs (or `PROPTEST_CASES`), failing on the first
/// panic or failed assertion, and says how many ran.
fn run<S: Strategy>(name: &str, cases: u32, strategy: S, property: impl Fn(S::Value))
where
    S::Value: std::fmt::Debug,
{
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        property(value);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    eprintln!("{name}: {cases} cases, no panic");
}

#[test]
fn front_matter_never_panics() {
    run("front matter", 2_000, hostile(40), |text| {
        let file = Path::new("content/x.md");
        if let Ok(split) = frontmatter::split(file, &text) {
            let _ = frontmatter::parse(file, &text, &split, false);
            let _ = frontmatter::parse(file, &text, &split, true);
        }
    });
}

#[test]
fn markdown_with_shortcodes_never_panics() {
    run("markdown with shortcodes", 2_000, hostile(60), |body| {
        let shortcode = |call: &parvis_markdown::shortcodes::Call| {
            Ok::<_, parvis_markdown::shortcodes::ShortcodeError>(format!("<b>{}</b>", call.name))
        };
        for html in [RawHtml::Allow, RawHtml::Sanitize] {
            let (rendered, errors) = parvis_markdown::render_with_shortcodes(
                &body,
                Path::new("blog"),
                &shortcode,
                None,
                html,
            );
            for e in errors {
                assert!(e.offset <= body.len(), "an error past the body: {e:?}");
            }
            for link in &rendered.links {
                assert!(link.offset <= body.len(), "a link past the body");
            }
            if html == RawHtml::Sanitize {
                let html = rendered.html.text();
                assert!(!html.contains("<script"), "{html}");
            }
        }
    });
}

#[test]
fn search_text_extraction_never_panics() {
    let html = (hostile(40), hostile(10)).prop_map(|(text, heading)| {
        format!("<p>{text}</p><h2 id=\"{heading}\">{heading}</h2><p title=\"{text}\">{text}</p>")
    });
    run("search entity decoding", 4_000, html, |html| {
        let _ = parvis_search::docs::html_sections(&html);
    });
}

#[test]
fn member_yaml_never_panics() {
    let config = Config::from_file(
        Path::new("site.yaml"),
        "title: T\nbase_url: https://x.example/\n",
    )
    .expect("a valid site.yaml");
    let member = hostile(30).prop_map(|rest| format!("id: ana\nname: Ana\n{rest}"));
    run("member YAML", 2_000, (member, hostile(30)), |(a, b)| {
        let data = [a, b]
            .into_iter()
            .enumerate()
            .map(|(i, text)| DataFile {
                rel: PathBuf::from(format!("members/m{i}.yaml")),
                display: PathBuf::from(format!("data/members/m{i}.yaml")),
                text,
            })
            .collect::<Vec<_>>();
        let _ = CommunityData::load(&config, &data, &BTreeSet::new());
    });
}

/// The whole pipeline, as `parvis check` runs it, on a page and a member file made of
/// hostile fragments: diagnostics, never a panic.
#[test]
fn whole_check_of_a_hostile_page_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    crate::site_test::copy_dir(&crate::site_test::fixtures().join("basic"), &root);
    let page = (hostile(20), hostile(40))
        .prop_map(|(front, body)| format!("---\ntitle: Fuzz\n{front}\n---\n{body}"));
    run("whole check", 64, (page, hostile(20)), |(page, member)| {
        std::fs::write(root.join("content/blog/fuzz.md"), &page).unwrap();
        std::fs::write(
            root.join("data/members/fuzz.yaml"),
            format!("id: fuzz\nname: Fuzz\n{member}"),
        )
        .unwrap();
        let _ = build(&BuildOptions {
            root: root.clone(),
            output: None,
            audience: None,
            drafts: true,
            progress: false,
            force: false,
            deny_warnings: false,
            external_links: false,
            offline: false,
        });
    });
}
