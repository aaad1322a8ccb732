//! `data/`: every YAML file becomes a value templates can read.
//!
//! `data/site_stats.yaml` is `site.data.site_stats`; a folder `data/members/` is a list
//! `site.data.members` with one entry per file, in file-name order (one file per member merges
//! better in pull requests than one long list).

use super::DataFile;
use crate::diagnostics::Diagnostic;
use crate::yaml::{from_yaml, Origin};
use serde_json::{Map, Value};

/// The data keys the community model owns (members, communities, badges); they are not
/// exposed raw in `site.data`, which would publish private fields.
pub const OWNED_KEYS: &[&str] = &["members", "communities", "badges"];

/// Parses every data file and assembles them into one object.
pub fn merge(files: &[DataFile], diags: &mut Vec<Diagnostic>) -> Value {
    let mut root = Map::new();
    for f in files {
        let top = f
            .rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let top = top.trim_end_matches(".yaml").trim_end_matches(".yml");
        if OWNED_KEYS.contains(&top) {
            // Members, communities and badges hold private fields: templates get them
            // checked and filtered from the community model instead.
            continue;
        }
        let value: Value = match from_yaml(&f.text, Origin::whole(&f.display, &f.text), &[]) {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let mut parts = f
            .rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let first = parts.next().unwrap_or_default();
        let key = first
            .trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .to_string();
        let in_folder = parts.next().is_some();
        if in_folder {
            match root.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(list) => list.push(value),
                _ => diags.push(
                    Diagnostic::error(
                        &f.display,
                        format!("`data/{first}/` and `data/{first}.yaml` both exist"),
                    )
                    .with_hint("keep either the folder (one file per entry) or the single file"),
                ),
            }
        } else if root.contains_key(&key) {
            diags.push(
                Diagnostic::error(&f.display, format!("`{key}` is defined twice in data/"))
                    .with_hint("keep either the folder (one file per entry) or the single file"),
            );
        } else {
            root.insert(key, value);
        }
    }
    Value::Object(root)
}
