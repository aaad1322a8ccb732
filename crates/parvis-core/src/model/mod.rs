//! The site model: sections, pages and their URLs, built from the loaded sources.
//!
//! Building the model parses front matter and decides where everything goes; it renders
//! nothing. Every item is kept, visible or not: the filter stage decides what a build shows, so
//! that a link to a hidden page can be reported as such rather than as a missing file.

pub mod community;
pub mod fetched;
pub mod kinds;
pub mod media;
pub mod recurrence;
pub mod rendered;
pub mod taxonomy;

use crate::config::RawHtml;
use crate::config::{Audience, Config};
use crate::date::{self, DateValue};
use crate::diagnostics::Diagnostic;
use crate::load::frontmatter::{self, FrontMatter, Split};
use crate::load::{slash_path, ContentFile, OnDisk, Sources};
use crate::text::slugify;
pub use crate::vocabulary::SectionKind;
use rayon::prelude::*;
use rendered::Rendered;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A Markdown file with its front matter located, kept for rendering and for diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    /// As shown in messages (`content/blog/a.md`).
    pub display: PathBuf,
    /// Relative to `content/` (`blog/a.md`).
    pub rel: PathBuf,
    /// The whole file; only its front matter when the load left the body on disk
    /// ([`crate::load::Bodies`]); empty once [`Source::release_text`] has let it go. An
    /// `Arc<String>` rather than an `Arc<str>`: the `String` read from the file moves in,
    /// where an `Arc<str>` copied every file once more.
    text: Arc<String>,
    /// Set when `text` is not the whole file: where to read it again, for the body or a late
    /// diagnostic, and its length in bytes when it was read.
    on_disk: Option<Box<OnDisk>>,
    front: Option<std::ops::Range<usize>>,
    front_line: usize,
    body_start: usize,
    /// 0-based line of the file where the body starts.
    pub body_line: usize,
}

impl Source {
    /// The body as held: empty when left on disk or released ([`Source::read_body`] reads it).
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    /// The body, as held or read again from the file when the load left it on disk. An error
    /// when the file has changed since it was loaded, since its front matter would no longer
    /// be the one read.
    pub fn read_body(&self) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        if self.on_disk.is_none() {
            return Ok(std::borrow::Cow::Borrowed(self.body()));
        }
        let Some(text) = self.full_text() else {
            return Err(self
                .unplaced("this file changed while the site was being built")
                .with_hint("build again"));
        };
        // Read again, so owned: no copy.
        let mut text = text.into_owned();
        text.drain(..self.body_start);
        Ok(std::borrow::Cow::Owned(text))
    }

    /// The text as held, shared with the models `serve` makes from the same file (it compares
    /// them by pointer); empty once released.
    pub fn held_text(&self) -> &Arc<String> {
        &self.text
    }

    /// Byte offset of the body in the file.
    pub fn body_start(&self) -> usize {
        self.body_start
    }

    /// Lets the text go, for a build that has rendered the body: at 100,000 pages the sources
    /// are most of a gigabyte, and past this point only a diagnostic still needs them. That
    /// one reads the file again under `root`, and finds it unchanged or names the file only.
    pub fn release_text(&mut self, root: &Path) {
        if self.on_disk.is_none() {
            self.on_disk = Some(Box::new(OnDisk {
                path: root.join(&self.display),
                len: self.text.len(),
            }));
        }
        self.text = Arc::default();
    }

    /// The whole file, for the body or for placing a diagnostic: as held, or read again. `None`
    /// when the file has since gone, changed length or begins otherwise than the text held,
    /// since its offsets would then point into other text: the diagnostic names the file only.
    fn full_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.on_disk {
            None => Some(std::borrow::Cow::Borrowed(self.text.as_str())),
            Some(on_disk) => {
                let text = std::fs::read_to_string(&on_disk.path).ok()?;
                (text.len() == on_disk.len && text.starts_with(self.text.as_str()))
                    .then_some(std::borrow::Cow::Owned(text))
            }
        }
    }

    /// A diagnostic on the file, not placed: its text is no longer what was read.
    fn unplaced(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.display, message)
    }

    /// A diagnostic pointing at front matter key `key`.
    pub fn key_error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let Some(text) = self.full_text() else {
            return self.unplaced(message);
        };
        let front = self.front.clone().map_or("", |r| &text[r]);
        let origin = crate::yaml::Origin {
            file: &self.display,
            file_text: &text,
            line_offset: self.front_line,
        };
        origin.key_error(front, key, message)
    }

    /// A diagnostic pointing at the value of `extra.<key>` in the front matter, or at `extra`
    /// when that value cannot be placed.
    pub fn extra_error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let (Some(range), Some(text)) = (self.front.clone(), self.full_text()) else {
            return self.key_error("extra", message);
        };
        match frontmatter::extra_value_position(&text[range], self.format(&text), key) {
            Some((line, column)) => {
                Diagnostic::error(&self.display, message).at(&text, line + self.front_line, column)
            }
            None => self.key_error("extra", message),
        }
    }

    /// A diagnostic pointing at member id `item` in the front matter's `authors` or
    /// `extra.contacts`, or at the key when the item cannot be placed.
    pub fn member_error(
        &self,
        list: frontmatter::MemberList,
        item: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let key = match list {
            frontmatter::MemberList::Authors => "authors",
            frontmatter::MemberList::Contacts => "extra",
        };
        let (Some(range), Some(text)) = (self.front.clone(), self.full_text()) else {
            return self.key_error(key, message);
        };
        match frontmatter::member_item_position(&text[range], self.format(&text), list, item) {
            Some((line, column)) => {
                Diagnostic::error(&self.display, message).at(&text, line + self.front_line, column)
            }
            None => self.key_error(key, message),
        }
    }

    /// A diagnostic pointing at entry `entry` of the front matter mapping `key`, or at the key
    /// when the entry cannot be placed.
    pub fn entry_error(
        &self,
        key: frontmatter::MapKey,
        entry: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let name = match key {
            frontmatter::MapKey::PublishDate => "publish_date",
            frontmatter::MapKey::Relay => "relay",
        };
        let (Some(range), Some(text)) = (self.front.clone(), self.full_text()) else {
            return self.key_error(name, message);
        };
        match frontmatter::entry_position(&text[range], self.format(&text), key, entry) {
            Some((line, column, _)) => {
                Diagnostic::error(&self.display, message).at(&text, line + self.front_line, column)
            }
            None => self.key_error(name, message),
        }
    }

    /// Whether the front matter of `text`, this file's, is YAML or TOML.
    fn format(&self, text: &str) -> frontmatter::Format {
        let start = self.front.as_ref().map_or(0, |r| r.start);
        if text[..start]
            .trim_start_matches('\u{feff}')
            .starts_with("+++")
        {
            frontmatter::Format::Toml
        } else {
            frontmatter::Format::Yaml
        }
    }

    /// A diagnostic at byte `offset` of the body.
    pub fn body_error(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        match self.full_text() {
            Some(text) => self.body_error_in(&text, offset, message),
            None => self.unplaced(message),
        }
    }

    fn body_error_in(&self, text: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.display, message).at_offset(text, self.body_start + offset)
    }

    /// Errors at byte offsets of the body, each with its hint: the first
    /// [`crate::diagnostics::MAX_PER_FILE`] placed, the rest counted in one more error.
    pub fn body_errors(
        &self,
        problems: impl IntoIterator<Item = (usize, String, String)>,
        what: &str,
    ) -> Vec<Diagnostic> {
        let mut budget = crate::diagnostics::Budget::default();
        // Read once for all of them when the text was released.
        let text = self.full_text();
        let mut out: Vec<Diagnostic> = problems
            .into_iter()
            .filter(|_| budget.take())
            .map(|(offset, message, hint)| {
                match &text {
                    Some(text) => self.body_error_in(text, offset, message),
                    None => self.unplaced(message),
                }
                .with_hint(hint)
            })
            .collect();
        out.extend(budget.summary(&self.display, what));
        out
    }
}

/// Why an item is left out of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hidden {
    Draft,
    NotYetPublished,
    Expired,
    /// Open to a narrower circle than the build's audience.
    Audience(Audience),
}

impl std::fmt::Display for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hidden::Draft => f.write_str("a draft"),
            Hidden::NotYetPublished => {
                f.write_str("not published yet (its publish_date is in the future)")
            }
            Hidden::Expired => f.write_str("expired (its expiry_date is past)"),
            Hidden::Audience(a) => write!(f, "only open to the `{a}` audience"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub source: Source,
    pub front: FrontMatter,
    pub title: String,
    pub lang: String,
    /// Pages that are translations of each other share this key.
    pub translation_key: String,
    pub slug: String,
    /// Root-relative URL, with the site root (`/blog/hello/`).
    pub url: String,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    /// When the page opens to its own audience (`publish_date`, or its entry for that
    /// audience).
    pub publish_date: Option<DateValue>,
    /// Earlier openings to inner circles (`publish_date: {ambassadors: ..., public: ...}`),
    /// innermost first: the page is a preview there until `publish_date`.
    pub previews: Vec<(Audience, DateValue)>,
    pub expiry_date: Option<DateValue>,
    pub audience: Audience,
    /// The section that lists it.
    pub section: usize,
    /// Kind of that section.
    pub kind: SectionKind,
    /// Folder of a `name/index.md` page, whose other files are its assets.
    pub bundle_dir: Option<PathBuf>,
    pub hidden: Option<Hidden>,
    /// Shared, so that `serve` can carry an unchanged body into a rebuilt model.
    pub rendered: Option<Arc<Rendered>>,
    /// For pages of `events` sections. Boxed, as `job`: inline, the two made every page of
    /// every kind weigh a kilobyte more (100 MB at 100,000 pages).
    pub event: Option<Box<kinds::Event>>,
    /// For pages of `careers` sections.
    pub job: Option<Box<kinds::Job>>,
}

impl Page {
    /// A job posting whose `valid_through` has passed: it leaves the listing and says so.
    pub fn job_closed(&self, now: jiff::Timestamp) -> bool {
        self.closes_at().is_some_and(|t| t <= now)
    }

    /// When a job posting closes: the end of its `valid_through` day.
    fn closes_at(&self) -> Option<jiff::Timestamp> {
        let day = self.job.as_ref()?.valid_through?;
        Some(day.timestamp() + jiff::SignedDuration::from_hours(24))
    }

    /// When the page opens to the build for `viewer`: the earliest date given to `viewer` or
    /// to a circle it sees (an inner circle sees whatever a wider one sees). `None` when the
    /// page has no publish date.
    pub fn opens_to(&self, viewer: &Audience) -> Option<DateValue> {
        self.openings()
            .filter(|(a, _)| viewer.sees(a))
            .map(|(_, d)| d)
            .min_by_key(DateValue::timestamp)
            .or(self.publish_date)
    }

    /// Every opening: the previews, innermost first, then the page's own audience.
    pub fn openings(&self) -> impl Iterator<Item = (&Audience, DateValue)> + '_ {
        self.previews
            .iter()
            .map(|(a, d)| (a, *d))
            .chain(self.publish_date.map(|d| (&self.audience, d)))
    }

    /// In the build for `viewer` at `now`, a page shown before a wider circle may see it:
    /// that circle's next opening. `None` when the page is not a preview there.
    pub fn preview(
        &self,
        viewer: &Audience,
        now: jiff::Timestamp,
    ) -> Option<(&Audience, DateValue)> {
        if self.opens_to(viewer).is_some_and(|d| d.timestamp() > now) {
            return None;
        }
        self.openings()
            .find(|(a, d)| a.rank() > viewer.rank() && a.is_known() && d.timestamp() > now)
    }

    /// The moments at which what a build makes of this page may change: the dates a build
    /// compares with "now" (publish and expiry dates, its date, which community pages and the
    /// report count by, a posting's closing, an event's start and end). Between two moments,
    /// a build of the page is the same whatever "now" is; `serve` rebuilds when one passes.
    /// A new comparison with "now" must add its date here.
    pub fn moments(&self) -> impl Iterator<Item = jiff::Timestamp> + '_ {
        let event = self.event.as_ref().map_or([None, None], |e| {
            [
                Some(e.start.timestamp()),
                e.end.as_ref().map(|z| z.timestamp()),
            ]
        });
        [self.publish_date, self.expiry_date, self.date]
            .into_iter()
            .flatten()
            .chain(self.previews.iter().map(|(_, d)| *d))
            .map(|d| d.timestamp())
            .chain(self.closes_at())
            .chain(event.into_iter().flatten())
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `None` for a home page the site did not write.
    pub source: Option<Source>,
    pub front: FrontMatter,
    /// Folder relative to `content/` (`""` for the home page).
    pub dir: PathBuf,
    pub title: String,
    pub lang: String,
    pub kind: SectionKind,
    pub audience: Audience,
    /// What happens to HTML typed in its body and its pages': its `markdown.html`, else its
    /// parent's, else site.yaml's.
    pub raw_html: RawHtml,
    pub url: String,
    pub parent: Option<usize>,
    pub paginate_by: usize,
    pub sort_by: String,
    pub weight: i64,
    pub hidden: Option<Hidden>,
    /// Visible pages, in the section's order (filled by [`Site::attach`]).
    pub pages: Vec<usize>,
    /// Visible subsections by weight then title (filled by [`Site::attach`]).
    pub subsections: Vec<usize>,
    pub rendered: Option<Arc<Rendered>>,
}

/// The whole site.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub root: PathBuf,
    /// Shared, so that `serve` copies the model cheaply and changes a page alone.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Section>,
    /// Home section per language.
    pub homes: BTreeMap<String, usize>,
    /// `data/`, as loaded.
    pub data: serde_json::Value,
    pub taxonomies: Vec<taxonomy::Taxonomy>,
    pub community: community::CommunityData,
    /// The moment the build is for (publish and expiry dates, upcoming events).
    pub now: jiff::Timestamp,
    /// The audience the build is for (set by the filter; the widest until then). Later
    /// stages read it from here.
    pub audience: Audience,
    /// Per member (same index): whether this build shows it.
    pub member_visible: Vec<bool>,
    /// Per community (same index): whether this build shows it.
    pub community_visible: Vec<bool>,
    /// The processed pictures (filled by the image stage, after the filter).
    pub media: media::Media,
}

/// The root-relative URL of a content path, e.g. `["docs", "api"]` → `/docs/api/`.
fn url_of(root: &str, lang_prefix: &str, parts: &[String]) -> String {
    let mut url = String::from(root);
    if !lang_prefix.is_empty() {
        url.push_str(lang_prefix);
        url.push('/');
    }
    for p in parts {
        if !p.is_empty() {
            url.push_str(p);
            url.push('/');
        }
    }
    url
}

/// `name.fr` → (`name`, Some("fr")) when `fr` is a site language.
fn split_lang<'a>(stem: &'a str, config: &Config) -> (&'a str, Option<&'a str>) {
    if let Some((base, lang)) = stem.rsplit_once('.') {
        if config.knows_language(lang) {
            return (base, Some(lang));
        }
    }
    (stem, None)
}

fn dir_parts(dir: &Path) -> Vec<String> {
    dir.components()
        .map(|c| slugify(&c.as_os_str().to_string_lossy()))
        .collect()
}

fn humanize(stem: &str) -> String {
    let s = stem.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

struct Parsed {
    file: ContentFile,
    split_front: Option<std::ops::Range<usize>>,
    front_line: usize,
    body_start: usize,
    body_line: usize,
    front: FrontMatter,
}

fn parse_file(file: ContentFile) -> Result<(Parsed, Vec<Diagnostic>), Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(Diagnostic::error(&file.display, "this file is empty").with_hint(
            "give it front matter with at least a title (`---`, `title: ...`, `---`), or delete it",
        ));
    }
    let is_section = file
        .rel
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("_index."));
    let split: Split<'_> = frontmatter::split(&file.display, &file.text)?;
    let (front, warnings) = match frontmatter::parse(&file.display, &file.text, &split, is_section)
    {
        Ok(parsed) => parsed,
        Err(d) => {
            // Placed all the same, with what can be read, so that links to it add no error;
            // the title falls back quietly: this error is the one to fix.
            let mut front = frontmatter::parse_lenient(&split);
            if front.title.is_none() {
                let stem = file.rel.file_stem().unwrap_or_default().to_string_lossy();
                front.title = Some(humanize(stem.split('.').next().unwrap_or_default()));
            }
            (front, vec![d])
        }
    };
    let base = file.text.as_ptr() as usize;
    let split_front = split.front.map(|(f, _)| {
        let start = f.as_ptr() as usize - base;
        start..start + f.len()
    });
    let body_start = split.body.as_ptr() as usize - base;
    let parsed = Parsed {
        split_front,
        front_line: split.front_line,
        body_start,
        body_line: split.body_line,
        front,
        file,
    };
    Ok((parsed, warnings))
}

/// Parses one Markdown file again (for `serve`): its source, front matter and the problems found.
pub fn reparse(file: ContentFile) -> Result<(Source, FrontMatter, Vec<Diagnostic>), Diagnostic> {
    let (parsed, errors) = parse_file(file)?;
    let (source, front) = parsed.into_source();
    Ok((source, front, errors))
}

impl Parsed {
    fn into_source(self) -> (Source, FrontMatter) {
        (
            Source {
                display: self.file.display,
                rel: self.file.rel,
                text: Arc::new(self.file.text),
                on_disk: self.file.on_disk,
                front: self.split_front,
                front_line: self.front_line,
                body_start: self.body_start,
                body_line: self.body_line,
            },
            self.front,
        )
    }
}

impl Site {
    /// Builds the model from the sources. Files with errors are left out and reported.
    pub fn build(sources: &mut Sources) -> (Site, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let content = std::mem::take(&mut sources.content);
        let parsed: Vec<_> = content.into_par_iter().map(parse_file).collect();
        let mut files = Vec::with_capacity(parsed.len());
        for p in parsed {
            match p {
                Ok((f, errs)) => {
                    // A file whose front matter has errors is still placed, so that links to
                    // it do not cascade into more errors; the build fails anyway.
                    diags.extend(errs);
                    files.push(f.into_source());
                }
                Err(d) => diags.push(d),
            }
        }
        let (data, community) = Site::load_data(
            &sources.config,
            &sources.data,
            &sources.static_files,
            &mut diags,
        );
        let (site, placed) = Site::assemble(
            sources.config.clone(),
            sources.root.clone(),
            files,
            data,
            community,
        );
        diags.extend(placed);
        (site, diags)
    }

    /// `data/` as templates see it, and the community model (members, communities, badges).
    /// `static_files` are the files a member's photo may name.
    pub fn load_data(
        config: &Config,
        data_files: &[crate::load::DataFile],
        static_files: &[crate::load::AssetFile],
        diags: &mut Vec<Diagnostic>,
    ) -> (serde_json::Value, community::CommunityData) {
        let data = crate::load::data::merge(data_files, diags);
        let statics: std::collections::BTreeSet<String> =
            static_files.iter().map(|f| slash_path(&f.rel)).collect();
        let (community, community_diags) =
            community::CommunityData::load(config, data_files, &statics);
        diags.extend(community_diags);
        (data, community)
    }

    /// Places parsed Markdown files into sections and pages, with their URLs, languages and
    /// kinds. Needs no file read: `serve` calls it again with the files it already parsed.
    pub fn assemble(
        config: Config,
        root: PathBuf,
        files: Vec<(Source, FrontMatter)>,
        data: serde_json::Value,
        community: community::CommunityData,
    ) -> (Site, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let (section_files, page_files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(f, _)| {
                f.rel
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("_index."))
            });

        // Sections, keyed by (folder, language).
        let mut sections: Vec<Section> = Vec::new();
        let mut by_key: HashMap<(PathBuf, String), usize> = HashMap::new();
        for (source, front) in section_files {
            let dir = source
                .rel
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let stem = source
                .rel
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let (_, file_lang) = split_lang(&stem, &config);
            let lang = resolve_lang(&config, &source, &front, file_lang, &mut diags);
            if by_key.contains_key(&(dir.clone(), lang.clone())) {
                diags.push(
                    Diagnostic::error(
                        &source.display,
                        format!("a second `_index` for the same section in `{lang}`"),
                    )
                    .with_hint("keep one `_index.md` per folder and language"),
                );
                continue;
            }
            by_key.insert((dir.clone(), lang.clone()), sections.len());
            let section = new_section(&config, Some(source), front, dir, lang);
            if let (Some(src), None) = (&section.source, &section.front.title) {
                diags.push(untitled(src, "section", "folder", &section.title));
            }
            sections.push(section);
        }
        let default_lang = config.language.clone();
        if let std::collections::hash_map::Entry::Vacant(e) =
            by_key.entry((PathBuf::new(), default_lang.clone()))
        {
            e.insert(sections.len());
            let front = FrontMatter {
                title: Some(config.title.clone()),
                ..FrontMatter::default()
            };
            sections.push(new_section(
                &config,
                None,
                front,
                PathBuf::new(),
                default_lang.clone(),
            ));
        }

        add_language_sections(&config, &page_files, &mut sections, &mut by_key);

        // Parents and inherited settings, shallowest first so parents are resolved before
        // their children.
        let mut order: Vec<usize> = (0..sections.len()).collect();
        order.sort_by_key(|&i| {
            (
                sections[i].dir.components().count(),
                sections[i].dir.clone(),
                sections[i].lang.clone(),
            )
        });
        for &i in &order {
            let parent = sections[i]
                .dir
                .parent()
                .and_then(|p| nearest_section(&by_key, p, &sections[i].lang, &default_lang));
            let parent = if sections[i].dir.as_os_str().is_empty() {
                None
            } else {
                parent
            };
            sections[i].parent = parent;
            let (p_kind, p_audience, p_html) = match parent {
                Some(p) => (
                    sections[p].kind,
                    sections[p].audience.clone(),
                    sections[p].raw_html,
                ),
                None => (
                    SectionKind::Page,
                    config.default_audience(),
                    config.raw_html,
                ),
            };
            let s = &mut sections[i];
            // An unknown kind is reported where the front matter is read.
            s.kind = s
                .front
                .kind
                .as_deref()
                .and_then(SectionKind::parse)
                .unwrap_or(p_kind);
            s.audience = match &s.front.audience {
                Some(a) => config.audience_or_unknown(a),
                None => p_audience,
            };
            s.raw_html = s.front.markdown.and_then(|m| m.html).unwrap_or(p_html);
            s.sort_by = s
                .front
                .sort_by
                .clone()
                .unwrap_or_else(|| s.kind.default_sort().into());
            if let Some(src) = &s.source {
                check_audience(&config, src, &s.front, &mut diags);
            }
        }

        let placer = Placer {
            config: &config,
            sections: &sections,
            by_key: &by_key,
        };
        // Extended, not collected: `collect` from a `Vec`'s `into_iter` reuses its allocation,
        // and that of the 600-byte files (or of 1 KB pages) kept for 8-byte `Arc`s held 130 MB
        // for nothing at 100,000 pages.
        let mut pages: Vec<Arc<Page>> = Vec::with_capacity(page_files.len());
        pages.extend(
            page_files
                .into_iter()
                .filter_map(|(source, front)| placer.place(source, front, &mut diags))
                .map(Arc::new),
        );
        pages.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));

        check_people(&pages, &community, &mut diags);
        let site = Site {
            media: media::Media::default(),
            now: date::now(),
            audience: config.public_audience(),
            member_visible: vec![true; community.members.len()],
            community_visible: vec![true; community.communities.len()],
            community,
            homes: sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.dir.as_os_str().is_empty())
                .map(|(i, s)| (s.lang.clone(), i))
                .collect(),
            config,
            root,
            pages,
            sections,
            data,
            taxonomies: Vec::new(),
        };
        (site, diags)
    }

    /// Sections by folder and language, to place pages with a [`Placer`].
    pub fn section_keys(&self) -> HashMap<(PathBuf, String), usize> {
        self.sections
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.dir.clone(), s.lang.clone()), i))
            .collect()
    }

    /// Authors and job contacts that are not members.
    pub fn check_people(&self) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        check_people(&self.pages, &self.community, &mut diags);
        diags
    }

    /// Lets every page's and section's source text go ([`Source::release_text`]), for a build
    /// past its Markdown stage; the site's folder is `root`. A page shared with another model
    /// (as `serve` shares them) keeps its text.
    pub fn release_texts(&mut self, root: &Path) {
        self.pages
            .iter_mut()
            .filter_map(Arc::get_mut)
            .for_each(|p| p.source.release_text(root));
        self.sections
            .iter_mut()
            .filter_map(|s| s.source.as_mut())
            .for_each(|s| s.release_text(root));
    }

    /// What happens to HTML typed in the bodies of section `section` and of its pages.
    pub fn raw_html(&self, section: usize) -> RawHtml {
        self.sections
            .get(section)
            .map_or(self.config.raw_html, |s| s.raw_html)
    }

    /// The visible pages.
    pub fn visible_pages(&self) -> impl Iterator<Item = (usize, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.hidden.is_none())
            .map(|(i, p)| (i, &**p))
    }

    /// The visible sections.
    pub fn visible_sections(&self) -> impl Iterator<Item = (usize, &Section)> {
        self.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.hidden.is_none())
    }

    /// Whether a page has a moment (see [`Page::moments`]) from `a` to `b`, both included, in
    /// either order: whether a build at `b` may differ from one at `a` in what it shows.
    pub fn moment_between(&self, a: jiff::Timestamp, b: jiff::Timestamp) -> bool {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        self.pages
            .iter()
            .any(|p| p.moments().any(|m| from <= m && m <= to))
    }

    /// Fills section page lists, subsections and taxonomies from the visible items.
    pub fn attach(&mut self) {
        for s in &mut self.sections {
            s.pages.clear();
            s.subsections.clear();
        }
        // A closed job posting keeps its page (saying it is closed) but leaves the listing.
        let now = self.now;
        let visible: Vec<(usize, usize)> = self
            .visible_pages()
            .filter(|(_, p)| !p.job_closed(now))
            .map(|(i, p)| (i, p.section))
            .collect();
        for (i, s) in visible {
            self.sections[s].pages.push(i);
        }
        let subs: Vec<(usize, usize)> = self
            .visible_sections()
            .filter_map(|(i, s)| s.parent.map(|p| (p, i)))
            .collect();
        for (p, i) in subs {
            self.sections[p].subsections.push(i);
        }
        let pages = &self.pages;
        let sections_ro: Vec<(i64, String)> = self
            .sections
            .iter()
            .map(|s| (s.weight, s.title.clone()))
            .collect();
        let titles: Vec<String> = pages.iter().map(|p| p.title.to_lowercase()).collect();
        for s in &mut self.sections {
            sort_pages(&mut s.pages, pages, &titles, &s.sort_by);
            s.subsections
                .sort_by(|&a, &b| sections_ro[a].cmp(&sections_ro[b]).then(a.cmp(&b)));
        }
        self.taxonomies = taxonomy::collect(self);
    }

    /// Sorts pages newest first; undated pages last, then by file order, so lists are stable.
    pub fn newest_first(&self, pages: &mut [usize]) {
        pages.sort_by_cached_key(|&i| {
            (
                std::cmp::Reverse(self.pages[i].date.map(|d| d.timestamp())),
                i,
            )
        });
    }

    /// `section` if this build shows it, else its nearest visible ancestor: a page opened
    /// wider than its section must not carry the section's title or text.
    pub fn visible_section(&self, section: usize) -> usize {
        self.ancestors(section)
            .into_iter()
            .rev()
            .find(|&s| self.sections[s].hidden.is_none())
            .unwrap_or(section)
    }

    /// Sections from the home page down to `section`, for breadcrumbs.
    pub fn ancestors(&self, section: usize) -> Vec<usize> {
        let mut chain = vec![section];
        let mut cur = section;
        while let Some(p) = self.sections[cur].parent {
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }
}

/// Places page files among the sections of a site: language, section, slug, URL, dates, kind.
pub struct Placer<'a> {
    pub config: &'a Config,
    pub sections: &'a [Section],
    /// Sections by folder and language.
    pub by_key: &'a HashMap<(PathBuf, String), usize>,
}

impl Placer<'_> {
    /// The page of one parsed file, or `None` (with a diagnostic) when it cannot be placed.
    pub fn place(
        &self,
        source: Source,
        front: FrontMatter,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Page> {
        let config = self.config;
        let rel = source.rel.clone();
        let file_name = rel
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (stem, file_lang) = split_lang(&file_name, config);
        let parent_dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
        // `name/index.md` is the page `name`, with its folder as assets.
        let (stem, dir, bundle_dir) = if stem == "index" {
            let name = parent_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            match name {
                Some(name) => (
                    name,
                    parent_dir
                        .parent()
                        .map(Path::to_path_buf)
                        .unwrap_or_default(),
                    Some(parent_dir.clone()),
                ),
                None => (stem.to_string(), parent_dir.clone(), None),
            }
        } else {
            (stem.to_string(), parent_dir.clone(), None)
        };
        if bundle_dir.is_some()
            && self
                .by_key
                .keys()
                .any(|(d, _)| Some(d) == bundle_dir.as_ref())
        {
            diags.push(
                Diagnostic::error(
                    &source.display,
                    "this folder has both `index.md` (a page) and `_index.md` (a section)",
                )
                .with_hint(
                    "rename `index.md` to a page name, or `_index.md` if the folder is a section",
                ),
            );
            return None;
        }
        let lang = resolve_lang(config, &source, &front, file_lang, diags);
        let section = nearest_section(self.by_key, &dir, &lang, &config.language)?;
        let slug = match &front.slug {
            Some(s) => {
                let slug = slugify(s);
                if slug.is_empty() {
                    diags.push(
                        source
                            .key_error(
                                "slug",
                                format!("`slug` `{s}` has no letters or digits to make a URL of"),
                            )
                            .with_hint("use words, like `my-page`"),
                    );
                }
                slug
            }
            None => slugify(&stem),
        };
        let mut parts = dir_parts(&dir);
        parts.push(slug.clone());
        let prefix = if lang == config.language {
            ""
        } else {
            lang.as_str()
        };
        let url = url_of(&config.root, prefix, &parts);
        let parse_date = |v: &Option<frontmatter::DateText>| {
            v.as_ref().and_then(|d| DateValue::parse(&d.0).ok())
        };
        check_audience(config, &source, &front, diags);
        let audience = match &front.audience {
            Some(a) => config.audience_or_unknown(a),
            None => self.sections[section].audience.clone(),
        };
        let (publish_date, previews) = publish_dates(
            config,
            &source,
            front.publish_date.as_ref(),
            &audience,
            diags,
        );
        check_relay(config, &source, &front, diags);
        let title = match &front.title {
            Some(t) => t.clone(),
            None => {
                let made = humanize(&stem);
                diags.push(untitled(&source, "page", "file", &made));
                made
            }
        };
        let translation_key = slash_path(&dir.join(&stem));
        let mut page = Page {
            date: parse_date(&front.date),
            updated: parse_date(&front.updated),
            publish_date,
            previews,
            expiry_date: parse_date(&front.expiry_date),
            kind: self.sections[section].kind,
            source,
            front,
            title,
            lang,
            translation_key,
            slug,
            url,
            audience,
            section,
            bundle_dir,
            hidden: None,
            rendered: None,
            event: None,
            job: None,
        };
        match page.kind {
            SectionKind::Events => {
                page.event =
                    kinds::event(&page.source, page.front.extra.as_ref(), diags).map(Box::new)
            }
            SectionKind::Careers => {
                page.job = kinds::job(&page.source, page.front.extra.as_ref(), diags).map(Box::new)
            }
            SectionKind::Page | SectionKind::Blog | SectionKind::Docs => {}
        }
        Some(page)
    }
}

/// A page or section without `title` still gets one, made from its file or folder name; the
/// writer is told, since "Webhooks v2" rarely comes out of `webhooks-v2.md` as they meant.
fn untitled(source: &Source, what: &str, from: &str, made: &str) -> Diagnostic {
    let toml = source
        .text
        .trim_start_matches('\u{feff}')
        .starts_with("+++");
    let hint = if toml && source.front.is_some() {
        format!("set it in the front matter: `title = \"{made}\"`")
    } else if source.front.is_some() {
        format!("set it in the front matter: `title: {made}`")
    } else {
        format!("start the file with front matter holding it: a line `---`, then `title: {made}`, then `---`")
    };
    Diagnostic::warning(
        &source.display,
        format!(
            "this {what} has no `title`, so its title is made from the {from} name: \"{made}\""
        ),
    )
    .at(&source.text, 1, 1)
    .with_hint(hint)
}

/// Post authors and job contacts must be members: a typo would silently lose the link.
fn check_people(
    pages: &[Arc<Page>],
    community: &community::CommunityData,
    diags: &mut Vec<Diagnostic>,
) {
    let ids: Vec<&str> = community.members.iter().map(|m| m.id.as_str()).collect();
    let hint = |id: &str| match crate::diagnostics::suggest(id, ids.iter().copied()) {
        Some(s) => {
            format!("did you mean `{s}`? Authors and contacts are member ids from data/members")
        }
        None => {
            "authors and contacts are member ids from data/members; add the member or fix the id"
                .to_string()
        }
    };
    let known = |id: &str| ids.contains(&id) || community.unreadable_members.contains(id);
    for p in pages {
        for a in &p.front.authors {
            if !known(a) {
                diags.push(
                    p.source
                        .member_error(
                            frontmatter::MemberList::Authors,
                            a,
                            format!("author `{a}` is not a member"),
                        )
                        .with_hint(hint(a)),
                );
            }
        }
        for c in contacts(p) {
            if !known(c) {
                diags.push(
                    p.source
                        .member_error(
                            frontmatter::MemberList::Contacts,
                            c,
                            format!("job contact `{c}` is not a member"),
                        )
                        .with_hint(hint(c)),
                );
            }
        }
    }
}

/// Member ids a page names as contacts (`extra.contacts`, on job postings).
pub fn contacts(page: &Page) -> Vec<&str> {
    page.front
        .extra
        .as_ref()
        .and_then(|e| e.get("contacts"))
        .and_then(|c| c.as_array())
        .map(|list| list.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

fn new_section(
    config: &Config,
    source: Option<Source>,
    front: FrontMatter,
    dir: PathBuf,
    lang: String,
) -> Section {
    let prefix = if lang == config.language {
        ""
    } else {
        lang.as_str()
    };
    let url = url_of(&config.root, prefix, &dir_parts(&dir));
    let title = front.title.clone().unwrap_or_else(|| {
        dir.file_name()
            .map(|n| humanize(&n.to_string_lossy()))
            .unwrap_or_else(|| config.title.clone())
    });
    Section {
        // `0` is an error of the front matter; the build goes on with the site's value
        // rather than one list page per item.
        paginate_by: front
            .paginate_by
            .filter(|&n| n > 0)
            .unwrap_or(config.paginate_by),
        weight: front.weight.unwrap_or(0),
        source,
        front,
        dir,
        title,
        lang,
        kind: SectionKind::Page,
        audience: Audience::unknown(""),
        raw_html: RawHtml::default(),
        url,
        parent: None,
        sort_by: String::new(),
        hidden: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        rendered: None,
    }
}

/// Newest first for dates (undated last), lightest first for weights; titles (`titles`, in
/// lowercase, by page) break ties, then file paths (pages are in file order).
fn sort_pages(list: &mut [usize], pages: &[Arc<Page>], titles: &[String], sort_by: &str) {
    list.sort_by_cached_key(|&i| {
        let p = &pages[i];
        let primary = match sort_by {
            "date" => (Some(std::cmp::Reverse(p.date.map(|d| d.timestamp()))), 0),
            "title" => (None, 0),
            _ => (None, p.front.weight.unwrap_or(0)),
        };
        (primary, titles[i].as_str(), p.source.rel.as_path())
    });
}

/// A page in another language than the site's is listed with the pages of its language only:
/// where its folder (or a folder above it) has an `_index` in the site's language but none
/// in the page's, a section in the page's language is made for it, with the same settings and
/// title, and no text of its own (`/fr/blog/` for `blog/post.fr.md`), up to that language's
/// home (titled with the site's title in that language).
/// Sections are made only where a page needs one, so a language has no empty lists.
fn add_language_sections(
    config: &Config,
    page_files: &[(Source, FrontMatter)],
    sections: &mut Vec<Section>,
    by_key: &mut HashMap<(PathBuf, String), usize>,
) {
    let mut wanted: std::collections::BTreeSet<(PathBuf, String)> = Default::default();
    for (source, front) in page_files {
        let stem = source
            .rel
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (base, file_lang) = split_lang(&stem, config);
        let lang = match &front.lang {
            Some(l) if config.knows_language(l) => l.as_str(),
            _ => file_lang.unwrap_or(&config.language),
        };
        if lang == config.language {
            continue;
        }
        let parent = source.rel.parent().unwrap_or(Path::new(""));
        let dir = if base == "index" {
            parent.parent().unwrap_or(Path::new(""))
        } else {
            parent
        };
        let mut cur = Some(dir);
        while let Some(d) = cur {
            wanted.insert((d.to_path_buf(), lang.to_string()));
            cur = d.parent();
        }
    }
    for (dir, lang) in wanted {
        if by_key.contains_key(&(dir.clone(), lang.clone())) {
            continue;
        }
        let front = match by_key.get(&(dir.clone(), config.language.clone())) {
            Some(&i) => FrontMatter {
                // The site language's words would be in the wrong language here: a folder's
                // title is kept (a name, like "Blog"), the home page's headline is not.
                title: if dir.as_os_str().is_empty() {
                    Some(config.title_in(&lang).to_string())
                } else {
                    sections[i].front.title.clone()
                },
                description: None,
                extra: None,
                aliases: Vec::new(),
                ..sections[i].front.clone()
            },
            None if dir.as_os_str().is_empty() => FrontMatter {
                title: Some(config.title_in(&lang).to_string()),
                ..FrontMatter::default()
            },
            None => continue,
        };
        by_key.insert((dir.clone(), lang.clone()), sections.len());
        sections.push(new_section(config, None, front, dir, lang));
    }
}

/// The section that lists items of `dir` in `lang`: the nearest folder upwards with an
/// `_index` in that language, or else in the default language.
fn nearest_section(
    by_key: &HashMap<(PathBuf, String), usize>,
    dir: &Path,
    lang: &str,
    default_lang: &str,
) -> Option<usize> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        for l in [lang, default_lang] {
            if let Some(&i) = by_key.get(&(d.to_path_buf(), l.to_string())) {
                return Some(i);
            }
        }
        cur = d.parent();
    }
    by_key
        .get(&(PathBuf::new(), default_lang.to_string()))
        .copied()
}

/// The language of a page or section. An unknown `lang` is reported once, here, and the item
/// is placed in the language its file name gives (else the site's): left out, every link to it
/// would add an error of its own about a missing page, echoing this one.
fn resolve_lang(
    config: &Config,
    source: &Source,
    front: &FrontMatter,
    file_lang: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let fallback = || file_lang.unwrap_or(&config.language).to_string();
    match &front.lang {
        Some(l) if !config.knows_language(l) => {
            let hint = if config.languages.len() <= 1 {
                format!(
                    "the site is written in `{}` only; to publish pages in `{l}` too, add `languages: [{}, {l}]` to site.yaml",
                    config.language, config.language
                )
            } else {
                format!(
                    "the site's languages are {}; add `{l}` to `languages` in site.yaml",
                    config.languages.join(", ")
                )
            };
            diags.push(
                source
                    .key_error("lang", format!("unknown language `{l}`"))
                    .with_hint(hint),
            );
            fallback()
        }
        Some(l) => l.clone(),
        None => fallback(),
    }
}

/// Resolves `publish_date` for a page open to `audience`: the date for that audience, and the
/// earlier ones for inner circles. A date per audience names known circles, no wider one than
/// the page's own, gives the page's own audience a date, and opens no inner circle after a
/// wider one (it would see the page with the wider one anyway).
fn publish_dates(
    config: &Config,
    source: &Source,
    written: Option<&frontmatter::PublishDate>,
    audience: &Audience,
    diags: &mut Vec<Diagnostic>,
) -> (Option<DateValue>, Vec<(Audience, DateValue)>) {
    let list = match written {
        None => return (None, Vec::new()),
        Some(frontmatter::PublishDate::One(d)) => return (DateValue::parse(&d.0).ok(), Vec::new()),
        Some(frontmatter::PublishDate::PerAudience(list)) => list,
    };
    let names = config.audience_names();
    let mut own = None;
    let mut previews: Vec<(Audience, DateValue)> = Vec::new();
    let mut typo = false;
    for (name, date) in list {
        let at =
            |message: String| source.entry_error(frontmatter::MapKey::PublishDate, name, message);
        let Some(a) = config.audience(name) else {
            let hint = match crate::diagnostics::suggest(name, names.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? The audiences in site.yaml are {}",
                    names.join(", ")
                ),
                None => format!("the audiences in site.yaml are {}", names.join(", ")),
            };
            diags.push(at(format!("unknown audience `{name}` in `publish_date`")).with_hint(hint));
            typo = true;
            continue;
        };
        let Ok(date) = DateValue::parse(&date.0) else {
            // Reported with the front matter.
            continue;
        };
        if !audience.is_known() {
            continue;
        }
        if a > *audience {
            diags.push(
                at(format!(
                    "the page is open to `{audience}` only, so `{a}` never sees it, whatever its date"
                ))
                .with_hint(format!(
                    "remove `{a}:`, or open the page to it with `audience: {a}`"
                )),
            );
        } else if a == *audience {
            own = Some(date);
        } else {
            previews.push((a, date));
        }
    }
    previews.sort_by(|x, y| x.0.cmp(&y.0));
    // A misspelt circle is the one cause: the date it gives was meant for one of them.
    if audience.is_known() && own.is_none() && !previews.is_empty() && !typo {
        diags.push(
            source
                .key_error(
                    "publish_date",
                    format!("`publish_date` gives no date for `{audience}`, the page's audience"),
                )
                .with_hint(format!(
                    "add `{audience}: YYYY-MM-DD`, the day the page opens to everyone who may see it, or narrow the page with `audience: {}`",
                    previews[previews.len() - 1].0
                )),
        );
    }
    // A later date for an inner circle than for a wider one would never apply.
    let all: Vec<(Audience, DateValue)> = previews
        .iter()
        .cloned()
        .chain(own.map(|d| (audience.clone(), d)))
        .collect();
    for (i, (inner, d)) in all.iter().enumerate() {
        if let Some((wider, w)) = all[i + 1..]
            .iter()
            .find(|(_, w)| w.timestamp() < d.timestamp())
        {
            diags.push(
                source
                    .entry_error(
                        frontmatter::MapKey::PublishDate,
                        inner.as_str(),
                        format!(
                            "`{inner}` opens on {} but `{wider}`, a wider circle, opens earlier, on {}; `{inner}` sees everything `{wider}` sees",
                            d.iso(),
                            w.iso()
                        ),
                    )
                    .with_hint(format!(
                        "give `{inner}` a date on or before {}: previews open inner circles first",
                        w.iso()
                    )),
            );
        }
    }
    (own, previews)
}

/// `relay:` texts name networks of the site's relay kits; without kits they would be lost.
fn check_relay(config: &Config, source: &Source, front: &FrontMatter, diags: &mut Vec<Diagnostic>) {
    let Some(written) = &front.relay else {
        return;
    };
    let Some(relay) = &config.relay else {
        diags.push(
            Diagnostic {
                severity: crate::diagnostics::Severity::Warning,
                ..source.key_error("relay", "`relay` texts are shown in relay kits, and site.yaml has no `relay:`")
            }
            .with_hint("add `relay: {audience: ambassadors}` to site.yaml to give that circle a relay kit on each post and event"),
        );
        return;
    };
    if let frontmatter::RelayText::PerNetwork(map) = written {
        let names: Vec<&str> = relay.networks.iter().map(String::as_str).collect();
        for network in map.keys() {
            if !names.contains(&network.as_str()) {
                diags.push(
                    source
                        .entry_error(
                            frontmatter::MapKey::Relay,
                            network,
                            format!("unknown network `{network}` in `relay`"),
                        )
                        .with_hint(format!(
                            "{} (`relay.networks` in site.yaml)",
                            crate::diagnostics::one_of(network, &names)
                        )),
                );
            }
        }
    }
}

fn check_audience(
    config: &Config,
    source: &Source,
    front: &FrontMatter,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(a) = &front.audience {
        if config.audience(a).is_none() {
            let names = config.audience_names();
            let hint = match crate::diagnostics::suggest(a, names.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? The audiences in site.yaml are {}",
                    names.join(", ")
                ),
                None => format!("the audiences in site.yaml are {}", names.join(", ")),
            };
            diags.push(
                source
                    .key_error("audience", format!("unknown audience `{a}`"))
                    .with_hint(hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page `content/blog/a.md` of a site folder, parsed from `text` written there.
    fn source_in(root: &Path, text: &str) -> Source {
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        std::fs::write(root.join("content/blog/a.md"), text).unwrap();
        let file = ContentFile {
            rel: PathBuf::from("blog/a.md"),
            display: PathBuf::from("content/blog/a.md"),
            text: text.to_string(),
            on_disk: None,
        };
        reparse(file).unwrap().0
    }

    #[test]
    fn a_released_source_places_its_diagnostics_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let text = "---\ntitle: A\nimage: x.png\n---\nFirst line.\n\nSee [it](/nowhere/).\n";
        let mut source = source_in(dir.path(), text);
        let offset = source.body().find("[it]").unwrap();
        let held = (
            source.body_error(offset, "broken"),
            source.key_error("image", "missing"),
        );
        assert_eq!((held.0.line, held.0.column), (7, 5));
        assert_eq!(held.0.source_line.as_deref(), Some("See [it](/nowhere/)."));
        assert_eq!(held.1.line, 3);

        source.release_text(dir.path());
        assert!(source.held_text().is_empty(), "the text is let go");
        assert_eq!(source.body(), "");
        assert_eq!(source.body_error(offset, "broken"), held.0);
        assert_eq!(source.key_error("image", "missing"), held.1);
        let many = source.body_errors([(offset, "a".into(), "h".into())], "links");
        assert_eq!((many[0].line, many[0].column), (7, 5));
    }

    #[test]
    fn a_released_source_whose_file_changed_names_only_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut source = source_in(dir.path(), "---\ntitle: A\n---\nSee [it](/x/).\n");
        source.release_text(dir.path());
        // Edited during the build: its offsets would point into other text.
        std::fs::write(dir.path().join("content/blog/a.md"), "---\ntitle: B\n---\n").unwrap();
        let d = source.body_error(4, "broken");
        assert_eq!((d.line, d.column, d.source_line), (0, 0, None));
        assert_eq!(d.file, PathBuf::from("content/blog/a.md"));
        assert_eq!(source.key_error("title", "bad").line, 0);
        // Gone altogether: the same.
        std::fs::remove_file(dir.path().join("content/blog/a.md")).unwrap();
        assert_eq!(source.body_error(4, "broken").line, 0);
    }
}
