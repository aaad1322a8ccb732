//! Load: read a site folder from disk into memory, checking only that files are readable text.
//!
//! Nothing here interprets content: front matter and Markdown are parsed by the model and the
//! markdown stages. Every unreadable file becomes a diagnostic and the others are still loaded.
//! A big site's bodies are checked, then left on disk until the markdown stage reads each again
//! ([`Bodies`]), so that the build never holds all of them at once.

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
    /// The whole file, or only up to the end of its front matter when its body was left on
    /// disk (`on_disk`).
    pub text: String,
    /// Set when the body was left on disk: where to read the whole file again.
    pub on_disk: Option<Box<OnDisk>>,
}

/// A Markdown file whose text is not all held: where it is, and its length when it was read,
/// to tell whether it changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDisk {
    pub path: PathBuf,
    pub len: usize,
}

/// How much of each Markdown file the load keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Every file whole: `serve` compares each with its next edit.
    Held,
    /// When the Markdown files weigh more than this many bytes in all, each body is checked
    /// (readable, UTF-8) and let go, and only the front matter kept: at 100,000 pages the
    /// bodies are 800 MB, most of what a build would otherwise hold at its peak. The markdown
    /// stage reads each file again ([`crate::model::Source::read_body`]).
    OnDiskAbove(u64),
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
    /// Whether the Markdown files' bodies were left on disk ([`Bodies::OnDiskAbove`]).
    pub bodies_on_disk: bool,
    pub content: Vec<ContentFile>,
    /// Non-Markdown files under `content/` (images beside a page), copied at the same path.
    pub content_assets: Vec<AssetFile>,
    pub data: Vec<DataFile>,
    pub templates: Vec<TemplateFile>,
    pub static_files: Vec<AssetFile>,
}

/// Reads the site at `root`, keeping the Markdown `bodies` as asked. Returns what could be read
/// and a diagnostic per unreadable file; fails outright only when `site.yaml` is missing or
/// invalid.
pub fn load(root: &Path, bodies: Bodies) -> Result<(Sources, Vec<Diagnostic>), Vec<Diagnostic>> {
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
    // Reading is parallel: on a cold cache, a 10,000-page site waits on the disk. The sizes
    // come first, to decide whether the bodies are kept.
    let sized: Vec<_> = markdown
        .into_par_iter()
        .map(|(path, rel)| {
            let len = std::fs::metadata(&path).map(|m| m.len());
            (path, rel, len)
        })
        .collect();
    let total: u64 = sized.iter().filter_map(|(.., len)| len.as_ref().ok()).sum();
    let bodies_on_disk = matches!(bodies, Bodies::OnDiskAbove(above) if total > above);
    let read: Vec<Result<ContentFile, Diagnostic>> = sized
        .into_par_iter()
        .map(|(path, rel, len)| {
            let display = display_path(root, &path);
            let mut text = read_sized(&path, &display, len)?;
            let on_disk = match bodies_on_disk {
                true => keep_front_matter(&mut text, &display).map(|len| {
                    Box::new(OnDisk {
                        path: path.clone(),
                        len,
                    })
                }),
                false => None,
            };
            Ok(ContentFile {
                rel,
                display,
                text,
                on_disk,
            })
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
            bodies_on_disk,
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
    read_sized(path, display, std::fs::metadata(path).map(|m| m.len()))
}

/// [`read_text`] for a file whose length `len` was already asked for.
fn read_sized(
    path: &Path,
    display: &Path,
    len: std::io::Result<u64>,
) -> Result<String, Diagnostic> {
    let len = len.map_err(|e| Diagnostic::error(display, format!("cannot read this file: {e}")))?;
    if len > MAX_TEXT_FILE {
        return Err(Diagnostic::error(
            display,
            format!(
                "this file is {:.1} MiB; text files over {} MiB are refused",
                len as f64 / 1048576.0,
                MAX_TEXT_FILE / 1048576
            ),
        )
        .with_hint("split it into several pages, or move large files to static/"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(display, format!("cannot read this file: {e}")))?;
    check_text(display, bytes)
}

/// Cuts `text`, a Markdown file, after its front matter, and returns the whole file's length;
/// `None`, keeping it whole, when it has no front matter to keep (or one never closed, which
/// the model reports) or no body to leave.
fn keep_front_matter(text: &mut String, display: &Path) -> Option<usize> {
    let split = frontmatter::split(display, text).ok()?;
    split.front?;
    if split.body.is_empty() {
        return None;
    }
    let len = text.len();
    let body_start = len - split.body.len();
    // A copy of the front matter alone, so that the body's allocation is freed.
    *text = text[..body_start].to_string();
    Some(len)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder with `files` under `content/`.
    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .unwrap();
        for (rel, text) in files {
            let path = dir.path().join("content").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn loaded(dir: &Path, bodies: Bodies) -> Sources {
        let (sources, diags) = load(dir, bodies).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        sources
    }

    const PAGE: &str = "---\ntitle: A\n---\nThe body, with [a link](/b/).\n";

    #[test]
    fn a_big_site_keeps_front_matter_and_reads_each_body_again() {
        let dir = site(&[
            ("a.md", PAGE),
            ("plain.md", "No front matter: kept whole.\n"),
        ]);
        let small = loaded(dir.path(), Bodies::OnDiskAbove(1 << 20));
        assert!(!small.bodies_on_disk);
        assert!(small.content.iter().all(|f| f.on_disk.is_none()));

        let big = loaded(dir.path(), Bodies::OnDiskAbove(10));
        assert!(big.bodies_on_disk);
        let [a, plain] = &big.content[..] else {
            panic!("two files")
        };
        assert_eq!(a.text, "---\ntitle: A\n---\n");
        assert_eq!(a.on_disk.as_ref().unwrap().len, PAGE.len());
        assert_eq!(plain.text, "No front matter: kept whole.\n");
        assert!(plain.on_disk.is_none());

        let (source, front, _) = crate::model::reparse(a.clone()).unwrap();
        assert_eq!(front.title.as_deref(), Some("A"));
        assert_eq!(source.body(), "", "not held");
        assert_eq!(
            source.read_body().unwrap(),
            "The body, with [a link](/b/).\n"
        );
        // An error in the body is placed in the file as read again.
        let d = source.body_error(16, "broken");
        assert_eq!((d.line, d.column), (4, 17));
    }

    #[test]
    fn a_body_left_on_disk_and_changed_since_is_an_error_not_another_text() {
        let dir = site(&[("a.md", PAGE)]);
        let big = loaded(dir.path(), Bodies::OnDiskAbove(0));
        let (source, ..) = crate::model::reparse(big.content[0].clone()).unwrap();
        // Same length, other front matter: its offsets would be another file's.
        let edited = PAGE.replace("title: A", "title: B");
        std::fs::write(dir.path().join("content/a.md"), edited).unwrap();
        let e = source.read_body().unwrap_err();
        assert!(e.message.contains("changed while"), "{e:?}");
        assert_eq!(e.file, PathBuf::from("content/a.md"));
        std::fs::remove_file(dir.path().join("content/a.md")).unwrap();
        assert!(source.read_body().is_err());
    }
}
