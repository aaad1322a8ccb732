//! Markdown: one page body to HTML, with heading anchors, a table of contents, a summary,
//! highlighted code and its links noted for resolution. It sits on the model (parvis-core),
//! after the filter, and before the templates: it fills the [`Rendered`] body of each visible
//! page and section, then [`links`] resolves their links against the whole site.
//!
//! Links to other pages (`../other.md#part`) cannot be turned into URLs until every page is
//! known, so rendering writes a placeholder for each and [`links`] substitutes them afterwards.
//! This keeps rendering one pass per page, in parallel.

pub mod highlight;
pub mod links;
pub mod sanitize;
pub mod shortcodes;
pub mod urls;

use parvis_core::config::RawHtml;
use parvis_core::model::rendered::{
    droppable_link, link_placeholder, LinkTarget, PendingLink, Rendered, TocEntry,
};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use sanitize::Kept;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

const MORE: &str = "<!--parvis:more-->";

/// The link title that marks a link to drop where its target is hidden.
pub const DROP_TITLE: &str = "if-visible";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders one shortcode call to HTML.
pub type ShortcodeFn<'a> =
    dyn Fn(&shortcodes::Call) -> Result<String, shortcodes::ShortcodeError> + Sync + 'a;

/// Renders `body` after expanding its shortcodes with `shortcode`, highlighting code through
/// `code` when given, and keeping or sanitising the writer's HTML as `html` says. Errors carry
/// offsets in `body`; a failed shortcode renders as nothing so the rest is still checked.
pub fn render_with_shortcodes(
    body: &str,
    dir: &Path,
    shortcode: &ShortcodeFn<'_>,
    code: Option<&highlight::Cache>,
    html: RawHtml,
) -> (Rendered, Vec<shortcodes::ShortcodeError>) {
    let mut calls = match shortcodes::find(body) {
        Ok(c) => c,
        Err(e) => return (render_body(body, dir, code, html, &[]), vec![e]),
    };
    if calls.is_empty() {
        return (render_body(body, dir, code, html, &[]), Vec::new());
    }
    set_heading_levels(body, &mut calls);
    let mut errors = Vec::new();
    let expanded = shortcodes::expand(body, &calls, |call| {
        shortcode(call).or_else(|e| {
            errors.push(e);
            Ok(String::new())
        })
    })
    .expect("errors are collected, not returned");
    let mut rendered = render_body(&expanded.text, dir, code, html, &expanded.outputs());
    rendered.shortcodes = calls.iter().map(|c| c.name.clone()).collect();
    rendered.shortcodes.sort_unstable();
    rendered.shortcodes.dedup();
    rendered.faqs = calls
        .iter()
        .filter(|c| c.name == "faq")
        .filter_map(|c| {
            let q = c.args.get("question")?.as_str()?;
            let a = c.args.get("answer")?.as_str()?;
            Some((q.to_string(), a.to_string()))
        })
        .collect();
    for link in &mut rendered.links {
        link.offset = expanded.original_offset(link.offset);
    }
    for offset in &mut rendered.images_without_alt {
        *offset = expanded.original_offset(*offset);
    }
    (rendered, errors)
}

/// Gives each call a `heading_level` argument, unless the writer gave one: one below the
/// heading the call follows, or 2 before any (the page's title is its h1). A shortcode's cards
/// take that level for their headings, so that the page's outline skips none.
fn set_heading_levels(body: &str, calls: &mut [shortcodes::Call]) {
    let headings: Vec<(usize, u8)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Heading { level, .. }) => Some((range.start, level_num(level))),
            _ => None,
        })
        .collect();
    for call in calls {
        let above = headings
            .iter()
            .take_while(|(at, _)| *at < call.start)
            .last();
        let level = above.map_or(2, |(_, l)| (l + 1).min(6));
        call.args
            .entry("heading_level")
            .or_insert_with(|| level.into());
    }
}

/// Renders `body`, a page whose file lives in folder `dir` (relative to `content/`).
pub fn render(body: &str, dir: &Path) -> Rendered {
    render_body(body, dir, None, RawHtml::Allow, &[])
}

/// Renders `body`; `trusted` are the ranges of `body` that parvis wrote (rendered shortcodes),
/// kept as they are when `raw_html` sanitises the rest.
fn render_body(
    body: &str,
    dir: &Path,
    code_cache: Option<&highlight::Cache>,
    raw_html: RawHtml,
    trusted: &[Range<usize>],
) -> Rendered {
    let mut out = Rendered {
        raw_html,
        ..Rendered::default()
    };
    // Set only when sanitising: what parvis wrote goes in here, behind tokens.
    let mut kept = (raw_html == RawHtml::Sanitize).then(Kept::new);
    let mut ours = |html: String| -> CowStr<'static> {
        match kept.as_mut() {
            Some(k) => k.keep(html).into(),
            None => html.into(),
        }
    };
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut used_ids = HeadingIds::default();
    // While inside a heading: its start index in `events`, its text, its explicit id.
    let mut heading: Option<(usize, String)> = None;
    let mut code: Option<(Option<String>, String)> = None;
    let mut more_pending = false;
    let mut open_links: Vec<Option<usize>> = Vec::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((events.len(), String::new()));
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = heading.take() {
                    let Event::Start(Tag::Heading {
                        id, classes, attrs, ..
                    }) = &events[start]
                    else {
                        unreachable!("heading start recorded")
                    };
                    let wanted = id.as_ref().map(|i| i.to_string()).unwrap_or_else(|| {
                        let s = parvis_core::text::slugify(&text);
                        if s.is_empty() {
                            "section".to_string()
                        } else {
                            s
                        }
                    });
                    let id = used_ids.unique(&wanted);
                    events[start] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id.clone())),
                        classes: classes.clone(),
                        attrs: attrs.clone(),
                    });
                    headings.push((level_num(level), id.clone(), text.trim().to_string()));
                    out.anchors.insert(id);
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = code.take() {
                    out.word_count += parvis_core::text::word_count(&text);
                    let html = match code_cache {
                        Some(c) => c.code_block(lang.as_deref(), &text),
                        None => highlight::code_block(lang.as_deref(), &text),
                    };
                    events.push(Event::Html(ours(html)));
                }
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&t);
                }
            }
            e @ (Event::Text(_) | Event::Code(_)) => {
                if let Event::Text(t) | Event::Code(t) = &e {
                    out.word_count += parvis_core::text::word_count(t);
                    if let Some((_, text)) = heading.as_mut() {
                        text.push_str(t);
                    }
                }
                events.push(e);
            }
            Event::Html(h) if is_more(&h) => events.push(Event::Html(ours(MORE.into()))),
            // Inside a paragraph, the summary ends with that paragraph, so its HTML stays whole.
            Event::InlineHtml(h) if is_more(&h) => more_pending = true,
            Event::End(TagEnd::Paragraph) if more_pending => {
                events.push(Event::End(TagEnd::Paragraph));
                events.push(Event::Html(ours(MORE.into())));
                more_pending = false;
            }
            Event::Html(h) if raw_html == RawHtml::Sanitize => {
                events.push(Event::Html(set_aside(h, range, body, trusted, &mut ours)))
            }
            Event::InlineHtml(h) if raw_html == RawHtml::Sanitize => events.push(
                Event::InlineHtml(set_aside(h, range, body, trusted, &mut ours)),
            ),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = note_link(&dest_url, range.start, dir, &mut out.links);
                // `[text](page.md "if-visible")`: the whole link is a placeholder, written
                // only if the target is in the build, so that the text stays either way.
                let droppable = title.as_ref() == DROP_TITLE && dest.starts_with("@@PVLINK");
                if droppable {
                    let n = out.links.len() - 1;
                    out.links[n].drop_if_hidden = true;
                    let (open, _) = droppable_link(n);
                    events.push(Event::InlineHtml(open.into()));
                    open_links.push(Some(n));
                } else {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }));
                    open_links.push(None);
                }
            }
            Event::End(TagEnd::Link) => match open_links.pop().flatten() {
                Some(n) => events.push(Event::InlineHtml(droppable_link(n).1.into())),
                None => events.push(Event::End(TagEnd::Link)),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let before = out.links.len();
                let dest = note_link(&dest_url, range.start, dir, &mut out.links);
                if out.links.len() > before {
                    out.links[before].image = true;
                }
                if body[range.clone()].starts_with("![]") {
                    out.images_without_alt.push(range.start);
                }
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            // Footnote ids get a prefix so that they cannot clash with heading ids.
            Event::FootnoteReference(label) => {
                events.push(Event::FootnoteReference(format!("fn-{label}").into()))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => events.push(Event::Start(
                Tag::FootnoteDefinition(format!("fn-{label}").into()),
            )),
            other => events.push(other),
        }
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if let Some(k) = &kept {
        html = k.clean(&html);
    }
    if let Some(pos) = html.find(MORE) {
        out.summary = Some(html[..pos].to_string());
        html.replace_range(pos..pos + MORE.len(), "<span id=\"more\"></span>");
    }
    out.html = parvis_core::text::compact(html).into();
    out.toc = nest(&headings);
    out
}

/// The raw HTML of event `h` at `range` of `body`, with the parts inside `trusted` ranges set
/// aside by `keep`: the rest is the writer's, and is cleaned with the whole body.
fn set_aside<'a>(
    h: CowStr<'a>,
    range: Range<usize>,
    body: &str,
    trusted: &[Range<usize>],
    keep: &mut impl FnMut(String) -> CowStr<'static>,
) -> CowStr<'a> {
    // Only when the event is the source as written, so that offsets are offsets in `h`.
    if body.get(range.clone()) != Some(&*h) {
        return h;
    }
    let first = trusted.partition_point(|t| t.end <= range.start);
    let overlapping = trusted[first..]
        .iter()
        .take_while(|t| t.start < range.end)
        .map(|t| t.start.max(range.start)..t.end.min(range.end))
        .filter(|t| !t.is_empty());
    let mut out = String::with_capacity(h.len());
    let mut last = range.start;
    for t in overlapping {
        out.push_str(&body[last..t.start]);
        out.push_str(&keep(body[t.clone()].to_string()));
        last = t.end;
    }
    if last == range.start {
        return h;
    }
    out.push_str(&body[last..range.end]);
    out.into()
}

fn is_more(html: &str) -> bool {
    let t = html.trim();
    t == "<!-- more -->" || t == "<!--more-->"
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// The heading ids of one page, each unique: the second `## Same` is `same-1`, the third
/// `same-2`. The next free number of each id is kept, so that a page of many identical
/// headings costs linear time, not a search from `-1` each time.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl HeadingIds {
    fn unique(&mut self, wanted: &str) -> String {
        let mut id = wanted.to_string();
        if self.used.contains(&id) {
            let n = self.next.entry(id.clone()).or_insert(1);
            loop {
                id = format!("{wanted}-{n}");
                *n += 1;
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

/// Nests flat headings by level into a tree.
fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn take(flat: &[(u8, String, String)], i: &mut usize, min: u8) -> Vec<TocEntry> {
        let mut out = Vec::new();
        while *i < flat.len() && flat[*i].0 >= min {
            let (level, id, title) = flat[*i].clone();
            *i += 1;
            let children = take(flat, i, level + 1);
            out.push(TocEntry {
                level,
                id,
                title,
                children,
            });
        }
        out
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < flat.len() {
        let min = flat[i].0;
        out.extend(take(flat, &mut i, min));
    }
    out
}

/// Records a link that needs resolving and returns the href to write for now.
fn note_link<'a>(
    dest: &CowStr<'a>,
    offset: usize,
    dir: &Path,
    links: &mut Vec<PendingLink>,
) -> CowStr<'a> {
    let raw = dest.to_string();
    let Some(target) = classify(&raw, dir) else {
        return dest.clone();
    };
    // Checked, never rewritten: written as pulldown-cmark escapes them.
    let as_written = matches!(target, LinkTarget::Root(_) | LinkTarget::External(_));
    let n = links.len();
    links.push(PendingLink {
        drop_if_hidden: false,
        image: false,
        offset,
        raw,
        target,
    });
    if as_written {
        return dest.clone();
    }
    CowStr::from(link_placeholder(n))
}

/// What a link points at, or `None` for links left as written (other sites, relative
/// folders).
fn classify(raw: &str, dir: &Path) -> Option<LinkTarget> {
    if raw.is_empty() {
        return None;
    }
    if has_scheme(raw) {
        let lower = raw.get(..8).unwrap_or(raw).to_ascii_lowercase();
        let web = lower.starts_with("https://") || lower.starts_with("http://");
        return web.then(|| LinkTarget::External(raw.to_string()));
    }
    if raw.starts_with('/') {
        return Some(LinkTarget::Root(raw.to_string()));
    }
    if let Some(anchor) = raw.strip_prefix('#') {
        return Some(LinkTarget::Anchor(anchor.to_string()));
    }
    let (path, anchor) = match raw.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (raw, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let (base, path) = match path.strip_prefix("@/") {
        Some(p) => (Path::new(""), p),
        None => (dir, path),
    };
    let last = path.rsplit('/').next().unwrap_or(path);
    let is_md = last.ends_with(".md");
    if !is_md && !last.contains('.') {
        return None;
    }
    let decoded = percent_decode(path);
    let Some(resolved) = normalize(&base.join(&*decoded)) else {
        return Some(LinkTarget::Outside);
    };
    Some(if is_md {
        LinkTarget::Page(resolved, anchor)
    } else {
        LinkTarget::Asset(resolved)
    })
}

fn has_scheme(s: &str) -> bool {
    if s.starts_with("//") {
        return true;
    }
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s[..i].contains('/')
        }
        None => false,
    }
}

/// `%xx` escapes of a URL path decoded, byte-wise (so a `%` before a multi-byte character
/// stays as written); invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Resolves `.` and `..`; `None` when the path climbs out of `content/`.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_links() {
        let d = Path::new("blog");
        assert_eq!(
            classify("https://x.org/a.md", d),
            Some(LinkTarget::External("https://x.org/a.md".into()))
        );
        assert_eq!(classify("/abs/", d), Some(LinkTarget::Root("/abs/".into())));
        assert_eq!(classify("//cdn.example/x.js", d), None);
        assert_eq!(classify("mailto:a@b.c", d), None);
        assert_eq!(
            classify("../docs/a.md#part", d),
            Some(LinkTarget::Page("docs/a.md".into(), Some("part".into())))
        );
        assert_eq!(classify("#top", d), Some(LinkTarget::Anchor("top".into())));
        assert_eq!(
            classify("img.png", d),
            Some(LinkTarget::Asset("blog/img.png".into()))
        );
        assert_eq!(classify("../../x.md", d), Some(LinkTarget::Outside));
        assert_eq!(
            classify("@/docs/a.md", d),
            Some(LinkTarget::Page("docs/a.md".into(), None))
        );
        assert_eq!(classify("sub/", d), None);
    }

    #[test]
    fn shortcodes_take_the_heading_level_below_the_heading_they_follow() {
        let body = "{{ card() }}\n\n## Team\n\n{{ card() }}\n\nTeam\n---\n\n#### Deep\n\n{{ card() }}\n\n###### Deepest\n\n{{ card() }}\n\n{{ card(heading_level=4) }}\n";
        let shortcode =
            |c: &shortcodes::Call| Ok(format!("<div>{}</div>", c.args["heading_level"]));
        let (r, errors) =
            render_with_shortcodes(body, Path::new(""), &shortcode, None, RawHtml::Allow);
        assert!(errors.is_empty());
        let html = r.html.text();
        let levels: Vec<&str> = html
            .split("<div>")
            .skip(1)
            .map(|s| &s[..s.find('<').unwrap()])
            .collect();
        assert_eq!(levels, ["2", "3", "5", "6", "4"], "{html}");
    }

    #[test]
    fn percent_decodes_paths() {
        assert_eq!(percent_decode("my%20file.png"), "my file.png");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
