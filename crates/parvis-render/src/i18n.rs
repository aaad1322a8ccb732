//! Interface strings ("Read more", "Lire la suite") in the site's languages.
//!
//! The theme ships `i18n/<lang>.yaml`; a site may override or add strings with its own
//! `i18n/<lang>.yaml`. A language without a file, or a key missing in one, falls back to English.

use super::templates::THEME;
use parvis_core::diagnostics::Diagnostic;
use parvis_core::yaml::{from_yaml, Origin};
use std::collections::BTreeMap;
use std::path::Path;

pub type Strings = BTreeMap<String, String>;

/// Strings per language, complete for each of `languages`.
pub fn load(
    site_root: &Path,
    languages: &[String],
) -> Result<BTreeMap<String, Strings>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut read = |lang: &str| -> Strings {
        let mut strings = Strings::new();
        if let Some(f) = THEME.get_file(format!("i18n/{lang}.yaml")) {
            let text = f.contents_utf8().unwrap_or_default();
            let display = Path::new("themes/default").join(f.path());
            match from_yaml::<Strings>(text, Origin::whole(&display, text), &[]) {
                Ok(s) => strings.extend(s),
                Err(d) => errors.push(d),
            }
        }
        let own = site_root.join("i18n").join(format!("{lang}.yaml"));
        if let Ok(text) = std::fs::read_to_string(&own) {
            let display = Path::new("i18n").join(format!("{lang}.yaml"));
            match from_yaml::<Strings>(&text, Origin::whole(&display, &text), &[]) {
                Ok(s) => strings.extend(s),
                Err(d) => errors.push(d),
            }
        }
        strings
    };
    let english = read("en");
    let mut out = BTreeMap::new();
    for lang in languages {
        let mut strings = english.clone();
        if lang != "en" {
            strings.extend(read(lang));
        }
        out.insert(lang.clone(), strings);
    }
    // Each language's name as it writes it (`language_name` in its file), in every
    // language's strings as `language_<code>`: a language switcher names each language in
    // its own words, and adding a language stays one file.
    let names: Vec<(String, String)> = out
        .iter()
        .filter_map(|(lang, s)| Some((format!("language_{lang}"), s.get("language_name")?.clone())))
        .collect();
    for strings in out.values_mut() {
        for (key, name) in &names {
            strings.entry(key.clone()).or_insert_with(|| name.clone());
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
