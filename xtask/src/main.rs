//! `cargo xtask codegen [--check]`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Maintenance tasks of the tcgen workspace")]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = xtask::workspace_root();
    match cli.task {
        Task::Codegen { check } => {
            let result = codegen::generate(&root).and_then(|files| {
                if check { codegen::compare(&root, &files) } else { codegen::apply(&root, &files) }
            });
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
    }
}
