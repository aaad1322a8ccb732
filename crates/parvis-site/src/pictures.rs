//! The image stage, between links and templates: finds every picture the site shows
//! (Markdown images, front matter `image:`, member photos, the logo), has
//! [`parvis_images`] process them in parallel (from its cache when it can), writes
//! `<picture>` elements in place of the Markdown `<img>`s, and fills [`Site::media`] for the
//! templates: avatars, social cards, favicons, and where each `image:` was found
//! (`FrontImage`). The files it makes go to `media/`.

use parvis_core::diagnostics::{Diagnostic, Severity};
use parvis_core::load::slash_path;
use parvis_core::model::media::{CardImage, Media, Picture};
use parvis_core::model::rendered::LinkTarget;
use parvis_core::model::{SectionKind, Site};
use parvis_images::{Card, CardStyle, ImageError, Images, Kind, Processed};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use parvis_images::MEDIA_DIR;

/// The file extensions processed; other pictures (SVG, GIF) are copied as they are.
fn processed_ext(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// What the stage made: files to copy (output path, cached file) and its messages.
#[derive(Default)]
pub struct Outcome {
    pub files: BTreeMap<String, PathBuf>,
    pub diags: Vec<Diagnostic>,
}

/// One use of a picture: which source, for what, and where it was asked for.
struct Want {
    source: PathBuf,
    kind: Kind,
    place: Place,
}

#[derive(Clone)]
enum Place {
    /// Byte offset in the body of page `i` (or section, when `section`).
    Body {
        page: Option<usize>,
        section: Option<usize>,
        offset: usize,
    },
    /// Front matter `image:` of page `i`.
    Front(usize),
    /// Front matter `image:` of page `page` or section `section`, as a cover (cards, hero).
    Cover {
        page: Option<usize>,
        section: Option<usize>,
    },
    Member(usize),
    Logo,
}

/// Processes member photos (avatars) and the logo (favicons) into `site.media`: before the
/// Markdown stage, whose shortcodes show members.
pub fn members(site: &mut Site, images: &Images) -> Outcome {
    let mut out = Outcome::default();
    let root_dir = site.root.clone();
    let url_root = site.config.root.clone();
    let mut wants: Vec<Want> = Vec::new();
    // Member photos: square avatars.
    for (i, m) in site.community.members.iter().enumerate() {
        if !site.member_visible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(rel) = m
            .photo
            .as_deref()
            .and_then(|u| u.strip_prefix(url_root.as_str()))
        else {
            continue;
        };
        wants.push(Want {
            source: root_dir.join("static").join(rel),
            kind: Kind::Avatar,
            place: Place::Member(i),
        });
    }
    if let Some(logo) = &site.config.logo {
        wants.push(Want {
            source: root_dir.join("static").join(logo),
            kind: Kind::Icon,
            place: Place::Logo,
        });
    }

    let results: Vec<Result<Processed, ImageError>> = wants
        .par_iter()
        .map(|w| images.get(&w.source, w.kind))
        .collect();
    let media_url = format!("{url_root}{MEDIA_DIR}");
    let mut media = Media::default();
    for (w, r) in wants.iter().zip(results) {
        let p = match r {
            Ok(p) => p,
            Err(e) => {
                out.diags.push(diagnostic(site, &w.place, &w.source, &e));
                continue;
            }
        };
        for (v, file) in p.files() {
            out.files.insert(format!("{MEDIA_DIR}{}", v.name), file);
        }
        match &w.place {
            Place::Member(i) => {
                let id = site.community.members[*i].id.clone();
                media.avatars.insert(id, picture(&p, &media_url));
            }
            _ => {
                media.favicon = p.fallback.first().map(|v| format!("{media_url}{}", v.name));
                media.touch_icon = p.fallback.last().map(|v| format!("{media_url}{}", v.name));
            }
        }
    }
    if let Some(logo) = &site.config.logo {
        media.logo = Some(format!("{url_root}{logo}"));
    }
    site.media = media;
    out
}

/// Runs the rest of the stage, after links: processes the pages' pictures, rewrites the
/// bodies and draws the social cards, into `site.media`.
pub fn run(site: &mut Site, images: &Images, progress: bool) -> Outcome {
    let mut out = Outcome::default();
    let root_dir = site.root.clone();
    let url_root = site.config.root.clone();
    let mut wants: Vec<Want> = Vec::new();

    // Markdown images of visible pages and sections.
    let bodies = site
        .visible_pages()
        .filter_map(|(i, p)| p.rendered.as_ref().map(|r| (Some(i), None, r.clone())))
        .chain(
            site.visible_sections()
                .filter_map(|(i, s)| s.rendered.as_ref().map(|r| (None, Some(i), r.clone()))),
        )
        .collect::<Vec<_>>();
    for (page, section, r) in &bodies {
        for l in r.links.iter().filter(|l| l.image) {
            let source = match &l.target {
                LinkTarget::Asset(p) => root_dir.join("content").join(p),
                LinkTarget::Root(u) => match u.strip_prefix(url_root.as_str()) {
                    Some(rel) => root_dir
                        .join("static")
                        .join(rel.split(['?', '#']).next().unwrap_or(rel)),
                    None => continue,
                },
                _ => continue,
            };
            if !processed_ext(&l.raw) || !source.is_file() {
                // Missing files are the links check's to report.
                continue;
            }
            wants.push(Want {
                source,
                kind: Kind::Responsive,
                place: Place::Body {
                    page: *page,
                    section: *section,
                    offset: l.offset,
                },
            });
        }
        for &offset in &r.images_without_alt {
            let d = match (page, section) {
                (Some(i), _) => site.pages[*i].source.body_error(offset, ""),
                (_, Some(i)) => match &site.sections[*i].source {
                    Some(s) => s.body_error(offset, ""),
                    None => continue,
                },
                _ => continue,
            };
            out.diags.push(Diagnostic {
                severity: Severity::Warning,
                message: "this image has no alternative text".into(),
                ..d
            }
            .with_hint("describe it between the brackets, `![a team at a whiteboard](team.jpg)`; for a purely decorative image write `![](x.jpg \"decorative\")` in HTML as alt=\"\""));
        }
    }
    // Front matter `image:`: a page's social card (cropped to 1200×630) and cover; a
    // section's cover (the home page's hero, the tiles of subsections).
    let mut front_images: HashMap<String, String> = HashMap::new();
    let pages = site.visible_pages().filter_map(|(i, p)| {
        let folder = p.source.rel.parent().unwrap_or(Path::new(""));
        Some((Some(i), None, p.front.image.as_deref()?, folder, &p.url))
    });
    let sections = site.visible_sections().filter_map(|(i, s)| {
        Some((
            None,
            Some(i),
            s.front.image.as_deref()?,
            s.dir.as_path(),
            &s.url,
        ))
    });
    for (page, section, image, folder, url) in pages.chain(sections) {
        let place = Place::Cover { page, section };
        let source = match FrontImage::find(&root_dir, folder, image) {
            FrontImage::Remote => {
                front_images.insert(url.clone(), image.to_string());
                continue;
            }
            FrontImage::Missing(looked) => {
                let rel = image.trim_start_matches('/');
                front_images.insert(url.clone(), format!("{url_root}{rel}"));
                if processed_ext(image) {
                    out.diags.push(missing_image(site, &place, image, &looked));
                }
                continue;
            }
            FrontImage::File(source) => source,
        };
        if let Some(published) = source_url(&root_dir, &url_root, &source) {
            front_images.insert(url.clone(), published);
        }
        if !processed_ext(image) {
            continue;
        }
        if let Some(i) = page {
            wants.push(Want {
                source: source.clone(),
                kind: Kind::Card,
                place: Place::Front(i),
            });
        }
        wants.push(Want {
            source,
            kind: Kind::Cover,
            place,
        });
    }
    // Each source once per kind, in parallel.
    let mut unique: Vec<(PathBuf, Kind)> =
        wants.iter().map(|w| (w.source.clone(), w.kind)).collect();
    unique.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(format!("{:?}", a.1).cmp(&format!("{:?}", b.1)))
    });
    unique.dedup();
    let bar = crate::progress_bar(progress, unique.len() as u64);
    let results: HashMap<(PathBuf, Kind), Result<Processed, ImageError>> = unique
        .into_par_iter()
        .map(|(path, kind)| {
            let r = images.get(&path, kind);
            bar.inc(1);
            ((path, kind), r)
        })
        .collect();
    bar.finish_and_clear();

    let media_url = format!("{url_root}{MEDIA_DIR}");
    let mut media = std::mem::take(&mut site.media);
    media.cards.clear();
    media.images = front_images;
    media.covers.clear();
    media.site_card = None;
    let mut by_url: HashMap<String, Picture> = HashMap::new();
    let mut reported = std::collections::HashSet::new();
    for w in &wants {
        let Some(result) = results.get(&(w.source.clone(), w.kind)) else {
            continue;
        };
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                if reported.insert((w.source.clone(), place_key(&w.place))) {
                    out.diags.push(diagnostic(site, &w.place, &w.source, e));
                }
                continue;
            }
        };
        for (v, file) in p.files() {
            out.files.insert(format!("{MEDIA_DIR}{}", v.name), file);
        }
        let picture = picture(p, &media_url);
        match &w.place {
            Place::Body { .. } => {
                if let Some(url) = source_url(&root_dir, &url_root, &w.source) {
                    by_url.insert(url, picture);
                }
            }
            Place::Front(i) => {
                if let Some(v) = p.fallback.first() {
                    media.cards.insert(
                        site.pages[*i].url.clone(),
                        CardImage {
                            url: site.config.permalink(&format!("{media_url}{}", v.name)),
                            width: v.width,
                            height: v.height,
                            mime: v.mime.clone(),
                        },
                    );
                }
            }
            Place::Cover { .. } => {
                if let Some(url) = source_url(&root_dir, &url_root, &w.source) {
                    media.covers.insert(url, picture);
                }
            }
            Place::Member(_) | Place::Logo => {}
        }
    }

    // `<picture>` in place of each processed Markdown `<img>`.
    let sizes = site.config.images.sizes.clone();
    if !by_url.is_empty() {
        let rewrite = |html: &str| rewrite_images(html, &by_url, &sizes);
        // Indexes only: a page held twice would be copied whole by `make_mut`.
        for i in site.visible_pages().map(|(i, _)| i).collect::<Vec<_>>() {
            let page = Arc::make_mut(&mut site.pages[i]);
            if let Some(r) = page.rendered.as_mut() {
                let r = Arc::make_mut(r);
                r.html.edit(rewrite);
                r.summary = r.summary.as_deref().map(&rewrite);
            }
        }
        let sections: Vec<usize> = site.visible_sections().map(|(i, _)| i).collect();
        for i in sections {
            if let Some(r) = site.sections[i].rendered.as_mut() {
                let r = Arc::make_mut(r);
                r.html.edit(rewrite);
                r.summary = r.summary.as_deref().map(&rewrite);
            }
        }
    }

    // Social cards drawn for the pages that have none of their own.
    cards(site, images, &mut media, &mut out);
    site.media = media;
    out
}

/// Draws the cards: one per post, event, job posting, member and home; the site's card for
/// every other page (docs and lists): drawing one per page of a 10,000-page manual would
/// cost more than the rest of the build.
fn cards(site: &Site, images: &Images, media: &mut Media, out: &mut Outcome) {
    let style = card_style(site);
    let logo = site
        .config
        .logo
        .as_ref()
        .map(|l| site.root.join("static").join(l))
        .filter(|p| p.is_file());
    let base = |title: &str, section: Option<String>, lang: &str| Card {
        title: title.to_string(),
        section,
        site: site.config.title_in(lang).to_string(),
        style: style.clone(),
        logo: logo.clone(),
        photo: None,
    };
    // (page URL, card); the site's own card under "".
    let mut todo: Vec<(String, Card)> = vec![(
        String::new(),
        base(
            site.config
                .description
                .as_deref()
                .unwrap_or(&site.config.title),
            None,
            &site.config.language,
        ),
    )];
    for (_, p) in site.visible_pages() {
        if media.cards.contains_key(&p.url) {
            continue;
        }
        if matches!(
            p.kind,
            SectionKind::Blog | SectionKind::Events | SectionKind::Careers
        ) {
            let section = site.sections.get(p.section).map(|s| s.title.clone());
            todo.push((p.url.clone(), base(&p.title, section, &p.lang)));
        }
    }
    for (i, m) in site.community.members.iter().enumerate() {
        if !site.member_visible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let photo = m
            .photo
            .as_deref()
            .and_then(|u| u.strip_prefix(site.config.root.as_str()))
            .map(|rel| site.root.join("static").join(rel))
            .filter(|_| media.avatars.contains_key(&m.id));
        let mut card = base(&m.name, m.headline.clone(), &site.config.language);
        card.photo = photo;
        todo.push((m.url.clone(), card));
    }
    let drawn: Vec<(String, Result<Processed, ImageError>)> = todo
        .into_par_iter()
        .map(|(url, card)| {
            let r = images.card(&card);
            (url, r)
        })
        .collect();
    let media_url = format!("{}{MEDIA_DIR}", site.config.root);
    for (url, r) in drawn {
        match r {
            Ok(p) => {
                let Some(v) = p.fallback.first() else {
                    continue;
                };
                for (v, file) in p.files() {
                    out.files.insert(format!("{MEDIA_DIR}{}", v.name), file);
                }
                let card = CardImage {
                    url: site.config.permalink(&format!("{media_url}{}", v.name)),
                    width: v.width,
                    height: v.height,
                    mime: v.mime.clone(),
                };
                if url.is_empty() {
                    media.site_card = Some(card);
                } else {
                    media.cards.insert(url, card);
                }
            }
            Err(e) => out.diags.push(
                Diagnostic::warning(
                    "site.yaml",
                    format!(
                        "the social card of {} could not be drawn: {e}",
                        if url.is_empty() { "the site" } else { &url }
                    ),
                )
                .with_hint(e.hint()),
            ),
        }
    }
}

/// The theme's colours, overridable in `extra.card` of site.yaml (`background`, `text`,
/// `accent`).
fn card_style(site: &Site) -> CardStyle {
    let mut style = CardStyle::default();
    if let Some(c) = site.config.extra.get("card") {
        let get = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
        if let Some(v) = get("background") {
            style.background = v;
        }
        if let Some(v) = get("text") {
            style.text = v;
        }
        if let Some(v) = get("accent") {
            style.accent = v;
        }
    }
    style
}

/// Where a front matter `image:` is: the one resolver of pages' and sections' pictures, whose
/// finding the templates read from [`Media::images`] and [`Media::covers`], so that a card,
/// a page and its social card never show two different files.
enum FrontImage {
    /// A picture of another site, shown as it is.
    Remote,
    /// The file, its path made plain (no `.` or `..`): a page and a section that name the same
    /// picture get the same processed files.
    File(PathBuf),
    /// No such file; where it was looked for, relative to the site's folder.
    Missing(Vec<PathBuf>),
}

impl FrontImage {
    /// `image` of the page or section in `folder` (relative to `content/`): beside it first,
    /// then under `static/`, then under `content/` from its top (where sections' pictures
    /// were looked for before). A path starting with `/` is from the site's top: not beside.
    /// A path with `..` is looked for beside only (from the top it would climb out of the
    /// site's folders), and found nowhere when it climbs out of `content/`.
    fn find(root: &Path, folder: &Path, image: &str) -> FrontImage {
        if image.contains("://") {
            return FrontImage::Remote;
        }
        let rel = Path::new(image.trim_start_matches('/'));
        let beside = (!image.starts_with('/')).then(|| folder.join(rel));
        let candidates: Vec<PathBuf> = beside
            .and_then(|b| parvis_markdown::normalize(&b))
            .map(|b| Path::new("content").join(b))
            .into_iter()
            .chain(
                parvis_markdown::normalize(rel)
                    .into_iter()
                    .flat_map(|r| [Path::new("static").join(&r), Path::new("content").join(r)]),
            )
            .collect();
        match candidates.iter().find(|c| root.join(c).is_file()) {
            Some(found) => FrontImage::File(root.join(found)),
            None => FrontImage::Missing(candidates),
        }
    }
}

/// The error of an `image:` found nowhere, at its key, naming the places looked at.
fn missing_image(site: &Site, place: &Place, image: &str, looked: &[PathBuf]) -> Diagnostic {
    let looked: Vec<String> = looked.iter().map(|p| slash_path(p)).collect();
    let message = if looked.is_empty() {
        format!("the picture `{image}` is outside the site's folders")
    } else {
        format!(
            "the picture `{image}` does not exist (looked for {})",
            looked.join(", then ")
        )
    };
    let hint =
        "put it beside the page, or under static/ and write its path from there starting with `/`";
    let d = match place {
        Place::Cover { page: Some(i), .. } => site.pages[*i].source.key_error("image", message),
        Place::Cover {
            section: Some(i), ..
        } => match &site.sections[*i].source {
            Some(s) => s.key_error("image", message),
            None => Diagnostic::error("content", message),
        },
        _ => Diagnostic::error("content", message),
    };
    d.with_hint(hint)
}

fn place_key(p: &Place) -> String {
    match p {
        Place::Body {
            page,
            section,
            offset,
        } => format!("b{page:?}{section:?}{offset}"),
        // A page's `image:` is read twice (card and cover): one message.
        Place::Front(i) | Place::Cover { page: Some(i), .. } => format!("f{i}"),
        Place::Cover { section, .. } => format!("c{section:?}"),
        Place::Member(i) => format!("m{i}"),
        Place::Logo => "l".into(),
    }
}

/// The message for a picture that could not be processed, at the place that asked for it.
fn diagnostic(site: &Site, place: &Place, source: &Path, e: &ImageError) -> Diagnostic {
    let shown = source
        .strip_prefix(&site.root)
        .unwrap_or(source)
        .display()
        .to_string();
    let message = format!("`{shown}`: {e}");
    let d = match place {
        Place::Body {
            page: Some(i),
            offset,
            ..
        } => site.pages[*i].source.body_error(*offset, message),
        Place::Body {
            section: Some(i),
            offset,
            ..
        } => match &site.sections[*i].source {
            Some(s) => s.body_error(*offset, message),
            None => Diagnostic::error(&shown, message),
        },
        Place::Body { .. } => Diagnostic::error(&shown, message),
        Place::Front(i) | Place::Cover { page: Some(i), .. } => {
            site.pages[*i].source.key_error("image", message)
        }
        Place::Cover {
            section: Some(i), ..
        } => match &site.sections[*i].source {
            Some(s) => s.key_error("image", message),
            None => Diagnostic::error(&shown, message),
        },
        Place::Cover { .. } => Diagnostic::error(&shown, message),
        // A member's photo falls back to initials: a warning at the member's file.
        Place::Member(i) => {
            let m = &site.community.members[*i];
            let msg = format!(
                "the photo of member `{}`, {message}; an initials avatar is shown instead",
                m.id
            );
            return Diagnostic::warning(format!("data/members/{}", m.id), msg).with_hint(e.hint());
        }
        Place::Logo => Diagnostic::error("site.yaml", format!("the logo {message}")),
    };
    d.with_hint(e.hint())
}

/// The root-relative URL a source file is published at (`content/a/b.png` → `/a/b.png`).
fn source_url(root_dir: &Path, url_root: &str, source: &Path) -> Option<String> {
    let rel = source.strip_prefix(root_dir).ok()?;
    let mut parts = rel.components();
    parts.next()?;
    let rest: Vec<String> = parts
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(format!("{url_root}{}", rest.join("/")))
}

fn picture(p: &Processed, media_url: &str) -> Picture {
    let largest = p.largest();
    Picture {
        width: largest.map_or(p.width, |v| v.width),
        height: largest.map_or(p.height, |v| v.height),
        src: largest
            .map(|v| format!("{media_url}{}", v.name))
            .unwrap_or_default(),
        small: p
            .fallback
            .first()
            .map(|v| format!("{media_url}{}", v.name))
            .unwrap_or_default(),
        srcset: p.srcset(&p.fallback, media_url),
        webp_srcset: p.srcset(&p.webp, media_url),
    }
}

/// Writes `<picture>` for every `<img>` whose `src` was processed; the first image of the
/// body loads eagerly (it is often above the fold), the others lazily.
fn rewrite_images(html: &str, pictures: &HashMap<String, Picture>, sizes: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    let mut first = true;
    while let Some(at) = rest.find("<img ") {
        out.push_str(&rest[..at]);
        let tag_len = rest[at..].find('>').map_or(rest.len() - at, |e| e + 1);
        let tag = &rest[at..at + tag_len];
        rest = &rest[at + tag_len..];
        let src = attr(tag, "src").map(|s| html_unescape(&s));
        let Some(p) = src
            .as_deref()
            .and_then(|s| pictures.get(&*parvis_markdown::percent_decode(s)))
        else {
            out.push_str(tag);
            continue;
        };
        let alt = attr(tag, "alt").unwrap_or_default();
        let title = attr(tag, "title")
            .map(|t| format!(" title=\"{t}\""))
            .unwrap_or_default();
        let loading = if first { "eager" } else { "lazy" };
        first = false;
        out.push_str(&format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\"><img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{alt}\"{title} loading=\"{loading}\" decoding=\"async\"></picture>",
            esc(&p.webp_srcset),
            esc(&p.src),
            esc(&p.srcset),
            p.width,
            p.height,
        ));
    }
    out.push_str(rest);
    parvis_core::text::compact(out)
}

/// The value of attribute `name` in a tag as pulldown-cmark writes it (double quotes, escaped).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}
