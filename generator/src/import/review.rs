//! The review list of a service: every enum the import inferred, its values, the members that
//! use it and the doc text it came from (`specs/review/<module>.md`, machine-owned, rewritten
//! by each import; codegen never reads it).

use std::fmt::Write as _;

use super::enums::InferredEnum;
use crate::spec::ServiceSpec;

/// The review list's text.
pub fn review_text(spec: &ServiceSpec, enums: &[InferredEnum]) -> String {
    let module = spec.service.module.as_deref().unwrap_or(&spec.service.name);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Machine-owned: `cargo xtask import` rewrites this file; `cargo xtask codegen` never reads it. -->"
    );
    let _ = writeln!(out, "# Inferred enums of `{module}` ({}, {})\n", spec.service.title, spec.service.version);
    let _ = writeln!(
        out,
        "{} enum(s), inferred from the members' docs by the rules in `xtask/IMPORT.md`. A wrong one is \
         fixed in `specs/curation/{module}.yaml`: give the member `type: string` back, or replace the enum \
         under `enums`.",
        enums.len()
    );
    for enumeration in enums {
        let _ = writeln!(out, "\n## `{}`\n", enumeration.name);
        for (value, meaning) in &enumeration.values {
            if meaning.is_empty() {
                let _ = writeln!(out, "- `{value}`");
            } else {
                let _ = writeln!(out, "- `{value}`: {}", escape(meaning));
            }
        }
        let _ = writeln!(out, "\nUsed by:\n");
        for (place, member, doc) in &enumeration.uses {
            let _ = writeln!(out, "- {} `{member}`:", place.describe());
            for line in doc.lines() {
                let _ = writeln!(out, "  > {}", escape(line));
            }
        }
    }
    out
}

/// Text that markdown shows as written: no HTML, no stray emphasis.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('*', "\\*").replace('_', "\\_")
}
