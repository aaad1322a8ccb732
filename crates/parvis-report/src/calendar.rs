//! The editorial calendar: what goes out in the coming weeks, week by week from this week's
//! Monday (UTC): posts by their publish date, events by their start, postings by the day they
//! close. A week with no post and no event has nothing planned.

use super::{add_days, day_of, day_start, published_at, Scope};
use jiff::civil::Date;
use jiff::Timestamp;
use parvis_core::date::DateValue;
use parvis_core::ics;
use parvis_core::model::Site;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Post,
    Event,
    /// The last day a job posting takes applications.
    PostingCloses,
}

impl ItemKind {
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Post => "post",
            ItemKind::Event => "event",
            ItemKind::PostingCloses => "posting_closes",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `YYYY-MM-DD`, or an instant in UTC (`2027-01-21T13:00:00Z`).
    pub date: String,
    pub title: String,
    pub url: String,
    pub themes: Vec<String>,
    /// Already out (or past, for events and closing days).
    pub published: bool,
    /// Whether the page is in this build (a post scheduled for later is not, yet).
    pub live: bool,
    /// The file to open, `content/blog/x.md`.
    pub source: String,
    /// For a post that opens circle by circle (`publish_date` per audience): each circle's
    /// date, innermost first. Empty for a post with one date.
    pub openings: Vec<Opening>,
    #[serde(skip)]
    at: DateValue,
    #[serde(skip)]
    end: Option<Timestamp>,
}

/// When a post opens to one circle.
#[derive(Debug, Clone, Serialize)]
pub struct Opening {
    pub audience: String,
    /// `YYYY-MM-DD`, or an instant in UTC.
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Week {
    /// The Monday, `YYYY-MM-DD`.
    pub start: String,
    /// ISO week, `2027-W03`.
    pub iso_week: String,
    pub items: Vec<Item>,
    pub posts: u32,
    pub events: u32,
    /// No post and no event this week.
    pub empty: bool,
}

/// The Monday of the week of `d`.
pub fn monday_of(d: Date) -> Date {
    add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))
}

/// The calendar of `n` weeks from this week's Monday.
pub(super) fn weeks(scope: &Scope<'_>, n: u32) -> Vec<Week> {
    let now = scope.now;
    let first = monday_of(day_of(now));
    let (from, to) = (
        day_start(first),
        day_start(add_days(first, 7 * i64::from(n))),
    );
    let within = |t: Timestamp| t >= from && t < to;
    let mut items = Vec::new();
    for p in scope.pages() {
        let item = |kind, at: DateValue, end, published| Item {
            kind,
            day: at.day().to_string(),
            date: at.iso(),
            title: p.title.clone(),
            url: p.url.clone(),
            themes: p.front.themes.clone(),
            published,
            live: p.hidden.is_none(),
            source: parvis_core::load::slash_path(&p.source.display),
            openings: if p.previews.is_empty() || kind != ItemKind::Post {
                Vec::new()
            } else {
                p.openings()
                    .map(|(a, d)| Opening {
                        audience: a.to_string(),
                        date: d.iso(),
                    })
                    .collect()
            },
            at,
            end,
        };
        if p.kind == parvis_core::model::SectionKind::Blog {
            if let (Some(at), Some(t)) = (
                p.opens_to(&scope.site.audience).or(p.date),
                published_at(p, &scope.site.audience),
            ) {
                if within(t) {
                    items.push(item(ItemKind::Post, at, None, t <= now));
                }
            }
        }
        if let Some(e) = &p.event {
            let start = e.start.timestamp();
            if within(start) {
                let end = e.end.as_ref().map(|z| z.timestamp());
                items.push(item(
                    ItemKind::Event,
                    DateValue::Instant(start),
                    end,
                    start <= now,
                ));
            }
        }
        if let Some(until) = p.job.as_ref().and_then(|j| j.valid_through) {
            let day = until.day();
            if within(day_start(day)) {
                items.push(item(
                    ItemKind::PostingCloses,
                    DateValue::Day(day),
                    None,
                    day < day_of(now),
                ));
            }
        }
    }
    items.sort_by(|a, b| {
        (a.at.timestamp(), a.kind, &a.title, &a.url).cmp(&(
            b.at.timestamp(),
            b.kind,
            &b.title,
            &b.url,
        ))
    });
    (0..n)
        .map(|k| {
            let start = add_days(first, 7 * i64::from(k));
            let (a, b) = (day_start(start), day_start(add_days(start, 7)));
            let week_items: Vec<Item> = items
                .iter()
                .filter(|i| {
                    let t = i.at.timestamp();
                    t >= a && t < b
                })
                .cloned()
                .collect();
            let count = |kind| week_items.iter().filter(|i| i.kind == kind).count() as u32;
            let (posts, events) = (count(ItemKind::Post), count(ItemKind::Event));
            let iso = start.iso_week_date();
            Week {
                start: start.to_string(),
                iso_week: format!("{:04}-W{:02}", iso.year(), iso.week()),
                items: week_items,
                posts,
                events,
                empty: posts == 0 && events == 0,
            }
        })
        .collect()
}

/// The calendar as an iCalendar file, so the plan shows in the team's calendar. `label` gives
/// the interface strings (`calendar_post`, `calendar_event`, `calendar_posting_closes`,
/// `editorial_calendar`).
pub fn ics(site: &Site, weeks: &[Week], label: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let name = format!("{} · {}", label("editorial_calendar"), site.config.title);
    ics::begin(site, &name, &mut out);
    for item in weeks.iter().flat_map(|w| &w.items) {
        let url = ics::uri(&site.config.permalink(&item.url));
        let prefix = label(match item.kind {
            ItemKind::Post => "calendar_post",
            ItemKind::Event => "calendar_event",
            ItemKind::PostingCloses => "calendar_posting_closes",
        });
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{url}#{}", item.kind.name()),
            // The item's own date, not the build time, so that two builds give the same file.
            format!("DTSTAMP:{}", ics::utc(item.at.timestamp())),
        ];
        match item.at {
            DateValue::Day(d) => {
                lines.push(format!("DTSTART;VALUE=DATE:{}", d.strftime("%Y%m%d")));
                lines.push(format!(
                    "DTEND;VALUE=DATE:{}",
                    add_days(d, 1).strftime("%Y%m%d")
                ));
            }
            DateValue::Instant(t) => {
                lines.push(format!("DTSTART:{}", ics::utc(t)));
                lines.push(format!("DTEND:{}", ics::utc(item.end.unwrap_or(t))));
            }
        }
        lines.push(format!(
            "SUMMARY:{}",
            ics::text(&format!("{prefix}: {}", item.title))
        ));
        if !item.themes.is_empty() {
            let themes: Vec<String> = item.themes.iter().map(|t| ics::text(t)).collect();
            lines.push(format!("CATEGORIES:{}", themes.join(",")));
        }
        lines.push(format!("URL:{url}"));
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
        for l in lines {
            ics::fold(&l, &mut out);
        }
    }
    ics::end(&mut out);
    out
}
