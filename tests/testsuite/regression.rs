//! Regression tests for the bugs an adversarial run found (issue 18), each named after its
//! bug: what a hostile or unlucky input did, and what it must do now.

use crate::site_test::{parvis, snapshot, SiteTest};
use std::path::Path;

/// Item 2: `&` next to accented text made the search stage cut a character in two.
#[test]
fn ampersand_before_accented_text_does_not_panic_in_build_or_check() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/blog/rachat.md",
        "---\ntitle: AT&T rachète une startup\ndate: 2026-01-05\n---\nAT&T rachète une startup. \
         R&D élargie, &amp;é &#233;t&eacute; &#x1F600; &bogus; &\n",
    );
    let check = t.run(&["check", "."]);
    check.success();
    t.build(&[]).success();
    let found = parvis()
        .args(["search", "rachète", "--json", "--site"])
        .arg(&t.root)
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&found.stdout);
    assert!(json.contains("/blog/rachat/"), "{json}");
}

/// Item 3: `build -o DIR` deleted whatever was at DIR.
#[test]
fn build_output_refuses_a_folder_parvis_did_not_write() {
    let t = SiteTest::fixture("basic");
    let thesis = t.root.join("../thesis");
    std::fs::create_dir_all(&thesis).unwrap();
    std::fs::write(thesis.join("chapter1.txt"), "years of work").unwrap();
    let run = t.build(&["-o", thesis.to_str().unwrap()]);
    run.failure(2)
        .stderr_has("holds files that parvis did not write");
    assert_eq!(
        std::fs::read_to_string(thesis.join("chapter1.txt")).unwrap(),
        "years of work"
    );
    // An empty folder is fine, and so is an output parvis wrote, build after build.
    let empty = t.root.join("../empty");
    std::fs::create_dir_all(&empty).unwrap();
    t.build(&["-o", empty.to_str().unwrap()]).success();
    t.build(&["-o", empty.to_str().unwrap()]).success();
    assert!(empty.join("index.html").is_file());
    // --force replaces the folder, as asked.
    t.build(&["-o", thesis.to_str().unwrap(), "--force"])
        .success();
    assert!(thesis.join("index.html").is_file());
    assert!(!thesis.join("chapter1.txt").exists());
}

/// Item 3: a regular file at the output path was deleted, even with `--force`.
#[test]
fn build_output_never_replaces_a_regular_file() {
    let t = SiteTest::fixture("basic");
    let file = t.root.join("../thesis.txt");
    std::fs::write(&file, "years of work").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["-o", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        t.build(&args)
            .failure(2)
            .stderr_has("is a file, not a folder");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "years of work");
    }
    let all = ["--all-audiences", "-o", file.to_str().unwrap()];
    t.build(&all).failure(2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "years of work");
}

/// Item 4: each broken link copied its whole source line (4,000 links on a line took 0.94 GB),
/// and every error said column 1.
#[test]
fn many_broken_links_on_one_line_give_bounded_errors_at_their_columns() {
    let t = SiteTest::fixture("basic");
    let line = "[a](#nope) ".repeat(4_000);
    t.file(
        "content/blog/links.md",
        format!("---\ntitle: Links\ndate: 2026-01-05\n---\n{line}\n"),
    );
    let run = t.build(&[]);
    run.failure(1);
    assert!(
        run.stderr.len() < 100_000,
        "{} bytes of errors",
        run.stderr.len()
    );
    // The link starts at column 1, 12, 23...: each error points at its own.
    for col in [1, 12, 23] {
        run.stderr_has(&format!("--> content/blog/links.md:5:{col}\n"));
    }
    run.stderr_has("3950 more broken links in this file (only the first 50 are shown)");
    // The excerpt is cut around the column, and the caret is under the link.
    let excerpt = run
        .stderr
        .lines()
        .find(|l| l.starts_with("5 | "))
        .expect("the source line");
    assert!(excerpt.chars().count() < 140, "{excerpt}");
}

/// Item 5: the ids of identical headings were searched from `-1` each time (20,000 headings
/// took 13-16 s, 200,000 did not finish). This builds a page of 100,000; linear time makes it
/// a matter of seconds, and the last id is the 99,999th suffix.
#[test]
fn identical_headings_get_unique_ids_without_quadratic_time() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/docs/same.md",
        format!("---\ntitle: Same\n---\n{}", "## Same\n".repeat(100_000)),
    );
    t.file(
        "content/docs/links-to-same.md",
        "---\ntitle: Links\n---\n[first](same.md#same) [last](same.md#same-99999)\n",
    );
    t.build(&[]).success();
    let html = t.read("docs/same/index.html");
    assert!(html.contains(r#"id="same""#));
    assert!(html.contains(r#"id="same-1""#));
    assert!(html.contains(r#"id="same-99999""#));
    assert!(!html.contains(r#"id="same-100000""#));
}

/// Item 7: an empty member id replaced the members directory.
#[test]
fn empty_member_id_is_an_error_not_the_directory() {
    let t = SiteTest::fixture("basic");
    t.file("data/members/blank.yaml", "id: ''\nname: Nobody\n");
    t.build(&[])
        .failure(1)
        .stderr_has("this member id is empty")
        .stderr_has("--> data/members/blank.yaml:1:5");
}

/// Item 7: files written over generated ones replaced them without a word.
#[test]
fn copied_files_over_generated_files_are_errors_naming_both() {
    let cases = [
        ("static/index.html", "the section content/_index.md"),
        ("static/members/index.html", "the members directory"),
        ("static/sitemap.xml", "the sitemap"),
        ("static/robots.txt", "robots.txt"),
        (
            "content/team/photo-page/index.html",
            "the page content/team/photo-page/index.md",
        ),
    ];
    for (file, other) in cases {
        let t = SiteTest::fixture("basic");
        t.build(&[]).success();
        let before = snapshot(&t.out());
        t.file(file, "<p>mine</p>");
        let run = t.build(&[]);
        run.failure(1)
            .stderr_has("writes too")
            .stderr_has(other)
            .stderr_has(&format!("--> {file}"));
        assert!(before == snapshot(&t.out()), "{file}: the output changed");
    }
    // The search index's files too.
    let t = SiteTest::fixture("basic");
    t.file("static/search/manifest.bin", "{}");
    t.build(&[])
        .failure(1)
        .stderr_has("the search index (`search`)");
}

/// Item 7 and 11: aliases onto the sitemap, robots.txt or a theme asset were dropped without
/// a word, and an alias over a member page was blamed on "a taxonomy page".
#[test]
fn aliases_over_generated_files_name_the_alias_and_what_it_hides() {
    let cases = [
        ("/sitemap.xml", "the sitemap"),
        ("/robots.txt", "robots.txt"),
        ("/assets/search.js", "a file of the theme"),
        (
            "/members/ana/",
            "the page of member `ana` (data/members/ana.yaml)",
        ),
    ];
    for (alias, other) in cases {
        let t = SiteTest::fixture("basic");
        t.file(
            "content/blog/moved.md",
            format!("---\ntitle: Moved\ndate: 2026-01-05\naliases: [\"{alias}\"]\n---\nBody.\n"),
        );
        t.build(&[])
            .failure(1)
            .stderr_has(&format!("the alias `{alias}`"))
            .stderr_has(other)
            .stderr_has("--> content/blog/moved.md:4:");
    }
}

/// Item 9: killed builds left `.public.parvis-new-PID` folders that no build removed.
#[test]
fn staging_folders_of_killed_builds_are_removed() {
    let t = SiteTest::fixture("basic");
    // No process has this id (ids stop at 2^22 on Linux).
    let dead = t.root.join(".public.parvis-new-4999999");
    let dead_old = t.root.join(".public.parvis-old-4999998");
    let live = t
        .root
        .join(format!(".public.parvis-new-{}", std::process::id()));
    for dir in [&dead, &dead_old, &live] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("index.html"), "half").unwrap();
    }
    t.build(&[]).success();
    assert!(!dead.exists() && !dead_old.exists(), "stale folders stay");
    assert!(live.exists(), "the folder of a running build was removed");
}

/// Item 11: `check` said the previous output was left untouched, though it writes none.
#[test]
fn failed_check_does_not_speak_of_output() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/blog/bad.md",
        "---\ntitle: Bad\ndate: 2026-13-01\n---\n",
    );
    let run = t.run(&["check", "."]);
    run.failure(1).stderr_has("check failed: 1 error");
    assert!(!run.stderr.contains("output"), "{}", run.stderr);
}

/// Item 11: the thin-profile warning spoke of an email the member does not have.
#[test]
fn thin_profile_without_email_does_not_mention_one() {
    let t = SiteTest::fixture("basic");
    t.file(
        "data/members/zed.yaml",
        "id: zed\nname: Zed\ncommunities: []\n",
    );
    let run = t.run(&["check", "."]);
    run.stderr_has("thin profile: member `zed` has nothing but a name");
    assert!(
        !run.stderr
            .contains("member `zed` has nothing but a name and an email"),
        "{}",
        run.stderr
    );
}

/// Item 11: `paginate_by: 0` in a section was reported after a build of one list page per
/// item; it is an error at its value, and the only one.
#[test]
fn paginate_by_zero_in_a_section_is_one_error_at_its_value() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/blog/_index.md",
        "---\ntitle: News\nkind: blog\npaginate_by: 0\n---\nThe latest news.\n",
    );
    let run = t.build(&[]);
    run.failure(1)
        .stderr_has("`paginate_by` must be at least 1")
        .stderr_has("--> content/blog/_index.md:4:")
        .stderr_has("build failed: 1 error;");
}

/// Item 11: `9999-12-31T23:59:59Z` was rejected, though `9999-12-31` was accepted; and the
/// day sorted as the earliest instant, so a page "published in 9999" showed.
#[test]
fn year_9999_dates_are_accepted_and_stay_in_the_future() {
    let t = SiteTest::fixture("basic");
    for (name, date) in [("instant", "9999-12-31T23:59:59Z"), ("day", "9999-12-31")] {
        t.file(
            &format!("content/blog/never-{name}.md"),
            format!(
                "---\ntitle: Never {name}\ndate: 2026-01-05\npublish_date: {date}\n---\nBody.\n"
            ),
        );
    }
    t.build(&[]).success();
    assert!(!t.exists("blog/never-instant/index.html"));
    assert!(!t.exists("blog/never-day/index.html"));
    t.build(&["--drafts"]).success();
    assert!(t.exists("blog/never-instant/index.html"));
}

/// Item 11: searching `zqxcanary1` ranked `zqxcanary10` above the page titled `zqxcanary1`:
/// a completion outscored the word as typed.
#[test]
fn search_ranks_the_word_as_typed_above_its_completions() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/blog/one.md",
        "---\ntitle: Zqxcanary1 notes\ndate: 2026-01-05\n---\nA long body about many other \
         things entirely, with words and more words, and then some more words again.\n",
    );
    t.file(
        "content/blog/ten.md",
        "---\ntitle: Zqxcanary10\ndate: 2026-01-05\ntags: [zqxcanary10]\n---\nZqxcanary10 \
         zqxcanary10 zqxcanary10.\n\n## Zqxcanary10\n",
    );
    t.build(&[]).success();
    let out = parvis()
        .args(["search", "zqxcanary1", "--json", "--site"])
        .arg(&t.root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let urls: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls.first(), Some(&"/blog/one/"), "{urls:?}");
    assert!(urls.contains(&"/blog/ten/"), "{urls:?}");
}

/// The output of a build is marked as parvis's, so that the next build may replace it.
#[test]
fn a_build_marks_its_output() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    assert!(Path::new(&t.out().join(".parvis-output")).is_file());
}

/// Item 1: once an internal section's files leave the public build, a public link to one
/// must say why it is missing, not that the file does not exist.
#[test]
fn link_to_an_internal_sections_file_says_why_it_is_missing() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/hq/_index.md",
        "---\ntitle: HQ\naudience: internal\n---\n",
    );
    t.file("content/hq/salaries.csv", "secret\n");
    t.file(
        "content/grid.md",
        "---\ntitle: About\n---\nSee [the grid](hq/salaries.csv) and [nothing](hq/none.csv).\n",
    );
    let run = t.build(&["--audience", "public"]);
    run.failure(1)
        .stderr_has("link to `hq/salaries.csv`: content/hq/salaries.csv belongs to a page or section that the `public` build does not show")
        .stderr_has("link to `hq/none.csv`: there is no such file");
    t.file(
        "content/grid.md",
        "---\ntitle: About\n---\nSee [the grid](hq/salaries.csv).\n",
    );
    t.build(&["--audience", "internal"]).success();
    assert!(t.read("grid/index.html").contains("/hq/salaries.csv"));
    assert_eq!(t.read("hq/salaries.csv"), "secret\n");
}
