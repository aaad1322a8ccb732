//! Code highlighting at build time with syntect, into CSS classes (`hl-…`).
//!
//! Classes rather than inline colours let one page serve a light and a dark stylesheet. The
//! syntax and theme sets are loaded once per process: loading them is the expensive part.

use parvis_core::text::escape;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
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

/// A code block: its language as written, and its text.
type Block = (Option<String>, String);

/// Highlighted code blocks by language and text, kept by `serve` so that rendering a page again
/// highlights only the blocks that changed: highlighting is most of the cost of a body.
#[derive(Default)]
pub struct Cache {
    blocks: Mutex<HashMap<Block, Arc<str>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl Cache {
    /// [`code_block`], from the cache when this language and text were highlighted before.
    pub fn code_block(&self, lang: Option<&str>, code: &str) -> String {
        let key = (lang.map(str::to_string), code.to_string());
        let cached = self
            .blocks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some(html) = cached {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return html.to_string();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let html = code_block(lang, code);
        self.blocks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::from(html.as_str()));
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

    #[test]
    fn default_themes_exist() {
        assert!(stylesheet("InspiredGitHub").is_some());
        assert!(stylesheet("base16-ocean.dark").is_some());
    }
}
