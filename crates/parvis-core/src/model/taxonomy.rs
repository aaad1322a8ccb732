//! Taxonomies: `tags` and `themes` (the community's "thématiques") and the pages under each term.
//!
//! A taxonomy is listed once per language, with the pages of that language only: English
//! terms at `/tags/x/`, French ones at `/fr/tags/x/`. A language has a term page only where
//! it has pages with the term, so no list is empty and no reader lands on a page in the
//! wrong language. The site's language always has its lists of terms.

use super::Site;
use crate::config::Config;
use crate::text::slugify;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct Term {
    /// As first written (by file order) in the taxonomy's language, e.g. "Énergie".
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Visible pages, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    /// The language of its pages, and of its interface.
    pub lang: String,
    pub url: String,
    /// By slug.
    pub terms: Vec<Term>,
}

/// The values a page gives for taxonomy `name`.
pub fn values<'a>(page: &'a super::Page, name: &str) -> &'a [String] {
    match name {
        "tags" => &page.front.tags,
        "themes" => &page.front.themes,
        _ => &[],
    }
}

/// The URL of the list of terms of taxonomy `name` in `lang`: `/tags/`, `/fr/tags/`.
pub fn url(config: &Config, name: &str, lang: &str) -> String {
    if lang == config.language {
        format!("{}{name}/", config.root)
    } else {
        format!("{}{lang}/{name}/", config.root)
    }
}

/// Collects the terms of every configured taxonomy over the visible pages, one taxonomy per
/// language that has terms (and always one in the site's language), in the order of
/// `taxonomies` then of `languages`.
pub fn collect(site: &Site) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    // Pages share a few terms: slugify each once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    for name in &site.config.taxonomies {
        let mut by_lang: HashMap<&str, BTreeMap<String, Term>> = HashMap::new();
        for (i, page) in site.visible_pages() {
            for v in values(page, name) {
                let slug = slugs
                    .entry(v.as_str())
                    .or_insert_with(|| slugify(v))
                    .clone();
                if slug.is_empty() {
                    continue;
                }
                let terms = by_lang.entry(page.lang.as_str()).or_default();
                let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: v.clone(),
                    url: format!("{}{slug}/", url(&site.config, name, &page.lang)),
                    slug,
                    pages: Vec::new(),
                });
                if term.pages.last() != Some(&i) {
                    term.pages.push(i);
                }
            }
        }
        for lang in &site.config.languages {
            let terms = by_lang.remove(lang.as_str());
            if terms.is_none() && lang != &site.config.language {
                continue;
            }
            let mut terms: Vec<Term> = terms.unwrap_or_default().into_values().collect();
            for t in &mut terms {
                site.newest_first(&mut t.pages);
            }
            out.push(Taxonomy {
                name: name.clone(),
                lang: lang.clone(),
                url: url(&site.config, name, lang),
                terms,
            });
        }
    }
    out
}

/// What a taxonomy page is across languages: the list of terms of a taxonomy, or one term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key<'a> {
    pub taxonomy: &'a str,
    /// `None` for the list of terms.
    pub term: Option<&'a str>,
}

/// Each taxonomy page in every language it has, as (language, URL) sorted by language: the
/// language switcher, `hreflang` and the sitemaps' alternates.
pub fn translations(taxonomies: &[Taxonomy]) -> HashMap<Key<'_>, Vec<(&str, &str)>> {
    let mut out: HashMap<Key<'_>, Vec<(&str, &str)>> = HashMap::new();
    for t in taxonomies {
        let key = Key {
            taxonomy: &t.name,
            term: None,
        };
        out.entry(key)
            .or_default()
            .push((t.lang.as_str(), t.url.as_str()));
        for term in &t.terms {
            let key = Key {
                taxonomy: &t.name,
                term: Some(&term.slug),
            };
            out.entry(key)
                .or_default()
                .push((t.lang.as_str(), term.url.as_str()));
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}
