//! The `parvis` command line: parses arguments, runs a command, maps the outcome to an exit code
//! (0 ok, 1 content errors, 2 usage).

use clap::{Parser, Subcommand, ValueEnum};
use parvis::build::{build, BuildError, BuildOptions, BuildReport};
use parvis::diagnostics::Diagnostics;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "parvis", version, about = "A static site generator for community portals", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Human-readable diagnostics.
    Text,
    /// One JSON document on standard output, for CI and editors.
    Json,
    /// GitHub Actions annotations on standard output (`::error file=…,line=…,col=…::…`), so
    /// that errors show on the lines of a pull request; the text goes to standard error too.
    Github,
}

/// What `--deny` turns into errors.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Deny {
    /// Warnings fail the command (exit code 1) as errors do; a build swaps nothing in.
    Warnings,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ReportFormat {
    /// Tables for a terminal, coloured only when it is one.
    Text,
    /// One JSON document.
    Json,
    /// One CSV table with a `section` column.
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    ///
    /// The output is built beside the output folder and swapped in at the end: a failed build
    /// leaves the previous output untouched. Exit code 0 on success, 1 when the site has
    /// errors (all of them are listed), 2 when the command itself is wrong.
    Build {
        /// The site folder (the one holding site.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder [default: SITE/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Build the portal of this audience (one of `audiences` in site.yaml) [default: the widest].
        #[arg(long, conflicts_with = "all_audiences")]
        audience: Option<String>,
        /// Build every audience's portal, each into its own folder of the output (OUTPUT/internal/,
        /// OUTPUT/public/…), swapped in together.
        #[arg(long)]
        all_audiences: bool,
        /// Include drafts and pages whose publish_date is in the future.
        #[arg(long)]
        drafts: bool,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail on these as on errors (`--deny warnings` in CI).
        #[arg(long, value_enum, value_name = "WHAT")]
        deny: Vec<Deny>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
        /// Replace the output folder even when parvis did not write it (it has no
        /// .parvis-output file). Without it, such a folder is refused, and a file never replaced.
        #[arg(long)]
        force: bool,
    },
    /// Check the site (front matter, links, templates, data) without writing anything.
    Check {
        /// The site folder (the one holding site.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Check the portal of this audience [default: the widest].
        #[arg(long)]
        audience: Option<String>,
        /// Check drafts too.
        #[arg(long)]
        drafts: bool,
        /// Print what each audience sees, and what opening each restricted item would change.
        #[arg(long)]
        audiences: bool,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail on these as on errors (`--deny warnings` in CI).
        #[arg(long, value_enum, value_name = "WHAT")]
        deny: Vec<Deny>,
    },
    /// Serve the site from memory on 127.0.0.1, rebuild when a file changes, and reload the
    /// browser by itself. Drafts and future pages are shown. Build errors show in the terminal
    /// and over the page; the server keeps running.
    Serve {
        /// The site folder (the one holding site.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on; a free one is used if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Search the site from the terminal, with the same index and ranking as the browser.
    ///
    /// Reads the index of the last `parvis build` (OUTPUT/search/, or OUTPUT/AUDIENCE/search/
    /// after --all-audiences); when there is none, or with --fresh, builds it in memory.
    Search {
        /// What to look for; the last word is completed as in the search box.
        query: String,
        /// The site folder (the one holding site.yaml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Where `parvis build` wrote the site [default: SITE/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Search the portal of this audience [default: the widest].
        #[arg(long)]
        audience: Option<String>,
        /// Keep only results with this facet value (kind=blog, tags=rust…); repeatable.
        #[arg(long = "filter", value_name = "FACET=VALUE")]
        filters: Vec<String>,
        /// How many results to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Build the index in memory from the sources instead of reading the last build's.
        #[arg(long)]
        fresh: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Print the community manager's report: each objective of site.yaml measured against its
    /// target, the editorial calendar of the coming weeks (empty weeks and quiet themes
    /// flagged), leader candidates, thin profiles and postings about to close.
    ///
    /// It measures what `--audience` sees, at the current time (or SOURCE_DATE_EPOCH). Exit
    /// code 0 on success, 1 when the site has errors, 2 when the command itself is wrong.
    Report {
        /// The site folder (the one holding site.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Measure what this audience sees [default: `report.audience` in site.yaml, the
        /// innermost circle unless set].
        #[arg(long)]
        audience: Option<String>,
        /// `text` for people, `json` or `csv` for other tools.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Create a small working portal in a new folder.
    Init {
        /// The folder to create (it must be empty or absent).
        dir: PathBuf,
    },
    /// Internal: delete a previous output folder after a build swapped in the new one.
    #[command(name = "__remove-old-output", hide = true)]
    RemoveOldOutput { dir: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            audience,
            all_audiences,
            drafts,
            format,
            deny,
            quiet,
            timings,
            force,
        } => {
            let output = output.unwrap_or_else(|| site.join("public"));
            let opts = BuildOptions {
                root: site,
                output: Some(output.clone()),
                audience,
                drafts,
                progress: format == Format::Text && !quiet && show_progress(),
                force,
                deny_warnings: deny.contains(&Deny::Warnings),
            };
            let root = opts.root.clone();
            if all_audiences {
                let result = parvis::build::build_all(&opts);
                return finish_many(result, format, &root, quiet, &output);
            }
            finish(build(&opts), Doing::Build, format, &root, quiet, |r| {
                let mut lines = String::new();
                if timings {
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
                        output.display(),
                        r.elapsed
                    )
            })
        }
        Command::Check {
            site,
            audience,
            drafts,
            format,
            audiences,
            deny,
        } => {
            if audiences {
                return match parvis::audiences::overview(&site, drafts) {
                    Ok(text) => {
                        print!("{text}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => finish(Err(e), Doing::Read, format, &site, false, |_| String::new()),
                };
            }
            let opts = BuildOptions {
                root: site,
                output: None,
                audience,
                drafts,
                progress: false,
                force: false,
                deny_warnings: deny.contains(&Deny::Warnings),
            };
            let root = opts.root.clone();
            finish(build(&opts), Doing::Check, format, &root, false, |r| {
                format!(
                    "checked {} pages for the `{}` audience: no errors",
                    r.pages, r.audience
                )
            })
        }
        Command::Serve {
            site,
            bind,
            port,
            open,
        } => {
            match parvis::serve::serve(parvis::serve::ServeOptions {
                root: site,
                bind,
                port,
                open,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Search {
            query,
            site,
            output,
            audience,
            filters,
            limit,
            fresh,
            json,
        } => {
            let opts = parvis::search::cli::SearchOptions {
                root: site.clone(),
                output,
                audience,
                query,
                limit,
                filters,
                fresh,
                json,
            };
            match parvis::search::cli::run(&opts) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => finish(
                    Err(e),
                    Doing::Read,
                    if json { Format::Json } else { Format::Text },
                    &site,
                    false,
                    |_| String::new(),
                ),
            }
        }
        Command::Report {
            site,
            audience,
            format,
        } => match parvis::report::load(&site, audience.as_deref()) {
            Ok(report) => {
                let colour =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                match format {
                    ReportFormat::Text => {
                        print!("{}", parvis::report::output::text(&report, colour))
                    }
                    ReportFormat::Json => print!("{}", parvis::report::output::json(&report)),
                    ReportFormat::Csv => print!("{}", parvis::report::output::csv(&report)),
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                let format = if format == ReportFormat::Json {
                    Format::Json
                } else {
                    Format::Text
                };
                finish(Err(e), Doing::Read, format, &site, false, |_| String::new())
            }
        },
        Command::RemoveOldOutput { dir } => match parvis::output::remove_old_output(&dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(2),
        },
        Command::Init { dir } => match parvis::init::init(&dir) {
            Ok(n) => {
                println!(
                    "created a portal in {} ({n} files); build it with `parvis build {}`",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Progress bars only for a person watching a terminal, never in CI logs.
fn show_progress() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// What a command that read the site did, for the line that closes a failure.
#[derive(Clone, Copy)]
enum Doing {
    /// `build`: an output was (not) swapped in.
    Build,
    /// `check`: nothing was to be written.
    Check,
    /// `report`, `search`, `check --audiences`: the site was only read.
    Read,
}

fn finish(
    result: Result<BuildReport, BuildError>,
    doing: Doing,
    format: Format,
    root: &std::path::Path,
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
fn finish_many(
    result: Result<Vec<BuildReport>, BuildError>,
    format: Format,
    root: &std::path::Path,
    quiet: bool,
    output: &std::path::Path,
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
                        output.join(&r.audience).display(),
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
fn print_diagnostics(d: &Diagnostics, format: Format, root: &std::path::Path) {
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

/// mimalloc: rendering allocates many short strings on every thread, where it is faster than
/// the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
