//! The theme README's variable list (themes/default/README.md) against what the renderer
//! gives each template: every template of the theme is replaced, on a copy of the example
//! site, by one that writes out the names in its context, and those names are compared with
//! the ones the README documents for it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The templates the renderer picks for a whole output (not partials or shortcodes).
const TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "page.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
    "search.html",
    "dashboard.html",
    "members.html",
    "member.html",
    "communities.html",
    "community.html",
    "ambassadors.html",
    "leaderboard.html",
    "from_the_community.html",
];

/// A template that writes each name in its context (`page`) and each key of a mapping in it
/// (`page.title`), one a line, so that the test reads what the renderer provides.
fn dumper(template: &str) -> String {
    format!(
        "{{% for k, v in __tera_context %}}VAR {template} {{{{ k }}}}\n\
         {{% if v is map %}}{{% for k2, v2 in v %}}VAR {template} {{{{ k }}}}.{{{{ k2 }}}}\n\
         {{% endfor %}}{{% endif %}}{{% endfor %}}"
    )
}

/// Names in the context of each template, over every output of the example site's internal
/// build (which has every kind of output, the dashboard included).
fn provided() -> BTreeMap<String, BTreeSet<String>> {
    let site = crate::example_site::example();
    for t in TEMPLATES {
        site.file(&format!("templates/{t}"), dumper(t));
    }
    site.build_at(crate::search::EXAMPLE_NOW, &["--audience", "internal"])
        .success();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in crate::site_test::snapshot(&site.out()) {
        if !path.ends_with(".html") {
            continue;
        }
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(rest) = line.strip_prefix("VAR ") {
                let (t, name) = rest.split_once(' ').unwrap();
                out.entry(t.to_string())
                    .or_default()
                    .insert(name.to_string());
            }
        }
    }
    out
}

/// The backticked names (`title`) of `text` outside parentheses and braces: what a line of the
/// README documents, without the names its explanations mention.
fn names_outside_parens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '`' => {
                let Some(end) = rest[1..].find('`') else {
                    break;
                };
                let token = &rest[1..=end];
                if depth == 0 && is_name(token) {
                    out.push(token.to_string());
                }
                rest = &rest[end + 2..];
                continue;
            }
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_name(token: &str) -> bool {
    !token.is_empty()
        && token.starts_with(|c: char| c.is_ascii_lowercase())
        && token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The text under the heading that starts with `heading`, up to the next `## ` heading.
fn part<'a>(readme: &'a str, heading: &str) -> &'a str {
    let start = readme
        .find(&format!("\n{heading}"))
        .unwrap_or_else(|| panic!("the README has a heading {heading:?}"));
    let body = &readme[start + 1..];
    let body = &body[body.find('\n').unwrap_or(body.len())..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// The README's bullets (`- ` at the start of a line, with their continuation lines, without
/// sub-bullets).
fn bullets(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(b) = line.strip_prefix("- ") {
            out.push(b.to_string());
        } else if line.starts_with("  ") && !line.trim_start().starts_with("- ") {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else if !line.starts_with("  ") {
            out.push(String::new());
        }
    }
    out.retain(|b| !b.is_empty());
    out
}

/// The names a bullet `- `name`: …` defines: `name`, then the names documented after it.
fn defined_in_bullet(bullet: &str) -> Option<(String, Vec<String>)> {
    let rest = bullet.strip_prefix('`')?;
    let (name, rest) = rest.split_once("`:")?;
    is_name(name).then(|| (name.to_string(), names_outside_parens(rest)))
}

/// What the README documents: names every template gets, names each template gets besides,
/// and the keys of the objects it lists key by key.
struct Documented {
    common: BTreeSet<String>,
    per_template: BTreeMap<String, BTreeSet<String>>,
    fields: BTreeMap<String, BTreeSet<String>>,
}

fn documented(readme: &str) -> Documented {
    let mut common = BTreeSet::new();
    let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for b in bullets(part(readme, "## Common variables")) {
        // `current_url`: …; `current_permalink`: … documents two names in one bullet.
        let mut pieces: Vec<String> = Vec::new();
        for piece in b.split("; ") {
            match pieces.last_mut() {
                Some(last) if defined_in_bullet(piece).is_none() => {
                    last.push_str("; ");
                    last.push_str(piece);
                }
                _ => pieces.push(piece.to_string()),
            }
        }
        for piece in &pieces {
            if let Some((name, keys)) = defined_in_bullet(piece) {
                common.insert(name.clone());
                if name == "site" || name == "build" || name == "community" || name == "listings" {
                    fields.entry(name).or_default().extend(keys);
                }
            }
        }
    }
    let mut per_template: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in part(readme, "## Templates").lines() {
        let cells: Vec<&str> = row.split(" | ").collect();
        if cells.len() != 3 {
            continue;
        }
        let template = cells[0].trim_start_matches("| ").trim_matches('`');
        let vars = cells[2].trim_end_matches(" |").trim_end_matches('|');
        let names = match vars.strip_prefix("as `") {
            Some(other) => per_template[other.trim_end_matches('`')].clone(),
            None => names_outside_parens(vars).into_iter().collect(),
        };
        per_template.insert(template.to_string(), names);
    }
    for (object, heading) in [("page", "## `page`"), ("section", "## `section`")] {
        let keys = names_outside_parens(part(readme, heading));
        fields.entry(object.into()).or_default().extend(keys);
    }
    // `page.event`, `page.job`… documented where the section kinds are.
    for piece in readme.split("`page.").skip(1) {
        let name = piece.split('`').next().unwrap_or_default();
        // `page.html` is a template, not a key.
        if is_name(name) && name != "html" {
            fields.entry("page".into()).or_default().insert(name.into());
        }
    }
    Documented {
        common,
        per_template,
        fields,
    }
}

/// What differs between two sets of names, for a message that says where to look.
fn differences(documented: &BTreeSet<String>, provided: &BTreeSet<String>) -> Option<String> {
    let undocumented: Vec<_> = provided.difference(documented).collect();
    let gone: Vec<_> = documented.difference(provided).collect();
    (!undocumented.is_empty() || !gone.is_empty()).then(|| {
        format!(
            "provided but not documented {undocumented:?}; documented but not provided {gone:?}"
        )
    })
}

#[test]
fn theme_readme_documents_what_each_template_gets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("themes/default/README.md")).unwrap();
    let doc = documented(&readme);
    let got = provided();
    let mut drift = Vec::new();
    for t in TEMPLATES {
        let names = got
            .get(*t)
            .unwrap_or_else(|| panic!("the example site renders {t}"));
        let top: BTreeSet<String> = names.iter().filter(|n| !n.contains('.')).cloned().collect();
        let listed = doc
            .per_template
            .get(*t)
            .unwrap_or_else(|| panic!("the README's template table has a row for `{t}`"));
        let expected: BTreeSet<String> = doc.common.union(listed).cloned().collect();
        if let Some(d) = differences(&expected, &top) {
            drift.push(format!("{t}: {d}"));
        }
    }
    for (object, keys) in &doc.fields {
        let prefix = format!("{object}.");
        let provided: BTreeSet<String> = got
            .values()
            .flatten()
            .filter_map(|n| n.strip_prefix(&prefix))
            .map(str::to_string)
            .collect();
        if let Some(d) = differences(keys, &provided) {
            drift.push(format!("`{object}`: {d}"));
        }
    }
    assert!(
        drift.is_empty(),
        "themes/default/README.md is out of step with the contexts:\n{}",
        drift.join("\n")
    );
}

#[test]
fn readme_parser_reads_names_but_not_their_explanations() {
    let names = names_outside_parens(
        "`title`, `date` and `updated` (`YYYY-MM-DD` or null), `tags` (lists of `{name, url}`)",
    );
    assert_eq!(names, ["title", "date", "updated", "tags"]);
}
