//! The disk cache: one folder per key (source hash, kind and settings) holding the encoded
//! files and `manifest.json`. A folder is written under a temporary name and renamed into
//! place, so that a build stopped half-way leaves no half entry behind.

use crate::{Encoded, ImageError, Processed};
use std::path::Path;

/// The entry of `key`, if it is whole.
pub(crate) fn load(cache: &Path, key: &str) -> Option<Processed> {
    let dir = cache.join(key);
    let text = std::fs::read(dir.join("manifest.json")).ok()?;
    let mut p: Processed = serde_json::from_slice(&text).ok()?;
    p.dir = dir;
    let whole = p.files().all(|(_, f)| f.is_file());
    whole.then_some(p)
}

/// Writes `out` as the entry of `key` and returns it.
pub(crate) fn store(cache: &Path, key: &str, out: Encoded) -> Result<Processed, ImageError> {
    let io = |e: std::io::Error| ImageError::Io(format!("{}: {e}", cache.display()));
    let dir = cache.join(key);
    let tmp = cache.join(format!(
        ".{key}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&tmp).map_err(io)?;
    let mut processed = Processed {
        width: out.width,
        height: out.height,
        webp: Vec::new(),
        fallback: Vec::new(),
        dir: dir.clone(),
    };
    for (list, variants) in [
        (&mut processed.webp, out.webp),
        (&mut processed.fallback, out.fallback),
    ] {
        for (v, bytes) in variants {
            std::fs::write(tmp.join(&v.name), bytes).map_err(io)?;
            list.push(v);
        }
    }
    let manifest =
        serde_json::to_vec_pretty(&processed).map_err(|e| ImageError::Io(e.to_string()))?;
    std::fs::write(tmp.join("manifest.json"), manifest).map_err(io)?;
    if std::fs::rename(&tmp, &dir).is_err() {
        // Another build (or thread) stored the same entry first, or a broken one is in the
        // way: keep a whole one.
        match load(cache, key) {
            Some(theirs) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Ok(theirs);
            }
            None => {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::rename(&tmp, &dir).map_err(io)?;
            }
        }
    }
    Ok(processed)
}
