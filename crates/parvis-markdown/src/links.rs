//! Links between pages: check every `.md` link, anchor and asset, and write the final URLs in
//! place of the placeholders that rendering left.

use parvis_core::config::Audience;
use parvis_core::diagnostics::{suggest, Budget, Diagnostic};
use parvis_core::load::slash_path;
use parvis_core::model::rendered::{substitute_links, LinkTarget, Rendered};
use parvis_core::model::{Hidden, Site};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Something a link can point at.
struct Target<'a> {
    url: &'a str,
    anchors: Option<&'a HashSet<String>>,
    hidden: Option<&'a Hidden>,
}

/// Which rendered body: a page or a section.
#[derive(Clone, Copy)]
enum Item {
    Page(usize),
    Section(usize),
}

/// Resolves the links of every visible page and section. `assets` are the non-Markdown files
/// under `content/`, relative to it.
pub fn resolve(site: &mut Site, assets: &HashMap<PathBuf, bool>) -> Vec<Diagnostic> {
    let items: Vec<Item> = site
        .visible_pages()
        .map(|(i, _)| Item::Page(i))
        .chain(
            site.visible_sections()
                .filter(|(_, s)| s.source.is_some())
                .map(|(i, _)| Item::Section(i)),
        )
        .collect();
    resolve_items(site, assets, &items)
}

/// Resolves the links of the pages and sections whose source is at one of `rels` (relative to
/// `content/`), after `serve` rendered them again.
pub fn resolve_some(
    site: &mut Site,
    assets: &HashMap<PathBuf, bool>,
    rels: &HashSet<&Path>,
) -> Vec<Diagnostic> {
    let items: Vec<Item> = site
        .visible_pages()
        .filter(|(_, p)| rels.contains(p.source.rel.as_path()))
        .map(|(i, _)| Item::Page(i))
        .chain(
            site.visible_sections()
                .filter(|(_, s)| {
                    s.source
                        .as_ref()
                        .is_some_and(|src| rels.contains(src.rel.as_path()))
                })
                .map(|(i, _)| Item::Section(i)),
        )
        .collect();
    resolve_items(site, assets, &items)
}

/// Every page and section by its path under `content/`.
fn targets(site: &Site) -> HashMap<&Path, Target<'_>> {
    let mut targets: HashMap<&Path, Target<'_>> = HashMap::new();
    for p in &site.pages {
        targets.insert(
            &p.source.rel,
            Target {
                url: &p.url,
                anchors: p.rendered.as_ref().map(|r| &r.anchors),
                hidden: p.hidden.as_ref(),
            },
        );
    }
    for s in &site.sections {
        if let Some(src) = &s.source {
            targets.insert(
                &src.rel,
                Target {
                    url: &s.url,
                    anchors: s.rendered.as_ref().map(|r| &r.anchors),
                    hidden: s.hidden.as_ref(),
                },
            );
        }
    }
    targets
}

/// Which URL written in data a replacement goes to.
enum DataRef {
    Menu(usize),
    MemberLink(usize, usize),
    Contribution(usize, usize),
}

/// Turns the `.md` paths written in data (members' links and contributions, the menu of
/// site.yaml) into their pages' URLs, and checks the charters communities name. Paths are
/// relative to `content/`, as `@/` paths of Markdown are; errors are placed on the value.
pub fn resolve_data(site: &mut Site) -> Vec<Diagnostic> {
    // The build's audience, for messages; owned, since the targets borrow the pages.
    let audience = site.audience.clone();
    let targets = targets(site);
    let mut diags = Vec::new();
    let mut replace: Vec<(DataRef, String)> = Vec::new();
    let mut check = |raw: &str, place: Option<&Diagnostic>, at: DataRef| {
        if !parvis_core::model::rendered::is_page_path(raw) {
            return;
        }
        let (path, anchor) = match raw.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (raw, None),
        };
        let path = path.strip_prefix("@/").unwrap_or(path);
        let Some(path) = crate::normalize(Path::new(path.trim_start_matches("./"))) else {
            if let Some(place) = place {
                diags.push(data_error(
                    place,
                    format!("link to `{raw}` leaves the content folder"),
                    "`.md` paths in data are relative to content/".into(),
                ));
            }
            return;
        };
        match page_url(&targets, &path, anchor) {
            Ok(url) => replace.push((at, url)),
            Err(problem) => {
                if let Some(place) = place {
                    let page = format!("content/{}", slash_path(&path));
                    let d = problem.diagnostic(&targets, raw, &page, &audience);
                    let hint = d.hint.unwrap_or_default().replace(
                        "relative to the page's folder",
                        "relative to content/ in data",
                    );
                    diags.push(data_error(place, d.message, hint));
                }
            }
        }
    };
    for (i, m) in site.config.menu.iter().flatten().enumerate() {
        check(&m.url, m.place.as_ref(), DataRef::Menu(i));
    }
    let community = &site.community;
    for (i, m) in community.members.iter().enumerate() {
        if !site.member_visible[i] {
            continue;
        }
        for (k, l) in m.links.iter().enumerate() {
            check(&l.url, Some(&l.place), DataRef::MemberLink(i, k));
        }
        for (k, c) in m.contributions.iter().enumerate() {
            if let Some(url) = &c.url {
                check(url, c.url_place.as_ref(), DataRef::Contribution(i, k));
            }
        }
    }
    for (i, c) in community.communities.iter().enumerate() {
        let (Some(charter), Some(place)) = (&c.charter, &c.charter_place) else {
            continue;
        };
        if !site.community_visible[i] {
            continue;
        }
        if let Err(problem) = page_url(&targets, charter, None) {
            let page = format!("content/{}", slash_path(charter));
            let raw = slash_path(charter);
            let d = problem.diagnostic(&targets, &raw, &page, &audience);
            let hint = d
                .hint
                .unwrap_or_default()
                .replace("relative to the page's folder", "relative to content/");
            diags.push(data_error(place, format!("charter {}", d.message), hint));
        }
    }
    drop(targets);
    for (at, url) in replace {
        match at {
            DataRef::Menu(i) => {
                if let Some(m) = site.config.menu.as_mut().and_then(|m| m.get_mut(i)) {
                    m.url = url;
                }
            }
            DataRef::MemberLink(i, k) => site.community.members[i].links[k].url = url,
            DataRef::Contribution(i, k) => {
                site.community.members[i].contributions[k].url = Some(url)
            }
        }
    }
    diags
}

/// An error at the place of a value written in data.
pub(crate) fn data_error(place: &Diagnostic, message: String, hint: String) -> Diagnostic {
    Diagnostic {
        message,
        ..place.clone()
    }
    .with_hint(hint)
}

fn resolve_items(
    site: &mut Site,
    assets: &HashMap<PathBuf, bool>,
    items: &[Item],
) -> Vec<Diagnostic> {
    // The build's audience, for messages; owned, since the targets borrow the pages.
    let audience = site.audience.clone();
    let targets = targets(site);
    let root = site.config.root.as_str();
    let resolved: Vec<(Item, Vec<String>, Vec<Diagnostic>)> = items
        .par_iter()
        .filter_map(|&item| {
            let (source, rendered) = match item {
                Item::Page(i) => (&site.pages[i].source, site.pages[i].rendered.as_ref()?),
                Item::Section(i) => (
                    site.sections[i].source.as_ref()?,
                    site.sections[i].rendered.as_ref()?,
                ),
            };
            let mut diags = Vec::new();
            let mut budget = Budget::default();
            let urls = rendered
                .links
                .iter()
                .map(|link| {
                    let found = match &link.target {
                        LinkTarget::Anchor(a) => {
                            check_anchor(Some(&rendered.anchors), a).map(|_| format!("#{a}"))
                        }
                        LinkTarget::Page(path, anchor) => {
                            match page_url(&targets, path, anchor.as_deref()) {
                                Err(Problem::Hidden(_)) if link.drop_if_hidden => Ok(String::new()),
                                found => found,
                            }
                        }
                        LinkTarget::Asset(path) => match assets.get(path) {
                            Some(true) => Ok(format!("{root}{}", encode_path(&slash_path(path)))),
                            Some(false) => Err(Problem::HiddenFile(path)),
                            None => Err(Problem::NoFile(path)),
                        },
                        LinkTarget::Outside => Err(Problem::Outside),
                        // Left as written (no placeholder): checked by [`crate::urls`] once
                        // every output is known, and by `check --external`.
                        LinkTarget::Root(_) | LinkTarget::External(_) => Ok(String::new()),
                    };
                    found.unwrap_or_else(|problem| {
                        if budget.take() {
                            let page = match &link.target {
                                LinkTarget::Page(path, _) => {
                                    format!("content/{}", slash_path(path))
                                }
                                _ => "this page".to_string(),
                            };
                            let d = problem.diagnostic(&targets, &link.raw, &page, &audience);
                            diags.push(
                                source
                                    .body_error(link.offset, d.message)
                                    .with_hint(d.hint.unwrap_or_default()),
                            );
                        }
                        link.raw.clone()
                    })
                })
                .collect();
            diags.extend(budget.summary(&source.display, "broken links"));
            Some((item, urls, diags))
        })
        .collect();

    let mut all = Vec::new();
    let mut page_urls = vec![None; site.pages.len()];
    let mut section_urls = vec![None; site.sections.len()];
    for (item, urls, diags) in resolved {
        all.extend(diags);
        match item {
            Item::Page(i) => page_urls[i] = Some(urls),
            Item::Section(i) => section_urls[i] = Some(urls),
        }
    }
    // In parallel: the plain bodies of a small build are edited in place (a packed body keeps
    // its URLs beside it, see `Html::resolve_links`).
    let apply = |r: &mut Arc<Rendered>, urls: Vec<String>| {
        let r = Arc::make_mut(r);
        if !urls.is_empty() {
            r.summary = r.summary.as_deref().map(|s| substitute_links(s, &urls));
            r.html.resolve_links(urls);
        }
        r.seal();
    };
    site.pages
        .par_iter_mut()
        .zip(page_urls)
        .filter_map(|(p, urls)| Some((p, urls?)))
        .for_each(|(p, urls)| {
            if let Some(r) = Arc::make_mut(p).rendered.as_mut() {
                apply(r, urls);
            }
        });
    site.sections
        .par_iter_mut()
        .zip(section_urls)
        .filter_map(|(s, urls)| Some((s.rendered.as_mut()?, urls?)))
        .for_each(|(r, urls)| apply(r, urls));
    all
}

/// Why a link has no URL in this build. Finding it is cheap; saying it (suggestions, lists of
/// ids) is done only for the problems a file's [`Budget`] lets through.
enum Problem<'a> {
    /// No page at that path.
    NoPage(&'a Path),
    /// The page exists but this build does not show it.
    Hidden(&'a Hidden),
    /// The page (or this page) has no heading with that id.
    NoAnchor {
        anchor: &'a str,
        anchors: &'a HashSet<String>,
    },
    NoFile(&'a Path),
    /// The file belongs to a page or section this build does not show.
    HiddenFile(&'a Path),
    Outside,
}

impl Problem<'_> {
    /// The message and hint for the link written `raw`, to `page` (`content/x.md` or `this
    /// page`), in the build of `audience`. The caller places it.
    fn diagnostic(
        &self,
        targets: &HashMap<&Path, Target<'_>>,
        raw: &str,
        page: &str,
        audience: &Audience,
    ) -> Diagnostic {
        let (message, hint) = match self {
            Problem::NoPage(path) => {
                let wanted = slash_path(path);
                let known: Vec<String> = targets.keys().map(|p| slash_path(p)).collect();
                let hint = match suggest(&wanted, known.iter().map(String::as_str)) {
                    Some(s) => format!(
                        "did you mean content/{s}? Paths are relative to the page's folder"
                    ),
                    None => "paths are relative to the page's folder; check the file name".into(),
                };
                (
                    format!("link to `{raw}`: there is no page content/{wanted}"),
                    hint,
                )
            }
            Problem::Hidden(Hidden::Audience(a)) => (
                format!("link to `{raw}`: {page} is only open to `{a}`, and the `{audience}` audience may not see it"),
                format!("open {page} to `{audience}` (`audience: {audience}` in its front matter), remove the link, or write it [text]({raw} \"if-visible\") to keep only its text where the page is hidden"),
            ),
            Problem::Hidden(other) => (
                format!("link to `{raw}`: {page} is {other} and not part of this build"),
                format!("remove the link, publish the page, or write it [text]({raw} \"if-visible\") to keep only its text while the page is hidden"),
            ),
            Problem::NoAnchor { anchor, anchors } => {
                let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
                known.sort_unstable();
                let hint = match suggest(anchor, known.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None if known.is_empty() => "that page has no headings".to_string(),
                    None if known.len() > 20 => format!(
                        "its heading ids include: {}, and {} more",
                        known[..20].join(", "),
                        known.len() - 20
                    ),
                    None => format!("its heading ids are: {}", known.join(", ")),
                };
                (
                    format!("link to `{raw}`: {page} has no heading with the id `{anchor}`"),
                    hint,
                )
            }
            Problem::NoFile(path) => (
                format!("link to `{raw}`: there is no such file"),
                format!(
                    "put the file at content/{}, or fix the path (it is relative to the page's folder)",
                    slash_path(path)
                ),
            ),
            Problem::HiddenFile(path) => (
                format!(
                    "link to `{raw}`: content/{} belongs to a page or section that the `{audience}` build does not show (another audience's, a draft or not yet published)",
                    slash_path(path)
                ),
                "open that page or section to this audience, or remove the link".into(),
            ),
            Problem::Outside => (
                format!("link to `{raw}` leaves the content folder"),
                "link to pages inside content/ with a relative path, or to other sites with a full URL".into(),
            ),
        };
        Diagnostic::error("", message).with_hint(hint)
    }
}

fn page_url<'a>(
    targets: &'a HashMap<&Path, Target<'_>>,
    path: &'a Path,
    anchor: Option<&'a str>,
) -> Result<String, Problem<'a>> {
    let Some(t) = targets.get(path) else {
        return Err(Problem::NoPage(path));
    };
    if let Some(h) = t.hidden {
        return Err(Problem::Hidden(h));
    }
    match anchor {
        Some(a) => check_anchor(t.anchors, a).map(|_| format!("{}#{a}", t.url)),
        None => Ok(t.url.to_string()),
    }
}

fn check_anchor<'a>(
    anchors: Option<&'a HashSet<String>>,
    anchor: &'a str,
) -> Result<(), Problem<'a>> {
    match anchors {
        Some(anchors) if !anchor.is_empty() && !anchors.contains(anchor) => {
            Err(Problem::NoAnchor { anchor, anchors })
        }
        _ => Ok(()),
    }
}

fn encode_path(p: &str) -> String {
    p.replace('%', "%25").replace(' ', "%20")
}
