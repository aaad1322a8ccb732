//! The commands of the `parvis` binary, under its argument parsing: each runs the stages it
//! needs, prints what it found, and ends in an exit code (0 ok, 1 content errors, 2 usage)
//! through [`finish`].

pub mod audiences;
pub mod build;
pub mod export;
pub mod external;
pub mod import;
pub mod new;
pub mod report;
pub mod search;

use parvis_core::diagnostics::Diagnostics;
use parvis_site::{BuildError, BuildReport};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable diagnostics.
    Text,
    /// One JSON document on standard output, for CI and editors.
    Json,
    /// GitHub Actions annotations on standard output (`::error file=…,line=…,col=…::…`), so
    /// that errors show on the lines of a pull request; the text goes to standard error too.
    Github,
}

/// Progress bars only for a person watching a terminal, never in CI logs.
pub fn show_progress() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// What a command that read the site did, for the line that closes a failure.
#[derive(Clone, Copy)]
pub enum Doing {
    /// `build`: an output was (not) swapped in.
    Build,
    /// `check`: nothing was to be written.
    Check,
    /// `report`, `search`, `check --audiences`: the site was only read.
    Read,
}

/// Prints the diagnostics of `result` as `format` asks, and `summary` of a success unless
/// `quiet`; returns the exit code.
pub fn finish(
    result: Result<BuildReport, BuildError>,
    doing: Doing,
    format: Format,
    root: &Path,
    quiet: bool,
    summary: impl Fn(&BuildReport) -> String,
) -> ExitCode {
    match result {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, format, root);
            if format != Format::Json && !quiet {
                eprintln!("{}", summary(&report));
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(d)) => {
            print_diagnostics(&d, format, root);
            if format != Format::Json {
                let n = d.error_count();
                let errors = format!("{n} error{}", if n == 1 { "" } else { "s" });
                match doing {
                    Doing::Build => {
                        eprintln!("build failed: {errors}; the previous output was left untouched")
                    }
                    Doing::Check => eprintln!("check failed: {errors}"),
                    Doing::Read => eprintln!("the site has {errors}; fix them first"),
                }
            }
            ExitCode::from(1)
        }
        Err(BuildError::Usage(msg)) => {
            if format == Format::Json {
                println!("{}", serde_json::json!({ "usage_error": msg }));
            } else {
                eprintln!("error: {msg}");
            }
            ExitCode::from(2)
        }
    }
}

/// `build --all-audiences`: one summary line per audience.
pub fn finish_many(
    result: Result<Vec<BuildReport>, BuildError>,
    format: Format,
    root: &Path,
    quiet: bool,
    output: &Path,
) -> ExitCode {
    match result {
        Ok(reports) => {
            for r in &reports {
                print_diagnostics(&r.diagnostics, format, root);
                if format != Format::Json && !quiet {
                    eprintln!(
                        "built {} pages for the `{}` audience into {} in {:.2?}",
                        r.pages,
                        r.audience,
                        output.join(r.audience.as_str()).display(),
                        r.elapsed
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => finish(Err(e), Doing::Build, format, root, quiet, |_| String::new()),
    }
}

/// Prints `d` as `format` asks; `root` is the site folder as given, for GitHub's paths.
fn print_diagnostics(d: &Diagnostics, format: Format, root: &Path) {
    if format == Format::Json {
        println!("{}", d.render_json());
        return;
    }
    if format == Format::Github {
        print!("{}", d.render_github(root));
    }
    if !d.is_empty() {
        eprint!("{}", d.render_text());
    }
}
