//! The report for a terminal (text, coloured only on a terminal), and for other tools (JSON,
//! CSV). Each renders the same [`Report`]; none computes anything.

use super::calendar::ItemKind;
use super::{Report, Status};
use parvis_core::text::number;
use std::fmt::Write as _;

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else {
        number(x)
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::OnTrack => "on track",
        Status::Behind => "behind",
        Status::Overdue => "overdue",
    }
}

/// ANSI colours, or nothing.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn status(&self, s: Status, text: &str) -> String {
        let code = match s {
            Status::Met | Status::OnTrack => "32",
            Status::Behind => "33",
            Status::Overdue => "31",
        };
        self.wrap(code, text)
    }
    fn heading(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn flag(&self, s: &str) -> String {
        self.wrap("33", s)
    }
}

/// The report for a person at a terminal. `colour` adds ANSI colours.
pub fn text(r: &Report, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!(
            "Report for {}: audience `{}`, {}",
            r.site, r.audience, r.today
        ))
    );

    let _ = writeln!(out, "\n{}", p.heading("Objectives"));
    if r.objectives.is_empty() {
        let _ = writeln!(
            out,
            "  none: add `objectives:` to site.yaml (see the report page of the docs)"
        );
    } else {
        let _ = writeln!(
            out,
            "  {:<9} {:>7} {:>7} {:>7}  {:<10}  objective",
            "status", "value", "target", "change", "by"
        );
        for o in &r.objectives {
            let mut scope = String::new();
            if let Some(c) = &o.community {
                let _ = write!(scope, ", community {c}");
            }
            if let Some(t) = &o.theme {
                let _ = write!(scope, ", theme {t}");
            }
            if let Some(d) = &o.detail {
                let _ = write!(scope, ", {d}");
            }
            let _ = writeln!(
                out,
                "  {} {:>7} {:>7} {:>7}  {:<10}  {}: {} ({}{scope})",
                p.status(o.status, &format!("{:<9}", status_text(o.status))),
                number(o.value),
                number(o.target),
                signed(o.change),
                o.by,
                o.id,
                o.title,
                o.indicator
            );
        }
    }

    let weeks = r.calendar.len();
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!(
            "Editorial calendar, {weeks} week{} from {}",
            if weeks == 1 { "" } else { "s" },
            r.calendar.first().map_or("", |w| w.start.as_str())
        ))
    );
    for w in &r.calendar {
        if w.empty {
            let _ = writeln!(
                out,
                "  {} {}  {}",
                w.iso_week,
                w.start,
                p.flag("! nothing planned")
            );
        } else {
            let _ = writeln!(out, "  {} {}", w.iso_week, w.start);
        }
        for i in &w.items {
            let kind = match i.kind {
                ItemKind::Post => "post",
                ItemKind::Event => "event",
                ItemKind::PostingCloses => "closes",
            };
            let themes = if i.themes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", i.themes.join(", "))
            };
            let opens = if i.openings.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = i
                    .openings
                    .iter()
                    .map(|o| format!("{} {}", o.audience, o.date))
                    .collect();
                format!(" (opens: {})", list.join(", "))
            };
            let _ = writeln!(
                out,
                "    {}  {kind:<7} {}{themes}{opens}  {}",
                i.day, i.title, i.url
            );
        }
    }

    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!(
            "Themes with nothing for {} days",
            r.stale_after_days
        ))
    );
    if r.quiet_themes.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for t in &r.quiet_themes {
        let last = match (&t.last, t.days_since) {
            (Some(l), Some(d)) => format!("last {l} ({d} days ago)"),
            _ => "never".to_string(),
        };
        let next = match &t.next {
            Some(n) => format!("next planned {n}"),
            None => p.flag("nothing planned"),
        };
        let _ = writeln!(out, "  {:<20} {last}; {next}", t.name);
    }

    let _ = writeln!(out, "\n{}", p.heading("Leader candidates"));
    if r.leader_candidates.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for c in &r.leader_candidates {
        let _ = writeln!(
            out,
            "  {:<24} {:>2}  (charisma {}, known {}, recognised {}, available {})",
            c.name, c.total, c.charisma, c.known, c.recognized, c.available
        );
    }

    let _ = writeln!(out, "\n{}", p.heading("Thin profiles"));
    if r.thin_profiles.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for m in &r.thin_profiles {
        let _ = writeln!(out, "  {:<24} {}", m.name, m.url);
    }

    let _ = writeln!(out, "\n{}", p.heading("Postings closing soon"));
    if r.expiring_postings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for j in &r.expiring_postings {
        let _ = writeln!(
            out,
            "  {}  in {:>3} day{}  {}  {}",
            j.valid_through,
            j.days_left,
            if j.days_left == 1 { " " } else { "s" },
            j.title,
            j.url
        );
    }
    out
}

/// The whole report as one JSON document.
pub fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r).expect("the report serialises") + "\n"
}

/// One CSV field: quoted when needed, and defused when a spreadsheet would read it as a
/// formula (member names are untrusted).
fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = if formula {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The columns of [`csv`].
pub const CSV_HEADER: &str = "section,id,title,date,kind,value,target,previous,status,url";

/// The report as one CSV table, a row per objective, week, calendar item, quiet theme, leader
/// candidate, thin profile and closing posting; `section` says which.
pub fn csv(r: &Report) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    let mut row = |cells: [&str; 10]| {
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    for o in &r.objectives {
        row([
            "objective",
            &o.id,
            &o.title,
            &o.by,
            o.indicator,
            &number(o.value),
            &number(o.target),
            &number(o.previous),
            o.status.name(),
            "",
        ]);
    }
    for w in &r.calendar {
        row([
            "week",
            &w.iso_week,
            "",
            &w.start,
            "",
            &(w.posts + w.events).to_string(),
            "",
            "",
            if w.empty { "empty" } else { "planned" },
            "",
        ]);
        for i in &w.items {
            row([
                "calendar",
                &w.iso_week,
                &i.title,
                &i.date,
                i.kind.name(),
                "",
                "",
                "",
                if i.published { "published" } else { "planned" },
                &i.url,
            ]);
        }
    }
    for t in &r.quiet_themes {
        row([
            "quiet_theme",
            &t.slug,
            &t.name,
            t.last.as_deref().unwrap_or(""),
            "theme",
            &t.days_since.map(|d| d.to_string()).unwrap_or_default(),
            "",
            "",
            if t.next.is_some() { "planned" } else { "quiet" },
            "",
        ]);
    }
    for c in &r.leader_candidates {
        row([
            "leader_candidate",
            &c.id,
            &c.name,
            "",
            "member",
            &c.total.to_string(),
            "",
            "",
            "",
            &c.url,
        ]);
    }
    for m in &r.thin_profiles {
        row([
            "thin_profile",
            &m.id,
            &m.name,
            "",
            "member",
            "",
            "",
            "",
            "",
            &m.url,
        ]);
    }
    for j in &r.expiring_postings {
        row([
            "expiring_posting",
            &j.url,
            &j.title,
            &j.valid_through,
            "posting",
            &j.days_left.to_string(),
            "",
            "",
            "",
            &j.url,
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_useless_decimals() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(1.25), "1.25");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(signed(2.0), "+2");
        assert_eq!(signed(-0.75), "-0.75");
        assert_eq!(signed(0.0), "0");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-3"), "-3");
        assert_eq!(field("@me"), "'@me");
    }
}
