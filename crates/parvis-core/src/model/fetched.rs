//! What the model keeps of the feeds members and communities list (`feeds:` in their YAML):
//! where each feed is written, and the entries fetched from it.
//!
//! Fetching is an outside source and happens outside the model (the `parvis-feeds` crate,
//! called by the site build); the model only holds its result, already sanitised, and
//! attaches it to the members and communities that list each feed
//! ([`super::community::CommunityData::attach_feeds`]).

use crate::diagnostics::Diagnostic;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// A feed listed under `feeds:` in a member's or community's file.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSource {
    /// An `http` or `https` address.
    pub url: String,
    /// Where it is written (file, line, column), for the warning when it fails.
    pub place: Diagnostic,
}

/// One entry of a fetched feed: a link to the original and its summary, nothing more.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// Plain text (tags removed, entities decoded): templates escape it.
    pub title: String,
    /// The original, an `http` or `https` address.
    pub url: String,
    pub date: Timestamp,
    /// Sanitised HTML: no script, no event handler, no `javascript:` link, no tracking pixel,
    /// no image from a host `community.feeds.image_hosts` does not allow.
    pub summary_html: Option<String>,
    /// The author the feed names, if any (plain text).
    pub author: Option<String>,
}

/// Entries by feed URL, newest first.
pub type FetchedFeeds = BTreeMap<String, Vec<FeedEntry>>;

/// The entries of `feeds`, newest first, each original once (two feeds of one member may
/// carry the same post).
pub fn entries_of(feeds: &[FeedSource], fetched: &FetchedFeeds) -> Vec<FeedEntry> {
    let mut out: Vec<FeedEntry> = feeds
        .iter()
        .filter_map(|f| fetched.get(&f.url))
        .flatten()
        .cloned()
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|e| seen.insert(e.url.clone()));
    out
}
