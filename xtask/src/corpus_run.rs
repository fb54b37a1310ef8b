//! The decoding half of `cargo xtask scale --decode`: runs the generated crate's corpus tests
//! (`published_example_responses_decode_forgivingly`, one per service module) and reads the
//! summary line each prints, `corpus <module>: N success examples, N decode (...), N fail; Go's
//! semantics would fail N; ...`, and the failing examples its assertion lists.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// What one module's corpus test said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleDecoding {
    /// JSON success examples.
    pub successes: usize,
    /// Of those, decoded (corrected or not).
    pub decoded: usize,
    /// Of those, decoded with at least one correction.
    pub corrected: usize,
    /// Successes the Go SDK's semantics would refuse.
    pub go_would_fail: usize,
    /// The failing examples as the test lists them (`Action "title": why`).
    pub failures: Vec<String>,
}

/// One batch's run of the corpus tests.
#[derive(Debug, Clone, Default)]
pub struct DecodeRun {
    pub time: Duration,
    /// Whether the test binary built (a failing corpus test is expected without failure lists).
    pub built: bool,
    pub modules: BTreeMap<String, ModuleDecoding>,
}

/// Builds and runs the corpus tests of the crate in `crate_dir` with `features`, keeping cargo's
/// and the tests' output in `log`.
pub fn run(crate_dir: &Path, target: &Path, features: &str, log: &Path) -> std::io::Result<DecodeRun> {
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--lib", "--no-default-features", "--features", features])
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .args(["--", "published_example_responses", "--nocapture", "--test-threads", "1"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        // Debug info costs the test build time and memory (160 versions are 1.2M lines); the
        // figure needs none.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    fs::write(log, format!("{stderr}\n{stdout}"))?;
    let mut run = DecodeRun { time: started.elapsed(), built: stdout.contains("running "), ..DecodeRun::default() };
    // Summary lines go to stdout; the assertions' lists of failing examples, to stderr.
    parse(&stdout, &mut run.modules);
    parse(&stderr, &mut run.modules);
    Ok(run)
}

/// Reads the summary lines and the failure lists of the tests' output.
fn parse(output: &str, modules: &mut BTreeMap<String, ModuleDecoding>) {
    let mut failing_of: Option<String> = None;
    for line in output.lines() {
        // With `--nocapture` a test's output follows its `test <name> ... ` on the same line.
        let line =
            line.strip_prefix("test ").and_then(|rest| rest.split_once(" ... ")).map_or(line, |(_, after)| after);
        if let Some(rest) = line.strip_prefix("corpus ")
            && let Some((module, summary)) = rest.split_once(": ")
        {
            if let Some(decoding) = summary_counts(summary) {
                modules.insert(module.to_owned(), decoding);
                failing_of = None;
                continue;
            }
            // The assertion's first line: `corpus <module>: the examples that fail are not ...`.
            failing_of = Some(module.to_owned());
            continue;
        }
        match &failing_of {
            Some(module) if line.starts_with("  ") => {
                if let Some(decoding) = modules.get_mut(module) {
                    decoding.failures.push(line.trim().to_owned());
                }
            }
            Some(_) if line.starts_with("listed, but decoding now") => failing_of = None,
            _ => {}
        }
    }
}

/// The counts of a summary line, or `None` when the line is not one.
fn summary_counts(summary: &str) -> Option<ModuleDecoding> {
    let before = |marker: &str| -> Option<usize> {
        let head = &summary[..summary.find(marker)?];
        head.rsplit([' ', '(']).next()?.parse().ok()
    };
    let after = |marker: &str| -> Option<usize> {
        let tail = &summary[summary.find(marker)? + marker.len()..];
        tail.split([';', ',', ')', ' ']).next()?.parse().ok()
    };
    Some(ModuleDecoding {
        successes: before(" success examples")?,
        decoded: before(" decode (")?,
        corrected: before(" corrected")?,
        go_would_fail: after("Go's semantics would fail ")?,
        failures: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_and_failure_lists_are_read() {
        let output = "\
running 3 tests
corpus cvm: 120 success examples, 118 decode (7 corrected, missing 5, number-from-string 2), 2 fail; Go's semantics would fail 4; 3 error examples, 0 examples of actions the spec lacks
thread 'cvm::tests::published_example_responses_decode_forgivingly' panicked at runtime/src/testing.rs:1:1:
corpus cvm: the examples that fail are not those /x/cvm.failures.json lists
failing, not listed (fix the decoder or the spec, or list them with why):
  DescribeZones \"Example 1\": Response.ZoneSet[0].ZoneState: invalid type
  RunInstances \"Example 2\": Response.InstanceIdSet: invalid type
listed, but decoding now (remove them from the list):

test ssl::tests::published_example_responses_decode_forgivingly ... corpus ssl: 46 success examples, 46 decode (0 corrected), 0 fail; Go's semantics would fail 0; 0 error examples, 0 examples of actions the spec lacks
ok
";
        let mut modules = BTreeMap::new();
        parse(output, &mut modules);
        let cvm = &modules["cvm"];
        assert_eq!((cvm.successes, cvm.decoded, cvm.corrected, cvm.go_would_fail), (120, 118, 7, 4));
        assert_eq!(cvm.failures.len(), 2);
        assert!(cvm.failures[0].starts_with("DescribeZones"));
        let ssl = &modules["ssl"];
        assert_eq!((ssl.successes, ssl.decoded, ssl.go_would_fail, ssl.failures.len()), (46, 46, 0, 0));
    }

    #[test]
    fn other_lines_are_not_summaries() {
        assert_eq!(summary_counts("the examples that fail are not those x lists"), None);
    }
}
