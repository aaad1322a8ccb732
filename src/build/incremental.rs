//! Incremental updates for `serve`: after source files changed, bring a [`Prepared`] site up to
//! date and say which output files changed, doing again only what the change reaches.
//!
//! What reaches what:
//! - A file under `static/` or beside a page is its own output. Adding or removing one may turn
//!   a member's photo on or off, so then members are loaded again (on sites that have some).
//! - A Markdown file is parsed again alone. The model (sections, lists, taxonomies) is then
//!   assembled again from the parsed files kept in memory: nothing else is read or parsed.
//! - A body is rendered from Markdown again only when its file changed, it became visible, it
//!   calls a shortcode whose templates changed or read a global that changed, or it links to a
//!   page whose URL, visibility or headings changed, or to a file beside a page that came or
//!   went. Its code blocks come from a cache of highlighted code, so unchanged ones are not
//!   highlighted again.
//! - A data file is merged again with the others, and members, communities and badges are
//!   loaded again (their YAML is small next to the content).
//! - A template change parses the templates again (all of them: it is quick).
//! - Each output has a key: the template it starts from and a hash of its variables. An output
//!   is rendered again when its key changed, when a template it uses changed (its own, or one
//!   that it extends, includes or takes a component from, transitively), or when a global its
//!   templates read changed (`site`, `site.data`, `community`, `listings`; which ones a template
//!   reads is read from its text, see [`Templates::reads`]).
//! - Feeds, the sitemap, calendars and alias pages are generated again when the model or a body
//!   changed; only the files whose bytes differ are returned.
//! - `site.yaml`, `i18n/` and `themes/` change what everything is built from: a full rebuild.
//!
//! An update that fails changes nothing, so the next change starts from the last good state.
//! The moment the build is for (`now`, which hides expired pages) stays the first build's.

use super::{
    collisions, render_markdown, site_files, static_copies, write_error, Copy, Files, Prepared,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::frontmatter::FrontMatter;
use crate::load::{self, slash_path, AssetFile, ContentFile, DataFile, TemplateFile};
use crate::markdown::{self, shortcodes::Call, LinkTarget};
use crate::model::{Hidden, Site, Source};
use crate::output::{Memory, Sink};
use crate::render::templates::Templates;
use crate::render::{self, OutputKey, Planned};
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
/// (relative to `content/`): what a search index needs to follow the site. A page changed when
/// its body was rendered again or its title, URL or front matter changed; a page that became
/// hidden is removed, one that became visible is added.
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
        let mut all = Diagnostics::default();
        all.extend(diags);
        return Err(Stop::Failed(all));
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

    /// The key of each of `planned`, by output path.
    pub(super) fn keys(&self, planned: &[Planned]) -> HashMap<String, OutputKey> {
        let Some(templates) = self.templates.as_ref() else {
            return HashMap::new();
        };
        render::keys(
            &self.site,
            templates,
            &self.strings,
            &self.audience,
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
            let on_disk = dir.join(rest);
            let files: BTreeSet<PathBuf> = if on_disk.is_dir() {
                let now: BTreeSet<PathBuf> = files_under(&on_disk)
                    .into_iter()
                    .map(|f| rest.join(f))
                    .collect();
                let before: BTreeSet<PathBuf> =
                    known.into_iter().filter(|k| k.starts_with(rest)).collect();
                now.symmetric_difference(&before).cloned().collect()
            } else {
                // Gone: a file, or a folder with the files known under it.
                let under: BTreeSet<PathBuf> = known
                    .into_iter()
                    .filter(|k| k.starts_with(rest) && k != rest)
                    .collect();
                if under.is_empty() && !rest.as_os_str().is_empty() {
                    BTreeSet::from([rest.to_path_buf()])
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
        if self.site.config.feeds.content == "full" {
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
        let path = self.sources.root.join("content").join(content_rel);
        if !path.is_file() {
            return None;
        }
        let (source, front) = match parse_again(&path, content_rel, display) {
            Ok(parsed) => parsed,
            Err(u) => return Some(u.into()),
        };
        if front != old.front {
            return None;
        }
        let dir = content_rel.parent().unwrap_or(Path::new(""));
        let shortcode = |call: &Call| super::render_shortcode(Some(templates), call);
        let (rendered, errors) =
            markdown::render_with_shortcodes(source.body(), dir, &shortcode, self.code.as_ref());
        if !errors.is_empty() {
            let mut all = Diagnostics::default();
            all.extend(
                errors
                    .into_iter()
                    .map(|e| source.body_error(e.offset, e.message).with_hint(e.hint)),
            );
            return Some(Update::Failed(all));
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
        let previous = (
            std::mem::replace(&mut self.site.pages[i].source, source),
            self.site.pages[i].rendered.replace(Arc::new(rendered)),
        );
        let link_errors = markdown::links::resolve_some(
            &mut self.site,
            &self.assets,
            &self.audience,
            &HashSet::from([content_rel]),
        );
        let restore = |me: &mut Prepared| {
            // Put the last good page back, so that the next save starts from it.
            me.site.pages[i].source = previous.0;
            me.site.pages[i].rendered = previous.1;
        };
        if let Err(u) = check(link_errors) {
            restore(self);
            return Some(u.into());
        }
        let planned: Vec<Planned> = self
            .planned
            .iter()
            .filter(|p| matches!(p.job, render::Job::Page(j) if j == i))
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
        feed_links: &HashMap<String, render::feeds::FeedLink>,
        planned: &[Planned],
        copies: &BTreeMap<String, Copy>,
    ) -> Step<Files> {
        let memory = Memory::default();
        let errors = render::render(
            site,
            templates,
            &self.strings,
            &self.audience,
            planned,
            feed_links,
            |path: &str, bytes: &[u8]| {
                if copies.contains_key(path) {
                    return Ok(());
                }
                memory.write(path, bytes).map_err(|e| write_error(path, e))
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
        let copies = static_copies(&static_files, &content_assets);
        let generated: HashSet<&str> = self
            .planned
            .iter()
            .map(|p| p.path.as_str())
            .chain(self.extra_files.iter().map(|(p, _, _)| p.as_str()))
            .collect();
        for rel in sorted.statics.iter().chain(&sorted.assets) {
            let out = slash_path(rel);
            if generated.contains(out.as_str()) {
                // A copied file over a generated one: rare enough to rebuild.
                return Err(Stop::Full);
            }
            match copies.get(&out) {
                Some(Copy::Embedded(bytes)) => {
                    changes.written.insert(out, bytes.to_vec());
                }
                Some(Copy::File(src)) => match std::fs::read(src) {
                    Ok(bytes) => {
                        changes.written.insert(out, bytes);
                    }
                    Err(e) => {
                        return Err(Stop::Failed(one(Diagnostic::error(
                            src.strip_prefix(&root).unwrap_or(src),
                            format!("cannot read this file: {e}"),
                        ))))
                    }
                },
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
            match Templates::new(&template_files, &self.site.config.root) {
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
            let path = root.join("content").join(rel);
            if path.is_file() {
                let display = PathBuf::from("content").join(rel);
                parsed.insert(rel.clone(), parse_again(&path, rel, display)?);
                changes.stats.parsed += 1;
            }
        }
        let model_changed = reload_data || !sorted.content.is_empty();
        if !model_changed && changed_templates.is_empty() && assets_came_or_went.is_empty() {
            self.sources.static_files = static_files;
            self.sources.content_assets = content_assets;
            return Ok(changes);
        }

        // The model, assembled again from the files parsed before and the changed ones.
        let mut site = if model_changed {
            let mut diags = Vec::new();
            let (data, community) = if reload_data {
                Site::load_data(&self.site.config, &data_files, &static_files, &mut diags)
            } else {
                (self.site.data.clone(), self.site.community.clone())
            };
            check(diags)?;
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
            let (mut site, diags) = Site::assemble(
                self.site.config.clone(),
                root.clone(),
                files,
                data,
                community,
            );
            check(diags)?;
            crate::filter::apply(&mut site, &self.visibility);
            carry_bodies(&self.site, &mut site);
            site
        } else {
            self.site.clone()
        };

        // The globals every template reads.
        let mut owned_templates = match new_templates {
            Some(t) => Some(t),
            None if model_changed => Some(old_templates.clone()),
            None => None,
        };
        let globals = match owned_templates.as_mut() {
            Some(t) => render::prepare(&site, t, &self.audience, self.visibility.drafts),
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
        let redo: HashSet<PathBuf> = visible_bodies(&site)
            .filter(|(_, r)| {
                r.is_none_or(|r| {
                    r.shortcodes
                        .iter()
                        .any(|s| reach.reaches(&format!("shortcodes/{s}.html")))
                })
            })
            .map(|(src, _)| src.rel.clone())
            .collect();
        check(render_markdown(
            &mut site,
            Some(templates),
            self.code.as_ref(),
            Some(&redo),
        ))?;
        let moved = moved_targets(&self.site, &site);
        let relink: HashSet<PathBuf> = visible_bodies(&site)
            .filter(|(src, r)| {
                !redo.contains(&src.rel)
                    && r.is_some_and(|r| {
                        r.links.iter().any(|l| match &l.target {
                            LinkTarget::Page(p, _) => moved.contains(p.as_path()),
                            LinkTarget::Asset(p) => assets_came_or_went.contains(p),
                            _ => false,
                        })
                    })
            })
            .map(|(src, _)| src.rel.clone())
            .collect();
        check(render_markdown(
            &mut site,
            Some(templates),
            self.code.as_ref(),
            Some(&relink),
        ))?;
        let redone: HashSet<&Path> = redo.iter().chain(&relink).map(PathBuf::as_path).collect();
        changes.stats.bodies = redone.len();
        let assets: HashSet<PathBuf> = content_assets.iter().map(|a| a.rel.clone()).collect();
        check(markdown::links::resolve_some(
            &mut site,
            &assets,
            &self.audience,
            &redone,
        ))?;

        // Site files.
        let planned = render::plan(&site);
        let new_files = if model_changed || !redone.is_empty() {
            let (extra, links, diags) = site_files(&site, &planned, &self.audience);
            check(diags)?;
            check(collisions(&site, &planned, &extra))?;
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

        // Outputs whose key, templates or globals changed.
        let keys = render::keys(
            &site,
            templates,
            &self.strings,
            &self.audience,
            &planned,
            feed_links,
        );
        let stale: Vec<Planned> = planned
            .iter()
            .zip(&keys)
            .filter(|(p, k)| match k {
                None => true,
                Some(k) => self.outputs.get(&p.path) != Some(k) || reach.reaches(&k.template),
            })
            .map(|(p, _)| p.clone())
            .collect();
        let still: HashSet<&str> = planned
            .iter()
            .map(|p| p.path.as_str())
            .chain(extra_files.iter().map(|(p, _, _)| p.as_str()))
            .collect();
        changes.removed.extend(
            generated
                .iter()
                .filter(|p| !still.contains(**p) && !copies.contains_key(**p))
                .map(|p| p.to_string()),
        );
        changes
            .written
            .extend(self.render_with(&site, templates, feed_links, &stale, &copies)?);
        changes.stats.rendered = stale.len();
        changes.pages = page_changes(&self.site, &site);
        changes.removed.sort();

        // Everything worked: keep the new state.
        let outputs = planned
            .iter()
            .zip(keys)
            .filter_map(|(p, k)| Some((p.path.clone(), k?)))
            .collect();
        drop(reach);
        if let Some(t) = owned_templates {
            self.templates = Some(t);
        }
        if let Some((extra, links)) = new_files {
            self.extra_files = extra;
            self.feed_links = links;
        }
        self.site = site;
        self.planned = planned;
        self.outputs = outputs;
        self.globals = globals;
        self.assets = assets;
        self.sources.static_files = static_files;
        self.sources.content_assets = content_assets;
        self.sources.templates = template_files;
        self.sources.data = data_files;
        Ok(changes)
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
    };
    match crate::model::reparse(file) {
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
    let exists = base.join(rel).is_file();
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
    if path.is_file() {
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
    if path.is_file() && yaml {
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

/// Files under `dir`, relative to it, as loading would see them.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !load::is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect()
}

/// Gives the pages and sections of `new` whose file did not change the body `old` rendered,
/// when they were visible and still are.
fn carry_bodies(old: &Site, new: &mut Site) {
    let bodies: HashMap<&Path, (&Arc<str>, &Arc<markdown::Rendered>)> = old
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
        .map(|(src, r)| (src.rel.as_path(), (&src.text, r)))
        .collect();
    let body = |src: &Source| {
        bodies
            .get(src.rel.as_path())
            .filter(|(text, _)| Arc::ptr_eq(text, &src.text))
            .map(|(_, r)| Arc::clone(r))
    };
    for p in new.pages.iter_mut().filter(|p| p.hidden.is_none()) {
        p.rendered = body(&p.source);
    }
    for s in new.sections.iter_mut().filter(|s| s.hidden.is_none()) {
        s.rendered = s.source.as_ref().and_then(body);
    }
}

/// The visible pages and sections with their rendered body, if they have one yet.
fn visible_bodies(site: &Site) -> impl Iterator<Item = (&Source, Option<&markdown::Rendered>)> {
    site.visible_pages()
        .map(|(_, p)| (&p.source, p.rendered.as_deref()))
        .chain(
            site.visible_sections()
                .filter_map(|(_, s)| Some((s.source.as_ref()?, s.rendered.as_deref()))),
        )
}

/// What a link to a page or section resolves against: its URL, whether it is hidden and why,
/// and its heading ids.
type Target<'a> = (&'a str, Option<&'a Hidden>, Option<&'a HashSet<String>>);

fn targets(site: &Site) -> HashMap<&Path, Target<'_>> {
    site.pages
        .iter()
        .map(|p| {
            let anchors = p.rendered.as_ref().map(|r| &r.anchors);
            (
                p.source.rel.as_path(),
                (p.url.as_str(), p.hidden.as_ref(), anchors),
            )
        })
        .chain(site.sections.iter().filter_map(|s| {
            let anchors = s.rendered.as_ref().map(|r| &r.anchors);
            Some((
                s.source.as_ref()?.rel.as_path(),
                (s.url.as_str(), s.hidden.as_ref(), anchors),
            ))
        }))
        .collect()
}

/// Pages and sections a link resolves differently to in `new`: moved, hidden or shown, with
/// other headings, added or removed.
fn moved_targets<'a>(old: &'a Site, new: &'a Site) -> HashSet<&'a Path> {
    let (before, after) = (targets(old), targets(new));
    before
        .iter()
        .filter(|(rel, t)| after.get(*rel) != Some(t))
        .map(|(rel, _)| *rel)
        .chain(
            after
                .keys()
                .filter(|rel| !before.contains_key(*rel))
                .copied(),
        )
        .collect()
}

/// Pages and sections added to the build, changed or removed from it, between two models.
fn page_changes(old: &Site, new: &Site) -> PageChanges {
    struct Seen<'a> {
        title: &'a str,
        url: &'a str,
        front: &'a FrontMatter,
        body: Option<&'a Arc<markdown::Rendered>>,
    }
    fn visible(site: &Site) -> BTreeMap<&Path, Seen<'_>> {
        site.visible_pages()
            .map(|(_, p)| {
                (
                    p.source.rel.as_path(),
                    Seen {
                        title: &p.title,
                        url: &p.url,
                        front: &p.front,
                        body: p.rendered.as_ref(),
                    },
                )
            })
            .chain(site.visible_sections().filter_map(|(_, s)| {
                Some((
                    s.source.as_ref()?.rel.as_path(),
                    Seen {
                        title: &s.title,
                        url: &s.url,
                        front: &s.front,
                        body: s.rendered.as_ref(),
                    },
                ))
            }))
            .collect()
    }
    let (before, after) = (visible(old), visible(new));
    let mut out = PageChanges::default();
    for (rel, a) in &after {
        match before.get(rel) {
            None => out.added.push(rel.to_path_buf()),
            Some(b) => {
                let same_body = match (a.body, b.body) {
                    (Some(x), Some(y)) => Arc::ptr_eq(x, y),
                    (x, y) => x.is_none() && y.is_none(),
                };
                if !same_body || a.title != b.title || a.url != b.url || a.front != b.front {
                    out.updated.push(rel.to_path_buf());
                }
            }
        }
    }
    out.removed = before
        .keys()
        .filter(|rel| !after.contains_key(*rel))
        .map(|rel| rel.to_path_buf())
        .collect();
    out
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

fn all(d: Vec<Diagnostic>) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.extend(d);
    all
}
