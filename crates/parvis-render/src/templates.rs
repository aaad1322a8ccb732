//! Templates: the embedded default theme, overridden file by file by the site's `templates/`,
//! parsed once into one Tera instance shared by every rendering thread.

use crate::images::ImageFunctions;
use include_dir::{include_dir, Dir};
use parvis_core::diagnostics::Diagnostic;
use parvis_core::load::TemplateFile;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use tera::{ErrorKind, Kwargs, State, Tera};

/// The default theme, built into the binary so a site needs no copy of it.
pub static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/default");

/// Where each template came from, to put file paths on template errors, and what each one uses.
#[derive(Clone)]
pub struct Templates {
    pub tera: Tera,
    names: HashSet<String>,
    origins: BTreeMap<String, (PathBuf, String)>,
    uses: BTreeMap<String, Scan>,
    /// Component name to the template that defines it: Tera's components are global.
    components: BTreeMap<String, String>,
    /// What rendering each template can read, over the templates it uses.
    usages: BTreeMap<String, Usage>,
}

impl Templates {
    /// Parses the theme's templates and the site's overrides. Every syntax error is reported.
    /// `images`: the site's image functions (`resize_image`, `get_image_metadata`), which
    /// the theme's `figure` calls: Tera checks that every function called exists.
    pub fn new(
        site_templates: &[TemplateFile],
        root: &str,
        images: &Arc<ImageFunctions>,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut origins: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        if let Some(dir) = THEME.get_dir("templates") {
            for f in all_files(dir) {
                let name = f
                    .path()
                    .strip_prefix("templates")
                    .map(parvis_core::load::slash_path)
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

        images.register(&mut tera);

        // Counts and rates as people write them (`3`, `0.25`), where Tera would print `3.0`.
        tera.register_filter("number", |x: f64, _: Kwargs, _: &State| {
            parvis_core::text::number(x)
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
        let uses: BTreeMap<String, Scan> = origins
            .iter()
            .map(|(name, (_, text))| (name.clone(), scan(text)))
            .collect();
        let components = uses
            .iter()
            .flat_map(|(name, u)| u.defines.iter().map(move |c| (c.clone(), name.clone())))
            .collect();
        let mut t = Templates {
            tera,
            names,
            origins,
            uses,
            components,
            usages: BTreeMap::new(),
        };
        t.usages = t
            .uses
            .keys()
            .map(|name| {
                let mut usage = Usage::default();
                for n in t.closure(name) {
                    if let Some(u) = t.uses.get(&n) {
                        usage.add(u);
                    }
                }
                (name.clone(), usage)
            })
            .collect();
        Ok(t)
    }

    /// Templates whose text differs between `self` and `old`, or that only one of them has.
    pub fn changed_since(&self, old: &Templates) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .origins
            .iter()
            .filter(|(n, (_, t))| old.origins.get(*n).is_none_or(|(_, o)| o != t))
            .map(|(n, _)| n.clone())
            .collect();
        out.extend(
            old.origins
                .keys()
                .filter(|n| !self.origins.contains_key(*n))
                .cloned(),
        );
        out
    }

    /// `name` and every template it extends, includes or takes a component from, transitively.
    pub fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.to_string()];
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            if let Some(u) = self.uses.get(&n) {
                stack.extend(u.names.iter().cloned());
                stack.extend(
                    u.calls
                        .iter()
                        .filter_map(|c| self.components.get(c))
                        .cloned(),
                );
            }
        }
        seen
    }

    /// What rendering `name` can read of its variables and of the globals.
    pub fn usage(&self, name: &str) -> &Usage {
        static NOTHING: std::sync::OnceLock<Usage> = std::sync::OnceLock::new();
        self.usages
            .get(name)
            .unwrap_or_else(|| NOTHING.get_or_init(Usage::default))
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

    /// Whether `self` and `other` have the same templates by name. When they do not, an
    /// output may start from another template (`section-blog.html` came, `page-docs.html`
    /// went: see [`crate::template_for`]) though nothing it used changed.
    pub fn same_names(&self, other: &Templates) -> bool {
        self.names == other.names
    }

    /// A rendering error, placed in its template file.
    pub fn error(&self, e: &tera::Error) -> Diagnostic {
        template_error(e, &self.origins)
    }
}

/// What a template's tags mention, read from its text.
#[derive(Debug, Default, Clone)]
struct Scan {
    /// Templates named by `extends` and `include`.
    names: BTreeSet<String>,
    /// Components it defines.
    defines: BTreeSet<String>,
    /// Components it may call (`<name`).
    calls: BTreeSet<String>,
    mentions: Usage,
}

/// What rendering a template can read, from the text of the templates it uses: the variables
/// and globals it names and, for each, the fields it takes (`page.title` reads only `title` of
/// `page`). A name used otherwise (`{% set p = page %}`, `page | json_encode`, `page[key]`,
/// `{% for k, v in page %}`) counts as read whole, and `__tera_context` as reading everything.
/// Read from the text, not from a run: a mention in a branch never taken still counts, and a
/// field name is counted for every variable (`a.title` and `b` read as `b` whole), so this
/// only ever says a template reads more than it does.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    everything: bool,
    names: HashSet<String>,
    fields: BTreeMap<String, BTreeSet<String>>,
    whole: HashSet<String>,
}

impl Usage {
    fn add(&mut self, other: &Scan) {
        let o = &other.mentions;
        self.everything |= o.everything;
        self.names.extend(o.names.iter().cloned());
        self.whole.extend(o.whole.iter().cloned());
        for (k, v) in &o.fields {
            self.fields
                .entry(k.clone())
                .or_default()
                .extend(v.iter().cloned());
        }
    }

    /// How much of the variable `name` rendering can read: `None` nothing, `Some(None)` all of
    /// it, `Some(Some(fields))` those fields of it alone.
    pub fn of(&self, name: &str) -> Option<Option<&BTreeSet<String>>> {
        if self.everything || self.whole.contains(name) {
            return Some(None);
        }
        self.fields.get(name).map(Some)
    }

    /// Whether rendering reads the global `name`, as [`crate::GlobalKeys`] names them:
    /// `site.FIELD`, `site.data.KEY`, `community`, `listings`.
    pub fn reads(&self, name: &str) -> bool {
        let has = |var: &str, field: &str| match self.of(var) {
            None => false,
            Some(None) => true,
            Some(Some(f)) => f.contains(field),
        };
        match name.split('.').collect::<Vec<_>>().as_slice() {
            ["site", "data", key] => match self.of("site") {
                None => false,
                Some(None) => true,
                Some(Some(f)) => {
                    f.contains("data")
                        && (self.whole.contains("data")
                            || self.fields.get("data").is_some_and(|f| f.contains(*key)))
                }
            },
            ["site", field] => has("site", field),
            _ => self.everything || self.names.contains(name),
        }
    }
}

/// Reads the tags (`{{ }}`, `{% %}`) of a template: the names of the templates it needs and the
/// variables it mentions. Over-approximates: a comparison `a <b` reads as a component call, and
/// text inside `{% raw %}` as tags; both only make `serve` render a little more.
fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = match after.as_bytes().first() {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                rest = after.find("#}").map_or("", |e| &after[e + 2..]);
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let end = body.find(close).unwrap_or(body.len());
        scan_tag(&body[..end], &mut out);
        rest = body.get(end + 2..).unwrap_or("");
    }
    out
}

fn scan_tag(tag: &str, out: &mut Scan) {
    let b = tag.as_bytes();
    let mut i = 0;
    // The previous identifier, when it was the last token: `extends`, `include`, `component`.
    let mut keyword: Option<&str> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            let end = tag[i + 1..].find(c as char).map_or(b.len(), |e| i + 1 + e);
            if matches!(keyword, Some("extends" | "include")) {
                out.names.insert(tag[i + 1..end].to_string());
            }
            keyword = None;
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let word = ident(tag, &mut i);
            let before = tag[..i - word.len()].trim_end();
            if before.ends_with('<') || before.ends_with("</") {
                out.calls.insert(word.to_string());
            } else if keyword == Some("component") {
                out.defines.insert(word.to_string());
            }
            let m = &mut out.mentions;
            m.everything |= word == "__tera_context";
            m.names.insert(word.to_string());
            let after = tag[i..].trim_start();
            let field = after
                .strip_prefix('.')
                .map(str::trim_start)
                .and_then(|rest| {
                    let mut j = 0;
                    let first = rest.as_bytes().first()?;
                    (first.is_ascii_alphabetic() || *first == b'_').then(|| ident(rest, &mut j))
                });
            match field {
                Some(f) => {
                    m.fields
                        .entry(word.to_string())
                        .or_default()
                        .insert(f.to_string());
                }
                None => {
                    m.whole.insert(word.to_string());
                }
            }
            keyword = Some(word);
        } else {
            if !c.is_ascii_whitespace() && c != b'-' {
                keyword = None;
            }
            i += 1;
        }
    }
}

/// The identifier at `*i`, moving `*i` past it.
fn ident<'a>(text: &'a str, i: &mut usize) -> &'a str {
    let b = text.as_bytes();
    let start = *i;
    while *i < b.len() && (b[*i].is_ascii_alphanumeric() || b[*i] == b'_') {
        *i += 1;
    }
    &text[start..*i]
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

/// A Tera error as a diagnostic at its place in `text`, the template read from `display`.
pub fn to_diagnostic(e: &tera::Error, display: &PathBuf, text: &str) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(files: &[(&str, &str)]) -> Templates {
        let site: Vec<TemplateFile> = files
            .iter()
            .map(|(name, text)| TemplateFile {
                name: name.to_string(),
                display: PathBuf::from("templates").join(name),
                text: text.to_string(),
            })
            .collect();
        // Never used: nothing here resizes, so nothing is written to the cache.
        let images = parvis_images::Images::new(
            std::env::temp_dir().join("parvis-unused-cache"),
            parvis_images::Settings::default(),
        );
        let functions = ImageFunctions::new(Arc::new(images), "/nonexistent", "/", "100vw");
        Templates::new(&site, "/", &Arc::new(functions)).unwrap()
    }

    #[test]
    fn reads_what_a_template_extends_includes_and_calls() {
        let s = scan(
            "{%- extends \"base.html\" -%}{# {% include \"no.html\" %} #}{% block x %}{% include 'partials/a.html' %}{{ <docs_node node={n} /> }}{% if a < b %}{{ site.title }}{% endif %}{% endblock x %}",
        );
        assert_eq!(
            s.names.iter().collect::<Vec<_>>(),
            ["base.html", "partials/a.html"]
        );
        assert!(s.calls.contains("docs_node"));
        let mut u = Usage::default();
        u.add(&s);
        assert_eq!(
            u.of("site"),
            Some(Some(&BTreeSet::from(["title".to_string()])))
        );
        assert_eq!(u.of("page"), None);
        assert!(u.reads("site.title") && !u.reads("site.menu"));
        let mut whole = Usage::default();
        whole.add(&scan("{% set s = site %}{{ s.data.x }}"));
        assert!(whole.reads("site.data.stats"));
        assert!(scan("{% component card(x) %}{% endcomponent card %}")
            .defines
            .contains("card"));
    }

    #[test]
    fn the_closure_follows_parents_partials_and_components() {
        let t = templates(&[
            ("page.html", "{% extends \"base.html\" %}{% block content %}{% include \"partials/docs_nav.html\" %}{{ page.title }}{% endblock content %}"),
            ("shortcodes/quote.html", "<q>{{ text }}</q>"),
            ("shortcodes/stats.html", "{{ site.data.stats.members }}"),
        ]);
        let page = t.closure("page.html");
        assert!(page.contains("base.html"));
        assert!(
            page.contains("partials/header.html"),
            "base includes the header"
        );
        assert!(
            page.contains("partials/components.html"),
            "docs_nav calls a component"
        );
        assert!(!t.closure("shortcodes/quote.html").contains("base.html"));
        let stats = t.usage("shortcodes/stats.html");
        assert!(stats.reads("site.data.stats") && !stats.reads("site.data.offices"));
        assert!(!t.usage("shortcodes/quote.html").reads("site.data.stats"));
        assert!(
            t.usage("page.html").reads("community"),
            "the header counts members"
        );
        assert_eq!(t.usage("page.html").of("section"), None);
    }
}
