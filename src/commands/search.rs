//! `parvis search`: the exported index queried from the terminal, with the browser's ranking.

use super::{finish, Doing, Format};
use parvis_search::query::{excerpt, Query, Reader};
use parvis_site::{BuildError, BuildOptions};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `parvis search` prints.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq, Debug)]
pub enum SearchFormat {
    /// Numbered results with their excerpts, for people.
    Text,
    /// One JSON document on standard output (a failed build's diagnostics too).
    Json,
}

impl From<SearchFormat> for Format {
    fn from(f: SearchFormat) -> Format {
        match f {
            SearchFormat::Text => Format::Text,
            SearchFormat::Json => Format::Json,
        }
    }
}

pub struct SearchOptions {
    pub root: PathBuf,
    /// Where `parvis build` wrote the site [default: SITE/public].
    pub output: Option<PathBuf>,
    pub audience: Option<String>,
    pub query: String,
    pub limit: usize,
    /// `facet=value` pairs.
    pub filters: Vec<String>,
    /// Build the index in memory instead of reading the last build's.
    pub fresh: bool,
    pub format: SearchFormat,
}

/// Runs a query and prints its results, or the site's errors.
pub fn run(o: &SearchOptions) -> ExitCode {
    match results(o) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => finish(Err(e), Doing::Read, o.format.into(), &o.root, false, |_| {
            String::new()
        }),
    }
}

/// Runs a query and returns what to print.
pub fn results(o: &SearchOptions) -> Result<String, BuildError> {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &o.filters {
        let (k, v) = f.split_once('=').ok_or_else(|| {
            BuildError::Usage(format!(
                "--filter `{f}`: write it as facet=value, e.g. kind=blog"
            ))
        })?;
        filters
            .entry(k.to_string())
            .or_default()
            .push(v.to_string());
    }
    let (files, origin) = match (!o.fresh).then(|| built_index(o)).flatten() {
        Some((dir, files)) => (files, dir.display().to_string()),
        None => (in_memory(o)?, "built in memory".to_string()),
    };
    let mut reader = Reader::open(|path: &str| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| format!("the index has no file {path}"))
    })
    .map_err(|e| BuildError::Usage(e.to_string()))?;
    let query = Query {
        text: o.query.clone(),
        filters,
        full: false,
    };
    let results = reader
        .search(&query)
        .map_err(|e| BuildError::Usage(e.to_string()))?;
    let mut shown = Vec::new();
    for hit in results.hits.iter().take(o.limit) {
        let card = reader
            .card(hit.doc)
            .map_err(|e| BuildError::Usage(e.to_string()))?;
        let (anchor, words) = excerpt(&card, &results, &reader.manifest.fold, 24);
        shown.push((hit, card, anchor, words));
    }
    if o.format == SearchFormat::Json {
        let results_json: Vec<_> = shown
            .iter()
            .map(|(hit, card, anchor, words)| {
                json!({
                    "doc": hit.doc, "url": card.url, "title": card.title, "kind": card.kind,
                    "date": card.date, "matched": hit.matched, "score": hit.score,
                    "anchor": anchor,
                    "excerpt": words.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join(" "),
                    "highlights": words.iter().filter(|(_, m)| *m).map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        return Ok(json!({
            "query": o.query, "index": origin, "total": results.hits.len(),
            "more": results.partial,
            "tokens": results.tokens, "results": results_json,
        })
        .to_string()
            + "\n");
    }
    let mut out = String::new();
    for (n, (hit, card, anchor, words)) in shown.iter().enumerate() {
        let url = if anchor.is_empty() {
            card.url.clone()
        } else {
            format!("{}#{anchor}", card.url)
        };
        out.push_str(&format!(
            "{:>2}. {}  {url}  ({}, score {})\n    ",
            n + 1,
            card.title,
            card.kind,
            hit.score
        ));
        let text: Vec<String> = words
            .iter()
            .map(|(w, m)| if *m { format!("[{w}]") } else { w.clone() })
            .collect();
        out.push_str(&text.join(" "));
        out.push('\n');
    }
    out.push_str(&format!(
        "{}{} result{} for `{}` (index: {origin})\n",
        if results.partial { "more than " } else { "" },
        results.hits.len(),
        if results.hits.len() == 1 { "" } else { "s" },
        o.query
    ));
    Ok(out)
}

type IndexFiles = BTreeMap<String, Vec<u8>>;

/// The index the last `parvis build` wrote for this audience, if there is one.
fn built_index(o: &SearchOptions) -> Option<(PathBuf, IndexFiles)> {
    let output = o.output.clone().unwrap_or_else(|| o.root.join("public"));
    let mut dirs = vec![output.join(parvis_search::DIR)];
    if let Some(a) = &o.audience {
        dirs.insert(0, output.join(a).join(parvis_search::DIR));
    }
    for dir in dirs {
        let Ok(raw) = std::fs::read(dir.join("manifest.bin")) else {
            continue;
        };
        let manifest: serde_json::Value = parvis_search::format::gunzip(&raw)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())?;
        if let Some(a) = &o.audience {
            if manifest["audience"].as_str() != Some(a) {
                continue;
            }
        }
        return Some((dir.clone(), read_dir(&dir)));
    }
    None
}

fn read_dir(dir: &Path) -> IndexFiles {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = parvis_core::load::slash_path(e.path().strip_prefix(dir).ok()?);
            Some((rel, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

fn in_memory(o: &SearchOptions) -> Result<IndexFiles, BuildError> {
    let opts = BuildOptions {
        root: o.root.clone(),
        output: None,
        audience: o.audience.clone(),
        drafts: false,
        progress: false,
        force: false,
        deny_warnings: false,
        external_links: false,
        offline: false,
    };
    parvis_site::search_files(&opts)
}
