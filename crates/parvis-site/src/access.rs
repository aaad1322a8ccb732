//! Access rules for the circles of `build --all-audiences`: ready-to-edit server configuration
//! that keeps every circle but the widest behind a login. Pages link from the site's root, so
//! each circle is served as its own host (`internal.portal.example.org`), never as a
//! sub-folder. What is a placeholder (the folders on the server, the password files, the
//! passwords) is written in capitals or under `/var/www/portal` and `/etc/parvis`, and
//! documented in content/guide/deploy.md.
//!
//! This module only writes text from the configuration; the build decides where it goes.

use parvis_core::config::Config;

/// The folder of the output, beside the circles' folders, that holds the server snippets.
pub const DIR: &str = "access-rules";

/// Where the circles' folders are on the server, in the snippets.
pub const SERVER_ROOT: &str = "/var/www/portal";

/// The password file of `audience` on the server, in the snippets.
pub fn htpasswd_path(audience: &str) -> String {
    format!("/etc/parvis/{audience}.htpasswd")
}

/// One circle: its name, its host name and whether it needs a login.
struct Circle<'a> {
    audience: &'a str,
    host: String,
    private: bool,
}

fn circles(config: &Config) -> Vec<Circle<'_>> {
    let host = host_of(&config.base_url);
    let public = config.public_audience();
    config
        .audiences
        .iter()
        .map(|a| Circle {
            audience: a.as_str(),
            host: if *a == public {
                host.clone()
            } else {
                format!("{a}.{host}")
            },
            private: *a != public,
        })
        .collect()
}

/// The host of `base_url`, without scheme, port or path.
fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    host.split(':').next().unwrap_or(host).to_string()
}

/// The files to write, by output path: `access-rules/nginx.conf` and `access-rules/Caddyfile`
/// beside the circles' folders, and `_headers` and `_redirects` in each circle's folder for
/// Netlify-style hosts (one site per circle).
pub fn files(config: &Config) -> Vec<(String, String)> {
    let circles = circles(config);
    let mut out = vec![
        (format!("{DIR}/nginx.conf"), nginx(&circles)),
        (format!("{DIR}/Caddyfile"), caddy(&circles)),
    ];
    for c in &circles {
        let a = c.audience;
        out.push((
            format!("{a}/_redirects"),
            "/*  /404.html  404\n".to_string(),
        ));
        if c.private {
            out.push((
                format!("{a}/_headers"),
                format!(
                    "# The `{a}` circle: a login for every page (replace the password), never\n# cached by shared caches or indexed.\n/*\n  Basic-Auth: {a}:CHANGE-THIS-PASSWORD\n  Cache-Control: private, no-store\n  X-Robots-Tag: noindex\n"
                ),
            ));
        }
    }
    out
}

fn nginx(circles: &[Circle<'_>]) -> String {
    let mut out = String::from(
        "# Written by `parvis build --all-audiences`: one server per circle, for nginx's http {}\n\
         # block (`include` this file). Copy each circle's folder to /var/www/portal/<circle>/,\n\
         # create each password file with `htpasswd -c /etc/parvis/<circle>.htpasswd NAME`\n\
         # (or `openssl passwd -apr1`), and point each host name at the server.\n",
    );
    for c in circles {
        out.push_str(&format!(
            "\nserver {{\n    listen 80;\n    server_name {host};\n    root {SERVER_ROOT}/{a};\n    error_page 404 /404.html;\n    location / {{\n",
            host = c.host,
            a = c.audience,
        ));
        if c.private {
            out.push_str(&format!(
                "        auth_basic \"{a}\";\n        auth_basic_user_file {file};\n        add_header Cache-Control \"private, no-store\" always;\n        add_header X-Robots-Tag \"noindex\" always;\n",
                a = c.audience,
                file = htpasswd_path(c.audience),
            ));
        }
        out.push_str("        try_files $uri $uri/ =404;\n    }\n}\n");
    }
    out
}

fn caddy(circles: &[Circle<'_>]) -> String {
    let mut out = String::from(
        "# Written by `parvis build --all-audiences`: one site per circle. Copy each circle's\n\
         # folder to /var/www/portal/<circle>/ and replace each HASH with the output of\n\
         # `caddy hash-password`.\n",
    );
    for c in circles {
        out.push_str(&format!(
            "\n{host} {{\n    root * {SERVER_ROOT}/{a}\n",
            host = c.host,
            a = c.audience
        ));
        if c.private {
            out.push_str(&format!(
                "    basic_auth {{\n        {a} HASH\n    }}\n    header Cache-Control \"private, no-store\"\n    header X-Robots-Tag noindex\n",
                a = c.audience
            ));
        }
        out.push_str("    file_server\n    handle_errors {\n        rewrite * /404.html\n        file_server\n    }\n}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_base_url() {
        assert_eq!(host_of("https://portal.example.org/"), "portal.example.org");
        assert_eq!(
            host_of("http://u@portal.example.org:8080/x/"),
            "portal.example.org"
        );
    }
}
