//! Site-wide files that are not templates: `sitemap.xml`, `robots.txt`, redirect pages for
//! aliases, and the two code-highlighting stylesheets.

use super::{path_of_url, Job, Planned};
use parvis_core::diagnostics::Diagnostic;
use parvis_core::model::Site;
use parvis_core::text::escape;
use std::fmt::Write as _;

/// `sitemap.xml` over the planned HTML pages (first pagination pages only), in plan order.
pub fn sitemap(site: &Site, planned: &[Planned]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in planned {
        let (url, lastmod) = match &p.job {
            Job::Page(i) => {
                let page = &site.pages[*i];
                (
                    page.url.clone(),
                    page.updated.or(page.date).map(|d| d.day().to_string()),
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
                (s.url.clone(), newest.map(|d| d.to_string()))
            }
            Job::TaxonomyList(t) => (site.taxonomies[*t].url.clone(), None),
            Job::TaxonomyTerm(t, k, 1) => (site.taxonomies[*t].terms[*k].url.clone(), None),
            Job::Member(i) => (site.community.members[*i].url.clone(), None),
            Job::Community(i) => (site.community.communities[*i].url.clone(), None),
            Job::FromCommunity(f) => (super::from_community::filter_url(site, f), None),
            Job::Members | Job::Communities | Job::Ambassadors(None) | Job::Leaderboard(None) => (
                format!(
                    "{}{}",
                    site.config.root,
                    p.path.trim_end_matches("index.html")
                ),
                None,
            ),
            _ => continue,
        };
        out.push_str("  <url><loc>");
        out.push_str(&escape(&site.config.permalink(&url)));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: open for the public audience, closed for every inner circle.
pub fn robots(site: &Site) -> String {
    if site.audience == site.config.public_audience() {
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
            site.config.base_url
        )
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
pub fn syntax_css(site: &Site) -> Result<[(String, String); 2], Diagnostic> {
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
    Ok([light, dark])
}
