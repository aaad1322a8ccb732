//! A page body as the markdown stage rendered it: HTML, table of contents, the links to
//! resolve. The model holds it on pages and sections; the markdown stage makes it.

use crate::config::RawHtml;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::PathBuf;

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
/// hold plain until the templates have used them ([`Html::pack`]). Read it with
/// [`Html::text`], which unpacks a packed one for the caller.
#[derive(Debug, Clone)]
pub struct Html(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Plain(String),
    /// zstd frame with its length in front, at its exact size.
    Packed(Box<[u8]>),
}

impl Html {
    /// The HTML, unpacked when packed.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Plain(s) => Cow::Borrowed(s),
            // Packed by this process from a `str`: it always unpacks.
            Repr::Packed(bytes) => Cow::Owned(crate::pack::unpack(bytes).unwrap_or_default()),
        }
    }

    /// Compresses the HTML in place (see [`crate::pack`]).
    pub fn pack(&mut self) {
        if let Repr::Plain(s) = &self.0 {
            self.0 = Repr::Packed(crate::pack::pack(s));
        }
    }

    /// The bytes held: the HTML, or its packed form. Packing is deterministic, so within one
    /// build they tell bodies apart as well as the text does, without unpacking it.
    pub fn held(&self) -> &[u8] {
        match &self.0 {
            Repr::Plain(s) => s.as_bytes(),
            Repr::Packed(bytes) => bytes,
        }
    }

    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed(_))
    }

    /// Replaces the HTML with what `edit` makes of it, packed again if it was packed.
    pub fn edit(&mut self, edit: impl FnOnce(&str) -> String) {
        let packed = self.is_packed();
        *self = Html::from(edit(&self.text()));
        if packed {
            self.pack();
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
    /// Sets [`Rendered::fingerprint`] from the final HTML (as held: a packed body is not
    /// unpacked for it; `serve`, which compares fingerprints, holds them plain).
    pub fn seal(&mut self) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.html.held().hash(&mut h);
        self.summary.hash(&mut h);
        serde_json::to_string(&self.toc)
            .unwrap_or_default()
            .hash(&mut h);
        self.fingerprint = h.finish();
    }
}
