//! What an import found and did, in lines a person reads: the differences between a spec and
//! the metadata, and the notes of the conversion (renames, what the format cannot express,
//! dropped examples, inferred paginators).

use std::fmt::Write as _;

/// How much a difference matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The committed files lag the metadata (or the curation no longer applies): `--check` fails.
    Lag,
    /// Worth knowing, harmless.
    Note,
}

/// One difference, named: `ssl CertificateOrderSubmit: request parameter NewParam (string) is
/// new upstream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub severity: Severity,
    pub text: String,
}

/// What the conversion had to do, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Structures, members and error variants given another Rust name by the naming rules.
    pub renamed: Vec<String>,
    /// Constructs the spec format cannot express, and what was done instead.
    pub unsupported: Vec<String>,
    /// Examples left out, and why.
    pub examples_dropped: Vec<String>,
    /// Paginators inferred from the field names.
    pub paginators: Vec<String>,
    /// Enums inferred from the docs (listed in full in the review list).
    pub enums: Vec<String>,
    /// Error codes Tencent documents without a message.
    pub no_message: Vec<String>,
    /// Metadata files that are missing (a version without errorcodes.py).
    pub gaps: Vec<String>,
}

impl Notes {
    /// Adds `other`'s lines to these.
    pub fn extend(&mut self, other: Notes) {
        self.renamed.extend(other.renamed);
        self.unsupported.extend(other.unsupported);
        self.examples_dropped.extend(other.examples_dropped);
        self.paginators.extend(other.paginators);
        self.enums.extend(other.enums);
        self.no_message.extend(other.no_message);
        self.gaps.extend(other.gaps);
    }

    /// Each kind with its count, and (when `verbose`) its lines, indented by `indent`.
    pub fn render(&self, verbose: bool, indent: &str) -> String {
        let mut out = String::new();
        for (title, lines) in self.sections() {
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{indent}{title}: {}", lines.len());
            if verbose {
                for line in lines {
                    let _ = writeln!(out, "{indent}  {line}");
                }
            }
        }
        out
    }

    /// Each kind of note with its title, in the order reports show them.
    pub fn sections(&self) -> [(&'static str, &Vec<String>); 7] {
        [
            ("not expressible in the spec format (left out or changed)", &self.unsupported),
            ("renamed (structures, members, error variants)", &self.renamed),
            ("examples left out", &self.examples_dropped),
            ("paginators inferred", &self.paginators),
            ("enums inferred", &self.enums),
            ("error codes without a message", &self.no_message),
            ("metadata missing", &self.gaps),
        ]
    }
}

/// What happened to one spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written for the first time.
    Created,
    /// Rewritten from the metadata (upstream changes applied).
    Updated,
    /// Already in line with the metadata; not rewritten.
    Unchanged,
    /// `--check`: the spec or review list lags the metadata (or does not exist), or the
    /// curation no longer applies.
    Lagging,
    /// `--check`: the spec is in line with the metadata.
    Current,
}

/// The result for one service version.
#[derive(Debug, Clone)]
pub struct ServiceReport {
    /// The module name (`ssl`, `clb_20180317`), which names the service version in every line.
    pub label: String,
    /// The API version.
    pub version: String,
    /// The spec file, as the report names it.
    pub file: String,
    pub outcome: Outcome,
    pub differences: Vec<Difference>,
    pub notes: Notes,
    /// Problems the validator finds in the spec as written (empty when it validates).
    pub validation: Vec<String>,
    /// Counts in the spec: actions, structures, error codes, examples.
    pub counts: Counts,
}

/// Sizes of a spec, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub actions: usize,
    pub structures: usize,
    pub errors: usize,
    pub examples: usize,
    /// Actions with a paginator.
    pub paginators: usize,
    /// Enums (inferred ones; the curation may add more).
    pub enums: usize,
}

impl Counts {
    /// The counts of a spec.
    pub fn of(spec: &crate::spec::ServiceSpec) -> Self {
        Counts {
            actions: spec.actions.len(),
            structures: spec.structures.len(),
            errors: spec.errors.len(),
            examples: spec.actions.values().map(|action| action.examples.len()).sum(),
            paginators: spec.actions.values().filter(|action| action.paginate.is_some()).count(),
            enums: spec.enums.len(),
        }
    }
}

impl ServiceReport {
    /// Whether `--check` should fail for this service.
    pub fn lags(&self) -> bool {
        self.outcome == Outcome::Lagging
    }

    /// The full text: a summary line, each difference, each note, each validation problem.
    pub fn render(&self, verbose_notes: bool) -> String {
        let mut out = String::new();
        let outcome = match self.outcome {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Lagging => "LAGS the metadata",
            Outcome::Current => "in line with the metadata",
        };
        let Counts { actions, structures, errors, examples, paginators, enums } = self.counts;
        let _ = writeln!(
            out,
            "{} {} ({}): {outcome}; {actions} actions ({paginators} paginated), {structures} structures, {enums} enums, {errors} error codes, {examples} examples",
            self.label, self.version, self.file
        );
        for difference in &self.differences {
            let mark = match difference.severity {
                Severity::Lag => "  - ",
                Severity::Note => "  note: ",
            };
            let _ = writeln!(out, "{mark}{}", difference.text);
        }
        out.push_str(&self.notes.render(verbose_notes, "  "));
        for problem in &self.validation {
            let _ = writeln!(out, "  INVALID: {problem}");
        }
        out
    }
}
