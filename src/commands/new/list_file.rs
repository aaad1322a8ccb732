//! Appending one entry to a YAML list file (`data/members.yaml`) without touching what is
//! already there: comments, quoting and order stay as their authors wrote them, so the pull
//! request shows only the new lines.

use super::NewError;
use std::io::Write as _;
use std::path::Path;

/// Appends `entry` (one YAML mapping, as an archetype gives it) as the last item of the block
/// list in `path`, indented as the items already there. Returns the line the item starts on.
/// The file is read back as it would be after the append, and nothing is written unless it
/// then holds one more item, the new one, with `id`.
pub fn append(path: &Path, entry: &str, id: &str) -> Result<usize, NewError> {
    let refuse =
        |why: String| NewError::Refused(format!("cannot append to {}: {why}", path.display()));
    let old = std::fs::read_to_string(path).map_err(|e| refuse(e.to_string()))?;
    let indent = item_indent(&old).ok_or_else(|| {
        refuse("it is not a block list of entries (`- id: …` lines); add the entry by hand".into())
    })?;
    let mut suffix = String::new();
    if !old.is_empty() && !old.ends_with('\n') {
        suffix.push('\n');
    }
    let mut line_no = old.lines().count();
    let mut start_line = None;
    for line in entry.lines() {
        line_no += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            suffix.push('\n');
            continue;
        }
        // Comments before the first key sit above the item; the first key opens it.
        let lead = match start_line {
            None if trimmed.starts_with('#') => "",
            None => {
                start_line = Some(line_no);
                "- "
            }
            Some(_) => "  ",
        };
        suffix.push_str(&format!("{indent}{lead}{line}\n"));
    }
    let new = format!("{old}{suffix}");
    let count = |text: &str| -> Result<Vec<serde_json::Value>, String> {
        let list: Option<Vec<serde_json::Value>> =
            serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        Ok(list.unwrap_or_default())
    };
    let before = count(&old).map_err(|e| refuse(format!("it does not parse ({e})")))?;
    let after = count(&new).map_err(|e| refuse(format!("the new entry would not parse ({e})")))?;
    let added = after
        .last()
        .and_then(|v| v.get("id"))
        .and_then(|v| v.as_str());
    if after.len() != before.len() + 1 || added != Some(id) {
        return Err(refuse(
            "the new entry would not be read as one more item of the list; add it by hand".into(),
        ));
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| refuse(e.to_string()))?;
    f.write_all(suffix.as_bytes())
        .map_err(|e| refuse(e.to_string()))?;
    Ok(start_line.unwrap_or(line_no))
}

/// The indentation of the items of the top-level block list (`""` for `- id: a`), or `None`
/// when the file holds something else; a file with only comments gets unindented items.
fn item_indent(text: &str) -> Option<String> {
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
            continue;
        }
        return if trimmed.starts_with("- ") || trimmed == "-" {
            Some(line[..line.len() - trimmed.len()].to_string())
        } else {
            None
        };
    }
    Some(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_indentation_of_list_items() {
        assert_eq!(item_indent("# members\n- id: a\n").as_deref(), Some(""));
        assert_eq!(item_indent("  - id: a\n").as_deref(), Some("  "));
        assert_eq!(item_indent("# nothing yet\n").as_deref(), Some(""));
        assert_eq!(item_indent("[{id: a}]\n"), None);
        assert_eq!(item_indent("members:\n  - id: a\n"), None);
    }
}
