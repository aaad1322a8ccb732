//! A page body as the markdown stage rendered it: HTML, table of contents, the links to
//! resolve. The model holds it on pages and sections; the markdown stage makes it.

use crate::config::RawHtml;
use crate::spill::{Spill, Spot};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link found in the body, to check and turn into a URL once every page is known.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingLink {
    /// Written `[text](page.md "if-visible")`: dropped, keeping its text, when the target is
    /// not in the build.
    pub drop_if_hidden: bool,
    /// An image (`![alt](src)`), not a link: the image stage resizes it.
    pub image: bool,
    /// Byte offset of the link in the body, for errors.
    pub offset: usize,
    /// As written.
    pub raw: String,
    pub target: LinkTarget,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A Markdown file, relative to `content/`, and an optional anchor in it.
    Page(PathBuf, Option<String>),
    /// An anchor in the same page.
    Anchor(String),
    /// A file under `content/` other than Markdown (an image beside the page).
    Asset(PathBuf),
    /// A relative path that leaves `content/`.
    Outside,
    /// A root-absolute path (`/blog/`, `/images/a.png`), left as written and checked against
    /// the files the build writes once they are all known.
    Root(String),
    /// A web address (`https://…`), left as written; `check --external` asks for it.
    External(String),
}

/// Whether `url` names a Markdown page (`blog/hello.md`, `../a.md#part`) rather than a URL:
/// such paths are turned into the page's URL, in bodies and in data alike.
pub fn is_page_path(url: &str) -> bool {
    let path = url.split(['#', '?']).next().unwrap_or(url);
    path.ends_with(".md") && !path.starts_with('/') && !path.contains("://")
}

/// A body's HTML: as written, or packed (zstd) by a build whose bodies would weigh too much to
/// hold plain until the templates have used them ([`Html::pack`]), or packed and moved to a
/// [`Spill`] file ([`Html::spill`]). Read it with [`Html::text`], which unpacks a packed one
/// for the caller.
#[derive(Debug, Clone)]
pub struct Html(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Plain(String),
    /// zstd frame with its length in front, at its exact size; and the URLs of its links
    /// once resolved, written in on reading ([`Html::resolve_links`]).
    Packed(Box<[u8]>, Option<Box<[String]>>),
    /// The same frame, in a spill file; and the URLs, as for `Packed`.
    Spilled(Box<Spilled>, Option<Box<[String]>>),
}

#[derive(Debug, Clone)]
struct Spilled {
    spill: Arc<Spill>,
    spot: Spot,
    /// Of the packed bytes, which [`Html::hash_held`] gives without reading them back.
    hash: u64,
}

impl Html {
    /// The HTML, unpacked when packed, with its links' URLs. A spilled body that cannot be
    /// read back is empty here; its spill file remembers the failure ([`Spill::failure`]),
    /// and the build fails.
    pub fn text(&self) -> Cow<'_, str> {
        let (packed, urls) = match &self.0 {
            Repr::Plain(s) => return Cow::Borrowed(s),
            Repr::Packed(bytes, urls) => (Cow::Borrowed(&bytes[..]), urls),
            Repr::Spilled(spilled, urls) => match spilled.spill.get(spilled.spot) {
                Some(bytes) => (Cow::Owned(bytes), urls),
                None => return Cow::Borrowed(""),
            },
        };
        // Packed by this process from a `str`: it always unpacks.
        let html = crate::pack::unpack(&packed).unwrap_or_default();
        Cow::Owned(match urls {
            Some(urls) => substitute_links(&html, urls),
            None => html,
        })
    }

    /// Compresses the HTML in place (see [`crate::pack`]).
    pub fn pack(&mut self) {
        if let Repr::Plain(s) = &self.0 {
            self.0 = Repr::Packed(crate::pack::pack(s), None);
        }
    }

    /// Compresses the HTML and moves it to `spill`; held packed when the file cannot take it
    /// (a full disk).
    pub fn spill(&mut self, spill: &Arc<Spill>) {
        self.pack();
        if let Repr::Packed(bytes, urls) = &mut self.0 {
            if let Ok(spot) = spill.put(bytes) {
                let hash = hash_of(&bytes[..]);
                let spilled = Spilled {
                    spill: spill.clone(),
                    spot,
                    hash,
                };
                self.0 = Repr::Spilled(Box::new(spilled), urls.take());
            }
        }
    }

    /// Feeds what identifies the HTML to `h`: the bytes held (or their hash, when spilled) and
    /// the links' URLs. Packing is deterministic, so within one build that tells bodies apart
    /// as well as the text does, without unpacking it.
    pub fn hash_held(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        match &self.0 {
            Repr::Plain(s) => s.as_bytes().hash(h),
            Repr::Packed(bytes, urls) => {
                bytes.hash(h);
                urls.hash(h);
            }
            Repr::Spilled(spilled, urls) => {
                spilled.hash.hash(h);
                urls.hash(h);
            }
        }
    }

    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed(..) | Repr::Spilled(..))
    }

    /// Replaces the HTML with what `edit` makes of it, packed (and spilled) again if it was.
    pub fn edit(&mut self, edit: impl FnOnce(&str) -> String) {
        let spill = match &self.0 {
            Repr::Spilled(spilled, _) => Some(spilled.spill.clone()),
            _ => None,
        };
        let packed = self.is_packed();
        *self = Html::from(edit(&self.text()));
        match spill {
            Some(spill) => self.spill(&spill),
            None if packed => self.pack(),
            None => {}
        }
    }

    /// Writes `urls[n]` in place of link placeholder `n` ([`link_placeholder`]). A packed
    /// body keeps them beside it and has them written in whenever it is read: unpacking it,
    /// editing and packing it again cost more than the few reads that follow.
    pub fn resolve_links(&mut self, urls: Vec<String>) {
        match &mut self.0 {
            Repr::Plain(s) => *s = substitute_links(s, &urls),
            Repr::Packed(_, pending @ None) | Repr::Spilled(_, pending @ None) => {
                *pending = Some(urls.into_boxed_slice())
            }
            Repr::Packed(_, Some(_)) | Repr::Spilled(_, Some(_)) => {
                self.edit(|html| substitute_links(html, &urls))
            }
        }
    }
}

/// A hash of `bytes` that is the same in every build (`DefaultHasher::new` has fixed keys).
fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Placeholder written in place of link `n`; made of characters HTML and URL escaping leave
/// alone, and that no writer types.
pub fn link_placeholder(n: usize) -> String {
    format!("@@PVLINK{n}@@")
}

/// Where a link written `[text](page.md "if-visible")` opens and closes: the whole link is
/// dropped, keeping its text, when the URL of link `n` is empty.
pub fn droppable_link(n: usize) -> (String, String) {
    (format!("@@PVOPEN{n}@@"), format!("@@PVCLOSE{n}@@"))
}

/// Writes `urls[n]` in place of each placeholder `n` of `html`.
pub fn substitute_links(html: &str, urls: &[String]) -> String {
    if urls.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find("@@PV") {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let (kind, after) = ["@@PVLINK", "@@PVOPEN", "@@PVCLOSE"]
            .iter()
            .find_map(|k| tail.strip_prefix(k).map(|a| (*k, a)))
            .unwrap_or(("", &tail[4..]));
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n: Option<usize> = after[..digits].parse().ok();
        match n.filter(|&n| !kind.is_empty() && after[digits..].starts_with("@@") && n < urls.len())
        {
            Some(n) => {
                match kind {
                    "@@PVLINK" => escape_attr(&mut out, &urls[n]),
                    // A droppable link: an empty URL means the target is hidden here.
                    "@@PVOPEN" if !urls[n].is_empty() => {
                        out.push_str("<a href=\"");
                        escape_attr(&mut out, &urls[n]);
                        out.push_str("\">");
                    }
                    "@@PVCLOSE" if !urls[n].is_empty() => out.push_str("</a>"),
                    _ => {}
                }
                rest = &after[digits + 2..];
            }
            None => {
                out.push_str(&tail[..tail.len() - after.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    crate::text::compact(out)
}

fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

impl Default for Html {
    fn default() -> Html {
        Html(Repr::Plain(String::new()))
    }
}

impl From<String> for Html {
    fn from(s: String) -> Html {
        Html(Repr::Plain(s))
    }
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: Html,
    /// HTML before `<!-- more -->`, when the body has the marker.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every heading id, for checking links with anchors.
    pub anchors: HashSet<String>,
    pub word_count: usize,
    pub links: Vec<PendingLink>,
    /// Questions and answers of `faq` shortcodes, for FAQPage structured data.
    pub faqs: Vec<(String, String)>,
    /// Names of the shortcodes the body calls, sorted: a change to one of their templates
    /// renders the body again.
    pub shortcodes: Vec<String>,
    /// Hash of what a template shows of the body (HTML, summary, table of contents), set once
    /// its links are resolved; `serve` compares it instead of the text.
    pub fingerprint: u64,
    /// Whether the writer's HTML was kept or sanitised: `serve` renders the body again when
    /// its section's setting changes.
    pub raw_html: RawHtml,
    /// Byte offsets in the body of images written without alternative text.
    pub images_without_alt: Vec<usize>,
}

impl Rendered {
    /// Sets [`Rendered::fingerprint`] from the final HTML (as held, see [`Html::hash_held`]:
    /// a packed body is not unpacked for it; `serve`, which compares fingerprints, holds them
    /// plain).
    pub fn seal(&mut self) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.html.hash_held(&mut h);
        self.summary.hash(&mut h);
        serde_json::to_string(&self.toc)
            .unwrap_or_default()
            .hash(&mut h);
        self.fingerprint = h.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_or_spilled_body_reads_with_its_links_as_a_plain_one_does() {
        let (open, close) = droppable_link(1);
        let html = format!(
            "<p><a href=\"{}\">a</a> {open}b{close} @@PV9@@</p>",
            link_placeholder(0)
        );
        let urls = vec!["/blog/a & b/".to_string(), String::new()];
        let mut plain = Html::from(html.clone());
        plain.resolve_links(urls.clone());
        let mut packed = Html::from(html.clone());
        packed.pack();
        packed.resolve_links(urls.clone());
        assert!(packed.is_packed());
        let dir = tempfile::tempdir().unwrap();
        let spill = Arc::new(Spill::new_in(dir.path()).unwrap());
        let mut spilled = Html::from(html);
        spilled.spill(&spill);
        assert!(matches!(spilled.0, Repr::Spilled(..)), "{spilled:?}");
        spilled.resolve_links(urls);
        assert_eq!(
            plain.text(),
            "<p><a href=\"/blog/a &amp; b/\">a</a> b @@PV9@@</p>"
        );
        assert_eq!(packed.text(), plain.text());
        assert_eq!(spilled.text(), plain.text());
        // Edited after its links were resolved (the image stage): still the same text, and
        // the spilled one spilled again.
        packed.edit(|h| h.replace(" b ", " c "));
        plain.edit(|h| h.replace(" b ", " c "));
        spilled.edit(|h| h.replace(" b ", " c "));
        assert!(matches!(spilled.0, Repr::Spilled(..)), "{spilled:?}");
        assert_eq!(packed.text(), plain.text());
        assert_eq!(spilled.text(), plain.text());
        assert_eq!(spill.failure(), None);
        // The same bodies hash alike, as `serve` compares them, spilled or not.
        let hash = |h: &Html| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            h.hash_held(&mut hasher);
            std::hash::Hasher::finish(&hasher)
        };
        let mut again = Html::from(plain.text().into_owned());
        again.spill(&spill);
        let mut other = Html::from("<p>other</p>".to_string());
        other.spill(&spill);
        let mut fresh = Html::from(plain.text().into_owned());
        fresh.spill(&spill);
        assert_eq!(hash(&again), hash(&fresh));
        assert_ne!(hash(&again), hash(&other));
    }
}
