//! `parvis build` and `parvis check`: the whole pipeline for one audience, or for every one.

use super::{finish, finish_many, show_progress, Doing, Format};
use parvis_site::{build as run_build, build_all, BuildOptions};
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
                for (stage, d) in &r.timings {
                    lines.push_str(&format!("{:>9.1?}  {stage}\n", d));
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

/// Checks the site for one audience, writing nothing.
pub fn check(
    site: PathBuf,
    audience: Option<String>,
    drafts: bool,
    format: Format,
    deny_warnings: bool,
) -> ExitCode {
    let opts = BuildOptions {
        root: site,
        output: None,
        audience,
        drafts,
        progress: false,
        force: false,
        deny_warnings,
    };
    let root = opts.root.clone();
    finish(run_build(&opts), Doing::Check, format, &root, false, |r| {
        format!(
            "checked {} pages for the `{}` audience: no errors",
            r.pages, r.audience
        )
    })
}
