//! Watches the site's sources and rebuilds on change, debounced; editor swap and temporary files
//! are ignored.

use super::{ServeError, Site};
use notify_debouncer_full::notify::{Config, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, RecommendedCache};
use parvis_site::BuildOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const WATCHED: &[&str] = &[
    "site.yaml",
    "content",
    "data",
    "templates",
    "themes",
    "static",
    "i18n",
];

/// Whether a changed path can change the site (not an editor's swap file, not the output).
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let Some(first) = rel.components().next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    if !WATCHED.contains(&first.as_ref()) {
        return false;
    }
    !rel.components()
        .any(|c| parvis_core::load::is_ignored(&c.as_os_str().to_string_lossy()))
}

/// The site's folders that are symlinks to folders, as (where they lead, where they are in
/// the site). The build reads such a folder (`content -> ../shared`), though nothing through
/// a symlink inside one, so it is watched where it leads.
fn linked_folders(root: &Path) -> Vec<(PathBuf, PathBuf)> {
    WATCHED
        .iter()
        .map(|name| root.join(name))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
        .filter_map(|p| Some((std::fs::canonicalize(&p).ok().filter(|t| t.is_dir())?, p)))
        .collect()
}

/// A changed path as the site names it: under a linked folder's place rather than where it
/// leads.
fn in_site(linked: &[(PathBuf, PathBuf)], path: &Path) -> PathBuf {
    linked
        .iter()
        .find_map(|(target, place)| Some(place.join(path.strip_prefix(target).ok()?)))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Starts watching; rebuilds happen on a blocking thread of the runtime.
pub fn start(
    root: PathBuf,
    build: BuildOptions,
    site: Arc<Site>,
    runtime: tokio::runtime::Handle,
) -> Result<impl Drop, ServeError> {
    let root_abs = std::fs::canonicalize(&root).unwrap_or(root.clone());
    let watch_root = root_abs.clone();
    let linked = linked_folders(&root_abs);
    let folders = linked.clone();
    // Symlinks are not followed: the build does not read through them, and a link to a big
    // folder elsewhere would have the whole of it watched.
    // 20 ms groups the events of one save (an editor's write, rename and chmod land within a
    // few milliseconds) and is most of the wait between a save and the reload: at 30 ms the
    // median was 51 ms on a 10,000-page site, 15 of them the update itself.
    let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
        Duration::from_millis(20),
        None,
        move |res: DebounceEventResult| {
            let Ok(events) = res else { return };
            // Reading files (our own builds do) is not a change.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                .flat_map(|e| e.paths.iter())
                .map(|p| in_site(&folders, p))
                .filter(|p| relevant(&watch_root, p))
                .collect();
            paths.sort();
            paths.dedup();
            if paths.is_empty() {
                return;
            }
            let css_only = paths
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"));
            let (site, build) = (site.clone(), build.clone());
            let root = watch_root.clone();
            runtime.spawn_blocking(move || {
                let start = std::time::Instant::now();
                let rel: Vec<PathBuf> = paths
                    .iter()
                    .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
                    .collect();
                match site.update(&rel, css_only) {
                    Some(Ok(c)) => {
                        eprintln!(
                            "updated in {:.0?}: {} changed; {} parsed, {} bodies, {} outputs rendered, {} code blocks highlighted",
                            start.elapsed(),
                            rel[0].display(),
                            c.stats.parsed,
                            c.stats.bodies,
                            c.stats.rendered,
                            c.stats.highlighted
                        );
                        // The pages are on screen; now the search index follows.
                        site.follow_search();
                        return;
                    }
                    Some(Err(d)) => {
                        eprint!("{}", d.render_text());
                        return;
                    }
                    None => {}
                }
                match site.rebuild(&build, css_only) {
                    Ok(pages) => eprintln!(
                        "rebuilt {pages} pages in {:.0?} ({} changed)",
                        start.elapsed(),
                        paths[0].display()
                    ),
                    Err(d) => eprint!("{}", d.render_text()),
                }
            });
        },
        RecommendedCache::new(),
        Config::default().with_follow_symlinks(false),
    )
    .map_err(ServeError::Watcher)?;
    debouncer
        .watch(&root_abs, RecursiveMode::Recursive)
        .map_err(|source| ServeError::Watch {
            path: root_abs.clone(),
            source,
        })?;
    for (target, _) in &linked {
        debouncer
            .watch(target, RecursiveMode::Recursive)
            .map_err(|source| ServeError::Watch {
                path: target.clone(),
                source,
            })?;
    }
    Ok(debouncer)
}
