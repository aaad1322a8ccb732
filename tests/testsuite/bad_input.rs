//! Bad input: every mistake a writer can make gets a message with file:line:column and a hint,
//! exit code 1, and the previous output stays exactly as it was.

use crate::site_test::{snapshot, SiteTest};

/// Builds the fixture, breaks it with `files`, and checks the failed build reports `expected`
/// (each a whole line of the report) and leaves the previous output untouched.
#[track_caller]
fn fails_with(files: &[(&str, &[u8])], expected: &[&str]) -> String {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let before = snapshot(&t.out());
    for (path, contents) in files {
        t.file(path, contents);
    }
    let run = t.build(&[]);
    run.failure(1);
    for line in expected {
        assert!(
            run.stderr.lines().any(|l| l == *line),
            "missing line {line:?} in:\n{}",
            run.stderr
        );
    }
    assert!(before == snapshot(&t.out()), "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(&t.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.parvis-cache/` is the site's cache (processed images), kept on purpose.
        .filter(|n| n.contains("parvis-") && n != ".parvis-cache")
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
    run.stderr.clone()
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    fails_with(
        &[("content/blog/typo.md", b"---\ntitel: Typo\n---\nBody\n")],
        &[
            "error: unknown key `titel`",
            "  --> content/blog/typo.md:2:1",
            "2 | titel: Typo",
        ],
    );
    let t = SiteTest::fixture("basic");
    t.file("content/blog/typo.md", "---\ntitel: Typo\n---\n");
    assert!(t
        .build(&[])
        .stderr
        .contains("= help: did you mean `title`?"));
}

#[test]
fn unknown_site_key_suggests_the_nearest() {
    let err = fails_with(
        &[(
            "site.yaml",
            b"title: X\nbase_url: https://x.org/\nlanguges: [en]\n",
        )],
        &["error: unknown key `languges`", "  --> site.yaml:3:1"],
    );
    assert!(err.contains("did you mean `languages`?"), "{err}");
}

#[test]
fn unknown_key_in_a_language_of_site_yaml() {
    let err = fails_with(
        &[(
            "site.yaml",
            b"title: X\nbase_url: https://x.org/\nlanguages:\n  fr:\n    title: Y\n    tagline: Z\n",
        )],
        &["error: unknown key `tagline`", "  --> site.yaml:6:5"],
    );
    assert!(
        err.contains("title") && err.contains("description"),
        "{err}"
    );
    assert!(
        !err.contains("base_url,"),
        "the hint names the language's keys: {err}"
    );
    // The site language's words are at the top of site.yaml, not twice.
    fails_with(
        &[(
            "site.yaml",
            b"title: X\nbase_url: https://x.org/\nlanguages:\n  en:\n    description: Y\n  fr:\n",
        )],
        &["  --> site.yaml:5:18"],
    );
}

#[test]
fn impossible_date() {
    let err = fails_with(
        &[(
            "content/blog/leap.md",
            b"---\ntitle: Leap\ndate: 2026-02-30\n---\n",
        )],
        &[
            "  --> content/blog/leap.md:3:7",
            "3 | date: 2026-02-30",
            "  |       ^",
        ],
    );
    assert!(
        err.contains("error: `date` is not a valid date: `2026-02-30`"),
        "{err}"
    );
    assert!(err.contains("= help: write dates as YYYY-MM-DD"));
}

#[test]
fn unterminated_front_matter() {
    fails_with(
        &[("content/open.md", b"---\ntitle: Open\nbody text\n")],
        &[
            "error: the front matter opened with `---` on line 1 is never closed",
            "  --> content/open.md:1:1",
            "  = help: add a line with only `---` after the last front matter key",
        ],
    );
}

#[test]
fn malformed_yaml_front_matter() {
    let err = fails_with(
        &[(
            "content/bad.md",
            b"---\ntitle: [unclosed\ndate: 2026-01-01\n---\n",
        )],
        &[],
    );
    assert!(err.contains("  --> content/bad.md:"), "{err}");
}

#[test]
fn invalid_utf8() {
    fails_with(
        &[("content/latin1.md", b"---\ntitle: Caf\xe9\n---\n")],
        &[
            "error: this file is not valid UTF-8 text",
            "  --> content/latin1.md:2:11",
        ],
    );
}

#[test]
fn binary_file_named_md() {
    fails_with(
        &[("content/image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")],
        &["error: this looks like a binary file, not text"],
    );
}

#[test]
fn empty_file() {
    fails_with(
        &[("content/empty.md", b"")],
        &["error: this file is empty", "  --> content/empty.md"],
    );
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, c) in ('b'..='j').enumerate() {
        let prev = (b'a' + i as u8) as char;
        bomb.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let err = fails_with(&[("data/bomb.yaml", bomb.as_bytes())], &[]);
    assert!(err.contains("  --> data/bomb.yaml"), "{err}");
}

#[test]
fn broken_page_link_and_anchor() {
    let err = fails_with(
        &[(
            "content/blog/links.md",
            b"---\ntitle: Links\n---\nSee [this](missing.md) and [that](first-post.md#nowhere).\n",
        )],
        &[
            "error: link to `missing.md`: there is no page content/blog/missing.md",
            "  --> content/blog/links.md:4:5",
            "error: link to `first-post.md#nowhere`: content/blog/first-post.md has no heading with the id `nowhere`",
            "  --> content/blog/links.md:4:28",
        ],
    );
    assert!(err.contains("build failed: 2 errors"), "{err}");
}

#[test]
fn link_to_a_draft_is_an_error() {
    fails_with(
        &[(
            "content/blog/teaser.md",
            b"---\ntitle: Teaser\n---\nSoon: [draft](draft-post.md)\n",
        )],
        &["error: link to `draft-post.md`: content/blog/draft-post.md is a draft and not part of this build"],
    );
}

#[test]
fn missing_template() {
    fails_with(
        &[(
            "content/blog/odd.md",
            b"---\ntitle: Odd\ntemplate: nowhere.html\n---\n",
        )],
        &[
            "error: there is no template `nowhere.html`",
            "  --> content/blog/odd.md:3:11",
        ],
    );
}

#[test]
fn template_syntax_error_points_into_the_template() {
    let err = fails_with(
        &[("templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock content %}\n")],
        &[],
    );
    assert!(err.contains("  --> templates/page.html:"), "{err}");
}

#[test]
fn huge_file_is_refused() {
    let mut big = b"---\ntitle: Big\n---\n".to_vec();
    big.resize(9 * 1024 * 1024, b'a');
    fails_with(
        &[("content/big.md", &big)],
        &["error: this file is 9.0 MiB; text files over 8 MiB are refused"],
    );
}

#[test]
fn unknown_audience_and_kind() {
    let err = fails_with(
        &[
            (
                "content/blog/aud.md",
                b"---\ntitle: A\naudience: partner\n---\n",
            ),
            (
                "content/events/_index.md",
                b"---\ntitle: E\nkind: event\n---\n",
            ),
        ],
        &[
            "error: unknown audience `partner`",
            "  --> content/blog/aud.md:3:11",
            "error: unknown section kind `event`",
            "  --> content/events/_index.md:3:7",
        ],
    );
    assert!(err.contains("did you mean `events`?"), "{err}");
}

#[test]
fn every_error_is_reported_at_once() {
    let err = fails_with(
        &[
            ("content/a.md", b"---\ntitel: A\n---\n"),
            ("content/b.md", b"---\ntitle: B\ndate: 2026-13-01\n---\n"),
            ("content/c.md", b"---\ntitle: C\n---\n[x](nope.md)\n"),
        ],
        &[
            "  --> content/a.md:2:1",
            "  --> content/b.md:3:7",
            "  --> content/c.md:4:1",
        ],
    );
    assert!(err.contains("build failed: 3 errors"), "{err}");
}

#[test]
fn same_url_twice() {
    fails_with(
        &[("content/blog/copy.md", b"---\ntitle: Copy\nslug: first-post\n---\n")],
        &[
            "error: the page content/blog/first-post.md writes /blog/first-post/index.html, which the page content/blog/copy.md writes too",
            "  --> content/blog/first-post.md",
        ],
    );
}
