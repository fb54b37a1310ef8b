//! Runs the examples as a user does: a real process, its exit code, its stdout and stderr. Each
//! binary is built once by `cargo build --workspace --example` (a no-op when `cargo test
//! --workspace` already built it: `--workspace` resolves the features of shared dependencies as
//! that run does, where `-p tcapi` would turn on fewer and rebuild tokio, serde and all above them).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The longest a run of the example may take before the test kills it.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// The example's executable, built on first use.
fn example_binary(name: &str) -> PathBuf {
    static BINARIES: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut binaries = BINARIES.lock().unwrap_or_else(PoisonError::into_inner);
    binaries
        .entry(name.to_owned())
        .or_insert_with(|| {
            let mut command = Command::new(env!("CARGO"));
            command
                .args(["build", "--workspace", "--features", "tcapi/mock", "--example", name])
                .args(["--message-format", "json-render-diagnostics"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stderr(Stdio::inherit());
            if !cfg!(debug_assertions) {
                command.arg("--release");
            }
            // What cargo sets for this test process describes this package; passed on, it would make
            // the nested build see changed inputs (build scripts track some) and rebuild dependencies.
            for (name, _) in std::env::vars_os() {
                let name = name.to_string_lossy();
                if name.starts_with("CARGO_PKG_")
                    || matches!(
                        name.as_ref(),
                        "CARGO_MANIFEST_DIR"
                            | "CARGO_MANIFEST_PATH"
                            | "CARGO_CRATE_NAME"
                            | "CARGO_PRIMARY_PACKAGE"
                            | "CARGO_TARGET_TMPDIR"
                            | "CARGO_RUSTC_CURRENT_DIR"
                            | "CARGO_BIN_NAME"
                            | "OUT_DIR"
                    )
                {
                    command.env_remove(name.as_ref());
                }
            }
            let output = command.output().unwrap();
            assert!(output.status.success(), "cargo build --example {name} failed");
            let stdout = String::from_utf8_lossy(&output.stdout);
            stdout
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|message| message["target"]["name"] == name)
                .find_map(|message| message["executable"].as_str().map(PathBuf::from))
                .unwrap_or_else(|| panic!("cargo reported no executable for the example:\n{stdout}"))
        })
        .clone()
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the example with `args` in an environment holding only `env` and a `HOME` without a
/// credentials file, so the developer's own credentials never take part.
pub fn run_example(name: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = std::env::temp_dir().join(format!("tcapi-example-test-home-{}", std::process::id()));
    let mut child = Command::new(example_binary(name))
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().unwrap()));
    let stderr = read_all(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            panic!("the example did not finish within {RUN_TIMEOUT:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run { code: status.code(), stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// Runs the example off the async runtime, so that a mock server on it keeps serving.
pub async fn run_example_async(name: &'static str, args: Vec<String>, env: Vec<(String, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        run_example(name, &args, &env)
    })
    .await
    .unwrap()
}
