//! Code highlighting at build time with syntect, into CSS classes (`hl-…`).
//!
//! Classes rather than inline colours let one page serve a light and a dark stylesheet. The
//! syntax and theme sets are loaded once per process: loading them is the expensive part.

use parvis_core::text::escape;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use syntect::highlighting::ThemeSet;
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
pub fn stylesheet(name: &str) -> Option<String> {
    let theme = themes().themes.get(name)?;
    css_for_theme_with_class_style(theme, CLASS_STYLE).ok()
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
    format!("<pre class=\"code highlight\"{attr}><code>{body}</code></pre>\n")
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

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block(Some("rust"), "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"code highlight\" data-lang=\"rust\">"));
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
