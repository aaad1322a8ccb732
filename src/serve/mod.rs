//! `parvis serve`: the site built in memory, served on 127.0.0.1, rebuilt when a file changes,
//! with the browser reloading by itself (server-sent events on the same port) and build errors
//! shown over the page.
//!
//! The server never exits on bad content: a failed rebuild keeps serving the last good site and
//! sends the diagnostics to the browser. Only files of the built site are served: paths are
//! looked up in memory, never on disk, so no `..` or symlink can reach outside the output (and
//! the build reads no file through a symlink). Only GET and HEAD are answered, and only for
//! loopback names and the bound address, so that no other site can read drafts through a
//! visitor's browser; redirects stay on this server.

mod watch;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;
use parvis_core::diagnostics::Diagnostics;
use parvis_site::{build_in_memory, BuildError, BuildOptions};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

const LIVE_JS: &str = include_str!("live.js");

/// What `parvis serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub open: bool,
    /// The audience whose portal is served; `None` for the widest one.
    pub audience: Option<String>,
    /// Read the members' feeds from the cache only.
    pub offline: bool,
}

/// A message to every open page.
#[derive(Debug, Clone)]
pub enum Change {
    Reload,
    Css,
    Failed(String),
}

/// The site being served and the state of the last build.
pub struct Site {
    /// Bytes clone without copying: an update copies the map, not the site.
    files: RwLock<Arc<BTreeMap<String, Bytes>>>,
    /// Held while building, so that a slow full rebuild cannot overwrite a newer update.
    building: std::sync::Mutex<()>,
    /// The last good build's state, to update a single page in place.
    state: std::sync::Mutex<Option<parvis_site::Prepared>>,
    /// Diagnostics JSON of the last failed build, if it failed.
    failure: RwLock<Option<String>>,
    changes: broadcast::Sender<Change>,
    /// Counts full rebuilds, so that a search job started before one drops its result.
    generation: AtomicU64,
    /// The search job the last update left, for [`Site::follow_search`].
    search_job: std::sync::Mutex<Option<(parvis_site::SearchJob, u64)>>,
}

impl Site {
    fn new() -> Arc<Site> {
        let (changes, _) = broadcast::channel(64);
        Arc::new(Site {
            files: RwLock::new(Arc::new(BTreeMap::new())),
            building: std::sync::Mutex::new(()),
            state: std::sync::Mutex::new(None),
            failure: RwLock::new(None),
            changes,
            generation: AtomicU64::new(0),
            search_job: std::sync::Mutex::new(None),
        })
    }

    /// Whether a page's publish or expiry moment passed since the last build (never with
    /// `SOURCE_DATE_EPOCH` set: "now" does not move then).
    fn moment_passed(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .as_ref()
            .is_some_and(parvis_site::Prepared::moment_passed)
    }

    /// Rebuilds from the sources; on success swaps the files in, on failure keeps the old ones.
    /// Returns the diagnostics to print.
    pub fn rebuild(&self, opts: &BuildOptions, css_only: bool) -> Result<usize, Diagnostics> {
        let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        match build_in_memory(opts) {
            Ok((report, files, state)) => {
                let files = files
                    .into_iter()
                    .map(|(k, v)| (k, Bytes::from(v)))
                    .collect();
                *self.files.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(files);
                let mut current = self.state.lock().unwrap_or_else(|e| e.into_inner());
                self.generation.fetch_add(1, Ordering::SeqCst);
                *current = Some(state);
                drop(current);
                self.succeeded(css_only);
                Ok(report.pages)
            }
            Err(BuildError::Content(d)) => {
                let mut current = self.state.lock().unwrap_or_else(|e| e.into_inner());
                self.generation.fetch_add(1, Ordering::SeqCst);
                *current = None;
                drop(current);
                self.failed(&d);
                Err(d)
            }
            Err(BuildError::Usage(msg)) => {
                let mut d = Diagnostics::default();
                d.push(parvis_core::diagnostics::Diagnostic::error(
                    "site.yaml",
                    msg,
                ));
                self.failed(&d);
                Err(d)
            }
        }
    }

    /// Brings the site up to date after the files at `changed` changed, doing again only what
    /// they reach; `None` when the whole site must be rebuilt. On success, what changed (its
    /// written files moved into the served site).
    pub fn update(
        &self,
        changed: &[std::path::PathBuf],
        css_only: bool,
    ) -> Option<Result<parvis_site::Changes, Diagnostics>> {
        let (result, job, generation) = {
            let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let prepared = state.as_mut()?;
            let generation = self.generation.load(Ordering::SeqCst);
            match prepared.update(changed) {
                parvis_site::Update::Full => return None,
                parvis_site::Update::Failed(d) => {
                    self.failed(&d);
                    return Some(Err(d));
                }
                parvis_site::Update::Changed(mut changes) => {
                    self.edit_files(|files| {
                        for path in &changes.removed {
                            files.remove(path);
                        }
                        files.extend(
                            std::mem::take(&mut changes.written)
                                .into_iter()
                                .map(|(k, v)| (k, Bytes::from(v))),
                        );
                    });
                    self.succeeded(css_only);
                    let job = prepared.search_job(&changes.pages, changed);
                    (changes, job, generation)
                }
            }
        };
        // The search index follows in [`Site::follow_search`], without holding the locks, so
        // the next save is not kept waiting.
        if let Some(job) = job {
            *self.search_job.lock().unwrap_or_else(|e| e.into_inner()) = Some((job, generation));
        }
        Some(Ok(result))
    }

    /// Brings the search index up to date after [`Site::update`]: runs the job it left, and
    /// the ones for changes made meanwhile, until none waits. A job's result is dropped when
    /// a full rebuild came first.
    pub fn follow_search(&self) {
        let Some((job, generation)) = self
            .search_job
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        let mut job = Some(job);
        while let Some(j) = job.take() {
            let start = std::time::Instant::now();
            let (index, result) = j.run();
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if self.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let Some(prepared) = state.as_mut() else {
                return;
            };
            prepared.finish_search(index, &result);
            match result {
                Ok(search_files) => {
                    self.edit_files(|files| {
                        parvis_search::replace_files(files, search_files, Bytes::from)
                    });
                    eprintln!("updated the search index in {:.0?}", start.elapsed());
                }
                Err(d) => eprintln!("{}", d.render()),
            }
            if prepared.search_waiting() {
                job = prepared.search_job(&Default::default(), &[]);
            }
        }
    }

    /// Tells the browsers a build or update succeeded: a reload, or only new CSS when just
    /// stylesheets changed and no error overlay is showing.
    fn succeeded(&self, css_only: bool) {
        let had_failure = self
            .failure
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some();
        let _ = self.changes.send(if css_only && !had_failure {
            Change::Css
        } else {
            Change::Reload
        });
    }

    /// Keeps `d` for browsers that connect later and shows it in the open ones.
    fn failed(&self, d: &Diagnostics) {
        let json = d.render_json();
        *self.failure.write().unwrap_or_else(|e| e.into_inner()) = Some(json.clone());
        let _ = self.changes.send(Change::Failed(json));
    }

    /// Changes the served files: a copy of the map is edited and swapped in, so requests
    /// being answered keep the files they started with.
    fn edit_files(&self, edit: impl FnOnce(&mut BTreeMap<String, Bytes>)) {
        let mut served = self.files.write().unwrap_or_else(|e| e.into_inner());
        let mut next = (**served).clone();
        edit(&mut next);
        *served = Arc::new(next);
    }

    fn snapshot(&self) -> Arc<BTreeMap<String, Bytes>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The output path a request path names, or `None` when it tries to leave the site. Each
/// segment is percent-decoded once, on its own, as browsers decode (a `%` not followed by two
/// hex digits stays a `%`), so that a file whose name has a `%` is found (`100%25.txt` is
/// `100%.txt`). A segment that decodes to `..`, or to a name with `/` (`%2f`), a backslash
/// or NUL, is refused; a double-encoded `%252e%252e` is the name `%2e%2e`, looked up as such.
pub fn output_path(request_path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for raw in request_path.split('/') {
        let seg = percent_decode(raw)?;
        if seg.contains(['/', '\\', '\0']) {
            return None;
        }
        match seg.as_str() {
            "" | "." => {}
            ".." => return None,
            _ => parts.push(seg),
        }
    }
    let mut path = parts.join("/");
    if request_path.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a request for `host` (a `Host` header: a name or address, maybe with a port) is
/// one for this server, bound at `bound`: a loopback name or address (`localhost`,
/// `*.localhost`, `127.0.0.1`, `[::1]`) or the bound address. Any other name may be a page of
/// another site whose name was made to resolve to this machine (DNS rebinding), whose scripts
/// could then read drafts. Bound to every interface (`--bind 0.0.0.0`), any address is this
/// machine's; names other than loopback ones are still refused.
pub fn host_allowed(host: &str, bound: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    let host = host.to_ascii_lowercase();
    let is_port = |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    let (name, ip) = match host.strip_prefix('[') {
        Some(rest) => {
            let Some((inside, after)) = rest.split_once(']') else {
                return false;
            };
            if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
                return false;
            }
            (
                inside,
                inside.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
            )
        }
        None => {
            let name = match host.rsplit_once(':') {
                Some((name, port)) if is_port(port) => name,
                Some(_) => return false,
                None => host.as_str(),
            };
            (
                name,
                name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
            )
        }
    };
    match ip {
        Some(ip) => ip.is_loopback() || ip == bound || bound.is_unspecified(),
        None => {
            let name = name.strip_suffix('.').unwrap_or(name);
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Answers only what a browser on this machine asks: a request for another host is refused
/// (see [`host_allowed`]), and one with another method than GET or HEAD gets 405, since
/// nothing here changes on a request.
async fn guard(
    State(bound): State<std::net::IpAddr>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response<Body> {
    let host = match req.uri().authority() {
        Some(a) => Some(a.as_str()),
        None => match req.headers().get(header::HOST).map(HeaderValue::to_str) {
            Some(Ok(h)) => Some(h),
            Some(Err(_)) => Some(""),
            None => None,
        },
    };
    // A request without a host name comes from no browser: nothing to rebind.
    if host.is_some_and(|h| !host_allowed(h, bound)) {
        return plain(
            StatusCode::FORBIDDEN,
            "this development server answers to localhost and its own address only",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    next.run(req).await
}

async fn page(State(site): State<Arc<Site>>, req: Request<Body>) -> Response<Body> {
    let Some(path) = output_path(req.uri().path()) else {
        return plain(StatusCode::FORBIDDEN, "forbidden");
    };
    let files = site.snapshot();
    let (status, path, body) = match files.get(&path) {
        Some(b) => (StatusCode::OK, path, b.clone()),
        // `/blog/post` without its slash: the page at `/blog/post/`.
        None => match files.get(&format!("{path}/index.html")) {
            Some(_) => {
                // One leading slash: `//about/` would send the browser to the host `about`.
                let mut location = format!("/{}/", req.uri().path().trim_start_matches('/'));
                if let Some(query) = req.uri().query() {
                    location.push('?');
                    location.push_str(query);
                }
                return Response::builder()
                    .status(StatusCode::MOVED_PERMANENTLY)
                    .header(header::LOCATION, location)
                    .body(Body::empty())
                    .expect("valid response");
            }
            None => match files.get("404.html") {
                Some(b) => (StatusCode::NOT_FOUND, "404.html".to_string(), b.clone()),
                None => return plain(StatusCode::NOT_FOUND, "not found"),
            },
        },
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let body = if mime.essence_str() == "text/html" {
        Bytes::from(inject(body.to_vec()))
    } else {
        body
    };
    // One byte range, as static hosts answer it: the search client reads a result's card
    // from its document group this way.
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| status == StatusCode::OK)
        .and_then(|v| byte_range(v, body.len()));
    let (status, body, content_range) = match range {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            body.slice(start..end),
            Some(format!("bytes {start}-{}/{}", end - 1, body.len())),
        ),
        None => (status, body, None),
    };
    let mut res = Response::builder().status(status);
    if let Some(r) = content_range {
        res = res.header(header::CONTENT_RANGE, r);
    }
    res.header(header::ACCEPT_RANGES, "bytes")
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type(&mime)).expect("a MIME type"),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .body(Body::from(body))
        .expect("valid response")
}

/// The bytes [start, end) that a `Range: bytes=a-b` header asks of a body of `len` bytes, when
/// it is one satisfiable range (anything else is answered with the whole body).
fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let (a, b) = header.strip_prefix("bytes=")?.split_once('-')?;
    let start: usize = a.trim().parse().ok()?;
    let end = match b.trim() {
        "" => len,
        b => b.parse::<usize>().ok()?.saturating_add(1).min(len),
    };
    (start < end).then_some((start, end))
}

fn content_type(mime: &mime_guess::Mime) -> String {
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str() == "application/javascript" => {
            "text/javascript; charset=utf-8".into()
        }
        _ => mime.essence_str().to_string(),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .expect("valid response")
}

/// Adds the live-reload script to an HTML page, before `</body>`.
fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__parvis/live.js\"></script>";
    match html.windows(7).rposition(|w| w == b"</body>") {
        Some(i) => {
            html.splice(i..i, tag.iter().copied());
        }
        None => html.extend_from_slice(tag),
    }
    html
}

async fn live_js() -> Response<Body> {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/javascript; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(LIVE_JS))
        .expect("valid response")
}

async fn events(
    State(site): State<Arc<Site>>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    use futures_util::stream::{self, StreamExt};
    // A page that opens while the site is broken shows the overlay at once.
    let hello = site
        .failure
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "{\"errors\":0}".into());
    let first = stream::once(async move { Ok(Event::default().event("hello").data(hello)) });
    let changes = stream::unfold(site.changes.subscribe(), |mut rx| async move {
        loop {
            let change = match rx.recv().await {
                Ok(c) => c,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let event = match change {
                Change::Reload => Event::default().event("reload").data("reload"),
                Change::Css => Event::default().event("css").data("css"),
                Change::Failed(json) => Event::default().event("error-report").data(json),
            };
            return Some((Ok(event), rx));
        }
    });
    Sse::new(first.chain(changes)).keep_alive(KeepAlive::default())
}

/// Why `serve` could not start or stopped (usage errors: exit code 2). Errors of the site
/// itself are shown and served as the error page instead.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `--audience` names no audience of site.yaml.
    #[error("{0}")]
    Audience(String),
    /// The async runtime could not start.
    #[error("{0}")]
    Runtime(std::io::Error),
    /// Neither the port asked for nor any free one could be bound.
    #[error("{0}")]
    Bind(std::io::Error),
    /// The file watcher could not start.
    #[error("cannot watch the site: {0}")]
    Watcher(notify_debouncer_full::notify::Error),
    /// A folder of the site could not be watched.
    #[error("cannot watch {}: {source}", path.display())]
    Watch {
        path: PathBuf,
        source: notify_debouncer_full::notify::Error,
    },
    /// The server stopped on an error.
    #[error("{0}")]
    Server(std::io::Error),
}

/// Builds, serves and watches until interrupted.
pub fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    // A mistyped `--audience` is a usage error, not a site to serve with an error page.
    if let Some(a) = &opts.audience {
        let path = opts.root.join("site.yaml");
        let config = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| parvis_core::config::Config::from_file(&path, &text).ok());
        if let Some(config) = config.filter(|c| c.audience(a).is_none()) {
            return Err(ServeError::Audience(parvis_site::unknown_audience(
                a, &config,
            )));
        }
    }
    let build = BuildOptions {
        root: opts.root.clone(),
        output: None,
        audience: opts.audience.clone(),
        drafts: true,
        progress: false,
        force: false,
        deny_warnings: false,
        external_links: false,
        offline: opts.offline,
    };
    let site = Site::new();
    match site.rebuild(&build, false) {
        Ok(pages) => match &opts.audience {
            Some(a) => eprintln!("built {pages} pages for `{a}` (drafts and future pages shown)"),
            None => eprintln!("built {pages} pages (drafts and future pages shown)"),
        },
        Err(d) => eprint!("{}", d.render_text()),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let listener =
            match tokio::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).await {
                Ok(l) => l,
                Err(_) => tokio::net::TcpListener::bind(SocketAddr::new(opts.bind, 0))
                    .await
                    .map_err(ServeError::Bind)?,
            };
        let addr = listener.local_addr().map_err(ServeError::Bind)?;
        let url = format!("http://{addr}/");
        let clock = (site.clone(), build.clone());
        let _watcher = watch::start(
            opts.root.clone(),
            build,
            site.clone(),
            tokio::runtime::Handle::current(),
        )?;
        // Pages close at their expiry moments (postings at `valid_through`): when one passes while
        // serving, with no edit to wake the watcher, the site is built again for the new "now".
        tokio::spawn(async move {
            let (site, build) = clock;
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                if site.moment_passed() {
                    let (site, build) = (site.clone(), build.clone());
                    let _ =
                        tokio::task::spawn_blocking(move || match site.rebuild(&build, false) {
                            Ok(pages) => {
                                eprintln!("rebuilt {pages} pages: a page opened or closed")
                            }
                            Err(d) => eprint!("{}", d.render_text()),
                        })
                        .await;
                }
            }
        });
        // The first line on standard output is the address, for scripts and tests: printed once
        // the watcher runs, so that an edit made right after it is seen.
        println!("serving {url}");
        if opts.open {
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
        let app = Router::new()
            .route("/__parvis/live.js", get(live_js))
            .route("/__parvis/events", get(events))
            .fallback(page)
            .layer(axum::middleware::from_fn_with_state(addr.ip(), guard))
            .with_state(site);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(ServeError::Server)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-3", 10), Some((0, 4)));
        assert_eq!(byte_range("bytes=4-", 10), Some((4, 10)));
        assert_eq!(byte_range("bytes=8-20", 10), Some((8, 10)));
        assert_eq!(byte_range("bytes=10-12", 10), None);
        assert_eq!(byte_range("bytes=5-2", 10), None);
        assert_eq!(byte_range("bytes=-5", 10), None);
        assert_eq!(byte_range("bytes=0-1,4-5", 10), None);
        assert_eq!(byte_range("items=0-1", 10), None);
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(output_path("/blog/").as_deref(), Some("blog/index.html"));
        assert_eq!(
            output_path("/assets/parvis.css").as_deref(),
            Some("assets/parvis.css")
        );
        assert_eq!(
            output_path("/caf%C3%A9/").as_deref(),
            Some("café/index.html")
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/a/..%2f..%2fetc",
            "/a%2fb",
            "/a%2Fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/%00",
            "/blog/%00",
            "/%c0%ae%c0%ae/etc",
        ] {
            assert_eq!(output_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_percent_sign_in_a_file_name_is_found() {
        assert_eq!(output_path("/100%25.txt").as_deref(), Some("100%.txt"));
        // Browsers send a `%` that starts no escape as it is.
        assert_eq!(output_path("/50%-off.txt").as_deref(), Some("50%-off.txt"));
        assert_eq!(output_path("/%zz").as_deref(), Some("%zz"));
        assert_eq!(output_path("/a%").as_deref(), Some("a%"));
        // Decoded once: a double-encoded `..` is a name, looked up as such (and not found).
        assert_eq!(
            output_path("/%252e%252e/etc/passwd").as_deref(),
            Some("%2e%2e/etc/passwd")
        );
    }

    #[test]
    fn only_loopback_names_and_the_bound_address_are_served() {
        let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:4000",
            "LOCALHOST.",
            "app.localhost:4000",
            "127.0.0.1",
            "127.0.0.1:4000",
            "127.1.2.3:4000",
            "[::1]",
            "[::1]:4000",
        ] {
            assert!(host_allowed(ok, loopback), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "192.168.1.20:4000",
            "[::1",
            "[::1]x",
            "localhost:port",
            "",
        ] {
            assert!(!host_allowed(bad, loopback), "{bad}");
        }
        let lan: std::net::IpAddr = "192.168.1.20".parse().unwrap();
        assert!(host_allowed("192.168.1.20:4000", lan));
        assert!(!host_allowed("192.168.1.21:4000", lan));
        let every: std::net::IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("192.168.1.20:4000", every));
        assert!(!host_allowed("evil.example", every));
    }
}
