//! `parvis serve` as a writer and a visitor use it: a real server on 127.0.0.1, real requests.

use crate::site_test::{parvis, SiteTest};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `parvis serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(t: &SiteTest) -> Server {
    start_with(t, &[])
}

/// `parvis serve SITE ARGS...` on a free port.
pub fn start_with(t: &SiteTest, args: &[&str]) -> Server {
    let mut child = parvis()
        .args(["serve", "--port", "0"])
        .arg(&t.root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("parvis serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("serving http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "listens on loopback: {line}"
    );
    Server { child, addr }
}

/// A raw HTTP/1.1 GET, so that paths reach the server exactly as written.
pub fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

#[test]
fn serves_pages_with_types_and_404s() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let (status, head, body) = get(&server.addr, "/blog/first-post/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(String::from_utf8_lossy(&body).contains("/__parvis/live.js"));
    let (status, head, _) = get(&server.addr, "/assets/parvis.css");
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-type: text/css"));
    let (status, _, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        String::from_utf8_lossy(&body).contains("Page not found"),
        "the site's 404 page"
    );
    let (status, _, _) = get(&server.addr, "/blog/");
    assert_eq!(status, 200, "directories are pages, never listings");
    assert_eq!(
        get(&server.addr, "/blog/draft-post/").0,
        200,
        "drafts are shown while writing"
    );
}

#[test]
fn traversal_attempts_get_403_or_404() {
    let t = SiteTest::fixture("basic");
    std::fs::write(t.root.join("secret.txt"), "TOPSECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", t.root.join("static/etc")).unwrap();
    let server = start(&t);
    for path in [
        "/../site.yaml",
        "/../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2e%2e%2fsite.yaml",
        "/%252e%252e/site.yaml",
        "/blog/..%2f..%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/secret.txt",
        "/site.yaml",
        "/content/_index.md",
        "/etc/passwd",
        "//etc/passwd",
        "/blog/%00",
    ] {
        let (status, _, body) = get(&server.addr, path);
        assert!(status == 403 || status == 404, "{path} answered {status}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("TOPSECRET") && !text.contains("root:") && !text.contains("base_url"),
            "{path} leaked"
        );
    }
}

#[test]
fn a_thousand_requests_during_rebuilds_all_succeed() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let addr = server.addr.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (root, stop) = (t.root.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                std::fs::write(
                    root.join("content/about.md"),
                    format!("---\ntitle: About us\n---\nEdit {n}.\n"),
                )
                .unwrap();
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let started = Instant::now();
    let failures: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|w| {
                let addr = addr.clone();
                s.spawn(move || {
                    (0..250)
                        .filter(|i| {
                            // Spread over about two seconds, while the site rebuilds again and again.
                            std::thread::sleep(Duration::from_millis(8));
                            let path = ["/", "/blog/first-post/", "/about/", "/assets/parvis.css"]
                                [(i + w) % 4];
                            get(&addr, path).0 != 200
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(failures, 0, "{failures} of 1000 requests failed");
    assert!(started.elapsed() >= Duration::from_secs(2));
    // The last edit shows once the server settles.
    let last = std::fs::read_to_string(t.root.join("content/about.md")).unwrap();
    let want = last.lines().last().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&get(&addr, "/about/").2).contains(&want) {
        assert!(Instant::now() < deadline, "the last edit never showed");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_page_updated_alone_matches_a_full_build() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let edited = "---\ntitle: Configure\nweight: 2\n---\nBack to [requirements](install.md#requirements) or [this page's top](#options).\n\nA new sentence.\n\n## Options\n\n| key | meaning |\n| --- | --- |\n| a   | b       |\n";
    std::fs::write(t.root.join("content/docs/guide/configure.md"), edited).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let served = loop {
        let body = String::from_utf8(get(&server.addr, "/docs/guide/configure/").2).unwrap();
        if body.contains("A new sentence.") {
            break body;
        }
        assert!(Instant::now() < deadline, "the edit never showed");
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(server);
    t.build(&["--drafts"]).success();
    let built = t.read("docs/guide/configure/index.html");
    let served = served.replace("<script src=\"/__parvis/live.js\"></script>", "");
    assert_eq!(
        served, built,
        "the page updated alone differs from a full build"
    );
}

/// The search index follows an edit made while serving: the new word is found, and the index
/// then is the one a full build makes (same manifest, which names every file by its content).
#[test]
fn search_follows_an_edit_and_matches_a_full_build() {
    use parvis_search::query::{Query, Reader};
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let page = t.root.join("content/docs/guide/configure.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let edited = original.replacen(
        "## Options",
        "Zanzibarite settings live here.\n\n## Options",
        1,
    );
    assert_ne!(original, edited, "the fixture has an Options heading");
    std::fs::write(&page, edited).unwrap();
    let fetch = |path: &str| -> Result<Vec<u8>, String> {
        let (status, _, body) = get(&server.addr, &format!("/search/{path}"));
        if status == 200 {
            Ok(body)
        } else {
            Err(format!("{path}: {status}"))
        }
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // A reader that took the manifest just before the index was replaced finds the files
        // it names gone (404): as a browser's would, it reads the new index next time.
        let found = Reader::open(fetch).ok().and_then(|mut reader| {
            let query = Query {
                text: "zanzibarite".into(),
                ..Query::default()
            };
            let results = reader.search(&query).ok()?;
            let hit = results.hits.first()?;
            Some(reader.card(hit.doc).ok()?.url)
        });
        if let Some(url) = found {
            assert_eq!(url, "/docs/guide/configure/");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the search index never saw the edit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let served_manifest = fetch("manifest.bin").unwrap();
    drop(server);
    t.build(&["--drafts"]).success();
    let built = std::fs::read(t.out().join("search/manifest.bin")).unwrap();
    assert_eq!(
        parvis_search::format::gunzip(&served_manifest).unwrap(),
        parvis_search::format::gunzip(&built).unwrap(),
        "the index updated in place differs from a full build's"
    );
}

/// Waits until the page at `path` contains `needle`, and returns it without the live-reload
/// script.
fn served_once(addr: &str, path: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _, body) = get(addr, path);
        let body = String::from_utf8(body).unwrap();
        if status == 200 && body.contains(needle) {
            return body.replace("<script src=\"/__parvis/live.js\"></script>", "");
        }
        assert!(Instant::now() < deadline, "{path} never showed {needle:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn templates_titles_and_new_pages_updated_in_place_match_a_full_build() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let theme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    t.file(
        "templates/page.html",
        theme.replace(
            "<article class=\"page\">",
            "<article class=\"page edited\">",
        ),
    );
    served_once(&server.addr, "/blog/first-post/", "page edited");
    t.file(
        "content/blog/fourth-post.md",
        "---\ntitle: Fourth post\ndate: 2027-01-01\ndescription: The fourth\ntags: [community]\n---\nA new post.\n",
    );
    served_once(&server.addr, "/blog/fourth-post/", "A new post.");
    let first = std::fs::read_to_string(t.root.join("content/blog/first-post.md")).unwrap();
    t.file(
        "content/blog/first-post.md",
        first.replace("title: First post", "title: The very first post"),
    );
    let served: Vec<(&str, String)> = [
        ("blog/first-post/index.html", "The very first post"),
        ("blog/index.html", "Fourth post"),
        ("tags/community/index.html", "Fourth post"),
        ("blog/fourth-post/index.html", "page edited"),
        ("about/index.html", "page edited"),
    ]
    .into_iter()
    .map(|(file, needle)| {
        let path = format!("/{}", file.trim_end_matches("index.html"));
        (file, served_once(&server.addr, &path, needle))
    })
    .collect();
    drop(server);
    t.build(&["--drafts"]).success();
    for (file, page) in served {
        assert_eq!(page, t.read(file), "{file} differs from a full build");
    }
}

/// A raw HTTP/1.1 request with the method, path and `Host` header as given: the status and
/// the headers (lowercased), and the body.
fn request(addr: &str, method: &str, path: &str, host: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

/// A path of the output as a request path: bytes other than unreserved ones and `/` escaped.
fn encoded(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Waits until `path` answers `status`.
fn answers(addr: &str, path: &str, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(addr, path).0 != status {
        assert!(Instant::now() < deadline, "{path} never answered {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every file a full build (`build --drafts`, as `serve` shows drafts) writes now is served
/// with the same bytes, the live-reload script aside, and each of `absent` answers 404.
#[track_caller]
fn serves_what_a_build_writes(addr: &str, t: &SiteTest, absent: &[&str]) {
    t.build(&["--drafts"]).success();
    let built = crate::site_test::snapshot(&t.out());
    assert!(built.len() > 20, "the build wrote {} files", built.len());
    for (path, bytes) in &built {
        if path == ".parvis-output" {
            // The build's ownership marker, which lets a later build replace the folder, is
            // not part of the site: serve has no folder to claim and must not serve it.
            assert_eq!(
                get(addr, "/.parvis-output").0,
                404,
                "the output marker is served"
            );
            continue;
        }
        let (status, _, mut body) = get(addr, &format!("/{}", encoded(path)));
        assert_eq!(status, 200, "/{path} is built but not served");
        if path.ends_with(".html") {
            let script = b"<script src=\"/__parvis/live.js\"></script>";
            if let Some(i) = body.windows(script.len()).rposition(|w| w == script) {
                body.drain(i..i + script.len());
            }
        }
        if &body != bytes {
            panic!(
                "/{path} differs from a full build:\nserved: {}\nbuilt:  {}",
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(bytes)
            );
        }
    }
    for path in absent {
        assert_eq!(get(addr, path).0, 404, "{path} is served, not built");
    }
}

/// A template of the default theme with a marker comment at the start of its content.
fn theme_copy(name: &str, marker: &str) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates")
            .join(name),
    )
    .unwrap();
    let at = "{% block content %}";
    text.replacen(at, &format!("{at}<!-- {marker} -->"), 1)
}

/// Issue 20: a kind-specific template written while serving is used for every output of its
/// kind at once, as a build uses it; removing it goes back.
#[test]
fn a_new_kind_specific_template_is_used_by_serve_as_by_a_build() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    t.file(
        "templates/section-blog.html",
        theme_copy("section.html", "section-blog"),
    );
    served_once(&server.addr, "/blog/", "<!-- section-blog -->");
    served_once(&server.addr, "/blog/page/2/", "<!-- section-blog -->");
    t.file(
        "templates/page-docs.html",
        theme_copy("page.html", "page-docs"),
    );
    served_once(&server.addr, "/docs/guide/install/", "<!-- page-docs -->");
    // Saved again, it shows where it is used.
    t.file(
        "templates/section-blog.html",
        theme_copy("section.html", "section-blog again"),
    );
    served_once(&server.addr, "/blog/page/2/", "<!-- section-blog again -->");
    serves_what_a_build_writes(&server.addr, &t, &[]);

    std::fs::remove_file(t.root.join("templates/section-blog.html")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while String::from_utf8_lossy(&get(&server.addr, "/blog/").2).contains("section-blog") {
        assert!(
            Instant::now() < deadline,
            "the removed template stays in use"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    serves_what_a_build_writes(&server.addr, &t, &[]);
}

/// Issue 20: `serve` reads files as the build does, which keeps regular files only: symlinks
/// made while serving (to a page, a template, a data file, files and folders outside the
/// site) change nothing, and nothing outside the site is ever served.
#[cfg(unix)]
#[test]
fn symlinks_made_while_serving_are_skipped_as_by_the_build() {
    use std::os::unix::fs::symlink;
    let t = SiteTest::fixture("basic");
    let outside = t.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "OUTSIDECANARY\n").unwrap();
    std::fs::write(
        outside.join("page.md"),
        "---\ntitle: OUTSIDECANARY\n---\nFrom elsewhere.\n",
    )
    .unwrap();
    let server = start(&t);
    for (rel, target) in [
        ("static/outside", outside.clone()),
        ("static/leak.txt", outside.join("secret.txt")),
        ("content/elsewhere", outside.clone()),
        ("content/blog/linked.md", "first-post.md".into()),
        // Read from this folder, its link to the install guide would be broken.
        (
            "content/docs/guide/linked.md",
            "../../blog/first-post.md".into(),
        ),
        ("templates/section-blog.html", outside.join("secret.txt")),
    ] {
        symlink(target, t.root.join(rel)).unwrap();
    }
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nWe are a fixture, still.\n",
    );
    served_once(&server.addr, "/about/", "still.");
    for path in [
        "/outside/secret.txt",
        "/leak.txt",
        "/elsewhere/page/",
        "/blog/linked/",
        "/docs/guide/linked/",
    ] {
        let (status, _, body) = get(&server.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("OUTSIDECANARY"));
    }
    serves_what_a_build_writes(&server.addr, &t, &[]);
    let built = crate::site_test::snapshot(&t.out());
    assert!(
        !built
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("OUTSIDECANARY")),
        "nothing from outside the site is built, hence served"
    );
}

/// The build reads a site folder that is itself a symlink (`content -> ../shared`), so
/// `serve` watches it, though it follows no symlink inside the site.
#[cfg(unix)]
#[test]
fn a_site_folder_that_is_a_symlink_is_watched_as_the_build_reads_it() {
    let t = SiteTest::fixture("basic");
    let shared = t.root.parent().unwrap().join("shared-content");
    std::fs::rename(t.root.join("content"), &shared).unwrap();
    std::os::unix::fs::symlink(&shared, t.root.join("content")).unwrap();
    let server = start(&t);
    std::fs::write(
        shared.join("about.md"),
        "---\ntitle: About us\nslug: about\n---\nWe are a shared fixture.\n",
    )
    .unwrap();
    served_once(&server.addr, "/about/", "shared fixture");
    std::fs::write(
        shared.join("blog/fourth-post.md"),
        "---\ntitle: Fourth post\ndate: 2026-02-01\n---\nA new post.\n",
    )
    .unwrap();
    served_once(&server.addr, "/blog/fourth-post/", "A new post.");
    serves_what_a_build_writes(&server.addr, &t, &[]);
}

/// Issue 20: a file whose name has a `%` is served, as the build writes it, at start-up and
/// when it appears while serving.
#[test]
fn a_file_whose_name_has_a_percent_sign_is_served() {
    let t = SiteTest::fixture("basic");
    t.file("static/100%.txt", "one hundred percent\n");
    let server = start(&t);
    let (status, _, body) = get(&server.addr, "/100%25.txt");
    assert_eq!(status, 200);
    assert_eq!(body, b"one hundred percent\n");
    t.file("static/files/50% off.txt", "half\n");
    answers(&server.addr, "/files/50%25%20off.txt", 200);
    // A `%` that starts no escape is sent by browsers as it is.
    assert_eq!(get(&server.addr, "/files/50%%20off.txt").0, 200);
    serves_what_a_build_writes(&server.addr, &t, &[]);
}

/// Issue 20: each update is for "now": a page whose expiry date passes while serving leaves
/// with the next save, as it leaves a build made then. (`serve` shows pages before their
/// `publish_date`; an expiry date is what "now" decides there.)
#[test]
fn a_page_that_expires_while_serving_leaves_with_the_next_update() {
    let t = SiteTest::fixture("basic");
    let expiry = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap()
        + jiff::SignedDuration::from_secs(8);
    t.file(
        "content/blog/expiring.md",
        format!("---\ntitle: Expiring soon\ndate: 2026-01-12\nexpiry_date: {expiry}\n---\nFor a few seconds.\n"),
    );
    let server = start(&t);
    assert_eq!(
        get(&server.addr, "/blog/expiring/").0,
        200,
        "the server took longer to start than the page lives"
    );
    // Waiting for the clock is the point here: no figure is asserted.
    while jiff::Timestamp::now() <= expiry {
        std::thread::sleep(Duration::from_millis(100));
    }
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nWe are a fixture, later.\n",
    );
    served_once(&server.addr, "/about/", "later.");
    serves_what_a_build_writes(&server.addr, &t, &["/blog/expiring/"]);
}

/// Issue 18, item 8: `//about` redirected to `//about/`, which a browser reads as the host
/// `about`. Redirects stay on this server.
#[test]
fn dev_server_open_redirect_on_double_slash() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    for (path, location) in [
        ("/about", "/about/"),
        ("//about", "/about/"),
        ("///about", "/about/"),
        ("//blog?x=1", "/blog/?x=1"),
    ] {
        let (status, head, _) = request(&server.addr, "GET", path, &server.addr);
        assert_eq!(status, 301, "{path}");
        assert!(
            head.contains(&format!("\r\nlocation: {location}\r\n")),
            "{path}: {head}"
        );
    }
    for path in ["/%2f%2fabout", "/\\about", "/%5cabout"] {
        let (status, head, _) = request(&server.addr, "GET", path, &server.addr);
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert!(!head.contains("location:"), "{path}: {head}");
    }
}

/// Issue 18, item 8: any `Host` was served, so a page whose name was made to resolve to
/// 127.0.0.1 (DNS rebinding) could read the drafts `serve` shows. Only loopback names and
/// the bound address are served.
#[test]
fn dev_server_rejects_foreign_host_header() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "10.1.2.3".to_string(),
    ] {
        for path in ["/blog/draft-post/", "/__parvis/live.js", "/__parvis/events"] {
            let (status, _, body) = request(&server.addr, "GET", path, &host);
            assert!(status == 403 || status == 421, "{host} {path}: {status}");
            assert!(!String::from_utf8_lossy(&body).contains("Draft"), "{host}");
        }
    }
    // An absolute URL names the host too.
    let (status, _, _) = request(
        &server.addr,
        "GET",
        "http://evil.example/blog/draft-post/",
        &server.addr,
    );
    assert!(status == 403 || status == 421, "absolute form: {status}");
    for host in [
        server.addr.clone(),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("portal.localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, _) = request(&server.addr, "GET", "/blog/draft-post/", &host);
        assert_eq!(status, 200, "{host}");
    }
}

/// Issue 18, item 8: every method got 200. Only GET and HEAD are answered; others get 405
/// with the methods allowed.
#[test]
fn dev_server_answers_405_to_post() {
    let t = SiteTest::fixture("basic");
    let server = start(&t);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        for path in ["/", "/about/", "/no/such/page/", "/__parvis/live.js"] {
            let (status, head, _) = request(&server.addr, method, path, &server.addr);
            assert_eq!(status, 405, "{method} {path}");
            assert!(
                head.contains("\r\nallow: get, head"),
                "{method} {path}: {head}"
            );
        }
    }
    let (status, head, body) = request(&server.addr, "HEAD", "/about/", &server.addr);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(body.is_empty());
    assert_eq!(request(&server.addr, "GET", "/about/", &server.addr).0, 200);
}

/// `serve --audience internal` previews the inner circle's portal; without it, the widest.
#[test]
fn serve_previews_an_inner_circle_with_audience() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/team-only.md",
        "---\ntitle: Team only\naudience: internal\n---\nFor the team.\n",
    );
    let public = start(&t);
    assert_eq!(
        get(&public.addr, "/team-only/").0,
        404,
        "hidden from the public"
    );
    drop(public);
    let internal = start_with(&t, &["--audience", "internal"]);
    assert_eq!(
        get(&internal.addr, "/team-only/").0,
        200,
        "shown to the team"
    );
    drop(internal);
    let out = parvis()
        .args(["serve", "--port", "0", "--audience", "intrnal"])
        .arg(&t.root)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean `internal`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A page whose `expiry_date` passes while serving goes, with no edit to wake the watcher.
#[test]
fn a_page_that_expires_while_serving_goes_without_an_edit() {
    let t = SiteTest::fixture("basic");
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(4);
    t.file(
        "content/flash-sale.md",
        format!(
            "---\ntitle: Flash sale\nexpiry_date: {}\n---\nToday only.\n",
            soon.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
    );
    let server = start(&t);
    assert_eq!(
        get(&server.addr, "/flash-sale/").0,
        200,
        "open until it expires"
    );
    answers(&server.addr, "/flash-sale/", 404);
}

/// A page's opening to a wider circle is one of the moments `serve` rebuilds at: the
/// ambassadors' preview loses its "Preview" mark when the public date passes, with no edit.
#[test]
fn a_preview_ends_while_serving_without_an_edit() {
    let t = SiteTest::fixture("basic");
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(4);
    t.file(
        "content/launch.md",
        format!(
            "---\ntitle: Launch\npublish_date:\n  ambassadors: 2026-01-01\n  public: {}\n---\nNews.\n",
            soon.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
    );
    let server = start_with(&t, &["--audience", "ambassadors"]);
    let page = |addr: &str| String::from_utf8_lossy(&get(addr, "/launch/").2).into_owned();
    let body = page(&server.addr);
    assert!(
        body.contains("Preview, public on"),
        "a preview until the public date:\n{body}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while page(&server.addr).contains("Preview, public on") {
        assert!(Instant::now() < deadline, "the preview mark never went");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(get(&server.addr, "/launch/").0, 200, "the page stays");
    assert!(page(&server.addr).contains("<h1>Launch"));
}
