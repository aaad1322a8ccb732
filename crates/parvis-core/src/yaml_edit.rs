//! Editing a YAML mapping in place: one top-level key's value is rewritten where it is
//! written, and every other byte of the file (hand-written keys, comments, blank lines, the
//! order) stays as it was.
//!
//! `parvis import members` updates member files people also edit by hand; re-serialising the
//! file would drop their comments and reorder their keys. This module works on lines: a
//! top-level entry is its `key:` line at column 0 and the lines under it that are indented or
//! start a `- ` list item. It does not parse YAML (the caller compares values parsed with the
//! real parser) and only writes values it formats itself ([`scalar`], [`flow_list`],
//! [`flow_map`]), so that what it writes always reads back as what was meant.

use std::ops::Range;

/// One top-level entry's place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: String,
    /// Byte range of the entry: from its key to the end of its last value line (newline
    /// included).
    range: Range<usize>,
    /// Byte range of the value on the key line, without the comment after it.
    inline_value: Range<usize>,
}

/// The top-level key of `line`, if it starts one (`key:` or `key: value` at column 0).
fn top_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphanumeric() || first == '_') {
        return None;
    }
    let colon = line.find(':')?;
    let key = &line[..colon];
    let after = &line[colon + 1..];
    let ok = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && (after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']));
    ok.then_some(key)
}

/// Where the comment of a value line starts (` #` outside quotes), if it has one.
fn comment_start(value: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in value.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && (prev == ' ' || prev == '\t' || i == 0) => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

fn entries(text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut pos = 0;
    // End of the last line that belongs to the current entry.
    let mut last_value_end = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if let Some(key) = top_key(line) {
            if let Some(e) = out.last_mut() {
                e.range.end = last_value_end;
            }
            let colon = start + key.len() + 1;
            let rest = &text[colon..pos];
            let content = rest.trim_end_matches(['\n', '\r']);
            let value_end = colon + comment_start(content).unwrap_or(content.len());
            let lead = content.len() - content.trim_start().len();
            let value_start = (colon + lead).min(value_end);
            let trimmed_end = value_start + text[value_start..value_end].trim_end().len();
            out.push(Entry {
                key: key.to_string(),
                range: start..pos,
                inline_value: value_start..trimmed_end,
            });
            last_value_end = pos;
        } else if line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            let comment_only = line.trim_start().starts_with('#');
            if !comment_only {
                last_value_end = pos;
            }
        }
    }
    if let Some(e) = out.last_mut() {
        e.range.end = last_value_end;
    }
    out
}

/// Sets top-level `key` of `text` to `value` (already formatted: a scalar or a flow
/// collection, on one line). An existing entry is replaced where it stands, keeping the
/// comment on its key line; a missing one is added at the end. Returns the new text.
pub fn set(text: &str, key: &str, value: &str) -> String {
    match entries(text).into_iter().find(|e| e.key == key) {
        Some(e) => {
            let key_line_end = text[e.range.start..]
                .find('\n')
                .map_or(text.len(), |i| e.range.start + i);
            let comment = &text[e.inline_value.end..key_line_end];
            let comment = comment.trim_end_matches('\r');
            let comment = if comment.trim().is_empty() {
                ""
            } else {
                comment
            };
            let mut out = String::with_capacity(text.len() + value.len());
            out.push_str(&text[..e.range.start]);
            out.push_str(&format!("{key}: {value}{comment}\n"));
            out.push_str(&text[e.range.end.max(key_line_end + 1).min(text.len())..]);
            out
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{key}: {value}\n"));
            out
        }
    }
}

/// Sets `sub` inside the top-level mapping `key` (`leader_scores: {charisma: 2}` or the same
/// as an indented block) to `value`, keeping the other entries and comments. A flow mapping
/// on the key line is rewritten from `current` (the mapping as parsed, with `sub` changed);
/// a block mapping has its `sub:` line rewritten, or one added under the key.
pub fn set_in(
    text: &str,
    key: &str,
    sub: &str,
    value: &str,
    current: &[(String, String)],
) -> String {
    let Some(e) = entries(text).into_iter().find(|e| e.key == key) else {
        return set(text, key, &flow_map(current));
    };
    if !text[e.inline_value.clone()].is_empty() {
        return set(text, key, &flow_map(current));
    }
    let body_start = text[e.range.start..]
        .find('\n')
        .map_or(text.len(), |i| e.range.start + i + 1);
    let mut pos = body_start;
    let mut indent = "  ".to_string();
    for line in text[body_start..e.range.end].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = &line[..line.len() - trimmed.len()];
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            indent = lead.to_string();
        }
        if let Some(rest) = trimmed.strip_prefix(sub) {
            if rest.trim_start().starts_with(':') {
                let content = line.trim_end_matches(['\n', '\r']);
                let colon = lead.len() + sub.len() + rest.find(':').unwrap_or(0);
                let after = &content[colon + 1..];
                let comment = comment_start(after).map_or("", |c| &after[c..]);
                let comment = if comment.is_empty() {
                    String::new()
                } else {
                    format!(" {comment}")
                };
                let mut out = String::new();
                out.push_str(&text[..pos]);
                out.push_str(&format!("{lead}{sub}: {value}{comment}\n"));
                out.push_str(&text[(pos + line.len()).min(text.len())..]);
                return out;
            }
        }
        pos += line.len();
    }
    let mut out = String::new();
    out.push_str(&text[..e.range.end]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("{indent}{sub}: {value}\n"));
    out.push_str(&text[e.range.end..]);
    out
}

/// `s` as a YAML scalar that reads back as the string `s`: plain when that is safe, else
/// double-quoted (a JSON string is a valid YAML double-quoted scalar).
pub fn scalar(s: &str) -> String {
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    let looks_numeric = s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o");
    let safe = !s.is_empty()
        && s.trim() == s
        && s.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.')
        && !s.chars().any(|c| {
            c.is_control()
                || matches!(
                    c,
                    ':' | '#'
                        | '"'
                        | '\''
                        | '{'
                        | '}'
                        | '['
                        | ']'
                        | ','
                        | '&'
                        | '*'
                        | '!'
                        | '|'
                        | '>'
                        | '%'
                        | '@'
                        | '`'
                        | '\\'
                )
        })
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
        && !looks_numeric;
    if safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A flow list of strings: `[a, "b: c"]`.
pub fn flow_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("[{}]", parts.join(", "))
}

/// A flow mapping of already formatted values: `{charisma: 3, known: 2}`.
pub fn flow_map(items: &[(String, String)]) -> String {
    let parts: Vec<String> = items.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Ana, met at the 2026 meetup\nid: ana\nname: Ana  # legal name\nexpertise:\n  - rust\n  - yaml\n# scores from the club\nleader_scores:\n  charisma: 2 # voted\n  known: 1\nbio: |\n  Line one.\n\n  Line two.\n";

    #[test]
    fn a_value_changes_in_place_and_its_comment_stays() {
        let out = set(FILE, "name", &scalar("Ana Lima"));
        assert_eq!(
            out,
            FILE.replace("name: Ana  # legal name", "name: Ana Lima  # legal name")
        );
    }

    #[test]
    fn a_block_list_becomes_one_line_and_the_next_comment_stays() {
        let out = set(
            FILE,
            "expertise",
            &flow_list(&["rust".into(), "csv".into()]),
        );
        assert!(
            out.contains("expertise: [rust, csv]\n# scores from the club\nleader_scores:"),
            "{out}"
        );
        assert!(out.starts_with("# Ana, met at the 2026 meetup\nid: ana\n"));
    }

    #[test]
    fn a_block_scalar_is_replaced_whole() {
        let out = set(FILE, "bio", &scalar("New.\nText"));
        assert!(out.ends_with("known: 1\nbio: \"New.\\nText\"\n"), "{out}");
    }

    #[test]
    fn a_missing_key_is_added_at_the_end() {
        let out = set("id: bo\nname: Bo", "headline", &scalar("Maker"));
        assert_eq!(out, "id: bo\nname: Bo\nheadline: Maker\n");
    }

    #[test]
    fn one_score_changes_in_a_block_mapping() {
        let out = set_in(FILE, "leader_scores", "known", "3", &[]);
        assert!(
            out.contains("  charisma: 2 # voted\n  known: 3\nbio:"),
            "{out}"
        );
        let out = set_in(FILE, "leader_scores", "available", "1", &[]);
        assert!(out.contains("  known: 1\n  available: 1\nbio:"), "{out}");
        let flow = "leader_scores: {charisma: 2, known: 1}  # q3\n";
        let cur = [
            ("charisma".to_string(), "3".to_string()),
            ("known".to_string(), "1".to_string()),
        ];
        assert_eq!(
            set_in(flow, "leader_scores", "charisma", "3", &cur),
            "leader_scores: {charisma: 3, known: 1}  # q3\n"
        );
    }

    #[test]
    fn scalars_read_back_as_the_same_string() {
        for s in [
            "Ana",
            "yes",
            "3",
            "a: b",
            "#tag",
            " padded",
            "O'Neil",
            "",
            "line\nbreak",
            "Zoë",
        ] {
            let doc = format!("v: {}\n", scalar(s));
            let back: std::collections::HashMap<String, String> =
                serde_saphyr::from_str(&doc).unwrap();
            assert_eq!(back["v"], s, "{doc}");
        }
    }
}
