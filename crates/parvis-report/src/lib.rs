//! Report: the community manager's view of the site. Objectives measured from the content and
//! the community data, the editorial calendar of the coming weeks, themes left quiet, leader
//! candidates, thin profiles and postings about to close. It reads a filtered model
//! (parvis-core) and sits under the templates, which draw it as the dashboard.
//!
//! [`measure`] is the one function that computes it, from a model the filter prepared for one
//! audience at one moment; `parvis report` prints it ([`output`]) and the dashboard page draws
//! it ([`svg`]). It reads the model and changes nothing. It sees what the audience may see,
//! including posts scheduled for later (the plan), never drafts, and private fields (leader
//! scores) only for audiences inside `community.private_audience`.

pub mod calendar;
pub mod output;
pub mod svg;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use parvis_core::config::{Audience, Config, Indicator, Objective};
use parvis_core::date::DateValue;
use parvis_core::diagnostics::{suggest, Diagnostic};
use parvis_core::model::community::{CommunityData, Member};
use parvis_core::model::community::{MemberStatus, Role};
use parvis_core::model::{Page, SectionKind, Site};
use parvis_core::text::slugify;
use serde::Serialize;

/// Objectives name communities that exist.
pub fn check(config: &Config, community: &CommunityData) -> Vec<Diagnostic> {
    let ids: Vec<&str> = community
        .communities
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    config
        .objectives
        .iter()
        .filter_map(|o| o.community.as_ref())
        .filter(|c| {
            !ids.contains(&c.value.as_str()) && !community.unreadable_communities.contains(&c.value)
        })
        .map(|c| {
            let hint = match suggest(&c.value, ids.iter().copied()) {
                Some(s) => {
                    format!("did you mean `{s}`? Communities are the ids of data/communities")
                }
                None => "communities are the ids of data/communities".to_string(),
            };
            c.error(format!(
                "objective names community `{}`, which does not exist",
                c.value
            ))
            .with_hint(hint)
        })
        .collect()
}

/// How an objective stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The value reached the target.
    Met,
    /// Not yet, but the change of the last period, kept up, reaches it by the date.
    OnTrack,
    /// At the pace of the last period, it will not be reached by the date.
    Behind,
    /// The date passed without the target being reached.
    Overdue,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::OnTrack => "on_track",
            Status::Behind => "behind",
            Status::Overdue => "overdue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Up,
    Flat,
    Down,
}

/// An objective with its measured value.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveResult {
    pub id: String,
    pub title: String,
    pub indicator: &'static str,
    pub community: Option<String>,
    pub theme: Option<String>,
    pub value: f64,
    pub target: f64,
    /// `YYYY-MM-DD`.
    pub by: String,
    /// The value one period earlier (the previous window for rates, four weeks ago for counts).
    pub previous: f64,
    pub change: f64,
    pub trend: Trend,
    pub status: Status,
    /// Share of the target reached, 0 to 100.
    pub percent: u32,
    /// Days until `by` (negative once past).
    pub days_left: i64,
    /// What the value stands for when it is not obvious (the smallest community).
    pub detail: Option<String>,
}

/// A theme that has had nothing published for a while.
#[derive(Debug, Clone, Serialize)]
pub struct QuietTheme {
    pub name: String,
    pub slug: String,
    /// The newest page with this theme, `YYYY-MM-DD`, if any.
    pub last: Option<String>,
    pub days_since: Option<i64>,
    /// The next planned item with this theme in the calendar, `YYYY-MM-DD`, if any.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberRef {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub url: String,
    pub total: u8,
    pub charisma: u8,
    pub known: u8,
    pub recognized: u8,
    pub available: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Posting {
    pub title: String,
    pub url: String,
    /// `YYYY-MM-DD`.
    pub valid_through: String,
    pub days_left: i64,
}

/// Posts of one past week, by theme.
#[derive(Debug, Clone, Serialize)]
pub struct WeekPosts {
    /// The Monday, `YYYY-MM-DD`.
    pub start: String,
    /// Aligned with [`History::themes`]: posts whose first theme is that one.
    pub counts: Vec<u32>,
    /// Posts whose first theme is another one, or that have none.
    pub other: u32,
    pub total: u32,
}

/// One past month of the community.
#[derive(Debug, Clone, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    /// Active members who had joined by the end of the month (or now, for this month).
    pub members: u32,
    pub ambassadors: u32,
    pub contributions: u32,
}

/// What the charts draw.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// The themes posted under most in [`History::weeks`], most first.
    pub themes: Vec<String>,
    /// The last 12 weeks, oldest first, this week last.
    pub weeks: Vec<WeekPosts>,
    /// The last 12 months, oldest first, this month last.
    pub months: Vec<Month>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub site: String,
    pub audience: Audience,
    /// The moment measured, `YYYY-MM-DD` (UTC).
    pub today: String,
    pub objectives: Vec<ObjectiveResult>,
    pub calendar: Vec<calendar::Week>,
    /// Themes with nothing published for `report.stale_after_days` days or more.
    pub quiet_themes: Vec<QuietTheme>,
    pub stale_after_days: u32,
    /// Only for audiences that may see leader scores.
    pub leader_candidates: Vec<Candidate>,
    pub thin_profiles: Vec<MemberRef>,
    /// Open postings that close within the calendar's weeks.
    pub expiring_postings: Vec<Posting>,
    pub history: History,
}

/// Themes shown apart in the posts chart; the rest are "other".
const CHART_THEMES: usize = 4;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub(crate) fn day_start(d: Date) -> Timestamp {
    DateValue::Day(d).timestamp()
}

pub(crate) fn add_days(d: Date, n: i64) -> Date {
    d.saturating_add(days(n))
}

/// Whole days from `a` to `b`.
fn days_between(a: Date, b: Date) -> i64 {
    b.duration_since(a).as_hours() / 24
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The day of a moment, in UTC.
pub(crate) fn day_of(t: Timestamp) -> Date {
    DateValue::Instant(t).day()
}

/// When a page went or goes out to `viewer`: its publish date for that circle, else its
/// `date`.
pub(crate) fn published_at(p: &Page, viewer: &Audience) -> Option<Timestamp> {
    p.opens_to(viewer).or(p.date).map(|d| d.timestamp())
}

/// The measuring context: one site, one audience, one moment.
pub(crate) struct Scope<'a> {
    pub site: &'a Site,
    pub now: Timestamp,
}

impl<'a> Scope<'a> {
    /// Pages the audience may see, drafts left out, whatever their publish date: the plan
    /// includes what is scheduled.
    pub fn pages(&self) -> impl Iterator<Item = &'a Page> + '_ {
        let site = self.site;
        site.pages
            .iter()
            .filter(move |p| !p.front.draft && site.audience.sees(&p.audience))
            .map(|p| &**p)
    }

    /// Whether a page was on the audience's site at `t`: published by then and not yet expired.
    fn on_site(&self, p: &Page, t: Timestamp) -> bool {
        p.opens_to(&self.site.audience)
            .is_none_or(|d| d.timestamp() <= t)
            && p.expiry_date.is_none_or(|d| d.timestamp() > t)
    }

    fn posts(&self) -> impl Iterator<Item = &'a Page> + '_ {
        self.pages().filter(|p| p.kind == SectionKind::Blog)
    }

    /// Active members the audience may see.
    pub fn members(&self) -> impl Iterator<Item = &'a Member> + '_ {
        let site = self.site;
        site.community
            .members
            .iter()
            .enumerate()
            .filter(move |(i, m)| site.member_visible[*i] && m.status == MemberStatus::Active)
            .map(|(_, m)| m)
    }

    /// Active members who had joined by `t` (members without `joined` always count).
    fn members_at(&self, t: Timestamp) -> impl Iterator<Item = &'a Member> + '_ {
        self.members()
            .filter(move |m| m.joined.is_none_or(|j| j.timestamp() <= t))
    }

    fn community_themes(&self, id: &str) -> &'a [String] {
        self.site
            .community
            .communities
            .iter()
            .find(|c| c.id == id)
            .map_or(&[], |c| c.themes.as_slice())
    }

    fn page_matches(&self, p: &Page, o: &Objective) -> bool {
        let community = o.community.as_ref().is_none_or(|c| {
            parvis_core::model::community::page_belongs(
                p,
                &c.value,
                self.community_themes(&c.value),
            )
        });
        let theme = o.theme.as_ref().is_none_or(|t| {
            let t = slugify(t);
            p.front.themes.iter().any(|x| slugify(x) == t)
        });
        community && theme
    }

    fn member_matches(m: &Member, o: &Objective) -> bool {
        o.community
            .as_ref()
            .is_none_or(|c| m.communities.iter().any(|x| x == &c.value))
    }

    /// The value of an objective's indicator at `t`, and what it stands for when that needs
    /// saying.
    fn value(&self, o: &Objective, t: Timestamp) -> (f64, Option<String>) {
        let count = |n: usize| (n as f64, None);
        match o.indicator {
            Indicator::Members => count(
                self.members_at(t)
                    .filter(|m| Self::member_matches(m, o))
                    .count(),
            ),
            Indicator::ActiveAmbassadors => count(
                self.members_at(t)
                    .filter(|m| Self::member_matches(m, o))
                    .filter(|m| m.roles.contains(&Role::Ambassador))
                    .count(),
            ),
            Indicator::CompleteProfiles => count(
                self.members_at(t)
                    .filter(|m| Self::member_matches(m, o))
                    .filter(|m| m.is_complete())
                    .count(),
            ),
            Indicator::MembersPerCommunity => {
                let site = self.site;
                let smallest = site
                    .community
                    .communities
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| site.community_visible[*i])
                    .map(|(_, c)| {
                        let n = self
                            .members_at(t)
                            .filter(|m| m.communities.iter().any(|x| x == &c.id))
                            .count();
                        (n, &c.name)
                    })
                    .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
                match smallest {
                    Some((n, name)) => (n as f64, Some(name.clone())),
                    None => (0.0, None),
                }
            }
            Indicator::PostsPerWeek => {
                let from = t - days(28);
                let n = self
                    .posts()
                    .filter(|p| self.page_matches(p, o))
                    .filter(|p| {
                        published_at(p, &self.site.audience).is_some_and(|d| d > from && d <= t)
                    })
                    .count();
                (round2(n as f64 / 4.0), None)
            }
            Indicator::ContributionsPerMonth => {
                let from = t - days(30);
                let n = self
                    .members()
                    .filter(|m| Self::member_matches(m, o))
                    .flat_map(|m| &m.contributions)
                    .filter(|c| {
                        let d = c.date.timestamp();
                        d > from && d <= t
                    })
                    .count();
                count(n)
            }
            Indicator::OpenPostings => count(
                self.pages()
                    .filter(|p| p.job.is_some() && self.on_site(p, t))
                    .filter(|p| p.date.is_none_or(|d| d.timestamp() <= t))
                    .filter(|p| !p.job_closed(t))
                    .count(),
            ),
            Indicator::UpcomingEvents => count(
                self.pages()
                    .filter(|p| self.on_site(p, t) && self.page_matches(p, o))
                    .filter(|p| {
                        p.event
                            .as_ref()
                            .is_some_and(|e| e.end.as_ref().unwrap_or(&e.start).timestamp() >= t)
                    })
                    .count(),
            ),
        }
    }

    fn objective(&self, o: &Objective) -> ObjectiveResult {
        let period = o.indicator.period_days();
        let (value, detail) = self.value(o, self.now);
        let (previous, _) = self.value(o, self.now - days(period));
        let change = round2(value - previous);
        let by_end = day_start(add_days(o.by, 1));
        let days_left = days_between(day_of(self.now), o.by);
        let status = if value >= o.target {
            Status::Met
        } else if self.now >= by_end {
            Status::Overdue
        } else {
            let periods =
                by_end.duration_since(self.now).as_secs_f64() / days(period).as_secs_f64();
            if change > 0.0 && value + change * periods >= o.target {
                Status::OnTrack
            } else {
                Status::Behind
            }
        };
        let trend = if change > 0.0 {
            Trend::Up
        } else if change < 0.0 {
            Trend::Down
        } else {
            Trend::Flat
        };
        let percent = if o.target <= 0.0 {
            100
        } else {
            ((value / o.target * 100.0).clamp(0.0, 100.0)).floor() as u32
        };
        ObjectiveResult {
            id: o.id.clone(),
            title: o.title.clone(),
            indicator: o.indicator.name(),
            community: o.community.as_ref().map(|c| c.value.clone()),
            theme: o.theme.clone(),
            value,
            target: o.target,
            by: o.by.to_string(),
            previous,
            change,
            trend,
            status,
            percent,
            days_left,
            detail,
        }
    }

    /// Every theme the audience can see on pages or communities, with its newest page.
    fn quiet_themes(&self, calendar: &[calendar::Week], stale_after: i64) -> Vec<QuietTheme> {
        let today = day_of(self.now);
        let mut themes: Vec<(String, String, Option<Timestamp>)> = Vec::new();
        let mut note = |name: &str, at: Option<Timestamp>| {
            let slug = slugify(name);
            if slug.is_empty() {
                return;
            }
            match themes.iter_mut().find(|(s, _, _)| *s == slug) {
                Some((_, _, last)) => {
                    if at > *last {
                        *last = at;
                    }
                }
                None => themes.push((slug, name.to_string(), at)),
            }
        };
        for p in self.pages() {
            let at = match &p.event {
                Some(e) => Some(e.start.timestamp()),
                None => published_at(p, &self.site.audience),
            }
            .filter(|&t| t <= self.now);
            for t in &p.front.themes {
                note(t, at);
            }
        }
        let site = self.site;
        for (i, c) in site.community.communities.iter().enumerate() {
            if site.community_visible[i] {
                for t in &c.themes {
                    note(t, None);
                }
            }
        }
        let mut quiet: Vec<QuietTheme> = themes
            .into_iter()
            .filter_map(|(slug, name, last)| {
                let days_since = last.map(|l| days_between(day_of(l), today));
                if days_since.is_some_and(|d| d < stale_after) {
                    return None;
                }
                let next = calendar
                    .iter()
                    .flat_map(|w| &w.items)
                    .filter(|i| i.kind != calendar::ItemKind::PostingCloses && !i.published)
                    .find(|i| i.themes.iter().any(|t| slugify(t) == slug))
                    .map(|i| i.day.clone());
                Some(QuietTheme {
                    name,
                    slug,
                    last: last.map(|l| day_of(l).to_string()),
                    days_since,
                    next,
                })
            })
            .collect();
        quiet.sort_by(|a, b| {
            b.days_since
                .unwrap_or(i64::MAX)
                .cmp(&a.days_since.unwrap_or(i64::MAX))
                .then(a.slug.cmp(&b.slug))
        });
        quiet
    }

    fn history(&self) -> History {
        let today = day_of(self.now);
        let monday = calendar::monday_of(today);
        let starts: Vec<Date> = (0..12).rev().map(|k| add_days(monday, -7 * k)).collect();
        let from = day_start(starts[0]);
        let posts: Vec<(Timestamp, Option<String>)> = self
            .posts()
            .filter_map(|p| {
                published_at(p, &self.site.audience).map(|t| (t, p.front.themes.first().cloned()))
            })
            .filter(|(t, _)| *t >= from && *t <= self.now)
            .collect();
        let mut totals: Vec<(String, String, u32)> = Vec::new();
        for (_, theme) in &posts {
            if let Some(name) = theme {
                let slug = slugify(name);
                match totals.iter_mut().find(|(s, _, _)| *s == slug) {
                    Some(t) => t.2 += 1,
                    None => totals.push((slug, name.clone(), 1)),
                }
            }
        }
        totals.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        totals.truncate(CHART_THEMES);
        let weeks = starts
            .iter()
            .map(|&start| {
                let (a, b) = (day_start(start), day_start(add_days(start, 7)));
                let mut counts = vec![0; totals.len()];
                let mut other = 0;
                let mut total = 0;
                for (_, theme) in posts.iter().filter(|(t, _)| *t >= a && *t < b) {
                    total += 1;
                    let slot = theme
                        .as_ref()
                        .and_then(|n| totals.iter().position(|(s, _, _)| *s == slugify(n)));
                    match slot {
                        Some(k) => counts[k] += 1,
                        None => other += 1,
                    }
                }
                WeekPosts {
                    start: start.to_string(),
                    counts,
                    other,
                    total,
                }
            })
            .collect();
        let this_month = today.first_of_month();
        let months = (0..12)
            .rev()
            .map(|k| {
                let start = this_month.saturating_sub(jiff::Span::new().months(k));
                let next = start.saturating_add(jiff::Span::new().months(1));
                let end = day_start(next).min(self.now);
                let joined = |m: &&Member| m.joined.is_none_or(|j| j.timestamp() < end);
                let members: Vec<&Member> = self.members().filter(joined).collect();
                let contributions = self
                    .members()
                    .flat_map(|m| &m.contributions)
                    .map(|c| c.date.timestamp())
                    .filter(|&d| d >= day_start(start) && d < end)
                    .count();
                Month {
                    month: start.strftime("%Y-%m").to_string(),
                    members: members.len() as u32,
                    ambassadors: members
                        .iter()
                        .filter(|m| m.roles.contains(&Role::Ambassador))
                        .count() as u32,
                    contributions: contributions as u32,
                }
            })
            .collect();
        History {
            themes: totals.into_iter().map(|(_, name, _)| name).collect(),
            weeks,
            months,
        }
    }
}

/// The report of `site` as its filter left it: for `site.audience`, at `site.now`.
pub fn measure(site: &Site) -> Report {
    let config = &site.config;
    let scope = Scope {
        site,
        now: site.now,
    };
    let today = day_of(site.now);
    let weeks = config.report.weeks;
    let calendar = calendar::weeks(&scope, weeks);
    let quiet_themes = scope.quiet_themes(&calendar, i64::from(config.report.stale_after_days));
    let mut leader_candidates: Vec<Candidate> = if config.sees_private(&site.audience) {
        scope
            .members()
            .filter_map(|m| {
                let s = m.leader_scores.filter(|s| s.is_candidate())?;
                Some(Candidate {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    url: m.url.clone(),
                    total: s.total(),
                    charisma: s.charisma,
                    known: s.known,
                    recognized: s.recognized,
                    available: s.available,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    leader_candidates.sort_by(|a, b| b.total.cmp(&a.total).then(a.name.cmp(&b.name)));
    let thin_profiles = scope
        .members()
        .filter(|m| m.is_thin())
        .map(|m| MemberRef {
            id: m.id.clone(),
            name: m.name.clone(),
            url: m.url.clone(),
        })
        .collect();
    let horizon = add_days(calendar::monday_of(today), 7 * i64::from(weeks));
    let mut expiring_postings: Vec<Posting> = scope
        .pages()
        .filter(|p| scope.on_site(p, site.now) && !p.job_closed(site.now))
        .filter_map(|p| {
            let until = p.job.as_ref()?.valid_through?.day();
            (until < horizon).then(|| Posting {
                title: p.title.clone(),
                url: p.url.clone(),
                valid_through: until.to_string(),
                days_left: days_between(today, until),
            })
        })
        .collect();
    expiring_postings.sort_by(|a, b| {
        a.valid_through
            .cmp(&b.valid_through)
            .then(a.title.cmp(&b.title))
    });
    Report {
        site: config.title.clone(),
        audience: site.audience.clone(),
        today: today.to_string(),
        objectives: config
            .objectives
            .iter()
            .map(|o| scope.objective(o))
            .collect(),
        calendar,
        quiet_themes,
        stale_after_days: config.report.stale_after_days,
        leader_candidates,
        thin_profiles,
        expiring_postings,
        history: scope.history(),
    }
}

/// The dashboard's URL in this build, when its audience may see it.
pub fn dashboard_url(site: &Site) -> Option<String> {
    let r = &site.config.report;
    (r.dashboard && site.audience.sees(&r.audience))
        .then(|| format!("{}{}", site.config.root, r.path.trim_start_matches('/')))
}
