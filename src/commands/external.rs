//! `check --external`: asks every web address the site links to whether it still answers.
//!
//! Politely, since CI runs it on every pull request: a few requests at a time in all and at
//! most [`PER_HOST`] to one host, `HEAD` first (a `GET` only when a server refuses `HEAD`),
//! redirects followed by hand so that a loop is named, 429 and 5xx answers retried after
//! `Retry-After` (capped) or a growing pause, and every answer that worked kept in a cache file,
//! `SITE/.parvis-cache/links.json`, for [`MAX_AGE`]: a second run within it asks nothing. The
//! cache is safe to delete; broken answers are never cached, so a fixed link is seen at once.
//!
//! A link that answers 4xx, or loops, is an error: the page is gone or moved away. One that
//! cannot be reached (timeout, connection refused, 5xx after the retries) is a warning: that is
//! someone else's outage, not the pull request's mistake; `--deny warnings` fails on it too.

use parvis_core::diagnostics::Diagnostic;
use parvis_markdown::urls::ExternalLink;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Requests in flight at once, in all.
const WORKERS: usize = 8;
/// Requests in flight at once to one host.
pub const PER_HOST: usize = 2;
/// How long an answer that worked is trusted.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// Attempts for one address answering 429 or 5xx.
const ATTEMPTS: u32 = 3;
/// The longest pause a `Retry-After` may ask for; a longer one counts as unreachable.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(10);
/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// The cache file, relative to the site folder.
pub const CACHE_FILE: &str = ".parvis-cache/links.json";

/// How checking went for one address.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Ok,
    /// Gone or moved away (4xx, a redirect loop): an error.
    Broken(String),
    /// Could not be asked (timeout, network, 5xx): a warning.
    Unreachable(String),
}

/// What to check with: the per-request timeout.
pub struct Settings {
    pub timeout: Duration,
}

/// Checks `links`, using and updating the cache of the site at `root`; returns one diagnostic
/// per place of each broken or unreachable address.
pub fn check(root: &Path, links: &[ExternalLink], settings: &Settings) -> Vec<Diagnostic> {
    let cache_path = root.join(CACHE_FILE);
    let mut cache = Cache::load(&cache_path);
    let now = unix_now();
    let mut addresses: Vec<&str> = links.iter().map(|l| without_fragment(&l.url)).collect();
    addresses.sort_unstable();
    addresses.dedup();
    let to_ask: Vec<&str> = addresses
        .iter()
        .copied()
        .filter(|u| !cache.fresh(u, now))
        .collect();
    let verdicts = ask_all(&to_ask, settings);
    for (url, v) in &verdicts {
        if *v == Verdict::Ok {
            cache.insert(url, now);
        }
    }
    cache.save(&cache_path);
    let mut diags = Vec::new();
    for l in links {
        let d = match verdicts.get(without_fragment(&l.url)) {
            Some(Verdict::Broken(why)) => Diagnostic {
                message: format!("link to `{}`: {why}", l.url),
                ..l.place.clone()
            }
            .with_hint("fix or remove the link; if the page moved, link to its new address"),
            Some(Verdict::Unreachable(why)) => Diagnostic {
                message: format!("link to `{}` could not be checked: {why}", l.url),
                severity: parvis_core::diagnostics::Severity::Warning,
                ..l.place.clone()
            }
            .with_hint(
                "the site may be down for a while; run `parvis check --external` again later",
            ),
            _ => continue,
        };
        diags.push(d);
    }
    diags
}

fn without_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The host of `url`, for the per-host limit.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Asks every address: [`WORKERS`] threads take lanes of addresses, each host's addresses
/// split over at most [`PER_HOST`] lanes, each lane asked in order.
fn ask_all(urls: &[&str], settings: &Settings) -> HashMap<String, Verdict> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("parvis-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut by_host: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in urls {
        by_host.entry(host(u)).or_default().push(u);
    }
    let mut lanes: VecDeque<Vec<&str>> = VecDeque::new();
    for list in by_host.into_values() {
        let n = PER_HOST.min(list.len());
        let mut split = vec![Vec::new(); n];
        for (i, u) in list.into_iter().enumerate() {
            split[i % n].push(u);
        }
        lanes.extend(split);
    }
    let lanes = Mutex::new(lanes);
    let verdicts = Mutex::new(HashMap::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let Some(lane) = lanes.lock().expect("no panic while holding").pop_front() else {
                    break;
                };
                for url in lane {
                    let v = ask(&agent, url);
                    verdicts
                        .lock()
                        .expect("no panic while holding")
                        .insert(url.to_string(), v);
                }
            });
        }
    });
    verdicts.into_inner().expect("not poisoned")
}

/// One address, following redirects.
fn ask(agent: &ureq::Agent, url: &str) -> Verdict {
    let mut seen = HashSet::new();
    let mut current = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        if !seen.insert(current.clone()) {
            return Verdict::Broken(format!("redirect loop (back to {current})"));
        }
        match ask_once(agent, &current) {
            Answer::Status(code) if (200..300).contains(&code) => return Verdict::Ok,
            Answer::Redirect(to) => current = to,
            Answer::Status(code) if (500..600).contains(&code) || code == 429 => {
                return Verdict::Unreachable(format!(
                    "the server answered {code}, {ATTEMPTS} times"
                ))
            }
            Answer::Status(code) => return Verdict::Broken(format!("the server answered {code}")),
            Answer::Failed(why) => return Verdict::Unreachable(why),
        }
    }
    Verdict::Broken(format!("more than {MAX_REDIRECTS} redirects"))
}

enum Answer {
    Status(u16),
    Redirect(String),
    Failed(String),
}

/// One address without following redirects: `HEAD`, then `GET` when `HEAD` is refused, with
/// retries of 429 and 5xx.
fn ask_once(agent: &ureq::Agent, url: &str) -> Answer {
    let mut pause = Duration::from_millis(500);
    let mut last = Answer::Failed(String::new());
    for attempt in 1..=ATTEMPTS {
        let mut result = agent.head(url).call();
        if let Ok(r) = &result {
            let code = r.status().as_u16();
            // Some servers refuse or mishandle HEAD; ask again with GET before judging.
            if (400..600).contains(&code) && code != 429 {
                result = agent.get(url).call();
            }
        }
        let response = match result {
            Ok(r) => r,
            Err(e) => return Answer::Failed(parvis_feeds::fetch::describe(&e)),
        };
        let code = response.status().as_u16();
        if (300..400).contains(&code) {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok());
            return match location {
                Some(to) => Answer::Redirect(join(url, to)),
                None => Answer::Status(code),
            };
        }
        if code != 429 && !(500..600).contains(&code) {
            return Answer::Status(code);
        }
        last = Answer::Status(code);
        if attempt == ATTEMPTS {
            break;
        }
        let asked = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        match asked {
            Some(wait) if wait > RETRY_AFTER_CAP => break,
            Some(wait) => std::thread::sleep(wait),
            None => {
                std::thread::sleep(pause);
                pause *= 2;
            }
        }
    }
    last
}

/// `to`, a `Location` header, made absolute against `base`.
fn join(base: &str, to: &str) -> String {
    if to.contains("://") {
        return to.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if let Some(abs) = to.strip_prefix('/') {
        return format!("{scheme}://{host}/{abs}");
    }
    let path = &rest[host.len()..];
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{scheme}://{host}{dir}/{to}")
}

/// Addresses that answered, with when: `{"version": 1, "ok": {"https://…": 1764633600}}`.
struct Cache {
    ok: BTreeMap<String, u64>,
}

impl Cache {
    /// An unreadable or foreign file is treated as empty: the cache only saves requests.
    fn load(path: &Path) -> Cache {
        let ok = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .filter(|v| v["version"] == 1)
            .and_then(|v| {
                let map = v["ok"].as_object()?;
                Some(
                    map.iter()
                        .filter_map(|(k, t)| Some((k.clone(), t.as_u64()?)))
                        .collect(),
                )
            })
            .unwrap_or_default();
        Cache { ok }
    }

    fn fresh(&self, url: &str, now: u64) -> bool {
        self.ok
            .get(url)
            .is_some_and(|&t| t <= now && now - t < MAX_AGE.as_secs())
    }

    fn insert(&mut self, url: &str, now: u64) {
        self.ok.insert(url.to_string(), now);
    }

    /// Writes the cache, dropping what expired; a failure to write costs only requests.
    fn save(&mut self, path: &Path) {
        let now = unix_now();
        self.ok
            .retain(|_, t| now.saturating_sub(*t) < MAX_AGE.as_secs());
        let text = json!({ "version": 1, "ok": self.ok }).to_string();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
            parvis_site::ignore_in_git(dir);
        }
        let tmp: PathBuf = path.with_extension("json.tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_made_absolute() {
        assert_eq!(join("https://a.org/x/y", "/z"), "https://a.org/z");
        assert_eq!(join("https://a.org/x/y", "z"), "https://a.org/x/z");
        assert_eq!(join("https://a.org/x", "https://b.org/"), "https://b.org/");
    }
}
