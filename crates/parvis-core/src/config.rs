//! `site.yaml`: the site's settings, validated once and resolved into plain values.

pub use crate::audience::Audience;
use crate::diagnostics::{one_of, Diagnostic};
use crate::yaml::{from_yaml, Origin};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::path::Path;

/// Taxonomies pages can set in their front matter.
pub const TAXONOMIES: &[&str] = &["tags", "themes"];

/// The keys of `site.yaml`, for suggestions.
const KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "audiences",
    "theme",
    "taxonomies",
    "paginate_by",
    "repo_url",
    "logo",
    "brand_color",
    "menu",
    "highlighting",
    "markdown",
    "community",
    "feeds",
    "faq_json_ld",
    "search",
    "objectives",
    "report",
    "relay",
    "images",
    "extra",
];

/// `site.yaml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    languages: Option<RawLanguages>,
    #[serde(default)]
    audiences: Option<Vec<String>>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    taxonomies: Option<Vec<String>>,
    #[serde(default)]
    paginate_by: Option<usize>,
    #[serde(default)]
    repo_url: Option<String>,
    #[serde(default)]
    logo: Option<Spanned<String>>,
    #[serde(default)]
    brand_color: Option<Spanned<String>>,
    #[serde(default)]
    menu: Option<Vec<RawMenuItem>>,
    #[serde(default)]
    highlighting: Option<Highlighting>,
    #[serde(default)]
    markdown: MarkdownSettings,
    #[serde(default)]
    community: Option<RawCommunitySettings>,
    #[serde(default)]
    feeds: Option<RawFeeds>,
    #[serde(default)]
    faq_json_ld: bool,
    #[serde(default = "default_true")]
    search: bool,
    #[serde(default)]
    objectives: Vec<RawObjective>,
    #[serde(default)]
    report: Option<RawReport>,
    #[serde(default)]
    relay: Option<RawRelay>,
    #[serde(default)]
    images: Option<ImageSettings>,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

/// `languages:` as written: a list of codes (`[en, fr]`), or a map from code to what the site
/// says in that language (`fr: {title: …, description: …}`), for a site whose home page,
/// feeds and meta descriptions speak each reader's language.
#[derive(Debug, Clone, Default)]
struct RawLanguages(Vec<(String, Option<RawLanguage>)>);

/// One language's words in `languages:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    title: Option<Spanned<String>>,
    #[serde(default)]
    description: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawLanguages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawLanguages;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a list of language codes, or a map from code to `{title, description}`",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawLanguages, A::Error> {
                let mut out = Vec::new();
                while let Some(code) = seq.next_element::<String>()? {
                    out.push((code, None));
                }
                Ok(RawLanguages(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawLanguages, A::Error> {
                let mut out = Vec::new();
                while let Some(code) = map.next_key::<String>()? {
                    out.push((code, map.next_value::<Option<RawLanguage>>()?));
                }
                Ok(RawLanguages(out))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What site.yaml says in a language other than the site's: each is the site's own where
/// left out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageText {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// `relay:` in site.yaml, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelay {
    audience: Option<Spanned<String>>,
    networks: Option<Vec<Spanned<String>>>,
    utm_source: Option<Spanned<String>>,
    utm_campaign: Option<Spanned<String>>,
}

/// Relay kits (`relay:` in site.yaml): what the circles that relay the brand's news get on
/// each post and event. No `relay:`, no kits.
#[derive(Debug, Clone, Serialize)]
pub struct RelaySettings {
    /// The widest circle whose build has the kits (never the widest of the site).
    pub audience: Audience,
    /// Network ids (`linkedin`, `mastodon`, ...), in the order the kit shows them.
    pub networks: Vec<String>,
    /// `utm_source` of the tracked links.
    pub utm_source: String,
    /// `utm_campaign` of the tracked links; `{slug}` is replaced by the page's slug.
    pub utm_campaign: String,
}

impl RelaySettings {
    /// The networks of a kit when site.yaml names none.
    pub const DEFAULT_NETWORKS: &[&str] = &["linkedin", "mastodon", "bluesky"];

    /// The link to share on `network` for the page at absolute `permalink` with `slug`.
    pub fn tracked_link(&self, permalink: &str, network: &str, slug: &str) -> String {
        let campaign = self.utm_campaign.replace("{slug}", slug);
        let sep = if permalink.contains('?') { '&' } else { '?' };
        format!(
            "{permalink}{sep}utm_source={}&utm_medium={}&utm_campaign={}",
            query_escape(&self.utm_source),
            query_escape(network),
            query_escape(&campaign)
        )
    }
}

/// Percent-encodes a query value: letters, digits and `-._~` stay.
fn query_escape(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `images:` of site.yaml: how pictures are resized and encoded.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    /// The widths, in pixels, a picture in a page is resized to (never larger than it is).
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// Quality of WebP and JPEG files, 1 to 100.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// The `sizes` attribute written with the widths: how wide a picture shows.
    #[serde(default = "default_sizes")]
    pub sizes: String,
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}
fn default_quality() -> u8 {
    80
}
fn default_sizes() -> String {
    "(max-width: 48rem) 100vw, 48rem".into()
}

impl Default for ImageSettings {
    fn default() -> ImageSettings {
        ImageSettings {
            widths: default_widths(),
            quality: default_quality(),
            sizes: default_sizes(),
        }
    }
}

/// One of `objectives:` in site.yaml, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    id: Spanned<String>,
    title: String,
    indicator: Spanned<String>,
    community: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    target: Spanned<f64>,
    by: Spanned<String>,
}

/// `report:` in site.yaml, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    audience: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    weeks: Option<Spanned<i64>>,
    stale_after_days: Option<Spanned<i64>>,
}

/// A value of site.yaml with its place, for checks that can only be made once the content
/// and data are loaded (a community an objective names).
#[derive(Debug, Clone, Serialize)]
pub struct Placed<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    source_line: Option<String>,
}

impl<T> Placed<T> {
    fn new(v: Spanned<T>, text: &str) -> Placed<T> {
        let line = v.referenced.line() as usize;
        Placed {
            value: v.value,
            line,
            column: v.referenced.column() as usize,
            source_line: text
                .lines()
                .nth(line.saturating_sub(1))
                .filter(|_| line > 0)
                .map(str::to_owned),
        }
    }

    /// An error about this value, in site.yaml.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic {
            line: self.line,
            column: self.column,
            ..Diagnostic::error("site.yaml", message)
        };
        match &self.source_line {
            Some(text) => d.on_line(text),
            None => d,
        }
    }
}

/// An objective of the community team: an indicator parvis measures, a target and a date.
#[derive(Debug, Clone, Serialize)]
pub struct Objective {
    pub id: String,
    pub title: String,
    pub indicator: Indicator,
    /// Narrows the indicator to one community (checked against the data once it is loaded).
    pub community: Option<Placed<String>>,
    /// Narrows the indicator to one theme.
    pub theme: Option<String>,
    pub target: f64,
    #[serde(serialize_with = "as_text")]
    pub by: jiff::civil::Date,
}

fn as_text<S: serde::Serializer>(d: &jiff::civil::Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// What an objective measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Active members with the ambassador role.
    ActiveAmbassadors,
    /// Active members.
    Members,
    /// Active members of the smallest community.
    MembersPerCommunity,
    /// Blog posts published over the last four weeks, per week.
    PostsPerWeek,
    /// Member contributions dated in the last 30 days.
    ContributionsPerMonth,
    /// Job postings open.
    OpenPostings,
    /// Events to come.
    UpcomingEvents,
    /// Active members with a photo, a bio, a headline, expertise and a community.
    CompleteProfiles,
}

const INDICATORS: [Indicator; 8] = [
    Indicator::ActiveAmbassadors,
    Indicator::Members,
    Indicator::MembersPerCommunity,
    Indicator::PostsPerWeek,
    Indicator::ContributionsPerMonth,
    Indicator::OpenPostings,
    Indicator::UpcomingEvents,
    Indicator::CompleteProfiles,
];

impl Indicator {
    pub fn name(self) -> &'static str {
        match self {
            Indicator::ActiveAmbassadors => "active_ambassadors",
            Indicator::Members => "members",
            Indicator::MembersPerCommunity => "members_per_community",
            Indicator::PostsPerWeek => "posts_per_week",
            Indicator::ContributionsPerMonth => "contributions_per_month",
            Indicator::OpenPostings => "open_postings",
            Indicator::UpcomingEvents => "upcoming_events",
            Indicator::CompleteProfiles => "complete_profiles",
        }
    }

    pub fn from_name(name: &str) -> Option<Indicator> {
        INDICATORS.into_iter().find(|i| i.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        Indicator::names_where(|_| true)
    }

    pub fn names_where(keep: fn(Indicator) -> bool) -> Vec<&'static str> {
        INDICATORS
            .into_iter()
            .filter(|&i| keep(i))
            .map(Indicator::name)
            .collect()
    }

    /// Whether `community:` narrows it.
    pub fn by_community(self) -> bool {
        !matches!(
            self,
            Indicator::OpenPostings | Indicator::MembersPerCommunity
        )
    }

    /// Whether `theme:` narrows it.
    pub fn by_theme(self) -> bool {
        matches!(self, Indicator::PostsPerWeek | Indicator::UpcomingEvents)
    }

    /// How far back the value it is compared with lies: the previous window for rates, four
    /// weeks for counts.
    pub fn period_days(self) -> i64 {
        match self {
            Indicator::ContributionsPerMonth => 30,
            _ => 28,
        }
    }
}

/// `report:` settings: who sees the dashboard, where, and how far the calendar looks.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSettings {
    /// The widest audience whose build has the dashboard.
    pub audience: Audience,
    /// Root-relative, without the site root, starting and ending with `/` (`/dashboard/`).
    pub path: String,
    /// Weeks of the editorial calendar.
    pub weeks: u32,
    /// A theme with nothing published for this many days is flagged.
    pub stale_after_days: u32,
    /// Whether builds have the dashboard: when site.yaml sets objectives or a `report:` block,
    /// and never for the widest circle unless `report.audience` names it.
    pub dashboard: bool,
}

/// `feeds:` in site.yaml, as written: `content` is checked by [`Config::from_file`], which
/// reports an unknown word at `feeds` with a hint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    #[serde(default = "default_feed_content")]
    content: String,
    #[serde(default = "default_feed_limit")]
    limit: usize,
}

/// What RSS and Atom feeds carry (`feeds.content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The text before `<!-- more -->`, or the description (the default).
    Summary,
    /// The whole page.
    Full,
}

/// Resolved `feeds:` settings.
#[derive(Debug, Clone, Serialize)]
pub struct Feeds {
    pub content: FeedContent,
    /// Newest entries per feed.
    pub limit: usize,
}

fn default_feed_content() -> String {
    "summary".into()
}
fn default_feed_limit() -> usize {
    20
}

/// `community:` in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommunitySettings {
    /// Points per contribution type.
    points: Option<std::collections::BTreeMap<String, u32>>,
    /// The widest audience that may see private member fields (leader scores).
    private_audience: Option<String>,
    /// How the feeds members and communities list are fetched and kept.
    feeds: Option<MemberFeeds>,
}

/// `community.feeds` in site.yaml: how the feeds that members and communities list under
/// `feeds:` are fetched, bounded and kept. Every bound keeps a slow or hostile feed from
/// stalling a build or filling the cache.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MemberFeeds {
    /// Entries older than this many days are left out.
    #[serde(default = "default_feed_days")]
    pub days: u32,
    /// Newest entries kept per feed.
    #[serde(default = "default_feed_entries")]
    pub entries: usize,
    /// Seconds a feed may take to answer, body included.
    #[serde(default = "default_feed_timeout")]
    pub timeout: u64,
    /// Bytes a feed may weigh; a bigger one is refused.
    #[serde(default = "default_feed_bytes")]
    pub max_bytes: u64,
    /// Hosts whose images an entry may show (`images.example.org`); images from any other
    /// host are removed, so that no feed makes visitors' browsers call a third party.
    #[serde(default)]
    pub image_hosts: Vec<String>,
}

fn default_feed_days() -> u32 {
    90
}
fn default_feed_entries() -> usize {
    20
}
fn default_feed_timeout() -> u64 {
    10
}
fn default_feed_bytes() -> u64 {
    2 * 1024 * 1024
}

impl Default for MemberFeeds {
    fn default() -> MemberFeeds {
        MemberFeeds {
            days: default_feed_days(),
            entries: default_feed_entries(),
            timeout: default_feed_timeout(),
            max_bytes: default_feed_bytes(),
            image_hosts: Vec::new(),
        }
    }
}

/// Contribution points when `community.points` in site.yaml gives none.
fn default_points() -> std::collections::BTreeMap<String, u32> {
    [
        ("article", 10),
        ("talk", 20),
        ("event", 15),
        ("answer", 2),
        ("code", 10),
        ("mentoring", 10),
        ("feedback", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Resolved `community:` settings.
#[derive(Debug, Clone, Serialize)]
pub struct CommunitySettings {
    pub points: std::collections::BTreeMap<String, u32>,
    pub private_audience: Audience,
    pub feeds: MemberFeeds,
}

/// A navigation entry given by hand in `site.yaml`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MenuItem {
    pub title: String,
    pub url: String,
    /// Where `url` is written, for link errors.
    #[serde(skip)]
    pub place: Option<Diagnostic>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMenuItem {
    title: String,
    url: Spanned<String>,
}

/// Syntect theme names for the two code stylesheets.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Highlighting {
    #[serde(default = "default_light")]
    pub light: String,
    #[serde(default = "default_dark")]
    pub dark: String,
}

/// What happens to the HTML a writer types in a page body (`markdown.html`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Written as typed: the team writes the pages (the default, as before this setting).
    #[default]
    Allow,
    /// Cleaned with ammonia: scripts, event handlers, `javascript:` links, forms and frames go.
    #[serde(alias = "sanitise")]
    Sanitize,
}

/// `markdown:` in site.yaml, and in a section's `_index.md` for the pages under it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSettings {
    /// What happens to HTML typed in page bodies. `allow` when unset, as before the setting
    /// existed: most portals are written by their team, and sanitising changes their pages
    /// (embedded videos, forms, styles go). Sites taking pull requests from members set
    /// `sanitize`, for the whole site or for the sections members write in.
    pub html: Option<RawHtml>,
}

fn default_true() -> bool {
    true
}

fn default_light() -> String {
    "InspiredGitHub".into()
}
fn default_dark() -> String {
    "base16-ocean.dark".into()
}

/// The resolved configuration the rest of the build reads.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub root: String,
    pub language: String,
    pub languages: Vec<String>,
    /// The title and description in other languages than `language`, where `languages:` gives
    /// them.
    pub language_text: std::collections::BTreeMap<String, LanguageText>,
    /// Innermost first; the last one is the widest circle.
    pub audiences: Vec<Audience>,
    pub theme: String,
    pub taxonomies: Vec<String>,
    pub paginate_by: usize,
    pub repo_url: Option<String>,
    /// The logo, a path under `static/` (`images/logo.svg`), shown in the header.
    pub logo: Option<String>,
    /// The brand colour the theme's palette is derived from, as `#rrggbb`; checked to be
    /// readable as text on the page background and behind white text.
    pub brand_color: Option<String>,
    pub menu: Option<Vec<MenuItem>>,
    pub highlighting: Highlighting,
    /// What happens to HTML typed in page bodies, unless a section says otherwise.
    pub raw_html: RawHtml,
    pub community: CommunitySettings,
    pub feeds: Feeds,
    /// Publish FAQPage structured data for pages with `faq` shortcodes. Off by default:
    /// search engines only show FAQ results for some sites, and duplicates are penalised.
    pub faq_json_ld: bool,
    /// Build the search index and the `/search/` page (on by default).
    pub search: bool,
    pub objectives: Vec<Objective>,
    pub report: ReportSettings,
    /// Relay kits, when site.yaml asks for them.
    pub relay: Option<RelaySettings>,
    pub images: ImageSettings,
    pub extra: serde_json::Value,
}

impl Config {
    /// The widest audience: what a build without `--audience` is for.
    pub fn public_audience(&self) -> Audience {
        self.audiences
            .last()
            .cloned()
            .unwrap_or_else(|| Audience::unknown("public"))
    }

    /// The audience of an item that names none.
    pub fn default_audience(&self) -> Audience {
        self.public_audience()
    }

    /// The audience named `name`, if site.yaml lists it.
    pub fn audience(&self, name: &str) -> Option<Audience> {
        self.audiences.iter().find(|a| **a == name).cloned()
    }

    /// The audience named `name`, or an unknown one (which no build sees) when site.yaml does
    /// not list it: the caller has reported that already.
    pub fn audience_or_unknown(&self, name: &str) -> Audience {
        self.audience(name)
            .unwrap_or_else(|| Audience::unknown(name))
    }

    /// The audiences' names, innermost first (for hints).
    pub fn audience_names(&self) -> Vec<&str> {
        self.audiences.iter().map(Audience::as_str).collect()
    }

    /// Whether a build for `viewer` may show private member fields such as leader scores.
    pub fn sees_private(&self, viewer: &Audience) -> bool {
        viewer.sees(&self.community.private_audience)
    }

    /// The absolute URL of a root-relative one.
    pub fn permalink(&self, url: &str) -> String {
        format!(
            "{}{url}",
            &self.base_url[..self.base_url.len() - self.root.len()]
        )
    }

    /// The site's title in `lang`.
    pub fn title_in(&self, lang: &str) -> &str {
        self.language_text
            .get(lang)
            .and_then(|t| t.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site's description in `lang`.
    pub fn description_in(&self, lang: &str) -> Option<&str> {
        self.language_text
            .get(lang)
            .and_then(|t| t.description.as_deref())
            .or(self.description.as_deref())
    }

    /// Whether `lang` is one of the site's languages.
    pub fn knows_language(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    pub fn from_file(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let origin = Origin::whole(path, text);
        let raw: RawConfig = from_yaml(text, origin, KEYS).map_err(|d| vec![d])?;
        let mut errors = Vec::new();

        let base_url = if raw.base_url.ends_with('/') {
            raw.base_url.clone()
        } else {
            format!("{}/", raw.base_url)
        };
        let root = match base_url.split_once("://") {
            Some((_, rest)) => match rest.find('/') {
                Some(i) => rest[i..].to_string(),
                None => "/".to_string(),
            },
            None => {
                errors.push(
                    origin
                        .key_error(text, "base_url", format!("`base_url` must be an absolute URL, found `{}`", raw.base_url))
                        .with_hint("write it with its scheme, for example `https://community.example.com/`"),
                );
                "/".to_string()
            }
        };

        let language = raw.language.clone().unwrap_or_else(|| "en".into());
        let listed = raw.languages.clone().unwrap_or_default().0;
        let mut languages: Vec<String> = listed.iter().map(|(code, _)| code.clone()).collect();
        languages.retain(|l| l != &language);
        languages.insert(0, language.clone());
        let mut language_text = std::collections::BTreeMap::new();
        for (code, words) in listed {
            let Some(words) = words else { continue };
            if code == language {
                // Two places for one value: the top of site.yaml is the site language's.
                for (key, v) in [("title", &words.title), ("description", &words.description)] {
                    if let Some(v) = v {
                        errors.push(
                            at(text, v, format!("`{code}` is the site's language: its {key} is `{key}` at the top of site.yaml"))
                                .with_hint("write it there, and keep `languages:` for the other languages' words"),
                        );
                    }
                }
                continue;
            }
            language_text.insert(
                code,
                LanguageText {
                    title: words.title.map(|t| t.value),
                    description: words.description.map(|d| d.value),
                },
            );
        }

        let audience_names: Vec<String> = raw
            .audiences
            .clone()
            .unwrap_or_else(|| vec!["internal".into(), "public".into()]);
        let audiences: Vec<Audience> = audience_names
            .iter()
            .enumerate()
            .map(|(rank, name)| Audience::new(rank, name))
            .collect();
        let find = |name: &str| {
            audiences
                .iter()
                .find(|a| **a == name)
                .cloned()
                .unwrap_or_else(|| Audience::unknown(name))
        };
        if audiences.is_empty() {
            errors.push(
                origin
                    .key_error(text, "audiences", "`audiences` is empty")
                    .with_hint(
                        "list the circles innermost first, for example `[internal, public]`",
                    ),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &audience_names {
            if !seen.insert(a) {
                errors.push(origin.key_error(
                    text,
                    "audiences",
                    format!("audience `{a}` is listed twice"),
                ));
            }
        }

        let theme = raw.theme.clone().unwrap_or_else(|| "default".into());
        if theme != "default" {
            errors.push(
                origin
                    .key_error(text, "theme", format!("unknown theme `{theme}`"))
                    .with_hint("the only built-in theme is `default`; override its files with your own `templates/`"),
            );
        }
        let taxonomies = raw
            .taxonomies
            .clone()
            .unwrap_or_else(|| vec!["tags".into(), "themes".into()]);
        for t in &taxonomies {
            if !TAXONOMIES.contains(&t.as_str()) {
                errors.push(
                    origin
                        .key_error(text, "taxonomies", format!("unknown taxonomy `{t}`"))
                        .with_hint("pages can be classified by `tags` and `themes`; list those you want pages for"),
                );
            }
        }
        // 50 a list page: at 10, the 10,000-page benchmark corpus made 4,482 list pages (a
        // fifth of its files) that few visitors page through.
        let paginate_by = raw.paginate_by.unwrap_or(50);
        if paginate_by == 0 {
            errors.push(
                origin
                    .key_error(text, "paginate_by", "`paginate_by` must be at least 1")
                    .with_hint("10 is a good default"),
            );
        }
        if let Some(i) = &raw.images {
            if i.widths.is_empty() || i.widths.contains(&0) || !(1..=100).contains(&i.quality) {
                errors.push(
                    origin
                        .key_error(
                            text,
                            "images",
                            "`images` needs at least one width above 0 and a quality from 1 to 100",
                        )
                        .with_hint(
                            "for example `images: { widths: [480, 960, 1600], quality: 80 }`",
                        ),
                );
            }
        }
        let raw_community = raw.community.clone();
        let private_audience = raw_community
            .as_ref()
            .and_then(|c| c.private_audience.clone())
            .unwrap_or_else(|| {
                audience_names
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "internal".into())
            });
        if !audience_names.contains(&private_audience) {
            errors.push(
                origin
                    .key_error(
                        text,
                        "community",
                        format!(
                            "`private_audience` `{private_audience}` is not one of the audiences"
                        ),
                    )
                    .with_hint(one_of(
                        &private_audience,
                        &audience_names
                            .iter()
                            .map(String::as_str)
                            .collect::<Vec<_>>(),
                    )),
            );
        }
        let community = CommunitySettings {
            points: raw_community
                .as_ref()
                .and_then(|c| c.points.clone())
                .unwrap_or_else(default_points),
            private_audience: find(&private_audience),
            feeds: raw_community
                .and_then(|c| c.feeds.clone())
                .unwrap_or_default(),
        };
        let raw_feeds = raw.feeds.clone().unwrap_or(RawFeeds {
            content: default_feed_content(),
            limit: default_feed_limit(),
        });
        let content = match raw_feeds.content.as_str() {
            "summary" => FeedContent::Summary,
            "full" => FeedContent::Full,
            other => {
                errors.push(
                    origin
                        .key_error(text, "feeds", format!("feed content `{other}` is neither `summary` nor `full`"))
                        .with_hint("`summary` puts the text before <!-- more --> in feeds, `full` the whole page"),
                );
                FeedContent::Summary
            }
        };
        let feeds = Feeds {
            content,
            limit: raw_feeds.limit,
        };
        let brand_color = raw
            .brand_color
            .as_ref()
            .and_then(|c| brand_color(text, c, &mut errors));
        let logo = raw.logo.as_ref().and_then(|l| logo(text, l, &mut errors));
        let objectives = objectives(&raw.objectives, text, &mut errors);
        let report = report_settings(
            raw.report.clone(),
            !objectives.is_empty(),
            &audiences,
            text,
            &mut errors,
        );
        let relay = raw
            .relay
            .clone()
            .map(|r| relay_settings(r, &audiences, text, &mut errors));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            relay,
            community,
            feeds,
            objectives,
            report,
            faq_json_ld: raw.faq_json_ld,
            search: raw.search,
            images: raw.images.unwrap_or_default(),
            title: raw.title,
            description: raw.description,
            base_url,
            root,
            language,
            languages,
            language_text,
            audiences,
            theme,
            taxonomies,
            paginate_by,
            repo_url: raw.repo_url,
            logo,
            brand_color,
            menu: raw.menu.map(|items| {
                items
                    .into_iter()
                    .map(|m| MenuItem {
                        title: m.title,
                        url: m.url.value.trim().to_string(),
                        place: Some(Placed::new(m.url, text).error("")),
                    })
                    .collect()
            }),
            raw_html: raw.markdown.html.unwrap_or_default(),
            highlighting: raw.highlighting.unwrap_or(Highlighting {
                light: default_light(),
                dark: default_dark(),
            }),
            extra: raw
                .extra
                .unwrap_or(serde_json::Value::Object(Default::default())),
        })
    }
}

/// A diagnostic at a spanned value of site.yaml.
fn at<T>(text: &str, v: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
    crate::yaml::at("site.yaml", text, v, message)
}

/// The background colours the brand colour is written on as text (links, the current menu
/// item on its tint); white text is written on it (buttons).
pub fn brand_backgrounds(brand: crate::colour::Rgb) -> [crate::colour::Rgb; 3] {
    use crate::colour::{Rgb, WHITE};
    [WHITE, Rgb([0xf5, 0xf7, 0xfa]), brand.mix(WHITE, 0.9)]
}

/// `brand_color`: a colour, readable as text on the light backgrounds and behind white text.
/// (The dark scheme's accent is derived from it, lighter, and always readable.)
fn brand_color(text: &str, v: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    use crate::colour::{Rgb, BLACK, TEXT_CONTRAST};
    let Some(c) = Rgb::parse(&v.value) else {
        errors.push(
            at(
                text,
                v,
                format!("`brand_color` `{}` is not a colour", v.value),
            )
            .with_hint("write it as a hex colour in quotes, like `brand_color: \"#0b5fff\"`"),
        );
        return None;
    };
    let backgrounds = brand_backgrounds(c);
    let ratio = backgrounds
        .iter()
        .map(|&b| c.contrast(b))
        .fold(f64::INFINITY, f64::min);
    if ratio < TEXT_CONTRAST {
        let hint = match c.until_contrast(BLACK, &backgrounds, TEXT_CONTRAST) {
            Some(dark) => format!(
                "links and buttons are written in this colour on white: use a darker shade, like `\"{}\"` ({:.2}:1)",
                dark.hex(),
                backgrounds.iter().map(|&b| dark.contrast(b)).fold(f64::INFINITY, f64::min)
            ),
            None => "links and buttons are written in this colour on white: use a darker shade".into(),
        };
        errors.push(
            at(
                text,
                v,
                format!(
                    "brand colour `{}` has a contrast of {ratio:.2}:1 with the page background, under the {TEXT_CONTRAST}:1 text needs (WCAG AA)",
                    v.value
                ),
            )
            .with_hint(hint),
        );
        return None;
    }
    Some(c.hex())
}

/// `logo`: a file of `static/`, an SVG or a PNG (the theme reads its size from it).
fn logo(text: &str, v: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let path = v.value.trim().trim_start_matches('/');
    let lower = path.to_ascii_lowercase();
    if v.value.contains("://") || v.value.starts_with("//") {
        errors.push(
            at(text, v, format!("the logo `{}` is on another host", v.value))
                .with_hint("put the file in `static/` and give its path there, like `logo: images/logo.svg`: pages make no request to another host"),
        );
        return None;
    }
    if !(lower.ends_with(".svg") || lower.ends_with(".png")) || path.contains("..") {
        errors.push(
            at(text, v, format!("the logo `{}` is not an SVG or PNG file of `static/`", v.value))
                .with_hint("give the path of an `.svg` or `.png` file under `static/`, like `logo: images/logo.svg`"),
        );
        return None;
    }
    Some(path.to_string())
}

/// Checks `objectives:`: known indicators, filters the indicator can use, unique ids, a
/// target that is a count, and a date.
fn objectives(raw: &[RawObjective], text: &str, errors: &mut Vec<Diagnostic>) -> Vec<Objective> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for o in raw {
        let mut ok = true;
        if crate::text::slugify(&o.id.value) != o.id.value {
            ok = false;
            errors.push(
                at(
                    text,
                    &o.id,
                    format!(
                        "objective id `{}` is not a plain lowercase identifier",
                        o.id.value
                    ),
                )
                .with_hint(format!(
                    "use lowercase letters, digits and `-`, like `{}`",
                    crate::text::slugify(&o.id.value)
                )),
            );
        } else if !seen.insert(o.id.value.clone()) {
            ok = false;
            errors.push(
                at(
                    text,
                    &o.id,
                    format!("objective id `{}` is used twice", o.id.value),
                )
                .with_hint("give each objective its own id"),
            );
        }
        let indicator = Indicator::from_name(&o.indicator.value);
        match indicator {
            None => {
                ok = false;
                errors.push(
                    at(
                        text,
                        &o.indicator,
                        format!("unknown indicator `{}`", o.indicator.value),
                    )
                    .with_hint(one_of(&o.indicator.value, &Indicator::names())),
                );
            }
            Some(i) => {
                let filters = [
                    (
                        "community",
                        &o.community,
                        Indicator::by_community as fn(Indicator) -> bool,
                    ),
                    ("theme", &o.theme, Indicator::by_theme),
                ];
                for (key, value, takes) in filters {
                    if let Some(v) = value.as_ref().filter(|_| !takes(i)) {
                        ok = false;
                        errors.push(
                            at(
                                text,
                                v,
                                format!("indicator `{}` cannot be narrowed to a {key}", i.name()),
                            )
                            .with_hint(format!(
                                "remove `{key}:`; indicators that take one: {}",
                                Indicator::names_where(takes).join(", ")
                            )),
                        );
                    }
                }
            }
        }
        if !(o.target.value.is_finite() && o.target.value >= 0.0) {
            ok = false;
            errors.push(
                at(
                    text,
                    &o.target,
                    format!("target `{}` is not a count", o.target.value),
                )
                .with_hint("write the value the indicator should reach, like `12` or `1.5`"),
            );
        }
        let by = match crate::date::DateValue::parse(&o.by.value) {
            Ok(d) => Some(d.day()),
            Err(why) => {
                errors.push(
                    at(
                        text,
                        &o.by,
                        format!("`by` is not a valid date: `{}` ({why})", o.by.value),
                    )
                    .with_hint("write the date the target should be met by as YYYY-MM-DD"),
                );
                None
            }
        };
        if let (true, Some(indicator), Some(by)) = (ok, indicator, by) {
            out.push(Objective {
                id: o.id.value.clone(),
                title: o.title.clone(),
                indicator,
                community: o.community.clone().map(|c| Placed::new(c, text)),
                theme: o.theme.as_ref().map(|t| t.value.clone()),
                target: o.target.value,
                by,
            });
        }
    }
    out
}

/// Resolves `relay:`: a known circle that is not the widest, network ids written as slugs and
/// each once, plain campaign values.
fn relay_settings(
    raw: RawRelay,
    audiences: &[Audience],
    text: &str,
    errors: &mut Vec<Diagnostic>,
) -> RelaySettings {
    let names: Vec<&str> = audiences.iter().map(Audience::as_str).collect();
    let widest = audiences.last();
    let audience = match &raw.audience {
        Some(a) => match audiences.iter().find(|k| **k == *a.value) {
            Some(known) if Some(known) == widest => {
                errors.push(
                    at(
                        text,
                        a,
                        format!("relay kits cannot go to `{}`, the widest circle", a.value),
                    )
                    .with_hint(format!(
                        "relay kits hold tracked links and texts for the circles that relay the news; name an inner circle: {}",
                        names[..names.len().saturating_sub(1)].join(", ")
                    )),
                );
                Audience::unknown(&a.value)
            }
            Some(known) => known.clone(),
            None => {
                errors.push(
                    at(text, a, format!("unknown audience `{}`", a.value))
                        .with_hint(one_of(&a.value, &names)),
                );
                Audience::unknown(&a.value)
            }
        },
        None => match audiences.iter().find(|a| **a == "ambassadors") {
            Some(a) => a.clone(),
            None => {
                errors.push(
                    crate::yaml::Origin::whole(Path::new("site.yaml"), text)
                        .key_error(text, "relay", "`relay` names no `audience`")
                        .with_hint(format!(
                            "add `audience:` under `relay:`, the widest circle that relays the news (one of {})",
                            names[..names.len().saturating_sub(1)].join(", ")
                        )),
                );
                Audience::unknown("ambassadors")
            }
        },
    };
    let mut networks = Vec::new();
    match &raw.networks {
        None => networks.extend(
            RelaySettings::DEFAULT_NETWORKS
                .iter()
                .map(|n| n.to_string()),
        ),
        Some(list) => {
            for n in list {
                if crate::text::slugify(&n.value) != n.value {
                    errors.push(
                        at(
                            text,
                            n,
                            format!("network `{}` is not a plain lowercase name", n.value),
                        )
                        .with_hint(format!(
                            "write it like `{}`; it goes into the links as utm_medium",
                            crate::text::slugify(&n.value)
                        )),
                    );
                } else if networks.contains(&n.value) {
                    errors.push(at(
                        text,
                        n,
                        format!("network `{}` is listed twice", n.value),
                    ));
                } else {
                    networks.push(n.value.clone());
                }
            }
        }
    }
    let plain = |v: &Option<Spanned<String>>,
                 default: &str,
                 key: &str,
                 errors: &mut Vec<Diagnostic>| match v {
        Some(s) if s.value.trim().is_empty() => {
            errors.push(
                at(text, s, format!("`{key}` is empty"))
                    .with_hint(format!("the default is `{default}`")),
            );
            default.to_string()
        }
        Some(s) => s.value.trim().to_string(),
        None => default.to_string(),
    };
    let utm_source = plain(&raw.utm_source, "ambassador", "utm_source", errors);
    let utm_campaign = plain(&raw.utm_campaign, "{slug}", "utm_campaign", errors);
    RelaySettings {
        audience,
        networks,
        utm_source,
        utm_campaign,
    }
}

/// Resolves `report:`; the dashboard is for the innermost circle unless told otherwise.
fn report_settings(
    raw: Option<RawReport>,
    has_objectives: bool,
    audiences: &[Audience],
    text: &str,
    errors: &mut Vec<Diagnostic>,
) -> ReportSettings {
    let asked = raw.is_some() || has_objectives;
    let explicit_audience = raw.as_ref().is_some_and(|r| r.audience.is_some());
    let raw = raw.unwrap_or(RawReport {
        audience: None,
        path: None,
        weeks: None,
        stale_after_days: None,
    });
    let names: Vec<&str> = audiences.iter().map(Audience::as_str).collect();
    let audience = match raw.audience {
        Some(a) => match audiences.iter().find(|k| **k == *a.value) {
            Some(known) => known.clone(),
            None => {
                errors.push(
                    at(text, &a, format!("unknown audience `{}`", a.value))
                        .with_hint(one_of(&a.value, &names)),
                );
                Audience::unknown(&a.value)
            }
        },
        None => audiences
            .first()
            .cloned()
            .unwrap_or_else(|| Audience::unknown("internal")),
    };
    let path = match raw.path {
        Some(p) => {
            let v = p.value.trim();
            let clean = format!("/{}/", v.trim_matches('/'));
            let segments_ok = v
                .trim_matches('/')
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != ".." && crate::text::slugify(s) == s);
            if !segments_ok {
                errors.push(
                    at(text, &p, format!("`path` `{}` is not a folder of the site", p.value))
                        .with_hint("write it as a path of lowercase words, like `/dashboard/` or `/team/report/`"),
                );
            }
            clean
        }
        None => "/dashboard/".into(),
    };
    let mut number = |v: Option<Spanned<i64>>,
                      default: u32,
                      range: std::ops::RangeInclusive<i64>,
                      what: &str|
     -> u32 {
        match v {
            Some(n) if !range.contains(&n.value) => {
                errors.push(
                    at(
                        text,
                        &n,
                        format!(
                            "`{what}` is {}, outside {} to {}",
                            n.value,
                            range.start(),
                            range.end()
                        ),
                    )
                    .with_hint(format!("the default is {default}")),
                );
                default
            }
            Some(n) => n.value as u32,
            None => default,
        }
    };
    let weeks = number(raw.weeks, 8, 1..=26, "weeks");
    let stale_after_days = number(raw.stale_after_days, 30, 1..=365, "stale_after_days");
    let widest = audiences.last();
    ReportSettings {
        dashboard: asked && (explicit_audience || widest != Some(&audience)),
        audience,
        path,
        weeks,
        stale_after_days,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn site_yaml_keys_are_the_fields_of_the_settings() {
        crate::yaml::assert_keys_are_fields::<super::RawConfig>("config::KEYS", super::KEYS);
    }

    #[test]
    fn tracked_links_carry_the_campaign() {
        let r = super::RelaySettings {
            audience: super::Audience::unknown("ambassadors"),
            networks: vec!["linkedin".into()],
            utm_source: "ambassador".into(),
            utm_campaign: "launch-{slug}".into(),
        };
        assert_eq!(
            r.tracked_link("https://x.test/blog/a/", "linkedin", "a"),
            "https://x.test/blog/a/?utm_source=ambassador&utm_medium=linkedin&utm_campaign=launch-a"
        );
    }
}
