//! iCalendar (RFC 5545) files: one per event, one per events section.
//!
//! Times are written in UTC, which every calendar understands; the recurrence rule is written
//! from its parsed value ([`crate::model::recurrence`]), never copied as typed. Text is escaped,
//! addresses are percent-encoded and lines are folded at 75 octets as the RFC requires.
//!
//! Writers' text reaches these files (titles, places, addresses), so nothing they type may
//! start a line: [`text`] and [`uri`] make each value one line, and [`fold`], which writes
//! every line, drops any control character left as a last guard.

use crate::model::{Page, Site};

/// Escapes TEXT values (RFC 5545, 3.3.11): backslash, semicolon, comma, and line breaks of
/// any kind as `\n`. Other control characters are not allowed in TEXT and are dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value (URL, UID): URIs are not escaped like TEXT, so whitespace, control characters
/// and `"` are percent-encoded; a web address never needs them as such.
pub fn uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() || c == '"' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character, with CRLF endings. Control
/// characters other than tab cannot be in a content line and are dropped, so that no value,
/// escaped or not, can end the line and start another.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars().filter(|&c| c == '\t' || !c.is_control()) {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

pub fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn vevent(site: &Site, p: &Page, out: &mut String) {
    let Some(e) = &p.event else { return };
    let url = uri(&site.config.permalink(&p.url));
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{url}"),
        // The page's date, not the build time, so that two builds give the same file.
        format!(
            "DTSTAMP:{}",
            utc(p
                .updated
                .or(p.date)
                .map_or(e.start.timestamp(), |d| d.timestamp()))
        ),
        format!("DTSTART:{}", utc(e.start.timestamp())),
    ];
    if let Some(end) = &e.end {
        lines.push(format!("DTEND:{}", utc(end.timestamp())));
    }
    if let Some(rule) = &e.rrule {
        lines.push(format!("RRULE:{rule}"));
    }
    lines.push(format!("SUMMARY:{}", text(&p.title)));
    if let Some(d) = &p.front.description {
        lines.push(format!("DESCRIPTION:{}", text(d)));
    }
    match (&e.location, &e.online_url) {
        (Some(l), _) => lines.push(format!("LOCATION:{}", text(l))),
        (None, Some(u)) => lines.push(format!("LOCATION:{}", text(u))),
        _ => {}
    }
    lines.push(format!("URL:{url}"));
    let status = match e.status.as_str() {
        "cancelled" => "CANCELLED",
        "postponed" => "TENTATIVE",
        _ => "CONFIRMED",
    };
    lines.push(format!("STATUS:{status}"));
    lines.push("END:VEVENT".into());
    for l in lines {
        fold(&l, out);
    }
}

/// Opens a calendar named `name`.
pub fn begin(site: &Site, name: &str, out: &mut String) {
    for l in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//parvis//{}//EN", text(&site.config.title)),
        "CALSCALE:GREGORIAN".to_string(),
        format!("X-WR-CALNAME:{}", text(name)),
    ] {
        fold(&l, out);
    }
}

pub fn end(out: &mut String) {
    fold("END:VCALENDAR", out);
}

fn calendar(site: &Site, name: &str, pages: &[&Page]) -> String {
    let mut out = String::new();
    begin(site, name, &mut out);
    for p in pages {
        vevent(site, p, &mut out);
    }
    end(&mut out);
    out
}

/// Every calendar file of the build: (output URL, contents, what it is for).
pub fn files(site: &Site) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (_, p) in site.visible_pages().filter(|(_, p)| p.event.is_some()) {
        out.push((
            format!("{}event.ics", p.url),
            calendar(site, &p.title, &[p]),
            p.source.display.display().to_string(),
        ));
    }
    for (_, s) in site
        .visible_sections()
        .filter(|(_, s)| s.kind == crate::vocabulary::SectionKind::Events)
    {
        let pages: Vec<&Page> = s
            .pages
            .iter()
            .map(|&i| &*site.pages[i])
            .filter(|p| p.event.is_some())
            .collect();
        if !pages.is_empty() {
            out.push((
                format!("{}calendar.ics", s.url),
                calendar(site, &s.title, &pages),
                format!("the calendar of {}", s.url),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(60))
        );
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(text("a\r\nb\rc\u{2028}d\u{0}e"), "a\\nb\\nc\\nde");
    }

    #[test]
    fn no_value_can_start_a_line() {
        let mut out = String::new();
        fold(
            &format!("URL:{}", uri("https://x.org/a b\r\nEND:VEVENT")),
            &mut out,
        );
        fold("SUMMARY:raw\r\nBEGIN:VEVENT", &mut out);
        assert_eq!(
            out,
            "URL:https://x.org/a%20b%0D%0AEND:VEVENT\r\nSUMMARY:rawBEGIN:VEVENT\r\n"
        );
    }
}
