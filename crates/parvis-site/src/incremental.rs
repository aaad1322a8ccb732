//! Incremental updates for `serve`: after source files changed, bring a [`Prepared`] site up to
//! date and say which output files changed, doing again only what the change reaches.
//!
//! What reaches what:
//! - A file under `static/` or beside a page is its own output, copied alone. Adding or
//!   removing one may turn a member's photo on or off, so then members are loaded again (on
//!   sites that have some).
//! - A changed Markdown file is parsed again alone. A known page is placed again in a copy of
//!   the model (pages are shared, so the copy is cheap); when files came or went or a section's
//!   `_index.md` changed, the model is assembled again from the files parsed before. Lists,
//!   neighbours and taxonomies are then made again (cheap).
//! - A body is rendered from Markdown again only when its file changed, it became visible, it
//!   calls a shortcode whose templates changed or read a global that changed, or it links to a
//!   page whose URL, visibility or headings changed, or to a file beside a page that came or
//!   went. Its code blocks come from a cache of highlighted code: unchanged ones are not
//!   highlighted again.
//! - A data file is merged again with the others, and members, communities and badges are
//!   loaded again (their YAML is small next to the content); no Markdown is parsed again
//!   unless a shortcode reads what changed. Each file or folder of `data/` is a global of its
//!   own (`site.data.stats`), so an edit reaches the templates that name it.
//! - A template change parses the templates again (all of them: it is quick).
//! - Each output has a key: the template it starts from and a hash of the variables its
//!   templates read. [`Diff`] tells from the old and new models which outputs may have other
//!   variables (a changed page, its neighbours, translations and breadcrumbs, the pagination
//!   pages whose slice moved or shows a changed page, term pages, docs sidebars of a changed
//!   tree, the home page, member pages); only their keys are computed again. An output is
//!   rendered when its key changed, when a template it uses changed (its own, or one it
//!   extends, includes or takes a component from, transitively), or when a global its
//!   templates read changed (`site.FIELD`, `site.data.KEY`, `community`, `listings`). Which
//!   templates and variables a template uses is read from its text: see
//!   [`parvis_render::templates::Usage`]. A member edit changes `community`, which the default
//!   header reads: it renders every output, but parses and highlights nothing.
//! - Feeds, the sitemap, calendars and alias pages are generated again when the model or a body
//!   changed; only the files whose bytes differ are returned.
//! - `site.yaml`, `i18n/` and `themes/` change what everything is built from, and a static file
//!   over a generated one is rare: a full rebuild.
//! - Templates that came or went change which template an output starts from
//!   (`section-blog.html` over `section.html`): then every output's template is chosen again,
//!   and those that start from another one are rendered.
//! - Only the files loading reads count: a symlink is neither followed nor read, in a changed
//!   path as in a full build, so nothing outside the site is served.
//!
//! An update that fails changes nothing, and its files are read again with the next change, as
//! a full build would. Each update is for "now" (`SOURCE_DATE_EPOCH`, else the clock), as a
//! full build starting then: when a page's moment passed since the last one (a publish or
//! expiry date, a posting's closing, an event's end), the whole site is rebuilt; otherwise only
//! the dashboard, which counts from "now", is measured again.

use super::{
    collisions, copied_files, published_bytes, render_markdown, site_files, static_copies,
    write_error, Copy, Files, Prepared,
};
use crate::output::{Memory, Sink};
use parvis_core::config::{FeedContent, RawHtml};
use parvis_core::diagnostics::{Diagnostic, Diagnostics};
use parvis_core::filter;
use parvis_core::load::frontmatter::FrontMatter;
use parvis_core::load::{self, slash_path, AssetFile, ContentFile, DataFile, TemplateFile};
use parvis_core::model::rendered::{LinkTarget, Rendered};
use parvis_core::model::{taxonomy, Hidden, Page, Placer, SectionKind, Site, Source};
use parvis_markdown::shortcodes::Call;
use parvis_render::templates::Templates;
use parvis_render::{Job, OutputKey, Planned};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What bringing the site up to date gave.
pub enum Update {
    /// The output files that changed.
    Changed(Changes),
    /// The change has errors; the prepared site stays as it was.
    Failed(Diagnostics),
    /// The change reaches everything: rebuild.
    Full,
}

/// The output files an update changed, and what it did to get them.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files to write: new, or with new bytes.
    pub written: Files,
    /// Files that are no longer part of the site.
    pub removed: Vec<String>,
    pub pages: PageChanges,
    pub stats: Stats,
}

/// Pages and sections that came into the build, changed or left it, by their Markdown file
/// (relative to `content/`): what a search index needs to follow the site, from
/// `serve::Site::update`. A page changed when its file, body, title, URL, section or visibility
/// did; a page that became hidden is removed, one that became visible is added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageChanges {
    pub added: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

/// How much work an update did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Markdown files read and parsed.
    pub parsed: usize,
    /// Bodies rendered from Markdown.
    pub bodies: usize,
    /// Outputs rendered through templates.
    pub rendered: usize,
    /// Code blocks highlighted.
    pub highlighted: usize,
    /// Code blocks taken from the cache of highlighted code.
    pub highlight_hits: usize,
}

/// The changed files by kind, each relative to its folder.
#[derive(Debug, Default)]
struct Sorted {
    /// Markdown under `content/`.
    content: BTreeSet<PathBuf>,
    /// Other files under `content/`.
    assets: BTreeSet<PathBuf>,
    data: BTreeSet<PathBuf>,
    templates: BTreeSet<PathBuf>,
    statics: BTreeSet<PathBuf>,
}

/// Why an update stopped early.
enum Stop {
    Failed(Diagnostics),
    Full,
}

impl From<Stop> for Update {
    fn from(stop: Stop) -> Update {
        match stop {
            Stop::Failed(d) => Update::Failed(d),
            Stop::Full => Update::Full,
        }
    }
}

type Step<T> = Result<T, Stop>;

/// Stops on errors; warnings were shown by the first build and are not repeated.
fn check(diags: impl IntoIterator<Item = Diagnostic>) -> Step<()> {
    let diags: Vec<Diagnostic> = diags.into_iter().collect();
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Stop::Failed(diags.into_iter().collect()));
    }
    Ok(())
}

impl Prepared {
    /// Brings the site up to date after the files at `changed` (relative to the site folder,
    /// folders included) changed, were added or were removed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Update {
        // The files of a failed update are still changed: a full build would read them.
        let mut changed: Vec<PathBuf> = changed.to_vec();
        changed.extend(std::mem::take(&mut self.pending));
        let update = self.update_with(&changed);
        if matches!(update, Update::Failed(_)) {
            self.pending = changed;
        }
        update
    }

    fn update_with(&mut self, changed: &[PathBuf]) -> Update {
        if self.code.is_none() || self.templates.is_none() {
            return Update::Full;
        }
        if !self.follow_clock() {
            return Update::Full;
        }
        let Some(sorted) = self.sort(changed) else {
            return Update::Full;
        };
        let before = self.code.as_ref().map(|c| c.counts()).unwrap_or_default();
        let body_only = sorted.assets.is_empty()
            && sorted.data.is_empty()
            && sorted.templates.is_empty()
            && sorted.statics.is_empty();
        let fast = match sorted.content.iter().collect::<Vec<_>>().as_slice() {
            [one] if body_only => self.update_body(one),
            _ => None,
        };
        let result = match fast {
            Some(r) => r,
            None => self
                .update_all(&sorted)
                .map_or_else(Update::from, Update::Changed),
        };
        match result {
            Update::Changed(mut c) => {
                let (hits, misses) = self.code.as_ref().map(|c| c.counts()).unwrap_or_default();
                c.stats.highlight_hits = hits - before.0;
                c.stats.highlighted = misses - before.1;
                Update::Changed(c)
            }
            other => other,
        }
    }

    /// Whether a page's moment (publish, expiry, a posting's close) passed between the last
    /// build or update and now: `serve` then builds again though no file changed.
    pub fn moment_passed(&self) -> bool {
        let now = parvis_core::date::now();
        now != self.visibility.now && self.site.moment_between(self.visibility.now, now)
    }

    /// Moves the build to "now", as a full build starting now would be: `false` when a page's
    /// moment passed since the last update (a page published or expired, a posting closed, an
    /// event over), which changes lists, feeds, globals and search: rare enough to rebuild.
    /// Otherwise only the dashboard, which counts from "now", may differ.
    fn follow_clock(&mut self) -> bool {
        let now = parvis_core::date::now();
        if now == self.visibility.now {
            return true;
        }
        if self.site.moment_between(self.visibility.now, now) {
            return false;
        }
        self.visibility.now = now;
        self.site.now = now;
        self.clock_moved = true;
        true
    }

    /// Whether the dashboard must be measured again: the clock moved and the site has one.
    fn dashboard_behind(&self) -> bool {
        self.clock_moved && parvis_report::dashboard_url(&self.site).is_some()
    }

    /// The key of each of `planned`, by output path.
    pub(super) fn keys(&self, planned: &[Planned]) -> HashMap<String, OutputKey> {
        let Some(templates) = self.templates.as_ref() else {
            return HashMap::new();
        };
        parvis_render::keys(
            &self.site,
            templates,
            &self.strings,
            planned,
            &self.feed_links,
        )
        .into_iter()
        .zip(planned)
        .filter_map(|(k, p)| Some((p.path.clone(), k?)))
        .collect()
    }

    /// Sorts changed paths by kind; `None` when one asks for a full rebuild. A folder that
    /// changed stands for the files that appeared in it or left it: the files saved inside
    /// report their own changes.
    fn sort(&self, changed: &[PathBuf]) -> Option<Sorted> {
        let root = &self.sources.root;
        let mut out = Sorted::default();
        for path in changed {
            let path = path.strip_prefix(root).unwrap_or(path);
            let mut parts = path.components();
            let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
            let rest = parts.as_path();
            if rest
                .components()
                .any(|c| load::is_ignored(&c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            let known: Vec<PathBuf> = match first.as_str() {
                "content" => self
                    .site
                    .pages
                    .iter()
                    .map(|p| &p.source)
                    .chain(self.site.sections.iter().filter_map(|s| s.source.as_ref()))
                    .map(|s| s.rel.clone())
                    .chain(self.sources.content_assets.iter().map(|a| a.rel.clone()))
                    .collect(),
                "data" => self.sources.data.iter().map(|d| d.rel.clone()).collect(),
                "templates" => self
                    .sources
                    .templates
                    .iter()
                    .map(|t| PathBuf::from(&t.name))
                    .collect(),
                "static" => self
                    .sources
                    .static_files
                    .iter()
                    .map(|f| f.rel.clone())
                    .collect(),
                _ => return None,
            };
            let dir = root.join(&first);
            // As loading sees it: a symlink is neither a folder nor a file.
            let files: BTreeSet<PathBuf> =
                if load::loaded_type(&dir, rest).is_some_and(|t| t.is_dir()) {
                    let now: BTreeSet<PathBuf> = load::files_in(&dir.join(rest))
                        .into_iter()
                        .map(|(_, f)| rest.join(f))
                        .collect();
                    let before: BTreeSet<PathBuf> =
                        known.into_iter().filter(|k| k.starts_with(rest)).collect();
                    now.symmetric_difference(&before).cloned().collect()
                } else {
                    // A file, or a folder gone with the files known under it. A path that is
                    // not read now and was not before (a symlink) changes nothing.
                    let was_read = known.iter().any(|k| k == rest);
                    let under: BTreeSet<PathBuf> = known
                        .into_iter()
                        .filter(|k| k.starts_with(rest) && k != rest)
                        .collect();
                    if under.is_empty() && !rest.as_os_str().is_empty() {
                        if was_read || load::is_loaded_file(&dir, rest) {
                            BTreeSet::from([rest.to_path_buf()])
                        } else {
                            BTreeSet::new()
                        }
                    } else {
                        under
                    }
                };
            for f in files {
                match first.as_str() {
                    "content" if f.extension().is_some_and(|e| e == "md") => out.content.insert(f),
                    "content" => out.assets.insert(f),
                    "data" => out.data.insert(f),
                    "templates" => out.templates.insert(f),
                    _ => out.statics.insert(f),
                };
            }
        }
        Some(out)
    }

    /// A saved page whose change stays inside it: parsed, rendered and written alone. `None`
    /// when the change may show elsewhere (front matter, summary, headings, reading time, FAQ,
    /// or a body that feeds carry whole).
    fn update_body(&mut self, content_rel: &Path) -> Option<Update> {
        // Full-content feeds carry every body.
        if self.site.config.feeds.content == FeedContent::Full || self.dashboard_behind() {
            return None;
        }
        let i = self
            .site
            .pages
            .iter()
            .position(|p| p.source.rel == content_rel)?;
        let templates = self.templates.as_ref()?;
        let old = &self.site.pages[i];
        let old_rendered = old.rendered.clone().filter(|_| old.hidden.is_none())?;
        let display = old.source.display.clone();
        let content = self.sources.root.join("content");
        if !load::is_loaded_file(&content, content_rel) {
            return None;
        }
        let path = content.join(content_rel);
        let (source, front) = match parse_again(&path, content_rel, display) {
            Ok(parsed) => parsed,
            Err(u) => return Some(u.into()),
        };
        if front != old.front {
            return None;
        }
        let dir = content_rel.parent().unwrap_or(Path::new(""));
        let shortcode = |call: &Call| super::render_shortcode(Some(templates), call, dir);
        let html = self.site.raw_html(old.section);
        let (rendered, errors) = parvis_markdown::render_with_shortcodes(
            source.body(),
            dir,
            &shortcode,
            self.code.as_ref(),
            html,
        );
        if !errors.is_empty() {
            let mut all = Diagnostics::default();
            all.extend(source.body_errors(
                errors.into_iter().map(|e| (e.offset, e.message, e.hint)),
                "shortcode errors",
            ));
            return Some(Update::Failed(all));
        }
        // Pictures go through the image stage, which the whole update runs; so do the new
        // files a shortcode asked for (`figure`), which it writes.
        let made_new = || {
            !self
                .image_functions
                .made_beyond(&self.media_files)
                .is_empty()
        };
        if rendered.links.iter().any(|l| l.image)
            || !rendered.images_without_alt.is_empty()
            || made_new()
        {
            return None;
        }
        let minutes = |words: usize| words.div_ceil(200);
        // Without a summary or a description, feeds carry the whole body of a dated page.
        let whole_in_feeds = rendered.summary.is_none() && front.description.is_none();
        if rendered.summary != old_rendered.summary
            || rendered.anchors != old_rendered.anchors
            || minutes(rendered.word_count) != minutes(old_rendered.word_count)
            || rendered.faqs != old_rendered.faqs
            || (whole_in_feeds && old.date.is_some())
        {
            return None;
        }
        let page = Arc::make_mut(&mut self.site.pages[i]);
        let previous = (
            std::mem::replace(&mut page.source, source),
            page.rendered.replace(Arc::new(rendered)),
        );
        let link_errors = parvis_markdown::links::resolve_some(
            &mut self.site,
            &self.assets,
            &HashSet::from([content_rel]),
        );
        let restore = |me: &mut Prepared| {
            // Put the last good page back, so that the next save starts from it.
            let page = Arc::make_mut(&mut me.site.pages[i]);
            page.source = previous.0;
            page.rendered = previous.1;
        };
        if let Err(u) = check(link_errors) {
            restore(self);
            return Some(u.into());
        }
        let planned: Vec<Planned> = self
            .planned
            .iter()
            .filter(|p| matches!(p.job, parvis_render::Job::Page(j) if j == i))
            .cloned()
            .collect();
        let written = match self.render(&planned, &BTreeMap::new()) {
            Ok(files) => files,
            Err(u) => {
                restore(self);
                return Some(u.into());
            }
        };
        let keys = self.keys(&planned);
        self.outputs.extend(keys);
        Some(Update::Changed(Changes {
            written,
            removed: Vec::new(),
            pages: PageChanges {
                updated: vec![content_rel.to_path_buf()],
                ..PageChanges::default()
            },
            stats: Stats {
                parsed: 1,
                bodies: 1,
                rendered: planned.len(),
                ..Stats::default()
            },
        }))
    }

    /// Renders `planned` into memory, leaving out the outputs a copied file takes the place of.
    fn render(&self, planned: &[Planned], copies: &BTreeMap<String, Copy>) -> Step<Files> {
        self.render_with(
            &self.site,
            self.templates.as_ref().expect("checked by update"),
            &self.feed_links,
            planned,
            copies,
        )
    }

    fn render_with(
        &self,
        site: &Site,
        templates: &Templates,
        feed_links: &HashMap<String, parvis_render::feeds::FeedLink>,
        planned: &[Planned],
        copies: &BTreeMap<String, Copy>,
    ) -> Step<Files> {
        let memory = Memory::default();
        let errors = parvis_render::render(
            site,
            templates,
            &self.strings,
            planned,
            feed_links,
            |path: &str, text: &str| {
                if copies.contains_key(path) {
                    return Ok(());
                }
                memory
                    .write(path, text.as_bytes())
                    .map_err(|e| write_error(path, e))
            },
        );
        check(errors)?;
        Ok(memory.into_files())
    }

    /// Every other change: see the module's documentation.
    fn update_all(&mut self, sorted: &Sorted) -> Step<Changes> {
        let root = self.sources.root.clone();
        let mut changes = Changes::default();
        let old_templates = self.templates.as_ref().expect("checked by update");

        // Files copied as they are.
        let mut static_files = self.sources.static_files.clone();
        let mut content_assets = self.sources.content_assets.clone();
        let mut statics_came_or_went = false;
        for rel in &sorted.statics {
            statics_came_or_went |= follow_file(&mut static_files, &root.join("static"), rel);
        }
        let mut assets_came_or_went: HashSet<PathBuf> = HashSet::new();
        for rel in &sorted.assets {
            if follow_file(&mut content_assets, &root.join("content"), rel) {
                assets_came_or_went.insert(rel.clone());
            }
        }
        let copies = static_copies(
            &filter::visible_static(&self.site, &static_files),
            &filter::visible_assets(&self.site, &content_assets),
        );
        let generated = |path: &str| {
            self.planned.iter().any(|p| p.path == path)
                || self.extra_files.iter().any(|(p, _, _)| p == path)
        };
        for rel in sorted.statics.iter().chain(&sorted.assets) {
            let out = slash_path(rel);
            if generated(&out) {
                // A copied file over a generated one: rare enough to rebuild.
                return Err(Stop::Full);
            }
            match copies.get(&out) {
                Some(Copy::Embedded(bytes)) => {
                    changes.written.insert(out, bytes.to_vec());
                }
                Some(Copy::File(src)) => {
                    let bytes = published_bytes(&self.images, &root, src)
                        .map_err(|d| Stop::Failed(one(d)))?;
                    changes.written.insert(out, bytes);
                }
                None => changes.removed.push(out),
            }
        }

        // Templates.
        let mut template_files = self.sources.templates.clone();
        for name in &sorted.templates {
            follow_template(&mut template_files, &root, name)?;
        }
        let new_templates = if sorted.templates.is_empty() {
            None
        } else {
            match Templates::new(
                &template_files,
                &self.site.config.root,
                &self.image_functions,
            ) {
                Ok(t) => Some(t),
                Err(d) => return Err(Stop::Failed(all(d))),
            }
        };
        let changed_templates = new_templates
            .as_ref()
            .map(|t| t.changed_since(old_templates))
            .unwrap_or_default();

        // Data.
        let mut data_files = self.sources.data.clone();
        for rel in &sorted.data {
            follow_data(&mut data_files, &root, rel)?;
        }
        let reload_data = !sorted.data.is_empty()
            || (statics_came_or_went && !self.site.community.members.is_empty());

        // Content.
        let mut parsed: BTreeMap<PathBuf, (Source, FrontMatter)> = BTreeMap::new();
        for rel in &sorted.content {
            if load::is_loaded_file(&root.join("content"), rel) {
                let path = root.join("content").join(rel);
                let display = PathBuf::from("content").join(rel);
                parsed.insert(rel.clone(), parse_again(&path, rel, display)?);
                changes.stats.parsed += 1;
            }
        }
        let model_changed = reload_data || !sorted.content.is_empty();
        let dashboard = self.dashboard_behind();
        if !model_changed
            && changed_templates.is_empty()
            && assets_came_or_went.is_empty()
            && !dashboard
        {
            self.sources.static_files = static_files;
            self.sources.content_assets = content_assets;
            return Ok(changes);
        }

        // The model.
        let data = reload_data.then_some((data_files.as_slice(), static_files.as_slice()));
        let mut site = if model_changed {
            self.model(sorted, parsed, data)?
        } else {
            self.site.clone()
        };
        // Files beside pages follow their page or section: a new audience, draft state or
        // date shows or hides them.
        if model_changed {
            let mut before: HashSet<&Path> = filter::visible_assets(&self.site, &content_assets)
                .into_iter()
                .map(|a| a.rel.as_path())
                .collect();
            for a in filter::visible_assets(&site, &content_assets) {
                if !before.remove(a.rel.as_path()) {
                    let bytes = published_bytes(&self.images, &root, &a.source)
                        .map_err(|d| Stop::Failed(one(d)))?;
                    changes.written.insert(slash_path(&a.rel), bytes);
                    assets_came_or_went.insert(a.rel.clone());
                }
            }
            for rel in before {
                let out = slash_path(rel);
                changes.written.remove(&out);
                changes.removed.push(out);
                assets_came_or_went.insert(rel.to_path_buf());
            }
        }

        // Avatars and favicons, which shortcodes and templates show (from memory unless new).
        let mut avatars = super::pictures::members(&mut site, &self.images);
        check(std::mem::take(&mut avatars.diags))?;

        // The globals every template reads.
        let mut owned_templates = match new_templates {
            Some(t) => Some(t),
            None if model_changed => Some(old_templates.clone()),
            None => None,
        };
        let globals = match owned_templates.as_mut() {
            Some(t) => parvis_render::prepare(&site, t, self.visibility.drafts),
            None => self.globals.clone(),
        };
        let templates = owned_templates.as_ref().unwrap_or(old_templates);
        let changed_globals = globals.changed(&self.globals);
        let reach = Reach {
            changed: &changed_templates,
            old: old_templates,
            new: templates,
            globals: &changed_globals,
            memo: RefCell::new(HashMap::new()),
        };

        // Bodies: new or changed ones, those whose shortcodes changed, then those whose
        // links now lead elsewhere.
        // A section's `markdown.html` that changed reaches the bodies under it.
        let redo: HashSet<PathBuf> = visible_bodies(&site)
            .filter(|(_, r, html)| {
                r.is_none_or(|r| {
                    r.raw_html != *html
                        || r.shortcodes
                            .iter()
                            .any(|s| reach.reaches(&format!("shortcodes/{s}.html")))
                })
            })
            .map(|(src, _, _)| src.rel.clone())
            .collect();
        check(render_markdown(
            &mut site,
            Some(templates),
            self.code.as_ref(),
            Some(&redo),
            None,
        ))?;
        let old_of_new = match_pages(&self.site, &site);
        let moved = moved_targets(&self.site, &site, &old_of_new);
        let relink: HashSet<PathBuf> = if moved.is_empty() && assets_came_or_went.is_empty() {
            HashSet::new()
        } else {
            visible_bodies(&site)
                .filter(|(src, r, _)| {
                    !redo.contains(&src.rel)
                        && r.is_some_and(|r| {
                            r.links.iter().any(|l| match &l.target {
                                LinkTarget::Page(p, _) => moved.contains(p.as_path()),
                                LinkTarget::Asset(p) => assets_came_or_went.contains(p),
                                _ => false,
                            })
                        })
                })
                .map(|(src, _, _)| src.rel.clone())
                .collect()
        };
        check(render_markdown(
            &mut site,
            Some(templates),
            self.code.as_ref(),
            Some(&relink),
            None,
        ))?;
        let redone: HashSet<&Path> = redo.iter().chain(&relink).map(PathBuf::as_path).collect();
        changes.stats.bodies = redone.len();
        let assets = filter::asset_map(&site, &content_assets);
        check(parvis_markdown::links::resolve_some(
            &mut site, &assets, &redone,
        ))?;
        // Pictures: what is new is processed (the rest comes from memory), the bodies get
        // their `<picture>`s, and new files are served.
        let pictures = super::pictures::run(&mut site, &self.images, false);
        check(pictures.diags)?;
        let mut media_files = avatars.files;
        media_files.extend(pictures.files);
        let by_functions = self.image_functions.made_beyond(&media_files);
        media_files.extend(by_functions);
        for (out, file) in &media_files {
            if !self.media_files.contains_key(out) {
                if let Ok(bytes) = std::fs::read(file) {
                    changes.written.insert(out.clone(), bytes);
                }
            }
        }
        changes.removed.extend(
            self.media_files
                .keys()
                .filter(|k| !media_files.contains_key(*k))
                .cloned(),
        );
        self.media_files = media_files;

        // Site files.
        let planned = parvis_render::plan(&site);
        let new_files = if model_changed || !redone.is_empty() || dashboard {
            let (extra, links, diags) = site_files(&site, &planned, &self.strings);
            check(diags)?;
            let copied = copied_files(
                &filter::visible_static(&site, &static_files),
                &filter::visible_assets(&site, &content_assets),
            );
            let index: Vec<&str> = self.search_files.iter().map(|f| f.0.as_str()).collect();
            check(collisions(&site, &planned, &extra, &index, &copied))?;
            Some((extra, links))
        } else {
            None
        };
        let (extra_files, feed_links) = match &new_files {
            Some((e, l)) => (e.as_slice(), l),
            None => (self.extra_files.as_slice(), &self.feed_links),
        };
        let before: HashMap<&str, &[u8]> = self
            .extra_files
            .iter()
            .map(|(p, b, _)| (p.as_str(), b.as_slice()))
            .collect();
        for (path, bytes, _) in extra_files {
            if before.get(path.as_str()) != Some(&bytes.as_slice()) && !copies.contains_key(path) {
                changes.written.insert(path.clone(), bytes.clone());
            }
        }

        // Outputs: those the change may reach get a new key; those whose key, templates or
        // globals changed are rendered. When templates came or went, every output's template
        // is chosen again, as a full build would: one may now start from another.
        let diff = Diff::new(&self.site, &site, old_of_new, &self.feed_links, feed_links);
        let choose_again = !templates.same_names(old_templates);
        let candidates: Vec<Planned> = planned
            .iter()
            .filter(|p| {
                !self.outputs.contains_key(&p.path)
                    || diff.may_change(p, templates)
                    || (choose_again && self.template_moved(&site, templates, p))
                    || (dashboard && matches!(p.job, Job::Dashboard))
            })
            .cloned()
            .collect();
        let keys = parvis_render::keys(&site, templates, &self.strings, &candidates, feed_links);
        let mut stale: Vec<Planned> = Vec::new();
        let mut new_keys: HashMap<String, Option<OutputKey>> = HashMap::new();
        for (p, key) in candidates.into_iter().zip(keys) {
            if key
                .as_ref()
                .is_none_or(|k| self.outputs.get(&p.path) != Some(k))
            {
                stale.push(p.clone());
            }
            new_keys.insert(p.path, key);
        }
        if !changed_templates.is_empty() || !changed_globals.is_empty() {
            let stale_paths: HashSet<String> = stale.iter().map(|p| p.path.clone()).collect();
            let template = |path: &str| match new_keys.get(path) {
                Some(k) => k.as_ref().map(|k| k.template.as_str()),
                None => self.outputs.get(path).map(|k| k.template.as_str()),
            };
            stale.extend(
                planned
                    .iter()
                    .filter(|p| !stale_paths.contains(&p.path))
                    .filter(|p| template(&p.path).is_some_and(|t| reach.reaches(t)))
                    .cloned(),
            );
        }
        // Outputs no longer made. Usually the same pages are planned, and only site files
        // may have gone.
        let same_plan = self.planned.len() == planned.len()
            && self
                .planned
                .iter()
                .zip(&planned)
                .all(|(a, b)| a.path == b.path);
        let kept: HashSet<&str> = if same_plan {
            extra_files.iter().map(|(p, _, _)| p.as_str()).collect()
        } else {
            planned
                .iter()
                .map(|p| p.path.as_str())
                .chain(extra_files.iter().map(|(p, _, _)| p.as_str()))
                .collect()
        };
        let before = self.extra_files.iter().map(|(p, _, _)| p.as_str());
        let gone: Vec<String> = if same_plan {
            before
                .filter(|p| !kept.contains(p))
                .map(str::to_string)
                .collect()
        } else {
            before
                .chain(self.planned.iter().map(|p| p.path.as_str()))
                .filter(|p| !kept.contains(p))
                .map(str::to_string)
                .collect()
        };
        changes
            .removed
            .extend(gone.into_iter().filter(|p| !copies.contains_key(p)));
        changes
            .written
            .extend(self.render_with(&site, templates, feed_links, &stale, &copies)?);
        changes.stats.rendered = stale.len();
        // Sizes the templates asked for while rendering.
        for (out, file) in self.image_functions.made_beyond(&self.media_files) {
            if let Ok(bytes) = std::fs::read(&file) {
                changes.written.insert(out.clone(), bytes);
            }
            self.media_files.insert(out, file);
        }
        changes.pages = diff.page_changes();
        changes.removed.sort();
        drop(diff);

        // Everything worked: keep the new state.
        drop(reach);
        if !same_plan {
            let planned_paths: HashSet<&str> = planned.iter().map(|p| p.path.as_str()).collect();
            self.outputs
                .retain(|path, _| planned_paths.contains(path.as_str()));
        }
        for (path, key) in new_keys {
            match key {
                Some(k) => self.outputs.insert(path, k),
                None => self.outputs.remove(&path),
            };
        }
        if let Some(t) = owned_templates {
            self.templates = Some(t);
        }
        if let Some((extra, links)) = new_files {
            self.extra_files = extra;
            self.feed_links = links;
        }
        self.site = site;
        self.planned = planned;
        self.globals = globals;
        self.assets = assets;
        self.sources.static_files = static_files;
        self.sources.content_assets = content_assets;
        self.sources.templates = template_files;
        self.sources.data = data_files;
        self.clock_moved = false;
        Ok(changes)
    }

    /// The model after the change. When only known pages changed, they are placed again in a
    /// copy of the model; when files came or went or a section changed, the model is assembled
    /// again from the files parsed before and the changed ones. Nothing else is parsed again.
    fn model(
        &self,
        sorted: &Sorted,
        parsed: BTreeMap<PathBuf, (Source, FrontMatter)>,
        data: Option<(&[DataFile], &[AssetFile])>,
    ) -> Step<Site> {
        let mut diags = Vec::new();
        let known: HashMap<&Path, usize> = self
            .site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.rel.as_path(), i))
            .collect();
        let in_place: Option<Vec<usize>> = sorted
            .content
            .iter()
            .map(|rel| {
                known
                    .get(rel.as_path())
                    .copied()
                    .filter(|_| parsed.contains_key(rel))
            })
            .collect();
        // A page that changed language may need a section of its new language, or leave an
        // empty one behind: the model is assembled again.
        let in_place = in_place.filter(|indices| {
            indices
                .iter()
                .zip(parsed.values())
                .all(|(&i, (_, front))| self.site.pages[i].front.lang == front.lang)
        });
        let mut site = match in_place {
            Some(indices) => {
                let mut site = self.site.clone();
                let keys = site.section_keys();
                let placer = Placer {
                    config: &site.config,
                    sections: &site.sections,
                    by_key: &keys,
                };
                let placed: Vec<(usize, Page)> = indices
                    .into_iter()
                    .zip(parsed.into_values())
                    .filter_map(|(i, (source, front))| {
                        Some((i, placer.place(source, front, &mut diags)?))
                    })
                    .collect();
                for (i, page) in placed {
                    site.pages[i] = Arc::new(page);
                }
                site
            }
            None => {
                let mut files: Vec<(Source, FrontMatter)> = self
                    .site
                    .pages
                    .iter()
                    .map(|p| (&p.source, &p.front))
                    .chain(
                        self.site
                            .sections
                            .iter()
                            .filter_map(|s| Some((s.source.as_ref()?, &s.front))),
                    )
                    .filter(|(s, _)| !sorted.content.contains(&s.rel))
                    .map(|(s, f)| (s.clone(), f.clone()))
                    .chain(parsed.into_values())
                    .collect();
                // The order files were loaded in, which decides the order of sections.
                files.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
                let (mut site, placed) = Site::assemble(
                    self.site.config.clone(),
                    self.site.root.clone(),
                    files,
                    self.site.data.clone(),
                    self.site.community.clone(),
                );
                diags.extend(placed);
                diags.extend(parvis_report::check(&site.config, &site.community));
                carry_bodies(&self.site, &mut site);
                site
            }
        };
        if let Some((data_files, static_files)) = data {
            let (data, mut community) =
                Site::load_data(&site.config, data_files, static_files, &mut diags);
            community.attach_feeds(&self.fetched, &site.config);
            site.data = data;
            site.community = community;
        }
        diags.extend(site.check_people());
        check(diags)?;
        parvis_core::filter::apply(&mut site, &self.visibility);
        // As in a full build, hidden pages have no body.
        for p in site
            .pages
            .iter_mut()
            .filter(|p| p.hidden.is_some() && p.rendered.is_some())
        {
            Arc::make_mut(p).rendered = None;
        }
        for s in site.sections.iter_mut().filter(|s| s.hidden.is_some()) {
            s.rendered = None;
        }
        Ok(site)
    }

    /// Whether output `p` starts from another template in `site` with `templates` than the
    /// one it was last rendered from (or cannot be rendered now).
    fn template_moved(&self, site: &Site, templates: &Templates, p: &Planned) -> bool {
        let now = parvis_render::template_for(site, templates, &p.job).ok();
        now.as_deref() != self.outputs.get(&p.path).map(|k| k.template.as_str())
    }

    /// The template each output was last rendered from, by output path: a fresh build's are
    /// the ones the template rule picks, so tests compare an updated site's with them.
    #[doc(hidden)]
    pub fn templates_used(&self) -> BTreeMap<String, String> {
        self.outputs
            .iter()
            .map(|(path, k)| (path.clone(), k.template.clone()))
            .collect()
    }

    /// Paths of the outputs whose kept key differs from the one computed now: empty unless an
    /// update left out an output its change reached. For tests.
    #[doc(hidden)]
    pub fn stale_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .keys(&self.planned)
            .into_iter()
            .filter(|(path, k)| self.outputs.get(path) != Some(k))
            .map(|(path, _)| path)
            .collect();
        out.extend(
            self.outputs
                .keys()
                .filter(|p| !self.planned.iter().any(|q| &q.path == *p))
                .cloned(),
        );
        out.sort();
        out
    }
}

/// Which templates a change reaches, memoised by template name.
struct Reach<'a> {
    changed: &'a BTreeSet<String>,
    old: &'a Templates,
    new: &'a Templates,
    globals: &'a [String],
    memo: RefCell<HashMap<String, bool>>,
}

impl Reach<'_> {
    /// Whether rendering `name` uses a template that changed (before or after the change: a
    /// component may have moved) or reads a global that changed.
    fn reaches(&self, name: &str) -> bool {
        if let Some(&r) = self.memo.borrow().get(name) {
            return r;
        }
        let uses_changed = |t: &Templates| t.closure(name).iter().any(|n| self.changed.contains(n));
        let r = (!self.changed.is_empty() && (uses_changed(self.new) || uses_changed(self.old)))
            || self.globals.iter().any(|g| self.new.usage(name).reads(g));
        self.memo.borrow_mut().insert(name.to_string(), r);
        r
    }
}

/// Reads and parses one Markdown file again.
fn parse_again(path: &Path, rel: &Path, display: PathBuf) -> Step<(Source, FrontMatter)> {
    let text = load::read_text(path, &display).map_err(|d| Stop::Failed(one(d)))?;
    let file = ContentFile {
        rel: rel.to_path_buf(),
        display,
        text,
        on_disk: None,
    };
    match parvis_core::model::reparse(file) {
        Ok((source, front, errors)) => {
            check(errors)?;
            Ok((source, front))
        }
        Err(d) => Err(Stop::Failed(one(d))),
    }
}

/// Adds or removes `rel` in a list of copied files as it is now on disk under `base`; `true`
/// when it came or went.
fn follow_file(list: &mut Vec<AssetFile>, base: &Path, rel: &Path) -> bool {
    let exists = load::is_loaded_file(base, rel);
    match (exists, list.iter().position(|f| f.rel == rel)) {
        (true, None) => {
            list.push(AssetFile {
                source: base.join(rel),
                rel: rel.to_path_buf(),
            });
            list.sort_by(|a, b| a.rel.cmp(&b.rel));
            true
        }
        (false, Some(i)) => {
            list.remove(i);
            true
        }
        _ => false,
    }
}

fn follow_template(list: &mut Vec<TemplateFile>, root: &Path, rel: &Path) -> Step<()> {
    let name = slash_path(rel);
    let path = root.join("templates").join(rel);
    list.retain(|t| t.name != name);
    if load::is_loaded_file(&root.join("templates"), rel) {
        let display = PathBuf::from("templates").join(rel);
        let text = load::read_text(&path, &display).map_err(|d| Stop::Failed(one(d)))?;
        list.push(TemplateFile {
            name,
            display,
            text,
        });
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(())
}

/// Like loading, only YAML files count, in file order (folders of data are lists in that order).
fn follow_data(list: &mut Vec<DataFile>, root: &Path, rel: &Path) -> Step<()> {
    let path = root.join("data").join(rel);
    list.retain(|d| d.rel != rel);
    let yaml = rel.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if yaml && load::is_loaded_file(&root.join("data"), rel) {
        let display = PathBuf::from("data").join(rel);
        let text = load::read_text(&path, &display).map_err(|d| Stop::Failed(one(d)))?;
        list.push(DataFile {
            rel: rel.to_path_buf(),
            display,
            text,
        });
        list.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
    Ok(())
}

/// Gives the pages and sections of `new` whose file did not change the body `old` rendered,
/// when they were visible and still are.
fn carry_bodies(old: &Site, new: &mut Site) {
    let bodies: HashMap<&Path, (&Arc<String>, &Arc<Rendered>)> = old
        .pages
        .iter()
        .filter(|p| p.hidden.is_none())
        .filter_map(|p| Some((&p.source, p.rendered.as_ref()?)))
        .chain(
            old.sections
                .iter()
                .filter(|s| s.hidden.is_none())
                .filter_map(|s| Some((s.source.as_ref()?, s.rendered.as_ref()?))),
        )
        .map(|(src, r)| (src.rel.as_path(), (src.held_text(), r)))
        .collect();
    let body = |src: &Source| {
        bodies
            .get(src.rel.as_path())
            .filter(|(text, _)| Arc::ptr_eq(text, src.held_text()))
            .map(|(_, r)| Arc::clone(r))
    };
    for p in new.pages.iter_mut().filter(|p| p.hidden.is_none()) {
        let rendered = body(&p.source);
        Arc::make_mut(p).rendered = rendered;
    }
    for s in new.sections.iter_mut().filter(|s| s.hidden.is_none()) {
        s.rendered = s.source.as_ref().and_then(body);
    }
}

/// The visible pages and sections with their rendered body, if they have one yet.
/// Each visible body with what it was rendered to and what its raw HTML must now be.
fn visible_bodies(site: &Site) -> impl Iterator<Item = (&Source, Option<&Rendered>, RawHtml)> {
    site.visible_pages()
        .map(|(_, p)| (&p.source, p.rendered.as_deref(), site.raw_html(p.section)))
        .chain(site.visible_sections().filter_map(|(i, s)| {
            Some((s.source.as_ref()?, s.rendered.as_deref(), site.raw_html(i)))
        }))
}

/// For each page of `new`, the index of the page of `old` from the same file.
fn match_pages(old: &Site, new: &Site) -> Vec<Option<usize>> {
    // Usually the same files, in the same order.
    if old.pages.len() == new.pages.len()
        && old
            .pages
            .iter()
            .zip(&new.pages)
            .all(|(a, b)| a.source.rel.as_os_str() == b.source.rel.as_os_str())
    {
        return (0..new.pages.len()).map(Some).collect();
    }
    let by_file: HashMap<&std::ffi::OsStr, usize> = old
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.rel.as_os_str(), i))
        .collect();
    new.pages
        .iter()
        .map(|p| by_file.get(p.source.rel.as_os_str()).copied())
        .collect()
}

/// Pages and sections a link resolves differently to in `new`: moved, hidden or shown, with
/// other headings, added or removed.
fn moved_targets<'a>(
    old: &'a Site,
    new: &'a Site,
    old_of_new: &[Option<usize>],
) -> HashSet<&'a Path> {
    type Target<'a> = (&'a str, Option<&'a Hidden>, Option<&'a Arc<Rendered>>);
    let same = |a: Target<'_>, b: Target<'_>| {
        a.0 == b.0
            && a.1 == b.1
            && match (a.2, b.2) {
                (Some(x), Some(y)) => Arc::ptr_eq(x, y) || x.anchors == y.anchors,
                (x, y) => x.is_none() && y.is_none(),
            }
    };
    let page = |p: &'a Page| -> Target<'a> { (&p.url, p.hidden.as_ref(), p.rendered.as_ref()) };
    let mut moved = HashSet::new();
    let mut kept = vec![false; old.pages.len()];
    for (b, o) in new.pages.iter().zip(old_of_new) {
        match o {
            Some(o) => {
                kept[*o] = true;
                if !same(page(&old.pages[*o]), page(b)) {
                    moved.insert(b.source.rel.as_path());
                }
            }
            None => {
                moved.insert(b.source.rel.as_path());
            }
        }
    }
    moved.extend(
        old.pages
            .iter()
            .zip(kept)
            .filter(|(_, k)| !k)
            .map(|(p, _)| p.source.rel.as_path()),
    );
    let sections = |site: &'a Site| -> HashMap<&'a Path, Target<'a>> {
        site.sections
            .iter()
            .filter_map(|s| {
                Some((
                    s.source.as_ref()?.rel.as_path(),
                    (s.url.as_str(), s.hidden.as_ref(), s.rendered.as_ref()),
                ))
            })
            .collect()
    };
    let (before, after) = (sections(old), sections(new));
    for (rel, t) in &before {
        if after.get(rel).is_none_or(|a| !same(*t, *a)) {
            moved.insert(rel);
        }
    }
    moved.extend(after.keys().filter(|rel| !before.contains_key(*rel)));
    moved
}

/// Per folder, the languages and URLs of its visible sections: a section's `translations`
/// (its language switcher and `hreflang` links).
fn section_languages(site: &Site) -> HashMap<&Path, Vec<(&str, &str)>> {
    let mut out: HashMap<&Path, Vec<(&str, &str)>> = HashMap::new();
    for (_, s) in site.visible_sections() {
        out.entry(s.dir.as_path())
            .or_default()
            .push((s.lang.as_str(), s.url.as_str()));
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

/// A section's identity across models: its folder and language.
type SectionKey<'a> = (&'a Path, &'a str);

fn section_key(site: &Site, i: usize) -> SectionKey<'_> {
    let s = &site.sections[i];
    (s.dir.as_path(), s.lang.as_str())
}

/// What differs between the model before and after a change: pages (matched by file),
/// sections (by folder and language), taxonomy terms, feed links, the community.
/// [`Diff::may_change`] tells from it which outputs may render differently. It may say so of
/// outputs that do not (their keys then tell), but must never leave out one whose variables
/// changed: tests check that with [`Prepared::stale_keys`].
struct Diff<'a> {
    old: &'a Site,
    new: &'a Site,
    /// Index in the new model of each page of the old one, and the reverse.
    new_of_old: Vec<Option<usize>>,
    old_of_new: Vec<Option<usize>>,
    /// Each page's position in its section's list, before and after.
    old_positions: Vec<Option<usize>>,
    new_positions: Vec<Option<usize>>,
    /// Per new section: its old list mapped to new pages, if it existed.
    old_lists: Vec<Option<Vec<Option<usize>>>>,
    /// Per new page: its own data differ (text, body, title, URL, section, visibility…), or
    /// it is new.
    changed: Vec<bool>,
    /// Pages changed, added or removed, by file.
    files: BTreeSet<&'a Path>,
    /// Per new section: its own data differ, or it is new.
    section: Vec<bool>,
    /// Per new section: its list of pages differs.
    list: Vec<bool>,
    /// Per new section: it lists (or listed) a changed or removed page.
    touched: Vec<bool>,
    /// Per new section: it or a section below it changed (a docs sidebar shows its tree).
    tree: Vec<bool>,
    /// Translation keys of the changed pages.
    translations: HashSet<&'a str>,
    /// Per new taxonomy and term: the old list of the term mapped to new pages, or `None`
    /// when the term is new or its name changed.
    terms: Vec<Vec<Option<Vec<Option<usize>>>>>,
    /// Taxonomy lists and terms whose languages differ (their language switcher).
    taxonomy_languages: HashSet<taxonomy::Key<'a>>,
    /// Lists whose feed link differs, by URL.
    feeds: HashSet<&'a str>,
    community: bool,
    homes: bool,
}

impl<'a> Diff<'a> {
    fn new(
        old: &'a Site,
        new: &'a Site,
        old_of_new: Vec<Option<usize>>,
        old_feeds: &'a HashMap<String, parvis_render::feeds::FeedLink>,
        new_feeds: &'a HashMap<String, parvis_render::feeds::FeedLink>,
    ) -> Diff<'a> {
        let mut new_of_old = vec![None; old.pages.len()];
        for (n, o) in old_of_new.iter().enumerate() {
            if let Some(o) = o {
                new_of_old[*o] = Some(n);
            }
        }
        let same_body =
            |a: &Option<Arc<Rendered>>, b: &Option<Arc<Rendered>>| same_arc(a.as_ref(), b.as_ref());
        let changed: Vec<bool> = new
            .pages
            .iter()
            .zip(&old_of_new)
            .map(|(b, o)| {
                !o.map(|o| &old.pages[o]).is_some_and(|a| {
                    Arc::ptr_eq(a.source.held_text(), b.source.held_text())
                        && a.title == b.title
                        && a.url == b.url
                        && a.lang == b.lang
                        && a.kind == b.kind
                        && a.audience == b.audience
                        && a.hidden == b.hidden
                        && section_key(old, a.section) == section_key(new, b.section)
                        && same_body(&a.rendered, &b.rendered)
                })
            })
            .collect();
        let mut files = BTreeSet::new();
        let mut translations = HashSet::new();
        let new_sections: HashMap<SectionKey<'a>, usize> = (0..new.sections.len())
            .map(|i| (section_key(new, i), i))
            .collect();
        let old_sections: HashMap<SectionKey<'a>, usize> = (0..old.sections.len())
            .map(|i| (section_key(old, i), i))
            .collect();
        let mut touched = vec![false; new.sections.len()];
        let mut touch = |key: SectionKey<'_>| {
            if let Some(&i) = new_sections.get(&key) {
                touched[i] = true;
            }
        };
        for (i, b) in new.pages.iter().enumerate().filter(|(i, _)| changed[*i]) {
            files.insert(b.source.rel.as_path());
            translations.insert(b.translation_key.as_str());
            touch(section_key(new, b.section));
            if let Some(o) = old_of_new[i] {
                translations.insert(old.pages[o].translation_key.as_str());
                touch(section_key(old, old.pages[o].section));
            }
        }
        for (o, a) in old.pages.iter().enumerate() {
            if new_of_old[o].is_none() {
                files.insert(a.source.rel.as_path());
                translations.insert(a.translation_key.as_str());
                touch(section_key(old, a.section));
            }
        }

        let mapped = |list: &[usize]| -> Vec<Option<usize>> {
            list.iter().map(|&o| new_of_old[o]).collect()
        };
        let keys = |site: &'a Site, list: &[usize]| -> Vec<SectionKey<'a>> {
            list.iter().map(|&i| section_key(site, i)).collect()
        };
        let mut section = vec![true; new.sections.len()];
        let mut list = vec![true; new.sections.len()];
        let mut old_lists = vec![None; new.sections.len()];
        let old_languages = section_languages(old);
        let new_languages = section_languages(new);
        for (j, b) in new.sections.iter().enumerate() {
            let Some(&i) = old_sections.get(&section_key(new, j)) else {
                continue;
            };
            old_lists[j] = Some(mapped(&old.sections[i].pages));
            let a = &old.sections[i];
            let text =
                |s: &'a parvis_core::model::Section| s.source.as_ref().map(|src| src.held_text());
            section[j] = !(same_arc(text(a), text(b))
                && a.title == b.title
                && a.url == b.url
                && a.kind == b.kind
                && a.audience == b.audience
                && a.hidden == b.hidden
                && a.weight == b.weight
                && a.paginate_by == b.paginate_by
                && a.parent.map(|p| section_key(old, p)) == b.parent.map(|p| section_key(new, p))
                && same_body(&a.rendered, &b.rendered)
                && keys(old, &a.subsections) == keys(new, &b.subsections)
                && old_languages.get(a.dir.as_path()) == new_languages.get(b.dir.as_path()));
            list[j] = old_lists[j].as_ref().is_none_or(|before| {
                before.len() != b.pages.len()
                    || before.iter().zip(&b.pages).any(|(o, &n)| *o != Some(n))
            });
        }
        let gone = (0..old.sections.len())
            .filter(|&i| !new_sections.contains_key(&section_key(old, i)))
            .flat_map(|i| {
                old.ancestors(i)
                    .into_iter()
                    .map(move |a| section_key(old, a))
            });
        let mut tree = vec![false; new.sections.len()];
        let marked: Vec<usize> = (0..new.sections.len())
            .filter(|&i| section[i] || list[i])
            .collect();
        for i in marked {
            for a in new.ancestors(i) {
                tree[a] = true;
            }
        }
        for key in gone {
            if let Some(&i) = new_sections.get(&key) {
                tree[i] = true;
            }
        }

        let old_terms: HashMap<(&str, &str, &str), &taxonomy::Term> = old
            .taxonomies
            .iter()
            .flat_map(|t| {
                t.terms
                    .iter()
                    .map(move |term| ((t.name.as_str(), t.lang.as_str(), term.slug.as_str()), term))
            })
            .collect();
        let terms = new
            .taxonomies
            .iter()
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| {
                        old_terms
                            .get(&(t.name.as_str(), t.lang.as_str(), term.slug.as_str()))
                            .filter(|o| o.name == term.name)
                            .map(|o| mapped(&o.pages))
                    })
                    .collect()
            })
            .collect();
        let old_taxonomy_languages = taxonomy::translations(&old.taxonomies);
        let taxonomy_languages = taxonomy::translations(&new.taxonomies)
            .into_iter()
            .filter(|(key, list)| old_taxonomy_languages.get(key) != Some(list))
            .map(|(key, _)| key)
            .collect();
        let feeds = old_feeds
            .iter()
            .filter(|(url, link)| new_feeds.get(*url) != Some(link))
            .chain(
                new_feeds
                    .iter()
                    .filter(|(url, _)| !old_feeds.contains_key(*url)),
            )
            .map(|(url, _)| url.as_str())
            .collect();
        let homes = old.homes.len() != new.homes.len() || new.homes.values().any(|&h| section[h]);
        let positions = |site: &Site| {
            let mut out = vec![None; site.pages.len()];
            for s in &site.sections {
                for (pos, &i) in s.pages.iter().enumerate() {
                    out[i] = Some(pos);
                }
            }
            out
        };
        Diff {
            old,
            new,
            new_of_old,
            old_of_new,
            old_positions: positions(old),
            new_positions: positions(new),
            old_lists,
            changed,
            files,
            section,
            list,
            touched,
            tree,
            translations,
            terms,
            taxonomy_languages,
            feeds,
            community: old.community != new.community
                || old.member_visible != new.member_visible
                || old.community_visible != new.community_visible,
            homes,
        }
    }

    /// Whether pagination page `n` (of `per` items) shows other pages than before, or a
    /// changed one. `before` is the old list mapped to new pages.
    fn chunk_changed(&self, before: &[Option<usize>], now: &[usize], n: usize, per: usize) -> bool {
        let per = per.max(1);
        let range = |len: usize| ((n - 1) * per).min(len)..(n * per).min(len);
        let old_chunk = &before[range(before.len())];
        let new_chunk = &now[range(now.len())];
        before.len() != now.len()
            || old_chunk.len() != new_chunk.len()
            || old_chunk.iter().zip(new_chunk).any(|(o, &n)| *o != Some(n))
            || new_chunk.iter().any(|&i| self.changed[i])
    }

    /// Whether output `p` may render differently: whether anything its variables are made of
    /// differs (see `render_one`), besides the templates and globals.
    fn may_change(&self, p: &Planned, templates: &Templates) -> bool {
        let new = self.new;
        // Every output links to the site's feed in its language, at that language's home.
        let home_feed = self.feeds.contains(new.config.root.as_str())
            || new
                .homes
                .values()
                .any(|&h| self.feeds.contains(new.sections[h].url.as_str()));
        if self.homes || home_feed {
            return true;
        }
        let reads = |var: &str| {
            parvis_render::template_for(new, templates, &p.job)
                .map_or(true, |t| templates.usage(&t).of(var).is_some())
        };
        let in_chain = |s: usize| new.ancestors(s).iter().any(|&a| self.section[a]);
        // The docs sidebar of a section in a docs tree: the tree's sections, and the pages of
        // the section. (A section that became docs or stopped being so is a changed ancestor.)
        let nav = |s: usize| {
            let chain = new.ancestors(s);
            chain
                .iter()
                .any(|&a| new.sections[a].kind == SectionKind::Docs)
                && (chain.iter().any(|&a| self.tree[a]) || self.touched[s])
        };
        let subsections = |s: usize| {
            new.sections[s]
                .subsections
                .iter()
                .any(|&c| self.section[c] || self.list[c])
        };
        match &p.job {
            Job::Page(i) => {
                let page = &new.pages[*i];
                if self.changed[*i]
                    || self.community
                    || self.translations.contains(page.translation_key.as_str())
                    || in_chain(page.section)
                    || self.feeds.contains(new.sections[page.section].url.as_str())
                    || self.neighbours_changed(*i)
                {
                    return true;
                }
                let visible = new.visible_section(page.section);
                ((self.list[visible] || subsections(visible)) && reads("section"))
                    || (reads("docs_nav") && nav(page.section))
            }
            Job::Section(i, n) => {
                let s = &new.sections[*i];
                let whole = self.section[*i]
                    || in_chain(*i)
                    || subsections(*i)
                    || self.feeds.contains(s.url.as_str())
                    // The home page lists the newest pages of the whole site.
                    || (s.dir.as_os_str().is_empty() && !self.files.is_empty())
                    // Careers and events pages sum up the whole list.
                    || (matches!(s.kind, SectionKind::Careers | SectionKind::Events) && (self.list[*i] || self.touched[*i]))
                    || (reads("docs_nav") && nav(*i));
                whole
                    || match &self.old_lists[*i] {
                        None => true,
                        Some(before) => self.chunk_changed(before, &s.pages, *n, s.paginate_by),
                    }
            }
            Job::TaxonomyList(_) => !self.files.is_empty(),
            Job::TaxonomyTerm(t, k, n) => {
                let tax = &new.taxonomies[*t];
                let term = &tax.terms[*k];
                let key = taxonomy::Key {
                    taxonomy: &tax.name,
                    term: Some(&term.slug),
                };
                self.feeds.contains(term.url.as_str())
                    || self.taxonomy_languages.contains(&key)
                    || match &self.terms[*t][*k] {
                        None => true,
                        Some(before) => {
                            self.chunk_changed(before, &term.pages, *n, new.config.paginate_by)
                        }
                    }
            }
            Job::NotFound | Job::Search => false,
            // The dashboard measures every page and member.
            Job::Dashboard => self.community || !self.files.is_empty(),
            // Member and community pages list posts, jobs and events from every page.
            Job::Members
            | Job::Member(_)
            | Job::Communities
            | Job::Community(_)
            | Job::Ambassadors(_)
            | Job::Leaderboard(_) => self.community || !self.files.is_empty(),
            // The entries hang on members and communities (`data/`); the page around them
            // reads the docs navigation and the site's feeds, which hang on pages.
            Job::FromCommunity(_) => self.community || !self.files.is_empty(),
        }
    }

    /// Whether page `i` has another page before or after it in its section's order, or one
    /// whose title or URL changed.
    fn neighbours_changed(&self, i: usize) -> bool {
        let around = |site: &Site, positions: &[Option<usize>], i: usize| -> [Option<usize>; 2] {
            let list = &site.sections[site.pages[i].section].pages;
            let at = |d: isize| {
                positions[i]
                    .and_then(|p| p.checked_add_signed(d))
                    .and_then(|p| list.get(p).copied())
            };
            [at(-1), at(1)]
        };
        let now = around(self.new, &self.new_positions, i);
        // A neighbour that is gone maps to `Some(None)`, which no neighbour now equals.
        let before = self.old_of_new[i].map(|o| {
            around(self.old, &self.old_positions, o).map(|j| j.map(|j| self.new_of_old[j]))
        });
        before != Some(now.map(|j| j.map(Some))) || now.iter().flatten().any(|&j| self.changed[j])
    }

    /// Pages and sections added to the build, changed or removed from it.
    fn page_changes(&self) -> PageChanges {
        let (old, new) = (self.old, self.new);
        let mut out = PageChanges::default();
        let mut sort = |rel: &Path, before: bool, after: bool| match (before, after) {
            (false, true) => out.added.push(rel.to_path_buf()),
            (true, true) => out.updated.push(rel.to_path_buf()),
            (true, false) => out.removed.push(rel.to_path_buf()),
            (false, false) => {}
        };
        for (i, p) in new
            .pages
            .iter()
            .enumerate()
            .filter(|(i, _)| self.changed[*i])
        {
            let before = self.old_of_new[i].is_some_and(|o| old.pages[o].hidden.is_none());
            sort(&p.source.rel, before, p.hidden.is_none());
        }
        for (o, p) in old.pages.iter().enumerate() {
            if self.new_of_old[o].is_none() {
                sort(&p.source.rel, p.hidden.is_none(), false);
            }
        }
        let visible = |site: &'a Site| -> HashMap<&'a Path, bool> {
            site.sections
                .iter()
                .filter_map(|s| Some((s.source.as_ref()?.rel.as_path(), s.hidden.is_none())))
                .collect()
        };
        let (before, after) = (visible(old), visible(new));
        for (_, s) in new
            .sections
            .iter()
            .enumerate()
            .filter(|(i, _)| self.section[*i])
        {
            if let Some(src) = &s.source {
                sort(
                    &src.rel,
                    before.get(src.rel.as_path()) == Some(&true),
                    s.hidden.is_none(),
                );
            }
        }
        for (rel, shown) in &before {
            if !after.contains_key(rel) {
                sort(rel, *shown, false);
            }
        }
        out.added.sort();
        out.updated.sort();
        out.removed.sort();
        out
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

fn all(d: Vec<Diagnostic>) -> Diagnostics {
    d.into_iter().collect()
}

/// Both absent, or the very same shared value: what the update kept is known unchanged.
fn same_arc<T: ?Sized>(a: Option<&Arc<T>>, b: Option<&Arc<T>>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => Arc::ptr_eq(x, y),
        (x, y) => x.is_none() && y.is_none(),
    }
}

/// The variables each kind of output's context sets (`parvis_render::variables`, filled by one
/// builder per kind), all of which [`Diff::may_change`] accounts for: a change to what one of
/// them is made from makes the diff say the output may change.
///
/// Why a checked list and not a diff derived from the builders: the builders read the model
/// through views (members, lookups, the report) whose inputs are not declared anywhere, and
/// declaring them would mean a second description of the model kept by hand, with the same
/// risk. Instead, the test below builds a site with every kind of output and fails when a
/// context sets a variable this list does not name for its kind: adding a variable to a
/// context then fails a test until `may_change` is looked at and the variable is added here.
/// What it cannot catch is a variable already listed that starts reading a new input; the
/// served-output-equals-full-build tests (`tests/testsuite/incremental.rs`) are the net there.
#[cfg(test)]
// Every output: `lang`, `t`, `home_url`, `feeds`, `docs_nav` and the current URL are the
// shared part of `parvis_render::context` (homes, feeds and docs trees in `may_change`).
// `og_image` and `icons` come from the image stage, which `serve` runs again on every update
// (cards from the page, member or site they draw; icons from `logo:`, a config change).
const COVERED: &[(&str, &[&str])] = &[
    (
        "404",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
        ],
    ),
    (
        "ambassadors",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "ambassadors",
            "candidates",
            "scope",
        ],
    ),
    (
        "communities",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
        ],
    ),
    (
        "community",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "community_page",
            "events",
            "posts",
            "feed_entries",
            "feed_entries_url",
        ],
    ),
    (
        "dashboard",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "calendar_ics",
            "charts",
            "report",
        ],
    ),
    (
        "home",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "paginator",
            "recent",
            "section",
        ],
    ),
    (
        "leaderboard",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "ranking",
            "scope",
        ],
    ),
    (
        "member",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "jobs",
            "member",
            "posts",
            "feed_entries",
        ],
    ),
    (
        "members",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "alumni",
            "countries",
            "expertise",
            "languages",
            "members",
            "roles",
        ],
    ),
    (
        "page",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "authors",
            "contacts",
            "json_ld",
            "page",
            "section",
        ],
    ),
    (
        "search",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
        ],
    ),
    (
        "section",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "job_filters",
            "paginator",
            "past",
            "section",
            "upcoming",
        ],
    ),
    (
        "taxonomy_list",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "taxonomy",
            "terms",
        ],
    ),
    (
        "from_the_community",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "all_url",
            "atom_url",
            "rss_url",
            "entries",
            "filter_kind",
            "filter_name",
            "filters",
        ],
    ),
    (
        "taxonomy_term",
        &[
            "current_permalink",
            "current_url",
            "docs_nav",
            "feeds",
            "home_url",
            "icons",
            "og_image",
            "lang",
            "translations",
            "page_kind",
            "t",
            "paginator",
            "taxonomy",
            "term",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::COVERED;
    use crate::{build_in_memory, BuildOptions};
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Every kind of output of the example site, for its widest and its innermost audience
    /// (the dashboard is only in the latter), with the variables its context sets.
    fn observed() -> BTreeMap<String, BTreeSet<&'static str>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../example-site");
        let mut all: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
        for audience in [None, Some("internal".to_string())] {
            let opts = BuildOptions {
                root: root.clone(),
                output: None,
                audience,
                drafts: true,
                progress: false,
                force: false,
                deny_warnings: false,
                external_links: false,
                // The members' feeds come from the cache, or not at all: no network here.
                offline: true,
            };
            let Ok((_, _, p)) = build_in_memory(&opts) else {
                panic!("the example site builds");
            };
            let templates = p.templates.as_ref().expect("templates");
            for (kind, names) in
                parvis_render::variables(&p.site, templates, &p.strings, &p.planned, &p.feed_links)
            {
                all.entry(kind).or_default().extend(names);
            }
        }
        all
    }

    #[test]
    fn the_diff_accounts_for_every_variable_of_every_output_kind() {
        let observed = observed();
        let covered: BTreeMap<&str, BTreeSet<&str>> = COVERED
            .iter()
            .map(|(k, names)| (*k, names.iter().copied().collect()))
            .collect();
        let mut missing = Vec::new();
        for (kind, names) in &observed {
            let listed = covered.get(kind.as_str()).cloned().unwrap_or_default();
            let new: Vec<&&str> = names.iter().filter(|n| !listed.contains(*n)).collect();
            if !new.is_empty() {
                missing.push(format!("{kind}: {new:?}"));
            }
        }
        assert!(
            missing.is_empty(),
            "contexts set variables that Diff::may_change was not checked for; make sure it \
             covers their inputs, then add them to COVERED:\n{}",
            missing.join("\n")
        );
        // Every kind listed is one the example site has, so that the check runs for each.
        for kind in covered.keys() {
            // Its entries are fetched feeds: a unit test asks no network, so the page is there
            // only when the site's feed cache holds entries (then it is checked as the others).
            if *kind == "from_the_community" {
                continue;
            }
            assert!(
                observed.contains_key(*kind),
                "no `{kind}` output in the example site"
            );
        }
    }
}
