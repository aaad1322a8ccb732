//! Access rules: `build --all-audiences` writes server configuration that keeps the inner
//! circles behind a login. A real nginx, started from the generated file, enforces it.

use crate::site_test::SiteTest;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";

#[test]
fn all_audiences_writes_access_rules_for_each_inner_circle() {
    let t = SiteTest::fixture("circles");
    t.build(&["--all-audiences"]).success();
    let nginx = t.read("access-rules/nginx.conf");
    for inner in ["internal", "ambassadors", "partners"] {
        assert!(nginx.contains(&format!("server_name {inner}.circles.example.org;")));
        assert!(nginx.contains(&format!(
            "auth_basic_user_file /etc/parvis/{inner}.htpasswd;"
        )));
        assert!(t
            .read(&format!("{inner}/_headers"))
            .contains(&format!("Basic-Auth: {inner}:CHANGE-THIS-PASSWORD")));
    }
    assert_eq!(nginx.matches("auth_basic ").count(), 3, "{nginx}");
    assert!(!t.exists("public/_headers"));
    assert!(t.read("public/_redirects").contains("/404.html  404"));
    let caddy = t.read("access-rules/Caddyfile");
    assert_eq!(caddy.matches("basic_auth").count(), 3, "{caddy}");
    assert!(caddy.contains("\ncircles.example.org {\n    root * /var/www/portal/public\n"));
}

/// nginx running in the foreground from a configuration file, stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The status code of `GET path` on `host`, with `auth` as `user:password`.
fn status(port: u16, host: &str, path: &str, auth: Option<&str>) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to nginx");
    let auth = auth
        .map(|a| {
            use base64::Engine as _;
            let token = base64::engine::general_purpose::STANDARD.encode(a);
            format!("Authorization: Basic {token}\r\n")
        })
        .unwrap_or_default();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n{auth}\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

#[test]
#[ignore = "needs Debian's nginx (/usr/sbin/nginx) and openssl; .ci/run installs them and runs it"]
fn nginx_from_the_generated_rules_asks_the_inner_circles_for_a_password() {
    assert!(
        Path::new(NGINX).exists(),
        "this test needs Debian's nginx: apt-get install nginx (.ci/run does)"
    );
    let t = SiteTest::fixture("circles");
    t.build(&["--all-audiences"]).success();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hash = Command::new("openssl")
        .args(["passwd", "-apr1", "open-sesame"])
        .output()
        .expect("this test needs openssl: apt-get install openssl (.ci/run does)");
    let hash = String::from_utf8(hash.stdout).unwrap();
    for inner in ["internal", "ambassadors", "partners"] {
        std::fs::write(
            dir.join(format!("{inner}.htpasswd")),
            format!("{inner}:{}", hash.trim()),
        )
        .unwrap();
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Only the placeholders the guide says to change: the folders, the password files and
    // the port nginx listens on.
    let rules = t
        .read("access-rules/nginx.conf")
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("/var/www/portal", &t.out().display().to_string())
        .replace("/etc/parvis", &dir.display().to_string());
    std::fs::write(dir.join("rules.conf"), rules).unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "daemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/rules.conf;\n}}\n"
        ),
    )
    .unwrap();
    let _nginx = Nginx(
        Command::new(NGINX)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .spawn()
            .expect("start nginx"),
    );
    // Readiness, not timing: wait until nginx accepts connections.
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let internal = "internal.circles.example.org";
    assert_eq!(status(port, internal, "/", None), 401);
    assert_eq!(status(port, internal, "/", Some("internal:wrong")), 401);
    assert_eq!(
        status(port, internal, "/", Some("internal:open-sesame")),
        200
    );
    assert_eq!(
        status(
            port,
            internal,
            "/internal-docs/runbook/",
            Some("internal:open-sesame")
        ),
        200
    );
    assert_eq!(status(port, "circles.example.org", "/", None), 200);
    assert_eq!(
        status(port, "circles.example.org", "/internal-docs/runbook/", None),
        404
    );
}
