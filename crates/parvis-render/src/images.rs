//! The templates' image functions, `resize_image` and `get_image_metadata` (as in Zola): a
//! theme or a shortcode asks for a size of a picture of `content/` or `static/`, and gets the
//! URL of a processed file and its size. Processing goes through the site's
//! [`parvis_images::Images`], so a size asked for by many pages is encoded once, a warm build
//! encodes nothing, and the count of `images encoded` includes them. What the functions make
//! is recorded here for the build to write with the output: rendering never writes files.
//!
//! Paths are read relative to `content/` first, then `static/` (a leading `/` changes
//! nothing); `..` is refused, so that a template fed a member's data cannot read outside
//! the site's picture folders.

use parvis_images::{Format, Images, Kind, Op, Processed, Resize, Variant, MEDIA_DIR};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use tera::{Kwargs, State, Tera, TeraResult, Value};

/// The image functions of one site.
pub struct ImageFunctions {
    images: Arc<Images>,
    /// The site's folder.
    site: PathBuf,
    /// The path part of `base_url` (`/` or `/docs/`).
    url_root: String,
    /// `images.sizes` of site.yaml, given with a `srcset`.
    sizes: String,
    /// Files made so far: output path (`media/x-1a2b3c4d-300.jpg`) to the file in the cache.
    made: Mutex<BTreeMap<String, PathBuf>>,
}

#[derive(Serialize)]
struct Resized<'a> {
    url: String,
    width: u32,
    height: u32,
    /// Where the file is in the output, relative to its folder.
    static_path: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    mime: &'a str,
}

#[derive(Serialize)]
struct Meta {
    width: u32,
    height: u32,
    format: &'static str,
    /// With `srcset=true`: the picture in the configured widths (`images.widths`).
    #[serde(skip_serializing_if = "Option::is_none")]
    src: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    srcset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webp_srcset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sizes: Option<String>,
}

impl ImageFunctions {
    pub fn new(
        images: Arc<Images>,
        site: impl Into<PathBuf>,
        url_root: &str,
        sizes: &str,
    ) -> ImageFunctions {
        ImageFunctions {
            images,
            site: site.into(),
            url_root: url_root.to_string(),
            sizes: sizes.to_string(),
            made: Mutex::default(),
        }
    }

    /// The files the functions made that `known` does not hold yet (output path, file in the
    /// cache): what the build has to copy besides what it knew of. Only those are cloned: a
    /// build asks after its shortcodes and again after its templates, `serve` on every update.
    pub fn made_beyond(&self, known: &BTreeMap<String, PathBuf>) -> Vec<(String, PathBuf)> {
        let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        made.iter()
            .filter(|(out, _)| !known.contains_key(*out))
            .map(|(out, file)| (out.clone(), file.clone()))
            .collect()
    }

    /// Whether a function made the file at root-relative `url`: the build checks the
    /// templates' links against the files planned before rendering, which these are not.
    pub fn made_at(&self, url: &str) -> bool {
        url.strip_prefix(self.url_root.as_str()).is_some_and(|rel| {
            self.made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(rel)
        })
    }

    /// Adds the two functions to `tera`.
    pub fn register(self: &Arc<Self>, tera: &mut Tera) {
        let me = self.clone();
        tera.register_function(
            "resize_image",
            move |kwargs: Kwargs, _: &State| -> TeraResult<Value> { me.resize_image(&kwargs) },
        );
        let me = self.clone();
        tera.register_function(
            "get_image_metadata",
            move |kwargs: Kwargs, _: &State| -> TeraResult<Value> { me.metadata(&kwargs) },
        );
    }

    fn resize_image(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let fail =
            |why: String| tera::Error::message(format!("resize_image(path=\"{path}\"): {why}"));
        let op_name: &str = kwargs.get("op")?.unwrap_or("fill");
        let op = Op::parse(op_name)
            .ok_or_else(|| fail(format!("unknown op `{op_name}`: use {}", Op::NAMES)))?;
        let format_name: &str = kwargs.get("format")?.unwrap_or("auto");
        let format = Format::parse(format_name).ok_or_else(|| {
            fail(format!(
                "unknown format `{format_name}`: use {}",
                Format::NAMES
            ))
        })?;
        let side = |name: &str| -> TeraResult<Option<u32>> {
            match kwargs.get::<i64>(name)? {
                Some(v) => u32::try_from(v)
                    .map(Some)
                    .map_err(|_| fail(format!("{name} {v} is not a size in pixels"))),
                None => Ok(None),
            }
        };
        let resize = Resize::new(op, side("width")?, side("height")?, format).map_err(fail)?;
        let source = self.source(path).map_err(fail)?;
        let p = self
            .images
            .get(&source, Kind::Resize(resize))
            .map_err(|e| fail(format!("{e} ({})", e.hint())))?;
        let Some((v, _)) = p.files().next() else {
            return Err(fail("nothing was made".into()));
        };
        self.publish(&p);
        Ok(Value::from_serializable(&Resized {
            url: self.url(v),
            width: v.width,
            height: v.height,
            static_path: format!("{MEDIA_DIR}{}", v.name),
            mime: &v.mime,
        }))
    }

    fn metadata(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let fail = |why: String| {
            tera::Error::message(format!("get_image_metadata(path=\"{path}\"): {why}"))
        };
        let source = self.source(path).map_err(fail)?;
        let m =
            parvis_images::metadata(&source).map_err(|e| fail(format!("{e} ({})", e.hint())))?;
        let mut meta = Meta {
            width: m.width,
            height: m.height,
            format: m.format,
            src: None,
            srcset: None,
            webp_srcset: None,
            sizes: None,
        };
        if kwargs.get::<bool>("srcset")?.unwrap_or(false) {
            let p = self
                .images
                .get(&source, Kind::Responsive)
                .map_err(|e| fail(format!("{e} ({})", e.hint())))?;
            self.publish(&p);
            let prefix = format!("{}{MEDIA_DIR}", self.url_root);
            meta.src = p.largest().map(|v| self.url(v));
            meta.srcset = Some(p.srcset(&p.fallback, &prefix));
            meta.webp_srcset = Some(p.srcset(&p.webp, &prefix));
            meta.sizes = Some(self.sizes.clone());
        }
        Ok(Value::from_serializable(&meta))
    }

    /// The file `path` names: under `content/`, else under `static/`.
    fn source(&self, path: &str) -> Result<PathBuf, String> {
        let rel = Path::new(path.trim_start_matches('/'));
        let plain = rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if path.contains("://") || !plain || path.trim().is_empty() {
            return Err("give a path inside content/ or static/, without `..`".into());
        }
        // A symbolic link out of the folder is no picture of the site either (the loader
        // leaves links out too).
        let inside = |dir: &Path, p: &Path| {
            let (Ok(dir), Ok(p)) = (dir.canonicalize(), p.canonicalize()) else {
                return false;
            };
            p.starts_with(dir)
        };
        ["content", "static"]
            .iter()
            .map(|dir| (self.site.join(dir), self.site.join(dir).join(rel)))
            .find(|(dir, p)| p.is_file() && inside(dir, p))
            .map(|(_, p)| p)
            .ok_or_else(|| {
                format!(
                    "no such picture: neither content/{0} nor static/{0} exists",
                    rel.display()
                )
            })
    }

    fn publish(&self, p: &Processed) {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        for (v, file) in p.files() {
            made.insert(format!("{MEDIA_DIR}{}", v.name), file);
        }
    }

    fn url(&self, v: &Variant) -> String {
        format!("{}{MEDIA_DIR}{}", self.url_root, v.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A processed picture with one WebP variant named `name`, in the cache folder `dir`.
    fn processed(name: &str, dir: &str) -> Processed {
        Processed {
            width: 10,
            height: 10,
            webp: vec![Variant {
                name: name.into(),
                width: 10,
                height: 10,
                mime: "image/webp".into(),
            }],
            fallback: Vec::new(),
            dir: PathBuf::from(dir),
        }
    }

    #[test]
    fn made_beyond_gives_only_the_files_not_known_yet_and_made_at_sees_them_all() {
        let images = Arc::new(Images::new("/nowhere", Default::default()));
        let functions = ImageFunctions::new(images, "/site", "/docs/", "100vw");
        functions.publish(&processed("a-1-300.webp", "/cache/1"));
        let mut known: BTreeMap<String, PathBuf> = functions
            .made_beyond(&BTreeMap::new())
            .into_iter()
            .collect();
        assert_eq!(
            known,
            BTreeMap::from([(
                "media/a-1-300.webp".to_string(),
                PathBuf::from("/cache/1/a-1-300.webp")
            )])
        );
        functions.publish(&processed("b-2-300.webp", "/cache/2"));
        let fresh = functions.made_beyond(&known);
        assert_eq!(
            fresh,
            vec![(
                "media/b-2-300.webp".to_string(),
                PathBuf::from("/cache/2/b-2-300.webp")
            )]
        );
        known.extend(fresh);
        assert!(functions.made_beyond(&known).is_empty());
        assert!(functions.made_at("/docs/media/a-1-300.webp"));
        assert!(functions.made_at("/docs/media/b-2-300.webp"));
        assert!(!functions.made_at("/docs/media/c-3-300.webp"));
    }
}
