//! `parvis import members FILE.csv`: member files from a spreadsheet or a CRM export.
//!
//! Each row becomes `data/members/ID.yaml`, created or updated. Only the fields a column maps
//! to change, and only when their value differs: the file is edited at the value's place
//! ([`parvis_core::yaml_edit`]), so hand-written fields, comments and the order of keys stay.
//! Every bad cell is an error naming its row and column; with one, nothing is written.

use parvis_core::diagnostics::{one_of, suggest, Diagnostic, Diagnostics};
use parvis_core::model::community::{MemberStatus, Role};
use parvis_core::model::Site;
use parvis_core::text::slugify;
use parvis_core::yaml_edit;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `parvis import members` was asked.
pub struct ImportArgs {
    pub site: PathBuf,
    pub file: PathBuf,
    /// `column=field` pairs, added to the columns named like a field.
    pub maps: Vec<String>,
    pub dry_run: bool,
}

/// How a field's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Id,
    Text,
    Email,
    Date,
    Bool,
    Status,
    Audience,
    /// Items separated by `;` (or `,`).
    List,
    Communities,
    Roles,
    Badges,
    /// `leader_scores.<criterion>`, 1 to 3.
    Score,
}

/// The member fields a column can fill, in the order a new file lists them.
const FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Id),
    ("name", Kind::Text),
    ("pronouns", Kind::Text),
    ("photo", Kind::Text),
    ("headline", Kind::Text),
    ("company", Kind::Text),
    ("team", Kind::Text),
    ("location", Kind::Text),
    ("country", Kind::Text),
    ("languages", Kind::List),
    ("expertise", Kind::List),
    ("communities", Kind::Communities),
    ("roles", Kind::Roles),
    ("status", Kind::Status),
    ("joined", Kind::Date),
    ("bio", Kind::Text),
    ("badges", Kind::Badges),
    ("leader_scores.charisma", Kind::Score),
    ("leader_scores.known", Kind::Score),
    ("leader_scores.recognized", Kind::Score),
    ("leader_scores.available", Kind::Score),
    ("email", Kind::Email),
    ("email_public", Kind::Bool),
    ("audience", Kind::Audience),
    ("published", Kind::Bool),
    ("leaderboard", Kind::Bool),
    ("notes", Kind::Text),
];

fn field_names() -> Vec<&'static str> {
    FIELDS.iter().map(|(n, _)| *n).collect()
}

/// A cell read and checked: the value to write, formatted, and as parsed for comparison.
#[derive(Debug, Clone)]
struct Cell {
    yaml: String,
    value: Value,
}

/// What the import does to one member file.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Add,
    Change(Vec<String>),
    Leave,
}

/// The usage error or the content errors that stop an import.
enum Failure {
    Usage(String),
    Content(Diagnostics),
}

pub fn run(args: &ImportArgs) -> ExitCode {
    match import(args) {
        Ok(lines) => {
            print!("{lines}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Content(d)) => {
            eprint!("{}", d.render_text());
            let n = d.error_count();
            eprintln!(
                "import failed: {n} error{}; no member file was written",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

/// Checks every row, then writes (unless a dry run) and returns the lines to print.
fn import(a: &ImportArgs) -> Result<String, Failure> {
    let root = &a.site;
    if !root.join("site.yaml").is_file() {
        return Err(Failure::Usage(format!(
            "{} has no site.yaml; run parvis import in a site folder or give it with --site",
            root.display()
        )));
    }
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", a.file.display())))?;
    let (mut sources, _) = parvis_core::load::load(root, parvis_core::load::Bodies::Held)
        .map_err(|d| Failure::Content(d.into_iter().collect()))?;
    // Errors elsewhere in the site are not the import's: it needs the ids and the audiences.
    let (site, _) = Site::build(&mut sources);
    let display = a.file.clone();

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let bom = text.len() - text.trim_start_matches('\u{feff}').len();
    let headers = reader
        .headers()
        .map_err(|e| Failure::Usage(format!("{}: {e}", display.display())))?
        .clone();
    let columns = mapping(&headers, &a.maps)?;
    if !columns.iter().any(|(_, f)| *f == "id" || *f == "name") {
        return Err(Failure::Usage(format!(
            "no column gives the members' `id` or `name`; the columns are {}. Map one with --map \"COLUMN=name\"",
            headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
        )));
    }

    let ctx = Checks::new(&site);
    let mut diags = Diagnostics::default();
    let mut rows: Vec<(String, BTreeMap<&'static str, Cell>)> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (n, record) in reader.records().enumerate() {
        // Row 1 holds the headers, as a spreadsheet numbers them.
        let row = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(
                    Diagnostic::error(&display, format!("row {row}: {e}"))
                        .at(&text, line, 1)
                        .with_hint("check the quotes of this row: a cell that holds a comma or a line break is written between double quotes"),
                );
                continue;
            }
        };
        let place = |col: usize, message: String| {
            let (line, column) = cell_position(&text, bom, &record, col);
            Diagnostic::error(
                &display,
                format!(
                    "row {row}, column {} (`{}`): {message}",
                    column_letter(col),
                    headers.get(col).unwrap_or("")
                ),
            )
            .at(&text, line, column)
        };
        let mut cells: BTreeMap<&'static str, Cell> = BTreeMap::new();
        let mut row_ok = true;
        for &(col, field) in &columns {
            let raw = record.get(col).unwrap_or("").trim();
            if raw.is_empty() {
                continue;
            }
            match ctx.cell(field, raw) {
                Ok(c) => {
                    cells.insert(field, c);
                }
                Err((message, hint)) => {
                    row_ok = false;
                    diags.push(place(col, message).with_hint(hint));
                }
            }
        }
        let id = match cells.get("id") {
            Some(c) => c.value.as_str().unwrap_or_default().to_string(),
            None => match cells.get("name") {
                Some(c) => slugify(c.value.as_str().unwrap_or_default()),
                None => String::new(),
            },
        };
        if id.is_empty() {
            if row_ok {
                let col = columns
                    .iter()
                    .find(|(_, f)| *f == "name" || *f == "id")
                    .map_or(0, |(c, _)| *c);
                diags.push(
                    place(col, "the row has no id and no name to make one of".into())
                        .with_hint("fill the member's name (or id), or remove the row"),
                );
            }
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), row) {
            let col = columns
                .iter()
                .find(|(_, f)| *f == "id" || *f == "name")
                .map_or(0, |(c, _)| *c);
            diags.push(
                place(col, format!("member `{id}` is already on row {first}"))
                    .with_hint("each member is one row; merge the two, or give one another id"),
            );
            continue;
        }
        if let Some(list) = ctx.in_list_file.get(&id) {
            diags.push(
                place(0, format!("member `{id}` is kept in {list}, which the import does not edit"))
                    .with_hint(format!("move the member to data/members/{id}.yaml (one file per member), then import again")),
            );
            continue;
        }
        let scores: Vec<&str> = cells
            .keys()
            .filter_map(|f| f.strip_prefix("leader_scores."))
            .collect();
        if row_ok && !scores.is_empty() {
            let had = existing_scores(root, &id);
            let missing: Vec<&str> = CRITERIA
                .iter()
                .copied()
                .filter(|c| !scores.contains(c) && !had.iter().any(|h| h == c))
                .collect();
            if !missing.is_empty() {
                row_ok = false;
                // At the empty cell of the first missing criterion, when a column has it.
                let col = columns
                    .iter()
                    .find(|(_, f)| f.strip_prefix("leader_scores.") == Some(missing[0]))
                    .or_else(|| {
                        columns
                            .iter()
                            .find(|(_, f)| f.starts_with("leader_scores."))
                    })
                    .map_or(0, |(c, _)| *c);
                diags.push(
                    place(col, format!("leader scores come four together, and this row gives no {}", missing.join(", ")))
                        .with_hint("fill the four criteria (charisma, known, recognized, available, 1 to 3 each), or none"),
                );
            }
        }
        if row_ok {
            rows.push((id, cells));
        }
    }
    if diags.has_errors() {
        return Err(Failure::Content(diags));
    }

    let mut out = String::new();
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    let (mut added, mut changed, mut left) = (0, 0, 0);
    for (id, cells) in &rows {
        let rel = existing_file(root, id)
            .unwrap_or_else(|| PathBuf::from(format!("data/members/{id}.yaml")));
        let path = root.join(&rel);
        let old = std::fs::read_to_string(&path).ok();
        let (outcome, new_text) = apply(old.as_deref(), id, cells);
        let shown = parvis_core::load::slash_path(&rel);
        match &outcome {
            Outcome::Add => {
                added += 1;
                out.push_str(&format!("add     {shown}\n"));
            }
            Outcome::Change(fields) => {
                changed += 1;
                out.push_str(&format!("change  {shown}: {}\n", fields.join(", ")));
            }
            Outcome::Leave => {
                left += 1;
                out.push_str(&format!("leave   {shown}\n"));
            }
        }
        if outcome != Outcome::Leave {
            writes.push((path, new_text));
        }
    }
    if added > 0 && !columns.iter().any(|(_, f)| *f == "published") {
        out.push_str("new members stay unpublished (`published: false`) until they agree to their profile; a `published` column sets it\n");
    }
    out.push_str(&format!(
        "{} member{}: {added} to add, {changed} to change, {left} unchanged{}\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if a.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    if !a.dry_run {
        for (path, text) in writes {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
            }
            std::fs::write(&path, text)
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(out)
}

/// The columns to read, with the field each fills: columns named like a field (`name`,
/// `Leader scores charisma`), then those `--map COLUMN=FIELD` names.
fn mapping(
    headers: &csv::StringRecord,
    maps: &[String],
) -> Result<Vec<(usize, &'static str)>, Failure> {
    let fields = field_names();
    let normal = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
    let mut out: BTreeMap<usize, &'static str> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(f) = fields.iter().find(|f| **f == normal(h)) {
            out.insert(i, f);
        }
    }
    for m in maps {
        let Some((column, field)) = m.rsplit_once('=') else {
            return Err(Failure::Usage(format!(
                "--map `{m}` is not COLUMN=FIELD, like --map \"E-mail=email\""
            )));
        };
        let Some(f) = fields.iter().find(|f| **f == field.trim()) else {
            return Err(Failure::Usage(format!(
                "--map `{m}`: unknown member field `{}`; {}",
                field.trim(),
                one_of(field.trim(), &fields)
            )));
        };
        let Some(i) = headers.iter().position(|h| h.trim() == column.trim()) else {
            let names: Vec<&str> = headers.iter().collect();
            let hint = match suggest(column.trim(), names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the columns are {}", names.join(", ")),
            };
            return Err(Failure::Usage(format!(
                "--map `{m}`: the file has no column `{}`; {hint}",
                column.trim()
            )));
        };
        out.insert(i, f);
    }
    let mut by_field: BTreeMap<&str, usize> = BTreeMap::new();
    for (&i, &f) in &out {
        if let Some(j) = by_field.insert(f, i) {
            return Err(Failure::Usage(format!(
                "two columns fill `{f}`: `{}` and `{}`; map one of them to another field",
                headers.get(j).unwrap_or(""),
                headers.get(i).unwrap_or("")
            )));
        }
    }
    Ok(out.into_iter().collect())
}

/// What the cells are checked against: the site's communities, badges and audiences.
struct Checks {
    communities: Vec<String>,
    badges: Vec<String>,
    audiences: Vec<String>,
    /// Members kept in a list file (`data/members.yaml`), by id.
    in_list_file: BTreeMap<String, String>,
}

impl Checks {
    fn new(site: &Site) -> Checks {
        let c = &site.community;
        let in_list_file = c
            .members
            .iter()
            .filter(|m| m.file.components().count() <= 2)
            .map(|m| (m.id.clone(), parvis_core::load::slash_path(&m.file)))
            .collect();
        Checks {
            communities: c
                .communities
                .iter()
                .map(|x| x.id.clone())
                .chain(c.unreadable_communities.iter().cloned())
                .collect(),
            badges: c.badges.iter().map(|b| b.id.clone()).collect(),
            audiences: site
                .config
                .audience_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            in_list_file,
        }
    }

    /// The cell `raw` (trimmed, not empty) of `field`, or what is wrong and a hint.
    fn cell(&self, field: &str, raw: &str) -> Result<Cell, (String, String)> {
        let kind = FIELDS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(Kind::Text, |(_, k)| *k);
        let text = |s: &str| Cell {
            yaml: yaml_edit::scalar(s),
            value: Value::String(s.to_string()),
        };
        let list = |items: Vec<String>| Cell {
            yaml: yaml_edit::flow_list(&items),
            value: Value::Array(items.into_iter().map(Value::String).collect()),
        };
        let items = || -> Vec<String> {
            let sep = if raw.contains(';') { ';' } else { ',' };
            raw.split(sep)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let known = |what: &str,
                     items: Vec<String>,
                     allowed: &[&str],
                     hint_tail: &str|
         -> Result<Cell, (String, String)> {
            for i in &items {
                if !allowed.contains(&i.as_str()) {
                    return Err((
                        format!("unknown {what} `{i}`"),
                        format!("{}{hint_tail}", one_of(i, allowed)),
                    ));
                }
            }
            Ok(list(items))
        };
        match kind {
            Kind::Id => {
                if slugify(raw) == raw {
                    Ok(text(raw))
                } else {
                    Err((
                        format!("id `{raw}` is not a plain lowercase identifier"),
                        format!("use letters, digits and `-`, like `{}`", slugify(raw)),
                    ))
                }
            }
            Kind::Text => Ok(text(raw)),
            Kind::Email => {
                let ok = raw.split_once('@').is_some_and(|(u, d)| {
                    !u.is_empty() && d.contains('.') && !raw.contains(char::is_whitespace)
                });
                if ok {
                    Ok(text(raw))
                } else {
                    Err((
                        format!("`{raw}` is not an email address"),
                        "write it like `ana@example.com`".into(),
                    ))
                }
            }
            Kind::Date => match parvis_core::date::DateValue::parse(raw) {
                Ok(d) => {
                    let iso = d.iso();
                    Ok(Cell {
                        yaml: iso.clone(),
                        value: Value::String(iso),
                    })
                }
                Err(why) => Err((
                    format!("`{raw}` is not a date ({why})"),
                    "write dates as YYYY-MM-DD, for example 2026-02-28".into(),
                )),
            },
            Kind::Bool => match raw.to_lowercase().as_str() {
                "true" | "yes" | "1" | "oui" | "x" => Ok(Cell {
                    yaml: "true".into(),
                    value: Value::Bool(true),
                }),
                "false" | "no" | "0" | "non" => Ok(Cell {
                    yaml: "false".into(),
                    value: Value::Bool(false),
                }),
                _ => Err((
                    format!("`{raw}` is neither yes nor no"),
                    "write `true` or `false` (`yes`, `no`, `1`, `0` work too)".into(),
                )),
            },
            Kind::Status => match MemberStatus::parse(raw) {
                Some(_) => Ok(text(raw)),
                None => Err((
                    format!("unknown status `{raw}`"),
                    one_of(raw, MemberStatus::names()),
                )),
            },
            Kind::Audience => {
                let names: Vec<&str> = self.audiences.iter().map(String::as_str).collect();
                if names.contains(&raw) {
                    Ok(text(raw))
                } else {
                    Err((
                        format!("unknown audience `{raw}`"),
                        format!("{} (the audiences of site.yaml)", one_of(raw, &names)),
                    ))
                }
            }
            Kind::List => Ok(list(items())),
            Kind::Communities => {
                let ids: Vec<&str> = self.communities.iter().map(String::as_str).collect();
                known("community", items(), &ids, " (ids of data/communities)")
            }
            Kind::Roles => known("role", items(), Role::names(), ""),
            Kind::Badges => {
                let ids: Vec<&str> = self.badges.iter().map(String::as_str).collect();
                known("badge", items(), &ids, " (ids of data/badges)")
            }
            Kind::Score => match raw.parse::<i64>() {
                Ok(n @ 1..=3) => Ok(Cell {
                    yaml: n.to_string(),
                    value: Value::from(n),
                }),
                _ => Err((
                    format!("score `{raw}` is outside 1 to 3"),
                    "leader scores are 1 (low), 2 or 3 (high)".into(),
                )),
            },
        }
    }
}

/// The four criteria of `leader_scores`.
const CRITERIA: [&str; 4] = ["charisma", "known", "recognized", "available"];

/// The criteria the member file of `id` already scores.
fn existing_scores(root: &Path, id: &str) -> Vec<String> {
    let Some(rel) = existing_file(root, id) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
    let parsed: Value = serde_saphyr::from_str(&text).unwrap_or(Value::Null);
    parsed
        .get("leader_scores")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The member file of `id` under `root`, relative to it, if there is one.
fn existing_file(root: &Path, id: &str) -> Option<PathBuf> {
    ["yaml", "yml"]
        .iter()
        .map(|ext| PathBuf::from(format!("data/members/{id}.{ext}")))
        .find(|rel| root.join(rel).is_file())
}

/// The new text of a member file (`old`, or a new one) with the row's `cells`, and what
/// changed. A field whose value is already the cell's is not touched.
fn apply(old: Option<&str>, id: &str, cells: &BTreeMap<&'static str, Cell>) -> (Outcome, String) {
    let Some(old) = old else {
        let mut text = format!("id: {}\n", yaml_edit::scalar(id));
        let mut scores: Vec<(String, String)> = Vec::new();
        for (field, _) in FIELDS {
            let Some(c) = cells.get(field) else { continue };
            match field.strip_prefix("leader_scores.") {
                Some(sub) => scores.push((sub.to_string(), c.yaml.clone())),
                None if *field == "id" => {}
                None => text.push_str(&format!("{field}: {}\n", c.yaml)),
            }
        }
        if !scores.is_empty() {
            text.push_str(&format!(
                "leader_scores: {}\n",
                yaml_edit::flow_map(&scores)
            ));
        }
        // As with `parvis new member`: a profile goes out once the member has agreed to it.
        if !cells.contains_key("published") {
            text.push_str("published: false\n");
        }
        return (Outcome::Add, text);
    };
    let parsed: Value = serde_saphyr::from_str(old).unwrap_or(Value::Null);
    let mut text = old.to_string();
    let mut changed = Vec::new();
    for (field, _) in FIELDS {
        let Some(c) = cells.get(field) else { continue };
        match field.split_once('.') {
            Some((key, sub)) => {
                let current = parsed.get(key).and_then(|v| v.get(sub));
                if current == Some(&c.value) {
                    continue;
                }
                // The mapping as it will be, for a flow mapping rewritten whole.
                let mut entries: Vec<(String, String)> = parsed
                    .get(key)
                    .and_then(Value::as_object)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
                    .unwrap_or_default();
                match entries.iter_mut().find(|(k, _)| k == sub) {
                    Some(e) => e.1 = c.yaml.clone(),
                    None => entries.push((sub.to_string(), c.yaml.clone())),
                }
                text = yaml_edit::set_in(&text, key, sub, &c.yaml, &entries);
                changed.push(field.to_string());
            }
            None => {
                if *field == "id" || parsed.get(field) == Some(&c.value) {
                    continue;
                }
                text = yaml_edit::set(&text, field, &c.yaml);
                changed.push(field.to_string());
            }
        }
    }
    if changed.is_empty() {
        (Outcome::Leave, text)
    } else {
        (Outcome::Change(changed), text)
    }
}

/// `A` for the first column, `AA` after `Z`, as spreadsheets name them.
fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The 1-based line and character column where cell `col` of `record` starts in `text` (the
/// file, `bom` bytes of byte order mark before the reader's input).
fn cell_position(text: &str, bom: usize, record: &csv::StringRecord, col: usize) -> (usize, usize) {
    let Some(pos) = record.position() else {
        return (0, 0);
    };
    let start = (pos.byte() as usize + bom).min(text.len());
    let mut offset = start;
    let mut field = 0;
    let mut quoted = false;
    for (i, c) in text[start..].char_indices() {
        if field == col {
            offset = start + i;
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            '\n' if !quoted => {
                offset = start + i;
                break;
            }
            _ => {}
        }
        offset = start + i + c.len_utf8();
    }
    parvis_core::diagnostics::line_col(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn an_unchanged_value_leaves_the_file_as_it_was() {
        let old = "# hand-written\nid: ana\nname: Ana # legal\nexpertise:\n  - rust\n";
        let mut cells = BTreeMap::new();
        cells.insert(
            "name",
            Cell {
                yaml: "Ana".into(),
                value: Value::String("Ana".into()),
            },
        );
        cells.insert(
            "expertise",
            Cell {
                yaml: "[rust]".into(),
                value: serde_json::json!(["rust"]),
            },
        );
        let (outcome, text) = apply(Some(old), "ana", &cells);
        assert_eq!(outcome, Outcome::Leave);
        assert_eq!(text, old);
    }
}
