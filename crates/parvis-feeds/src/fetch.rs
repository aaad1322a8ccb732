//! Fetching one feed over HTTP: conditional (`If-None-Match`, `If-Modified-Since`), bounded in
//! time (the whole exchange, body included) and in bytes, following a few redirects.

use crate::cache::Validators;
use std::time::Duration;

/// Redirects followed before giving up.
const MAX_REDIRECTS: u32 = 5;

/// What the server answered.
#[derive(Debug, PartialEq)]
pub enum Fetched {
    /// A new copy.
    Fresh {
        body: Vec<u8>,
        validators: Validators,
    },
    /// `304 Not Modified`: the cached copy is still the feed.
    NotModified,
}

/// Why a feed could not be fetched, in words for the warning.
#[derive(Debug, PartialEq)]
pub enum FetchError {
    /// The server answered with this status.
    Status(u16),
    /// No whole answer within the time allowed.
    Timeout,
    /// The body is over the size allowed (in bytes).
    TooLarge(u64),
    /// Anything else: the host does not resolve, the connection was refused…
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Status(code) => write!(f, "the server answered HTTP {code}"),
            FetchError::Timeout => write!(f, "timeout: no whole answer in time"),
            FetchError::TooLarge(max) => write!(f, "the feed is larger than {max} bytes"),
            FetchError::Other(why) => write!(f, "{why}"),
        }
    }
}

/// The client every feed of a build is fetched with.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!("parvis-feeds/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Fetches `url`, asking only for a change when `known` validators are given.
pub fn fetch(
    agent: &ureq::Agent,
    url: &str,
    known: Option<&Validators>,
    max_bytes: u64,
) -> Result<Fetched, FetchError> {
    let mut request = agent.get(url).header(
        "Accept",
        "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8",
    );
    if let Some(v) = known {
        if let Some(etag) = &v.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(lm) = &v.last_modified {
            request = request.header("If-Modified-Since", lm);
        }
    }
    let mut response = request.call().map_err(|e| error(&e, max_bytes))?;
    let code = response.status().as_u16();
    if code == 304 && known.is_some() {
        return Ok(Fetched::NotModified);
    }
    if !(200..300).contains(&code) {
        return Err(FetchError::Status(code));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let body = response
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .read_to_vec()
        .map_err(|e| error(&e, max_bytes))?;
    Ok(Fetched::Fresh { body, validators })
}

fn error(e: &ureq::Error, max_bytes: u64) -> FetchError {
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout,
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(max_bytes),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => FetchError::Timeout,
        other => FetchError::Other(describe(other)),
    }
}

/// A ureq error in the words of a warning (also used by `check --external`).
pub fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "no answer in time".into(),
        ureq::Error::HostNotFound => "the host name does not resolve".into(),
        // The resolver's failure comes as an I/O error of no particular kind.
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            "the host name does not resolve".into()
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused".into()
        }
        other => other.to_string(),
    }
}
