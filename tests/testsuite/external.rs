//! `check --external`: the web addresses a site links to, asked of a local server that the
//! test starts and that answers each path its own way.

use crate::site_test::SiteTest;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A local HTTP server; `requests` holds every `METHOD /path` it was asked, in order.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Server { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn asked(&self, request: &str) -> usize {
        let all = self.requests.lock().unwrap();
        all.iter().filter(|r| r.as_str() == request).count()
    }

    fn total(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let request = format!("{method} {path}");
    let seen_before = {
        let mut all = log.lock().unwrap();
        let n = all
            .iter()
            .filter(|r| r.ends_with(&format!(" {path}")))
            .count();
        all.push(request);
        n
    };
    let (status, headers) = match path {
        "/ok" => ("200 OK", String::new()),
        "/gone" => ("404 Not Found", String::new()),
        "/loop-a" => ("302 Found", "Location: /loop-b\r\n".into()),
        "/loop-b" => ("302 Found", "Location: /loop-a\r\n".into()),
        "/moved" => ("301 Moved Permanently", "Location: /ok\r\n".into()),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
        "/no-head" => ("200 OK", String::new()),
        "/busy" if seen_before == 0 => ("429 Too Many Requests", "Retry-After: 1\r\n".into()),
        "/busy" => ("200 OK", String::new()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            ("200 OK", String::new())
        }
        _ => ("404 Not Found", String::new()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

/// The basic fixture with a page linking to `paths` of `server`, one link a line.
fn site_linking(server: &Server, paths: &[&str]) -> SiteTest {
    let t = SiteTest::fixture("basic");
    let body: String = paths
        .iter()
        .map(|p| format!("- [{p}]({})\n", server.url(p)))
        .collect();
    t.file(
        "content/links.md",
        format!("---\ntitle: Links\n---\n{body}"),
    );
    t
}

#[test]
fn external_links_that_are_gone_or_loop_fail_at_their_place() {
    let server = Server::start();
    let t = site_linking(&server, &["/ok", "/gone", "/loop-a", "/moved", "/no-head"]);
    let run = t.run(&["check", "--external"]);
    run.failure(1)
        .stderr_has(&format!(
            "error: link to `{}`: the server answered 404",
            server.url("/gone")
        ))
        .stderr_has("--> content/links.md:5:3")
        .stderr_has(&format!(
            "error: link to `{}`: redirect loop",
            server.url("/loop-a")
        ))
        .stderr_has("--> content/links.md:6:3");
    for fine in ["/ok", "/moved", "/no-head"] {
        assert!(
            !run.stderr.contains(&format!("`{}`", server.url(fine))),
            "{fine}: {}",
            run.stderr
        );
    }
    // A server that refuses HEAD is asked with GET before the link is judged.
    assert_eq!(server.asked("GET /no-head"), 1);
    // Without --external, nothing is asked.
    let before = server.total();
    t.run(&["check"]).success();
    assert_eq!(server.total(), before);
}

#[test]
fn an_external_link_that_does_not_answer_in_time_is_a_warning() {
    let server = Server::start();
    // A site with no warning of its own, for `--deny warnings`.
    let empty = tempfile::tempdir().unwrap();
    let t = SiteTest::from_dir(empty.path());
    t.file(
        "site.yaml",
        "title: Links\nbase_url: https://links.example/\n",
    );
    t.file("content/_index.md", "---\ntitle: Home\n---\n");
    t.file(
        "content/links.md",
        format!("---\ntitle: Links\n---\n[slow]({})\n", server.url("/slow")),
    );
    t.run(&["check", "--deny", "warnings"]).success();
    t.run(&["check", "--external", "--timeout", "1"])
        .success()
        .stderr_has(&format!(
            "warning: link to `{}` could not be checked: no answer in time",
            server.url("/slow")
        ));
    t.run(&[
        "check",
        "--external",
        "--timeout",
        "1",
        "--deny",
        "warnings",
    ])
    .failure(1)
    .stderr_has("no answer in time");
}

#[test]
fn a_rate_limited_link_is_asked_again_after_retry_after() {
    let server = Server::start();
    let t = site_linking(&server, &["/busy"]);
    t.run(&["check", "--external"]).success();
    assert_eq!(server.asked("HEAD /busy"), 2, "{:?}", server.requests);
}

#[test]
fn a_second_check_within_a_day_asks_nothing_and_the_cache_is_safe_to_delete() {
    let server = Server::start();
    let t = site_linking(&server, &["/ok", "/gone"]);
    t.run(&["check", "--external"]).failure(1);
    assert_eq!(server.asked("HEAD /ok"), 1);
    assert!(t.root.join(".parvis-cache/links.json").exists());
    // The answer that worked is cached; the broken one is asked again, to see a fix at once.
    t.run(&["check", "--external"]).failure(1);
    assert_eq!(server.asked("HEAD /ok"), 1);
    assert_eq!(server.asked("GET /gone"), 2);
    std::fs::remove_dir_all(t.root.join(".parvis-cache")).unwrap();
    t.run(&["check", "--external"]).failure(1);
    assert_eq!(server.asked("HEAD /ok"), 2);
}
