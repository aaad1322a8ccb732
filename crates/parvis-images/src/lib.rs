//! Image processing, a stage of its own: every picture the site shows is decoded once,
//! turned right way up (EXIF orientation), resized to a few widths (never up), encoded as
//! lossy WebP plus the source's own format as a fallback, stripped of its metadata (GPS
//! included: the pixels are encoded anew, nothing else is copied) and named after a hash of
//! its content. The same stage draws the square avatars of member photos, the 1200×630
//! social cards and the favicons.
//!
//! Why its own crate: decoding and encoding are the slowest, most memory-hungry and most
//! hostile-input-facing work of a build, and they need nothing of the pages. The site stage
//! asks for a picture by source file and [`Kind`]; this crate answers with the variants'
//! sizes and file names, from its disk cache when it has seen the same bytes with the same
//! settings before ([`Images::encoded`] counts what was really encoded). The originals the
//! site publishes as they are go through it too, to be stripped of their metadata once
//! ([`Images::original`]).
//!
//! The cache (`.parvis-cache/images/` of the site by default) holds one folder per source
//! hash and settings: the encoded files and a `manifest.json`. It is safe to delete at any
//! time; CI can keep it between runs.

mod cache;
mod card;
mod original;
mod resize;
pub mod strip;

pub use card::{Card, CardStyle};
pub use original::Original;
pub use resize::{Format, Op, Resize};

use fast_image_resize as fr;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Where processed files go in the output, under the site root (`/media/…`).
pub const MEDIA_DIR: &str = "media/";
/// Bumped whenever the encoders' output changes, so that old cache entries are not reused.
const CACHE_VERSION: u32 = 2;
/// No side longer than this is decoded: a decompression bomb fails on its header.
pub const MAX_SIDE: u32 = 12_000;
/// What a decoder may allocate for one image (a 12000×8000 RGBA image fits).
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// Covers show at most about 480 CSS pixels wide (a card, the hero): that and twice it.
pub const COVER_WIDTHS: [u32; 2] = [480, 960];
/// Social cards: what LinkedIn, Slack, Mastodon and X show best.
pub const CARD_WIDTH: u32 = 1200;
pub const CARD_HEIGHT: u32 = 630;

/// How a picture is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// In a page: the configured widths, WebP and the original format.
    Responsive,
    /// A cover on a card or the home page's hero: [`COVER_WIDTHS`], WebP and the original
    /// format.
    Cover,
    /// A member's photo: a square crop in the two avatar sizes.
    Avatar,
    /// A social card: cropped to 1200×630, JPEG.
    Card,
    /// The favicon (32 px) and the touch icon (180 px), PNG.
    Icon,
    /// One size a template asked for (`resize_image`): one file.
    Resize(Resize),
}

/// The settings that change what is encoded (part of the cache key).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// Widths of responsive images, in pixels.
    pub widths: Vec<u32>,
    /// Quality of lossy encodings (WebP, JPEG), 1 to 100.
    pub quality: u8,
    /// The two avatar sizes, in pixels (square).
    pub avatar_sizes: [u32; 2],
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            widths: vec![480, 960, 1600],
            quality: 80,
            avatar_sizes: [128, 320],
        }
    }
}

/// One encoded file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Variant {
    /// The file name, content-hashed (`cover-3fa2c1d0-960.webp`).
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// `image/webp`, `image/jpeg` or `image/png`.
    pub mime: String,
}

/// A processed picture: its size once turned right way up, and its variants, smallest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    /// WebP variants.
    pub webp: Vec<Variant>,
    /// The same sizes in the source's format (JPEG, or PNG for pictures with transparency).
    pub fallback: Vec<Variant>,
    /// The folder of the cache holding the files.
    #[serde(skip)]
    pub dir: PathBuf,
}

impl Processed {
    /// Every file, with where the cache holds it.
    pub fn files(&self) -> impl Iterator<Item = (&Variant, PathBuf)> {
        self.webp
            .iter()
            .chain(&self.fallback)
            .map(|v| (v, self.dir.join(&v.name)))
    }

    /// `srcset` of the variants of `mime` under `prefix` (the URL of the images folder).
    pub fn srcset(&self, variants: &[Variant], prefix: &str) -> String {
        variants
            .iter()
            .map(|v| format!("{prefix}{} {}w", v.name, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The largest fallback (what `src` shows where `srcset` is not understood).
    pub fn largest(&self) -> Option<&Variant> {
        self.fallback.last()
    }
}

/// Why a picture could not be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    Missing(String),
    /// A format parvis does not decode (GIF, TIFF, AVIF, HEIC…), or not an image at all.
    Unsupported(String),
    /// An SVG where pixels are needed from someone not trusted (a member's photo).
    Svg,
    /// Larger than [`MAX_SIDE`] on a side, or more than the decoder may allocate.
    TooLarge(String),
    Corrupt(String),
    /// The cache or a temporary file could not be written.
    Io(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Missing(e) => write!(f, "the image cannot be read: {e}"),
            ImageError::Unsupported(e) => write!(f, "unsupported image format: {e}"),
            ImageError::Svg => write!(f, "an SVG cannot be used here (it may carry scripts)"),
            ImageError::TooLarge(e) => write!(f, "the image is too large: {e}"),
            ImageError::Corrupt(e) => write!(f, "the image is damaged: {e}"),
            ImageError::Io(e) => write!(f, "cannot write the image cache: {e}"),
        }
    }
}

impl ImageError {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ImageError::Missing(_) => "check the path: it is relative to the page's folder, or to static/ when it starts with /",
            ImageError::Unsupported(_) => "save it as JPEG, PNG or WebP",
            ImageError::Svg => "use a JPEG, PNG or WebP photo",
            ImageError::TooLarge(_) => "resize it to at most 12000 pixels a side before adding it",
            ImageError::Corrupt(_) => "open it in an image editor and save it again",
            ImageError::Io(_) => "check that the site folder is writable, or delete .parvis-cache/",
        }
    }
}

type Slot = Arc<OnceLock<Result<Processed, ImageError>>>;

/// The image stage of one site: its settings, its cache and what it has done so far. Shared
/// by the threads of a build, and kept by `serve` between updates.
pub struct Images {
    cache: PathBuf,
    settings: Settings,
    encoded: AtomicUsize,
    stripped: AtomicUsize,
    memo: Mutex<HashMap<(PathBuf, Kind), Slot>>,
    fonts: OnceLock<Arc<resvg::usvg::fontdb::Database>>,
}

impl Images {
    /// `cache`: the cache folder (created when first written).
    pub fn new(cache: impl Into<PathBuf>, settings: Settings) -> Images {
        Images {
            cache: cache.into(),
            settings,
            encoded: AtomicUsize::new(0),
            stripped: AtomicUsize::new(0),
            memo: Mutex::default(),
            fonts: OnceLock::new(),
        }
    }

    /// How many files were encoded since this was made (cache hits encode nothing).
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Forgets what was processed in memory (`serve`, after a source changed); the disk
    /// cache stays.
    pub fn forget(&self, path: &Path) {
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.retain(|(p, _), _| p != path);
    }

    /// Processes `path` for `kind`, once per build whoever asks.
    pub fn get(&self, path: &Path, kind: Kind) -> Result<Processed, ImageError> {
        let slot = {
            let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            memo.entry((path.to_path_buf(), kind)).or_default().clone()
        };
        slot.get_or_init(|| self.process(path, kind)).clone()
    }

    fn process(&self, path: &Path, kind: Kind) -> Result<Processed, ImageError> {
        let bytes = std::fs::read(path).map_err(|e| ImageError::Missing(e.to_string()))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(clean_stem)
            .unwrap_or_else(|| "image".into());
        self.process_bytes(&bytes, &stem, kind)
    }

    /// Processes an image given as bytes; `stem` starts the file names.
    pub fn process_bytes(
        &self,
        bytes: &[u8],
        stem: &str,
        kind: Kind,
    ) -> Result<Processed, ImageError> {
        let key = self.key(bytes, stem, kind);
        if let Some(hit) = cache::load(&self.cache, &key) {
            return Ok(hit);
        }
        if is_svg(bytes) {
            return match kind {
                Kind::Icon => self.icon_from_svg(bytes, stem, &key),
                _ => Err(ImageError::Svg),
            };
        }
        let (img, format) = decode(bytes)?;
        let out = match kind {
            Kind::Responsive => self.responsive(&img, format, &self.settings.widths, stem, &key),
            Kind::Cover => self.responsive(&img, format, &COVER_WIDTHS, stem, &key),
            Kind::Avatar => self.avatar(&img, stem, &key),
            Kind::Card => self.card_from(&img, stem, &key),
            Kind::Icon => self.icons(&img, stem, &key),
            Kind::Resize(r) => self.resized(&img, format, r, stem, &key),
        }?;
        cache::store(&self.cache, &key, out)
    }

    /// The cache key: the source's bytes, the file names' stem, the kind and the settings.
    fn key(&self, bytes: &[u8], stem: &str, kind: Kind) -> String {
        let mut h = blake3::Hasher::new();
        h.update(&CACHE_VERSION.to_le_bytes());
        h.update(stem.as_bytes());
        h.update(b"\0");
        h.update(format!("{kind:?}").as_bytes());
        h.update(
            serde_json::to_string(&self.settings)
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update(bytes);
        h.finalize().to_hex()[..16].to_string()
    }

    fn responsive(
        &self,
        img: &DynamicImage,
        format: ImageFormat,
        wanted: &[u32],
        stem: &str,
        key: &str,
    ) -> Result<Encoded, ImageError> {
        let (w, h) = (img.width(), img.height());
        let mut widths: Vec<u32> = wanted.iter().copied().filter(|&x| x > 0 && x < w).collect();
        widths.sort_unstable();
        widths.dedup();
        // Never upscaled: the original width is the largest variant when it is smaller than
        // the largest setting.
        if wanted.iter().any(|&x| x >= w) || widths.is_empty() {
            widths.push(w);
        }
        let alpha = img.color().has_alpha();
        let fallback_mime = if format == ImageFormat::Jpeg || !alpha {
            "image/jpeg"
        } else {
            "image/png"
        };
        let mut out = Encoded::new(w, h);
        // Largest first, each smaller width from the one before: resizing 1600 → 960 costs
        // a fraction of 3000 → 960, and looks the same.
        let mut from: Option<DynamicImage> = None;
        for &tw in widths.iter().rev() {
            let th = ((h as u64 * tw as u64 + w as u64 / 2) / w as u64).max(1) as u32;
            let small = resize(from.as_ref().unwrap_or(img), tw, th, false)?;
            out.push_webp(self.webp(&small, stem, key, tw)?);
            out.push_fallback(self.encode(&small, fallback_mime, stem, key, tw)?);
            from = Some(small);
        }
        out.webp.reverse();
        out.fallback.reverse();
        Ok(out)
    }

    fn resized(
        &self,
        img: &DynamicImage,
        format: ImageFormat,
        r: Resize,
        stem: &str,
        key: &str,
    ) -> Result<Encoded, ImageError> {
        let (w, h, crop) = r.target(img.width(), img.height());
        let small = resize(img, w, h, crop)?;
        let mut out = Encoded::new(w, h);
        match r.format().for_source(format) {
            Format::Webp => out.push_webp(self.webp(&small, stem, key, w)?),
            Format::Png => out.push_fallback(self.encode(&small, "image/png", stem, key, w)?),
            _ => out.push_fallback(self.encode(&small, "image/jpeg", stem, key, w)?),
        }
        Ok(out)
    }

    fn avatar(&self, img: &DynamicImage, stem: &str, key: &str) -> Result<Encoded, ImageError> {
        let side = img.width().min(img.height());
        let mut out = Encoded::new(side, side);
        for s in self.settings.avatar_sizes {
            let s = s.min(side);
            let small = resize(img, s, s, true)?;
            out.push_webp(self.webp(&small, stem, key, s)?);
            out.push_fallback(self.encode(&small, "image/jpeg", stem, key, s)?);
        }
        out.webp.dedup_by(|a, b| a.0.name == b.0.name);
        out.fallback.dedup_by(|a, b| a.0.name == b.0.name);
        Ok(out)
    }

    fn card_from(&self, img: &DynamicImage, stem: &str, key: &str) -> Result<Encoded, ImageError> {
        let card = resize(img, CARD_WIDTH, CARD_HEIGHT, true)?;
        let mut out = Encoded::new(CARD_WIDTH, CARD_HEIGHT);
        out.push_fallback(self.encode(&card, "image/jpeg", stem, key, CARD_WIDTH)?);
        Ok(out)
    }

    fn icons(&self, img: &DynamicImage, stem: &str, key: &str) -> Result<Encoded, ImageError> {
        let mut out = Encoded::new(img.width(), img.height());
        for s in [32, 180] {
            let small = resize(img, s, s, true)?;
            out.push_fallback(self.encode(&small, "image/png", stem, key, s)?);
        }
        Ok(out)
    }

    fn icon_from_svg(&self, svg: &[u8], stem: &str, key: &str) -> Result<Processed, ImageError> {
        let mut out = Encoded::new(180, 180);
        for s in [32u32, 180] {
            let img = card::rasterize_svg(svg, s, s, &self.fonts())?;
            out.push_fallback(self.encode(&img, "image/png", stem, key, s)?);
        }
        cache::store(&self.cache, key, out)
    }

    /// Draws (or takes from the cache) a social card.
    pub fn card(&self, card: &Card) -> Result<Processed, ImageError> {
        let read = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>, ImageError> {
            p.as_ref()
                .map(|p| std::fs::read(p).map_err(|e| ImageError::Missing(e.to_string())))
                .transpose()
        };
        let (photo, logo) = (read(&card.photo)?, read(&card.logo)?);
        let mut h = blake3::Hasher::new();
        h.update(&CACHE_VERSION.to_le_bytes());
        h.update(b"card");
        h.update(serde_json::to_string(card).unwrap_or_default().as_bytes());
        for b in [&photo, &logo] {
            h.update(blake3::hash(b.as_deref().unwrap_or_default()).as_bytes());
        }
        let key = h.finalize().to_hex()[..16].to_string();
        if let Some(hit) = cache::load(&self.cache, &key) {
            return Ok(hit);
        }
        let photo = match photo {
            Some(b) if is_svg(&b) => return Err(ImageError::Svg),
            Some(b) => Some(decode(&b)?.0),
            None => None,
        };
        let logo = match logo {
            Some(b) if is_svg(&b) => Some(card::rasterize_svg(&b, 160, 160, &self.fonts())?),
            Some(b) => Some(decode(&b)?.0),
            None => None,
        };
        let img = card::draw(card, photo.as_ref(), logo.as_ref(), &self.fonts())?;
        let mut out = Encoded::new(CARD_WIDTH, CARD_HEIGHT);
        out.push_fallback(self.encode(&img, "image/png", "card", &key, CARD_WIDTH)?);
        cache::store(&self.cache, &key, out)
    }

    fn fonts(&self) -> Arc<resvg::usvg::fontdb::Database> {
        self.fonts
            .get_or_init(|| {
                let mut db = resvg::usvg::fontdb::Database::new();
                db.load_font_data(card::FONT.to_vec());
                Arc::new(db)
            })
            .clone()
    }

    fn webp(
        &self,
        img: &DynamicImage,
        stem: &str,
        key: &str,
        w: u32,
    ) -> Result<(Variant, Vec<u8>), ImageError> {
        let q = self.settings.quality.clamp(1, 100) as f32;
        let mem = if img.color().has_alpha() {
            let rgba = img.to_rgba8();
            webp::Encoder::from_rgba(rgba.as_raw(), img.width(), img.height()).encode(q)
        } else {
            let rgb = img.to_rgb8();
            webp::Encoder::from_rgb(rgb.as_raw(), img.width(), img.height()).encode(q)
        };
        self.encoded.fetch_add(1, Ordering::Relaxed);
        Ok((
            Variant {
                name: format!("{stem}-{key}-{w}.webp", key = &key[..8]),
                width: img.width(),
                height: img.height(),
                mime: "image/webp".into(),
            },
            mem.to_vec(),
        ))
    }

    fn encode(
        &self,
        img: &DynamicImage,
        mime: &str,
        stem: &str,
        key: &str,
        w: u32,
    ) -> Result<(Variant, Vec<u8>), ImageError> {
        let mut buf = Vec::new();
        let ext = if mime == "image/png" {
            let enc =
                PngEncoder::new_with_quality(&mut buf, CompressionType::Fast, PngFilter::Adaptive);
            img.write_with_encoder(enc)
                .map_err(|e| ImageError::Io(e.to_string()))?;
            "png"
        } else {
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            let enc = JpegEncoder::new_with_quality(&mut buf, self.settings.quality.clamp(1, 100));
            rgb.write_with_encoder(enc)
                .map_err(|e| ImageError::Io(e.to_string()))?;
            "jpg"
        };
        self.encoded.fetch_add(1, Ordering::Relaxed);
        Ok((
            Variant {
                name: format!("{stem}-{key}-{w}.{ext}", key = &key[..8]),
                width: img.width(),
                height: img.height(),
                mime: mime.into(),
            },
            buf,
        ))
    }
}

/// Variants and their bytes, before they go to the cache.
pub(crate) struct Encoded {
    width: u32,
    height: u32,
    webp: Vec<(Variant, Vec<u8>)>,
    fallback: Vec<(Variant, Vec<u8>)>,
}

impl Encoded {
    fn new(width: u32, height: u32) -> Encoded {
        Encoded {
            width,
            height,
            webp: Vec::new(),
            fallback: Vec::new(),
        }
    }
    fn push_webp(&mut self, v: (Variant, Vec<u8>)) {
        self.webp.push(v);
    }
    fn push_fallback(&mut self, v: (Variant, Vec<u8>)) {
        self.fallback.push(v);
    }
}

/// Whether `bytes` look like SVG (XML text with an `<svg` element near the start).
pub fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with('<')) && text.contains("<svg")
}

/// The size of an image from its header alone, without decoding it (for SVG: `None`).
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// What a picture's header says, without decoding its pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The size as shown: sides swapped when EXIF says the picture is turned a quarter.
    pub width: u32,
    pub height: u32,
    /// `jpeg`, `png` or `webp`.
    pub format: &'static str,
}

/// The [`Metadata`] of the picture at `path`.
pub fn metadata(path: &Path) -> Result<Metadata, ImageError> {
    let bytes = std::fs::read(path).map_err(|e| ImageError::Missing(e.to_string()))?;
    if is_svg(&bytes) {
        return Err(ImageError::Unsupported("SVG has no pixel size".into()));
    }
    let (reader, format) = reader(&bytes)?;
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (w, h) = decoder.dimensions();
    let turned = decoder.orientation().is_ok_and(|o| {
        use image::metadata::Orientation::*;
        matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
    });
    let (width, height) = if turned { (h, w) } else { (w, h) };
    let format = match format {
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        _ => "jpeg",
    };
    Ok(Metadata {
        width,
        height,
        format,
    })
}

/// A reader of an image in memory.
type Reader<'a> = ImageReader<Cursor<&'a [u8]>>;

/// A reader of a JPEG, PNG or WebP file, with the decoding limits set.
fn reader(bytes: &[u8]) -> Result<(Reader<'_>, ImageFormat), ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    let Some(format) = reader.format() else {
        return Err(ImageError::Unsupported(
            "not a JPEG, PNG or WebP file".into(),
        ));
    };
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(ImageError::Unsupported(format!(
            "{} is not decoded",
            format.extensions_str().first().unwrap_or(&"this format")
        )));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    Ok((reader, format))
}

/// Decodes with limits, turned right way up.
fn decode(bytes: &[u8]) -> Result<(DynamicImage, ImageFormat), ImageError> {
    let (reader, format) = reader(bytes)?;
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(classify)?;
    img.apply_orientation(orientation);
    // 16-bit and float images are brought to 8 bits: every output format here is 8-bit.
    let img = match img {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => img,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    Ok((img, format))
}

fn classify(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Limits(l) => ImageError::TooLarge(format!(
            "{l} (at most {MAX_SIDE} pixels a side are decoded)"
        )),
        image::ImageError::Unsupported(u) => ImageError::Unsupported(u.to_string()),
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// Resizes to exactly `w`×`h`; `crop`: cut the middle to the target's proportions first,
/// otherwise stretch (the caller keeps the proportions).
pub(crate) fn resize(
    img: &DynamicImage,
    w: u32,
    h: u32,
    crop: bool,
) -> Result<DynamicImage, ImageError> {
    if img.width() == w && img.height() == h {
        return Ok(img.clone());
    }
    let mut dst = DynamicImage::new(w, h, img.color());
    let mut opts =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if crop {
        opts = opts.fit_into_destination(Some((0.5, 0.5)));
    }
    fr::Resizer::new()
        .resize(img, &mut dst, &opts)
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    Ok(dst)
}

/// A file-name-safe stem: ASCII letters, digits and dashes, at most 40 characters.
fn clean_stem(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "image".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests;
