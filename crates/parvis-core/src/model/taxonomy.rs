//! Taxonomies: `tags` and `themes` (the community's "thématiques") and the pages under each term.

use super::Site;
use crate::text::slugify;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct Term {
    /// As first written (by file order), e.g. "Énergie".
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Visible pages, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
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

/// Collects the terms of every configured taxonomy over the visible pages.
pub fn collect(site: &Site) -> Vec<Taxonomy> {
    site.config
        .taxonomies
        .iter()
        .map(|name| {
            let url = format!("{}{}/", site.config.root, name);
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            // Pages share a few terms: slugify each once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            for (i, page) in site.visible_pages() {
                for v in values(page, name) {
                    let slug = slugs
                        .entry(v.as_str())
                        .or_insert_with(|| slugify(v))
                        .clone();
                    if slug.is_empty() {
                        continue;
                    }
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: v.clone(),
                        url: format!("{url}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                site.newest_first(&mut t.pages);
            }
            Taxonomy {
                name: name.clone(),
                url,
                terms,
            }
        })
        .collect()
}
