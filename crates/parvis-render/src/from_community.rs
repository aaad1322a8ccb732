//! "From the community": what templates and feeds show of the entries fetched from the feeds
//! members and communities list. The entries were sanitised when fetched; here they are only
//! chosen for the build's audience (an entry of a member or community this build does not
//! show is left out, everywhere) and placed: the member's and community's pages, the home
//! block (`community.feed_entries`), the "From the community" page with one page per community
//! and per theme as filters, and its own RSS and Atom feeds so the brand relays its community.

use crate::feed_xml::{self, Envelope};
use crate::refs::Ref;
use atom_syndication as atom;
use parvis_core::model::Site;
use parvis_core::text::slugify;
use serde::Serialize;

/// The folder of the "From the community" pages and feeds, under the site's root.
pub const DIR: &str = "from-the-community/";

/// An entry as templates see it.
#[derive(Serialize, Clone)]
pub struct FeedEntryCtx {
    /// Plain text.
    pub title: String,
    /// The original.
    pub url: String,
    pub date: String,
    pub date_display: String,
    /// Sanitised HTML.
    pub summary: Option<String>,
    /// The author's name: the member, or the name the community's feed gives.
    pub author: String,
    /// The member or community whose feed it comes from.
    pub source: Ref,
    /// `member` or `community`.
    pub source_kind: &'static str,
    /// The visible communities it belongs to: the member's, or the community itself.
    pub communities: Vec<Ref>,
    /// The themes of those communities.
    pub themes: Vec<String>,
}

/// What a "From the community" page shows: everything, one community, or one theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    All,
    /// By index in the community model.
    Community(usize),
    /// By name, as the communities write it.
    Theme(String),
}

/// Every entry the build shows, newest first, each original once.
pub fn entries(site: &Site) -> Vec<FeedEntryCtx> {
    let lang = &site.config.language;
    let c = &site.community;
    let visible_community = |id: &str| {
        c.communities
            .iter()
            .position(|x| x.id == id)
            .filter(|&i| site.community_visible[i])
            .map(|i| &c.communities[i])
    };
    let reference = |id: &str, name: &str, url: &str| Ref {
        id: id.to_string(),
        name: name.to_string(),
        url: url.to_string(),
    };
    let mut out: Vec<FeedEntryCtx> = Vec::new();
    let mut push =
        |e: &parvis_core::model::fetched::FeedEntry,
         author: String,
         source: Ref,
         source_kind: &'static str,
         communities: Vec<&parvis_core::model::community::Community>| {
            let mut themes: Vec<String> = communities
                .iter()
                .flat_map(|c| c.themes.iter().cloned())
                .collect();
            themes.sort();
            themes.dedup();
            let day = parvis_core::date::DateValue::Instant(e.date);
            out.push(FeedEntryCtx {
                title: e.title.clone(),
                url: e.url.clone(),
                date: day.iso(),
                date_display: parvis_core::date::DateValue::Day(day.day()).display(lang),
                summary: e.summary_html.clone(),
                author,
                source,
                source_kind,
                communities: communities
                    .iter()
                    .map(|c| reference(&c.id, &c.name, &c.url))
                    .collect(),
                themes,
            });
        };
    for (i, m) in c.members.iter().enumerate() {
        if !site.member_visible[i] {
            continue;
        }
        let communities: Vec<_> = m
            .communities
            .iter()
            .filter_map(|id| visible_community(id))
            .collect();
        for e in &m.feed_entries {
            let source = reference(&m.id, &m.name, &m.url);
            push(e, m.name.clone(), source, "member", communities.clone());
        }
    }
    for (i, co) in c.communities.iter().enumerate() {
        if !site.community_visible[i] {
            continue;
        }
        for e in &co.feed_entries {
            let author = e.author.clone().unwrap_or_else(|| co.name.clone());
            let source = reference(&co.id, &co.name, &co.url);
            push(e, author, source, "community", vec![co]);
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|e| seen.insert(e.url.clone()));
    out
}

/// The URL of the "From the community" page, when the build shows any entry.
pub fn url(site: &Site, entries: &[FeedEntryCtx]) -> Option<String> {
    (!entries.is_empty()).then(|| format!("{}{DIR}", site.config.root))
}

/// The URL of a filter's page.
pub fn filter_url(site: &Site, filter: &Filter) -> String {
    let base = format!("{}{DIR}", site.config.root);
    match filter {
        Filter::All => base,
        Filter::Community(i) => format!("{base}{}/", site.community.communities[*i].id),
        Filter::Theme(t) => format!("{base}themes/{}/", slugify(t)),
    }
}

/// The filters with entries: each visible community, then each theme, by name.
pub fn filters(site: &Site, entries: &[FeedEntryCtx]) -> Vec<Filter> {
    let mut out = Vec::new();
    for (i, c) in site.community.communities.iter().enumerate() {
        if site.community_visible[i]
            && entries
                .iter()
                .any(|e| e.communities.iter().any(|r| r.id == c.id))
        {
            out.push(Filter::Community(i));
        }
    }
    let mut themes: Vec<&String> = entries.iter().flat_map(|e| &e.themes).collect();
    themes.sort_by_key(|t| slugify(t));
    themes.dedup_by_key(|t| slugify(t));
    out.extend(themes.into_iter().map(|t| Filter::Theme(t.clone())));
    out
}

/// Whether `e` shows under `filter`.
pub fn matches(site: &Site, e: &FeedEntryCtx, filter: &Filter) -> bool {
    match filter {
        Filter::All => true,
        Filter::Community(i) => {
            let id = &site.community.communities[*i].id;
            e.communities.iter().any(|r| &r.id == id)
        }
        Filter::Theme(t) => e.themes.iter().any(|x| slugify(x) == slugify(t)),
    }
}

/// A filter as the page's filter list shows it.
#[derive(Serialize)]
pub struct FilterCtx {
    pub name: String,
    pub url: String,
    /// `all`, `community` or `theme`.
    pub kind: &'static str,
    pub current: bool,
}

/// The filter list of a page showing `current`.
pub fn filter_list(site: &Site, entries: &[FeedEntryCtx], current: &Filter) -> Vec<FilterCtx> {
    filters(site, entries)
        .into_iter()
        .map(|f| FilterCtx {
            name: match &f {
                Filter::All => String::new(),
                Filter::Community(i) => site.community.communities[*i].name.clone(),
                Filter::Theme(t) => t.clone(),
            },
            url: filter_url(site, &f),
            kind: match f {
                Filter::All => "all",
                Filter::Community(_) => "community",
                Filter::Theme(_) => "theme",
            },
            current: &f == current,
        })
        .collect()
}

/// The feeds' title.
fn title(site: &Site, heading: &str) -> String {
    format!("{heading} · {}", site.config.title)
}

fn rfc2822(date: &str) -> String {
    date.parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

/// `rss.xml` of the "From the community" page: each entry links to the original, under its
/// author's name, with its summary and nothing more. `heading` is the page's translated title.
pub fn rss(site: &Site, entries: &[FeedEntryCtx], heading: &str) -> String {
    let c = &site.config;
    let items: Vec<rss::Item> = entries
        .iter()
        .take(c.feeds.limit)
        .map(|e| {
            let mut item = rss::Item::default();
            item.set_title(e.title.clone());
            item.set_link(e.url.clone());
            item.set_guid(rss::Guid {
                value: e.url.clone(),
                permalink: true,
            });
            item.set_pub_date(Some(rfc2822(&e.date)));
            item.set_description(e.summary.clone());
            let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
            dc.set_creators(vec![e.author.clone()]);
            item.set_dublin_core_ext(dc);
            item
        })
        .collect();
    let last_build = entries.first().map(|newest| rfc2822(&newest.date));
    feed_xml::rss(envelope(site, heading), last_build, items)
}

/// What the feeds of the page say about themselves.
fn envelope(site: &Site, heading: &str) -> Envelope {
    let c = &site.config;
    Envelope {
        title: title(site, heading),
        description: title(site, heading),
        page: c.permalink(&format!("{}{DIR}", c.root)),
        atom_self: c.permalink(&format!("{}{DIR}atom.xml", c.root)),
        lang: c.language.clone(),
    }
}

/// `atom.xml` of the "From the community" page.
pub fn atom(site: &Site, entries: &[FeedEntryCtx], heading: &str) -> String {
    let c = &site.config;
    let date = |d: &str| atom::FixedDateTime::parse_from_rfc3339(d).unwrap_or_default();
    let items: Vec<atom::Entry> = entries
        .iter()
        .take(c.feeds.limit)
        .map(|e| {
            let mut entry = atom::Entry::default();
            entry.set_id(e.url.clone());
            entry.set_title(e.title.clone());
            entry.set_updated(date(&e.date));
            entry.set_published(Some(date(&e.date)));
            entry.set_links(vec![atom::Link {
                href: e.url.clone(),
                rel: "alternate".into(),
                ..Default::default()
            }]);
            entry.set_authors(vec![atom::Person {
                name: e.author.clone(),
                ..Default::default()
            }]);
            if let Some(s) = &e.summary {
                entry.set_summary(Some(atom::Text::html(s.clone())));
            }
            entry
        })
        .collect();
    let updated = entries.first().map(|newest| date(&newest.date));
    feed_xml::atom(envelope(site, heading), updated, items)
}
