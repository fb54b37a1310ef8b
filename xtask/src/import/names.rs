//! The importer's naming rules, for the names the metadata does not fix on the wire:
//! spec files, `service.module`, and the type names of data structures. (Action names, member
//! names and error codes are wire names; they are kept as they are.)
//!
//! - A service version's module (and cargo feature) is its `serviceShortName`, or the package
//!   directory's name when the short name is a Rust keyword (`as` -> `autoscaling`). Only the
//!   newest version of a service keeps that name; older ones get `_<YYYYMMDD>` appended
//!   (`clb_20180317`). The spec file is `<module>.yaml`.
//! - A structure keeps its metadata name when the generator takes it as a type name (an
//!   identifier that starts upper-case, without underscores; acronyms such as `HTTPHeader` are
//!   kept). Otherwise it becomes heck's UpperCamelCase of it (`GetWsTokenReq_Label` ->
//!   `GetWsTokenReqLabel`); structure names never go on the wire, so renaming is safe.
//! - A structure whose name is taken (by the types generated for actions, by the names every
//!   service module uses: `Client`, `ErrorCode`, and the prelude and serde names the generated code
//!   refers to unqualified, such as `Option` and `Result`, or by an earlier structure) gets `Data`
//!   appended, then `Data2`, `Data3`... until it is free. Names that are valid as they are claim
//!   first, so a renamed structure never displaces one that kept its name.

use std::collections::HashSet;

use heck::ToUpperCamelCase;
use indexmap::IndexMap;

/// The types generated for each action: `{Action}Request`, ...
pub const ACTION_TYPE_SUFFIXES: &[&str] = &["Request", "Response", "Builder", "ErrorCode"];

/// Names a structure cannot take: what every generated service module defines, and what the
/// generated code names without a path (a structure called `Result` would shadow the prelude's).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "ErrorCode",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Serialize",
    "Deserialize",
];

/// The module of one service version, or `None` when it is the service's short name itself.
pub fn module_name(short_name: &str, package: &str, version_dir: &str, newest: bool) -> Option<String> {
    let base = if tcgen::names::is_keyword(short_name) { package } else { short_name };
    let digits = version_dir.trim_start_matches('v');
    match (newest, base == short_name) {
        (true, true) => None,
        (true, false) => Some(base.to_owned()),
        (false, _) => Some(format!("{base}_{digits}")),
    }
}

/// The spec file of a module: `<module>.yaml`.
pub fn spec_file_name(module: &str) -> String {
    format!("{module}.yaml")
}

/// Type names for the data structures (`wire` names in metadata order), given the actions: the
/// metadata name -> the spec's type name.
pub fn structure_type_names<'a>(
    structures: impl IntoIterator<Item = &'a str>,
    actions: impl IntoIterator<Item = &'a str>,
) -> IndexMap<String, String> {
    let mut taken: HashSet<String> = RESERVED_TYPE_NAMES.iter().map(|name| (*name).to_owned()).collect();
    for action in actions {
        taken.extend(ACTION_TYPE_SUFFIXES.iter().map(|suffix| format!("{action}{suffix}")));
    }
    let structures: Vec<&str> = structures.into_iter().collect();
    let mut names: IndexMap<String, String> =
        structures.iter().map(|wire| ((*wire).to_owned(), String::new())).collect();
    // First the names that are fine as they are, then the ones that need a new name.
    for wire in &structures {
        if tcgen::names::is_type_name(wire) && !taken.contains(*wire) {
            taken.insert((*wire).to_owned());
            names.insert((*wire).to_owned(), (*wire).to_owned());
        }
    }
    for wire in &structures {
        if !names.get(*wire).is_some_and(String::is_empty) {
            continue;
        }
        let mut base = wire.to_upper_camel_case();
        if !tcgen::names::is_type_name(&base) {
            // Only a name that starts with a digit gets here.
            base = format!("Type{base}");
        }
        let mut candidate = base.clone();
        let mut attempt = 1;
        while taken.contains(&candidate) {
            candidate = if attempt == 1 { format!("{base}Data") } else { format!("{base}Data{attempt}") };
            attempt += 1;
        }
        taken.insert(candidate.clone());
        names.insert((*wire).to_owned(), candidate);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_tell_versions_apart_and_avoid_keywords() {
        assert_eq!(module_name("ssl", "ssl", "v20191205", true), None);
        assert_eq!(module_name("clb", "clb", "v20180317", false).as_deref(), Some("clb_20180317"));
        assert_eq!(module_name("as", "autoscaling", "v20180419", true).as_deref(), Some("autoscaling"));
    }

    #[test]
    fn structures_are_renamed_by_one_rule() {
        let names = structure_type_names(
            ["GetWsTokenReqLabel", "GetWsTokenReq_Label", "HTTPHeader", "Result", "DescribeXRequest", "Tag"],
            ["DescribeX"],
        );
        let renamed: Vec<(&str, &str)> = names.iter().map(|(wire, name)| (wire.as_str(), name.as_str())).collect();
        assert_eq!(
            renamed,
            [
                ("GetWsTokenReqLabel", "GetWsTokenReqLabel"),
                ("GetWsTokenReq_Label", "GetWsTokenReqLabelData"),
                ("HTTPHeader", "HTTPHeader"),
                ("Result", "ResultData"),
                ("DescribeXRequest", "DescribeXRequestData"),
                ("Tag", "Tag"),
            ]
        );
    }
}
