//! The site: runs the stages in order for one audience (load, model, filter, Markdown, links,
//! templates, search index) and writes the output. It sits at the end of the flow, above every
//! other crate, and under the commands of the `parvis` binary.
//!
//! It only runs the stages and gathers their diagnostics; each stage lives in its own crate.
//! Output is staged and swapped in only when no stage reported an error; [`output`] writes it
//! atomically; its incremental updates bring a served site up to date after a change.

use crate::output::{Memory, Sink, Staging};
use parvis_core::config::Audience;
use parvis_core::diagnostics::{Diagnostic, Diagnostics};
use parvis_core::filter::{self, Visibility};
use parvis_core::load::{self, slash_path};
use parvis_core::model::fetched::FetchedFeeds;
use parvis_core::model::Site;
use parvis_core::spill::Spill;
use parvis_images::ImageError;
use parvis_markdown::{
    highlight,
    shortcodes::{Call, ShortcodeError},
};
use parvis_render::{
    i18n, images::ImageFunctions, site_files, templates::Templates, templates::THEME,
};

pub mod access;
mod incremental;
pub mod output;
pub mod pictures;
mod timings;

pub use incremental::{Changes, PageChanges, Stats, Update};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use timings::Stopwatch;
pub use timings::{peak_memory, Lap};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// `None`: check only, write nothing.
    pub output: Option<PathBuf>,
    /// `None`: the widest audience.
    pub audience: Option<String>,
    pub drafts: bool,
    pub progress: bool,
    /// Replace an output folder that parvis did not write (`--force`).
    pub force: bool,
    /// Fail on warnings as on errors (`--deny warnings`, for CI): the output is not swapped in.
    pub deny_warnings: bool,
    /// Gather the web addresses the site links to, with their places, in
    /// [`BuildReport::external_links`] (`check --external`).
    pub external_links: bool,
    /// Read the feeds members and communities list from the cache only (`--offline`).
    pub offline: bool,
}

/// A finished build.
#[derive(Debug)]
pub struct BuildReport {
    pub audience: Audience,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Time spent in each stage, in order, for `--timings`.
    pub timings: Vec<Lap>,
    pub diagnostics: Diagnostics,
    /// The web addresses the site links to, when [`BuildOptions::external_links`] asked.
    pub external_links: Vec<parvis_markdown::urls::ExternalLink>,
    /// Image files encoded by this build (none when every picture came from the cache).
    pub images_encoded: usize,
    /// Originals stripped of their metadata by this build (none when the cache had them).
    pub images_stripped: usize,
    /// Code blocks highlighted by this build, and blocks taken from the code cache.
    pub code_highlighted: usize,
    pub code_cached: usize,
    /// Whether the bodies were read again from disk and held packed (a site with over
    /// `PARVIS_PACK_BODIES_ABOVE` bytes of Markdown).
    pub bodies_packed: bool,
    /// Bytes of packed bodies moved to a spill file in the cache folder, when they were.
    pub bodies_spilled: Option<u64>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// The site has errors (exit code 1).
    Content(Diagnostics),
    /// The command was asked for something impossible (exit code 2).
    Usage(String),
}

/// Runs a whole build for one audience and swaps the output in.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    if let Some(out) = &opts.output {
        check_output_dir(&opts.root, out, opts.force).map_err(BuildError::Usage)?;
    }
    let staging = match &opts.output {
        Some(out) => Some(Staging::new(out).map_err(|e| {
            BuildError::Usage(format!(
                "cannot prepare the output folder {}: {e}",
                out.display()
            ))
        })?),
        None => None,
    };
    let (mut report, _) = run(
        opts,
        opts.audience.as_deref(),
        staging.as_ref().map(|s| s as &dyn Sink),
        "",
        None,
    )?;
    if let Some(s) = staging {
        let start = Instant::now();
        s.commit()
            .map_err(|e| BuildError::Usage(format!("cannot put the new output in place: {e}")))?;
        report.timings.push(Lap {
            stage: "swap output",
            wall: start.elapsed(),
            cpu: None,
            peak: None,
        });
    }
    Ok(report)
}

/// Builds every audience's portal into its own folder of the output (`public/internal/`,
/// `public/public/`…), swapped in together: one command in CI, one folder per host, with the
/// [`access`] rules that keep the inner circles behind a login. The errors of every audience
/// are reported together.
pub fn build_all(opts: &BuildOptions) -> Result<Vec<BuildReport>, BuildError> {
    let out = opts
        .output
        .clone()
        .ok_or_else(|| BuildError::Usage("--all-audiences needs an output folder".into()))?;
    check_output_dir(&opts.root, &out, opts.force).map_err(BuildError::Usage)?;
    let config_text = std::fs::read_to_string(opts.root.join("site.yaml")).unwrap_or_default();
    let config = parvis_core::config::Config::from_file(Path::new("site.yaml"), &config_text).ok();
    let audiences = config
        .as_ref()
        .map(|c| c.audiences.clone())
        .unwrap_or_default();
    let staging = Staging::new(&out).map_err(|e| {
        BuildError::Usage(format!(
            "cannot prepare the output folder {}: {e}",
            out.display()
        ))
    })?;
    let mut reports = Vec::new();
    let mut failed = Diagnostics::default();
    if audiences.is_empty() {
        // Let the normal path report what is wrong with site.yaml.
        run(opts, None, None, "", None)?;
    }
    // The members' feeds are fetched once, by the first audience's build, and their warnings
    // given once.
    let mut fetched = None;
    for audience in &audiences {
        match run(
            opts,
            Some(audience.as_str()),
            Some(&staging),
            &format!("{audience}/"),
            fetched.as_ref(),
        ) {
            Ok((r, f)) => {
                reports.push(r);
                fetched.get_or_insert(f);
            }
            Err(BuildError::Content(d)) => failed.extend(d.sorted()),
            Err(e) => return Err(e),
        }
    }
    if failed.has_errors() {
        return Err(BuildError::Content(failed));
    }
    for (path, text) in config.as_ref().map(access::files).unwrap_or_default() {
        staging
            .write(&path, text.as_bytes())
            .map_err(|e| BuildError::Usage(format!("cannot write the access rules {path}: {e}")))?;
    }
    staging
        .commit()
        .map_err(|e| BuildError::Usage(format!("cannot put the new output in place: {e}")))?;
    Ok(reports)
}

/// Loads the site and builds its model, without filtering or rendering: for the read-only
/// commands (`check --audiences`, `report`). Warnings are dropped; errors fail. The members'
/// feeds are read from the cache, as the last build left it: these commands ask no network.
pub fn load_model(root: &Path) -> Result<Site, BuildError> {
    let (mut sources, load_diags) = load::load(root, load::Bodies::Held)
        .map_err(|d| BuildError::Content(d.into_iter().collect()))?;
    let (mut site, model_diags) = model(&mut sources);
    let (fetched, _) = fetch_feeds(&site, root, true);
    site.community.attach_feeds(&fetched, &site.config);
    let mut diags = Diagnostics::default();
    diags.extend(load_diags);
    diags.extend(model_diags);
    if diags.has_errors() {
        return Err(BuildError::Content(diags));
    }
    Ok(site)
}

/// The model of the loaded sources, with the problems found building it and the checks that
/// need the whole model: objectives must name communities that exist.
fn model(sources: &mut load::Sources) -> (Site, Vec<Diagnostic>) {
    let (site, mut diags) = Site::build(sources);
    diags.extend(parvis_report::check(&site.config, &site.community));
    (site, diags)
}

/// The entries of the feeds members and communities list: fetched, or only read from the cache
/// when `offline`; and a warning for each feed that failed.
fn fetch_feeds(site: &Site, root: &Path, offline: bool) -> (FetchedFeeds, Vec<Diagnostic>) {
    let sources = site.community.feed_sources();
    parvis_feeds::gather(
        &sources,
        &parvis_feeds::Options {
            root,
            offline,
            settings: &site.config.community.feeds,
            now: parvis_core::date::now(),
            mirror: std::env::var("PARVIS_FEEDS_BASE")
                .ok()
                .filter(|m| !m.is_empty()),
        },
    )
}

/// The audience a command names, or `default` when it names none: a name site.yaml does not
/// declare is a usage error (exit 2) with a did-you-mean, never a silent widest build.
pub fn audience_or(
    config: &parvis_core::config::Config,
    name: Option<&str>,
    default: Audience,
) -> Result<Audience, BuildError> {
    match name {
        Some(a) => config
            .audience(a)
            .ok_or_else(|| BuildError::Usage(unknown_audience(a, config))),
        None => Ok(default),
    }
}

/// The usage error of `--audience A` when site.yaml does not list `A`, with the nearest one.
pub fn unknown_audience(a: &str, config: &parvis_core::config::Config) -> String {
    let names: Vec<&str> = config.audience_names();
    match parvis_core::diagnostics::suggest(a, names.iter().copied()) {
        Some(s) => format!(
            "unknown audience `{a}` (did you mean `{s}`?); site.yaml lists {}",
            names.join(", ")
        ),
        None => format!(
            "unknown audience `{a}`; site.yaml lists {}",
            names.join(", ")
        ),
    }
}

/// Output files by path, as built in memory.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Builds into memory, for the development server: the files by output path, and the state
/// to update single pages from.
pub fn build_in_memory(opts: &BuildOptions) -> Result<(BuildReport, Files, Prepared), BuildError> {
    let memory = Memory::default();
    let dest = Destination::Memory;
    let mut prepared = prepare(opts, opts.audience.as_deref(), dest, true, None)?;
    let report = emit(&mut prepared, opts, Some(&memory), "")?;
    prepared.outputs = prepared.keys(&prepared.planned);
    Ok((report, memory.into_files(), prepared))
}

/// The search index files of one audience, by path under `search/`, built in memory without
/// rendering the pages (for `parvis search` when no build output has an index).
pub fn search_files(opts: &BuildOptions) -> Result<Files, BuildError> {
    let dest = Destination::Memory;
    let prepared = prepare(opts, opts.audience.as_deref(), dest, false, None)?;
    if prepared.diags.has_errors() {
        return Err(BuildError::Content(prepared.diags));
    }
    if !prepared.site.config.search {
        return Err(BuildError::Usage(
            "this site has `search: false` in site.yaml".into(),
        ));
    }
    let dir = format!("{}/", parvis_search::DIR);
    Ok(prepared
        .search_files
        .into_iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(&dir)?.to_string(), bytes)))
        .collect())
}

/// The stages, for one audience, writing into `staging` under `prefix` (nothing when `None`),
/// with the members' feeds `fetched` by an earlier run, or fetched now. Returns the feeds too.
fn run(
    opts: &BuildOptions,
    audience: Option<&str>,
    staging: Option<&dyn Sink>,
    prefix: &str,
    fetched: Option<&FetchedFeeds>,
) -> Result<(BuildReport, FetchedFeeds), BuildError> {
    let dest = staging.map_or(Destination::Nowhere, |s| Destination::Staged(s, prefix));
    let mut prepared = prepare(opts, audience, dest, false, fetched)?;
    let report = emit(&mut prepared, opts, staging, prefix)?;
    Ok((report, std::mem::take(&mut prepared.fetched)))
}

/// A generated file that is not a template's output: (output path, bytes, what writes it).
type SiteFile = (String, Vec<u8>, Origin);

/// What writes an output file, for the error when two things write the same one: a place
/// (file, line and column when known) and its description, in the message of `place`.
#[derive(Debug, Clone)]
struct Origin {
    place: Diagnostic,
}

impl Origin {
    /// Something of a whole file, described as `what`.
    fn new(file: impl Into<PathBuf>, what: impl Into<String>) -> Origin {
        Origin {
            place: Diagnostic::error(file, what),
        }
    }

    /// Something at a place of a file, described by `place`'s message.
    fn at(place: Diagnostic) -> Origin {
        Origin { place }
    }

    fn what(&self) -> &str {
        &self.place.message
    }

    /// How precisely this origin can be shown: a line, a file of the site, or only
    /// site.yaml (for what parvis generates by itself).
    fn precision(&self) -> u8 {
        match (self.place.line, self.place.file == Path::new("site.yaml")) {
            (1.., _) => 2,
            (0, false) => 1,
            (0, true) => 0,
        }
    }

    /// An error at this origin.
    fn error(&self, message: String, hint: &str) -> Diagnostic {
        Diagnostic {
            message,
            ..self.place.clone()
        }
        .with_hint(hint)
    }
}

/// A site loaded, filtered and rendered to HTML bodies, ready to be written; kept by `serve`
/// to bring the site up to date after a change without rebuilding everything.
pub struct Prepared {
    start: Instant,
    watch: Stopwatch,
    diags: Diagnostics,
    sources: load::Sources,
    pub site: Site,
    templates: Option<Templates>,
    strings: BTreeMap<String, i18n::Strings>,
    visibility: Visibility,
    /// Files beside pages, and whether this build shows them.
    assets: HashMap<PathBuf, bool>,
    planned: Vec<parvis_render::Planned>,
    extra_files: Vec<SiteFile>,
    feed_links: HashMap<String, parvis_render::feeds::FeedLink>,
    /// Highlighted code, for `serve` only (a build saves it once the Markdown is rendered).
    code: Option<highlight::Cache>,
    /// Code blocks (taken from the cache, highlighted) by the Markdown stage.
    code_counts: (usize, usize),
    /// Whether the Markdown stage packed the bodies.
    bodies_packed: bool,
    /// Where it moved them, when it could.
    spill: Option<Arc<Spill>>,
    /// What each output was rendered from, for `serve` only (filled by [`build_in_memory`]).
    outputs: HashMap<String, parvis_render::OutputKey>,
    globals: parvis_render::GlobalKeys,
    /// Files changed by an update that failed, to read again with the next one.
    pending: Vec<PathBuf>,
    /// The search index, kept by `serve` to re-index what an update changed.
    search: Option<parvis_search::SearchIndex>,
    /// Its files, by output path (written with the other files, kept apart from
    /// `extra_files` since updates replace them as a whole).
    search_files: Vec<(String, Vec<u8>)>,
    /// How many of the index's files it wrote as it made them (its documents' files).
    search_handed: usize,
    /// Page changes (and whether `data/` changed) made while the index was out for a job.
    search_pending: Option<(PageChanges, bool)>,
    /// "Now" moved since the dashboard was last rendered, for `serve`: the report counts
    /// from "now", so the dashboard and its calendar are made again with the next update.
    clock_moved: bool,
    /// Every file the build writes, relative to the output folder: what root-absolute links
    /// are checked against.
    output_paths: Vec<String>,
    /// The members' feeds as fetched for this build, attached again when `serve` reloads
    /// `data/` (they are not fetched again until the next full build).
    fetched: FetchedFeeds,
    /// The image stage, kept by `serve` so that an update processes only what changed.
    images: Arc<parvis_images::Images>,
    /// The templates' `resize_image` and `get_image_metadata`, and what they made.
    image_functions: Arc<ImageFunctions>,
    /// Processed pictures: output path, file in the cache.
    media_files: BTreeMap<String, PathBuf>,
}

/// Where the caller of [`prepare`] sends the files, which decides what it may write early.
#[derive(Clone, Copy)]
enum Destination<'a> {
    /// Kept in memory (`serve`, `parvis search`): every file is held until the end.
    Memory,
    /// Nowhere (`check`): what is made only to be written is let go at once.
    Nowhere,
    /// Into a staging folder, under a prefix: the search index's document files go there as
    /// they are made, rather than being held (300 MB at 100,000 pages) until the pages are.
    Staged(&'a dyn Sink, &'a str),
}

/// Every stage up to rendering the templates, for files sent to `dest`. `serving` keeps
/// highlighted code and the search index for later updates. The members' feeds are fetched
/// unless `fetched` gives them.
fn prepare(
    opts: &BuildOptions,
    audience: Option<&str>,
    dest: Destination<'_>,
    serving: bool,
    fetched: Option<&FetchedFeeds>,
) -> Result<Prepared, BuildError> {
    let start = Instant::now();
    let checking = matches!(dest, Destination::Nowhere);
    let mut watch = Stopwatch::new();
    let mut diags = Diagnostics::default();
    // A build of a big site leaves the bodies on disk until it renders each; `serve` keeps
    // them all, to compare with the next edit.
    let bodies = match serving {
        true => load::Bodies::Held,
        false => load::Bodies::OnDiskAbove(big_site_above()),
    };
    let (mut sources, load_diags) =
        load::load(&opts.root, bodies).map_err(|d| BuildError::Content(d.into_iter().collect()))?;
    diags.extend(load_diags);
    watch.lap("load");
    let audience = audience_or(&sources.config, audience, sources.config.public_audience())?;

    let (mut site, model_diags) = model(&mut sources);
    diags.extend(model_diags);
    if checking {
        // `check` is where a community manager looks after the community's health.
        diags.extend(site.community.health_warnings());
    }
    watch.lap("model");
    let (fetched, feed_diags) = match fetched {
        Some(f) => (f.clone(), Vec::new()),
        None => fetch_feeds(&site, &opts.root, opts.offline),
    };
    diags.extend(feed_diags);
    site.community.attach_feeds(&fetched, &site.config);
    watch.lap("feeds");
    let visibility = Visibility {
        audience,
        drafts: opts.drafts,
        now: parvis_core::date::now(),
    };
    filter::apply(&mut site, &visibility);
    watch.lap("filter");

    let strings = match i18n::load(&opts.root, &site.config.languages) {
        Ok(s) => s,
        Err(d) => {
            diags.extend(d);
            BTreeMap::new()
        }
    };
    let images = Arc::new(image_stage(&opts.root, &site.config));
    let image_functions = Arc::new(ImageFunctions::new(
        images.clone(),
        &opts.root,
        &site.config.root,
        &site.config.images.sizes,
    ));
    let mut templates =
        match Templates::new(&sources.templates, &site.config.root, &image_functions) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.extend(d);
                None
            }
        };
    let avatars = pictures::members(&mut site, &images);
    diags.extend(avatars.diags);
    let globals = templates
        .as_mut()
        .map(|t| parvis_render::prepare(&site, t, opts.drafts))
        .unwrap_or_default();
    let cache = cache_dir(&opts.root);
    let code_path = cache.join("code.bin");
    let code = highlight::Cache::load(&code_path);
    // A build lets each source go once rendered: past this point only a diagnostic reads one,
    // and it reads the file again. `serve` keeps them to compare with the next edit.
    let release = (!serving).then_some(opts.root.as_path());
    // Held plain, the bodies of a big site would be most of its build's memory until the
    // templates have used them; packed, they take under half, for a fast unpacking of each
    // once for search and once for its page (links and pictures edit them packed).
    let pack = sources.bodies_on_disk;
    // And moved to a file, so that they do not stay in memory beside the search index's
    // postings; held packed when the cache folder cannot take one.
    let spill = match pack {
        true => std::fs::create_dir_all(&cache)
            .and_then(|()| Spill::new_in(&cache))
            .ok()
            .map(Arc::new),
        false => None,
    };
    let frugal = release.map(|root| Frugal {
        root,
        pack,
        spill: spill.as_ref(),
    });
    diags.extend(render_markdown(
        &mut site,
        templates.as_ref(),
        Some(&code),
        None,
        frugal,
    ));
    if let Some(root) = release {
        // Those of hidden pages, never rendered.
        site.release_texts(root);
    }
    code.save(&code_path);
    ignore_in_git(&cache);
    let code_counts = code.counts();
    // A build highlights no more; `serve` keeps the blocks for its updates.
    let code = serving.then_some(code);
    watch.lap("markdown");
    let assets = filter::asset_map(&site, &sources.content_assets);
    diags.extend(parvis_markdown::links::resolve(&mut site, &assets));
    diags.extend(parvis_markdown::links::resolve_data(&mut site));
    watch.lap("links");
    let pictures = pictures::run(&mut site, &images, opts.progress && !checking);
    diags.extend(pictures.diags);
    let mut media_files = avatars.files;
    media_files.extend(pictures.files);
    // What the shortcodes asked for; the templates' own come while rendering.
    let by_shortcodes = image_functions.made_beyond(&media_files);
    media_files.extend(by_shortcodes);
    watch.lap("images");

    let planned = parvis_render::plan(&site);
    let (extra_files, feed_links, file_diags) = site_files(&site, &planned, &strings);
    diags.extend(file_diags);
    watch.lap("templates and site files");
    let mut search_files = Vec::new();
    // The documents' files of the index already written (or let go, for `check`).
    let mut search_handed = Vec::new();
    // `check` runs it too: whatever can fail in a build must fail in CI's check. A build that
    // has already failed skips it, the longest stage, to report its errors sooner.
    let search = if site.config.search && !diags.has_errors() {
        // Only `serve` updates the index: a build makes the documents a chunk at a time,
        // keeps no page's text once analysed, and frees the postings before rendering.
        let texts = match serving {
            true => parvis_search::Texts::Kept,
            false => parvis_search::Texts::Dropped,
        };
        let mut docs = parvis_search::docs::Documents::new(&site);
        let next = |n| docs.next_chunk(n);
        let mut hand = |name: String, bytes: Vec<u8>| {
            let path = format!("{}/{name}", parvis_search::DIR);
            if let Destination::Staged(sink, prefix) = dest {
                if let Err(e) = sink.write(&format!("{prefix}{path}"), &bytes) {
                    diags.push(write_error(&path, e));
                }
            }
            search_handed.push(path);
        };
        let files_to = match dest {
            Destination::Memory => parvis_search::DocFiles::Held,
            Destination::Nowhere | Destination::Staged(..) => {
                parvis_search::DocFiles::Handed(&mut hand)
            }
        };
        let index =
            parvis_search::SearchIndex::from_chunks(next, site.audience.clone(), texts, files_to);
        match index {
            Ok(index) => {
                watch.lap("search index");
                let (files, kept) = match serving {
                    true => (parvis_search::files(&index), Some(index)),
                    false => (parvis_search::into_files(index), None),
                };
                match files {
                    Ok(files) => search_files = files,
                    Err(e) => diags.push(search_error(e)),
                }
                kept
            }
            Err(e) => {
                diags.push(search_error(e));
                None
            }
        }
    } else {
        None
    };
    watch.lap("search files");
    let copied = copied_files(
        &filter::visible_static(&site, &sources.static_files),
        &filter::visible_assets(&site, &sources.content_assets),
    );
    let index_paths: Vec<&str> = search_files
        .iter()
        .map(|f| f.0.as_str())
        .chain(search_handed.iter().map(String::as_str))
        .collect();
    diags.extend(collisions(
        &site,
        &planned,
        &extra_files,
        &index_paths,
        &copied,
    ));
    let output_paths: Vec<String> = planned
        .iter()
        .map(|p| p.path.clone())
        .chain(extra_files.iter().map(|f| f.0.clone()))
        .chain(index_paths.iter().map(|p| p.to_string()))
        .chain(copied.into_iter().map(|c| c.0))
        .chain(theme_assets().into_iter().map(|a| a.0))
        .chain(media_files.keys().cloned())
        .collect();

    Ok(Prepared {
        start,
        watch,
        diags,
        sources,
        site,
        templates,
        strings,
        visibility,
        assets,
        planned,
        extra_files,
        feed_links,
        search,
        search_files,
        search_handed: search_handed.len(),
        search_pending: None,
        clock_moved: false,
        code,
        code_counts,
        bodies_packed: frugal.is_some_and(|f| f.pack),
        spill,
        outputs: HashMap::new(),
        globals,
        pending: Vec::new(),
        output_paths,
        fetched,
        images,
        image_functions,
        media_files,
    })
}

/// Bytes of Markdown above which a build is frugal: 128 MiB, about 16,000 pages, or
/// `PARVIS_PACK_BODIES_ABOVE`. The load leaves each body on disk until the markdown stage reads
/// it again, and that stage packs each rendered body (zstd) until it is written. At 100,000
/// pages zstd saved about 200 MB more than LZ4 did. Each body is packed once (`links` keeps a
/// packed body's URLs beside it) and unpacked by each stage that reads it: the search text,
/// the templates.
fn big_site_above() -> u64 {
    std::env::var("PARVIS_PACK_BODIES_ABOVE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(128 << 20)
}

/// The cache folder of the site at `root`: `.parvis-cache/` (safe to delete; CI can keep it
/// between runs), or `PARVIS_CACHE_DIR` when set. It holds processed images (`images/`) and
/// highlighted code (`code.bin`).
pub fn cache_dir(root: &Path) -> PathBuf {
    match std::env::var_os("PARVIS_CACHE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root.join(".parvis-cache"),
    }
}

/// Writes a `.gitignore` of `*` in the cache folder `dir` when it exists without one, so that
/// a writer's `git add .` does not commit megabytes of cache.
pub fn ignore_in_git(dir: &Path) {
    let file = dir.join(".gitignore");
    if dir.is_dir() && !file.exists() {
        // Only a convenience: a folder that cannot be written is not an error.
        let _ = std::fs::write(file, "# parvis's cache; safe to delete\n*\n");
    }
}

/// The image stage of the site at `root`: its cache is `.parvis-cache/images/` of the site
/// (safe to delete; CI can keep it between runs), or `PARVIS_CACHE_DIR/images/` when set.
pub fn image_stage(root: &Path, config: &parvis_core::config::Config) -> parvis_images::Images {
    let cache = cache_dir(root).join("images");
    let defaults = parvis_images::Settings::default();
    parvis_images::Images::new(
        cache,
        parvis_images::Settings {
            widths: config.images.widths.clone(),
            quality: config.images.quality,
            avatar_sizes: defaults.avatar_sizes,
        },
    )
}

/// The generated files besides the templates' outputs: aliases, feeds, calendars, sitemap,
/// robots.txt and the highlighting stylesheets; and the feed each list links to.
fn site_files(
    site: &Site,
    planned: &[parvis_render::Planned],
    strings: &BTreeMap<String, i18n::Strings>,
) -> (
    Vec<SiteFile>,
    HashMap<String, parvis_render::feeds::FeedLink>,
    Vec<Diagnostic>,
) {
    let (aliases, mut diags) = site_files::aliases(site);
    let mut extra_files: Vec<SiteFile> = aliases
        .into_iter()
        .map(|(path, html, place)| (path, html.into_bytes(), Origin::at(place)))
        .collect();
    let feed_specs = parvis_render::feeds::specs(site);
    for spec in &feed_specs {
        for (name, xml) in [
            ("rss.xml", parvis_render::feeds::rss(site, spec)),
            ("atom.xml", parvis_render::feeds::atom(site, spec)),
        ] {
            let path =
                parvis_render::path_of_url(&site.config.root, &format!("{}{name}", spec.url));
            let origin = Origin::new("site.yaml", format!("the feed of {}", spec.url));
            extra_files.push((path, xml.into_bytes(), origin));
        }
    }
    let entries = parvis_render::from_community::entries(site);
    if let Some(url) = parvis_render::from_community::url(site, &entries) {
        let heading = from_community_heading(site, strings);
        for (name, xml) in [
            (
                "rss.xml",
                parvis_render::from_community::rss(site, &entries, heading),
            ),
            (
                "atom.xml",
                parvis_render::from_community::atom(site, &entries, heading),
            ),
        ] {
            let path = parvis_render::path_of_url(&site.config.root, &format!("{url}{name}"));
            let origin = Origin::new("data/members", "the feed of \"From the community\"");
            extra_files.push((path, xml.into_bytes(), origin));
        }
    }
    for (url, ics, origin) in parvis_core::ics::files(site) {
        let path = parvis_render::path_of_url(&site.config.root, &url);
        let origin = Origin::new(&origin, format!("the calendar of {origin}"));
        extra_files.push((path, ics.into_bytes(), origin));
    }
    if let Some(url) = parvis_report::dashboard_url(site) {
        let t = strings.get(&site.config.language);
        let label = |key: &str| {
            t.and_then(|t| t.get(key))
                .cloned()
                .unwrap_or_else(|| key.to_string())
        };
        let report = parvis_report::measure(site);
        let ics = parvis_report::calendar::ics(site, &report.calendar, &label);
        let path = parvis_render::path_of_url(&site.config.root, &format!("{url}calendar.ics"));
        let origin = Origin::new("site.yaml", "the dashboard's calendar (`report.path`)");
        extra_files.push((path, ics.into_bytes(), origin));
    }
    let mut feed_links: HashMap<String, parvis_render::feeds::FeedLink> = feed_specs
        .iter()
        .map(|s| (s.url.clone(), s.link()))
        .collect();
    if let Some(url) = parvis_render::from_community::url(site, &entries) {
        let link = parvis_render::feeds::FeedLink {
            title: format!(
                "{} · {}",
                from_community_heading(site, strings),
                site.config.title
            ),
            rss: format!("{url}rss.xml"),
            atom: format!("{url}atom.xml"),
        };
        feed_links.insert(url, link);
    }
    extra_files.push((
        "sitemap.xml".into(),
        site_files::sitemap(site, planned, None).into_bytes(),
        Origin::new("site.yaml", "the sitemap"),
    ));
    for (name, xml) in site_files::language_sitemaps(site, planned) {
        let origin = Origin::new("site.yaml", format!("the sitemap `{name}`"));
        extra_files.push((name, xml.into_bytes(), origin));
    }
    extra_files.push((
        "robots.txt".into(),
        site_files::robots(site).into_bytes(),
        Origin::new("site.yaml", "robots.txt"),
    ));
    if let Err(d) = parvis_render::palette::logo(site) {
        diags.push(d);
    }
    match site_files::syntax_css(site) {
        Ok(files) => extra_files.extend(files.into_iter().map(|(p, css)| {
            let origin = Origin::new("site.yaml", "the code highlighting stylesheet");
            (p, css.into_bytes(), origin)
        })),
        Err(d) => diags.push(d),
    }
    (extra_files, feed_links, diags)
}

/// The title of "From the community" in the site's language, for its feeds.
fn from_community_heading<'a>(
    site: &Site,
    strings: &'a BTreeMap<String, i18n::Strings>,
) -> &'a str {
    strings
        .get(&site.config.language)
        .and_then(|t| t.get("from_the_community"))
        .map_or("From the community", String::as_str)
}

fn search_error(e: parvis_search::SearchError) -> Diagnostic {
    Diagnostic::error("site.yaml", e.to_string()).with_hint(
        "report this as a parvis bug; `search: false` in site.yaml builds without search",
    )
}

/// Renders the templates and writes every file into `staging` under `prefix`.
fn emit(
    prepared: &mut Prepared,
    opts: &BuildOptions,
    staging: Option<&dyn Sink>,
    prefix: &str,
) -> Result<BuildReport, BuildError> {
    let Prepared {
        start,
        watch,
        diags,
        sources,
        site,
        templates,
        strings,
        planned,
        extra_files,
        feed_links,
        search_files,
        output_paths: prepared_paths,
        images,
        image_functions,
        media_files,
        ..
    } = prepared;
    let mut diags = std::mem::take(diags);
    let audience = site.audience.to_string();
    let audience = audience.as_str();
    let urls = parvis_markdown::urls::Outputs::new(site, prepared_paths.iter().cloned());
    // A link already reported where it was written is not reported again from the HTML.
    let (link_errors, reported) = parvis_markdown::urls::check_site(site, &urls, audience);
    diags.extend(link_errors);
    // Broken URLs in the HTML the templates wrote: by URL, the output paths that hold it.
    let template_links: Mutex<BTreeMap<String, Vec<usize>>> = Mutex::default();
    let by_path: HashMap<&str, usize> = planned
        .iter()
        .enumerate()
        .map(|(k, p)| (p.path.as_str(), k))
        .collect();

    let progress = progress_bar(opts.progress, planned.len() as u64);
    let write = |path: &str, html: &str| -> Result<(), Diagnostic> {
        if let Some(&k) = by_path.get(path) {
            let broken: Vec<String> = parvis_markdown::urls::html_urls(html)
                .filter(|u| {
                    !reported.contains(u.as_ref())
                        && urls.check(u).is_err()
                        && !image_functions.made_at(u)
                })
                .map(|u| u.into_owned())
                .collect();
            if !broken.is_empty() {
                let mut all = template_links.lock().expect("no panic while holding");
                for u in broken {
                    all.entry(u).or_default().push(k);
                }
            }
        }
        progress.inc(1);
        match staging {
            Some(s) => s
                .write(&format!("{prefix}{path}"), html.as_bytes())
                .map_err(|e| write_error(path, e)),
            None => Ok(()),
        }
    };
    if let Some(t) = templates.as_ref() {
        diags.extend(parvis_render::render(
            site, t, strings, planned, feed_links, write,
        ));
    }
    progress.finish_and_clear();
    let by_templates = image_functions.made_beyond(media_files);
    media_files.extend(by_templates);
    // With errors in the content, a page a template links to may be missing only because of
    // them (an events section whose one event is broken has no calendar): its link would be
    // an echo of an error already reported, so template links wait for a clean build.
    let content_errors = diags.has_errors();
    if let Some(t) = templates.as_ref().filter(|_| !content_errors) {
        let found = template_links.into_inner().expect("not poisoned");
        diags.extend(template_link_errors(
            site, t, planned, &urls, found, audience,
        ));
    }
    if let Some(failure) = prepared.spill.as_ref().and_then(|s| s.failure()) {
        diags.push(
            Diagnostic::error(
                cache_dir(&sources.root),
                format!(
                    "cannot read back the bodies set aside in a file of this folder: {failure}"
                ),
            )
            .with_hint("check the disk, then build again"),
        );
    }
    watch.lap("render and write pages");

    let mut files = planned.len();
    if let Some(s) = staging {
        let errors = Mutex::new(Vec::new());
        let site_files = extra_files.par_iter().map(|(path, bytes, _)| (path, bytes));
        let index_files = search_files.par_iter().map(|(path, bytes)| (path, bytes));
        site_files.chain(index_files).for_each(|(path, bytes)| {
            if let Err(e) = s.write(&format!("{prefix}{path}"), bytes) {
                errors
                    .lock()
                    .expect("no panic while holding")
                    .push(write_error(path, e));
            }
        });
        let content_assets = filter::visible_assets(site, &sources.content_assets);
        let static_files = filter::visible_static(site, &sources.static_files);
        let copies = static_copies(&static_files, &content_assets);
        files += copies.len();
        copies.into_par_iter().for_each(|(rel, copy)| {
            let to = format!("{prefix}{rel}");
            let res = match copy {
                Copy::Embedded(bytes) => s.write(&to, bytes).map_err(|e| write_error(&rel, e)),
                Copy::File(src) => published(images, &src)
                    .map_err(|e| unpublished(&sources.root, &src, &e))
                    .and_then(|from| s.copy(&from, &to).map_err(|e| write_error(&rel, e))),
            };
            if let Err(d) = res {
                errors.lock().expect("no panic while holding").push(d);
            }
        });
        media_files.par_iter().for_each(|(rel, src)| {
            if let Err(e) = s.copy(src, &format!("{prefix}{rel}")) {
                errors
                    .lock()
                    .expect("no panic while holding")
                    .push(write_error(rel, e));
            }
        });
        files += media_files.len();
        diags.extend(errors.into_inner().expect("not poisoned"));
    }
    files += extra_files.len() + search_files.len() + prepared.search_handed;
    watch.lap("copy static files");

    if opts.deny_warnings {
        diags.deny_warnings();
    }
    if diags.has_errors() {
        return Err(BuildError::Content(diags));
    }
    Ok(BuildReport {
        audience: site.audience.clone(),
        pages: planned.len(),
        files,
        elapsed: start.elapsed(),
        timings: std::mem::take(&mut watch.laps),
        diagnostics: diags,
        images_encoded: images.encoded(),
        images_stripped: images.stripped(),
        code_cached: prepared.code_counts.0,
        code_highlighted: prepared.code_counts.1,
        bodies_packed: prepared.bodies_packed,
        bodies_spilled: prepared.spill.as_ref().map(|s| s.len()),
        external_links: if opts.external_links {
            parvis_markdown::urls::external_links(site)
        } else {
            Vec::new()
        },
    })
}

/// One error per broken URL found in the templates' HTML (`found`: by URL, the planned
/// outputs holding it), placed on the first page that holds it and naming its template: a
/// broken link in a footer is one mistake, not one per page.
fn template_link_errors(
    site: &Site,
    templates: &Templates,
    planned: &[parvis_render::Planned],
    urls: &parvis_markdown::urls::Outputs<'_>,
    found: BTreeMap<String, Vec<usize>>,
    audience: &str,
) -> Vec<Diagnostic> {
    found
        .into_iter()
        .filter_map(|(url, mut outputs)| {
            outputs.sort_unstable_by(|a, b| planned[*a].path.cmp(&planned[*b].path));
            let first = &planned[*outputs.first()?];
            let why = urls.check(&url).err()?;
            let (message, hint) = urls.explain(&url, why, audience);
            let template = parvis_render::template_for(site, templates, &first.job).ok()?;
            let origin = job_origin(site, &first.job);
            let others = match outputs.len() - 1 {
                0 => String::new(),
                1 => " (and on 1 other page)".to_string(),
                n => format!(" (and on {n} other pages)"),
            };
            Some(origin.error(
                format!(
                    "template `{template}` writes a {message}, on /{}{others}",
                    first.path
                ),
                &format!("{hint} Fix the link in templates/{template}, or in the page's raw HTML"),
            ))
        })
        .collect()
}

/// Renders the Markdown of every visible page and section, or of those whose source is in
/// `only`, in parallel, expanding shortcodes with the templates when they loaded. Returns the
/// shortcode errors. With `frugal`, as a build renders them, each source's text is let go
/// once rendered, and each body packed when the site is big.
fn render_markdown(
    site: &mut Site,
    templates: Option<&Templates>,
    code: Option<&highlight::Cache>,
    only: Option<&HashSet<PathBuf>>,
    frugal: Option<Frugal<'_>>,
) -> Vec<Diagnostic> {
    let wanted = |src: &parvis_core::model::Source| only.is_none_or(|o| o.contains(&src.rel));
    let errors = Mutex::new(Vec::new());
    let raw_html: Vec<_> = (0..site.sections.len()).map(|i| site.raw_html(i)).collect();
    let render = |src: &parvis_core::model::Source, html| {
        let dir = src.rel.parent().unwrap_or(Path::new(""));
        let shortcode = |call: &Call| render_shortcode(templates, call, dir);
        let body = match src.read_body() {
            Ok(body) => body,
            Err(d) => {
                errors.lock().expect("not poisoned").push(d);
                return None;
            }
        };
        let (mut r, errs) =
            parvis_markdown::render_with_shortcodes(&body, dir, &shortcode, code, html);
        match frugal {
            Some(Frugal {
                pack: true,
                spill: Some(spill),
                ..
            }) => r.html.spill(spill),
            Some(Frugal { pack: true, .. }) => r.html.pack(),
            _ => {}
        }
        if !errs.is_empty() {
            errors.lock().expect("not poisoned").extend(src.body_errors(
                errs.into_iter().map(|e| (e.offset, e.message, e.hint)),
                "shortcode errors",
            ));
        }
        Some(Arc::new(r))
    };
    site.pages
        .par_iter_mut()
        .filter(|p| p.hidden.is_none() && wanted(&p.source))
        .for_each(|p| {
            let rendered = render(&p.source, raw_html[p.section]);
            let page = Arc::make_mut(p);
            page.rendered = rendered;
            if let Some(f) = frugal {
                page.source.release_text(f.root);
            }
        });
    site.sections
        .par_iter_mut()
        .enumerate()
        .filter(|(_, s)| s.hidden.is_none() && s.source.as_ref().is_some_and(wanted))
        .for_each(|(i, s)| {
            s.rendered = s.source.as_ref().and_then(|src| render(src, raw_html[i]));
            if let (Some(f), Some(src)) = (frugal, s.source.as_mut()) {
                src.release_text(f.root);
            }
        });
    errors.into_inner().expect("not poisoned")
}

/// What a build lets go of as it renders the bodies, so that a big site never holds all its
/// sources and all its HTML plain at once (`serve` keeps both, to compare with the next edit).
#[derive(Clone, Copy)]
struct Frugal<'a> {
    /// The site's folder: each source's text is let go once rendered
    /// ([`parvis_core::model::Source::release_text`]); a late diagnostic reads the file again.
    root: &'a Path,
    /// Whether each body is packed once rendered ([`parvis_core::model::rendered::Html`]).
    pack: bool,
    /// And moved there, when packed.
    spill: Option<&'a Arc<Spill>>,
}

/// Renders one shortcode call with its template under `shortcodes/`; `dir`, the folder of
/// the page under `content/`, is given to it as `page_dir` (`blog/launch/`, or `` at the
/// top), so that it can find the pictures beside the page with `resize_image`.
fn render_shortcode(
    templates: Option<&Templates>,
    call: &Call,
    dir: &Path,
) -> Result<String, ShortcodeError> {
    let Some(t) = templates else {
        return Ok(String::new());
    };
    let name = format!("shortcodes/{}.html", call.name);
    if !t.exists(&name) {
        return Err(ShortcodeError {
            offset: call.start,
            message: format!("unknown shortcode `{}`", call.name),
            hint: format!(
                "the shortcodes are: {}; add your own as templates/{name}",
                t.shortcode_names().join(", ")
            ),
        });
    }
    let mut ctx = tera::Context::new();
    let page_dir = slash_path(dir);
    ctx.insert(
        "page_dir",
        &if page_dir.is_empty() {
            page_dir
        } else {
            format!("{page_dir}/")
        },
    );
    for (k, v) in &call.args {
        ctx.insert(k.clone(), v);
    }
    t.tera.render(&name, &ctx).map_err(|e| ShortcodeError {
        offset: call.start,
        message: format!("shortcode `{}`: {}", call.name, t.error(&e).message),
        hint: format!("check its arguments against templates/{name}"),
    })
}

enum Copy {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// Theme assets, then the site's `static/` (which overrides them), then the files beside pages
/// that this build shows ([`filter::visible_assets`]).
fn static_copies(
    static_files: &[&load::AssetFile],
    content_assets: &[&load::AssetFile],
) -> BTreeMap<String, Copy> {
    let mut out: BTreeMap<String, Copy> = theme_assets()
        .into_iter()
        .map(|(rel, bytes)| (rel, Copy::Embedded(bytes)))
        .collect();
    for f in static_files.iter().chain(content_assets.iter()).copied() {
        out.insert(slash_path(&f.rel), Copy::File(f.source.clone()));
    }
    out
}

/// The file to copy for `src`, which is published as it is: for a JPEG, PNG or WebP, its copy
/// without metadata (GPS position, camera, XMP) from the image cache, made once per content
/// (a photo published as it is must not tell where it was taken); else `src` itself.
fn published(images: &parvis_images::Images, src: &Path) -> Result<PathBuf, ImageError> {
    if !is_photo(src) {
        return Ok(src.to_path_buf());
    }
    Ok(images.original(src)?.file(src).to_path_buf())
}

/// The bytes [`published`] says to copy for `src`, for `serve`.
fn published_bytes(
    images: &parvis_images::Images,
    root: &Path,
    src: &Path,
) -> Result<Vec<u8>, Diagnostic> {
    let from = published(images, src).map_err(|e| unpublished(root, src, &e))?;
    std::fs::read(&from).map_err(|e| {
        Diagnostic::error(
            src.strip_prefix(root).unwrap_or(src),
            format!("cannot read this file: {e}"),
        )
    })
}

/// The error of a picture that could not be published without its metadata: it is not
/// published at all rather than with them.
fn unpublished(root: &Path, src: &Path, e: &ImageError) -> Diagnostic {
    Diagnostic::error(
        src.strip_prefix(root).unwrap_or(src),
        format!("this picture cannot be published without its metadata: {e}"),
    )
    .with_hint(e.hint())
}

fn is_photo(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "jpg" | "jpeg" | "png" | "webp"
        )
    })
}

/// Who writes an output file, found cheaply; described only when two collide.
#[derive(Clone, Copy)]
enum Writer {
    Planned(usize),
    Extra(usize),
    Index,
    Copied(usize),
}

/// Two things written to the same output file: two pages with one URL, an alias over a page,
/// the sitemap or robots.txt, a file of `static/` or beside a page over a generated file or
/// another copied file, anything over the search index. Each is an error naming both. The
/// one exception is deliberate: the site's own files replace the theme's assets.
fn collisions(
    site: &Site,
    planned: &[parvis_render::Planned],
    extra: &[SiteFile],
    index: &[&str],
    copied: &[(String, PathBuf)],
) -> Vec<Diagnostic> {
    let describe = |w: Writer| -> Origin {
        match w {
            Writer::Planned(k) => job_origin(site, &planned[k].job),
            Writer::Extra(k) => extra[k].2.clone(),
            Writer::Index => Origin::new("site.yaml", "the search index (`search`)"),
            Writer::Copied(k) => Origin::new(&copied[k].1, copied[k].1.display().to_string()),
        }
    };
    let mut seen: HashMap<&str, Writer> = HashMap::with_capacity(planned.len() + extra.len());
    let mut diags = Vec::new();
    let writers = planned
        .iter()
        .enumerate()
        .map(|(k, p)| (p.path.as_str(), Writer::Planned(k)))
        .chain(
            extra
                .iter()
                .enumerate()
                .map(|(k, e)| (e.0.as_str(), Writer::Extra(k))),
        )
        .chain(index.iter().map(|&p| (p, Writer::Index)))
        .chain(
            copied
                .iter()
                .enumerate()
                .map(|(k, c)| (c.0.as_str(), Writer::Copied(k))),
        );
    for (path, writer) in writers {
        match seen.get(path) {
            Some(&first) => {
                let (first, second) = (describe(first), describe(writer));
                // Placed where the writer can act: an alias's line rather than the sitemap.
                let (at, other) = if first.precision() > second.precision() {
                    (first, second)
                } else {
                    (second, first)
                };
                diags.push(at.error(
                    format!(
                        "{} writes /{path}, which {} writes too",
                        at.what(),
                        other.what()
                    ),
                    "give one of them another path: a `slug`, another alias, or rename the file",
                ));
            }
            None => {
                seen.insert(path, writer);
            }
        }
    }
    for (rel, _) in theme_assets() {
        if let Some(&w @ (Writer::Planned(_) | Writer::Extra(_) | Writer::Index)) =
            seen.get(rel.as_str())
        {
            let second = describe(w);
            diags.push(second.error(
                format!(
                    "{} writes /{rel}, a file of the theme that the pages need",
                    second.what()
                ),
                "give it another path; to replace the theme's file, put yours in static/",
            ));
        }
    }
    diags
}

/// What writes a planned output, for collision errors.
fn job_origin(site: &Site, job: &parvis_render::Job) -> Origin {
    use parvis_render::Job;
    let data = |file: &str, what: &str| Origin::new(file, what);
    match job {
        Job::Page(i) => {
            let display = &site.pages[*i].source.display;
            Origin::new(display, format!("the page {}", display.display()))
        }
        Job::Section(i, _) => match &site.sections[*i].source {
            Some(src) => Origin::new(
                &src.display,
                format!("the section {}", src.display.display()),
            ),
            None => Origin::new("content", "the home page"),
        },
        Job::Member(i) => {
            let m = &site.community.members[*i];
            Origin::new(
                &m.file,
                format!("the page of member `{}` ({})", m.id, m.file.display()),
            )
        }
        Job::Community(i) => {
            let c = &site.community.communities[*i];
            Origin::new(
                &c.file,
                format!("the page of community `{}` ({})", c.id, c.file.display()),
            )
        }
        Job::Members => data("data/members", "the members directory"),
        Job::Communities => data("data/communities.yaml", "the communities page"),
        Job::Ambassadors(_) => data("data/members", "an ambassadors page"),
        Job::Leaderboard(_) => data("data/members", "a leaderboard"),
        Job::TaxonomyList(_) | Job::TaxonomyTerm(..) => {
            data("site.yaml", "a taxonomy page (`taxonomies`)")
        }
        Job::Search => data("site.yaml", "the search page (`search`)"),
        Job::NotFound => data("content", "the 404 page"),
        Job::Dashboard => data("site.yaml", "the dashboard (`report.path`)"),
        Job::FromCommunity(_) => data("data/members", "the \"From the community\" pages"),
    }
}

/// The theme's own assets (`static/` of the embedded theme), by output path.
fn theme_assets() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(dir) = THEME.get_dir("static") {
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            out.extend(d.files().map(|f| {
                let rel = f.path().strip_prefix("static").map(slash_path);
                (rel.unwrap_or_default(), f.contents())
            }));
            stack.extend(d.dirs());
        }
    }
    out
}

/// The files `static/` and the pages' folders copy, by output path, with their source as the
/// writer knows it (`static/x.png`): what [`collisions`] checks besides the generated files.
fn copied_files(
    static_files: &[&load::AssetFile],
    content_assets: &[&load::AssetFile],
) -> Vec<(String, PathBuf)> {
    let static_dir = Path::new("static");
    let content_dir = Path::new("content");
    static_files
        .iter()
        .map(|f| (slash_path(&f.rel), static_dir.join(&f.rel)))
        .chain(
            content_assets
                .iter()
                .map(|f| (slash_path(&f.rel), content_dir.join(&f.rel))),
        )
        .collect()
}

/// Refuses output folders whose swap would destroy sources, or anything parvis did not write
/// ([`crate::output::check_target`]).
fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<(), String> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        parvis_markdown::normalize(
            &p.strip_prefix("/")
                .map(Path::to_path_buf)
                .unwrap_or(p.clone()),
        )
        .map(|n| Path::new("/").join(n))
        .unwrap_or(p)
    };
    let (root, out) = (abs(root), abs(out));
    if root.starts_with(&out) {
        return Err(format!(
            "the output folder {} would contain the site itself; choose a folder such as {}",
            out.display(),
            root.join("public").display()
        ));
    }
    for dir in ["content", "data", "templates", "static", "i18n"] {
        if out.starts_with(root.join(dir)) {
            return Err(format!("the output folder {} is inside the site's {dir}/ folder; choose a folder such as {}", out.display(), root.join("public").display()));
        }
    }
    crate::output::check_target(&out, force)
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot write this output file: {e}"))
        .with_hint("check the disk space and the permissions of the output folder")
}

fn progress_bar(show: bool, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} rendering {pos}/{len} [{bar:30}] {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

impl Prepared {
    /// Brings the search index up to date after an update that changed `pages` for the
    /// files at `changed` (relative to the site folder), and returns every file of the index
    /// (under `search/`), which replace the previous ones; `None` when the site has no index
    /// or nothing it holds changed. [`Prepared::search_job`], [`SearchJob::run`] and
    /// [`Prepared::finish_search`] in one go; `serve` runs the job away from its locks.
    pub fn update_search(
        &mut self,
        pages: &PageChanges,
        changed: &[PathBuf],
    ) -> Option<Result<Files, Diagnostic>> {
        let job = self.search_job(pages, changed)?;
        let (index, result) = job.run();
        self.finish_search(index, &result);
        Some(result.map(|files| files.into_iter().collect()))
    }

    /// Takes the search index out, with the documents to put into it again: the pages an
    /// update edited, or every document when pages were added or removed, a URL moved or
    /// `data/` changed (members, communities; doc ids follow URLs). While the index is out,
    /// later changes wait in `search_pending` and come with the next job.
    pub fn search_job(
        &mut self,
        pages_now: &PageChanges,
        changed: &[PathBuf],
    ) -> Option<SearchJob> {
        if !self.site.config.search {
            return None;
        }
        let (mut pages, mut data_changed) = self.search_pending.take().unwrap_or_default();
        pages.added.extend(pages_now.added.iter().cloned());
        pages.updated.extend(pages_now.updated.iter().cloned());
        pages.removed.extend(pages_now.removed.iter().cloned());
        data_changed |= changed.iter().any(|p| p.starts_with("data"));
        if pages == PageChanges::default() && !data_changed {
            return None;
        }
        let Some(index) = self.search.take() else {
            // A job has the index: these changes go with the next one.
            self.search_pending = Some((pages, data_changed));
            return None;
        };
        let mut whole = data_changed || !pages.added.is_empty() || !pages.removed.is_empty();
        let mut docs = Vec::new();
        if !whole {
            for rel in &pages.updated {
                let doc = self
                    .site
                    .pages
                    .iter()
                    .position(|p| &p.source.rel == rel)
                    .and_then(|i| parvis_search::docs::page_doc(&self.site, i));
                match doc {
                    Some(doc) if index.has(&doc.key, &doc.url) => docs.push(doc),
                    // A section's own text, a page that left search or moved.
                    _ => {
                        whole = true;
                        break;
                    }
                }
            }
        }
        if whole {
            docs = parvis_search::docs::collect(&self.site);
        }
        Some(SearchJob {
            index,
            docs,
            whole,
            audience: self.site.audience.clone(),
        })
    }

    /// Puts the index back after [`SearchJob::run`], with its files when it succeeded.
    pub fn finish_search(&mut self, index: parvis_search::SearchIndex, result: &SearchFiles) {
        self.search = Some(index);
        if let Ok(files) = result {
            self.search_files = files.clone();
        }
    }

    /// Whether changes wait for the search index (it was out while they were made).
    pub fn search_waiting(&self) -> bool {
        self.search_pending.is_some()
    }
}

/// The files of a search index by output path, or why they could not be made.
pub type SearchFiles = Result<Vec<(String, Vec<u8>)>, Diagnostic>;

/// Re-indexing after an update, which needs no access to the site: `serve` runs it without
/// holding the locks that page updates need.
pub struct SearchJob {
    index: parvis_search::SearchIndex,
    docs: Vec<parvis_search::docs::Doc>,
    whole: bool,
    audience: Audience,
}

impl SearchJob {
    /// The updated index and its files.
    pub fn run(self) -> (parvis_search::SearchIndex, SearchFiles) {
        let mut index = self.index;
        if self.whole {
            let texts = parvis_search::Texts::Kept;
            match parvis_search::SearchIndex::new(self.docs, self.audience, texts) {
                Ok(fresh) => index = fresh,
                Err(e) => return (index, Err(search_error(e))),
            }
        } else {
            for doc in self.docs {
                if let Err(e) = index.replace(doc) {
                    return (index, Err(search_error(e)));
                }
            }
        }
        let files = parvis_search::files(&index).map_err(search_error);
        (index, files)
    }
}
