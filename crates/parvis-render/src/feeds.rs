//! RSS 2.0 and Atom feeds: per blog section, per tag and theme, and for the whole site.
//!
//! Relaying news by feed is how a community hears about it, so every feed is complete and valid:
//! absolute URLs, stable ids, dates from the pages (never the build time, so two builds give the
//! same bytes), summaries or full content as `feeds.content` in site.yaml says.

use crate::feed_xml::{self, Envelope};
use atom_syndication as atom;
use parvis_core::config::FeedContent;
use parvis_core::model::{Page, SectionKind, Site};

/// A feed to write: where, its title, and its pages newest first.
pub struct FeedSpec {
    /// Root-relative URL of the page the feed follows (`/blog/`).
    pub url: String,
    pub title: String,
    /// The language of its pages.
    pub lang: String,
    pub pages: Vec<usize>,
}

/// A feed a page links to in its `<head>`.
#[derive(serde::Serialize, Clone, PartialEq)]
pub struct FeedLink {
    pub title: String,
    pub rss: String,
    pub atom: String,
}

/// Every feed of the build: the whole site's blog posts, each blog section, each taxonomy term.
pub fn specs(site: &Site) -> Vec<FeedSpec> {
    let dated = |pages: &mut Vec<usize>| {
        pages.retain(|&i| site.pages[i].date.is_some());
        site.newest_first(pages);
    };
    let mut out = Vec::new();
    // The whole site's posts, one feed per language, at that language's home page.
    let mut by_lang: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, p) in site
        .visible_pages()
        .filter(|(_, p)| p.kind == SectionKind::Blog)
    {
        by_lang.entry(p.lang.as_str()).or_default().push(i);
    }
    for (lang, mut all) in by_lang {
        dated(&mut all);
        let url = match site.homes.get(lang) {
            Some(&h) if lang != site.config.language => site.sections[h].url.clone(),
            _ => site.config.root.clone(),
        };
        if all.is_empty() || (url == site.config.root && lang != site.config.language) {
            continue;
        }
        out.push(FeedSpec {
            url,
            title: site.config.title_in(lang).to_string(),
            lang: lang.to_string(),
            pages: all,
        });
    }
    for (_, s) in site
        .visible_sections()
        .filter(|(_, s)| s.kind == SectionKind::Blog && s.parent.is_some())
    {
        let mut pages = s.pages.clone();
        dated(&mut pages);
        if pages.is_empty() {
            continue;
        }
        out.push(FeedSpec {
            url: s.url.clone(),
            title: format!("{} · {}", s.title, site.config.title_in(&s.lang)),
            lang: s.lang.clone(),
            pages,
        });
    }
    for tax in &site.taxonomies {
        for term in &tax.terms {
            let mut pages = term.pages.clone();
            dated(&mut pages);
            if !pages.is_empty() {
                out.push(FeedSpec {
                    url: term.url.clone(),
                    title: format!("{} · {}", term.name, site.config.title_in(&tax.lang)),
                    lang: tax.lang.clone(),
                    pages,
                });
            }
        }
    }
    out
}

impl FeedSpec {
    pub fn link(&self) -> FeedLink {
        FeedLink {
            title: self.title.clone(),
            rss: format!("{}rss.xml", self.url),
            atom: format!("{}atom.xml", self.url),
        }
    }
}

/// The HTML a feed carries for a page, with every site link made absolute: feed readers
/// have no page to resolve `/blog/…` against.
fn content(site: &Site, p: &Page) -> String {
    let r = p.rendered.as_ref();
    let full = || r.map(|r| r.html.text().into_owned()).unwrap_or_default();
    let html = if site.config.feeds.content == FeedContent::Full {
        full()
    } else {
        r.and_then(|r| r.summary.clone())
            .or_else(|| {
                p.front
                    .description
                    .as_ref()
                    .map(|d| format!("<p>{}</p>", parvis_core::text::escape(d)))
            })
            .unwrap_or_else(full)
    };
    let origin = site.config.permalink("");
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(i) = rest.find("=\"/") {
        let (before, after) = rest.split_at(i + 2);
        out.push_str(before);
        let attr = before.rsplit(' ').next().unwrap_or("");
        if (attr.starts_with("href=") || attr.starts_with("src=")) && !after.starts_with("//") {
            out.push_str(&origin);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn author_names(site: &Site, p: &Page) -> Vec<String> {
    p.front
        .authors
        .iter()
        .filter_map(|id| {
            let i = site.community.members.iter().position(|m| &m.id == id)?;
            site.member_visible[i].then(|| site.community.members[i].name.clone())
        })
        .collect()
}

/// `rss.xml` of a feed.
pub fn rss(site: &Site, spec: &FeedSpec) -> String {
    let c = &site.config;
    let items: Vec<rss::Item> = spec
        .pages
        .iter()
        .take(c.feeds.limit)
        .map(|&i| {
            let p = &site.pages[i];
            let link = c.permalink(&p.url);
            let date = p.date.map(|d| {
                d.timestamp()
                    .strftime("%a, %d %b %Y %H:%M:%S +0000")
                    .to_string()
            });
            let mut item = rss::Item::default();
            item.set_title(p.title.clone());
            item.set_link(link.clone());
            item.set_guid(rss::Guid {
                value: link,
                permalink: true,
            });
            item.set_pub_date(date);
            item.set_description(content(site, p));
            let authors = author_names(site, p);
            if !authors.is_empty() {
                // RSS wants an email in <author>; Dublin Core's creator takes a name.
                let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
                dc.set_creators(authors);
                item.set_dublin_core_ext(dc);
            }
            item.set_categories(
                p.front
                    .tags
                    .iter()
                    .chain(&p.front.themes)
                    .map(|t| rss::Category {
                        name: t.clone(),
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            item
        })
        .collect();
    let last_build = spec
        .pages
        .first()
        .and_then(|&i| site.pages[i].date)
        .map(|newest| {
            newest
                .timestamp()
                .strftime("%a, %d %b %Y %H:%M:%S +0000")
                .to_string()
        });
    feed_xml::rss(envelope(site, spec), last_build, items)
}

/// What the feed of `spec` says about itself.
fn envelope(site: &Site, spec: &FeedSpec) -> Envelope {
    let c = &site.config;
    Envelope {
        title: spec.title.clone(),
        description: c
            .description_in(&spec.lang)
            .unwrap_or_else(|| c.title_in(&spec.lang))
            .to_string(),
        page: c.permalink(&spec.url),
        atom_self: c.permalink(&format!("{}atom.xml", spec.url)),
        lang: spec.lang.clone(),
    }
}

fn atom_date(d: parvis_core::date::DateValue) -> atom::FixedDateTime {
    let s = d.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    atom::FixedDateTime::parse_from_rfc3339(&s).expect("an RFC 3339 date we wrote")
}

/// `atom.xml` of a feed.
pub fn atom(site: &Site, spec: &FeedSpec) -> String {
    let c = &site.config;
    let entries: Vec<atom::Entry> = spec
        .pages
        .iter()
        .take(c.feeds.limit)
        .filter_map(|&i| {
            let p = &site.pages[i];
            let date = p.date?;
            let link = c.permalink(&p.url);
            let mut e = atom::Entry::default();
            e.set_id(link.clone());
            e.set_title(p.title.clone());
            e.set_updated(atom_date(p.updated.unwrap_or(date)));
            e.set_published(Some(atom_date(date)));
            e.set_links(vec![atom::Link {
                href: link,
                rel: "alternate".into(),
                ..Default::default()
            }]);
            e.set_authors(
                author_names(site, p)
                    .into_iter()
                    .map(|name| atom::Person {
                        name,
                        ..Default::default()
                    })
                    .collect::<Vec<_>>(),
            );
            e.set_categories(
                p.front
                    .tags
                    .iter()
                    .chain(&p.front.themes)
                    .map(|t| atom::Category {
                        term: t.clone(),
                        ..Default::default()
                    })
                    .collect::<Vec<_>>(),
            );
            if let Some(d) = &p.front.description {
                e.set_summary(Some(atom::Text::plain(d.clone())));
            }
            e.set_content(Some(atom::Content {
                value: Some(content(site, p)),
                content_type: Some("html".into()),
                ..Default::default()
            }));
            Some(e)
        })
        .collect();
    let newest = spec
        .pages
        .iter()
        .filter_map(|&i| site.pages[i].updated.or(site.pages[i].date))
        .max_by_key(|d| d.timestamp());
    feed_xml::atom(envelope(site, spec), newest.map(atom_date), entries)
}
