//! Spill: an unnamed file that a big build moves its packed bodies to, from the Markdown stage
//! until the pages are written, so that what it holds in memory stops growing with the site.
//!
//! At 100,000 pages the packed bodies are 300 MB, which would otherwise stay in memory through
//! the search stage, where the postings are built beside them. The file is made in a folder of
//! the site's own disk (its cache), not a memory-backed `/tmp`, and has no name: the system
//! frees it when the build ends, however it ends.
//!
//! Any thread appends (a place is reserved with one atomic add, then written without a lock)
//! and any thread reads a text back by its place. A read that fails (a disk error mid-build)
//! is remembered, so that the build fails rather than write a page without its body.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// An unnamed file of texts appended by any thread.
#[derive(Debug)]
pub struct Spill {
    file: File,
    /// Where the next text goes.
    end: AtomicU64,
    /// The first read that failed.
    failure: Mutex<Option<io::Error>>,
}

/// Where a text is in a [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spot {
    at: u64,
    len: u32,
}

impl Spill {
    /// A new, empty file in folder `dir`. Fails where files cannot be read and written by
    /// place (other systems than Unix), or when `dir` cannot hold a file.
    pub fn new_in(dir: &Path) -> io::Result<Spill> {
        if !cfg!(unix) {
            return Err(io::Error::from(io::ErrorKind::Unsupported));
        }
        Ok(Spill {
            file: tempfile::tempfile_in(dir)?,
            end: AtomicU64::new(0),
            failure: Mutex::new(None),
        })
    }

    /// Appends `bytes`; returns where they are.
    pub fn put(&self, bytes: &[u8]) -> io::Result<Spot> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(Spot { at, len })
    }

    /// The bytes at `spot`; `None` when they cannot be read, which is remembered for
    /// [`Spill::failure`].
    pub fn get(&self, spot: Spot) -> Option<Vec<u8>> {
        let mut bytes = vec![0; spot.len as usize];
        match read_at(&self.file, &mut bytes, spot.at) {
            Ok(()) => Some(bytes),
            Err(e) => {
                let mut failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
                failure.get_or_insert(e);
                None
            }
        }
    }

    /// The first read that failed, if any: a build that read a text back wrongly must fail.
    pub fn failure(&self) -> Option<String> {
        let failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        failure.as_ref().map(ToString::to_string)
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

// Never reached: `Spill::new_in` makes none on other systems.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn texts_appended_from_many_threads_read_back_by_place() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new_in(dir.path()).unwrap();
        let texts: Vec<Vec<u8>> = (0..500u32)
            .map(|i| i.to_string().repeat(i as usize % 37).into_bytes())
            .collect();
        let spots: Vec<Spot> = texts.par_iter().map(|t| spill.put(t).unwrap()).collect();
        assert_eq!(
            spill.len(),
            texts.iter().map(|t| t.len() as u64).sum::<u64>()
        );
        for (text, spot) in texts.iter().zip(&spots).rev() {
            assert_eq!(spill.get(*spot).as_ref(), Some(text));
        }
        assert_eq!(spill.failure(), None);
        // The file has no name: the folder stays empty.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_read_past_the_end_fails_and_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new_in(dir.path()).unwrap();
        let spot = spill.put(b"body").unwrap();
        let beyond = Spot {
            at: spot.at + 2,
            len: 4,
        };
        assert_eq!(spill.get(beyond), None);
        assert!(spill.failure().is_some());
        assert_eq!(spill.get(spot).as_deref(), Some(&b"body"[..]));
    }
}
