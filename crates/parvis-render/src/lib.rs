//! Render: every visible page, section, taxonomy page and the site-wide files, through the
//! templates, in parallel. It comes after the Markdown stage (parvis-markdown) and draws the
//! report's dashboard (parvis-report); each output goes to the writer the site build gives it.
//! Rendering reads the model and never changes it.

pub mod community;
pub mod context;
mod feed_xml;
pub mod feeds;
pub mod from_community;
pub mod i18n;
pub mod images;
pub mod money;
mod outputs;
pub mod palette;
mod refs;
pub mod relay;
pub mod site_files;
pub mod structured;
pub mod templates;

use context::Lookups;
use parvis_core::diagnostics::Diagnostic;
use parvis_core::model::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use templates::{Templates, Usage};

/// One file the build writes, before it is rendered.
#[derive(Debug, Clone)]
pub enum Job {
    Page(usize),
    /// Section and 1-based pagination page.
    Section(usize, usize),
    TaxonomyList(usize),
    /// Taxonomy, term and 1-based pagination page.
    TaxonomyTerm(usize, usize, usize),
    NotFound,
    /// The members directory.
    Members,
    /// A member page, by index in the community model.
    Member(usize),
    Communities,
    /// A community page, by index in the community model.
    Community(usize),
    /// Ambassadors overall or of one community.
    Ambassadors(Option<usize>),
    /// Leaderboard overall or of one community.
    Leaderboard(Option<usize>),
    /// The search page.
    Search,
    /// The community manager's dashboard (`report:` in site.yaml), in builds that may see it.
    Dashboard,
    /// "From the community": the entries of members' and communities' feeds, all or filtered.
    FromCommunity(from_community::Filter),
}

/// A planned output: its path in the output folder and what produces it.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Relative to the output folder, `/`-separated (`blog/hello/index.html`).
    pub path: String,
    pub job: Job,
}

/// Output path of a root-relative URL.
pub fn path_of_url(root: &str, url: &str) -> String {
    let rel = url
        .strip_prefix(root)
        .unwrap_or(url.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

fn pages_of(total: usize, per: usize) -> usize {
    total.div_ceil(per.max(1)).max(1)
}

/// Every HTML file of the build, in a stable order.
pub fn plan(site: &Site) -> Vec<Planned> {
    let root = site.config.root.as_str();
    let mut out = Vec::new();
    for (i, p) in site.visible_pages() {
        out.push(Planned {
            path: path_of_url(root, &p.url),
            job: Job::Page(i),
        });
    }
    for (i, s) in site.visible_sections() {
        for n in 1..=pages_of(s.pages.len(), s.paginate_by) {
            out.push(Planned {
                path: path_of_url(root, &context::pager_url(&s.url, n)),
                job: Job::Section(i, n),
            });
        }
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        out.push(Planned {
            path: path_of_url(root, &tax.url),
            job: Job::TaxonomyList(t),
        });
        for (k, term) in tax.terms.iter().enumerate() {
            for n in 1..=pages_of(term.pages.len(), site.config.paginate_by) {
                out.push(Planned {
                    path: path_of_url(root, &context::pager_url(&term.url, n)),
                    job: Job::TaxonomyTerm(t, k, n),
                });
            }
        }
    }
    out.push(Planned {
        path: "404.html".into(),
        job: Job::NotFound,
    });
    if site.config.search {
        out.push(Planned {
            path: "search/index.html".into(),
            job: Job::Search,
        });
    }
    let community = &site.community;
    let has_members = site.member_visible.iter().any(|&v| v);
    if has_members {
        out.push(Planned {
            path: "members/index.html".into(),
            job: Job::Members,
        });
        out.push(Planned {
            path: "ambassadors/index.html".into(),
            job: Job::Ambassadors(None),
        });
        out.push(Planned {
            path: "leaderboard/index.html".into(),
            job: Job::Leaderboard(None),
        });
    }
    for (i, m) in community
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| site.member_visible[*i])
    {
        out.push(Planned {
            path: path_of_url(root, &m.url),
            job: Job::Member(i),
        });
    }
    if site.community_visible.iter().any(|&v| v) {
        out.push(Planned {
            path: "communities/index.html".into(),
            job: Job::Communities,
        });
    }
    for (i, c) in community
        .communities
        .iter()
        .enumerate()
        .filter(|(i, _)| site.community_visible[*i])
    {
        out.push(Planned {
            path: path_of_url(root, &c.url),
            job: Job::Community(i),
        });
        out.push(Planned {
            path: path_of_url(root, &format!("{}ambassadors/", c.url)),
            job: Job::Ambassadors(Some(i)),
        });
        out.push(Planned {
            path: path_of_url(root, &format!("{}leaderboard/", c.url)),
            job: Job::Leaderboard(Some(i)),
        });
    }
    if let Some(url) = parvis_report::dashboard_url(site) {
        out.push(Planned {
            path: path_of_url(root, &url),
            job: Job::Dashboard,
        });
    }
    let entries = from_community::entries(site);
    if from_community::url(site, &entries).is_some() {
        let all = std::iter::once(from_community::Filter::All);
        for f in all.chain(from_community::filters(site, &entries)) {
            out.push(Planned {
                path: path_of_url(root, &from_community::filter_url(site, &f)),
                job: Job::FromCommunity(f),
            });
        }
    }
    out
}

/// What every template of the build shares besides `site`.
#[derive(Serialize)]
struct BuildCtx<'a> {
    drafts: bool,
    generator: &'a str,
}

/// Sets what every template of the build shares: `site`, `build`, `community` and `listings`.
/// Called before Markdown is rendered, since shortcodes are templates too. Returns their
/// hashes, for `serve` to tell which changed.
pub fn prepare(site: &Site, templates: &mut Templates, drafts: bool) -> GlobalKeys {
    let generator = concat!("parvis ", env!("CARGO_PKG_VERSION"));
    let view = community::CommunityView::new(site);
    let site_ctx = context::site_ctx(site);
    let community = view.global();
    let listings = listings(site);
    let g = templates.tera.global_context();
    g.insert("site", &site_ctx);
    g.insert("build", &BuildCtx { drafts, generator });
    g.insert("community", &community);
    g.insert("listings", &listings);
    let dashboard = parvis_report::dashboard_url(site);
    g.insert("dashboard_url", &dashboard);
    let mut keys = BTreeMap::new();
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&site_ctx) {
        for (name, value) in fields {
            match value {
                serde_json::Value::Object(data) if name == "data" => {
                    for (key, value) in data {
                        keys.insert(format!("site.data.{key}"), hash_json(&value));
                    }
                }
                value => {
                    keys.insert(format!("site.{name}"), hash_json(&value));
                }
            }
        }
    }
    keys.insert("community".into(), hash_json(&community));
    keys.insert("listings".into(), hash_json(&listings));
    keys.insert("dashboard_url".into(), hash_json(&dashboard));
    GlobalKeys(keys)
}

/// Hashes of the globals every template shares, by what templates write to read them:
/// `site.title`, `site.data.stats` (one per data file or folder), `community`, `listings`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlobalKeys(BTreeMap<String, u64>);

impl GlobalKeys {
    /// The globals whose value differs, or that only one side has.
    pub fn changed(&self, old: &GlobalKeys) -> Vec<String> {
        let mut out: Vec<String> = self
            .0
            .iter()
            .filter(|(k, v)| old.0.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        out.extend(old.0.keys().filter(|k| !self.0.contains_key(*k)).cloned());
        out
    }
}

/// Open job postings and upcoming events, for the `job_list` and `event_list` shortcodes.
fn listings(site: &Site) -> serde_json::Value {
    let mut jobs: Vec<&parvis_core::model::Page> = site
        .visible_pages()
        .map(|(_, p)| p)
        .filter(|p| p.job.is_some() && !p.job_closed(site.now))
        .collect();
    jobs.sort_by(|a, b| a.title.cmp(&b.title));
    let mut events: Vec<&parvis_core::model::Page> = site
        .visible_pages()
        .map(|(_, p)| p)
        .filter(|p| {
            p.event
                .as_ref()
                .is_some_and(|e| e.end.as_ref().unwrap_or(&e.start).timestamp() >= site.now)
        })
        .collect();
    events.sort_by_key(|p| p.event.as_ref().map(|e| e.start.timestamp()));
    serde_json::json!({
        "jobs": jobs.iter().map(|p| {
            let j = p.job.as_ref().expect("filtered");
            serde_json::json!({ "title": p.title, "url": p.url, "team": j.team, "locations": j.locations.join(", ") })
        }).collect::<Vec<_>>(),
        "events": events.iter().map(|p| {
            let e = p.event.as_ref().expect("filtered");
            serde_json::json!({
                "title": p.title, "url": p.url,
                "start": e.start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "start_display": format!("{} {}", parvis_core::date::DateValue::Day(e.start.date()).display(&p.lang), e.start.strftime("%H:%M")),
            })
        }).collect::<Vec<_>>(),
    })
}

/// Renders planned pages, handing each result to `write` as the text it is (the writer checks
/// the links of a page's HTML without validating its UTF-8 again). Returns one diagnostic per
/// failure.
pub fn render<W>(
    site: &Site,
    templates: &Templates,
    strings: &BTreeMap<String, i18n::Strings>,
    planned: &[Planned],
    feeds: &std::collections::HashMap<String, feeds::FeedLink>,
    write: W,
) -> Vec<Diagnostic>
where
    W: Fn(&str, &str) -> Result<(), Diagnostic> + Sync,
{
    let view = community::CommunityView::new(site);
    let look = Lookups::new(site);
    // Each language's strings made into a Tera value once: every output holds the strings
    // of its language, a map of a few hundred entries that cloning a value shares.
    let values: BTreeMap<&str, tera::Value> = strings
        .iter()
        .map(|(lang, t)| (lang.as_str(), tera::Value::from_serializable(t)))
        .collect();
    planned
        .par_iter()
        .filter_map(|p| {
            let result = render_one(site, templates, strings, &values, &look, &view, feeds, p)
                .and_then(|html| write(&p.path, &html));
            result.err()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn render_one(
    site: &Site,
    templates: &Templates,
    strings: &BTreeMap<String, i18n::Strings>,
    values: &BTreeMap<&str, tera::Value>,
    look: &Lookups<'_>,
    view: &community::CommunityView<'_>,
    feeds: &std::collections::HashMap<String, feeds::FeedLink>,
    planned: &Planned,
) -> Result<String, Diagnostic> {
    let mut ctx = Filling {
        ctx: tera::Context::new(),
        strings: values,
    };
    let (template, origin) = context(
        site, templates, strings, look, view, feeds, planned, &mut ctx,
    )?;
    templates.tera.render(&template, &ctx.ctx).map_err(|e| {
        let d = templates.error(&e);
        let hint = format!("this happened while rendering {origin}");
        match d.hint {
            Some(h) => Diagnostic {
                hint: Some(format!("{h}; {hint}")),
                ..d
            },
            None => d.with_hint(hint),
        }
    })
}

/// Fills `vars` with the variables of one planned output; returns its template and what it
/// is, for messages.
#[allow(clippy::too_many_arguments)]
fn context<V: Vars>(
    site: &Site,
    templates: &Templates,
    strings: &BTreeMap<String, i18n::Strings>,
    look: &Lookups<'_>,
    view: &community::CommunityView<'_>,
    feeds: &std::collections::HashMap<String, feeds::FeedLink>,
    planned: &Planned,
    ctx: &mut V,
) -> Result<(String, String), Diagnostic> {
    let config = &site.config;
    let template = template_for(site, templates, &planned.job)?;
    ctx.begin(&template);
    let x = outputs::Inputs {
        site,
        strings,
        look,
        view,
    };
    let (lang, url, kind, origin) = match &planned.job {
        Job::Page(i) => outputs::page(&x, ctx, i),
        Job::Section(i, n) => outputs::section(&x, ctx, i, n),
        Job::TaxonomyList(t) => outputs::taxonomy_list(&x, ctx, t),
        Job::TaxonomyTerm(t, k, n) => outputs::taxonomy_term(&x, ctx, t, k, n),
        Job::NotFound => outputs::not_found(&x, ctx),
        Job::Members => outputs::members(&x, ctx),
        Job::Member(i) => outputs::member(&x, ctx, i),
        Job::Search => outputs::search(&x, ctx),
        Job::Communities => outputs::communities(&x, ctx),
        Job::Community(i) => outputs::community(&x, ctx, i),
        Job::Ambassadors(c) => outputs::ambassadors(&x, ctx, c),
        Job::Leaderboard(c) => outputs::leaderboard(&x, ctx, c),
        Job::Dashboard => outputs::dashboard(&x, ctx),
        Job::FromCommunity(f) => outputs::from_community(&x, ctx, f),
    };
    ctx.insert("lang", lang);
    if V::FULL {
        let t_lang = if strings.contains_key(lang) {
            lang
        } else {
            config.language.as_str()
        };
        ctx.strings(t_lang, strings.get(t_lang));
    }
    let home = site
        .homes
        .get(lang)
        .filter(|&&h| site.sections[h].hidden.is_none())
        .map_or(config.root.as_str(), |&h| site.sections[h].url.as_str());
    ctx.insert("home_url", home);
    // The output in every language it has, for the language switcher and `hreflang`.
    let translations = match &planned.job {
        Job::Page(i) => look.page_translations(*i),
        Job::Section(i, _) => look.section_translations(*i),
        Job::TaxonomyList(t) => look.taxonomy_translations(*t),
        Job::TaxonomyTerm(t, k, _) => look.term_translations(*t, *k),
        _ => Vec::new(),
    };
    ctx.insert("translations", &translations);
    // The site's feed, and the feed of the list this page belongs to.
    let own = match &planned.job {
        Job::Page(i) => Some(site.sections[site.pages[*i].section].url.clone()),
        Job::Section(i, _) => Some(site.sections[*i].url.clone()),
        Job::TaxonomyTerm(t, k, _) => Some(site.taxonomies[*t].terms[*k].url.clone()),
        Job::FromCommunity(_) => Some(format!("{}{}", config.root, from_community::DIR)),
        _ => None,
    };
    // The site's feed in the page's language, where it has one.
    let mut links: Vec<&feeds::FeedLink> = feeds.get(home).into_iter().collect();
    if let Some(l) = own.filter(|u| u != home).and_then(|u| feeds.get(&u)) {
        links.push(l);
    }
    ctx.insert("feeds", &links);
    let nav_section = match &planned.job {
        Job::Page(i) => Some(site.pages[*i].section),
        Job::Section(i, _) => Some(*i),
        _ => None,
    };
    ctx.docs_nav(look, nav_section, &url);
    ctx.insert("current_permalink", &look.permalink(&url));
    ctx.insert("og_image", &site.media.card(&url));
    ctx.insert(
        "icons",
        &serde_json::json!({
            "favicon": site.media.favicon,
            "touch_icon": site.media.touch_icon,
            "logo": site.media.logo,
        }),
    );
    ctx.insert("current_url", &url);
    ctx.insert("page_kind", kind);
    Ok((template, origin))
}

/// Where the variables of one output go: a Tera context to render it, or a fingerprint that
/// tells `serve` whether it would render differently from last time.
trait Vars {
    /// `false` for fingerprints: a page's body counts by its hash, and the translated strings
    /// are left out (they only change with `i18n/`, which rebuilds everything).
    const FULL: bool;
    /// The output starts from template `name`.
    fn begin(&mut self, _name: &str) {}
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);
    /// The docs sidebar of `section`, with `url` marked as current.
    fn docs_nav(&mut self, look: &Lookups<'_>, section: Option<usize>, url: &str);
    /// `t`: the translated strings of language `lang`.
    fn strings(&mut self, _lang: &str, t: Option<&i18n::Strings>) {
        self.insert("t", &t);
    }
}

/// The Tera context of an output being rendered, with each language's strings already made
/// into a Tera value.
struct Filling<'v> {
    ctx: tera::Context,
    strings: &'v BTreeMap<&'v str, tera::Value>,
}

impl Vars for Filling<'_> {
    const FULL: bool = true;
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.ctx.insert(key, value);
    }
    fn docs_nav(&mut self, look: &Lookups<'_>, section: Option<usize>, url: &str) {
        self.ctx
            .insert("docs_nav", &section.and_then(|s| look.docs_nav(s, url)));
    }
    fn strings(&mut self, lang: &str, t: Option<&i18n::Strings>) {
        match self.strings.get(lang) {
            Some(value) => self.ctx.insert_value("t", value.clone()),
            None => self.ctx.insert("t", &t),
        }
    }
}

/// Records the names of the variables a context sets, and the output's kind.
#[derive(Default)]
struct Names {
    kind: String,
    names: std::collections::BTreeSet<&'static str>,
}

impl Vars for Names {
    const FULL: bool = true;
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if key == "page_kind" {
            if let Ok(serde_json::Value::String(k)) = serde_json::to_value(value) {
                self.kind = k;
            }
        }
        self.names.insert(key);
    }
    fn docs_nav(&mut self, _look: &Lookups<'_>, _section: Option<usize>, _url: &str) {
        self.names.insert("docs_nav");
    }
}

/// For each planned output that can be rendered: its kind (`page_kind`: `page`, `home`,
/// `members`…) and the names of the variables its context sets. `serve`'s diff checks it
/// accounts for each of them (parvis-site, `incremental`).
pub fn variables(
    site: &Site,
    templates: &Templates,
    strings: &BTreeMap<String, i18n::Strings>,
    planned: &[Planned],
    feeds: &HashMap<String, feeds::FeedLink>,
) -> Vec<(String, std::collections::BTreeSet<&'static str>)> {
    let view = community::CommunityView::new(site);
    let look = Lookups::new(site);
    planned
        .iter()
        .filter_map(|p| {
            let mut names = Names::default();
            context(site, templates, strings, &look, &view, feeds, p, &mut names).ok()?;
            Some((names.kind, names.names))
        })
        .collect()
}

/// Hashes the variables an output's templates can read (see [`Usage`]), as JSON.
struct Fingerprint<'n> {
    hasher: DefaultHasher,
    templates: &'n Templates,
    usage: Option<&'n Usage>,
    /// Per section, the hash of its sidebar with nothing marked: a sidebar is that plus the
    /// current URL, and hashing it once per section spares building it once per page.
    navs: &'n HashMap<usize, u64>,
}

/// Streams JSON into a hasher, without building it into a string.
struct HashWriter<'h>(&'h mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_into<T: Serialize + ?Sized>(hasher: &mut DefaultHasher, value: &T) {
    // Serialising the model's plain values cannot fail.
    let _ = serde_json::to_writer(HashWriter(hasher), value);
}

impl Vars for Fingerprint<'_> {
    const FULL: bool = false;
    fn begin(&mut self, name: &str) {
        self.usage = Some(self.templates.usage(name));
    }
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        // The body's hash counts whatever the templates read.
        let read = match self.usage {
            _ if key == "body" => Some(None),
            Some(u) => u.of(key),
            None => Some(None),
        };
        match read {
            None => {}
            Some(None) => {
                key.hash(&mut self.hasher);
                hash_into(&mut self.hasher, value);
            }
            Some(Some(fields)) => {
                key.hash(&mut self.hasher);
                match serde_json::to_value(value) {
                    Ok(serde_json::Value::Object(map)) => {
                        for f in fields {
                            f.hash(&mut self.hasher);
                            hash_into(&mut self.hasher, &map.get(f));
                        }
                    }
                    other => hash_into(&mut self.hasher, &other.ok()),
                }
            }
        }
    }
    fn docs_nav(&mut self, _: &Lookups<'_>, section: Option<usize>, url: &str) {
        if self.usage.is_none_or(|u| u.of("docs_nav").is_some()) {
            "docs_nav".hash(&mut self.hasher);
            (section.and_then(|s| self.navs.get(&s)), url).hash(&mut self.hasher);
        }
    }
}

/// What an output was last rendered from, to tell which outputs a change reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputKey {
    /// The template it starts from; the templates that one uses are in [`Templates::closure`].
    pub template: String,
    /// Hash of its variables, apart from the globals every template shares.
    pub fingerprint: u64,
}

/// The key of each planned output, in order: `None` when it cannot be rendered (a missing
/// template), so that rendering it reports why.
pub fn keys(
    site: &Site,
    templates: &Templates,
    strings: &BTreeMap<String, i18n::Strings>,
    planned: &[Planned],
    feeds: &HashMap<String, feeds::FeedLink>,
) -> Vec<Option<OutputKey>> {
    let view = community::CommunityView::new(site);
    let look = Lookups::new(site);
    let navs: HashMap<usize, u64> = site
        .visible_sections()
        .filter_map(|(i, _)| {
            let nav = look.docs_nav(i, "")?;
            Some((i, hash_json(&nav)))
        })
        .collect();
    planned
        .par_iter()
        .map(|p| {
            let mut f = Fingerprint {
                hasher: DefaultHasher::new(),
                templates,
                usage: None,
                navs: &navs,
            };
            let (template, _) =
                context(site, templates, strings, &look, &view, feeds, p, &mut f).ok()?;
            Some(OutputKey {
                template,
                fingerprint: f.hasher.finish(),
            })
        })
        .collect()
}

/// Hash of a value's JSON.
pub fn hash_json<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_into(&mut hasher, value);
    hasher.finish()
}

/// The template an output starts from: the one its front matter names, else the most specific
/// one that exists for its kind.
pub fn template_for(site: &Site, templates: &Templates, job: &Job) -> Result<String, Diagnostic> {
    let chosen = |front: &Option<String>, src: Option<&parvis_core::model::Source>| match front {
        Some(t) if templates.exists(t) => Ok(Some(t.clone())),
        Some(t) => Err(src
            .expect("a template key comes from a file")
            .key_error("template", format!("there is no template `{t}`"))
            .with_hint("create it under templates/, or remove `template:` to use the default")),
        None => Ok(None),
    };
    Ok(match job {
        Job::Page(i) => {
            let p = &site.pages[*i];
            match chosen(&p.front.template, Some(&p.source))? {
                Some(t) => t,
                None => pick(templates, &format!("page-{}.html", p.kind), "page.html"),
            }
        }
        Job::Section(i, _) => {
            let s = &site.sections[*i];
            match chosen(&s.front.template, s.source.as_ref())? {
                Some(t) => t,
                None if s.dir.as_os_str().is_empty() => "index.html".to_string(),
                None => pick(
                    templates,
                    &format!("section-{}.html", s.kind),
                    "section.html",
                ),
            }
        }
        Job::TaxonomyList(_) => "taxonomy_list.html".into(),
        Job::TaxonomyTerm(..) => "taxonomy_term.html".into(),
        Job::NotFound => "404.html".into(),
        Job::Members => "members.html".into(),
        Job::Member(_) => "member.html".into(),
        Job::Communities => "communities.html".into(),
        Job::Community(_) => "community.html".into(),
        Job::Ambassadors(_) => "ambassadors.html".into(),
        Job::Leaderboard(_) => "leaderboard.html".into(),
        Job::Search => "search.html".into(),
        Job::Dashboard => "dashboard.html".into(),
        Job::FromCommunity(_) => "from_the_community.html".into(),
    })
}

fn pick(templates: &Templates, specific: &str, general: &str) -> String {
    if templates.exists(specific) {
        specific.to_string()
    } else {
        general.to_string()
    }
}

/// The newest dated pages of the site in `lang`, for the home page.
fn recent<'a>(site: &'a Site, look: &Lookups<'a>, lang: &str) -> Vec<context::PageSummary<'a>> {
    let mut dated: Vec<(jiff::Timestamp, usize)> = site
        .visible_pages()
        .filter(|(_, p)| p.lang == lang)
        .filter_map(|(i, p)| p.date.map(|d| (d.timestamp(), i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    dated
        .into_iter()
        .take(6)
        .map(|(_, i)| look.summary(i))
        .collect()
}
