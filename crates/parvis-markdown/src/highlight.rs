//! Code highlighting at build time with syntect, into CSS classes (`hl-…`).
//!
//! Classes rather than inline colours let one page serve a light and a dark stylesheet. The
//! syntax and theme sets are loaded once per process: loading them is the expensive part.

use parvis_core::text::escape;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use syntect::highlighting::{Color, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Names of the built-in highlighting themes, for `highlighting:` in site.yaml.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// The stylesheet for theme `name`, or `None` if there is no such theme.
///
/// Themes are made for editors, not for WCAG: InspiredGitHub's tag green is 2.8:1 on its
/// background. Every colour is therefore moved towards black (light themes) or white (dark
/// ones) until it reads at 4.5:1 on the theme's background, and code blocks take that
/// background, so that the check and the page agree whatever theme a site picks.
pub fn stylesheet(name: &str) -> Option<String> {
    let mut theme = themes().themes.get(name)?.clone();
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    let foreground = theme.settings.foreground.unwrap_or(Color::BLACK);
    let foreground = readable(foreground, background);
    theme.settings.foreground = Some(foreground);
    for item in &mut theme.scopes {
        if let Some(colour) = item.style.foreground {
            item.style.foreground = Some(readable(colour, background));
        }
        // A token's own background would void the check: code reads on the block's.
        item.style.background = None;
    }
    let mut css = css_for_theme_with_class_style(&theme, CLASS_STYLE).ok()?;
    css.push_str(&format!(
        "pre.code.highlight {{ background-color: {}; color: {}; }}\n",
        hex(background),
        hex(foreground)
    ));
    Some(css)
}

/// Minimum contrast ratio of normal text (WCAG 2.2, 1.4.3 AA).
const MIN_CONTRAST: f64 = 4.5;

/// `colour`, or the nearest colour towards black or white that reads on `background`.
fn readable(colour: Color, background: Color) -> Color {
    let towards = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut c = Color { a: 0xFF, ..colour };
    let mut step = 0;
    while contrast(c, background) < MIN_CONTRAST && step < 100 {
        step += 1;
        let mix = |v: u8| (f64::from(v) + (towards - f64::from(v)) * 0.05).round() as u8;
        c = Color {
            r: mix(c.r),
            g: mix(c.g),
            b: mix(c.b),
            a: 0xFF,
        };
    }
    c
}

fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG contrast ratio between two opaque colours.
pub fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// Aliases writers use that syntect's default set knows under another token.
fn token(lang: &str) -> &str {
    match lang {
        "shell" | "console" | "zsh" | "sh" => "bash",
        "yml" => "yaml",
        "js" | "jsx" | "mjs" | "ts" | "typescript" | "tsx" => "js",
        "py" => "python",
        "rs" => "rust",
        "golang" => "go",
        "html" | "xml" | "svg" => lang,
        other => other,
    }
}

/// `<pre>` for a code block: highlighted when the language is known, escaped text otherwise.
pub fn code_block(lang: Option<&str>, code: &str) -> String {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    let ss = syntaxes();
    let syntax = lang.and_then(|l| ss.find_syntax_by_token(token(&l.to_lowercase())));
    let attr = lang
        .map(|l| format!(" data-lang=\"{}\"", escape(l)))
        .unwrap_or_default();
    let body = match syntax {
        Some(syntax) => {
            let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
            let ok = LinesWithEndings::from(code)
                .all(|line| gen.parse_html_for_line_which_includes_newline(line).is_ok());
            if ok {
                gen.finalize()
            } else {
                escape(code)
            }
        }
        None => escape(code),
    };
    // tabindex: a block wider than the screen scrolls, and keyboard users must reach it.
    format!("<pre class=\"code highlight\" tabindex=\"0\"{attr}><code>{body}</code></pre>\n")
}

/// A block's key: a hash of its language as written and its text.
type Key = [u8; 32];

fn key(lang: Option<&str>, code: &str) -> Key {
    let mut h = blake3::Hasher::new();
    match lang {
        Some(l) => {
            h.update(&[1]);
            h.update(&(l.len() as u64).to_le_bytes());
            h.update(l.as_bytes());
        }
        None => {
            h.update(&[0]);
        }
    }
    h.update(code.as_bytes());
    *h.finalize().as_bytes()
}

/// What [`code_block`] writes changed: bump this with any change to its output, so that a
/// saved cache made by another version is not read (the crate's version is checked too).
const CACHE_FORMAT: u32 = 3;
const CACHE_MAGIC: &[u8] = b"parvis-code-cache\n";
/// A block not used by this many builds of the site in a row leaves the saved cache. Only
/// builds that highlighted something count: one that did not writes nothing (see
/// [`Cache::save`]), so the cache grows only when a build adds to it. More than one: a site
/// built for several audiences uses some blocks in one of them only.
const CACHE_KEEP: u64 = 8;

/// Highlighted code blocks by language and text, so that a block is highlighted once:
/// highlighting is most of the cost of rendering a body. `serve` keeps one for its updates;
/// builds load it from the site's cache folder and save it after the Markdown stage (see
/// [`Cache::load`]), so that a build highlights only the blocks that changed since the last.
#[derive(Default)]
pub struct Cache {
    blocks: Mutex<HashMap<Key, Block>>,
    /// The number of the current build in the saved cache's history.
    generation: u64,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// A highlighted block, packed (zstd: a fraction of its size, for spans that repeat), and the
/// last build that used it. Packed in memory as on disk: at 100,000 pages the blocks would
/// otherwise hold 370 MB through the Markdown stage.
struct Block {
    packed: Box<[u8]>,
    used: u64,
}

impl Cache {
    /// The cache saved at `path` by [`Cache::save`]; empty when there is none, or when it was
    /// made by another version of parvis or cannot be read (it is only a cache: the build
    /// highlights again and saves a good one).
    pub fn load(path: &Path) -> Cache {
        let bytes = std::fs::read(path).unwrap_or_default();
        let (generation, blocks) = parse_cache(&bytes).unwrap_or_default();
        Cache {
            blocks: Mutex::new(blocks),
            generation: generation + 1,
            ..Cache::default()
        }
    }

    /// Saves the blocks used by the last `CACHE_KEEP` builds to `path` (atomically: a
    /// build that stops half way leaves the old file), unless nothing changed since loading.
    /// A cache that cannot be written is not an error: the next build highlights again.
    pub fn save(&self, path: &Path) {
        let blocks = self.blocks.lock().unwrap_or_else(|e| e.into_inner());
        let keep = |b: &Block| b.used + CACHE_KEEP > self.generation;
        if self.misses.load(Ordering::Relaxed) == 0 && blocks.values().all(keep) {
            return;
        }
        let mut kept: Vec<(&Key, &Block)> = blocks.iter().filter(|(_, b)| keep(b)).collect();
        kept.sort_unstable_by_key(|(k, _)| *k);
        let mut out = Vec::with_capacity(kept.iter().map(|(_, b)| b.packed.len() + 44).sum());
        out.extend_from_slice(CACHE_MAGIC);
        out.extend_from_slice(&cache_version().to_le_bytes());
        out.extend_from_slice(&self.generation.to_le_bytes());
        for (k, b) in kept {
            out.extend_from_slice(k);
            out.extend_from_slice(&b.used.to_le_bytes());
            out.extend_from_slice(&(b.packed.len() as u32).to_le_bytes());
            out.extend_from_slice(&b.packed);
        }
        drop(blocks);
        let Some(dir) = path.parent() else { return };
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, &out).and_then(|()| std::fs::rename(&tmp, path))
        });
        // Not an error (see above); a read-only site folder still builds.
        let _ = written;
    }

    /// [`code_block`], from the cache when this language and text were highlighted before.
    pub fn code_block(&self, lang: Option<&str>, code: &str) -> String {
        let key = key(lang, code);
        // Unpacked under the lock: a copy out first would cost as much again.
        let cached = {
            let mut blocks = self.blocks.lock().unwrap_or_else(|e| e.into_inner());
            blocks.get_mut(&key).and_then(|b| {
                b.used = self.generation;
                parvis_core::pack::unpack(&b.packed)
            })
        };
        if let Some(html) = cached {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return html;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let html = code_block(lang, code);
        let block = Block {
            packed: parvis_core::pack::pack(&html),
            used: self.generation,
        };
        self.blocks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, block);
        html
    }

    /// Blocks taken from the cache and blocks highlighted, since the cache was made.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// The version a saved cache must carry: the crate's and [`CACHE_FORMAT`], hashed.
fn cache_version() -> u64 {
    let h = blake3::hash(format!("{} {CACHE_FORMAT}", env!("CARGO_PKG_VERSION")).as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// A saved cache's generation and blocks, or `None` when the bytes are not a whole cache of
/// this version (the lengths are checked, so a truncated or foreign file reads as `None`).
fn parse_cache(bytes: &[u8]) -> Option<(u64, HashMap<Key, Block>)> {
    let mut r = Reader(bytes.strip_prefix(CACHE_MAGIC)?);
    if r.u64()? != cache_version() {
        return None;
    }
    let generation = r.u64()?;
    let mut blocks = HashMap::new();
    while !r.0.is_empty() {
        let key: Key = r.take(32)?.try_into().ok()?;
        let used = r.u64()?;
        let len = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let packed = r.take(len as usize)?.into();
        blocks.insert(key, Block { packed, used });
    }
    Some((generation, blocks))
}

/// Reads a saved cache from the front.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every colour of every built-in theme reads at 4.5:1 on the background code blocks get.
    #[test]
    fn every_theme_colour_reads_on_its_background() {
        for name in theme_names() {
            let css = stylesheet(name).unwrap();
            let block = css
                .lines()
                .find(|l| l.starts_with("pre.code.highlight"))
                .unwrap();
            let background = parse(block.split("background-color: ").nth(1).unwrap());
            let mut seen = 0;
            for colour in css
                .split("color: #")
                .skip(1)
                .map(|c| parse(&format!("#{c}")))
            {
                if colour != background {
                    seen += 1;
                    let ratio = contrast(colour, background);
                    assert!(
                        ratio >= MIN_CONTRAST,
                        "{name}: {colour:?} on {background:?} is {ratio:.2}:1"
                    );
                }
            }
            assert!(seen > 5, "{name}: colours found in {css}");
        }
        // The colour the issue saw: the tag green, 2.8:1 on #f6f8fa before.
        let green = Color {
            r: 0x63,
            g: 0xa3,
            b: 0x5c,
            a: 0xFF,
        };
        assert!(contrast(green, Color::WHITE) < MIN_CONTRAST);
        assert!(contrast(readable(green, Color::WHITE), Color::WHITE) >= MIN_CONTRAST);
    }

    fn parse(text: &str) -> Color {
        let h = text.trim().trim_start_matches('#');
        let v = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap();
        Color {
            r: v(0),
            g: v(2),
            b: v(4),
            a: 0xFF,
        }
    }

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block(Some("rust"), "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(
            html.starts_with("<pre class=\"code highlight\" tabindex=\"0\" data-lang=\"rust\">")
        );
    }

    #[test]
    fn escapes_unknown_languages() {
        let html = code_block(Some("nosuchlang"), "<script>\n");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn the_cache_highlights_each_block_once() {
        let cache = Cache::default();
        let a = cache.code_block(Some("rust"), "fn main() {}\n");
        let b = cache.code_block(Some("rust"), "fn main() {}\n");
        cache.code_block(Some("python"), "fn main() {}\n");
        assert_eq!(a, b);
        assert_eq!(a, code_block(Some("rust"), "fn main() {}\n"));
        assert_eq!(cache.counts(), (1, 2));
    }

    /// A saved cache serves the next build; a block unused by [`CACHE_KEEP`] builds in a row
    /// leaves it; a cache of another version is not read.
    #[test]
    fn a_saved_cache_serves_the_next_build_and_forgets_old_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/code.bin");
        let first = Cache::load(&path);
        let html = first.code_block(Some("rust"), "fn main() {}\n");
        first.code_block(Some("yaml"), "title: Portal\n");
        first.save(&path);

        let second = Cache::load(&path);
        assert_eq!(second.code_block(Some("rust"), "fn main() {}\n"), html);
        // Same text, another language: another block.
        second.code_block(None, "fn main() {}\n");
        assert_eq!(second.counts(), (1, 1));
        second.save(&path);

        // Builds that use the Rust block and a new one: the YAML block goes after CACHE_KEEP.
        for n in 0..CACHE_KEEP {
            let next = Cache::load(&path);
            next.code_block(Some("rust"), "fn main() {}\n");
            next.code_block(Some("rust"), &format!("const N: u64 = {n};\n"));
            next.save(&path);
        }
        let last = Cache::load(&path);
        last.code_block(Some("rust"), "fn main() {}\n");
        last.code_block(Some("yaml"), "title: Portal\n");
        assert_eq!(last.counts(), (1, 1), "the YAML block was forgotten");

        // Another version wrote it: read as empty.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[CACHE_MAGIC.len()] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let other = Cache::load(&path);
        other.code_block(Some("rust"), "fn main() {}\n");
        assert_eq!(other.counts(), (0, 1));
    }

    /// A block whose packed bytes were damaged (lengths intact, so the file reads) is
    /// highlighted again, never served as garbage; the others still come from the cache.
    #[test]
    fn a_damaged_block_is_highlighted_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let first = Cache::load(&path);
        let html = first.code_block(Some("rust"), "fn main() {}\n");
        first.code_block(Some("yaml"), "title: Portal\n");
        first.save(&path);
        let mut bytes = std::fs::read(&path).unwrap();
        // The first block's packed bytes start after the header (magic, version,
        // generation) and its key, last use and length: its unpacked length is wrong.
        let at = CACHE_MAGIC.len() + 16 + 32 + 8 + 4;
        for claim in [1, u32::MAX] {
            bytes[at..at + 4].copy_from_slice(&claim.to_le_bytes());
            std::fs::write(&path, &bytes).unwrap();
            let second = Cache::load(&path);
            assert_eq!(second.code_block(Some("rust"), "fn main() {}\n"), html);
            second.code_block(Some("yaml"), "title: Portal\n");
            assert_eq!(
                second.counts(),
                (1, 1),
                "one served, the damaged one made again"
            );
        }
    }

    /// A build that highlights nothing new writes nothing (a read-only checkout stays as it
    /// was, and an unchanged site does not rewrite tens of megabytes).
    #[test]
    fn a_cache_that_did_not_change_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let cache = Cache::load(&path);
        cache.save(&path);
        assert!(!path.exists(), "nothing highlighted, nothing saved");
        cache.code_block(Some("rust"), "fn main() {}\n");
        cache.save(&path);
        let again = Cache::load(&path);
        again.code_block(Some("rust"), "fn main() {}\n");
        std::fs::remove_file(&path).unwrap();
        again.save(&path);
        assert!(!path.exists(), "all from the cache, not saved again");
    }

    #[test]
    fn default_themes_exist() {
        assert!(stylesheet("InspiredGitHub").is_some());
        assert!(stylesheet("base16-ocean.dark").is_some());
    }
}
