//! `parvis report`: the community manager's report of one audience, now, as text, JSON or CSV.

use super::{finish, Doing, Format};
use parvis_core::filter::Visibility;
use parvis_report::{measure, output, Report};
use parvis_site::BuildError;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// Tables for a terminal, coloured only when it is one.
    Text,
    /// One JSON document.
    Json,
    /// One CSV table with a `section` column.
    Csv,
}

/// Prints the report of the site at `root` for `audience` (default `report.audience`).
pub fn run(root: &Path, audience: Option<&str>, format: ReportFormat) -> ExitCode {
    match load(root, audience) {
        Ok(report) => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            match format {
                ReportFormat::Text => print!("{}", output::text(&report, colour)),
                ReportFormat::Json => print!("{}", output::json(&report)),
                ReportFormat::Csv => print!("{}", output::csv(&report)),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let format = if format == ReportFormat::Json {
                Format::Json
            } else {
                Format::Text
            };
            finish(Err(e), Doing::Read, format, root, false, |_| String::new())
        }
    }
}

/// Loads the site at `root` and measures it for `audience` (default `report.audience`), now.
pub fn load(root: &Path, audience: Option<&str>) -> Result<Report, BuildError> {
    let mut site = parvis_site::load_model(root)?;
    let audience =
        parvis_site::audience_or(&site.config, audience, site.config.report.audience.clone())?;
    parvis_core::filter::apply(
        &mut site,
        &Visibility {
            audience,
            drafts: false,
            now: parvis_core::date::now(),
        },
    );
    Ok(measure(&site))
}
