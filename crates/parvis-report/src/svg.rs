//! The dashboard's charts, drawn at build time as inline SVG: nothing is loaded from anywhere
//! and nothing runs in the browser. Each chart has a `<title>` and a `<desc>` that says what it
//! shows in words, and every bar or point a `<title>` with its value. Colours come from the
//! theme's stylesheet (classes `s0`…`s4`), so dark mode and site overrides apply.

use super::calendar::{ItemKind, Week};
use super::{History, Report};
use parvis_core::text::escape;
use serde::Serialize;
use std::fmt::Write as _;

/// The charts of the dashboard, as SVG markup.
#[derive(Debug, Serialize)]
pub struct Charts {
    pub posts_per_week: String,
    pub members: String,
    pub contributions: String,
    pub calendar: String,
}

/// Interface strings, looked up by key.
pub type Label<'a> = &'a dyn Fn(&str) -> String;

pub fn charts(r: &Report, label: Label<'_>) -> Charts {
    Charts {
        posts_per_week: posts_per_week(&r.history, label),
        members: members(&r.history, label),
        contributions: contributions(&r.history, label),
        calendar: calendar(&r.calendar, label),
    }
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 48.0;

/// Opens an `<svg>` of `height` labelled by its title and description.
fn open(id: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// A round step for about four gridlines up to `max`, at least 1 (the values are counts).
fn step(max: u32) -> u32 {
    let raw = (f64::from(max.max(1)) / 4.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag);
    nice.round().max(1.0) as u32
}

/// The y axis: gridlines and their values, for counts up to `max`. Returns the top value.
fn axis(out: &mut String, max: u32) -> u32 {
    let s = step(max);
    let top = max.max(1).div_ceil(s) * s;
    let mut v = 0;
    while v <= top {
        let y = y_of(v as f64, top);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
        v += s;
    }
    top
}

fn y_of(v: f64, top: u32) -> f64 {
    let plot = H - TOP - BOTTOM;
    TOP + plot - v / f64::from(top.max(1)) * plot
}

/// Names longer than a legend slot are shortened.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n - 1).collect();
        format!("{cut}…")
    }
}

/// A legend along the bottom: (series class, name).
fn legend(out: &mut String, entries: &[(String, String)]) {
    let slot = (W - LEFT) / entries.len().max(1) as f64;
    let chars = ((slot - 20.0) / CHAR).max(4.0) as usize;
    for (k, (class, name)) in entries.iter().enumerate() {
        let x = LEFT + slot * k as f64;
        let y = H - 12.0;
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" rx=\"2\"/><text class=\"legend\" x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 10.0,
            x + 16.0,
            escape(&short(name, chars))
        );
    }
}

/// Width of a character of the axis labels, in the charts' units (13px text).
const CHAR: f64 = 7.6;

/// Labels under the slots, skipping some when they would collide.
fn x_labels(out: &mut String, labels: &[String]) {
    let slot = (W - LEFT - RIGHT) / labels.len().max(1) as f64;
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let every = ((widest * CHAR + 6.0) / slot).ceil().max(1.0) as usize;
    for (k, l) in labels.iter().enumerate() {
        if k % every != 0 {
            continue;
        }
        let x = LEFT + slot * (k as f64 + 0.5);
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 16.0,
            escape(l)
        );
    }
}

/// `2027-01-04` → `01-04`.
fn month_day(date: &str) -> String {
    date.get(5..).unwrap_or(date).to_string()
}

fn posts_per_week(h: &History, label: Label<'_>) -> String {
    let other = label("other_themes");
    let mut names: Vec<String> = h.themes.clone();
    names.push(other);
    let total: u32 = h.weeks.iter().map(|w| w.total).sum();
    let desc = format!(
        "{total} {} {}, {}",
        label("posts"),
        label("in_the_last_12_weeks"),
        h.weeks
            .iter()
            .map(|w| format!("{} {}: {}", label("week_of"), w.start, w.total))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let mut out = open("chart-posts", H, &label("chart_posts_per_week"), &desc);
    let max = h.weeks.iter().map(|w| w.total).max().unwrap_or(0);
    let top = axis(&mut out, max);
    let slot = (W - LEFT - RIGHT) / h.weeks.len().max(1) as f64;
    let bar = slot * 0.62;
    for (k, w) in h.weeks.iter().enumerate() {
        let x = LEFT + slot * k as f64 + (slot - bar) / 2.0;
        let mut base = 0u32;
        let values = w.counts.iter().copied().chain([w.other]);
        for (s, v) in values.enumerate() {
            if v == 0 {
                continue;
            }
            let (y0, y1) = (y_of(f64::from(base), top), y_of(f64::from(base + v), top));
            let _ = write!(
                out,
                "<rect class=\"s{s}\" x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
                y0 - y1,
                escape(&format!("{} {}: {} × {v}", label("week_of"), w.start, names[s]))
            );
            base += v;
        }
    }
    let labels: Vec<String> = h.weeks.iter().map(|w| month_day(&w.start)).collect();
    x_labels(&mut out, &labels);
    let entries: Vec<(String, String)> = names
        .into_iter()
        .enumerate()
        .map(|(s, n)| (format!("s{s}"), n))
        .collect();
    legend(&mut out, &entries);
    out.push_str("</svg>");
    out
}

fn members(h: &History, label: Label<'_>) -> String {
    let (members_name, ambassadors_name) = (label("members"), label("ambassadors"));
    let desc = h
        .months
        .iter()
        .map(|m| {
            format!(
                "{}: {} {members_name}, {} {ambassadors_name}",
                m.month, m.members, m.ambassadors
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open("chart-members", H, &label("chart_members"), &desc);
    let max = h.months.iter().map(|m| m.members).max().unwrap_or(0);
    let top = axis(&mut out, max);
    let slot = (W - LEFT - RIGHT) / h.months.len().max(1) as f64;
    for (s, (name, pick)) in [
        (
            &members_name,
            (|m: &super::Month| m.members) as fn(&super::Month) -> u32,
        ),
        (&ambassadors_name, |m: &super::Month| m.ambassadors),
    ]
    .into_iter()
    .enumerate()
    {
        let points: Vec<(f64, f64, u32, &str)> = h
            .months
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let v = pick(m);
                (
                    LEFT + slot * (k as f64 + 0.5),
                    y_of(f64::from(v), top),
                    v,
                    m.month.as_str(),
                )
            })
            .collect();
        let line: Vec<String> = points
            .iter()
            .map(|(x, y, _, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"line l{s}\" points=\"{}\"/>",
            line.join(" ")
        );
        for (x, y, v, month) in points {
            let _ = write!(
                out,
                "<circle class=\"s{s}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{}</title></circle>",
                escape(&format!("{month}: {v} {name}"))
            );
        }
    }
    let labels: Vec<String> = h.months.iter().map(|m| m.month.clone()).collect();
    x_labels(&mut out, &labels);
    legend(
        &mut out,
        &[
            ("s0".into(), members_name.clone()),
            ("s1".into(), ambassadors_name.clone()),
        ],
    );
    out.push_str("</svg>");
    out
}

fn contributions(h: &History, label: Label<'_>) -> String {
    let name = label("contributions");
    let desc = h
        .months
        .iter()
        .map(|m| format!("{}: {}", m.month, m.contributions))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open(
        "chart-contributions",
        H,
        &label("chart_contributions"),
        &desc,
    );
    let max = h.months.iter().map(|m| m.contributions).max().unwrap_or(0);
    let top = axis(&mut out, max);
    let slot = (W - LEFT - RIGHT) / h.months.len().max(1) as f64;
    let bar = slot * 0.62;
    for (k, m) in h.months.iter().enumerate() {
        if m.contributions == 0 {
            continue;
        }
        let x = LEFT + slot * k as f64 + (slot - bar) / 2.0;
        let y = y_of(f64::from(m.contributions), top);
        let _ = write!(
            out,
            "<rect class=\"s2\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            y_of(0.0, top) - y,
            escape(&format!("{}: {} {name}", m.month, m.contributions))
        );
    }
    let labels: Vec<String> = h.months.iter().map(|m| m.month.clone()).collect();
    x_labels(&mut out, &labels);
    legend(&mut out, &[("s2".into(), name.clone())]);
    out.push_str("</svg>");
    out
}

/// The weeks as columns, posts, events and closing postings as rows; a week with nothing
/// planned is marked.
fn calendar(weeks: &[Week], label: Label<'_>) -> String {
    let rows = [
        (ItemKind::Post, label("calendar_post")),
        (ItemKind::Event, label("calendar_event")),
        (ItemKind::PostingCloses, label("calendar_posting_closes")),
    ];
    let (head, row_h, first_col) = (40.0, 38.0, 118.0);
    let height = head + row_h * rows.len() as f64 + 8.0;
    let empty: Vec<&str> = weeks
        .iter()
        .filter(|w| w.empty)
        .map(|w| w.start.as_str())
        .collect();
    let desc = format!(
        "{} {}. {}: {}",
        weeks.len(),
        label("weeks"),
        label("nothing_planned"),
        if empty.is_empty() {
            "-".to_string()
        } else {
            empty.join(", ")
        }
    );
    let mut out = open("chart-calendar", height, &label("chart_calendar"), &desc);
    let col = (W - first_col - RIGHT) / weeks.len().max(1) as f64;
    for (k, w) in weeks.iter().enumerate() {
        let x = first_col + col * k as f64;
        let cx = x + col / 2.0;
        let _ = write!(
            out,
            "<text class=\"tick strong\" x=\"{cx:.1}\" y=\"16\" text-anchor=\"middle\">{}</text><text class=\"tick\" x=\"{cx:.1}\" y=\"32\" text-anchor=\"middle\">{}</text>",
            escape(w.iso_week.get(5..).unwrap_or(&w.iso_week)),
            escape(&month_day(&w.start))
        );
        if w.empty {
            let _ = write!(
                out,
                "<rect class=\"week-empty\" x=\"{:.1}\" y=\"{head}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\"><title>{}</title></rect>",
                x + 2.0,
                col - 4.0,
                row_h * rows.len() as f64,
                escape(&format!("{} {}: {}", label("week_of"), w.start, label("nothing_planned")))
            );
        }
    }
    for (r, (kind, name)) in rows.iter().enumerate() {
        let y = head + row_h * r as f64;
        let _ = write!(
            out,
            "<text class=\"legend\" x=\"0\" y=\"{:.1}\">{}</text>",
            y + row_h / 2.0 + 4.0,
            escape(&short(name, 17))
        );
        for (k, w) in weeks.iter().enumerate() {
            let items: Vec<&str> = w
                .items
                .iter()
                .filter(|i| i.kind == *kind)
                .map(|i| i.title.as_str())
                .collect();
            if items.is_empty() {
                continue;
            }
            let x = first_col + col * k as f64;
            let _ = write!(
                out,
                "<rect class=\"cell s{r}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\"><title>{}</title></rect><text class=\"cell-count\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + 4.0,
                y + 4.0,
                col - 8.0,
                row_h - 8.0,
                escape(&format!("{} {}: {}", label("week_of"), w.start, items.join(" · "))),
                x + col / 2.0,
                y + row_h / 2.0 + 5.0,
                items.len()
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_counts() {
        assert_eq!(step(0), 1);
        assert_eq!(step(3), 1);
        assert_eq!(step(9), 5);
        assert_eq!(step(40), 10);
        assert_eq!(step(130), 50);
    }

    #[test]
    fn long_legend_names_are_cut() {
        assert_eq!(short("énergie renouvelable", 8), "énergie…");
        assert_eq!(short("data", 8), "data");
    }
}
