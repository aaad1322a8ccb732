//! Root-absolute URLs (`/blog/`, `/images/a.png`), wherever they are written: page bodies,
//! members' links and contributions, the menu of site.yaml, and the HTML the templates write.
//! Each is checked against the files the build writes for its audience, once they are all
//! known; a URL that would answer 404 is an error at the place it was written, with the
//! nearest URL that exists. This module only reads the site and reports: it changes nothing.

use crate::links::data_error;
use parvis_core::diagnostics::{suggest, Budget, Diagnostic};
use parvis_core::model::rendered::LinkTarget;
use parvis_core::model::{Hidden, Site};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The URLs a build answers: every file it writes, and the pages it leaves out (with why).
pub struct Outputs<'a> {
    /// The path part of `base_url` (`/` or `/docs/`): URLs outside it belong to other sites
    /// of the same host, and are not checked.
    root: &'a str,
    /// Output paths, relative to the output folder (`blog/hello/index.html`).
    files: HashSet<String>,
    /// The folders of `files` that hold an `index.html`, without their last `/` (`blog/hello`,
    /// and `` for the root): every page checks its links, and a folder's URL is then found
    /// without writing out its index's path.
    folders: HashSet<String>,
    /// Language folders other than the default language's (`en`, on a French portal).
    languages: Vec<&'a str>,
    /// URLs of the pages and sections this build leaves out: their source and why.
    hidden: HashMap<&'a str, (&'a Path, &'a Hidden)>,
}

/// Why a root-absolute URL answers nothing.
pub enum Broken<'a> {
    /// No file at that URL; the nearest URL that exists, if one is close.
    Missing(Option<String>),
    /// A page of the site that this build leaves out.
    Hidden(&'a Path, &'a Hidden),
}

impl<'a> Outputs<'a> {
    /// `files` are the output paths of the build.
    pub fn new(site: &'a Site, files: impl IntoIterator<Item = String>) -> Outputs<'a> {
        let hidden = site
            .pages
            .iter()
            .filter_map(|p| {
                Some((
                    p.url.as_str(),
                    (p.source.display.as_path(), p.hidden.as_ref()?),
                ))
            })
            .chain(site.sections.iter().filter_map(|s| {
                let src = s.source.as_ref()?;
                Some((s.url.as_str(), (src.display.as_path(), s.hidden.as_ref()?)))
            }))
            .collect();
        let files: HashSet<String> = files.into_iter().collect();
        let folders = files
            .iter()
            .filter_map(|f| match f.as_str() {
                "index.html" => Some(""),
                f => f.strip_suffix("/index.html"),
            })
            .map(str::to_string)
            .collect();
        Outputs {
            root: &site.config.root,
            files,
            folders,
            languages: site
                .config
                .languages
                .iter()
                .map(String::as_str)
                .filter(|l| *l != site.config.language)
                .collect(),
            hidden,
        }
    }

    /// The output path `raw` answers with, `None` when it is not a URL of this site (another
    /// site, a path outside `root`, a relative path).
    fn path_of<'r>(&self, raw: &'r str) -> Option<&'r str> {
        if !raw.starts_with('/') || raw.starts_with("//") {
            return None;
        }
        let path = raw.split(['#', '?']).next().unwrap_or(raw);
        match path.strip_prefix(self.root) {
            Some(rel) => Some(rel),
            None if self.root.strip_suffix('/') == Some(path) => Some(""),
            None => None,
        }
    }

    fn exists(&self, rel: &str) -> bool {
        let rel = crate::percent_decode(rel);
        match rel.strip_suffix('/') {
            // `//` after the root: no output path starts with `/`.
            Some("") => false,
            Some(folder) => self.folders.contains(folder),
            None if rel.is_empty() => self.folders.contains(""),
            // A server answers `/blog` with the folder's index too.
            None => self.files.contains(&*rel) || self.folders.contains(&*rel),
        }
    }

    /// Whether root-absolute `raw` answers something in this build.
    pub fn check(&self, raw: &str) -> Result<(), Broken<'a>> {
        let Some(rel) = self.path_of(raw) else {
            return Ok(());
        };
        if self.exists(rel) {
            return Ok(());
        }
        let path = raw.split(['#', '?']).next().unwrap_or(raw);
        if let Some(&(source, why)) = self.hidden.get(path) {
            return Err(Broken::Hidden(source, why));
        }
        Err(Broken::Missing(None))
    }

    /// The nearest URL to `raw` that exists: first the same path in another language's
    /// folder, then the closest by spelling. Costly on big sites: called only for the errors
    /// a file's [`Budget`] lets through.
    pub fn suggest(&self, raw: &str) -> Option<String> {
        let rel = self.path_of(raw)?;
        for lang in &self.languages {
            let moved = format!("{lang}/{rel}");
            if self.exists(&moved) {
                return Some(format!("{}{moved}", self.root));
            }
        }
        let path = raw.split(['#', '?']).next().unwrap_or(raw);
        // A page for a page, an image for an image: only URLs of the same extension.
        let extension = |p: &str| {
            p.rsplit('/')
                .next()
                .and_then(|name| name.rsplit_once('.'))
                .map(|(_, e)| e.to_string())
        };
        let wanted = extension(path);
        let urls: Vec<String> = self
            .files
            .iter()
            .map(|f| match f.strip_suffix("index.html") {
                Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{}{dir}", self.root),
                _ => format!("{}{f}", self.root),
            })
            .filter(|u| extension(u) == wanted)
            .collect();
        suggest(path, urls.iter().map(String::as_str)).map(str::to_string)
    }

    /// The message and hint for `raw`, broken for `why`, in the build of `audience`.
    pub fn explain(&self, raw: &str, why: Broken<'_>, audience: &str) -> (String, String) {
        match why {
            Broken::Hidden(source, Hidden::Audience(a)) => (
                format!(
                    "link to `{raw}`: that is {}, only open to `{a}`, and the `{audience}` audience may not see it",
                    source.display()
                ),
                format!("open {} to `{audience}`, or remove the link", source.display()),
            ),
            Broken::Hidden(source, other) => (
                format!(
                    "link to `{raw}`: that is {}, {other} and not part of this build",
                    source.display()
                ),
                "remove the link, or publish the page".into(),
            ),
            Broken::Missing(_) => {
                let hint = match self.suggest(raw) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "link to a page's `.md` path instead: parvis turns it into the page's URL and checks it".into(),
                };
                (
                    format!("link to `{raw}`: the `{audience}` build has no page or file at that URL"),
                    hint,
                )
            }
        }
    }
}

/// Checks the root-absolute links of every visible body and of the data this build shows;
/// returns the errors and the broken URLs, so that the HTML of the same links is not
/// reported again.
pub fn check_site(
    site: &Site,
    outputs: &Outputs<'_>,
    audience: &str,
) -> (Vec<Diagnostic>, HashSet<String>) {
    let bodies = site
        .visible_pages()
        .map(|(_, p)| (&p.source, p.rendered.as_ref()))
        .chain(
            site.visible_sections()
                .filter_map(|(_, s)| Some((s.source.as_ref()?, s.rendered.as_ref()))),
        )
        .collect::<Vec<_>>();
    let (mut diags, mut broken): (Vec<Vec<Diagnostic>>, Vec<Vec<String>>) = bodies
        .par_iter()
        .map(|(source, rendered)| {
            let mut out = Vec::new();
            let mut broken = Vec::new();
            let mut budget = Budget::default();
            for link in rendered.iter().flat_map(|r| &r.links) {
                let LinkTarget::Root(raw) = &link.target else {
                    continue;
                };
                if let Err(why) = outputs.check(raw) {
                    broken.push(raw.clone());
                    if budget.take() {
                        let (message, hint) = outputs.explain(raw, why, audience);
                        out.push(source.body_error(link.offset, message).with_hint(hint));
                    }
                }
            }
            out.extend(budget.summary(&source.display, "broken links"));
            (out, broken)
        })
        .unzip();
    let mut data = |raw: &str, place: Option<&Diagnostic>| {
        if let (Err(why), Some(place)) = (outputs.check(raw), place) {
            let (message, hint) = outputs.explain(raw, why, audience);
            diags.push(vec![data_error(place, message, hint)]);
            broken.push(vec![raw.to_string()]);
        }
    };
    for (url, place) in data_urls(site) {
        data(url, place);
    }
    (
        diags.into_iter().flatten().collect(),
        broken.into_iter().flatten().collect(),
    )
}

/// The URLs written in data this build shows, each with its place if it has one: the menu
/// of site.yaml, and visible members' links and contributions.
fn data_urls(site: &Site) -> impl Iterator<Item = (&str, Option<&Diagnostic>)> {
    let menu = site
        .config
        .menu
        .iter()
        .flatten()
        .map(|m| (m.url.as_str(), m.place.as_ref()));
    let members = site
        .community
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| site.member_visible[*i])
        .flat_map(|(_, m)| {
            let links = m.links.iter().map(|l| (l.url.as_str(), Some(&l.place)));
            let contributions = m
                .contributions
                .iter()
                .filter_map(|c| Some((c.url.as_deref()?, c.url_place.as_ref())));
            links.chain(contributions)
        });
    menu.chain(members)
}

/// A web address the site links to, and the place it is written.
#[derive(Debug, Clone)]
pub struct ExternalLink {
    pub url: String,
    pub place: Diagnostic,
}

/// The web addresses (`http`, `https`) of the visible bodies and of the data this build
/// shows, each with its place, for `check --external`.
pub fn external_links(site: &Site) -> Vec<ExternalLink> {
    let web = |u: &str| {
        let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    };
    let mut out: Vec<ExternalLink> = site
        .visible_pages()
        .map(|(_, p)| (&p.source, p.rendered.as_ref()))
        .chain(
            site.visible_sections()
                .filter_map(|(_, s)| Some((s.source.as_ref()?, s.rendered.as_ref()))),
        )
        .flat_map(|(source, rendered)| {
            rendered
                .into_iter()
                .flat_map(|r| &r.links)
                .filter_map(|link| match &link.target {
                    LinkTarget::External(url) => Some(ExternalLink {
                        url: url.clone(),
                        place: source.body_error(link.offset, ""),
                    }),
                    _ => None,
                })
        })
        .collect();
    let mut data = |url: &str, place: Option<&Diagnostic>| {
        if let (true, Some(place)) = (web(url), place) {
            out.push(ExternalLink {
                url: url.to_string(),
                place: place.clone(),
            });
        }
    };
    for (url, place) in data_urls(site) {
        data(url, place);
    }
    out
}

/// The root-absolute URLs of `href` and `src` attributes in `html` (entities decoded), for
/// checking what templates write. Attribute values are as the templates escaped them.
///
/// Every page passes through here, so the scan jumps from `=` to `=` (`str::find` of one
/// byte is a `memchr`) rather than stopping at every `h` and `s` of the text.
pub fn html_urls(html: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(pos) = html[i..].find('=') {
            let eq = i + pos;
            i = eq + 1;
            let name = &bytes[..eq];
            let name_start = if name.ends_with(b"href") {
                eq - 4
            } else if name.ends_with(b"src") {
                eq - 3
            } else {
                continue;
            };
            // An attribute name starts after a space, not inside another word (`data-src=`).
            let before = name_start.checked_sub(1).map(|b| bytes[b]);
            if !matches!(before, Some(b' ' | b'\n' | b'\t')) {
                continue;
            }
            let quote = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => q as char,
                _ => continue,
            };
            let value_start = i + 1;
            let Some(len) = html[value_start..].find(quote) else {
                i = bytes.len();
                break;
            };
            i = value_start + len + 1;
            let value = &html[value_start..value_start + len];
            if value.starts_with('/') && !value.starts_with("//") {
                return Some(html_escape::decode_html_entities(value));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_root_urls_of_attributes() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a><img data-src="/no.png" src='/i.png'><a href="https://x.org/">x</a><p>href="/text/"</p>"#;
        let found: Vec<Cow<str>> = html_urls(html).collect();
        assert_eq!(found, vec!["/a/?x=1&y=2".to_string(), "/i.png".to_string()]);
        // A name on its own line, one inside another word, text with `=`, an open quote.
        let html = "<a\nhref=\"/n/\" xhref=\"/no/\">a = b, src=/bare</a><img\tsrc=\"/t.png\"><a href=\"/open";
        let found: Vec<Cow<str>> = html_urls(html).collect();
        assert_eq!(found, vec!["/n/", "/t.png"]);
    }
}
