//! `parvis init DIR`: a small working portal to start from.

use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};
use thiserror::Error;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/starter");

/// Why the starter site could not be written (all usage errors: exit code 2).
#[derive(Debug, Error)]
pub enum InitError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not empty; parvis init only writes into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes the starter site into `dir`, which must be empty or absent.
pub fn init(dir: &Path) -> Result<usize, InitError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|source| InitError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let mut written = 0;
    let mut stack = vec![&STARTER];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            let path = dir.join(f.path());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| InitError::Create {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, f.contents()).map_err(|source| InitError::Write {
                path: path.clone(),
                source,
            })?;
            written += 1;
        }
        stack.extend(d.dirs());
    }
    Ok(written)
}
