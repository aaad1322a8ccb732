//! Originals published as they are (a picture of `static/`, a file beside a page), without
//! their metadata ([`crate::strip`]): the copy without metadata is made once per content and
//! kept in the cache beside the encoded variants, so that a warm build only copies it.
//!
//! Why in the cache: stripping reads and rewrites the whole file, and a site publishes every
//! original on every build. The cache key is the source's bytes, as for the variants; a
//! picture with nothing to take out gets an entry that says so, and is copied as it is.

use crate::{cache, Encoded, ImageError, Images, Variant, CACHE_VERSION};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Where to copy a published original from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    /// The source itself: it has no metadata to take out, or is no JPEG, PNG or WebP that
    /// [`crate::strip`] reads.
    AsIs,
    /// Its copy without metadata, in the cache.
    Stripped(PathBuf),
}

impl Original {
    /// The file to copy for the source at `source`.
    pub fn file<'a>(&'a self, source: &'a Path) -> &'a Path {
        match self {
            Original::AsIs => source,
            Original::Stripped(copy) => copy,
        }
    }
}

impl Images {
    /// The picture at `path` as published: stripped of its metadata on the first build that
    /// sees these bytes, taken from the cache on later ones ([`Images::stripped`] counts the
    /// copies made).
    pub fn original(&self, path: &Path) -> Result<Original, ImageError> {
        let bytes = std::fs::read(path).map_err(|e| ImageError::Missing(e.to_string()))?;
        let key = key(&bytes);
        let entry = match cache::load(&self.cache, &key) {
            Some(hit) => hit,
            None => {
                let mut out = Encoded::new(0, 0);
                if let Some(stripped) = crate::strip::strip(&bytes) {
                    let (width, height) = crate::dimensions(&stripped).unwrap_or_default();
                    let (ext, mime) = format_of(&stripped);
                    let name = format!("original-{}.{ext}", &key[..8]);
                    self.stripped.fetch_add(1, Ordering::Relaxed);
                    out.push_fallback((
                        Variant {
                            name,
                            width,
                            height,
                            mime: mime.into(),
                        },
                        stripped,
                    ));
                }
                cache::store(&self.cache, &key, out)?
            }
        };
        let copy = entry.files().next().map(|(_, file)| file);
        Ok(copy.map_or(Original::AsIs, Original::Stripped))
    }

    /// How many copies without metadata were made since this was made (cache hits make
    /// none).
    pub fn stripped(&self) -> usize {
        self.stripped.load(Ordering::Relaxed)
    }
}

/// The cache key of an original: its bytes and the kind "stripped" (the image settings
/// change nothing here).
fn key(bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&CACHE_VERSION.to_le_bytes());
    h.update(b"stripped\0");
    h.update(bytes);
    h.finalize().to_hex()[..16].to_string()
}

/// The extension and type of a file [`crate::strip::strip`] wrote (JPEG, PNG or WebP).
fn format_of(bytes: &[u8]) -> (&'static str, &'static str) {
    if bytes.starts_with(b"\x89PNG") {
        ("png", "image/png")
    } else if bytes.starts_with(b"RIFF") {
        ("webp", "image/webp")
    } else {
        ("jpg", "image/jpeg")
    }
}
