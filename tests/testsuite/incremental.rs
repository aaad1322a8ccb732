//! What `parvis serve` does after a save, without its server: the site is built in memory,
//! a file changes, the incremental update runs, and the served files must be byte for byte
//! what a fresh build of the changed site gives, while the update did only a little work.

use parvis::build::{build_in_memory, BuildOptions, Changes, Files, Prepared, Update};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A site of 52 pages: a blog of 30 posts (tags, code, links to the post before, a `note`
/// shortcode in every fifth and a `stats` shortcode reading `data/stats.yaml` in every
/// seventh), a docs tree of 18 pages with a sidebar, a team of three, an about page, one
/// member.
fn fifty_two_pages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut files: Vec<(String, String)> = vec![
        (
            "site.yaml".into(),
            "title: Incremental\nbase_url: https://inc.example.org/\nlanguage: en\nlanguages: [en, fr]\npaginate_by: 5\n"
                .into(),
        ),
        (
            "content/_index.md".into(),
            "---\ntitle: Home\n---\nWelcome.\n".into(),
        ),
        (
            "content/blog/_index.md".into(),
            "---\ntitle: Blog\nkind: blog\n---\nNews.\n".into(),
        ),
        (
            "content/docs/_index.md".into(),
            "---\ntitle: Docs\nkind: docs\nweight: 2\n---\nThe manual.\n".into(),
        ),
        (
            "content/docs/guide/_index.md".into(),
            "---\ntitle: Guide\n---\nStep by step.\n".into(),
        ),
        (
            "content/about.md".into(),
            "---\ntitle: About\n---\nWho we are.\n".into(),
        ),
        (
            "content/team/_index.md".into(),
            "---\ntitle: Team\n---\nThe people.\n".into(),
        ),
        (
            "templates/shortcodes/note.html".into(),
            "<aside class=\"note\">{{ text }}</aside>\n".into(),
        ),
        (
            "templates/shortcodes/stats.html".into(),
            "<p class=\"stats\">{{ site.data.stats.members }} members</p>\n".into(),
        ),
        ("data/stats.yaml".into(), "members: 12\n".into()),
        (
            "data/members/ana.yaml".into(),
            "id: ana\nname: Ana Lima\nheadline: Community lead\nroles: [ambassador]\n".into(),
        ),
        ("static/css/extra.css".into(), "body { color: #222; }\n".into()),
        ("static/robots-note.txt".into(), "hello\n".into()),
    ];
    for n in 1..=30 {
        let mut body = format!("Post {n} opens here.\n\n## Details\n\nSome text about {n}.\n");
        if n > 1 && n % 2 == 0 {
            let _ = write!(body, "\nRead [the post before](post-{:02}.md).\n", n - 1);
        }
        if n % 3 == 0 {
            let _ = write!(body, "\n```rust\nfn post_{n}() -> u32 {{ {n} }}\n```\n");
        }
        if n % 5 == 0 {
            let _ = write!(body, "\n{{{{ note(text=\"Note {n}\") }}}}\n");
        }
        if n % 7 == 0 {
            body.push_str("\n{{ stats() }}\n");
        }
        let authors = if n % 4 == 0 { "authors: [ana]\n" } else { "" };
        files.push((
            format!("content/blog/post-{n:02}.md"),
            format!(
                "---\ntitle: Post {n}\ndate: 2026-01-{n:02}\ndescription: About {n}\ntags: [t{}]\n{authors}---\n{body}",
                n % 4
            ),
        ));
    }
    for (n, name) in ["ana", "bo", "cy"].iter().enumerate() {
        files.push((
            format!("content/team/{name}.md"),
            format!("---\ntitle: {name}\nweight: {n}\n---\nHello.\n"),
        ));
    }
    for n in 1..=18 {
        files.push((
            format!("content/docs/guide/page-{n:02}.md"),
            format!(
                "---\ntitle: Page {n}\nweight: {n}\n---\n## Setup\n\nDo step {n}.\n\n```yaml\nstep: {n}\n```\n"
            ),
        ));
    }
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: None,
        audience: None,
        drafts: true,
        progress: false,
        force: false,
        deny_warnings: false,
    }
}

/// A site as `serve` holds it: the files it serves and the state it updates them from.
struct Served {
    _dir: tempfile::TempDir,
    root: PathBuf,
    files: Files,
    prepared: Prepared,
}

impl Served {
    fn start() -> Served {
        let dir = fifty_two_pages();
        let root = dir.path().to_path_buf();
        let (_, files, prepared) = build_in_memory(&options(&root)).expect("the fixture builds");
        Served {
            _dir: dir,
            root,
            files,
            prepared,
        }
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.root.join(rel)).unwrap();
        self
    }

    /// Runs the update for the files changed at `rels`, as the watcher reports them.
    fn update(&mut self, rels: &[&str]) -> Update {
        let paths: Vec<PathBuf> = rels.iter().map(PathBuf::from).collect();
        self.prepared.update(&paths)
    }

    /// Updates and applies the result to the served files; it must succeed incrementally.
    #[track_caller]
    fn change(&mut self, rels: &[&str]) -> Changes {
        match self.update(rels) {
            Update::Changed(c) => {
                for path in &c.removed {
                    self.files.remove(path);
                }
                self.files
                    .extend(c.written.iter().map(|(k, v)| (k.clone(), v.clone())));
                // As `serve` does once the pages are on screen.
                let paths: Vec<PathBuf> = rels.iter().map(PathBuf::from).collect();
                match self.prepared.update_search(&c.pages, &paths) {
                    Some(Ok(files)) => parvis::search::replace_files(&mut self.files, files, |b| b),
                    Some(Err(d)) => panic!("the search index failed: {}", d.render()),
                    None => {}
                }
                c
            }
            Update::Failed(d) => panic!("the update failed:\n{}", d.render_text()),
            Update::Full => panic!("the update asked for a full rebuild"),
        }
    }

    /// The served files are what a fresh build of the site gives now, and every output's
    /// kept key is the one computed afresh (the update left none out by mistake).
    #[track_caller]
    fn matches_a_full_build(&self) -> usize {
        assert_eq!(
            self.prepared.stale_keys(),
            Vec::<String>::new(),
            "stale keys"
        );
        let (_, fresh, _) = build_in_memory(&options(&self.root)).expect("the site builds");
        let served: Vec<&String> = self.files.keys().collect();
        let built: Vec<&String> = fresh.keys().collect();
        assert_eq!(served, built, "the served files are not the built ones");
        for (path, bytes) in &fresh {
            let mine = &self.files[path];
            if mine != bytes {
                let (a, b) = (
                    String::from_utf8_lossy(mine),
                    String::from_utf8_lossy(bytes),
                );
                let (line, (x, y)) = a
                    .lines()
                    .zip(b.lines())
                    .enumerate()
                    .find(|(_, (x, y))| x != y)
                    .unwrap_or((0, ("(lengths differ)", "")));
                panic!(
                    "{path} differs from a full build at line {line}:\nserved: {x}\nbuilt:  {y}"
                );
            }
        }
        fresh.len()
    }

    fn outputs_under(&self, prefix: &str) -> usize {
        self.files
            .keys()
            .filter(|k| k.starts_with(prefix) && k.ends_with(".html"))
            .count()
    }
}

#[test]
fn a_static_file_is_copied_alone() {
    let mut s = Served::start();
    s.write("static/css/extra.css", "body { color: #000; }\n");
    let c = s.change(&["static/css/extra.css"]);
    assert_eq!(c.written.keys().collect::<Vec<_>>(), ["css/extra.css"]);
    assert_eq!(
        (c.stats.parsed, c.stats.bodies, c.stats.rendered),
        (0, 0, 0)
    );
    s.matches_a_full_build();

    s.write("static/img/logo.svg", "<svg/>");
    let c = s.change(&["static/img/logo.svg"]);
    assert_eq!(c.written.keys().collect::<Vec<_>>(), ["img/logo.svg"]);
    s.matches_a_full_build();

    s.remove("static/robots-note.txt");
    let c = s.change(&["static/robots-note.txt"]);
    assert_eq!(c.removed, ["robots-note.txt"]);
    assert_eq!(c.stats.rendered, 0);
    s.matches_a_full_build();
}

#[test]
fn a_page_template_renders_pages_only_and_base_renders_everything() {
    let mut s = Served::start();
    let theme = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates")
                .join(name),
        )
        .unwrap()
    };
    let page = theme("page.html").replace(
        "<article class=\"page\">",
        "<article class=\"page edited\">",
    );
    s.write("templates/page.html", &page);
    let c = s.change(&["templates/page.html"]);
    let pages = 30 + 18 + 3 + 1;
    assert_eq!(c.stats.rendered, pages, "every page, and only pages");
    assert_eq!((c.stats.parsed, c.stats.bodies), (0, 0));
    assert!(c.written.keys().all(|p| !p.ends_with("xml")));
    assert!(!c.written.contains_key("blog/index.html"));
    let total = s.matches_a_full_build();

    let term = theme("taxonomy_term.html").replace("<h1>", "<h1 class=\"term\">");
    s.write("templates/taxonomy_term.html", &term);
    let c = s.change(&["templates/taxonomy_term.html"]);
    let terms = s.outputs_under("tags/") - 1;
    assert_eq!(c.stats.rendered, terms, "the term pages alone");
    s.matches_a_full_build();

    let base = theme("base.html").replace("<body", "<body data-edited");
    s.write("templates/base.html", &base);
    let c = s.change(&["templates/base.html"]);
    let html = s.files.keys().filter(|k| k.ends_with(".html")).count();
    assert_eq!(c.stats.rendered, html, "every output extends base.html");
    assert!(html < total);
    assert_eq!((c.stats.parsed, c.stats.bodies), (0, 0));
    s.matches_a_full_build();

    // Removing the override goes back to the theme's template.
    s.remove("templates/page.html");
    let c = s.change(&["templates/page.html"]);
    assert_eq!(c.stats.rendered, pages);
    s.matches_a_full_build();
}

#[test]
fn a_shortcode_template_renders_only_the_bodies_that_call_it_without_highlighting_again() {
    let mut s = Served::start();
    s.write(
        "templates/shortcodes/note.html",
        "<aside class=\"note note-new\">{{ text }}</aside>\n",
    );
    let c = s.change(&["templates/shortcodes/note.html"]);
    // Posts 5, 10, 15, 20, 25 and 30 call `note`.
    assert_eq!(c.stats.bodies, 6);
    assert_eq!(
        c.stats.rendered, 6,
        "their pages alone: lists show descriptions"
    );
    assert_eq!(c.stats.parsed, 0);
    // Posts 15 and 30 have code, which comes from the cache.
    assert_eq!((c.stats.highlighted, c.stats.highlight_hits), (0, 2));
    assert!(String::from_utf8_lossy(&s.files["blog/post-15/index.html"]).contains("note-new"));
    s.matches_a_full_build();
}

#[test]
fn a_data_file_renders_the_pages_that_read_it() {
    let mut s = Served::start();
    s.write("data/stats.yaml", "members: 13\n");
    let c = s.change(&["data/stats.yaml"]);
    // Posts 7, 14, 21 and 28 show `site.data.stats` through the `stats` shortcode.
    assert_eq!(c.stats.bodies, 4);
    assert_eq!(c.stats.rendered, 4);
    assert_eq!(c.stats.parsed, 0);
    assert!(String::from_utf8_lossy(&s.files["blog/post-14/index.html"]).contains("13 members"));
    s.matches_a_full_build();

    // A data file nothing reads changes no output.
    s.write("data/offices.yaml", "lyon: Lyon\n");
    let c = s.change(&["data/offices.yaml"]);
    assert_eq!((c.stats.bodies, c.stats.rendered), (0, 0));
    s.matches_a_full_build();
}

#[test]
fn a_member_edit_renders_again_without_rendering_markdown() {
    let mut s = Served::start();
    s.write(
        "data/members/ana.yaml",
        "id: ana\nname: Ana Lima-Souza\nheadline: Community lead\nroles: [ambassador]\n",
    );
    let c = s.change(&["data/members/ana.yaml"]);
    // The header counts members: every output reads `community`.
    assert!(c.stats.rendered > 50);
    assert_eq!(
        (c.stats.parsed, c.stats.bodies, c.stats.highlighted),
        (0, 0, 0)
    );
    s.matches_a_full_build();
}

#[test]
fn a_new_title_renders_the_page_its_neighbours_and_the_lists_that_show_it() {
    let mut s = Served::start();
    let post = s
        .read("content/blog/post-12.md")
        .replace("title: Post 12", "title: Post twelve");
    s.write("content/blog/post-12.md", &post);
    let c = s.change(&["content/blog/post-12.md"]);
    assert_eq!((c.stats.parsed, c.stats.bodies), (1, 1));
    assert_eq!(c.stats.highlighted, 0, "its code comes from the cache");
    // The page, posts 11 and 13 (previous and next), the blog page listing it, its tag's page,
    // the home page (recent posts); feeds and the sitemap as files.
    assert!(c.stats.rendered <= 8, "rendered {}", c.stats.rendered);
    assert!(c.written.contains_key("blog/post-13/index.html"));
    assert!(c.written.contains_key("blog/rss.xml"));
    assert_eq!(c.pages.updated, [PathBuf::from("blog/post-12.md")]);
    s.matches_a_full_build();
}

#[test]
fn a_docs_title_renders_the_sidebar_of_its_section() {
    let mut s = Served::start();
    let page = s
        .read("content/docs/guide/page-03.md")
        .replace("weight: 3", "weight: 30");
    s.write("content/docs/guide/page-03.md", &page);
    let c = s.change(&["content/docs/guide/page-03.md"]);
    assert_eq!(c.stats.parsed, 1);
    // Every page of the guide shows it in its sidebar; the blog does not.
    assert!(
        c.stats.rendered >= 18 && c.stats.rendered < 30,
        "rendered {}",
        c.stats.rendered
    );
    assert!(!c.written.contains_key("blog/post-01/index.html"));
    s.matches_a_full_build();
}

#[test]
fn a_new_page_and_a_deleted_page() {
    let mut s = Served::start();
    s.write(
        "content/blog/post-31.md",
        "---\ntitle: Post 31\ndate: 2026-01-31\ndescription: About 31\ntags: [t9]\n---\nNew, with a [link](post-30.md).\n\n```rust\nfn post_3() -> u32 { 3 }\n```\n",
    );
    let c = s.change(&["content/blog/post-31.md"]);
    assert_eq!((c.stats.parsed, c.stats.bodies), (1, 1));
    assert_eq!(c.pages.added, [PathBuf::from("blog/post-31.md")]);
    assert!(c.written.contains_key("tags/t9/index.html"), "a new term");
    assert!(c.stats.rendered < 20, "rendered {}", c.stats.rendered);
    s.matches_a_full_build();

    s.remove("content/blog/post-31.md");
    let c = s.change(&["content/blog/post-31.md"]);
    assert_eq!(c.pages.removed, [PathBuf::from("blog/post-31.md")]);
    assert!(c.removed.contains(&"tags/t9/index.html".to_string()));
    assert!(c.removed.contains(&"blog/post-31/index.html".to_string()));
    s.matches_a_full_build();

    // Post 11 is linked from post 12: removing it breaks that link, and the served site stays.
    s.remove("content/blog/post-11.md");
    match s.update(&["content/blog/post-11.md"]) {
        Update::Failed(d) => assert!(
            d.render_text().contains("post-11.md"),
            "{}",
            d.render_text()
        ),
        _ => panic!("a broken link must fail the update"),
    }
    s.write(
        "content/blog/post-12.md",
        &s.read("content/blog/post-12.md")
            .replace("[the post before](post-11.md)", "the post before"),
    );
    let c = s.change(&["content/blog/post-11.md", "content/blog/post-12.md"]);
    assert_eq!(c.pages.removed, [PathBuf::from("blog/post-11.md")]);
    assert_eq!(c.stats.parsed, 1);
    s.matches_a_full_build();
}

#[test]
fn a_body_edit_is_updated_alone() {
    let mut s = Served::start();
    let post = s
        .read("content/blog/post-09.md")
        .replace("Some text about 9.", "Other text.");
    s.write("content/blog/post-09.md", &post);
    let c = s.change(&["content/blog/post-09.md"]);
    assert_eq!(
        (c.stats.parsed, c.stats.bodies, c.stats.rendered),
        (1, 1, 1)
    );
    assert_eq!(
        c.written.keys().collect::<Vec<_>>(),
        ["blog/post-09/index.html"]
    );
    assert_eq!((c.stats.highlighted, c.stats.highlight_hits), (0, 1));
    s.matches_a_full_build();
}

#[test]
fn a_section_that_starts_sanitising_renders_its_bodies_again() {
    let mut s = Served::start();
    s.write(
        "content/team/ana.md",
        "---\ntitle: ana\nweight: 0\n---\nHello <b onclick=\"x()\">there</b>.\n",
    );
    s.change(&["content/team/ana.md"]);
    assert!(s.files["team/ana/index.html"]
        .windows(7)
        .any(|w| w == b"onclick"));
    s.write(
        "content/team/_index.md",
        "---\ntitle: Team\nmarkdown: { html: sanitize }\n---\nThe people.\n",
    );
    let c = s.change(&["content/team/_index.md"]);
    // The section and its three pages; the blog and the docs are not rendered from Markdown.
    assert_eq!(c.stats.bodies, 4);
    let page = String::from_utf8_lossy(&s.files["team/ana/index.html"]).into_owned();
    assert!(page.contains("Hello <b>there</b>."), "{page}");
    s.matches_a_full_build();
}

#[test]
fn a_folder_of_pages_added_and_removed() {
    let mut s = Served::start();
    s.write(
        "content/blog/series/_index.md",
        "---\ntitle: Series\n---\nA series.\n",
    );
    s.write(
        "content/blog/series/part-1.md",
        "---\ntitle: Part 1\ndate: 2026-02-01\ndescription: One\n---\nPart one.\n",
    );
    // The watcher may report only the new folder.
    let c = s.change(&["content/blog/series"]);
    assert_eq!(c.stats.parsed, 2);
    s.matches_a_full_build();
    std::fs::remove_dir_all(s.root.join("content/blog/series")).unwrap();
    let c = s.change(&["content/blog/series"]);
    assert_eq!(c.pages.removed.len(), 2);
    s.matches_a_full_build();
}

#[test]
fn a_failed_update_keeps_the_last_good_state() {
    let mut s = Served::start();
    s.write(
        "templates/shortcodes/note.html",
        "<aside>{{ text </aside>\n",
    );
    match s.update(&["templates/shortcodes/note.html"]) {
        Update::Failed(d) => assert!(
            d.render_text()
                .contains("templates/shortcodes/note.html:1:"),
            "{}",
            d.render_text()
        ),
        _ => panic!("a template syntax error must fail the update"),
    }
    s.write(
        "content/blog/post-02.md",
        &s.read("content/blog/post-02.md")
            .replace("title: Post 2", "title: Post two"),
    );
    match s.update(&["content/blog/post-02.md"]) {
        Update::Failed(d) => assert!(d.render_text().contains("note.html"), "{}", d.render_text()),
        _ => panic!("the broken template is still there"),
    }
    s.write(
        "templates/shortcodes/note.html",
        "<aside class=\"fixed\">{{ text }}</aside>\n",
    );
    let c = s.change(&["templates/shortcodes/note.html", "content/blog/post-02.md"]);
    assert_eq!(c.stats.parsed, 1);
    s.matches_a_full_build();
}

#[test]
fn site_settings_rebuild_everything() {
    let mut s = Served::start();
    assert!(matches!(s.update(&["site.yaml"]), Update::Full));
}

#[test]
fn one_change_after_another_stays_a_full_build() {
    let mut s = Served::start();
    // (file, text to replace, replacement); an empty text to replace writes the whole file.
    let steps = [
        ("content/blog/post-03.md", "tags: [t3]", "tags: [t3, extra]"),
        // One of the newest posts: the home page lists it.
        ("content/blog/post-29.md", "title: Post 29", "title: Post twenty-nine"),
        // The oldest post: the last page of the blog, and the count on every page.
        (
            "content/blog/post-00.md",
            "",
            "---\ntitle: Post zero\ndate: 2025-12-31\ndescription: About 0\ntags: [t0]\n---\nThe first.\n",
        ),
        // A translation, last of the team: the English page links to it.
        (
            "content/team/ana.fr.md",
            "",
            "---\ntitle: Ana\nweight: 100\n---\nBonjour.\n",
        ),
        // Every post shows its section in its breadcrumbs.
        ("content/blog/_index.md", "title: Blog", "title: The blog"),
        (
            "templates/shortcodes/stats.html",
            "",
            "<p>{{ site.data.stats.members }} people</p>\n",
        ),
        (
            "content/docs/guide/_index.md",
            "",
            "---\ntitle: The guide\nweight: 1\n---\nStep by step.\n",
        ),
        (
            "content/blog/post-20.md",
            "---\ntitle",
            "---\nexpiry_date: 2020-01-01\ntitle",
        ),
        ("content/blog/post-03.md", "tags: [t3, extra]", "tags: [t3]"),
        (
            "content/about.md",
            "",
            "---\ntitle: About us\n---\nSee [the guide](docs/guide/_index.md).\n",
        ),
    ];
    for (path, from, to) in steps {
        let text = if from.is_empty() {
            to.to_string()
        } else {
            s.read(path).replace(from, to)
        };
        s.write(path, &text);
        s.change(&[path]);
        s.matches_a_full_build();
    }
}
