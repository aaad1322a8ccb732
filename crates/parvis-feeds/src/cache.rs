//! The disk cache of fetched feeds (`SITE/.parvis-cache/feeds/`): the last good copy of each
//! feed with the validators (`ETag`, `Last-Modified`) to ask for it again conditionally.
//!
//! It holds nothing that cannot be fetched again, so it is safe to delete; an offline build
//! or a failing feed reads it instead of the network. Only a copy that parsed is written, so a
//! feed that turns invalid keeps its last good entries.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The folder of the cache, under the site folder.
pub const DIR: &str = ".parvis-cache/feeds";

/// What is kept of a feed besides its bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    url: String,
    #[serde(flatten)]
    validators: Validators,
}

/// A feed's last good copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    pub body: Vec<u8>,
    pub validators: Validators,
}

/// The cache of one site.
pub struct Cache {
    dir: PathBuf,
}

/// A file name for `url`: FNV-1a of the address, stable across builds and platforms.
fn key(url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Cache {
    /// The cache of the site at `root`.
    pub fn of_site(root: &Path) -> Cache {
        Cache {
            dir: root.join(DIR),
        }
    }

    /// The last good copy of `url`, if there is one and it is whole.
    pub fn get(&self, url: &str) -> Option<Cached> {
        let k = key(url);
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(self.dir.join(format!("{k}.json"))).ok()?)
                .ok()?;
        // Two addresses with the same key: the file is the other one's.
        if meta.url != url {
            return None;
        }
        let body = std::fs::read(self.dir.join(format!("{k}.feed"))).ok()?;
        Some(Cached {
            body,
            validators: meta.validators,
        })
    }

    /// Keeps `cached` as the last good copy of `url`. Each file is written beside and renamed
    /// into place, so a build stopped halfway leaves the previous copy or the new one.
    pub fn put(&self, url: &str, cached: &Cached) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let k = key(url);
        let meta = Meta {
            url: url.to_string(),
            validators: cached.validators.clone(),
        };
        let meta = serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?;
        // The body first: a meta file always describes a body that is there.
        self.write(&format!("{k}.feed"), &cached.body)?;
        self.write(&format!("{k}.json"), &meta)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let tmp = self
            .dir
            .join(format!("{name}.{}.partial", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, self.dir.join(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_put_is_got_back_and_other_urls_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::of_site(dir.path());
        assert_eq!(cache.get("https://a.example/feed"), None);
        let c = Cached {
            body: b"<rss/>".to_vec(),
            validators: Validators {
                etag: Some("\"v1\"".into()),
                last_modified: None,
            },
        };
        cache.put("https://a.example/feed", &c).unwrap();
        assert_eq!(cache.get("https://a.example/feed"), Some(c));
        assert_eq!(cache.get("https://b.example/feed"), None);
        assert!(dir.path().join(DIR).is_dir());
    }
}
