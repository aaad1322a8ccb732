//! Archetypes: the Tera templates `parvis new` fills, from the site's `archetypes/` or else
//! the default theme's, and the values they receive (see themes/default/README.md).

use super::{Kind, NewArgs, NewError};
use parvis_core::diagnostics::{suggest, Diagnostic, Diagnostics};
use parvis_core::model::Site;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::{Context, Kwargs, State, Tera};

/// The values an archetype may use.
pub struct Vars(Context);

impl Vars {
    /// Everything the archetype of `a.kind` needs, checked against the site: the communities
    /// a member joins and the managers and charter of a community must exist.
    pub fn new(
        site: &Site,
        a: &NewArgs,
        id: &str,
        lang: &str,
        root: &Path,
    ) -> Result<Vars, NewError> {
        let config = &site.config;
        let now = parvis_core::date::now().to_zoned(jiff::tz::TimeZone::UTC);
        let today = now.date();
        let mut c = Context::new();
        c.insert("title", &a.title);
        c.insert("id", id);
        c.insert("slug", id);
        c.insert("lang", lang);
        c.insert("default_lang", &config.language);
        c.insert("draft", &a.draft);
        c.insert("date", &today.to_string());
        c.insert("base_url", &config.base_url);
        c.insert("kind", a.kind.name());
        match a.kind {
            Kind::Event => {
                // A week ahead, in the evening: a time the writer will change, but a valid one.
                let day = today
                    .checked_add(jiff::Span::new().days(7))
                    .unwrap_or(today);
                c.insert("start", &format!("{day}T18:00:00"));
                c.insert("end", &format!("{day}T20:00:00"));
                c.insert("timezone", &usual_timezone(site));
            }
            Kind::Job => {
                let through = today
                    .checked_add(jiff::Span::new().days(60))
                    .unwrap_or(today);
                c.insert("valid_through", &through.to_string());
                c.insert("apply_url", &apply_url(site, id));
            }
            Kind::Member => {
                let known: Vec<&str> = site
                    .community
                    .communities
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect();
                check_ids(&a.communities, &known, "community", "data/communities")?;
                c.insert("communities", &a.communities);
            }
            Kind::Community => {
                let known: Vec<&str> = site
                    .community
                    .members
                    .iter()
                    .map(|m| m.id.as_str())
                    .collect();
                check_ids(&a.managers, &known, "member", "data/members")?;
                c.insert("managers", &a.managers);
                let charter = match &a.charter {
                    Some(ch) => Some(charter(site, root, ch)?),
                    None => None,
                };
                c.insert("charter", &charter);
            }
            _ => {}
        }
        Ok(Vars(c))
    }
}

/// Ids given on the command line must exist: a typo would only show at the next check.
fn check_ids(given: &[String], known: &[&str], what: &str, place: &str) -> Result<(), NewError> {
    for g in given {
        if !known.contains(&g.as_str()) {
            let hint = match suggest(g, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            return Err(NewError::usage(format!(
                "there is no {what} `{g}`; {hint}the ids are in {place}: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// A charter is a page of the site, named by its path under content/.
fn charter(site: &Site, root: &Path, given: &str) -> Result<String, NewError> {
    let rel = given.trim_start_matches('/');
    let rel = rel.strip_prefix("content/").unwrap_or(rel);
    if root.join("content").join(rel).is_file() {
        return Ok(rel.to_string());
    }
    let pages: Vec<String> = site
        .pages
        .iter()
        .map(|p| parvis_core::load::slash_path(&p.source.rel))
        .collect();
    let hint = match suggest(rel, pages.iter().map(String::as_str)) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    Err(NewError::usage(format!(
        "--charter `{given}` is not a page under content/{hint}"
    )))
}

/// The time zone most of the site's events use, so that a new one starts in it; UTC on a
/// site without events.
fn usual_timezone(site: &Site) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &site.pages {
        if let Some(e) = &p.event {
            *counts.entry(e.timezone.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(tz, n)| (*n, std::cmp::Reverse(*tz)))
        .map_or_else(|| "UTC".to_string(), |(tz, _)| tz.to_string())
}

/// Where candidates apply: the newest posting's address with this posting's id as its last
/// part (`https://jobs.example/apply/<id>`), the site's own convention; on a site without
/// postings, an example.com address that reads as the placeholder it is.
fn apply_url(site: &Site, id: &str) -> String {
    let newest = site
        .pages
        .iter()
        .filter_map(|p| Some((p.date, p.job.as_ref()?.apply_url.as_deref()?)))
        .filter(|(_, u)| u.starts_with("https://") || u.starts_with("http://"))
        .max_by_key(|(d, u)| (d.map(|d| d.timestamp()), std::cmp::Reverse(*u)));
    match newest {
        Some((_, u)) => {
            let base = u.trim_end_matches('/');
            match base.rfind('/') {
                Some(i) if i > base.find("://").map_or(0, |s| s + 2) => {
                    format!("{}/{id}", &base[..i])
                }
                _ => format!("{base}/{id}"),
            }
        }
        None => format!("https://example.com/apply/{id}"),
    }
}

/// The archetype of `kind`, rendered: the site's `archetypes/<kind>.<ext>`, else the theme's.
pub fn render(root: &Path, kind: Kind, vars: &Vars) -> Result<String, NewError> {
    let ext = if kind.is_data() { "yaml" } else { "md" };
    let text = fill(root, &format!("{}.{ext}", kind.name()), vars)?;
    check(kind, &text)?;
    Ok(text)
}

/// The `_index.md` of a section created for the first post, event or posting.
pub fn render_section(
    root: &Path,
    title: &str,
    kind: Kind,
    vars: &Vars,
) -> Result<String, NewError> {
    let mut c = vars.0.clone();
    c.insert("title", title);
    c.insert("kind", kind.section().map_or("page", |s| s.0));
    fill(root, "section.md", &Vars(c))
}

fn fill(root: &Path, name: &str, vars: &Vars) -> Result<String, NewError> {
    let own = root.join("archetypes").join(name);
    let (display, text) = if own.is_file() {
        let display = PathBuf::from("archetypes").join(name);
        let text = parvis_core::load::read_text(&own, &display).map_err(one)?;
        (display, text)
    } else {
        let path = format!("archetypes/{name}");
        let file = parvis_render::templates::THEME
            .get_file(&path)
            .expect("the default theme has every archetype");
        (
            PathBuf::from("themes/default").join(&path),
            file.contents_utf8().unwrap_or_default().to_string(),
        )
    };
    let mut tera = Tera::new();
    tera.register_filter("yaml", |v: tera::Value, _: Kwargs, _: &State| {
        let json = serde_json::to_value(&v).unwrap_or_default();
        yaml_flow(&json)
    });
    let mut out = tera
        .add_raw_template(name, &text)
        .and_then(|_| tera.render(name, &vars.0))
        .map_err(|e| one(parvis_render::templates::to_diagnostic(&e, &display, &text)))?;
    // Tera drops the template's last line break; a text file ends with one.
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn one(d: Diagnostic) -> NewError {
    let mut all = Diagnostics::default();
    all.push(d);
    NewError::Content(all)
}

/// A value as YAML writes it on one line: plain words stay plain, other text is quoted.
fn yaml_flow(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => yaml_scalar(s),
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// `s` plain when YAML would read it back as the same string, else double-quoted (JSON's
/// quoting is valid YAML).
fn yaml_scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_alphabetic())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/'))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// A site's own archetype may be wrong: what it gives must parse as front matter or as one
/// data entry, or nothing is written.
fn check(kind: Kind, text: &str) -> Result<(), NewError> {
    let display = PathBuf::from(format!("(the {} archetype, filled)", kind.name()));
    if kind.is_data() {
        let origin = parvis_core::yaml::Origin::whole(&display, text);
        let v: serde_json::Value = parvis_core::yaml::from_yaml(text, origin, &[]).map_err(one)?;
        if !v.is_object() {
            return Err(one(Diagnostic::error(
                &display,
                "the archetype must give one entry (a mapping of keys), not a list or a value",
            )));
        }
        return Ok(());
    }
    let split = parvis_core::load::frontmatter::split(&display, text).map_err(one)?;
    parvis_core::load::frontmatter::parse(&display, text, &split, false).map_err(one)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_read_back_as_written() {
        assert_eq!(
            yaml_scalar("Opening our community"),
            "Opening our community"
        );
        assert_eq!(yaml_scalar("Part 1: the start"), "\"Part 1: the start\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2026"), "\"2026\"");
        assert_eq!(
            yaml_scalar("L'équipe \"verte\""),
            "\"L'équipe \\\"verte\\\"\""
        );
        assert_eq!(
            yaml_flow(&serde_json::json!(["ana", "users club"])),
            "[ana, users club]"
        );
    }
}
