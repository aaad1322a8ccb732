//! Output: write a build beside the output folder and swap it in only when the build succeeded,
//! so that a failed build leaves the previous output untouched and a web server never serves a
//! half-written site.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where a build's files go: a staging folder on disk, or memory for `parvis serve`.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel`, a `/`-separated path inside the output.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies file `source` to `rel`.
    fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        self.write(rel, &std::fs::read(source)?)
    }
}

/// The output kept in memory, for the development server.
#[derive(Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Memory {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(rel.trim_start_matches('/').to_string(), bytes.to_vec());
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, rel, bytes)
    }
    fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        Staging::copy(self, source, rel)
    }
}

/// A folder being filled, next to the folder it will replace.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
}

impl Staging {
    /// Prepares an empty staging folder beside `target`.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        remove_abandoned(parent, &name);
        let dir = parent.join(format!(".{name}.parvis-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            done: false,
        })
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) in the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Copies file `source` to `rel`.
    pub fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(source, path).map(|_| ())
    }

    fn path(&self, rel: &str) -> PathBuf {
        let mut p = self.dir.clone();
        p.extend(
            rel.split('/')
                .filter(|s| !s.is_empty() && *s != ".." && *s != "."),
        );
        p
    }

    /// Puts the new output in place of the old one, then removes the old one.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::write(self.dir.join(MARKER), MARKER_TEXT)?;
        let old = self.dir.with_file_name(
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().replace(".parvis-new-", ".parvis-old-"))
                .unwrap_or_default(),
        );
        if self.target.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back rather than leave nothing.
            if old.exists() {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.done = true;
        if old.exists() {
            remove_in_background(&old);
        }
        Ok(())
    }
}

/// The file that marks a folder as written by parvis, and so safe to replace whole.
pub const MARKER: &str = ".parvis-output";
const MARKER_TEXT: &str = "This folder was written by parvis. `parvis build` replaces it whole: \
keep nothing else here.\n";

/// Refuses an output folder whose swap would lose something parvis did not write: a file, a
/// link, or a non-empty folder without [`MARKER`] (unless `force`). A missing or empty folder,
/// or one an earlier build wrote, is fine.
pub fn check_target(target: &Path, force: bool) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(format!(
                "cannot read the output folder {}: {e}",
                target.display()
            ))
        }
    };
    if !meta.is_dir() {
        let what = if meta.file_type().is_symlink() {
            "a link"
        } else {
            "a file"
        };
        return Err(format!(
            "the output {} is {what}, not a folder: parvis never replaces it; choose another \
             output folder with -o",
            target.display()
        ));
    }
    if force || target.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(target)
        .map_err(|e| format!("cannot read the output folder {}: {e}", target.display()))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    Err(format!(
        "the output folder {} holds files that parvis did not write (it has no {MARKER}), \
         and a build replaces the whole folder; choose an empty or new folder with -o, or pass \
         --force to replace it (an output of parvis 0.1 needs --force once)",
        target.display()
    ))
}

/// Removes the staging and old-output folders of builds that were killed (their process is
/// gone), so that they do not pile up beside the output. Folders of running builds stay.
fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".parvis-new-", ".parvis-old-"].iter().find_map(|infix| {
            file_name
                .strip_prefix(&format!(".{name}{infix}"))?
                .parse::<u32>()
                .ok()
        });
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if pid.is_some_and(|p| is_dir && !process_alive(p)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` runs. Where that cannot be told, it is taken to run, so that
/// nothing of a live build is ever removed.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes a previous output folder without making the build wait for it: deleting tens of
/// thousands of files can take seconds on some file systems, and the new output is already in
/// place. A detached `parvis` process does the deletion; if it cannot be started, the folder is
/// removed here.
fn remove_in_background(dir: &Path) {
    let spawned = is_parvis_binary()
        && std::env::current_exe().is_ok_and(|exe| {
            std::process::Command::new(exe)
                .arg(REMOVE_COMMAND)
                .arg(dir)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .is_ok()
        });
    if !spawned {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The hidden subcommand that deletes an old output folder.
pub const REMOVE_COMMAND: &str = "__remove-old-output";

/// Whether this process is the `parvis` binary (and so understands [`REMOVE_COMMAND`]), rather
/// than a test harness using the library.
fn is_parvis_binary() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s == "parvis"))
        .unwrap_or(false)
}

/// Deletes `dir` if it is an old output left by [`Staging::commit`]; anything else is refused.
pub fn remove_old_output(dir: &Path) -> io::Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !(name.starts_with('.') && name.contains(".parvis-old-")) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not an old parvis output folder",
        ));
    }
    std::fs::remove_dir_all(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.write("index.html", b"new").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_swaps_in_the_new_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.html"), "old").unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("stale.html").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
