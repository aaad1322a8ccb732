//! Making a fetched entry safe to show: everything a feed says is untrusted HTML.
//!
//! Titles become plain text. Summaries keep a few inline and block tags (ammonia): no script,
//! no event handler, no style, links only to `http`/`https` with `rel="nofollow noopener
//! noreferrer ugc"`, relative links made absolute against the post. Images stay only when
//! `community.feeds.image_hosts` allows their host, and never as a tracking pixel (width or
//! height of 0 or 1): a feed must not make visitors' browsers call a third party. A summary
//! that is the post's whole content is cut to a short plain-text excerpt: the portal links to
//! the original, it does not copy it.

use crate::parse::Markup;
use ammonia::{Url, UrlRelative};
use std::collections::{HashMap, HashSet};

/// Characters of an excerpt cut from an entry's content or from an overlong summary.
const EXCERPT_CHARS: usize = 300;
/// A sanitised summary longer than this (in bytes) is cut to an excerpt.
const MAX_SUMMARY_BYTES: usize = 4000;
const REL: &str = "nofollow noopener noreferrer ugc";

/// `url` when it is a web address that is safe in an `href`.
pub fn link(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// The plain text of a title or of HTML: tags removed, entities decoded, spaces folded.
pub fn plain(m: &Markup) -> String {
    let text = if m.html {
        // Script and style lose their content too, as in summaries.
        let stripped = ammonia::Builder::default()
            .tags(HashSet::new())
            .clean(&m.text)
            .to_string();
        html_escape::decode_html_entities(&stripped).into_owned()
    } else {
        m.text.clone()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The safe HTML of a summary, relative links resolved against `base` (the post's address);
/// `None` when nothing is left.
pub fn summary(m: &Markup, is_content: bool, base: &str, image_hosts: &[String]) -> Option<String> {
    if !m.html {
        return excerpt(&m.text, is_content);
    }
    let base = Url::parse(base).ok()?;
    let tags: HashSet<&str> = [
        "a",
        "p",
        "br",
        "em",
        "strong",
        "b",
        "i",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "img",
    ]
    .into_iter()
    .collect();
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title"].into_iter().collect()),
        (
            "img",
            ["src", "alt", "width", "height"].into_iter().collect(),
        ),
    ]
    .into_iter()
    .collect();
    let hosts: Vec<String> = image_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
    let img_base = base.clone();
    let html = ammonia::Builder::default()
        .tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https"].into_iter().collect())
        .url_relative(UrlRelative::RewriteWithBase(base))
        .link_rel(Some(REL))
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                let host = img_base
                    .join(value)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
                return host
                    .filter(|h| hosts.contains(h))
                    .map(|_| value.to_string().into());
            }
            Some(value.into())
        })
        .clean(&m.text)
        .to_string();
    let html = without_bare_images(&html);
    if is_content || html.len() > MAX_SUMMARY_BYTES {
        let text = plain(&Markup {
            text: html,
            html: true,
        });
        return excerpt(&text, true);
    }
    (!plain(&Markup {
        text: html.clone(),
        html: true,
    })
    .is_empty()
        || html.contains("<img"))
    .then_some(html)
}

/// Plain text as a paragraph, cut at a word to [`EXCERPT_CHARS`] when `cut`.
fn excerpt(text: &str, cut: bool) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut out = String::new();
    for w in words {
        if cut && out.chars().count() + w.chars().count() > EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Some(format!("<p>{}</p>", html_escape::encode_text(&out)))
}

/// Removes `<img>` tags left without a source (their host is not allowed) and tracking
/// pixels (a width or height of 0 or 1). `html` is ammonia's output: every attribute is
/// `name="value"` with no `"` inside, and text holds no raw `<`.
fn without_bare_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find("<img") {
        out.push_str(&rest[..open]);
        let tag_end = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        let tag = &rest[open..tag_end];
        let attr = |name: &str| {
            let key = format!(" {name}=\"");
            tag.find(&key).map(|i| {
                let v = &tag[i + key.len()..];
                v[..v.find('"').unwrap_or(v.len())].trim().to_string()
            })
        };
        let pixel = ["width", "height"]
            .iter()
            .any(|n| attr(n).is_some_and(|v| matches!(v.trim_end_matches("px"), "0" | "1")));
        if attr("src").is_some() && !pixel {
            out.push_str(tag);
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> Markup {
        Markup {
            text: s.into(),
            html: true,
        }
    }

    #[test]
    fn hostile_summaries_lose_script_handlers_scripted_links_and_pixels() {
        let bad = r#"<p onclick="alert(1)">Hi <script>alert(2)</script><a href="javascript:alert(3)">x</a>
<img src="https://tracker.example/p.gif" width="1" height="1"><img src="https://img.example/a.png" onerror="alert(4)">
<img src="https://img.example/pixel.gif" width="1"><a href="/post">rel</a><style>body{}</style><iframe src="https://e.example"></iframe></p>"#;
        let out = summary(
            &html(bad),
            false,
            "https://blog.example/x/",
            &["img.example".into()],
        )
        .unwrap();
        for gone in [
            "script",
            "onclick",
            "onerror",
            "javascript:",
            "tracker.example",
            "pixel.gif",
            "style",
            "iframe",
            "alert",
        ] {
            assert!(!out.contains(gone), "{gone} survived: {out}");
        }
        assert!(
            out.contains(r#"<img src="https://img.example/a.png">"#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://blog.example/post""#), "{out}");
    }

    #[test]
    fn images_from_hosts_not_allowed_are_removed() {
        let out = summary(
            &html(r#"<p>a <img src="https://img.example/a.png" alt="x"></p>"#),
            false,
            "https://b.example/",
            &[],
        )
        .unwrap();
        assert_eq!(out, "<p>a </p>");
    }

    #[test]
    fn whole_content_becomes_a_short_excerpt() {
        let long = format!("<p>{}</p>", "word ".repeat(200));
        let out = summary(&html(&long), true, "https://b.example/", &[]).unwrap();
        assert!(out.len() < 400 && out.ends_with("…</p>"), "{out}");
    }

    #[test]
    fn titles_are_plain_text_and_links_web_addresses() {
        assert_eq!(
            plain(&html("<b>Hi</b> &amp; <script>x</script>bye")),
            "Hi & bye"
        );
        assert_eq!(link("javascript:alert(1)"), None);
        assert_eq!(
            link("https://b.example/p").as_deref(),
            Some("https://b.example/p")
        );
    }
}
