//! `parvis check --audiences`: what each circle sees, and what opening one item would change.
//!
//! Read-only: it loads and filters the site once per audience and counts; it renders nothing.

use super::{finish, Doing, Format};
use parvis_core::config::Audience;
use parvis_core::filter::{self, Visibility};
use parvis_site::BuildError;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Prints the overview of the site at `root`, or its errors as `format` asks.
pub fn run(root: &Path, drafts: bool, format: Format) -> ExitCode {
    match overview(root, drafts) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => finish(Err(e), Doing::Read, format, root, false, |_| String::new()),
    }
}

/// The overview as text, or the site's errors.
pub fn overview(root: &Path, drafts: bool) -> Result<String, BuildError> {
    let mut site = parvis_site::load_model(root)?;
    let audiences = site.config.audiences.clone();
    let now = parvis_core::date::now();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:>6} {:>8} {:>7} {:>9}",
        "audience", "pages", "members", "events", "postings"
    );
    for a in &audiences {
        filter::apply(
            &mut site,
            &Visibility {
                audience: a.clone(),
                drafts,
                now,
            },
        );
        let pages = site.visible_pages().count() + site.visible_sections().count();
        let members = site.member_visible.iter().filter(|&&v| v).count();
        let events = site
            .visible_pages()
            .filter(|(_, p)| p.event.is_some())
            .count();
        let postings = site
            .visible_pages()
            .filter(|(_, p)| p.job.is_some() && !p.job_closed(now))
            .count();
        let _ = writeln!(
            out,
            "{a:<14} {pages:>6} {members:>8} {events:>7} {postings:>9}"
        );
    }

    let widest = site.config.public_audience();
    let names = site.config.audience_names();
    let mut restricted = Vec::new();
    let mut item = |file: String, audience: &Audience| {
        if !audience.is_known() || *audience == widest {
            return;
        }
        let rank = audience.rank();
        let seen_by = names[..=rank].join(", ");
        let next = &audiences[rank + 1];
        restricted.push(format!(
            "{file}: open to `{audience}` (seen by {seen_by}); `audience: {next}` would also open it to {next}"
        ));
    };
    for p in &site.pages {
        item(p.source.display.display().to_string(), &p.audience);
    }
    for s in &site.sections {
        if let Some(src) = &s.source {
            item(src.display.display().to_string(), &s.audience);
        }
    }
    for m in &site.community.members {
        item(m.file.display().to_string(), &m.audience);
    }
    for c in &site.community.communities {
        item(format!("{} ({})", c.file.display(), c.id), &c.audience);
    }
    let _ = writeln!(out);
    if restricted.is_empty() {
        let _ = writeln!(out, "every item is open to `{widest}`");
    } else {
        let _ = writeln!(out, "restricted items ({}):", restricted.len());
        for r in restricted {
            let _ = writeln!(out, "  {r}");
        }
    }
    let openings: Vec<String> = site
        .pages
        .iter()
        .filter(|p| !p.previews.is_empty() || p.publish_date.is_some_and(|d| d.timestamp() > now))
        .map(|p| {
            format!(
                "{}: {}",
                p.source.display.display(),
                opening_text(p, &audiences, now)
            )
        })
        .collect();
    if !openings.is_empty() {
        let _ = writeln!(out, "\nscheduled openings ({}):", openings.len());
        for o in openings {
            let _ = writeln!(out, "  {o}");
        }
    }
    let private = &site.config.community.private_audience;
    let _ = writeln!(
        out,
        "\nleader scores are shown to: {}",
        names[..=if private.is_known() {
            private.rank()
        } else {
            0
        }]
            .join(", ")
    );
    Ok(out)
}

/// When page `p` opens to each circle that may see it, circles opening together grouped:
/// "opens to internal, ambassadors on 2027-01-10 (open now), to partners, public on 2027-01-17".
fn opening_text(
    p: &parvis_core::model::Page,
    audiences: &[Audience],
    now: jiff::Timestamp,
) -> String {
    let mut groups: Vec<(Vec<&str>, parvis_core::date::DateValue)> = Vec::new();
    for a in audiences.iter().filter(|a| a.sees(&p.audience)) {
        let Some(d) = p.opens_to(a) else { continue };
        match groups.last_mut() {
            Some((names, last)) if last.timestamp() == d.timestamp() => names.push(a.as_str()),
            _ => groups.push((vec![a.as_str()], d)),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(names, d)| {
            let open = if d.timestamp() <= now {
                " (open now)"
            } else {
                ""
            };
            format!("to {} on {}{open}", names.join(", "), d.iso())
        })
        .collect();
    format!("opens {}", parts.join(", "))
}
