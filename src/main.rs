//! The `parvis` command line: parses arguments, runs a command, maps the outcome to an exit code
//! (0 ok, 1 content errors, 2 usage).

use clap::{Args, Parser, Subcommand, ValueEnum};
use parvis::commands::{
    self,
    build::BuildArgs,
    report::ReportFormat,
    search::{SearchFormat, SearchOptions},
    Format,
};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "parvis", version, about = "A static site generator for community portals", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What `--deny` turns into errors.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Deny {
    /// Warnings fail the command (exit code 1) as errors do; a build swaps nothing in.
    Warnings,
}

// The flags several commands share, each defined once and flattened into the commands that
// take it, so that they read and behave the same everywhere.

/// The site folder, as a positional argument.
#[derive(Args)]
struct SiteArg {
    /// The site folder (the one holding site.yaml).
    #[arg(default_value = ".")]
    site: PathBuf,
}

/// `--audience`.
#[derive(Args)]
struct AudienceArg {
    /// The audience whose portal to use (one of `audiences` in site.yaml) [default: the widest].
    #[arg(long)]
    audience: Option<String>,
}

/// `--drafts`.
#[derive(Args)]
struct DraftsArg {
    /// Include drafts and pages whose publish_date is in the future.
    #[arg(long)]
    drafts: bool,
}

/// `--offline`.
#[derive(Args)]
struct OfflineArg {
    /// Fetch no feed: show what members' and communities' feeds had when last fetched
    /// (SITE/.parvis-cache/feeds/).
    #[arg(long)]
    offline: bool,
}

/// `--format` and `--deny`: how diagnostics are printed and what fails.
#[derive(Args)]
struct DiagnosticArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail on these as on errors (`--deny warnings` in CI).
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Vec<Deny>,
}

impl DiagnosticArgs {
    fn deny_warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    ///
    /// The output is built beside the output folder and swapped in at the end: a failed build
    /// leaves the previous output untouched. Exit code 0 on success, 1 when the site has
    /// errors (all of them are listed), 2 when the command itself is wrong.
    Build {
        #[command(flatten)]
        site: SiteArg,
        /// Output folder [default: SITE/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        audience: AudienceArg,
        /// Build every audience's portal, each into its own folder of the output (OUTPUT/internal/,
        /// OUTPUT/public/…), swapped in together.
        #[arg(long, conflicts_with = "audience")]
        all_audiences: bool,
        #[command(flatten)]
        drafts: DraftsArg,
        #[command(flatten)]
        diagnostics: DiagnosticArgs,
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
        #[command(flatten)]
        offline: OfflineArg,
    },
    /// Check the site (front matter, links, templates, data) without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArg,
        #[command(flatten)]
        audience: AudienceArg,
        #[command(flatten)]
        drafts: DraftsArg,
        /// Print what each audience sees, and what opening each restricted item would change.
        #[arg(long)]
        audiences: bool,
        #[command(flatten)]
        diagnostics: DiagnosticArgs,
        /// Once the site has no errors, check the web addresses (http, https) its bodies and
        /// data link to as well: a few requests at a time, at most 2 per host, answers that
        /// worked cached for a day in SITE/.parvis-cache/links.json (safe to delete). A 4xx or
        /// a redirect loop is an error; a timeout or a server error a warning.
        #[arg(long)]
        external: bool,
        /// With --external: how long to wait for each answer, in seconds.
        #[arg(
            long,
            value_name = "SECONDS",
            default_value_t = 10,
            requires = "external"
        )]
        timeout: u64,
        #[command(flatten)]
        offline: OfflineArg,
    },
    /// Serve the site from memory on 127.0.0.1, rebuild when a file changes, and reload the
    /// browser by itself. Drafts and future pages are shown. Build errors show in the terminal
    /// and over the page; the server keeps running.
    Serve {
        #[command(flatten)]
        site: SiteArg,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on; a free one is used if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Preview the portal of this audience (default: the widest one), to check what an
        /// inner circle will see.
        #[command(flatten)]
        audience: AudienceArg,
        #[command(flatten)]
        offline: OfflineArg,
    },
    /// Search the site from the terminal, with the same index and ranking as the browser.
    ///
    /// Reads the index of the last `parvis build` (OUTPUT/search/, or OUTPUT/AUDIENCE/search/
    /// after --all-audiences); when there is none, or with --fresh, builds it in memory.
    Search {
        /// What to look for; the last word is completed as in the search box.
        query: String,
        #[command(flatten)]
        site: SiteArg,
        /// The site folder, as a flag (kept for scripts written before SITE was positional).
        #[arg(long = "site", id = "site_flag", value_name = "SITE", hide = true)]
        site_flag: Option<PathBuf>,
        /// Where `parvis build` wrote the site [default: SITE/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        audience: AudienceArg,
        /// Keep only results with this facet value (kind=blog, tags=rust…); repeatable.
        #[arg(long = "filter", value_name = "FACET=VALUE")]
        filters: Vec<String>,
        /// How many results to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Build the index in memory from the sources instead of reading the last build's.
        #[arg(long)]
        fresh: bool,
        /// How to print the results.
        #[arg(long, value_enum, default_value_t = SearchFormat::Text)]
        format: SearchFormat,
        /// Same as `--format json` (kept for scripts written before `--format`).
        #[arg(long, hide = true, conflicts_with = "format")]
        json: bool,
    },
    /// Print the community manager's report: each objective of site.yaml measured against its
    /// target, the editorial calendar of the coming weeks (empty weeks and quiet themes
    /// flagged), leader candidates, thin profiles and postings about to close.
    ///
    /// It measures what `--audience` sees, at the current time (or SOURCE_DATE_EPOCH). Exit
    /// code 0 on success, 1 when the site has errors, 2 when the command itself is wrong.
    #[command(mut_arg("audience", |a| a.help(
        "Measure what this audience sees [default: `report.audience` in site.yaml, the innermost circle unless set]"
    )))]
    Report {
        #[command(flatten)]
        site: SiteArg,
        #[command(flatten)]
        audience: AudienceArg,
        /// `text` for people, `json` or `csv` for other tools.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Write a new page, blog post, event, job posting, member or community from its
    /// archetype, where it belongs, and print the path written.
    ///
    /// Pages go to content/ (or the section --section names); posts, events and job postings
    /// to the section whose `kind:` is blog, events or careers (created if the site has none;
    /// --section chooses when it has several); members to data/members/<id>.yaml and
    /// communities to data/communities/<id>.yaml, or at the end of data/members.yaml or
    /// data/communities.yaml when the site keeps a single list. The file has every key its
    /// kind reads, is dated now (or SOURCE_DATE_EPOCH), and is named from the title. A page is
    /// published as soon as it is merged unless --draft; a member starts with
    /// `published: false` until they have agreed to their profile.
    ///
    /// The archetype is the site's archetypes/<kind>.md (members and communities:
    /// archetypes/<kind>.yaml) if it exists, else the default theme's: Tera templates, whose
    /// variables are listed in themes/default/README.md.
    ///
    /// An existing file or id is never replaced (exit code 1); a wrong command exits with 2.
    #[command(after_help = "Examples:
  parvis new blog \"Opening our community\"
  parvis new page \"Code of conduct\" --section community
  parvis new blog \"Ouverture de la communauté\" --lang fr --draft
  parvis new event \"User club, spring meeting\" --site example-site
  parvis new job \"Data engineer\"
  parvis new member \"Ana Lopez\" --community users
  parvis new community \"Energy managers club\" --manager ana-lopez --charter community/charter.md")]
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: parvis::commands::new::Kind,
        /// The title (a member's name); the file name or id is made from it.
        title: String,
        /// The site folder (the one holding site.yaml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The section to write into, as a folder under content/ (`blog`, `docs/api`)
        /// [default: content/ for a page; the section of the kind for the others].
        #[arg(long, value_name = "PATH")]
        section: Option<String>,
        /// Write a translation in this language (one of `languages` in site.yaml):
        /// `<name>.<lang>.md` [default: the site's `language`].
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        /// Mark the page as a draft (`draft: true`): built only with --drafts.
        #[arg(long)]
        draft: bool,
        /// The file name (pages) or id (members, communities) [default: made from the title].
        #[arg(long)]
        id: Option<String>,
        /// Member only: a community the member belongs to (an id of data/communities); repeatable.
        #[arg(long = "community", value_name = "ID")]
        communities: Vec<String>,
        /// Community only: a member of its core team (an id of data/members); repeatable.
        #[arg(long = "manager", value_name = "ID")]
        managers: Vec<String>,
        /// Community only: the page holding its rules, as a path under content/.
        #[arg(long, value_name = "PAGE")]
        charter: Option<String>,
    },
    /// Create or update member files from a spreadsheet (CSV).
    ///
    /// Each row is a member: data/members/ID.yaml is created, or updated where the row's
    /// values differ. Only the fields a column fills change; other fields, comments and the
    /// order of keys stay as written. Columns named like a field (`name`, `email`,
    /// `communities`, `leader_scores.charisma`…) are read; --map reads others. The id comes
    /// from an `id` column, else from the name. An empty cell leaves the field as it is; lists
    /// are separated by `;` (or `,`).
    ///
    /// Every bad cell (unknown community, role, status or audience, a bad date or email, a
    /// score outside 1 to 3) is an error with its row and column; with one, no file is
    /// written (exit code 1). It prints what it adds, changes and leaves.
    #[command(after_help = "Examples:
  parvis import members crm.csv --dry-run
  parvis import members crm.csv --map \"Full name=name\" --map \"E-mail=email\" --site example-site")]
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write data out for another tool, holding only what one circle may see.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
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

#[derive(Subcommand)]
enum ImportWhat {
    /// Members from a CSV file into data/members/ID.yaml.
    Members {
        /// The CSV file, with a header row.
        file: PathBuf,
        /// Read column COLUMN into member field FIELD (`--map "Full name=name"`); repeatable.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        maps: Vec<String>,
        /// Print what would be added, changed and left, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The site folder (the one holding site.yaml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// The members the build for an audience shows, with the fields it shows: emails only
    /// when the member made theirs public, leader scores only for `community.private_audience`
    /// and the circles inside it.
    Members {
        /// The circle whose view to export [default: the widest].
        #[arg(long)]
        audience: Option<String>,
        /// The file format.
        #[arg(long, value_enum, default_value_t = parvis::commands::export::ExportFormat::Csv)]
        format: parvis::commands::export::ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The site folder (the one holding site.yaml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site: SiteArg { site },
            output,
            audience: AudienceArg { audience },
            all_audiences,
            drafts: DraftsArg { drafts },
            diagnostics,
            quiet,
            timings,
            force,
            offline: OfflineArg { offline },
        } => commands::build::build(BuildArgs {
            output: output.unwrap_or_else(|| site.join("public")),
            site,
            audience,
            all_audiences,
            drafts,
            format: diagnostics.format,
            deny_warnings: diagnostics.deny_warnings(),
            quiet,
            timings,
            force,
            offline,
        }),
        Command::Check {
            site: SiteArg { site },
            audience: AudienceArg { audience },
            drafts: DraftsArg { drafts },
            audiences,
            diagnostics,
            external,
            timeout,
            offline: OfflineArg { offline },
        } => {
            if audiences {
                return commands::audiences::run(&site, drafts, diagnostics.format);
            }
            commands::build::check(commands::build::CheckArgs {
                site,
                audience,
                drafts,
                format: diagnostics.format,
                deny_warnings: diagnostics.deny_warnings(),
                external: external.then(|| std::time::Duration::from_secs(timeout)),
                offline,
            })
        }
        Command::Serve {
            site: SiteArg { site },
            bind,
            port,
            open,
            audience: AudienceArg { audience },
            offline: OfflineArg { offline },
        } => {
            match parvis::serve::serve(parvis::serve::ServeOptions {
                root: site,
                bind,
                port,
                open,
                audience,
                offline,
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
            site: SiteArg { site },
            site_flag,
            output,
            audience: AudienceArg { audience },
            filters,
            limit,
            fresh,
            format,
            json,
        } => commands::search::run(&SearchOptions {
            // `--site` (hidden, older) wins over the positional default.
            root: site_flag.unwrap_or(site),
            output,
            audience,
            query,
            limit,
            filters,
            fresh,
            format: if json { SearchFormat::Json } else { format },
        }),
        Command::Report {
            site: SiteArg { site },
            audience: AudienceArg { audience },
            format,
        } => commands::report::run(&site, audience.as_deref(), format),
        Command::New {
            kind,
            title,
            site,
            section,
            lang,
            draft,
            id,
            communities,
            managers,
            charter,
        } => commands::new::run(&commands::new::NewArgs {
            kind,
            title,
            site,
            section,
            lang,
            draft,
            id,
            communities,
            managers,
            charter,
        }),
        Command::Import {
            what:
                ImportWhat::Members {
                    file,
                    maps,
                    dry_run,
                    site,
                },
        } => commands::import::run(&commands::import::ImportArgs {
            site,
            file,
            maps,
            dry_run,
        }),
        Command::Export {
            what:
                ExportWhat::Members {
                    audience,
                    format,
                    output,
                    site,
                },
        } => commands::export::run(&commands::export::ExportArgs {
            site,
            audience,
            format,
            output,
        }),
        Command::RemoveOldOutput { dir } => match parvis_site::output::remove_old_output(&dir) {
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

/// Transparent huge pages off for this process. mimalloc asks for them on its regions, and
/// memory it hands back to the system and takes again then comes back one 2 MiB page at a
/// time, each zeroed by the kernel whole: at 10,000 pages that zeroing was an eighth of the
/// build's processor time. A failure (another system) changes nothing but speed.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// mimalloc: rendering allocates many short strings on every thread, where it is faster than
/// the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
