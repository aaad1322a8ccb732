//! `parvis new KIND TITLE`: a new page, post, event, job posting, member or community, written
//! from an archetype where it belongs, so that a writer starts from a file that builds cleanly
//! and shows every key the kind reads.
//!
//! The site is loaded (errors in it do not stop `new`: a writer fixes them in their own time)
//! to find where the file goes: the section whose `kind:` matches, the folder or list file that
//! holds members and communities, the ids already taken. The archetype is the site's
//! `archetypes/<kind>.md|yaml` if it has one, else the default theme's; both are Tera templates.
//! Nothing existing is ever replaced: an existing file or id is refused before anything is
//! written, and an entry appended to a list file leaves every byte before it as it was.

mod archetype;
mod list_file;

use parvis_core::diagnostics::{suggest, Diagnostics};
use parvis_core::model::Site;
use parvis_core::text::slugify;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `parvis new` creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A page, in content/ or in the section `--section` names.
    Page,
    /// A post in the `blog` section.
    Blog,
    /// An event in the `events` section (start, end, time zone, place, links).
    Event,
    /// A job posting in the `careers` section (team, places, terms, where to apply).
    Job,
    /// A member in data/members/ (or appended to data/members.yaml), unpublished until filled.
    Member,
    /// A community in data/communities/ (or appended to data/communities.yaml).
    Community,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Blog => "blog",
            Kind::Event => "event",
            Kind::Job => "job",
            Kind::Member => "member",
            Kind::Community => "community",
        }
    }

    /// The section kind that lists this kind of page, and the folder a missing one gets.
    fn section(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Kind::Blog => Some(("blog", "blog", "Blog")),
            Kind::Event => Some(("events", "events", "Events")),
            Kind::Job => Some(("careers", "careers", "Careers")),
            _ => None,
        }
    }

    fn is_data(self) -> bool {
        matches!(self, Kind::Member | Kind::Community)
    }
}

/// What `parvis new` was asked.
pub struct NewArgs {
    pub kind: Kind,
    pub title: String,
    pub site: PathBuf,
    pub section: Option<String>,
    pub lang: Option<String>,
    pub draft: bool,
    pub id: Option<String>,
    pub communities: Vec<String>,
    pub managers: Vec<String>,
    pub charter: Option<String>,
}

/// Why nothing was written.
#[derive(Debug)]
pub enum NewError {
    /// The command is wrong (exit code 2).
    Usage(String),
    /// The file or id exists, or a file could not be written (exit code 1).
    Refused(String),
    /// site.yaml or an archetype has errors (exit code 1).
    Content(Diagnostics),
}

impl NewError {
    fn usage(msg: impl Into<String>) -> Self {
        NewError::Usage(msg.into())
    }
}

/// Runs `parvis new`: prints the path of each file written on standard output.
pub fn run(args: &NewArgs) -> ExitCode {
    match create(args) {
        Ok(written) => {
            for w in &written {
                println!("{}", w.path.strip_prefix(".").unwrap_or(&w.path).display());
                if let Some(note) = &w.note {
                    eprintln!("{note}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(NewError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(NewError::Refused(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
        Err(NewError::Content(d)) => {
            eprint!("{}", d.render_text());
            eprintln!("nothing was written");
            ExitCode::from(1)
        }
    }
}

/// A file `new` wrote, and what to tell the writer about it.
struct Written {
    path: PathBuf,
    note: Option<String>,
}

/// Where a new item goes, decided before anything is written.
enum Target {
    /// A new file (and the `_index.md` of a section created for it, when there was none).
    File {
        path: PathBuf,
        section_index: Option<(PathBuf, String)>,
    },
    /// An entry appended to a list file (data/members.yaml).
    Append { path: PathBuf },
}

fn create(a: &NewArgs) -> Result<Vec<Written>, NewError> {
    let root = &a.site;
    if !root.join("site.yaml").is_file() {
        return Err(NewError::usage(format!(
            "{} has no site.yaml; run parvis new in a site folder or give it with --site",
            root.display()
        )));
    }
    let (mut sources, _) = parvis_core::load::load(root, parvis_core::load::Bodies::Held)
        .map_err(|d| NewError::Content(d.into_iter().collect()))?;
    // Errors elsewhere in the site are the writer's to fix later; `new` only needs its shape.
    let (site, _) = Site::build(&mut sources);
    let config = &site.config;

    let id = match &a.id {
        Some(id) if slugify(id) != *id || id.is_empty() => {
            return Err(NewError::usage(format!(
                "--id `{id}` is not a plain lowercase identifier; use letters, digits and `-`, like `{}`",
                slugify(id)
            )))
        }
        Some(id) => id.clone(),
        None => slugify(&a.title),
    };
    if id.is_empty() {
        return Err(NewError::usage(format!(
            "the title `{}` has no letters or digits to make a file name of; give one with --id",
            a.title
        )));
    }
    if a.kind.is_data() {
        for (set, flag) in [
            (a.lang.is_some(), "--lang"),
            (a.section.is_some(), "--section"),
            (a.draft, "--draft"),
        ] {
            if set {
                let why = match (a.kind, flag) {
                    (Kind::Member, "--draft") => {
                        "a new member is unpublished (`published: false`) until they agree"
                    }
                    _ => "members and communities live in data/, in no language or section",
                };
                return Err(NewError::usage(format!("{flag} is for pages: {why}")));
            }
        }
    }
    for (set, flag, kind) in [
        (!a.communities.is_empty(), "--community", Kind::Member),
        (!a.managers.is_empty(), "--manager", Kind::Community),
        (a.charter.is_some(), "--charter", Kind::Community),
    ] {
        if set && a.kind != kind {
            return Err(NewError::usage(format!(
                "{flag} is for `parvis new {}`",
                kind.name()
            )));
        }
    }
    let lang = match &a.lang {
        Some(l) if !config.knows_language(l) => {
            return Err(NewError::usage(format!(
                "unknown language `{l}`: the site's languages are {}; add it to `languages` in site.yaml",
                config.languages.join(", ")
            )))
        }
        Some(l) => l.clone(),
        None => config.language.clone(),
    };

    let target = match a.kind {
        Kind::Member => data_target(
            root,
            "members",
            &id,
            site.community.members.iter().map(|m| m.id.as_str()),
        )?,
        Kind::Community => data_target(
            root,
            "communities",
            &id,
            site.community.communities.iter().map(|c| c.id.as_str()),
        )?,
        _ => page_target(&site, a, &id, &lang)?,
    };

    let vars = archetype::Vars::new(&site, a, &id, &lang, root)?;
    let text = archetype::render(root, a.kind, &vars)?;

    match target {
        Target::File {
            path,
            section_index,
        } => {
            let mut written = Vec::new();
            if let Some((index, title)) = section_index {
                let text = archetype::render_section(root, &title, a.kind, &vars)?;
                write_new(&index, &text)?;
                written.push(Written {
                    path: index,
                    note: None,
                });
            }
            write_new(&path, &text)?;
            written.push(Written {
                note: data_note(a),
                path,
            });
            Ok(written)
        }
        Target::Append { path } => {
            let line = list_file::append(&path, &text, &id)?;
            let shown = path
                .strip_prefix(".")
                .unwrap_or(&path)
                .display()
                .to_string();
            let appended = format!("appended `{id}` at line {line} of {shown}");
            Ok(vec![Written {
                note: Some(match data_note(a) {
                    Some(n) => format!("{appended}; {n}"),
                    None => appended,
                }),
                path,
            }])
        }
    }
}

/// What a writer should know about a new member or community.
fn data_note(a: &NewArgs) -> Option<String> {
    match a.kind {
        Kind::Member => Some("the profile stays unpublished (`published: false`) until the member has agreed to it and it is filled in".into()),
        Kind::Community if a.managers.is_empty() || a.charter.is_none() => Some(
            "name its managers (--manager) and its charter page (--charter), or `parvis check` will warn".into(),
        ),
        _ => None,
    }
}

/// Where a member or community goes: `data/<dir>/<id>.yaml`, unless the site keeps one list
/// in `data/<dir>.yaml`, which then gets the entry at its end.
fn data_target<'a>(
    root: &Path,
    dir: &str,
    id: &str,
    taken: impl Iterator<Item = &'a str>,
) -> Result<Target, NewError> {
    let what = if dir == "members" {
        "member"
    } else {
        "community"
    };
    let taken: Vec<&str> = taken.collect();
    if taken.contains(&id) {
        return Err(NewError::Refused(format!(
            "there is already a {what} with the id `{id}`; give another one with --id"
        )));
    }
    let folder = root.join("data").join(dir);
    let list = ["yaml", "yml"]
        .into_iter()
        .map(|ext| root.join("data").join(format!("{dir}.{ext}")))
        .find(|p| p.is_file());
    match list {
        Some(path) if !folder.is_dir() => Ok(Target::Append { path }),
        _ => {
            let path = folder.join(format!("{id}.yaml"));
            refuse_existing(&path)?;
            refuse_existing(&folder.join(format!("{id}.yml")))?;
            Ok(Target::File {
                path,
                section_index: None,
            })
        }
    }
}

/// Where a page goes: `content/<section>/<id>[.<lang>].md`.
fn page_target(site: &Site, a: &NewArgs, id: &str, lang: &str) -> Result<Target, NewError> {
    let root = &a.site;
    let config = &site.config;
    let (dir, section_index) = match (&a.section, a.kind.section()) {
        (Some(s), wanted) => (chosen_section(site, s, wanted.map(|w| w.0))?, None),
        (None, None) => (PathBuf::new(), None),
        (None, Some((kind, folder, title))) => {
            let dirs = sections_of(site, kind);
            match dirs.as_slice() {
                [one] => (one.clone(), None),
                [] => {
                    let dir = PathBuf::from(folder);
                    if site.sections.iter().any(|s| s.dir == dir) {
                        return Err(NewError::usage(format!(
                            "the site has no `{kind}` section, and content/{folder}/ is a section of another kind; give the section with --section"
                        )));
                    }
                    let index = root.join("content").join(folder).join("_index.md");
                    refuse_existing(&index)?;
                    (dir, Some((index, title.to_string())))
                }
                several => {
                    return Err(NewError::usage(format!(
                        "the site has several `{kind}` sections; choose one with --section: {}",
                        list_dirs(several)
                    )))
                }
            }
        }
    };
    let name = if lang == config.language {
        format!("{id}.md")
    } else {
        format!("{id}.{lang}.md")
    };
    let folder = root.join("content").join(&dir);
    let path = folder.join(&name);
    refuse_existing(&path)?;
    let bundle = folder.join(id).join(if lang == config.language {
        "index.md".to_string()
    } else {
        format!("index.{lang}.md")
    });
    refuse_existing(&bundle)?;
    Ok(Target::File {
        path,
        section_index,
    })
}

/// The folders (relative to content/) of the sections that declare `kind:` themselves; their
/// subsections inherit the kind and hold their posts by choice, not by default.
fn sections_of(site: &Site, kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = site
        .sections
        .iter()
        .filter(|s| s.front.kind.as_deref() == Some(kind))
        .map(|s| s.dir.clone())
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

fn list_dirs(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| format!("content/{}", parvis_core::load::slash_path(d)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The section `--section` names (`blog`, `content/blog/` or `blog/2026`), which must exist
/// and, for posts, events and jobs, be of the `wanted` kind.
fn chosen_section(site: &Site, given: &str, wanted: Option<&str>) -> Result<PathBuf, NewError> {
    let trimmed = given.trim_matches('/');
    let trimmed = trimmed.strip_prefix("content").unwrap_or(trimmed);
    let dir = PathBuf::from(trimmed.trim_matches('/'));
    let candidates: Vec<PathBuf> = match wanted {
        Some(kind) => {
            let mut v: Vec<PathBuf> = site
                .sections
                .iter()
                .filter(|s| s.kind.as_str() == kind)
                .map(|s| s.dir.clone())
                .collect();
            v.sort();
            v.dedup();
            v
        }
        None => {
            let mut v: Vec<PathBuf> = site.sections.iter().map(|s| s.dir.clone()).collect();
            v.sort();
            v.dedup();
            v
        }
    };
    if candidates.contains(&dir) {
        return Ok(dir);
    }
    let names: Vec<String> = candidates
        .iter()
        .map(|d| parvis_core::load::slash_path(d))
        .collect();
    let near = suggest(
        &parvis_core::load::slash_path(&dir),
        names.iter().map(String::as_str),
    );
    let mut msg = match (site.sections.iter().find(|s| s.dir == dir), wanted) {
        (Some(s), Some(kind)) => format!(
            "content/{} is a `{}` section, not a `{kind}` one",
            parvis_core::load::slash_path(&dir),
            s.kind
        ),
        _ => format!(
            "there is no section content/{}",
            parvis_core::load::slash_path(&dir)
        ),
    };
    if let Some(n) = near {
        msg.push_str(&format!(" (did you mean `{n}`?)"));
    }
    if !candidates.is_empty() {
        let what = wanted.map_or(String::new(), |k| format!("`{k}` "));
        msg.push_str(&format!(
            "; the {what}sections are {}",
            list_dirs(&candidates)
        ));
    }
    Err(NewError::Usage(msg))
}

fn refuse_existing(path: &Path) -> Result<(), NewError> {
    if path.exists() {
        return Err(NewError::Refused(format!(
            "{} already exists; parvis new never replaces a file (give another title or --id)",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `text` into a file that must not exist yet, creating its folder.
fn write_new(path: &Path, text: &str) -> Result<(), NewError> {
    use std::io::Write as _;
    let fail =
        |e: std::io::Error| NewError::Refused(format!("cannot write {}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    // `create_new`: even a file that appeared since the check above is never replaced.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Refused(format!(
                "{} already exists; parvis new never replaces a file",
                path.display()
            )),
            _ => fail(e),
        })?;
    f.write_all(text.as_bytes()).map_err(fail)
}
