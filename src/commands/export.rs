//! `parvis export members`: the member directory one circle may see, as a spreadsheet.
//!
//! The site is loaded and filtered for the audience as a build is, and only what that build
//! would show goes out: visible members, the communities it shows, emails members made
//! public, and leader scores only for the circles `community.private_audience` allows. The
//! columns are named like the fields `parvis import members` reads, so a file can go back.

use super::{finish, Doing, Format};
use parvis_core::filter::Visibility;
use parvis_site::BuildError;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header row; lists are joined with `; `.
    Csv,
}

/// What `parvis export members` was asked.
pub struct ExportArgs {
    pub site: PathBuf,
    pub audience: Option<String>,
    pub format: ExportFormat,
    /// Where to write; standard output when `None`.
    pub output: Option<PathBuf>,
}

pub fn run(a: &ExportArgs) -> ExitCode {
    match members_csv(&a.site, a.audience.as_deref()) {
        Ok(text) => match &a.output {
            Some(path) => match std::fs::write(path, text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    ExitCode::from(2)
                }
            },
            None => {
                print!("{text}");
                ExitCode::SUCCESS
            }
        },
        Err(e) => finish(Err(e), Doing::Read, Format::Text, &a.site, false, |_| {
            String::new()
        }),
    }
}

/// The CSV of the members the build for `audience` (default: the widest circle) shows.
pub fn members_csv(root: &Path, audience: Option<&str>) -> Result<String, BuildError> {
    let mut site = parvis_site::load_model(root)?;
    let audience = parvis_site::audience_or(&site.config, audience, site.config.public_audience())?;
    parvis_core::filter::apply(
        &mut site,
        &Visibility {
            audience: audience.clone(),
            drafts: false,
            now: parvis_core::date::now(),
        },
    );
    let private = site.config.sees_private(&audience);
    let mut header = vec![
        "id",
        "name",
        "pronouns",
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
        "badges",
        "points",
        "url",
        "email",
    ];
    if private {
        header.extend([
            "leader_scores.charisma",
            "leader_scores.known",
            "leader_scores.recognized",
            "leader_scores.available",
        ]);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| BuildError::Usage(format!("cannot write the CSV: {e}"));
    w.write_record(&header).map_err(fail)?;
    let shown_communities: Vec<&str> = site
        .community
        .communities
        .iter()
        .zip(&site.community_visible)
        .filter(|(_, v)| **v)
        .map(|(c, _)| c.id.as_str())
        .collect();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for (m, _) in site
        .community
        .members
        .iter()
        .zip(&site.member_visible)
        .filter(|(_, v)| **v)
    {
        let communities: Vec<&str> = m
            .communities
            .iter()
            .map(String::as_str)
            .filter(|c| shown_communities.contains(c))
            .collect();
        let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
        let mut row = vec![
            m.id.clone(),
            m.name.clone(),
            opt(&m.pronouns),
            opt(&m.headline),
            opt(&m.company),
            opt(&m.team),
            opt(&m.location),
            opt(&m.country),
            m.languages.join("; "),
            m.expertise.join("; "),
            communities.join("; "),
            roles.join("; "),
            m.status.as_str().to_string(),
            m.joined.map(|d| d.iso()).unwrap_or_default(),
            m.badges.join("; "),
            m.points.to_string(),
            site.config.permalink(&m.url),
            m.email
                .clone()
                .filter(|_| m.email_public)
                .unwrap_or_default(),
        ];
        if private {
            let scores = m
                .leader_scores
                .map(|s| [s.charisma, s.known, s.recognized, s.available]);
            for k in 0..4 {
                row.push(scores.map(|s| s[k].to_string()).unwrap_or_default());
            }
        }
        w.write_record(&row).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| BuildError::Usage(format!("cannot write the CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
