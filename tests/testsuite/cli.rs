//! The command line as CI and newcomers use it: exit codes, JSON diagnostics, `init`, `check`.

use crate::site_test::{parvis, SiteTest};

#[test]
fn init_writes_a_portal_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-portal");
    let out = parvis().arg("init").arg(&dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("site.yaml").exists());
    let t = SiteTest::from_dir(&dir);
    t.build(&[]).success();
    assert!(t.exists("index.html"));
    assert!(t.exists("blog/index.html"));
}

#[test]
fn init_refuses_a_folder_with_files() {
    let t = SiteTest::fixture("basic");
    let out = parvis().arg("init").arg(&t.root).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
}

#[test]
fn json_diagnostics_for_machines() {
    let t = SiteTest::fixture("basic");
    t.file("content/x.md", "---\ntitle: X\ndate: 2026-02-30\n---\n");
    let run = t.build(&["--format", "json"]);
    run.failure(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "content/x.md");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 7);
    assert!(d["hint"].as_str().unwrap().contains("YYYY-MM-DD"));
}

#[test]
fn usage_errors_exit_with_2() {
    let t = SiteTest::fixture("basic");
    t.build(&["--audience", "nobody"])
        .failure(2)
        .stderr_has("unknown audience `nobody`");
    t.build(&["--no-such-flag"]).failure(2);
    let out = parvis()
        .arg("build")
        .arg(t.root.join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn output_folder_cannot_swallow_the_site() {
    let t = SiteTest::fixture("basic");
    let root = t.root.to_string_lossy().into_owned();
    t.build(&["-o", &root])
        .failure(2)
        .stderr_has("would contain the site itself");
    let content = t.root.join("content/out").to_string_lossy().into_owned();
    t.build(&["-o", &content]).failure(2);
    assert!(t.root.join("content/_index.md").exists());
}

#[test]
fn check_writes_nothing() {
    let t = SiteTest::fixture("basic");
    let run = t.run(&["check"]);
    run.success();
    assert!(!t.out().exists());
    t.file("content/x.md", "---\ntitle: X\n---\n[a](gone.md)\n");
    t.run(&["check"])
        .failure(1)
        .stderr_has("there is no page content/gone.md");
}

#[test]
fn ci_output_has_no_progress_bar_or_colour() {
    let t = SiteTest::fixture("basic");
    let run = t.build(&[]);
    run.success();
    assert!(
        !run.stderr.contains('\u{1b}'),
        "escape codes in CI output: {:?}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// `--format github`: one workflow command a diagnostic, with the path from the repository
/// root (the site folder as given), line and column, so that GitHub shows it on the line of
/// the pull request; the hint on a second line, newlines and `%` encoded.
#[test]
fn github_annotations_point_at_the_lines_of_a_pull_request() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/x.md",
        "---\ntitle: X\ndate: 2026-02-30\n---\n50% off\n",
    );
    t.file("data/notes.txt", "not yaml");
    let out = parvis()
        .args(["build", "site", "--format", "github"])
        .current_dir(t.root.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let error = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation in {stdout}"));
    assert!(
        error.starts_with("::error file=site/content/x.md,line=3,col=7,title=parvis::"),
        "{error}"
    );
    assert!(error.contains("%0Ahelp: "), "{error}");
    assert!(!error.contains('\n'));
    assert!(stdout
        .lines()
        .any(|l| l.starts_with("::warning file=site/data/notes.txt,title=parvis::")));
    // The text stays readable in the log.
    assert!(String::from_utf8_lossy(&out.stderr).contains("  --> content/x.md:3:7"));
}

/// `--deny warnings`: a warning fails the build (exit 1) and nothing is swapped in; `check`
/// likewise. Without it, the same site builds.
#[test]
fn deny_warnings_fails_the_build_and_keeps_the_previous_output() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let before = crate::site_test::snapshot(&t.out());
    t.file("data/notes.txt", "not yaml");
    t.file("content/new-page.md", "---\ntitle: New\n---\nNew.\n");
    t.build(&["--deny", "warnings"])
        .failure(1)
        .stderr_has("error: this file in data/ is not YAML and is ignored")
        .stderr_has("made an error by --deny warnings")
        .stderr_has("build failed: 1 error;");
    assert!(
        before == crate::site_test::snapshot(&t.out()),
        "a denied build swapped its output in"
    );
    t.run(&["check", ".", "--deny", "warnings"]).failure(1);
    t.build(&[])
        .success()
        .stderr_has("warning: this file in data/ is not YAML and is ignored");
    assert!(t.exists("new-page/index.html"));
}

/// Runs `parvis ARGS` from a folder that is not the site, so that only the arguments name it.
fn run_elsewhere(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let elsewhere = tempfile::tempdir().unwrap();
    parvis()
        .args(args)
        .current_dir(elsewhere.path())
        .output()
        .unwrap()
}

/// The URLs of a `parvis search --format json` answer, in rank order.
fn result_urls(out: &std::process::Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    v["results"]
        .as_array()
        .expect("a results list")
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_takes_the_site_as_a_positional_argument_and_format_json() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let root = t.root.as_os_str();
    let out = run_elsewhere(&[
        "search".as_ref(),
        "opens".as_ref(),
        root,
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let urls = result_urls(&out);
    assert!(
        urls.iter().any(|u| u.ends_with("/blog/first-post/")),
        "{urls:?}"
    );
}

#[test]
fn search_keeps_site_and_json_as_hidden_aliases() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let root = t.root.as_os_str();
    let new_form = run_elsewhere(&[
        "search".as_ref(),
        "community".as_ref(),
        root,
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let old_form = run_elsewhere(&[
        "search".as_ref(),
        "community".as_ref(),
        "--json".as_ref(),
        "--site".as_ref(),
        root,
    ]);
    let urls = result_urls(&new_form);
    assert!(!urls.is_empty());
    assert_eq!(result_urls(&old_form), urls);
    // Hidden: the help shows the new forms only.
    let help = parvis().args(["search", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("[SITE]") && help.contains("--format"),
        "{help}"
    );
    assert!(
        !help.contains("--json") && !help.contains("--site"),
        "{help}"
    );
}

#[test]
fn search_text_format_lists_numbered_results_and_json_conflicts_with_format() {
    let t = SiteTest::fixture("basic");
    t.build(&[]).success();
    let root = t.root.as_os_str();
    let text = run_elsewhere(&[
        "search".as_ref(),
        "opens".as_ref(),
        root,
        "--format".as_ref(),
        "text".as_ref(),
    ]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.starts_with(" 1. First post"), "{stdout}");
    assert!(stdout.contains("/blog/first-post/"), "{stdout}");
    let both = run_elsewhere(&[
        "search".as_ref(),
        "opens".as_ref(),
        root,
        "--json".as_ref(),
        "--format".as_ref(),
        "text".as_ref(),
    ]);
    assert_eq!(both.status.code(), Some(2));
    let bad = run_elsewhere(&[
        "search".as_ref(),
        "opens".as_ref(),
        root,
        "--format".as_ref(),
        "github".as_ref(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn shared_flags_read_the_same_in_every_command_help() {
    let help = |command: &str| {
        let out = parvis().args([command, "--help"]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let site = "The site folder (the one holding site.yaml)";
    for command in ["build", "check", "report", "search", "serve"] {
        let h = help(command);
        assert!(h.contains("[SITE]") && h.contains(site), "{command}:\n{h}");
    }
    for command in ["build", "check", "report", "search"] {
        assert!(help(command).contains("--audience <AUDIENCE>"), "{command}");
    }
    for command in ["build", "check"] {
        let h = help(command);
        for flag in ["--drafts", "--format <FORMAT>", "--deny <WHAT>", "github"] {
            assert!(h.contains(flag), "{command} lacks {flag}:\n{h}");
        }
    }
    assert!(help("report").contains("report.audience"));
    // `--all-audiences` and `--audience` still exclude each other.
    let t = SiteTest::fixture("basic");
    t.build(&["--audience", "public", "--all-audiences"])
        .failure(2);
}
