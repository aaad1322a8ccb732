//! Sanitising a rendered body: the HTML a writer typed is cleaned with ammonia, what parvis
//! itself wrote is kept.
//!
//! Portals take contributions from members through pull requests, and a reviewer does not
//! read every `<img onerror>` or `javascript:` link. With `markdown: { html: sanitize }` the
//! whole rendered body goes through ammonia, as member bios do, so that Markdown links and
//! heading attributes are checked as well as raw HTML. What parvis writes from trusted sources
//! (shortcode output from the theme's templates, highlighted code, the summary marker) is set
//! aside as a [`Kept`] fragment behind a token before cleaning and put back after, so that
//! their classes and attributes survive; a token is only put back where it stands as text.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The start of every token; an attribute holding it is dropped, so that a token the writer
/// placed in an attribute can never put HTML inside a tag.
const TOKEN: &str = "@@PVKEEP";

/// Fragments of trusted HTML set aside from a body while it is cleaned.
pub struct Kept {
    /// Random per body, so that a writer cannot type a token that would be replaced.
    nonce: String,
    fragments: Vec<String>,
}

impl Default for Kept {
    fn default() -> Self {
        Self::new()
    }
}

impl Kept {
    pub fn new() -> Kept {
        use std::hash::{BuildHasher, Hasher};
        let n = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Kept {
            nonce: format!("{n:016x}"),
            fragments: Vec::new(),
        }
    }

    /// Sets `html` aside and returns the token that stands for it.
    pub fn keep(&mut self, html: impl Into<String>) -> String {
        self.fragments.push(html.into());
        format!("{TOKEN}{}x{}@@", self.nonce, self.fragments.len() - 1)
    }

    /// Cleans `html` and puts the kept fragments back where their tokens are, each once.
    pub fn clean(&self, html: &str) -> String {
        let cleaned = cleaner().clean(html).to_string();
        if self.fragments.is_empty() {
            return cleaned;
        }
        let prefix = format!("{TOKEN}{}x", self.nonce);
        let mut used = vec![false; self.fragments.len()];
        let mut out = String::with_capacity(cleaned.len() + self.fragments.len() * 64);
        let mut rest = cleaned.as_str();
        while let Some(at) = rest.find(&prefix) {
            out.push_str(&rest[..at]);
            let after = &rest[at + prefix.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let n = after[..digits].parse::<usize>().ok();
            match n.filter(|_| after[digits..].starts_with("@@")) {
                Some(n) if n < used.len() && !used[n] => {
                    used[n] = true;
                    out.push_str(&self.fragments[n]);
                    rest = &after[digits + 2..];
                }
                // Not one of ours, or already put back: dropped, as it is not text to show.
                Some(_) => rest = &after[digits + 2..],
                None => {
                    out.push_str(&prefix);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// ammonia's defaults (no scripts, styles, event handlers, forms, frames or `javascript:`
/// URLs), plus what Markdown itself writes: heading and footnote ids, classes, task list
/// checkboxes and table alignment. Relative links stay, unlike in bios: pages link to pages.
fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input"])
            .add_generic_attributes(["class"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .link_rel(None)
            .attribute_filter(filter);
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

fn filter<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    if value.contains(TOKEN) {
        return None;
    }
    let keep = match (element, attribute) {
        ("th" | "td", "style") => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        ),
        ("input", "type") => value == "checkbox",
        // Footnotes only: other ids could take the place of the theme's own elements.
        ("div", "id") => value.starts_with("fn-"),
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_what_the_writer_typed_and_keeps_what_parvis_wrote() {
        let mut kept = Kept::new();
        let code =
            kept.keep("<pre class=\"code\" data-lang=\"rs\"><span class=\"hl-k\">fn</span></pre>");
        let html = format!(
            "<h2 id=\"a\" onclick=\"x()\">A</h2><p><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">j</a> <a href=\"@@PVLINK0@@\">l</a></p>{code}<script>alert(1)</script><table><tr><td style=\"text-align: center\">c</td><td style=\"background:url(x)\">d</td></tr></table>"
        );
        let out = kept.clean(&html);
        assert!(out.contains("<h2 id=\"a\">A</h2>"), "{out}");
        assert!(
            out.contains("data-lang=\"rs\"><span class=\"hl-k\">fn</span></pre>"),
            "{out}"
        );
        assert!(out.contains("href=\"@@PVLINK0@@\""), "{out}");
        assert!(
            out.contains("<td style=\"text-align: center\">c</td><td>d</td>"),
            "{out}"
        );
        for bad in ["onerror", "onclick", "javascript", "<script", "alert"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
    }

    #[test]
    fn a_token_is_put_back_only_as_text_and_once() {
        let mut kept = Kept::new();
        let t = kept.keep("<b>kept</b>");
        let out = kept.clean(&format!("<p title=\"{t}\">{t}{t}</p>"));
        assert_eq!(out, "<p><b>kept</b></p>");
        let guessed = "@@PVKEEP0000000000000000x0@@";
        assert_eq!(kept.clean(guessed), guessed);
    }
}
