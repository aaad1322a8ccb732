//! `SiteTest`: copy a fixture site into a temporary folder, change it, run parvis on it and
//! look at what came out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub struct SiteTest {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    /// Environment variables every run of parvis on this site gets.
    env: Vec<(String, String)>,
}

/// The result of one `parvis` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "parvis failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// The `parvis` binary under test.
pub fn parvis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parvis"));
    c.env_remove("SOURCE_DATE_EPOCH").env("CI", "true");
    c
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> SiteTest {
        Self::from_dir(&fixtures().join(name))
    }

    pub fn from_dir(dir: &Path) -> SiteTest {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        copy_dir(dir, &root);
        SiteTest {
            _tmp: tmp,
            root,
            env: Vec::new(),
        }
    }

    /// The same site, with `name=value` in the environment of every run.
    pub fn with_env(mut self, name: &str, value: &str) -> SiteTest {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// `parvis` with this site's environment.
    fn parvis(&self) -> Command {
        let mut c = parvis();
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// Writes (or replaces) a file of the site.
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Runs `parvis build` on the site with extra arguments.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut c = self.parvis();
        c.arg("build").arg(&self.root).args(args);
        Run::from(c.output().expect("run parvis"))
    }

    /// Runs `parvis build` as if "now" were the Unix time `epoch` (SOURCE_DATE_EPOCH).
    pub fn build_at(&self, epoch: i64, args: &[&str]) -> Run {
        let mut c = self.parvis();
        c.env("SOURCE_DATE_EPOCH", epoch.to_string())
            .arg("build")
            .arg(&self.root)
            .args(args);
        Run::from(c.output().expect("run parvis"))
    }

    /// Runs `parvis ARGS` in the site's folder as if "now" were the Unix time `epoch`.
    pub fn run_at(&self, epoch: i64, args: &[&str]) -> Run {
        Run::from(
            self.parvis()
                .env("SOURCE_DATE_EPOCH", epoch.to_string())
                .args(args)
                .current_dir(&self.root)
                .output()
                .expect("run parvis"),
        )
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(
            self.parvis()
                .args(args)
                .current_dir(&self.root)
                .output()
                .expect("run parvis"),
        )
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// A built file, as text.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.out().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
