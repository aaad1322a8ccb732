//! `parvis build` and `parvis check`: the whole pipeline for one audience, or for every one.

use super::{finish, finish_many, show_progress, Doing, Format};
use parvis_site::{build as run_build, build_all, BuildError, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// What `parvis build` was asked.
pub struct BuildArgs {
    pub site: PathBuf,
    pub output: PathBuf,
    pub audience: Option<String>,
    pub all_audiences: bool,
    pub drafts: bool,
    pub format: Format,
    pub deny_warnings: bool,
    pub quiet: bool,
    pub timings: bool,
    pub force: bool,
    /// Read the members' feeds from the cache only (`--offline`).
    pub offline: bool,
}

/// Builds the site into `output`, for one audience or every one.
pub fn build(a: BuildArgs) -> ExitCode {
    let opts = BuildOptions {
        root: a.site,
        output: Some(a.output.clone()),
        audience: a.audience,
        drafts: a.drafts,
        progress: a.format == Format::Text && !a.quiet && show_progress(),
        force: a.force,
        deny_warnings: a.deny_warnings,
        external_links: false,
        offline: a.offline,
    };
    let root = opts.root.clone();
    if a.all_audiences {
        let result = build_all(&opts);
        return finish_many(result, a.format, &root, a.quiet, &a.output);
    }
    finish(
        run_build(&opts),
        Doing::Build,
        a.format,
        &root,
        a.quiet,
        |r| {
            let mut lines = String::new();
            if a.timings {
                for lap in &r.timings {
                    let cpu = match lap.cpu {
                        Some(cpu) => format!("{:>9.1?} cpu", cpu),
                        None => " ".repeat(13),
                    };
                    let peak = match lap.peak {
                        Some(bytes) => format!("{:>6} MB peak", bytes / 1_000_000),
                        None => " ".repeat(13),
                    };
                    lines.push_str(&format!("{:>9.1?} {cpu} {peak}  {}\n", lap.wall, lap.stage));
                }
                lines.push_str(&format!("images encoded: {}\n", r.images_encoded));
                lines.push_str(&format!("images stripped: {}\n", r.images_stripped));
                lines.push_str(&format!(
                    "code blocks highlighted: {} ({} more from the cache)\n",
                    r.code_highlighted, r.code_cached
                ));
                if r.bodies_packed {
                    let place = match r.bodies_spilled {
                        Some(bytes) => format!(
                            "packed, {:.1} MB of them moved to an unnamed file in the cache folder",
                            bytes as f64 / 1e6
                        ),
                        None => "held packed".to_string(),
                    };
                    lines.push_str(&format!("bodies read again from disk and {place}: the sources weigh over PARVIS_PACK_BODIES_ABOVE bytes (default 128 MiB)\n"));
                }
            }
            lines
                + &format!(
                    "built {} pages ({} files) for the `{}` audience into {} in {:.2?}",
                    r.pages,
                    r.files,
                    r.audience,
                    a.output.display(),
                    r.elapsed
                )
        },
    )
}

/// What `parvis check` was asked.
pub struct CheckArgs {
    pub site: PathBuf,
    pub audience: Option<String>,
    pub drafts: bool,
    pub format: Format,
    pub deny_warnings: bool,
    /// Ask the web addresses too, each request waiting at most this long (`--external`).
    pub external: Option<std::time::Duration>,
    /// Read the members' feeds from the cache only (`--offline`).
    pub offline: bool,
}

/// Checks the site for one audience, writing nothing; with `--external`, once the site is
/// clean, the web addresses it links to as well.
pub fn check(a: CheckArgs) -> ExitCode {
    let opts = BuildOptions {
        root: a.site,
        output: None,
        audience: a.audience,
        drafts: a.drafts,
        progress: false,
        force: false,
        deny_warnings: a.deny_warnings,
        external_links: a.external.is_some(),
        offline: a.offline,
    };
    let root = opts.root.clone();
    let mut result = run_build(&opts);
    let mut asked = None;
    if let (Ok(report), Some(timeout)) = (&mut result, a.external) {
        let links = std::mem::take(&mut report.external_links);
        let settings = super::external::Settings { timeout };
        let found = super::external::check(&root, &links, &settings);
        asked = Some(links.len());
        report.diagnostics.extend(found);
        if a.deny_warnings {
            report.diagnostics.deny_warnings();
        }
        if report.diagnostics.has_errors() {
            result = Err(BuildError::Content(std::mem::take(&mut report.diagnostics)));
        }
    }
    finish(result, Doing::Check, a.format, &root, false, |r| {
        let external = match asked {
            Some(n) => format!(" ({n} external links checked)"),
            None => String::new(),
        };
        format!(
            "checked {} pages for the `{}` audience{external}: no errors",
            r.pages, r.audience
        )
    })
}
