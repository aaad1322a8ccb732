//! Load: read a site folder from disk into memory, checking only that files are readable text.
//!
//! Nothing here interprets content: front matter and Markdown are parsed by the model and the
//! markdown stages. Every unreadable file becomes a diagnostic and the others are still loaded.

pub mod data;
pub mod frontmatter;

use crate::config::Config;
use crate::diagnostics::{display_path, line_col, Diagnostic};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Markdown files over this size are refused: they are almost always a mistake (an export, a
/// binary renamed), and would make every later stage slow.
pub const MAX_TEXT_FILE: u64 = 8 * 1024 * 1024;

/// A Markdown file under `content/`.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Relative to `content/`, with `/` separators.
    pub rel: PathBuf,
    /// As shown in messages: relative to the site folder (`content/blog/a.md`).
    pub display: PathBuf,
    pub text: String,
}

/// A YAML file under `data/`.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Relative to `data/`.
    pub rel: PathBuf,
    pub display: PathBuf,
    pub text: String,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub source: PathBuf,
    /// Output path, relative to the output folder.
    pub rel: PathBuf,
}

/// A template of the site's own `templates/`, overriding the theme's file of the same name.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub display: PathBuf,
    pub text: String,
}

/// Everything a build reads, as loaded from disk.
#[derive(Debug)]
pub struct Sources {
    pub root: PathBuf,
    pub config: Config,
    pub content: Vec<ContentFile>,
    /// Non-Markdown files under `content/` (images beside a page), copied at the same path.
    pub content_assets: Vec<AssetFile>,
    pub data: Vec<DataFile>,
    pub templates: Vec<TemplateFile>,
    pub static_files: Vec<AssetFile>,
}

/// Reads the site at `root`. Returns what could be read and a diagnostic per unreadable file;
/// fails outright only when `site.yaml` is missing or invalid.
pub fn load(root: &Path) -> Result<(Sources, Vec<Diagnostic>), Vec<Diagnostic>> {
    let config_path = root.join("site.yaml");
    let display = PathBuf::from("site.yaml");
    let config_text = match std::fs::read(&config_path) {
        Ok(bytes) => check_text(&display, bytes).map_err(|d| vec![d])?,
        Err(e) => {
            return Err(vec![Diagnostic::error(
                &display,
                format!("cannot read the site settings: {e}"),
            )
            .with_hint(format!(
                "run parvis in a site folder (one with a site.yaml), give the folder as an argument, or create one with `parvis init {}`",
                root.display()
            ))])
        }
    };
    let config = Config::from_file(&display, &config_text)?;

    let mut diags = Vec::new();
    let (markdown, others): (Vec<_>, Vec<_>) = walk(root, "content")
        .into_iter()
        .partition(|(_, rel)| rel.extension().is_some_and(|e| e == "md"));
    let content_assets = others
        .into_iter()
        .map(|(source, rel)| AssetFile { source, rel })
        .collect();
    // Reading is parallel: on a cold cache, a 10,000-page site waits on the disk.
    let read: Vec<Result<ContentFile, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(path, rel)| {
            let display = display_path(root, &path);
            read_text(&path, &display).map(|text| ContentFile { rel, display, text })
        })
        .collect();
    let mut content = Vec::new();
    for r in read {
        match r {
            Ok(f) => content.push(f),
            Err(d) => diags.push(d),
        }
    }

    let mut data = Vec::new();
    for (path, rel) in walk(root, "data") {
        let display = display_path(root, &path);
        match rel.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => match read_text(&path, &display) {
                Ok(text) => data.push(DataFile { rel, display, text }),
                Err(d) => diags.push(d),
            },
            _ => diags.push(
                Diagnostic::warning(&display, "this file in data/ is not YAML and is ignored")
                    .with_hint("data files end in .yaml or .yml; move other files to static/"),
            ),
        }
    }

    let mut templates = Vec::new();
    for (path, rel) in walk(root, "templates") {
        let display = display_path(root, &path);
        match read_text(&path, &display) {
            Ok(text) => templates.push(TemplateFile {
                name: slash_path(&rel),
                display,
                text,
            }),
            Err(d) => diags.push(d),
        }
    }

    let static_files = walk(root, "static")
        .into_iter()
        .map(|(source, rel)| AssetFile { source, rel })
        .collect();

    Ok((
        Sources {
            root: root.to_path_buf(),
            config,
            content,
            content_assets,
            data,
            templates,
            static_files,
        },
        diags,
    ))
}

/// Files under `root/dir`, sorted, with their path relative to `root/dir`. Hidden files and
/// editor leftovers are skipped, and so is anything a symlink would take outside the site.
fn walk(root: &Path, dir: &str) -> Vec<(PathBuf, PathBuf)> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    files_in(&base)
}

/// Regular files under `base`, sorted, with their path relative to `base`: what loading reads
/// from one of the site's folders. Symlinks are neither followed nor kept (only `base` itself
/// may be one), so that nothing outside the site is read; hidden files and editor leftovers
/// are skipped. `serve` lists a folder that appeared with it, so both see the same files.
pub fn files_in(base: &Path) -> Vec<(PathBuf, PathBuf)> {
    WalkDir::new(base)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(base)
                .unwrap_or(e.path())
                .to_path_buf();
            (e.path().to_path_buf(), rel)
        })
        .collect()
}

/// What `base/rel` is as loading sees it, without following a symlink below `base`: `None`
/// when it does not exist or a folder on the way is a symlink (loading does not go there),
/// else its own type (a symlink's, for a link). `serve` asks this of a changed path, so that
/// an update reads exactly the files a full build would.
pub fn loaded_type(base: &Path, rel: &Path) -> Option<std::fs::FileType> {
    let mut path = base.to_path_buf();
    let mut kind = std::fs::metadata(base).ok()?.file_type();
    for part in rel.components() {
        let std::path::Component::Normal(name) = part else {
            return None;
        };
        if !kind.is_dir() {
            return None;
        }
        path.push(name);
        kind = std::fs::symlink_metadata(&path).ok()?.file_type();
    }
    Some(kind)
}

/// Whether loading reads `base/rel`: a regular file, reached without a symlink.
pub fn is_loaded_file(base: &Path, rel: &Path) -> bool {
    !rel.as_os_str().is_empty() && loaded_type(base, rel).is_some_and(|t| t.is_file())
}

/// Hidden files, editor swap and backup files: never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// A path with `/` separators, as templates and URLs want it.
pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a text file, refusing huge, binary and non-UTF-8 files.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::error(display, format!("cannot read this file: {e}")))?;
    if meta.len() > MAX_TEXT_FILE {
        return Err(Diagnostic::error(
            display,
            format!(
                "this file is {:.1} MiB; text files over {} MiB are refused",
                meta.len() as f64 / 1048576.0,
                MAX_TEXT_FILE / 1048576
            ),
        )
        .with_hint("split it into several pages, or move large files to static/"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(display, format!("cannot read this file: {e}")))?;
    check_text(display, bytes)
}

/// Refuses binary files and invalid UTF-8, pointing at the first bad byte.
fn check_text(display: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if let Some(pos) = bytes.iter().take(8192).position(|&b| b == 0) {
        let valid = String::from_utf8_lossy(&bytes[..pos]).into_owned();
        let (line, col) = line_col(&valid, valid.len());
        return Err(Diagnostic::error(display, "this looks like a binary file, not text")
            .at(&valid, line, col)
            .with_hint("only UTF-8 text belongs here; put images and other files in static/ or beside the page"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let valid = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
        let (line, col) = line_col(&valid, valid.len());
        let shown = String::from_utf8_lossy(&bytes).into_owned();
        Diagnostic::error(display, "this file is not valid UTF-8 text")
            .at(&shown, line, col)
            .with_hint(
                "save the file as UTF-8 in your editor (it may be in Latin-1 or Windows-1252)",
            )
    })
}
