//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a Markdown file.
//!
//! This module splits a file into front matter and body and checks every key; it knows nothing
//! of sections, URLs or audiences (the model does).

use crate::date::DateValue;
use crate::diagnostics::Diagnostic;
use crate::vocabulary::SectionKind;
use crate::yaml::{from_toml, from_yaml, Origin};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::Path;

/// Every key a page or section may set. Kind-specific data goes under `extra`.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateText>,
    pub updated: Option<DateText>,
    #[serde(default)]
    pub draft: bool,
    /// One date for every circle, or a date per audience (`{ambassadors: 2027-01-10,
    /// public: 2027-01-17}`): see [`PublishDate`].
    pub publish_date: Option<PublishDate>,
    pub expiry_date: Option<DateText>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub image: Option<String>,
    pub lang: Option<String>,
    pub extra: Option<serde_json::Value>,
    /// Sections only (`_index.md`). A string here, checked against [`SectionKind`] with its
    /// place when read; the model holds the kind.
    pub kind: Option<String>,
    /// Suggested texts for the relay kit: one text for every network, or one per network.
    pub relay: Option<RelayText>,
    /// Sections only.
    pub paginate_by: Option<usize>,
    /// Sections only.
    pub sort_by: Option<String>,
    /// Sections only: `markdown: { html: sanitize }` for the pages under the section.
    pub markdown: Option<crate::config::MarkdownSettings>,
}

/// A date as written: a YAML string, or a TOML datetime (which serde sees as a one-key map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like 2026-03-14 or 2026-03-14T09:30:00+01:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateText, A::Error> {
                let (_, v): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("expected a date"))?;
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(DateText(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// `publish_date` as written: one date, or a date per audience.
///
/// Per audience, a date says when the page opens to that circle. A circle that is not named
/// opens with the nearest wider circle named (inner circles see whatever wider ones see), so
/// `{ambassadors: 2027-01-10, public: 2027-01-17}` opens the page to `internal` and
/// `ambassadors` on the 10th and to every other circle on the 17th.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishDate {
    One(DateText),
    /// Audience names and their dates, in the order written.
    PerAudience(Vec<(String, DateText)>),
}

/// The key under which the `toml` crate hands a datetime to serde.
const TOML_DATETIME: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for PublishDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PublishDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a date like 2026-03-14, or a date per audience like `{ambassadors: 2027-01-10, public: 2027-01-17}`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PublishDate, E> {
                Ok(PublishDate::One(DateText(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PublishDate, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == TOML_DATETIME {
                        let v: String = map.next_value()?;
                        return Ok(PublishDate::One(DateText(v)));
                    }
                    out.push((key, map.next_value::<DateText>()?));
                }
                Ok(PublishDate::PerAudience(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl PublishDate {
    /// Every date written, with the audience it is for (`None` for the plain form).
    pub fn dates(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            PublishDate::One(d) => vec![(None, d.0.as_str())],
            PublishDate::PerAudience(list) => list
                .iter()
                .map(|(a, d)| (Some(a.as_str()), d.0.as_str()))
                .collect(),
        }
    }
}

/// `relay` as written: one suggested text for every network, or a text per network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RelayText {
    All(String),
    PerNetwork(std::collections::BTreeMap<String, String>),
}

/// A Markdown file cut in two.
#[derive(Debug)]
pub struct Split<'a> {
    /// Front matter text, without its fences; `None` when the file has none.
    pub front: Option<(&'a str, Format)>,
    /// 0-based line where the front matter text starts.
    pub front_line: usize,
    pub body: &'a str,
    /// 0-based line where the body starts.
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// Cuts `text` into front matter and body. An opening fence with no closing one is an error.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let (fence, format) = match first_line.trim_end() {
        "---" => ("---", Format::Yaml),
        "+++" => ("+++", Format::Toml),
        _ => {
            return Ok(Split {
                front: None,
                front_line: 0,
                body: text,
                body_line: 0,
            })
        }
    };
    let start = first_line.len() + usize::from(text[first_line.len()..].starts_with('\n'));
    let mut pos = start;
    for (line_no, line) in (1..).zip(text[start..].split_inclusive('\n')) {
        if line.trim_end() == fence {
            let front = &text[start..pos];
            let body_start = pos + line.len();
            return Ok(Split {
                front: Some((front, format)),
                front_line: 1,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        pos += line.len();
    }
    Err(Diagnostic::error(
        file,
        format!("the front matter opened with `{fence}` on line 1 is never closed"),
    )
    .at(text, 1, 1)
    .with_hint(format!(
        "add a line with only `{fence}` after the last front matter key"
    )))
}

/// Parses and checks the front matter of `split`. `is_section` tells whether the file is an
/// `_index.md`, where `kind`, `paginate_by`, `sort_by` and `markdown` are allowed.
pub fn parse(
    file: &Path,
    text: &str,
    split: &Split<'_>,
    is_section: bool,
) -> Result<(FrontMatter, Vec<Diagnostic>), Diagnostic> {
    let Some((front, format)) = split.front else {
        return Ok((FrontMatter::default(), Vec::new()));
    };
    let origin = Origin {
        file,
        file_text: text,
        line_offset: split.front_line,
    };
    let fm: FrontMatter = if front.trim().is_empty() {
        FrontMatter::default()
    } else {
        match format {
            Format::Yaml => from_yaml(front, origin, KEYS)?,
            Format::Toml => from_toml(front, origin, KEYS)?,
        }
    };
    let mut errors = Vec::new();
    if !is_section {
        for (key, set) in [
            ("kind", fm.kind.is_some()),
            ("paginate_by", fm.paginate_by.is_some()),
            ("sort_by", fm.sort_by.is_some()),
            ("markdown", fm.markdown.is_some()),
        ] {
            if set {
                errors.push(
                    origin
                        .key_error(front, key, format!("`{key}` can only be set on a section"))
                        .with_hint("move it to the `_index.md` of the section, or remove it"),
                );
            }
        }
    }
    if let Some(kind) = &fm.kind {
        if SectionKind::parse(kind).is_none() {
            let d = origin.key_error(front, "kind", format!("unknown section kind `{kind}`"));
            errors.push(d.with_hint(hint_from(kind, SectionKind::names())));
        }
    }
    if let Some(sort) = &fm.sort_by {
        if !SORTS.contains(&sort.as_str()) {
            let d = origin.key_error(front, "sort_by", format!("unknown sort order `{sort}`"));
            errors.push(d.with_hint(hint_from(sort, SORTS)));
        }
    }
    if fm.paginate_by == Some(0) {
        errors.push(
            origin
                .key_error(front, "paginate_by", "`paginate_by` must be at least 1")
                .with_hint("remove it to use the site's `paginate_by`"),
        );
    }
    if let Some(p) = &fm.publish_date {
        for (audience, v) in p.dates() {
            if let Err(why) = DateValue::parse(v) {
                let message = match audience {
                    None => format!("`publish_date` is not a valid date: `{v}` ({why})"),
                    Some(a) => {
                        format!("`publish_date` for `{a}` is not a valid date: `{v}` ({why})")
                    }
                };
                let d = match audience
                    .and_then(|a| entry_position(front, format, MapKey::PublishDate, a))
                {
                    Some((line, _, column)) => {
                        Diagnostic::error(file, message).at(text, line + split.front_line, column)
                    }
                    None => origin.key_error(front, "publish_date", message),
                };
                errors.push(d.with_hint("write dates as YYYY-MM-DD, for example 2026-02-28, or with a time as 2026-02-28T09:30:00+01:00"));
            }
        }
    }
    for (key, value) in [
        ("date", &fm.date),
        ("updated", &fm.updated),
        ("expiry_date", &fm.expiry_date),
    ] {
        if let Some(DateText(v)) = value {
            if let Err(why) = DateValue::parse(v) {
                errors.push(
                    origin
                        .key_error(front, key, format!("`{key}` is not a valid date: `{v}` ({why})"))
                        .with_hint("write dates as YYYY-MM-DD, for example 2026-02-28, or with a time as 2026-02-28T09:30:00+01:00"),
                );
            }
        }
    }
    Ok((fm, errors))
}

/// What can be read of front matter that [`parse`] refused: the keys whose values are right,
/// each taken alone; nothing when the text is not even YAML or TOML. A page with a wrong
/// `tags:` still has its title, language and slug, so that it is placed where its links
/// expect it and the one error is the only one.
pub fn parse_lenient(split: &Split<'_>) -> FrontMatter {
    let Some((front, format)) = split.front else {
        return FrontMatter::default();
    };
    let map: Option<serde_json::Map<String, serde_json::Value>> = match format {
        Format::Yaml => serde_saphyr::from_str(front).ok().flatten(),
        Format::Toml => toml::from_str(front).ok(),
    };
    let kept: serde_json::Map<String, serde_json::Value> = map
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| {
            let one = serde_json::Map::from_iter([(k.clone(), v.clone())]);
            serde_json::from_value::<FrontMatter>(serde_json::Value::Object(one)).is_ok()
        })
        .collect();
    serde_json::from_value(serde_json::Value::Object(kept)).unwrap_or_default()
}

/// Position of `key` in the front matter, for errors found later (unknown audience, template).
pub fn key_error(
    file: &Path,
    text: &str,
    split: &Split<'_>,
    key: &str,
    message: impl Into<String>,
) -> Diagnostic {
    let origin = Origin {
        file,
        file_text: text,
        line_offset: split.front_line,
    };
    origin.key_error(split.front.map_or("", |f| f.0), key, message)
}

/// The 1-based line and column, in front matter `front`, of the value of `extra.<key>`, so
/// that an error about a value a section kind reads (an event's `rrule`) points at the value
/// and not at `extra:`. The front matter is read a second time, keeping places, only when
/// such an error is reported. `None` when `extra` is not a mapping holding `key`.
pub fn extra_value_position(front: &str, format: Format, key: &str) -> Option<(usize, usize)> {
    use std::collections::HashMap;
    match format {
        Format::Yaml => {
            #[derive(Deserialize)]
            struct Outer {
                extra: Option<HashMap<String, serde_saphyr::Spanned<de::IgnoredAny>>>,
            }
            let outer: Outer = serde_saphyr::from_str(front).ok()?;
            let v = outer.extra?.remove(key)?;
            Some((v.referenced.line() as usize, v.referenced.column() as usize))
        }
        Format::Toml => {
            #[derive(Deserialize)]
            struct Outer {
                extra: Option<HashMap<String, toml::Spanned<de::IgnoredAny>>>,
            }
            let outer: Outer = toml::from_str(front).ok()?;
            let v = outer.extra?.remove(key)?;
            Some(crate::diagnostics::line_col(front, v.span().start))
        }
    }
}

/// Where `entry` of the top-level mapping `key` (`publish_date: {ambassadors: ...}`,
/// `relay: {mastodon: ...}`) sits in front matter `front`, so that an error about one entry
/// points at it: its 1-based line, the column of its name and the column of its value.
/// `None` when `key` is not a mapping holding `entry`.
pub fn entry_position(
    front: &str,
    format: Format,
    key: MapKey,
    entry: &str,
) -> Option<(usize, usize, usize)> {
    use std::collections::HashMap;
    type Y = Option<HashMap<String, serde_saphyr::Spanned<de::IgnoredAny>>>;
    type T = Option<HashMap<String, toml::Spanned<de::IgnoredAny>>>;
    #[derive(Deserialize)]
    struct YPublish {
        publish_date: Y,
    }
    #[derive(Deserialize)]
    struct YRelay {
        relay: Y,
    }
    #[derive(Deserialize)]
    struct TPublish {
        publish_date: T,
    }
    #[derive(Deserialize)]
    struct TRelay {
        relay: T,
    }
    let (line, column) = match format {
        Format::Yaml => {
            let map = match key {
                MapKey::PublishDate => serde_saphyr::from_str::<YPublish>(front).ok()?.publish_date,
                MapKey::Relay => serde_saphyr::from_str::<YRelay>(front).ok()?.relay,
            };
            let v = map?.remove(entry)?;
            (v.referenced.line() as usize, v.referenced.column() as usize)
        }
        Format::Toml => {
            let map = match key {
                MapKey::PublishDate => toml::from_str::<TPublish>(front).ok()?.publish_date,
                MapKey::Relay => toml::from_str::<TRelay>(front).ok()?.relay,
            };
            let v = map?.remove(entry)?;
            crate::diagnostics::line_col(front, v.span().start)
        }
    };
    // Point at the entry's name, on the line of its value, when it is there.
    let text = front.lines().nth(line.checked_sub(1)?)?;
    let before: String = text.chars().take(column.saturating_sub(1)).collect();
    let name = match before.rfind(entry) {
        Some(i) => before[..i].chars().count() + 1,
        None => column,
    };
    Some((line, name, column))
}

/// The top-level front matter mappings whose entries [`entry_position`] can place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKey {
    PublishDate,
    Relay,
}

/// Where a list of member ids sits in front matter: `authors`, or `extra.contacts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberList {
    Authors,
    Contacts,
}

/// The 1-based line and column, in front matter `front`, of `item` in the list `list`, so
/// that an unknown author or contact is pointed at itself, not at the start of its key.
/// `None` when the list cannot be read with places.
pub fn member_item_position(
    front: &str,
    format: Format,
    list: MemberList,
    item: &str,
) -> Option<(usize, usize)> {
    match format {
        Format::Yaml => {
            type L = Option<Vec<serde_saphyr::Spanned<String>>>;
            #[derive(Deserialize)]
            struct Extra {
                contacts: L,
            }
            #[derive(Deserialize)]
            struct Outer {
                authors: L,
                extra: Option<Extra>,
            }
            let outer: Outer = serde_saphyr::from_str(front).ok()?;
            let items = match list {
                MemberList::Authors => outer.authors?,
                MemberList::Contacts => outer.extra?.contacts?,
            };
            let v = items.into_iter().find(|v| v.value == item)?;
            Some((v.referenced.line() as usize, v.referenced.column() as usize))
        }
        Format::Toml => {
            type L = Option<Vec<toml::Spanned<String>>>;
            #[derive(Deserialize)]
            struct Extra {
                contacts: L,
            }
            #[derive(Deserialize)]
            struct Outer {
                authors: L,
                extra: Option<Extra>,
            }
            let outer: Outer = toml::from_str(front).ok()?;
            let items = match list {
                MemberList::Authors => outer.authors?,
                MemberList::Contacts => outer.extra?.contacts?,
            };
            let v = items.into_iter().find(|v| v.get_ref() == item)?;
            Some(crate::diagnostics::line_col(front, v.span().start))
        }
    }
}

/// The keys of [`FrontMatter`], for suggestions.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "publish_date",
    "expiry_date",
    "tags",
    "themes",
    "authors",
    "audience",
    "weight",
    "slug",
    "aliases",
    "template",
    "image",
    "lang",
    "extra",
    "relay",
    "kind",
    "paginate_by",
    "sort_by",
    "markdown",
];

const SORTS: &[&str] = &["date", "weight", "title"];

fn hint_from(value: &str, allowed: &[&str]) -> String {
    match crate::diagnostics::suggest(value, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? One of: {}", allowed.join(", ")),
        None => format!("one of: {}", allowed.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keys_are_the_fields_of_front_matter() {
        crate::yaml::assert_keys_are_fields::<FrontMatter>("frontmatter::KEYS", KEYS);
    }

    #[test]
    fn splits_yaml_and_toml() {
        let p = Path::new("a.md");
        let s = split(p, "---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.front.unwrap().0, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 3);
        let s = split(p, "+++\ntitle = \"A\"\n+++\n").unwrap();
        assert_eq!(s.front.unwrap().1, Format::Toml);
        assert!(split(p, "no front matter").unwrap().front.is_none());
    }

    #[test]
    fn unterminated_front_matter_is_an_error_on_line_one() {
        let e = split(Path::new("a.md"), "---\ntitle: A\nbody").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("never closed"));
    }
}
