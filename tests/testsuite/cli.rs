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
