//! Site-wide files that are not templates: `sitemap.xml`, `robots.txt`, redirect pages for
//! aliases, and the two code-highlighting stylesheets.

use super::{path_of_url, Job, Planned};
use parvis_core::diagnostics::Diagnostic;
use parvis_core::model::{taxonomy, Site};
use parvis_core::text::escape;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// What an output is across languages, to find its translations.
#[derive(PartialEq, Eq, Hash)]
enum Alternates<'a> {
    /// By translation key.
    Page(&'a str),
    /// By folder.
    Section(&'a Path),
    Taxonomy(taxonomy::Key<'a>),
}

/// `sitemap.xml` over the planned HTML pages (first pagination pages only), in plan order,
/// each with its translations as `xhtml:link` alternates; with `lang`, only the pages in that
/// language (`sitemap-fr.xml`: one sitemap per language of a site that has several).
pub fn sitemap(site: &Site, planned: &[Planned], lang: Option<&str>) -> String {
    let default = site.config.language.as_str();
    // Translations, by page translation key, section folder and taxonomy page.
    let mut alternates: HashMap<Alternates<'_>, Vec<(&str, &str)>> = HashMap::new();
    for (_, p) in site.visible_pages() {
        alternates
            .entry(Alternates::Page(&p.translation_key))
            .or_default()
            .push((p.lang.as_str(), p.url.as_str()));
    }
    for (_, s) in site.visible_sections() {
        alternates
            .entry(Alternates::Section(&s.dir))
            .or_default()
            .push((s.lang.as_str(), s.url.as_str()));
    }
    for list in alternates.values_mut() {
        list.sort();
    }
    for (key, list) in taxonomy::translations(&site.taxonomies) {
        alternates.insert(Alternates::Taxonomy(key), list);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for p in planned {
        let (url, lastmod, item_lang, key) = match &p.job {
            Job::Page(i) => {
                let page = &site.pages[*i];
                (
                    page.url.clone(),
                    page.updated.or(page.date).map(|d| d.day().to_string()),
                    page.lang.as_str(),
                    Some(Alternates::Page(&page.translation_key)),
                )
            }
            Job::Section(i, 1) => {
                let s = &site.sections[*i];
                let newest = s
                    .pages
                    .iter()
                    .filter_map(|&p| site.pages[p].updated.or(site.pages[p].date))
                    .map(|d| d.day())
                    .max();
                (
                    s.url.clone(),
                    newest.map(|d| d.to_string()),
                    s.lang.as_str(),
                    Some(Alternates::Section(&s.dir)),
                )
            }
            Job::TaxonomyList(t) => {
                let tax = &site.taxonomies[*t];
                (
                    tax.url.clone(),
                    None,
                    tax.lang.as_str(),
                    Some(Alternates::Taxonomy(taxonomy::Key {
                        taxonomy: &tax.name,
                        term: None,
                    })),
                )
            }
            Job::TaxonomyTerm(t, k, 1) => {
                let tax = &site.taxonomies[*t];
                let term = &tax.terms[*k];
                (
                    term.url.clone(),
                    None,
                    tax.lang.as_str(),
                    Some(Alternates::Taxonomy(taxonomy::Key {
                        taxonomy: &tax.name,
                        term: Some(&term.slug),
                    })),
                )
            }
            Job::Member(i) => (site.community.members[*i].url.clone(), None, default, None),
            Job::Community(i) => (
                site.community.communities[*i].url.clone(),
                None,
                default,
                None,
            ),
            Job::FromCommunity(f) => (
                super::from_community::filter_url(site, f),
                None,
                default,
                None,
            ),
            Job::Members | Job::Communities | Job::Ambassadors(None) | Job::Leaderboard(None) => (
                format!(
                    "{}{}",
                    site.config.root,
                    p.path.trim_end_matches("index.html")
                ),
                None,
                default,
                None,
            ),
            _ => continue,
        };
        if lang.is_some_and(|l| l != item_lang) {
            continue;
        }
        out.push_str("  <url><loc>");
        out.push_str(&escape(&site.config.permalink(&url)));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        let others = key.and_then(|k| alternates.get(&k)).filter(|l| l.len() > 1);
        for (l, u) in others.into_iter().flatten() {
            let _ = write!(
                out,
                "<xhtml:link rel=\"alternate\" hreflang=\"{l}\" href=\"{}\"/>",
                escape(&site.config.permalink(u))
            );
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The per-language sitemaps of a site in several languages, as (file name, XML).
pub fn language_sitemaps(site: &Site, planned: &[Planned]) -> Vec<(String, String)> {
    if site.config.languages.len() < 2 {
        return Vec::new();
    }
    site.config
        .languages
        .iter()
        .map(|l| (format!("sitemap-{l}.xml"), sitemap(site, planned, Some(l))))
        .collect()
}

/// `robots.txt`: open for the public audience, closed for every inner circle.
pub fn robots(site: &Site) -> String {
    if site.audience == site.config.public_audience() {
        let mut out = format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
            site.config.base_url
        );
        if site.config.languages.len() > 1 {
            for l in &site.config.languages {
                let _ = writeln!(out, "Sitemap: {}sitemap-{l}.xml", site.config.base_url);
            }
        }
        out
    } else {
        "User-agent: *\nDisallow: /\n".to_string()
    }
}

/// Redirect pages for every visible page's `aliases`, as (output path, HTML, where the alias
/// is written: the page's `aliases` key, for errors).
pub fn aliases(site: &Site) -> (Vec<(String, String, Diagnostic)>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let root = &site.config.root;
    for (_, p) in site.visible_pages() {
        for alias in &p.front.aliases {
            let clean = alias.trim();
            if clean.is_empty() || clean.contains("..") || clean.contains("://") {
                diags.push(
                    p.source
                        .key_error("aliases", format!("`{alias}` is not a path on this site"))
                        .with_hint("write old URLs as paths, like `/old/path/`"),
                );
                continue;
            }
            let url = format!("{root}{}", clean.trim_start_matches('/'));
            let target = site.config.permalink(&p.url);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p><a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n",
                lang = escape(&p.lang),
                title = escape(&p.title),
                target = escape(&target),
            );
            out.push((
                path_of_url(root, &url),
                html,
                p.source
                    .key_error("aliases", format!("the alias `{alias}`")),
            ));
        }
    }
    (out, diags)
}

/// The light and dark stylesheets for highlighted code.
pub fn syntax_css(site: &Site) -> Result<[(String, String); 3], Diagnostic> {
    let h = &site.config.highlighting;
    let mut files = Vec::new();
    for (name, file) in [(&h.light, "syntax-light.css"), (&h.dark, "syntax-dark.css")] {
        match parvis_markdown::highlight::stylesheet(name) {
            Some(css) => files.push((format!("assets/{file}"), css)),
            None => {
                let names = parvis_markdown::highlight::theme_names();
                return Err(Diagnostic::error(
                    "site.yaml",
                    format!("unknown highlighting theme `{name}`"),
                )
                .with_hint(format!("one of: {}", names.join(", "))));
            }
        }
    }
    let dark = files.pop().expect("two files");
    let light = files.pop().expect("two files");
    // The accent colours, from the brand colour: beside the highlighting, as generated CSS.
    let palette = ("assets/palette.css".to_string(), super::palette::css(site));
    Ok([light, dark, palette])
}
