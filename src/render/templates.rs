//! Templates: the embedded default theme, overridden file by file by the site's `templates/`,
//! parsed once into one Tera instance shared by every rendering thread.

use crate::diagnostics::Diagnostic;
use crate::load::TemplateFile;
use include_dir::{include_dir, Dir};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use tera::{ErrorKind, Kwargs, State, Tera};

/// The default theme, built into the binary so a site needs no copy of it.
pub static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where each template came from, to put file paths on template errors.
pub struct Templates {
    pub tera: Tera,
    names: HashSet<String>,
    origins: BTreeMap<String, (PathBuf, String)>,
}

impl Templates {
    /// Parses the theme's templates and the site's overrides. Every syntax error is reported.
    pub fn new(site_templates: &[TemplateFile], root: &str) -> Result<Templates, Vec<Diagnostic>> {
        let mut origins: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        if let Some(dir) = THEME.get_dir("templates") {
            for f in all_files(dir) {
                let name = f
                    .path()
                    .strip_prefix("templates")
                    .map(crate::load::slash_path)
                    .unwrap_or_default();
                let text = f.contents_utf8().unwrap_or_default().to_string();
                origins.insert(name, (PathBuf::from("themes/default").join(f.path()), text));
            }
        }
        for t in site_templates {
            origins.insert(t.name.clone(), (t.display.clone(), t.text.clone()));
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let root_owned = root.to_string();
        tera.register_function(
            "url_for",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: &str = kwargs.must_get("path")?;
                Ok(format!("{root_owned}{}", path.trim_start_matches('/')))
            },
        );

        // Counts and rates as people write them (`3`, `0.25`), where Tera would print `3.0`.
        tera.register_filter("number", |x: f64, _: Kwargs, _: &State| {
            crate::report::output::number(x)
        });

        let mut errors = Vec::new();
        // Parse one by one first so that every file's syntax errors are reported, not only the
        // first one Tera meets.
        for (name, (display, text)) in &origins {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(name, text) {
                if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    errors.push(to_diagnostic(&e, display, text));
                }
            }
        }
        if errors.is_empty() {
            if let Err(e) =
                tera.add_raw_templates(origins.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
            {
                errors.push(template_error(&e, &origins));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let names = origins.keys().cloned().collect();
        Ok(Templates {
            tera,
            names,
            origins,
        })
    }

    /// Names of the shortcodes (templates under `shortcodes/`).
    pub fn shortcode_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .names
            .iter()
            .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .collect();
        v.sort_unstable();
        v
    }

    pub fn exists(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// A rendering error, placed in its template file.
    pub fn error(&self, e: &tera::Error) -> Diagnostic {
        template_error(e, &self.origins)
    }
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

fn template_error(e: &tera::Error, origins: &BTreeMap<String, (PathBuf, String)>) -> Diagnostic {
    let name = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => r.filename().to_string(),
        ErrorKind::MissingParent { current, .. } => current.clone(),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            tpl.clone()
        }
        _ => String::new(),
    };
    match origins.get(&name) {
        Some((display, text)) => to_diagnostic(e, display, text),
        None => Diagnostic::error("templates", first_line(&e.to_string())),
    }
}

fn to_diagnostic(e: &tera::Error, display: &PathBuf, text: &str) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let span = r.span();
            let mut message = r.message().to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::error(display, format!("template: {message}"))
                .at(text, span.start_line, span.start_col + 1)
                .with_hint("fix the template; every variable a template can use is listed in themes/default/README.md")
        }
        ErrorKind::MissingParent { parent, .. } => Diagnostic::error(
            display,
            format!("template extends `{parent}`, which does not exist"),
        )
        .with_hint("add that template under templates/, or extend `base.html`"),
        _ => Diagnostic::error(display, format!("template: {}", first_line(&e.to_string()))),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}
