//! The feeds members and communities list under `feeds:` (RSS, Atom, JSON Feed), brought in at
//! build time: [`fetch`] (HTTP, conditional and bounded), [`cache`] (the last good copy on
//! disk), [`parse`] (`feed-rs`) and [`sanitize`] (ammonia), one module each.
//!
//! Fetching is an outside source, so it stays out of the pure stages: the site build calls
//! [`gather`] once the model is built and before the filter, and attaches what it returns to
//! the model. A feed that fails is a warning at the `feeds:` entry that lists it and its last
//! good copy is used; `offline` reads only the cache. Given the same cache and the same "now",
//! the entries are the same, in the same order.

pub mod cache;
pub mod fetch;
pub mod parse;
pub mod sanitize;

use cache::{Cache, Cached};
use fetch::{FetchError, Fetched};
use parvis_core::config::MemberFeeds;
use parvis_core::diagnostics::{Diagnostic, Severity};
use parvis_core::model::fetched::{FeedEntry, FeedSource, FetchedFeeds};
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Feeds fetched at once.
const WORKERS: usize = 8;

/// How to gather the feeds of one build.
pub struct Options<'a> {
    /// The site folder, which holds the cache.
    pub root: &'a Path,
    /// Read only the cache (`--offline`).
    pub offline: bool,
    pub settings: &'a MemberFeeds,
    /// The moment of the build: entries older than `settings.days` before it, or after it,
    /// are left out.
    pub now: jiff::Timestamp,
    /// Fetch every feed from this mirror instead (`PARVIS_FEEDS_BASE`): `https://host/path`
    /// is asked as `MIRROR/host/path`. The cache, the links and the warnings keep the
    /// address as written. For tests and staging, where the real hosts are out of reach.
    pub mirror: Option<String>,
}

/// The address `url` is fetched from: itself, or its place on the mirror.
fn address(url: &str, mirror: Option<&str>) -> String {
    match mirror {
        Some(base) => {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            format!("{}/{rest}", base.trim_end_matches('/'))
        }
        None => url.to_string(),
    }
}

/// What became of one feed.
enum Outcome {
    Entries(Vec<FeedEntry>),
    /// Nothing usable now; the warning's message and hint.
    Failed {
        why: String,
        cached: Option<Vec<FeedEntry>>,
    },
}

/// Fetches (or, offline, reads from the cache) every feed of `sources`, each address once,
/// `WORKERS` at a time. Returns the entries by feed address and one warning per place of a
/// feed that failed.
pub fn gather(sources: &[&FeedSource], opts: &Options<'_>) -> (FetchedFeeds, Vec<Diagnostic>) {
    let mut places: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for s in sources {
        places.entry(s.url.as_str()).or_default().push(&s.place);
    }
    if places.is_empty() {
        return (FetchedFeeds::new(), Vec::new());
    }
    let cache = Cache::of_site(opts.root);
    let agent = fetch::agent(Duration::from_secs(opts.settings.timeout.max(1)));
    let queue: Mutex<VecDeque<&str>> = Mutex::new(places.keys().copied().collect());
    let outcomes: Mutex<BTreeMap<String, Outcome>> = Mutex::default();
    std::thread::scope(|s| {
        for _ in 0..WORKERS.min(places.len()) {
            s.spawn(|| loop {
                let Some(url) = queue.lock().expect("no panic while holding").pop_front() else {
                    break;
                };
                let outcome = one(&agent, &cache, url, opts);
                outcomes
                    .lock()
                    .expect("no panic while holding")
                    .insert(url.to_string(), outcome);
            });
        }
    });
    let mut fetched = FetchedFeeds::new();
    let mut diags = Vec::new();
    for (url, outcome) in outcomes.into_inner().expect("not poisoned") {
        let entries = match outcome {
            Outcome::Entries(e) => e,
            Outcome::Failed { why, cached } => {
                let hint = match &cached {
                    Some(_) => "the entries of its last good copy (in .parvis-cache/feeds/) are shown until it works again",
                    None => "it shows no entries until it works: check the address, or remove it from `feeds:`",
                };
                for place in &places[url.as_str()] {
                    diags.push(
                        Diagnostic {
                            severity: Severity::Warning,
                            message: format!("feed `{url}` failed: {why}"),
                            ..(*place).clone()
                        }
                        .with_hint(hint),
                    );
                }
                cached.unwrap_or_default()
            }
        };
        fetched.insert(url, entries);
    }
    (fetched, diags)
}

/// One feed: asked again conditionally when cached, parsed, kept when it parses.
fn one(agent: &ureq::Agent, cache: &Cache, url: &str, opts: &Options<'_>) -> Outcome {
    let cached = cache.get(url);
    let from_cache = |c: &Option<Cached>| {
        c.as_ref()
            .and_then(|c| parse::parse(&c.body, url).ok())
            .map(|raw| entries(raw, opts))
    };
    if opts.offline {
        return match from_cache(&cached) {
            Some(e) => Outcome::Entries(e),
            None => Outcome::Failed {
                why: "offline, and nothing of it is cached yet".into(),
                cached: None,
            },
        };
    }
    let validators = cached.as_ref().map(|c| &c.validators);
    let from = address(url, opts.mirror.as_deref());
    match fetch::fetch(agent, &from, validators, opts.settings.max_bytes) {
        Ok(Fetched::NotModified) => match from_cache(&cached) {
            Some(e) => Outcome::Entries(e),
            None => Outcome::Failed {
                why: "the server answered 304 Not Modified, but the cached copy is unreadable"
                    .into(),
                cached: None,
            },
        },
        Ok(Fetched::Fresh { body, validators }) => match parse::parse(&body, url) {
            Ok(raw) => {
                // A cache that cannot be written costs a refetch next time, nothing more.
                let _ = cache.put(url, &Cached { body, validators });
                Outcome::Entries(entries(raw, opts))
            }
            Err(invalid) => Outcome::Failed {
                why: invalid.to_string(),
                cached: from_cache(&cached),
            },
        },
        Err(e) => Outcome::Failed {
            why: match e {
                FetchError::Status(_) | FetchError::Timeout | FetchError::TooLarge(_) => {
                    e.to_string()
                }
                FetchError::Other(why) => why,
            },
            cached: from_cache(&cached),
        },
    }
}

/// The entries worth showing, sanitised: with a web link and a date within the last
/// `settings.days` (and not after "now"), newest first, at most `settings.entries`.
fn entries(raw: Vec<parse::RawEntry>, opts: &Options<'_>) -> Vec<FeedEntry> {
    let settings = opts.settings;
    let oldest = opts
        .now
        .checked_sub(jiff::SignedDuration::from_hours(
            24 * i64::from(settings.days),
        ))
        .unwrap_or(jiff::Timestamp::MIN);
    let mut out: Vec<FeedEntry> = raw
        .into_iter()
        .filter_map(|r| {
            let url = sanitize::link(r.link.as_deref()?)?;
            let date = r.date.filter(|d| *d >= oldest && *d <= opts.now)?;
            // Titles are read as HTML whatever the feed says: RSS titles often carry
            // escaped markup, and a tag left as text would be shown as code.
            let title = r
                .title
                .map(|t| {
                    sanitize::plain(&parse::Markup {
                        text: t.text,
                        html: true,
                    })
                })
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| url.clone());
            let summary_html = r.summary.as_ref().and_then(|s| {
                sanitize::summary(s, r.summary_is_content, &url, &settings.image_hosts)
            });
            let author = r
                .author
                .map(|a| {
                    sanitize::plain(&parse::Markup {
                        text: a,
                        html: true,
                    })
                })
                .filter(|a| !a.is_empty());
            Some(FeedEntry {
                title,
                url,
                date,
                summary_html,
                author,
            })
        })
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    out.truncate(settings.entries);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mirror_keeps_host_and_path() {
        assert_eq!(
            super::address(
                "https://ana.example/blog/feed.xml",
                Some("http://127.0.0.1:9/")
            ),
            "http://127.0.0.1:9/ana.example/blog/feed.xml"
        );
        assert_eq!(
            super::address("https://a.example/f", None),
            "https://a.example/f"
        );
    }
}
