//! Located problems found in specs: `specs/ssl.yaml:12:7: <what is wrong> (<what was expected>)`.

use std::fmt;

use crate::location::Position;

/// One problem in one spec file, at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file as the caller named it (relative to the workspace, e.g. `specs/ssl.yaml`).
    pub file: String,
    /// Where the problem is.
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// What was expected instead.
    pub expected: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {} ({})", self.file, self.position.line, self.position.column, self.message, self.expected)
    }
}

/// Every problem found in one run, sorted by file and position when reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        write!(f, "{} problem(s) found in the specs", self.0.len())
    }
}

impl std::error::Error for Diagnostics {}
