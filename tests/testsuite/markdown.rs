//! Markdown rendering, pinned by snapshots a reviewer can read.

use parvis_markdown::render;
use std::path::Path;

fn html(md: &str) -> String {
    render(md, Path::new("")).html.text().into_owned()
}

#[test]
fn commonmark_and_extensions() {
    insta::assert_snapshot!(html(
        "# Title\n\nSome *emphasis*, **strong**, ~~gone~~ and `code`.\n\n\
         | a | b |\n|---|--:|\n| 1 | 2 |\n\n\
         - [x] done\n- [ ] to do\n\n\
         A note.[^1]\n\n[^1]: The footnote.\n"
    ));
}

#[test]
fn heading_ids_are_stable_for_french_and_repeated_headings() {
    insta::assert_snapshot!(html(
        "## Règles de modération\n\n## Qu'est-ce qu'un « ambassadeur » ?\n\n## FAQ\n\n## FAQ\n\n## Custom {#mine}\n\n## !!!\n"
    ));
}

#[test]
fn table_of_contents_nests_by_level() {
    let r = render("## A\n### A.1\n### A.2\n## B\n#### B deep\n", Path::new(""));
    insta::assert_debug_snapshot!(r.toc);
}

#[test]
fn summary_stops_at_more_marker() {
    let r = render(
        "Intro paragraph.\n\n<!-- more -->\n\nThe rest.\n",
        Path::new(""),
    );
    assert_eq!(r.summary.as_deref(), Some("<p>Intro paragraph.</p>\n"));
    assert!(r.html.text().contains("The rest."));
    assert!(!r.html.text().contains("<!-- more -->"));
}

#[test]
fn code_blocks_are_highlighted_or_escaped() {
    insta::assert_snapshot!(html(
        "```python\ndef f(x):\n    return x * 2\n```\n\n```\n<not> & highlighted\n```\n"
    ));
}

#[test]
fn word_count_includes_code_and_text() {
    let r = render("one two three\n\n```\nfour five\n```\n", Path::new(""));
    assert_eq!(r.word_count, 5);
}
