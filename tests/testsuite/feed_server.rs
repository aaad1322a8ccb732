//! A local HTTP server for the feed tests: answers each path as the test says (status, body,
//! `ETag`, a delay) or from the files of a folder, honours `If-None-Match` with a 304, and
//! logs every request with the bytes of body it sent back.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How one path answers.
#[derive(Clone, Default)]
pub struct Route {
    pub status: u16,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub delay: Duration,
}

impl Route {
    /// `200 OK` with `body` and an `ETag` of its own.
    pub fn ok(body: &str) -> Route {
        Route {
            status: 200,
            etag: Some(format!("\"{:x}\"", fnv(body.as_bytes()))),
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn status(code: u16) -> Route {
        Route {
            status: code,
            body: b"server error".to_vec(),
            ..Route::default()
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One request: its path, the `If-None-Match` it sent, the status and body bytes answered.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
    pub bytes: usize,
}

#[derive(Clone)]
pub struct FeedServer {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl FeedServer {
    /// A server answering the routes set with [`FeedServer::route`], and the files under
    /// `dir` (when given) for any other path.
    pub fn start(dir: Option<PathBuf>) -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = FeedServer {
            port: listener.local_addr().unwrap().port(),
            routes: Arc::default(),
            log: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, dir) = (s.clone(), dir.clone());
                std::thread::spawn(move || s.answer(stream, dir.as_ref()));
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    fn answer(&self, mut stream: TcpStream, dir: Option<&PathBuf>) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let mut if_none_match = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("if-none-match") {
                    if_none_match = Some(value.trim().to_string());
                }
            }
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let route = self.routes.lock().unwrap().get(&path).cloned().or_else(|| {
            let file = dir?.join(path.trim_start_matches('/'));
            let text = std::fs::read_to_string(file).ok()?;
            Some(Route::ok(&text))
        });
        let route = route.unwrap_or_else(|| Route::status(404));
        std::thread::sleep(route.delay);
        let not_modified = route.etag.is_some() && route.etag == if_none_match;
        let (status, body): (u16, &[u8]) = if not_modified {
            (304, b"")
        } else {
            (route.status, &route.body)
        };
        self.log.lock().unwrap().push(Hit {
            path,
            if_none_match,
            status,
            bytes: body.len(),
        });
        let etag = route
            .etag
            .as_ref()
            .map(|e| format!("ETag: {e}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n{etag}Connection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    }
}
