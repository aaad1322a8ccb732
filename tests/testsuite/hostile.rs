//! Hostile contributions (issue 18, items 6 and 10): what a member sends in a pull request
//! cannot add lines to a calendar, run a script in a page, or break out of a shortcode.

use crate::site_test::SiteTest;

/// A site with only `site.yaml` (plus `extra` lines) and the given content files.
fn site(site_yaml_extra: &str, files: &[(&str, &str)]) -> SiteTest {
    let empty = tempfile::tempdir().expect("temp dir");
    let t = SiteTest::from_dir(empty.path());
    t.file(
        "site.yaml",
        format!("title: Hostile\nbase_url: https://hostile.example.org/\n{site_yaml_extra}"),
    );
    t.file("content/_index.md", "---\ntitle: Home\n---\nHome.\n");
    for (path, text) in files {
        t.file(path, text);
    }
    t
}

const EVENTS: (&str, &str) = (
    "content/events/_index.md",
    "---\ntitle: Events\nkind: events\n---\n",
);

/// An event page whose `extra` ends with `rrule` written as `rrule_yaml`, on line 7.
fn event(rrule_yaml: &str) -> String {
    format!(
        "---\ntitle: Club\nextra:\n  start: 2027-01-21T14:00:00\n  timezone: Europe/Paris\n  location: Lyon\n  rrule: {rrule_yaml}\n---\nWe meet.\n"
    )
}

fn ics_events(text: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none(), "one calendar");
    cal.events
}

fn prop<'a>(e: &'a ical::parser::ical::component::IcalEvent, name: &str) -> Vec<&'a str> {
    e.properties
        .iter()
        .filter(|p| p.name == name)
        .filter_map(|p| p.value.as_deref())
        .collect()
}

/// Asserts that the failed build reports each of `lines` as a whole line of stderr.
#[track_caller]
fn reports(t: &SiteTest, lines: &[&str]) -> String {
    let run = t.build(&[]);
    run.failure(1);
    for line in lines {
        assert!(
            run.stderr.lines().any(|l| l == *line),
            "missing line {line:?} in:\n{}",
            run.stderr
        );
    }
    run.stderr.clone()
}

#[test]
fn rrule_with_crlf_cannot_inject_ics_lines() {
    let injected = "\"FREQ=DAILY;COUNT=2\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nUID:evil\\r\\nDTSTART:20270101T000000Z\\r\\nSUMMARY:Free money\\r\\nURL:https://evil.example/\"";
    let t = site("", &[EVENTS, ("content/events/club.md", &event(injected))]);
    let err = reports(
        &t,
        &[
            "error: `rrule` contains a line break, which no recurrence rule has",
            "  --> content/events/club.md:7:10",
        ],
    );
    assert!(err.contains("= help: "), "{err}");
    assert!(!t.exists("events/club/event.ics"));

    // The other fields a writer types are escaped: still one event, and only the page's URL.
    t.file(
        "content/events/club.md",
        "---\ntitle: \"Club\\r\\nURL:https://evil.example/t\\nEND:VEVENT\"\nextra:\n  start: 2027-01-21T14:00:00\n  timezone: Europe/Paris\n  location: \"Lyon\\r\\nBEGIN:VEVENT\\rURL:https://evil.example/l\"\n  rrule: \"freq=monthly;interval=3;count=4\"\n---\nWe meet.\n",
    );
    t.build(&[]).success();
    for file in ["events/club/event.ics", "events/calendar.ics"] {
        let text = t.read(file);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(),
            1,
            "{file}:\n{text}"
        );
        let events = ics_events(&text);
        assert_eq!(events.len(), 1, "{file}");
        let e = &events[0];
        assert_eq!(
            prop(e, "URL"),
            ["https://hostile.example.org/events/club/"],
            "{file}"
        );
        assert_eq!(
            prop(e, "RRULE"),
            ["FREQ=MONTHLY;COUNT=4;INTERVAL=3"],
            "{file}"
        );
        assert_eq!(prop(e, "SUMMARY").len(), 1, "{file}");
        assert!(
            prop(e, "SUMMARY")[0].contains("\\nURL:https://evil.example/t"),
            "the title is one escaped value: {text}"
        );
        assert!(
            e.properties
                .iter()
                .all(|p| p.name != "BEGIN" && p.name != "END"),
            "{file}"
        );
    }
}

#[test]
fn rrule_interval_zero_is_an_error_at_the_value() {
    let t = site(
        "",
        &[
            EVENTS,
            (
                "content/events/club.md",
                &event("\"FREQ=WEEKLY;INTERVAL=0\""),
            ),
        ],
    );
    let err = reports(
        &t,
        &[
            "error: `INTERVAL=0` in `rrule`: the event would never repeat",
            "  --> content/events/club.md:7:10",
            "7 |   rrule: \"FREQ=WEEKLY;INTERVAL=0\"",
            "  |          ^",
        ],
    );
    assert!(err.contains("= help: INTERVAL counts"), "{err}");

    // TOML front matter too.
    t.file(
        "content/events/club.md",
        "+++\ntitle = \"Club\"\n[extra]\nstart = \"2027-01-21T14:00:00\"\ntimezone = \"Europe/Paris\"\nrrule = \"FREQ=WEEKLY;INTERVAL=0\"\n+++\nWe meet.\n",
    );
    reports(&t, &["  --> content/events/club.md:6:9"]);
}

#[test]
fn rrule_negative_count_and_unknown_day_are_errors_at_the_value() {
    for (rule, says) in [
        ("FREQ=DAILY;COUNT=-1", "`-1` is not a valid COUNT value"),
        ("FREQ=WEEKLY;BYDAY=ZZ", "`ZZ` is not a valid weekday"),
    ] {
        let t = site("", &[EVENTS, ("content/events/club.md", &event(rule))]);
        let err = reports(&t, &["  --> content/events/club.md:7:10"]);
        assert!(err.contains(says), "{rule}: {err}");
        assert!(err.contains("= help: write it as in RFC 5545"), "{err}");
    }
}

#[test]
fn rrule_feb_30_never_occurs_is_an_error() {
    let t = site(
        "",
        &[
            EVENTS,
            (
                "content/events/club.md",
                &event("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
            ),
        ],
    );
    let err = reports(
        &t,
        &[
            "error: `rrule` `FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30` never occurs from the event's start",
            "  --> content/events/club.md:7:10",
        ],
    );
    assert!(err.contains("= help: check the BYxxx parts"), "{err}");
    // `check` sees it as well, so CI catches it before a build.
    let run = t.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("never occurs"), "{}", run.stderr);
}

/// A body that tries everything: raw HTML, a `javascript:` link, heading attributes, and what
/// parvis writes itself (a shortcode, code, a heading id, a footnote, a table, a task list).
const HOSTILE_BODY: &str = "BODYSTART

<script>alert('raw')</script>
<img src=x onerror=\"alert('img')\">

Text with <span onmouseover=\"alert('inline')\">a span</span> and [a link](javascript:alert('link')).

## Safe heading {#kept-id onclick=alert('heading')}

{{ callout(type=\"tip\", text=\"From the theme\") }}

```rust
fn main() {}
```

A note[^n].

| left | right |
| :--- | ---: |
| a | b |

- [x] done

[^n]: The footnote.

BODYEND
";

/// The part of a built page between the body's first and last words.
fn body(html: &str) -> &str {
    let start = html.find("BODYSTART").expect("body start");
    let end = html.find("BODYEND").expect("body end");
    &html[start..end]
}

#[track_caller]
fn assert_sanitised(html: &str) {
    let b = body(html);
    for bad in [
        "<script",
        "onerror",
        "onmouseover",
        "onclick",
        "javascript:",
        "alert(",
    ] {
        assert!(!b.contains(bad), "{bad} left in:\n{b}");
    }
    for kept in [
        "<h2 id=\"kept-id\">Safe heading</h2>",
        "<aside class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tip</p><p>From the theme</p></aside>",
        "<span class=\"hl-",
        "class=\"footnote-definition\" id=\"fn-n\"",
        "href=\"#fn-n\"",
        "style=\"text-align: right\"",
        "type=\"checkbox\"",
        "<span>a span</span>",
    ] {
        assert!(b.contains(kept), "{kept} lost in:\n{b}");
    }
}

#[track_caller]
fn assert_raw(html: &str) {
    let b = body(html);
    assert!(b.contains("<script>alert('raw')</script>"), "{b}");
    assert!(b.contains("onerror=\"alert('img')\""), "{b}");
}

#[test]
fn raw_html_is_sanitised_when_the_site_says_so() {
    let t = site(
        "markdown:\n  html: sanitize\n",
        &[(
            "content/contribution.md",
            &format!("---\ntitle: From a member\n---\n{HOSTILE_BODY}"),
        )],
    );
    t.build(&[]).success();
    assert_sanitised(&t.read("contribution/index.html"));

    // The default keeps HTML as written, as before the setting existed.
    t.file(
        "site.yaml",
        "title: Hostile\nbase_url: https://hostile.example.org/\n",
    );
    t.build(&[]).success();
    assert_raw(&t.read("contribution/index.html"));

    // A misspelt value is an error at its place; the British spelling is accepted.
    t.file(
        "site.yaml",
        "title: Hostile\nbase_url: https://hostile.example.org/\nmarkdown:\n  html: clean\n",
    );
    let err = reports(&t, &["  --> site.yaml:4:9"]);
    assert!(err.contains("= help: one of: allow, "), "{err}");
    t.file(
        "site.yaml",
        "title: Hostile\nbase_url: https://hostile.example.org/\nmarkdown: { html: sanitise }\n",
    );
    t.build(&[]).success();
    assert_sanitised(&t.read("contribution/index.html"));
}

#[test]
fn section_override_sanitises_its_pages() {
    let page = |title: &str| format!("---\ntitle: {title}\n---\n{HOSTILE_BODY}");
    let t = site(
        "",
        &[
            (
                "content/contrib/_index.md",
                "---\ntitle: Contributions\nmarkdown: { html: sanitize }\n---\nBODYSTART <script>alert('section')</script> BODYEND\n",
            ),
            ("content/contrib/a.md", &page("A")),
            ("content/contrib/deeper/_index.md", "---\ntitle: Deeper\n---\n"),
            ("content/contrib/deeper/b.md", &page("B")),
            (
                "content/contrib/team/_index.md",
                "---\ntitle: Team corner\nmarkdown:\n  html: allow\n---\n",
            ),
            ("content/contrib/team/c.md", &page("C")),
            ("content/about.md", &page("About")),
        ],
    );
    t.build(&[]).success();
    assert_sanitised(&t.read("contrib/a/index.html"));
    assert_sanitised(&t.read("contrib/deeper/b/index.html"));
    assert!(!body(&t.read("contrib/index.html")).contains("<script"));
    assert_raw(&t.read("contrib/team/c/index.html"));
    assert_raw(&t.read("about/index.html"));

    // Only sections set it: on a page it is an error at the key.
    t.file(
        "content/about.md",
        "---\ntitle: About\nmarkdown: { html: sanitize }\n---\nHi.\n",
    );
    reports(
        &t,
        &[
            "error: `markdown` can only be set on a section",
            "  --> content/about.md:3:11",
        ],
    );
}

#[test]
fn shortcode_argument_with_closing_braces_stays_text() {
    let t = site(
        "",
        &[(
            "content/a.md",
            "---\ntitle: A\n---\nBODYSTART\n\n{{ callout(text=\"a }} <script>alert(1)</script> {{ b\") }}\n\nBODYEND\n",
        )],
    );
    t.build(&[]).success();
    let html = t.read("a/index.html");
    let b = body(&html);
    assert!(!b.contains("<script"), "{b}");
    assert!(
        b.contains("<p>a }} &lt;script&gt;alert(1)&lt;/script&gt; {{ b</p></aside>"),
        "the whole argument is the callout's text, escaped:\n{b}"
    );
}

#[test]
fn malformed_shortcode_is_an_error_at_its_place() {
    let t = site(
        "",
        &[(
            "content/a.md",
            "---\ntitle: A\n---\nIntro.\n\n{{ callout(text=\"a\" }} <script>alert(1)</script>\n",
        )],
    );
    let err = reports(
        &t,
        &[
            "error: shortcode `callout`: expected `,` or `)` after `text`, found `}`",
            "  --> content/a.md:6:21",
        ],
    );
    assert!(err.contains("= help: write shortcodes as"), "{err}");
}

const BLOG: (&str, &str) = (
    "content/blog/_index.md",
    "---\ntitle: Blog\nkind: blog\n---\n",
);
const CIRCLES: &str = "audiences: [internal, ambassadors, public]\nrelay: {audience: ambassadors, networks: [linkedin]}\n";

/// A relay text is the writer's, but it lands in a form field of the ambassadors' pages:
/// quotes and tags in it stay text.
#[test]
fn a_relay_text_cannot_break_out_of_its_field() {
    let t = site(
        CIRCLES,
        &[
            BLOG,
            (
                "content/blog/news.md",
                "---\ntitle: News\ndate: 2027-01-01\ndescription: \"\\\"><img src=x onerror=alert(2)>\"\nrelay:\n  linkedin: \"</textarea><script>alert(1)</script>\"\n---\nBody.\n",
            ),
        ],
    );
    t.build_at(1_800_000_000, &["--audience", "ambassadors"])
        .success();
    let html = t.read("blog/news/index.html");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
}

/// A date per audience in TOML, and values that are not dates, never panic: each is an
/// error at its place, or a page that opens as written.
#[test]
fn dates_per_audience_in_toml_and_odd_values() {
    let t = site(
        CIRCLES,
        &[
            BLOG,
            (
                "content/blog/toml.md",
                "+++\ntitle = \"Toml\"\ndate = 2027-01-10\npublish_date = { ambassadors = 2027-01-10, public = 2027-01-17 }\n+++\nBody canarytoml.\n",
            ),
            (
                "content/blog/list.md",
                "---\ntitle: List\npublish_date: {ambassadors: [2027, 1], public: 2027-01-17}\n---\nBody.\n",
            ),
        ],
    );
    let stderr = reports(&t, &[]);
    assert!(stderr.contains("content/blog/list.md:3:"), "{stderr}");
    t.file(
        "content/blog/list.md",
        "---\ntitle: List\ndate: 2026-01-01\n---\nBody.\n",
    );
    t.build_at(1_799_712_000, &["--audience", "ambassadors"])
        .success();
    assert!(t
        .read("blog/toml/index.html")
        .contains("Preview, public on 17 January 2027"));
    t.build_at(1_799_712_000, &["--audience", "public"])
        .success();
    assert!(!t.exists("blog/toml/index.html"));
    t.file(
        "content/blog/toml.md",
        "+++\ntitle = \"Toml\"\ndate = 2027-01-10\npublish_date = { ambassadors = 2027-01-10, publik = 2027-01-17 }\n+++\nBody.\n",
    );
    reports(
        &t,
        &[
            "error: unknown audience `publik` in `publish_date`",
            "  --> content/blog/toml.md:4:44",
        ],
    );
}
