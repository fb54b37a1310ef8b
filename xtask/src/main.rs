//! `cargo xtask codegen [--check]`, `cargo xtask import`, `cargo xtask corpus`, `cargo xtask scale`:
//! the command line.
//! The tasks themselves live in the library; they act on the workspace that contains the current
//! directory (`cargo xtask` runs this binary where it was invoked).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen;
use xtask::import::{Selection, Versions};

/// Generation allocates heavily on every core; glibc's allocator made it 2.5x slower at scale.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "Maintenance tasks of the tcgen workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate the `generated` crate and the spec schemas from `specs/`.
    Codegen {
        /// Write nothing; fail with a diff when the generated files are stale.
        #[arg(long)]
        check: bool,
    },
    /// Rewrite specs from Tencent's published API metadata, or check them (see xtask/IMPORT.md).
    Import {
        /// The tccli-intl-en wheel, or the directory where it was unpacked.
        #[arg(long, value_name = "WHEEL_OR_DIR")]
        from: PathBuf,
        /// The tencentcloud-sdk-python-intl-en wheel or directory (error codes); default: --from.
        #[arg(long, value_name = "WHEEL_OR_DIR")]
        errors: Option<PathBuf>,
        /// One service, by package directory or short name: its plain version (the one with the
        /// most actions) unless --version or --all-versions says otherwise.
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        service: Option<String>,
        /// The version of --service to import, YYYY-MM-DD.
        #[arg(long, requires = "service", conflicts_with = "all_versions", value_name = "YYYY-MM-DD")]
        version: Option<String>,
        /// Every version of --service.
        #[arg(long, requires = "service")]
        all_versions: bool,
        /// Every version of every service in the metadata.
        #[arg(long)]
        all: bool,
        /// The directory of spec files; curations are read from `curation/` beside it, review
        /// lists written to `review/` beside it.
        #[arg(long, default_value = codegen::SERVICES_DIR)]
        out: PathBuf,
        /// Write nothing; name every difference between the committed files and the metadata
        /// (and every curation entry that no longer applies), failing when there is one.
        #[arg(long)]
        check: bool,
        /// Print every note line (renames, dropped examples, paginators, enums), not only their counts.
        #[arg(long)]
        verbose: bool,
    },
    /// Write the documented example responses of service versions as JSON, for decoding work.
    Corpus {
        /// The tccli-intl-en wheel, or the directory where it was unpacked.
        #[arg(long, value_name = "WHEEL_OR_DIR")]
        from: PathBuf,
        /// Services (every version of each), by package directory or short name.
        #[arg(long, num_args = 1.., conflicts_with = "all", required_unless_present = "all")]
        service: Vec<String>,
        /// Every service version in the metadata.
        #[arg(long)]
        all: bool,
        /// Where the `<module>.json` files go.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Import and generate every service version into target/scale and `cargo check` the result.
    Scale {
        /// The tccli-intl-en wheel or directory.
        #[arg(long, value_name = "WHEEL_OR_DIR")]
        from: PathBuf,
        /// The tencentcloud-sdk-python-intl-en wheel or directory.
        #[arg(long, value_name = "WHEEL_OR_DIR")]
        errors: Option<PathBuf>,
        /// The scratch directory.
        #[arg(long, default_value = "target/scale")]
        dir: PathBuf,
        /// Import and generate only; skip `cargo check`.
        #[arg(long)]
        no_check: bool,
        /// Lines of generated code per `cargo check` batch (rustc's memory grows with it).
        #[arg(long, default_value_t = 150_000)]
        batch_lines: usize,
        /// Also decode every published example response with the generated code (builds and
        /// runs the corpus tests, batch by batch) and report the rate.
        #[arg(long)]
        decode: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match xtask::current_workspace_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    match cli.task {
        Task::Codegen { check } => {
            let result = codegen::generate(&root)
                .and_then(|files| if check { codegen::compare(&root, &files) } else { codegen::apply(&root, &files) });
            match result {
                Ok(comparison) if check => {
                    print!("{}", comparison.check_report());
                    if comparison.is_fresh() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                }
                Ok(comparison) => {
                    print!("{}", codegen::apply_report(&comparison));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Import { from, errors, service, version, all_versions, all, out, check, verbose } => {
            let selection = match service {
                Some(name) if !all => {
                    let versions = match (version, all_versions) {
                        (Some(date), _) => Versions::Version(date),
                        (None, true) => Versions::All,
                        (None, false) => Versions::Plain,
                    };
                    Selection::Services(vec![name], versions)
                }
                _ => Selection::All,
            };
            let options = xtask::import::ImportOptions {
                from,
                errors,
                selection,
                out: root.join(out),
                common_errors: root.join(codegen::COMMON_ERRORS_SPEC),
                check,
            };
            match xtask::import::run(&options) {
                Ok(reports) => {
                    for report in &reports {
                        print!("{}", report.render(verbose));
                    }
                    let lagging = reports.iter().filter(|report| !report.differences.is_empty()).count();
                    let invalid = reports.iter().filter(|report| !report.validation.is_empty()).count();
                    if lagging > 0 && check {
                        println!(
                            "{lagging} spec(s) differ from the metadata; `cargo xtask import` (without --check) rewrites them"
                        );
                    } else if lagging > 0 {
                        println!("{lagging} curation(s) no longer apply; fix them in specs/curation/");
                    }
                    if invalid > 0 {
                        println!("{invalid} spec(s) do not validate; see INVALID lines above");
                    }
                    if lagging > 0 || invalid > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
                }
                Err(error) => {
                    eprintln!("import: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Corpus { from, service, all, out } => {
            let selection = if all { Selection::All } else { Selection::Services(service, Versions::All) };
            let options = xtask::import::CorpusOptions { from, selection, out: root.join(out) };
            match xtask::import::corpus(&options) {
                Ok(report) => {
                    print!("{}", report.render());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("corpus: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Scale { from, errors, dir, no_check, batch_lines, decode } => {
            let options = xtask::scale::ScaleOptions {
                from,
                errors,
                dir: root.join(dir),
                cargo_check: !no_check,
                batch_lines,
                decode,
            };
            match xtask::scale::run(&root, &options) {
                Ok(report) => {
                    print!("{}", report.render(false));
                    println!("full report: {}", options.dir.join("report.txt").display());
                    if report.all_pass() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                }
                Err(error) => {
                    eprintln!("scale: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
