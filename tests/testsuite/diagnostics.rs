//! What a writer reads when a page or a data file is not quite right: each message points at
//! the value at fault (file:line:column), says what to write instead, suggests the name they
//! probably meant, and a mistake is reported once, not again by everything that depends on it.

use crate::site_test::{parvis, SiteTest};

const NOW: i64 = 1_796_205_600;

/// A fresh `parvis init` site: one member (`alex`), one community (`everyone`), a blog.
fn site() -> SiteTest {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("portal");
    assert!(parvis()
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap()
        .status
        .success());
    SiteTest::from_dir(&dir)
}

/// One diagnostic as `--format json` gives it.
#[derive(Debug)]
struct Diag {
    severity: String,
    at: String,
    message: String,
    hint: String,
}

/// `parvis check --format json`: the exit code and every diagnostic.
fn check(t: &SiteTest) -> (i32, Vec<Diag>) {
    let r = t.run_at(NOW, &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    let diags = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Diag {
            severity: d["severity"].as_str().unwrap().to_string(),
            at: format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            ),
            message: d["message"].as_str().unwrap().to_string(),
            hint: d["hint"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    (r.code, diags)
}

/// The only diagnostic of the check; fails showing them all when there are others.
#[track_caller]
fn only(t: &SiteTest) -> Diag {
    let (_, mut diags) = check(t);
    assert_eq!(diags.len(), 1, "expected one diagnostic: {diags:#?}");
    diags.remove(0)
}

#[test]
fn a_page_without_title_warns_where_its_title_comes_from() {
    let t = site();
    t.file(
        "content/field-notes.md",
        "---\ndate: 2026-11-02\n---\nNotes.\n",
    );
    let d = only(&t);
    assert_eq!(d.severity, "warning");
    assert_eq!(d.at, "content/field-notes.md:1:1");
    assert_eq!(
        d.message,
        "this page has no `title`, so its title is made from the file name: \"Field notes\""
    );
    assert_eq!(d.hint, "set it in the front matter: `title: Field notes`");
    // A warning: the build goes on, unless CI denies warnings.
    t.run_at(NOW, &["check", "."]).success();
    t.run_at(NOW, &["check", ".", "--deny", "warnings"])
        .failure(1);

    t.file(
        "content/field-notes.md",
        "+++\ndate = 2026-11-02\n+++\nNotes.\n",
    );
    assert_eq!(
        only(&t).hint,
        "set it in the front matter: `title = \"Field notes\"`"
    );
    t.file("content/field-notes.md", "Notes, no front matter.\n");
    assert!(only(&t)
        .hint
        .contains("a line `---`, then `title: Field notes`"));
}

#[test]
fn a_word_where_a_list_is_expected_says_how_to_write_the_list() {
    let t = site();
    t.file(
        "content/blog/news.md",
        "---\ntitle: News\ntags: news\n---\nBody.\n",
    );
    // Linked from another page: the link finds the page all the same, no second error.
    t.file(
        "content/links.md",
        "---\ntitle: Links\n---\n[News](blog/news.md)\n",
    );
    let d = only(&t);
    assert_eq!(d.severity, "error");
    assert_eq!(d.at, "content/blog/news.md:3:7");
    assert_eq!(d.message, "`tags` must be a list: write `tags: [news]`");

    t.file(
        "content/blog/news.md",
        "---\ntitle: News\nthemes: energy, data\n---\nBody.\n",
    );
    assert_eq!(
        only(&t).message,
        "`themes` must be a list: write `themes: [energy, data]`"
    );

    t.file(
        "content/blog/news.md",
        "+++\ntitle = \"News\"\ntags = \"news\"\n+++\nBody.\n",
    );
    let d = only(&t);
    assert_eq!(d.at, "content/blog/news.md:3:8");
    assert_eq!(
        d.message,
        "`tags` must be a list: write `tags = [\"news\"]`"
    );

    // Data files too: a member's languages.
    std::fs::remove_file(t.root.join("content/blog/news.md")).unwrap();
    std::fs::remove_file(t.root.join("content/links.md")).unwrap();
    let alex = std::fs::read_to_string(t.root.join("data/members/alex.yaml")).unwrap();
    t.file(
        "data/members/alex.yaml",
        alex.replace("languages: [fr, en]", "languages: fr"),
    );
    let (code, diags) = check(&t);
    assert_eq!(code, 1);
    // The member file is the one cause: the post alex wrote does not add "not a member".
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].at, "data/members/alex.yaml:8:12");
    assert_eq!(
        diags[0].message,
        "`languages` must be a list: write `languages: [fr]`"
    );
}

#[test]
fn audiences_authors_contacts_and_managers_suggest_the_nearest_name() {
    let t = site();
    t.file(
        "content/blog/welcome.md",
        "---\ntitle: Welcome\naudience: pubic\nauthors: [alex, alx]\n---\nBody.\n",
    );
    let (_, diags) = check(&t);
    let audience = diags
        .iter()
        .find(|d| d.message == "unknown audience `pubic`");
    let audience = audience.unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(audience.at, "content/blog/welcome.md:3:11");
    assert!(
        audience.hint.starts_with("did you mean `public`?"),
        "{}",
        audience.hint
    );
    let author = diags
        .iter()
        .find(|d| d.message == "author `alx` is not a member")
        .unwrap();
    // At the id itself, not at the start of the list.
    assert_eq!(author.at, "content/blog/welcome.md:4:17");
    assert!(author.hint.starts_with("did you mean `alex`?"));
    assert_eq!(diags.len(), 2, "{diags:#?}");

    std::fs::remove_file(t.root.join("content/blog/welcome.md")).unwrap();
    t.file(
        "content/careers/_index.md",
        "---\ntitle: Careers\nkind: careers\n---\n",
    );
    t.file(
        "content/careers/editor.md",
        "---\ntitle: Editor\nextra:\n  apply_url: https://jobs.example.com/editor\n  contacts:\n    - alex\n    - alexx\n---\n",
    );
    let d = only(&t);
    assert_eq!(d.message, "job contact `alexx` is not a member");
    assert_eq!(d.at, "content/careers/editor.md:7:7");
    assert!(d.hint.starts_with("did you mean `alex`?"));

    std::fs::remove_file(t.root.join("content/careers/editor.md")).unwrap();
    let communities = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    t.file(
        "data/communities.yaml",
        communities.replace("managers: [alex]", "managers: [alx]"),
    );
    let (_, diags) = check(&t);
    let d = diags
        .iter()
        .find(|d| d.message == "community manager `alx` is not a member")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(d.at, "data/communities.yaml:9:14");
    assert!(d.hint.starts_with("did you mean `alex`?"));

    // On the command line too.
    t.run_at(NOW, &["build", ".", "--audience", "ambasadors"])
        .failure(2)
        .stderr_has("unknown audience `ambasadors` (did you mean `ambassadors`?)");
}

#[test]
fn a_bad_timezone_points_at_its_value() {
    let t = site();
    t.file(
        "content/events/_index.md",
        "---\ntitle: Events\nkind: events\n---\n",
    );
    let event = |tz: &str| {
        format!("---\ntitle: Meetup\nextra:\n  start: 2027-01-21T18:00:00\n  timezone: {tz}\n  location: Lyon\n---\n")
    };
    t.file("content/events/meetup.md", event("Paris"));
    let d = only(&t);
    assert_eq!(d.at, "content/events/meetup.md:5:13");
    assert_eq!(d.message, "unknown time zone `Paris`");
    assert!(
        d.hint.starts_with("did you mean `Europe/Paris`?"),
        "{}",
        d.hint
    );

    // A value of the wrong type is pointed at too, not the `extra:` line above it.
    t.file("content/events/meetup.md", event("1"));
    let d = only(&t);
    assert_eq!(d.at, "content/events/meetup.md:5:13");
    assert!(
        d.message.starts_with("`timezone` of the event is wrong"),
        "{}",
        d.message
    );
    t.file("content/events/meetup.md", event("[Europe/Paris]"));
    assert_eq!(only(&t).at, "content/events/meetup.md:5:13");
}

/// A page in a language site.yaml does not declare: the cause is reported once, on its
/// `lang:` line, and the pages linking to it add no "there is no page" of their own.
#[test]
fn an_undeclared_language_is_one_error_not_one_per_link() {
    let t = site();
    t.file(
        "site.yaml",
        "title: Portail\nbase_url: https://portail.example.org/\nlanguage: fr\n",
    );
    t.file(
        "content/about.md",
        "---\ntitle: À propos\n---\nVoir [les webhooks](docs/api/webhooks.md#signature).\n",
    );
    t.file(
        "content/docs/_index.md",
        "---\ntitle: Docs\n---\n[Webhooks](api/webhooks.md)\n",
    );
    t.file(
        "content/docs/api/webhooks.md",
        "---\ntitle: Webhooks\nlang: en\n---\n## Signature\n\nEvery call is signed.\n",
    );
    let (code, diags) = check(&t);
    assert_eq!(code, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].at, "content/docs/api/webhooks.md:3:7");
    assert_eq!(diags[0].message, "unknown language `en`");
    assert_eq!(
        diags[0].hint,
        "the site is written in `fr` only; to publish pages in `en` too, add `languages: [fr, en]` to site.yaml"
    );
}

/// A job posting whose `extra` cannot be read is one error, not also a template error from
/// the careers list that shows it.
#[test]
fn a_broken_job_posting_is_one_error() {
    let t = site();
    t.file(
        "content/careers/_index.md",
        "---\ntitle: Careers\nkind: careers\n---\n",
    );
    t.file(
        "content/careers/editor.md",
        "---\ntitle: Editor\nextra:\n  apply_url: https://jobs.example.com/editor\n  salary: { currency: EUR, min: lots }\n---\n",
    );
    let d = only(&t);
    assert_eq!(d.at, "content/careers/editor.md:5:11");
    assert!(
        d.message
            .starts_with("`salary.min` of the job posting is wrong"),
        "{}",
        d.message
    );
}

/// A site over `PARVIS_PACK_BODIES_ABOVE` leaves its bodies on disk until it renders them:
/// each error is still reported at the same file:line:column, with the same words, as when the
/// whole files are held.
#[test]
fn a_big_site_places_its_errors_as_a_small_one() {
    let t = site();
    t.file(
        "content/blog/field-notes.md",
        "---\ntitle: Field notes\nimage: missing.png\n---\nNotes, and [a page](gone.md).\n\n{{ no_such_shortcode() }}\n\n![](also-missing.png)\n",
    );
    t.file(
        "content/blog/unclosed.md",
        "---\ntitle: [unclosed\n---\nBody.\n",
    );
    let (code, held) = check(&t);
    assert_eq!(code, 1);
    assert!(held.len() >= 4, "{held:#?}");
    let (big_code, big) = check(&t.with_env("PARVIS_PACK_BODIES_ABOVE", "0"));
    assert_eq!(big_code, code);
    assert_eq!(format!("{big:#?}"), format!("{held:#?}"));
}
