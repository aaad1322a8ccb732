//! YAML and TOML parsing into typed values, with errors turned into diagnostics.
//!
//! YAML goes through serde-saphyr: YAML 1.2 (so `NO` stays the string "NO"), no panics, budgets
//! against alias bombs, and a location on every error. TOML (front matter between `+++`) goes
//! through the `toml` crate, whose errors carry a byte span.

use crate::diagnostics::{suggest, Diagnostic};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Where a piece of YAML or TOML sits in its file, so that errors point at the file's own lines.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    /// The whole file, for quoting the offending line.
    pub file_text: &'a str,
    /// 0-based line of the file where the parsed text starts.
    pub line_offset: usize,
}

impl<'a> Origin<'a> {
    pub fn whole(file: &'a Path, text: &'a str) -> Self {
        Origin {
            file,
            file_text: text,
            line_offset: 0,
        }
    }

    fn diag(&self, message: String, line: usize, column: usize) -> Diagnostic {
        let line = if line == 0 {
            0
        } else {
            line + self.line_offset
        };
        Diagnostic::error(self.file, message).at(self.file_text, line, column)
    }

    /// The 1-based line and column of a top-level `key:` (or `key =`) in the parsed text, for
    /// errors found after parsing (an invalid date, an unknown audience).
    pub fn key_position(&self, text: &str, key: &str) -> (usize, usize) {
        for (i, l) in text.lines().enumerate() {
            if let Some(rest) = l.strip_prefix(key) {
                let rest = rest.trim_start();
                if rest.starts_with(':') || rest.starts_with('=') {
                    // Point at the value when there is one, else at the key.
                    let value = rest[1..].trim_start();
                    let col = if value.is_empty() {
                        1
                    } else {
                        l[..l.len() - value.len()].chars().count() + 1
                    };
                    return (i + 1 + self.line_offset, col);
                }
            }
        }
        (0, 0)
    }

    /// A diagnostic about the value of top-level `key` in `text`.
    pub fn key_error(&self, text: &str, key: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.key_position(text, key);
        Diagnostic::error(self.file, message).at(self.file_text, line, col)
    }
}

/// Parses YAML `text` into `T`; an unknown key gets a hint naming the nearest known one.
/// `keys` are the keys `T` accepts, for suggestions (empty for free-form data).
pub fn from_yaml<T: DeserializeOwned>(
    text: &str,
    origin: Origin<'_>,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0));
        let raw = e.without_snippet().to_string();
        if let Some(d) = not_a_list(&raw, text, line, column, Syntax::Yaml) {
            return origin.diag(d, line, column);
        }
        let d = origin.diag(clean_message(&raw), line, column);
        with_key_hint(d, &raw, keys)
    })
}

/// Parses TOML `text` into `T`.
pub fn from_toml<T: DeserializeOwned>(
    text: &str,
    origin: Origin<'_>,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    toml::from_str::<T>(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| crate::diagnostics::line_col(text, s.start))
            .unwrap_or((0, 0));
        let raw = e.message().to_string();
        if let Some(d) = not_a_list(&raw, text, line, column, Syntax::Toml) {
            return origin.diag(d, line, column);
        }
        let d = origin.diag(clean_message(&raw), line, column);
        with_key_hint(d, &raw, keys)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// `tags: news` where a list is expected: the parsers say "expected sequence start", which a
/// writer cannot act on. When the error sits at the value of a `key: value` line, the message
/// names the key and shows the line written as a list. `line` and `column` are 1-based in
/// `text`.
fn not_a_list(raw: &str, text: &str, line: usize, column: usize, syntax: Syntax) -> Option<String> {
    if !(raw.contains("expected sequence") || raw.contains("expected a sequence")) {
        return None;
    }
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let sep = if syntax == Syntax::Yaml { ':' } else { '=' };
    let at = l.find(sep)?;
    let key = l[..at].trim().trim_start_matches("- ");
    let value = l[at + 1..].trim();
    let plain_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    // Only when the parser stopped at this key's value, not at a nested line.
    let after_sep = l[..=at].chars().count() < column;
    if !plain_key || value.is_empty() || !after_sep {
        return None;
    }
    let items = match syntax {
        Syntax::Yaml => value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Syntax::Toml => value.to_string(),
    };
    Some(match syntax {
        Syntax::Yaml => format!("`{key}` must be a list: write `{key}: [{items}]`"),
        Syntax::Toml => format!("`{key}` must be a list: write `{key} = [{items}]`"),
    })
}

/// serde messages say "field"; writers know "key". Locations are given separately.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    if let Some(rest) = first.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("unknown key {name}");
    }
    first.replace("missing field", "missing key")
}

/// For serde's "unknown field `x`…", suggests the nearest of the known keys. serde names the
/// keys of the mapping the unknown key sits in ("expected one of a, b"); those are used when
/// given, since `keys` are only the top-level ones.
fn with_key_hint(d: Diagnostic, raw: &str, keys: &[&str]) -> Diagnostic {
    if let Some(rest) = raw.split("unknown variant `").nth(1) {
        // "unknown variant `x`, expected one of a, b": a value out of a fixed set.
        let unknown = rest.split('`').next().unwrap_or_default();
        let first_line = raw.lines().next().unwrap_or_default();
        let first_line = first_line.split(" at line ").next().unwrap_or_default();
        let allowed: Vec<&str> = first_line
            .split_once("expected one of ")
            .or_else(|| first_line.split_once("expected "))
            .map(|(_, list)| {
                list.split([',', ' '])
                    .map(|k| k.trim().trim_matches('`'))
                    .filter(|k| !k.is_empty() && *k != "or")
                    .collect()
            })
            .unwrap_or_default();
        return if allowed.is_empty() {
            d
        } else {
            d.with_hint(crate::diagnostics::one_of(unknown, &allowed))
        };
    }
    let Some(rest) = raw.split("unknown field `").nth(1) else {
        return d;
    };
    let unknown = rest.split('`').next().unwrap_or_default();
    let first_line = raw.lines().next().unwrap_or_default();
    let first_line = first_line.split(" at line ").next().unwrap_or_default();
    // "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
    let nested: Vec<&str> = first_line
        .split_once(", expected ")
        .map(|(_, list)| {
            list.strip_prefix("one of ")
                .unwrap_or(list)
                .split(", ")
                .flat_map(|k| k.split(" or "))
                .map(|k| k.trim().trim_matches('`'))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let keys = if nested.is_empty() { keys } else { &nested };
    let hint = match suggest(unknown, keys.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "remove it, or put free-form values under `extra:`".to_string(),
    };
    if keys.is_empty() {
        d.with_hint(hint)
    } else {
        d.with_hint(format!("{hint} Known keys: {}", keys.join(", ")))
    }
}

/// A diagnostic at a value of `file` whose place serde-saphyr recorded (`Spanned`), for
/// errors found after parsing.
pub fn at<T>(
    file: impl Into<std::path::PathBuf>,
    text: &str,
    v: &serde_saphyr::Spanned<T>,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(file, message).at(
        text,
        v.referenced.line() as usize,
        v.referenced.column() as usize,
    )
}

/// Checks a hand-kept list of keys (used for "did you mean" hints) against the keys the
/// struct it stands for accepts, read from the struct's own `Deserialize` impl, so that a
/// field added to the struct without its key (or a key left after its field went) fails a
/// test instead of giving a wrong hint.
#[cfg(test)]
pub(crate) fn assert_keys_are_fields<T: serde::de::DeserializeOwned>(list: &str, keys: &[&str]) {
    use std::collections::BTreeSet;
    let fields: BTreeSet<&str> = serde_aux::serde_introspection::serde_introspect::<T>()
        .iter()
        .copied()
        .collect();
    let listed: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(listed.len(), keys.len(), "{list} names a key twice");
    let missing: Vec<_> = fields.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&fields).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{list} is out of step with {}: keys missing from the list {missing:?}, keys the struct \
         does not accept {extra:?}",
        std::any::type_name::<T>()
    );
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Two {
        a: u8,
        #[serde(rename = "type")]
        kind: u8,
    }

    #[test]
    fn key_check_accepts_the_struct_keys_in_any_order() {
        super::assert_keys_are_fields::<Two>("TWO", &["type", "a"]);
    }

    #[test]
    #[should_panic(expected = "keys missing from the list [\"type\"]")]
    fn key_check_fails_on_a_field_missing_from_the_list() {
        super::assert_keys_are_fields::<Two>("TWO", &["a"]);
    }

    #[test]
    #[should_panic(expected = "keys the struct does not accept [\"b\"]")]
    fn key_check_fails_on_a_key_the_struct_ignores() {
        super::assert_keys_are_fields::<Two>("TWO", &["a", "type", "b"]);
    }
}
