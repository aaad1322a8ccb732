//! Community data: members, communities and badges from `data/`, validated and resolved.
//!
//! Member files are untrusted: bios are rendered from Markdown and sanitised with ammonia,
//! links keep only web and mail schemes, photos must be files of the site (no request to another
//! host), and private fields (email, leader scores) stay here unless a build may show them.

use crate::config::{Audience, Config};
use crate::date::DateValue;
use crate::diagnostics::{one_of, suggest, Diagnostic};
use crate::load::DataFile;
use crate::model::fetched::{entries_of, FeedEntry, FeedSource, FetchedFeeds};
pub use crate::vocabulary::{MemberStatus, Role};
use crate::yaml::{at, Origin};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub const COMMUNITY_KINDS: &[&str] = &[
    "ambassadors",
    "product",
    "project",
    "partners",
    "customers",
    "marketing",
    "recruitment",
    "internal",
];
/// A leader candidate scores at least this, over four criteria scored 1 to 3.
pub const LEADER_THRESHOLD: u8 = 8;

/// The keys of a member entry: for suggestions, and what `parvis new member` must write.
pub const MEMBER_KEYS: &[&str] = &[
    "id",
    "name",
    "pronouns",
    "photo",
    "headline",
    "company",
    "team",
    "location",
    "country",
    "languages",
    "expertise",
    "communities",
    "roles",
    "status",
    "joined",
    "bio",
    "links",
    "contributions",
    "badges",
    "leader_scores",
    "email",
    "email_public",
    "audience",
    "published",
    "leaderboard",
    "notes",
    "feeds",
];
/// The keys of a community entry: for suggestions, and what `parvis new community` must write.
pub const COMMUNITY_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "description",
    "audience",
    "charter",
    "managers",
    "themes",
    "feeds",
];
const BADGE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "icon",
    "points",
    "contributions",
];

type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id: S<String>,
    name: String,
    pronouns: Option<String>,
    photo: Option<S<String>>,
    headline: Option<String>,
    company: Option<String>,
    team: Option<String>,
    location: Option<String>,
    country: Option<String>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    expertise: Vec<String>,
    #[serde(default)]
    communities: Vec<S<String>>,
    #[serde(default)]
    roles: Vec<S<String>>,
    status: Option<S<String>>,
    joined: Option<S<String>>,
    bio: Option<String>,
    #[serde(default)]
    links: Vec<RawLink>,
    #[serde(default)]
    contributions: Vec<RawContribution>,
    #[serde(default)]
    badges: Vec<S<String>>,
    leader_scores: Option<RawScores>,
    email: Option<String>,
    #[serde(default)]
    email_public: bool,
    audience: Option<S<String>>,
    published: Option<bool>,
    leaderboard: Option<bool>,
    /// Private notes of the community team, shown only inside `private_audience`.
    notes: Option<String>,
    /// RSS, Atom or JSON feeds of what the member publishes.
    #[serde(default)]
    feeds: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    label: String,
    url: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContribution {
    date: S<String>,
    #[serde(rename = "type")]
    kind: S<String>,
    title: String,
    url: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScores {
    charisma: S<i64>,
    known: S<i64>,
    recognized: S<i64>,
    available: S<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommunity {
    id: S<String>,
    name: String,
    kind: Option<S<String>>,
    description: Option<String>,
    audience: Option<S<String>>,
    charter: Option<S<String>>,
    #[serde(default)]
    managers: Vec<S<String>>,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    feeds: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBadge {
    id: S<String>,
    name: String,
    description: Option<String>,
    icon: Option<String>,
    points: Option<u32>,
    contributions: Option<RawBadgeRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBadgeRule {
    #[serde(rename = "type")]
    kind: S<String>,
    count: u32,
}

/// A link from a member profile, with a scheme that cannot run script.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberLink {
    pub label: String,
    pub url: String,
    /// Where `url` is written, for link errors.
    pub place: Diagnostic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub date: DateValue,
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    /// Where `url` is written, for link errors.
    pub url_place: Option<Diagnostic>,
    pub points: u32,
    /// Counted from an entry of the member's feeds rather than written in their file.
    pub from_feed: bool,
}

/// The four criteria a user club scores a leader candidate on, 1 to 3 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderScores {
    pub charisma: u8,
    pub known: u8,
    pub recognized: u8,
    pub available: u8,
}

impl LeaderScores {
    pub fn total(&self) -> u8 {
        self.charisma + self.known + self.recognized + self.available
    }
    pub fn is_candidate(&self) -> bool {
        self.total() >= LEADER_THRESHOLD
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub pronouns: Option<String>,
    /// Root-relative URL of a site file, checked to exist.
    pub photo: Option<String>,
    pub headline: Option<String>,
    pub company: Option<String>,
    pub team: Option<String>,
    pub location: Option<String>,
    pub country: Option<String>,
    pub languages: Vec<String>,
    pub expertise: Vec<String>,
    pub communities: Vec<String>,
    pub roles: Vec<Role>,
    pub status: MemberStatus,
    pub joined: Option<DateValue>,
    /// Sanitised HTML.
    pub bio_html: Option<String>,
    pub links: Vec<MemberLink>,
    /// Newest first.
    pub contributions: Vec<Contribution>,
    /// Given by hand and earned, in badge file order.
    pub badges: Vec<String>,
    pub points: u32,
    pub leader_scores: Option<LeaderScores>,
    pub email: Option<String>,
    pub email_public: bool,
    pub audience: Audience,
    pub published: bool,
    pub on_leaderboard: bool,
    /// Sanitised HTML of the team's private notes.
    pub notes_html: Option<String>,
    /// The feeds the member lists.
    pub feeds: Vec<FeedSource>,
    /// What was fetched from them, newest first (empty until [`CommunityData::attach_feeds`]).
    pub feed_entries: Vec<FeedEntry>,
    pub file: PathBuf,
    pub url: String,
}

impl Member {
    /// A profile that tells visitors next to nothing: no bio and no photo.
    pub fn is_thin(&self) -> bool {
        self.bio_html.is_none() && self.photo.is_none()
    }

    /// A profile with everything a visitor looks for: photo, bio, headline, expertise and at
    /// least one community.
    pub fn is_complete(&self) -> bool {
        self.photo.is_some()
            && self.bio_html.is_some()
            && self.headline.is_some()
            && !self.expertise.is_empty()
            && !self.communities.is_empty()
    }
}

/// Whether a page belongs to a community: it names it in `extra.community`, or shares one of
/// its themes.
pub fn page_belongs(page: &crate::model::Page, id: &str, themes: &[String]) -> bool {
    let named = page
        .front
        .extra
        .as_ref()
        .and_then(|e| e.get("community"))
        .and_then(|v| v.as_str())
        == Some(id);
    named
        || page.front.themes.iter().any(|t| {
            themes
                .iter()
                .any(|ct| crate::text::slugify(ct) == crate::text::slugify(t))
        })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub audience: Audience,
    /// Content path of the charter page (`community/charter.md`).
    pub charter: Option<PathBuf>,
    /// Where `charter` is written, for link errors.
    pub charter_place: Option<Diagnostic>,
    pub managers: Vec<String>,
    pub themes: Vec<String>,
    /// The feeds the community lists.
    pub feeds: Vec<FeedSource>,
    /// What was fetched from them, newest first (empty until [`CommunityData::attach_feeds`]).
    pub feed_entries: Vec<FeedEntry>,
    pub file: PathBuf,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub points: Option<u32>,
    /// (contribution type, count).
    pub contributions: Option<(String, u32)>,
}

/// Members, communities and badges of a site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommunityData {
    /// In file order.
    pub members: Vec<Member>,
    pub communities: Vec<Community>,
    pub badges: Vec<Badge>,
    /// Ids of members whose file has an error that left them out: pages naming them get no
    /// second error of their own ("is not a member"), the file's error is the one cause.
    pub unreadable_members: BTreeSet<String>,
    /// The same for communities.
    pub unreadable_communities: BTreeSet<String>,
}

/// Just the id of an entry whose file has errors, to know what is missing because of them.
#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

fn parse_all<T: DeserializeOwned>(
    files: &[&DataFile],
    keys: &[&str],
    diags: &mut Vec<Diagnostic>,
    unreadable: &mut BTreeSet<String>,
) -> Vec<(T, PathBuf, String)> {
    let mut out = Vec::new();
    for f in files {
        let origin = Origin::whole(&f.display, &f.text);
        let in_folder = f.rel.components().count() > 1;
        if in_folder {
            match crate::yaml::from_yaml::<T>(&f.text, origin, keys) {
                Ok(v) => out.push((v, f.display.clone(), f.text.clone())),
                Err(d) => {
                    diags.push(d);
                    let stem = f.rel.file_stem().map(|s| s.to_string_lossy().into_owned());
                    let id = serde_saphyr::from_str::<IdOnly>(&f.text)
                        .ok()
                        .map(|v| v.id)
                        .or(stem);
                    unreadable.extend(id);
                }
            }
        } else {
            match crate::yaml::from_yaml::<Vec<T>>(&f.text, origin, keys) {
                Ok(vs) => out.extend(
                    vs.into_iter()
                        .map(|v| (v, f.display.clone(), f.text.clone())),
                ),
                Err(d) => {
                    diags.push(d);
                    if let Ok(ids) = serde_saphyr::from_str::<Vec<IdOnly>>(&f.text) {
                        unreadable.extend(ids.into_iter().map(|v| v.id));
                    }
                }
            }
        }
    }
    out
}

/// An empty diagnostic at the value `v` of `file`: the place of a URL, kept for the link
/// errors found once every page is known.
fn place<T>(file: &Path, text: &str, v: &Spanned<T>) -> Diagnostic {
    Diagnostic::error(file, "").at(
        text,
        v.referenced.line() as usize,
        v.referenced.column() as usize,
    )
}

/// Whether a URL is safe to put in an `href`: web and mail links only, a path of the site, or
/// the `.md` path of a page under `content/` (turned into its URL by the links stage).
pub fn safe_url(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        return !u
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '<' || c == '>');
    }
    if crate::model::rendered::is_page_path(u) {
        return !u.contains(':') && !u.chars().any(|c| c.is_control() || c == '"');
    }
    // Root-relative paths of the site; no scheme, no protocol-relative host.
    u.starts_with('/')
        && !u.starts_with("//")
        && !u.contains(':')
        && !u.chars().any(|c| c.is_control())
}

/// The badges a member has, in badge file order: those given by hand (`manual`) and those
/// earned by points or by a count of contributions of one type.
fn badges_of(badges: &[Badge], manual: &[&str], contributions: &[Contribution]) -> Vec<String> {
    let points: u32 = contributions.iter().map(|c| c.points).sum();
    badges
        .iter()
        .filter(|b| {
            let by_points = b.points.is_some_and(|p| points >= p);
            let by_count = b.contributions.as_ref().is_some_and(|(kind, n)| {
                contributions.iter().filter(|c| &c.kind == kind).count() as u32 >= *n
            });
            manual.contains(&b.id.as_str()) || by_points || by_count
        })
        .map(|b| b.id.clone())
        .collect()
}

/// The feeds of a `feeds:` list: web addresses only; anything else is a warning at its place
/// and left out.
fn feed_sources(
    feeds: &[Spanned<String>],
    file: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FeedSource> {
    let mut out: Vec<FeedSource> = Vec::new();
    for f in feeds {
        let url = f.value.trim();
        let lower = url.to_ascii_lowercase();
        let web = (lower.starts_with("https://") || lower.starts_with("http://"))
            && safe_url(url)
            && !url.contains(char::is_whitespace);
        if !web {
            diags.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "feed `{}` is not a web address, so it is not fetched",
                        f.value
                    ),
                )
                .at(
                    text,
                    f.referenced.line() as usize,
                    f.referenced.column() as usize,
                )
                .with_hint(
                    "write the whole address of the RSS, Atom or JSON feed, starting with https://",
                ),
            );
            continue;
        }
        if out.iter().any(|o| o.url == url) {
            continue;
        }
        out.push(FeedSource {
            url: url.to_string(),
            place: place(file, text, f),
        });
    }
    out
}

/// Renders a member bio from Markdown and removes anything that could run or load.
pub fn sanitize_bio(markdown: &str) -> String {
    const REL: &str = "nofollow noopener noreferrer";
    let mut html = String::new();
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    pulldown_cmark::html::push_html(&mut html, parser);
    let clean = ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(REL))
        .rm_tags(["img"])
        .clean(&html)
        .to_string();
    placeholders_without_rel(&clean, REL)
}

/// ammonia gives `rel` to every `<a>`, also to one whose `href` it removed (`javascript:`):
/// that is a placeholder link, which HTML does not allow a `rel`, so it is taken off again.
/// `html` is ammonia's output, written by html5ever: text holds no raw `<`, and every attribute
/// is `name="value"` with no `"` inside the value, so a tag ends at the first `>` outside quotes.
fn placeholders_without_rel(html: &str, rel: &str) -> String {
    let rel_attr = format!(" rel=\"{rel}\"");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let mut quoted = false;
        let end = rest
            .find(|c| {
                quoted ^= c == '"';
                c == '>' && !quoted
            })
            .map_or(rest.len(), |i| i + 1);
        let tag = &rest[..end];
        if tag.starts_with("<a ") && !tag.contains(" href=\"") {
            out.push_str(&tag.replacen(&rel_attr, "", 1));
        } else {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl CommunityData {
    /// Loads and checks `data/members`, `data/communities` and `data/badges`. `static_files`
    /// (relative to `static/`) are the files a photo may name.
    pub fn load(
        config: &Config,
        data: &[DataFile],
        static_files: &BTreeSet<String>,
    ) -> (CommunityData, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let files_of = |key: &str| -> Vec<&DataFile> {
            data.iter()
                .filter(|f| {
                    let first = f
                        .rel
                        .components()
                        .next()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .unwrap_or_default();
                    first == key || first == format!("{key}.yaml") || first == format!("{key}.yml")
                })
                .collect()
        };
        let mut unreadable_badges = BTreeSet::new();
        let mut unreadable_communities = BTreeSet::new();
        let mut unreadable_members = BTreeSet::new();
        let raw_badges: Vec<(RawBadge, PathBuf, String)> = parse_all(
            &files_of("badges"),
            BADGE_KEYS,
            &mut diags,
            &mut unreadable_badges,
        );
        let raw_communities: Vec<(RawCommunity, PathBuf, String)> = parse_all(
            &files_of("communities"),
            COMMUNITY_KEYS,
            &mut diags,
            &mut unreadable_communities,
        );
        let raw_members: Vec<(RawMember, PathBuf, String)> = parse_all(
            &files_of("members"),
            MEMBER_KEYS,
            &mut diags,
            &mut unreadable_members,
        );
        let points = config.community.points.clone();
        let audiences = config.audience_names();
        let check_audience = |a: &Option<Spanned<String>>,
                              file: &PathBuf,
                              text: &str,
                              diags: &mut Vec<Diagnostic>|
         -> Audience {
            match a {
                Some(a) => config.audience(&a.value).unwrap_or_else(|| {
                    diags.push(
                        at(file, text, a, format!("unknown audience `{}`", a.value))
                            .with_hint(one_of(&a.value, &audiences)),
                    );
                    config.default_audience()
                }),
                None => config.default_audience(),
            }
        };
        let check_id = |id: &Spanned<String>,
                        seen: &mut HashMap<String, PathBuf>,
                        what: &str,
                        file: &PathBuf,
                        text: &str,
                        diags: &mut Vec<Diagnostic>|
         -> bool {
            if id.value.trim().is_empty() {
                // An empty id would make the page of the whole directory its own.
                diags.push(
                    at(file, text, id, format!("this {what} id is empty"))
                        .with_hint("give it a plain lowercase identifier, like `ana-lopez`"),
                );
                return false;
            }
            if crate::text::slugify(&id.value) != id.value {
                diags.push(
                    at(
                        file,
                        text,
                        id,
                        format!(
                            "{what} id `{}` is not a plain lowercase identifier",
                            id.value
                        ),
                    )
                    .with_hint(format!(
                        "use lowercase letters, digits and `-`, like `{}`",
                        crate::text::slugify(&id.value)
                    )),
                );
                return false;
            }
            if let Some(first) = seen.get(&id.value) {
                diags.push(
                    at(
                        file,
                        text,
                        id,
                        format!("duplicate {what} id `{}`", id.value),
                    )
                    .with_hint(format!(
                        "it is already used in {}; ids must be unique",
                        first.display()
                    )),
                );
                return false;
            }
            seen.insert(id.value.clone(), file.clone());
            true
        };

        let mut badges = Vec::new();
        let mut seen = HashMap::new();
        for (b, file, text) in raw_badges {
            if !check_id(&b.id, &mut seen, "badge", &file, &text, &mut diags) {
                continue;
            }
            let contributions = b.contributions.map(|r| {
                if !points.contains_key(&r.kind.value) {
                    let known: Vec<&str> = points.keys().map(String::as_str).collect();
                    diags.push(
                        at(
                            &file,
                            &text,
                            &r.kind,
                            format!("unknown contribution type `{}`", r.kind.value),
                        )
                        .with_hint(one_of(&r.kind.value, &known)),
                    );
                }
                (r.kind.value, r.count)
            });
            badges.push(Badge {
                id: b.id.value,
                name: b.name,
                description: b.description,
                icon: b.icon,
                points: b.points,
                contributions,
            });
        }
        let badge_ids: Vec<&str> = badges.iter().map(|b| b.id.as_str()).collect();

        let mut communities = Vec::new();
        let mut seen = HashMap::new();
        let mut community_refs = Vec::new();
        for (c, file, text) in raw_communities {
            if !check_id(&c.id, &mut seen, "community", &file, &text, &mut diags) {
                continue;
            }
            let kind = match &c.kind {
                Some(k) if !COMMUNITY_KINDS.contains(&k.value.as_str()) => {
                    diags.push(
                        at(
                            &file,
                            &text,
                            k,
                            format!("unknown community kind `{}`", k.value),
                        )
                        .with_hint(one_of(&k.value, COMMUNITY_KINDS)),
                    );
                    k.value.clone()
                }
                Some(k) => k.value.clone(),
                None => "project".to_string(),
            };
            let audience = check_audience(&c.audience, &file, &text, &mut diags);
            for m in &c.managers {
                community_refs.push((m.value.clone(), file.clone(), text.clone(), m.referenced));
            }
            communities.push(Community {
                url: format!("{}communities/{}/", config.root, c.id.value),
                id: c.id.value,
                name: c.name,
                kind,
                description: c.description,
                audience,
                charter_place: c.charter.as_ref().map(|ch| place(&file, &text, ch)),
                charter: c
                    .charter
                    .map(|ch| PathBuf::from(ch.value.trim_start_matches('/'))),
                managers: c.managers.into_iter().map(|m| m.value).collect(),
                themes: c.themes,
                feeds: feed_sources(&c.feeds, &file, &text, &mut diags),
                feed_entries: Vec::new(),
                file,
            });
        }
        let community_ids: Vec<&str> = communities.iter().map(|c| c.id.as_str()).collect();

        let mut members = Vec::new();
        let mut seen = HashMap::new();
        for (m, file, text) in raw_members {
            if !check_id(&m.id, &mut seen, "member", &file, &text, &mut diags) {
                continue;
            }
            for c in &m.communities {
                if !community_ids.contains(&c.value.as_str())
                    && !unreadable_communities.contains(&c.value)
                {
                    diags.push(
                        at(
                            &file,
                            &text,
                            c,
                            format!(
                                "member `{}` is in community `{}`, which does not exist",
                                m.id.value, c.value
                            ),
                        )
                        .with_hint(
                            match suggest(&c.value, community_ids.iter().copied()) {
                                Some(s) => format!(
                                "did you mean `{s}`? Communities are defined in data/communities"
                            ),
                                None => "add it to data/communities, or fix the id".to_string(),
                            },
                        ),
                    );
                }
            }
            for b in &m.badges {
                if !badge_ids.contains(&b.value.as_str()) && !unreadable_badges.contains(&b.value) {
                    diags.push(
                        at(
                            &file,
                            &text,
                            b,
                            format!("badge `{}` does not exist", b.value),
                        )
                        .with_hint(one_of(&b.value, &badge_ids)),
                    );
                }
            }
            // Unknown roles are reported here, with their place, and left out.
            let mut roles = Vec::with_capacity(m.roles.len());
            for r in &m.roles {
                match Role::parse(&r.value) {
                    Some(role) => roles.push(role),
                    None => diags.push(
                        at(&file, &text, r, format!("unknown role `{}`", r.value))
                            .with_hint(one_of(&r.value, Role::names())),
                    ),
                }
            }
            let status = match &m.status {
                Some(s) => MemberStatus::parse(&s.value).unwrap_or_else(|| {
                    diags.push(
                        at(&file, &text, s, format!("unknown status `{}`", s.value))
                            .with_hint(one_of(&s.value, MemberStatus::names())),
                    );
                    MemberStatus::Active
                }),
                None => MemberStatus::Active,
            };
            let date = |v: &Spanned<String>,
                        key: &str,
                        diags: &mut Vec<Diagnostic>|
             -> Option<DateValue> {
                DateValue::parse(&v.value)
                    .map_err(|why| {
                        diags.push(
                            at(
                                &file,
                                &text,
                                v,
                                format!("`{key}` is not a valid date: `{}` ({why})", v.value),
                            )
                            .with_hint("write dates as YYYY-MM-DD, for example 2026-02-28"),
                        )
                    })
                    .ok()
            };
            let joined = m
                .joined
                .as_ref()
                .and_then(|j| date(j, "joined", &mut diags));
            let leader_scores = m.leader_scores.as_ref().and_then(|s| {
                let mut ok = true;
                let mut get = |v: &Spanned<i64>, name: &str| -> u8 {
                    if !(1..=3).contains(&v.value) {
                        ok = false;
                        diags.push(
                            at(
                                &file,
                                &text,
                                v,
                                format!(
                                    "leader score `{name}` is {}, but scores go from 1 to 3",
                                    v.value
                                ),
                            )
                            .with_hint("score each criterion 1 (low), 2 or 3 (high)"),
                        );
                    }
                    v.value.clamp(0, 3) as u8
                };
                let scores = LeaderScores {
                    charisma: get(&s.charisma, "charisma"),
                    known: get(&s.known, "known"),
                    recognized: get(&s.recognized, "recognized"),
                    available: get(&s.available, "available"),
                };
                ok.then_some(scores)
            });
            let mut contributions = Vec::new();
            for c in &m.contributions {
                let pts = match points.get(&c.kind.value) {
                    Some(p) => *p,
                    None => {
                        let known: Vec<&str> = points.keys().map(String::as_str).collect();
                        diags.push(at(&file, &text, &c.kind, format!("unknown contribution type `{}`", c.kind.value))
                            .with_hint(format!("{}; types and their points are set under `community.points` in site.yaml", one_of(&c.kind.value, &known))));
                        0
                    }
                };
                let Some(d) = date(&c.date, "date", &mut diags) else {
                    continue;
                };
                let url_place = c.url.as_ref().map(|u| place(&file, &text, u));
                let url = c.url.as_ref().and_then(|u| {
                    if safe_url(&u.value) {
                        Some(u.value.trim().to_string())
                    } else {
                        diags.push(Diagnostic::warning(&file, format!("contribution link `{}` was dropped: only http, https and mailto links are kept", u.value))
                            .at(&text, u.referenced.line() as usize, u.referenced.column() as usize));
                        None
                    }
                });
                contributions.push(Contribution {
                    date: d,
                    kind: c.kind.value.clone(),
                    title: c.title.clone(),
                    url,
                    url_place,
                    points: pts,
                    from_feed: false,
                });
            }
            contributions.sort_by(|a, b| {
                b.date
                    .timestamp()
                    .cmp(&a.date.timestamp())
                    .then(a.title.cmp(&b.title))
            });
            let points_total: u32 = contributions.iter().map(|c| c.points).sum();
            let manual: Vec<&str> = m.badges.iter().map(|b| b.value.as_str()).collect();
            let member_badges = badges_of(&badges, &manual, &contributions);
            let mut links = Vec::new();
            for l in &m.links {
                if safe_url(&l.url.value) {
                    links.push(MemberLink {
                        label: l.label.clone(),
                        url: l.url.value.trim().to_string(),
                        place: place(&file, &text, &l.url),
                    });
                } else {
                    diags.push(
                        Diagnostic::warning(
                            &file,
                            format!(
                                "link `{}` was dropped: only http, https and mailto links are kept",
                                l.url.value
                            ),
                        )
                        .at(
                            &text,
                            l.url.referenced.line() as usize,
                            l.url.referenced.column() as usize,
                        ),
                    );
                }
            }
            let photo = m.photo.as_ref().and_then(|p| {
                let path = p.value.trim().trim_start_matches('/');
                if static_files.contains(path) && !p.value.contains("..") {
                    Some(format!("{}{path}", config.root))
                } else {
                    diags.push(Diagnostic::warning(&file, format!("photo `{}` is not a file under static/, so an initials avatar is shown instead", p.value))
                        .at(&text, p.referenced.line() as usize, p.referenced.column() as usize)
                        .with_hint("put the photo under static/ (for example static/members/ana.jpg) and write `photo: members/ana.jpg`; photos from other sites are not loaded"));
                    None
                }
            });
            let audience = check_audience(&m.audience, &file, &text, &mut diags);
            members.push(Member {
                url: format!("{}members/{}/", config.root, m.id.value),
                id: m.id.value,
                name: m.name,
                pronouns: m.pronouns,
                photo,
                headline: m.headline,
                company: m.company,
                team: m.team,
                location: m.location,
                country: m.country,
                languages: m.languages,
                expertise: m.expertise,
                communities: m.communities.into_iter().map(|c| c.value).collect(),
                roles,
                status,
                joined,
                bio_html: m.bio.as_deref().map(sanitize_bio),
                links,
                contributions,
                badges: member_badges,
                points: points_total,
                leader_scores,
                email: m.email,
                email_public: m.email_public,
                audience,
                published: m.published.unwrap_or(true),
                on_leaderboard: m.leaderboard.unwrap_or(true),
                notes_html: m.notes.as_deref().map(sanitize_bio),
                feeds: feed_sources(&m.feeds, &file, &text, &mut diags),
                feed_entries: Vec::new(),
                file,
            });
        }
        let member_ids: BTreeSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
        for (id, file, text, loc) in community_refs {
            if !member_ids.contains(id.as_str()) && !unreadable_members.contains(&id) {
                let hint = match suggest(&id, member_ids.iter().copied()) {
                    Some(s) => {
                        format!("did you mean `{s}`? Managers are member ids from data/members")
                    }
                    None => "managers are member ids from data/members".to_string(),
                };
                diags.push(
                    Diagnostic::error(&file, format!("community manager `{id}` is not a member"))
                        .at(&text, loc.line() as usize, loc.column() as usize)
                        .with_hint(hint),
                );
            }
        }
        (
            CommunityData {
                members,
                communities,
                badges,
                unreadable_members,
                unreadable_communities,
            },
            diags,
        )
    }

    /// Gives each member and community the entries fetched from the feeds it lists; each
    /// entry of a member's feed is also a contribution of type `article`, dated from the feed,
    /// so points, badges and the report count what members publish. Attaching again replaces
    /// what an earlier call attached.
    pub fn attach_feeds(&mut self, fetched: &FetchedFeeds, config: &Config) {
        let points = config.community.points.get("article").copied().unwrap_or(0);
        for m in &mut self.members {
            m.feed_entries = entries_of(&m.feeds, fetched);
            m.contributions.retain(|c| !c.from_feed);
            m.contributions
                .extend(m.feed_entries.iter().map(|e| Contribution {
                    date: DateValue::Instant(e.date),
                    kind: "article".into(),
                    title: e.title.clone(),
                    url: Some(e.url.clone()),
                    url_place: None,
                    points,
                    from_feed: true,
                }));
            m.contributions.sort_by(|a, b| {
                b.date
                    .timestamp()
                    .cmp(&a.date.timestamp())
                    .then(a.title.cmp(&b.title))
            });
            m.points = m.contributions.iter().map(|c| c.points).sum();
            // Badges only grow with contributions: those given by hand are kept.
            let earned = badges_of(&self.badges, &[], &m.contributions);
            let had = std::mem::take(&mut m.badges);
            m.badges = self
                .badges
                .iter()
                .filter(|b| had.contains(&b.id) || earned.contains(&b.id))
                .map(|b| b.id.clone())
                .collect();
        }
        for c in &mut self.communities {
            c.feed_entries = entries_of(&c.feeds, fetched);
        }
    }

    /// Every feed listed, with its places, in file order: what to fetch.
    pub fn feed_sources(&self) -> Vec<&FeedSource> {
        self.members
            .iter()
            .flat_map(|m| &m.feeds)
            .chain(self.communities.iter().flat_map(|c| &c.feeds))
            .collect()
    }

    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// Warnings a community manager wants from `parvis check`: thin profiles, members of no
    /// community, communities with no manager or no charter.
    pub fn health_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for m in self
            .members
            .iter()
            .filter(|m| m.published && m.status == MemberStatus::Active)
        {
            if m.is_thin() {
                let bare = m.headline.is_none() && m.expertise.is_empty() && m.links.is_empty();
                let what = match (bare, m.email.is_some()) {
                    (true, true) => "nothing but a name and an email",
                    (true, false) => "nothing but a name",
                    (false, _) => "no bio and no photo",
                };
                out.push(Diagnostic::warning(&m.file, format!("thin profile: member `{}` has {what}", m.id))
                    .with_hint("a community lives on rich profiles: add a bio, a photo, a headline or expertise"));
            }
            if m.communities.is_empty() {
                out.push(
                    Diagnostic::warning(
                        &m.file,
                        format!("member `{}` belongs to no community", m.id),
                    )
                    .with_hint("add the communities they take part in under `communities:`"),
                );
            }
        }
        for c in &self.communities {
            if c.managers.is_empty() {
                out.push(
                    Diagnostic::warning(&c.file, format!("community `{}` has no manager", c.id))
                        .with_hint("name the core team everyone should know under `managers:`"),
                );
            }
            if c.charter.is_none() {
                out.push(
                    Diagnostic::warning(&c.file, format!("community `{}` has no charter", c.id))
                        .with_hint(
                            "write the rules of the game as a page and name it under `charter:`",
                        ),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_keys_are_the_fields_of_members_communities_and_badges() {
        use crate::yaml::assert_keys_are_fields;
        assert_keys_are_fields::<RawMember>("MEMBER_KEYS", MEMBER_KEYS);
        assert_keys_are_fields::<RawCommunity>("COMMUNITY_KEYS", COMMUNITY_KEYS);
        assert_keys_are_fields::<RawBadge>("BADGE_KEYS", BADGE_KEYS);
    }

    #[test]
    fn bios_cannot_run_script() {
        let html = sanitize_bio("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"data:text/html,x\">d</a> <span style=\"background:url(https://evil.example/x)\">s</span>");
        for bad in ["<script", "onerror", "javascript:", "data:", "url(", "<img"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }

    #[test]
    fn a_link_whose_address_was_removed_is_a_placeholder_without_rel() {
        let html = sanitize_bio("[x](javascript:alert(1)) <a title=\"a > b\" href=\"jAvAsCrIpT:x\">y</a> [ok](https://example.org/) \"quoted > text\"");
        assert_eq!(
            html,
            "<p><a>x</a> <a title=\"a &gt; b\">y</a> <a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer\">ok</a> \"quoted &gt; text\"</p>\n"
        );
    }

    #[test]
    fn only_web_and_mail_urls_are_safe() {
        assert!(safe_url("https://example.org/x"));
        assert!(safe_url("mailto:a@b.c"));
        assert!(safe_url("/members/ana/"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "//evil.example/x",
            "vbscript:x",
            " javascript:x",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn feed_entries_are_article_contributions_once_however_often_attached() {
        let config = Config::from_file(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://x.example/\ncommunity:\n  points: { article: 10 }\n",
        )
        .unwrap();
        let member = DataFile {
            rel: PathBuf::from("members/ana.yaml"),
            display: PathBuf::from("data/members/ana.yaml"),
            text: "id: ana\nname: Ana\nfeeds:\n  - https://ana.example/feed.xml\n  - javascript:alert(1)\ncontributions:\n  - { date: 2026-01-01, type: article, title: By hand }\n".into(),
        };
        let (mut data, diags) = CommunityData::load(&config, &[member], &BTreeSet::new());
        assert_eq!(diags.len(), 1, "the script address is a warning: {diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (5, 5));
        let m = &data.members[0];
        assert_eq!(m.feeds.len(), 1);
        assert_eq!((m.feeds[0].place.line, m.feeds[0].place.column), (4, 5));
        let entry = FeedEntry {
            title: "Fetched".into(),
            url: "https://ana.example/p".into(),
            date: "2026-02-01T10:00:00Z".parse().unwrap(),
            summary_html: None,
            author: None,
        };
        let fetched: FetchedFeeds = [("https://ana.example/feed.xml".to_string(), vec![entry])]
            .into_iter()
            .collect();
        for _ in 0..2 {
            data.attach_feeds(&fetched, &config);
            let m = &data.members[0];
            assert_eq!(m.points, 20);
            let titles: Vec<&str> = m.contributions.iter().map(|c| c.title.as_str()).collect();
            assert_eq!(titles, ["Fetched", "By hand"]);
            assert_eq!(m.feed_entries.len(), 1);
        }
    }

    #[test]
    fn leader_candidates_need_eight_points() {
        let s = |c, k, r, a| LeaderScores {
            charisma: c,
            known: k,
            recognized: r,
            available: a,
        };
        assert!(s(2, 2, 2, 2).is_candidate());
        assert!(!s(2, 2, 2, 1).is_candidate());
        assert!(s(3, 3, 1, 1).is_candidate());
    }
}
