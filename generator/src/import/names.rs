//! The importer's naming rules, for the names the metadata does not fix on the wire:
//! spec files, `service.module`, and the type names of data structures. (Action names, member
//! names and error codes are wire names; they are kept as they are.)
//!
//! - A service version's module (and cargo feature) is its `serviceShortName`, or the package
//!   directory's name when the short name is a Rust keyword (`as` -> `autoscaling`). The version
//!   with the most actions keeps that plain name (on a tie, the newest); the others get
//!   `_<YYYYMMDD>` appended (`clb_20230417`). The spec file is `<module>.yaml`.
//! - The title is the metadata's `serviceNameCN` when it is ASCII (it is English for most
//!   services); otherwise the English title of [`ENGLISH_TITLES`], else the short name.
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

/// One service version as the naming rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    /// The package directory (`clb`, `autoscaling`).
    pub package: String,
    /// The version directory (`v20180317`).
    pub version_dir: String,
    /// `serviceShortName` (`clb`, `as`).
    pub short_name: String,
    /// How many actions the version has.
    pub actions: usize,
}

/// The module a service version gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePlan {
    /// The Rust module, cargo feature and spec file stem (`clb`, `clb_20230417`, `autoscaling`).
    pub module: String,
    /// Whether it is the service's plain module (the version with the most actions).
    pub plain: bool,
}

impl ModulePlan {
    /// What `service.module` says: `None` when the module is the short name itself.
    pub fn spec_module(&self, short_name: &str) -> Option<String> {
        (self.module != short_name).then(|| self.module.clone())
    }
}

/// The module of every version in `versions` (in the same order). Versions are grouped by
/// package directory; in each group the version with the most actions gets the plain name
/// (ties: the newest), the others `<name>_<YYYYMMDD>`.
pub fn plan_modules(versions: &[VersionSummary]) -> Vec<ModulePlan> {
    let mut plain: std::collections::BTreeMap<&str, (usize, &str)> = std::collections::BTreeMap::new();
    for version in versions {
        let entry = plain.entry(version.package.as_str()).or_insert((version.actions, version.version_dir.as_str()));
        if (version.actions, version.version_dir.as_str()) > *entry {
            *entry = (version.actions, version.version_dir.as_str());
        }
    }
    versions
        .iter()
        .map(|version| {
            let base =
                if crate::names::is_keyword(&version.short_name) { &version.package } else { &version.short_name };
            let is_plain = plain.get(version.package.as_str()).is_some_and(|(_, dir)| *dir == version.version_dir);
            let module =
                if is_plain { base.clone() } else { format!("{base}_{}", version.version_dir.trim_start_matches('v')) };
            ModulePlan { module, plain: is_plain }
        })
        .collect()
}

/// English titles of the services whose metadata title is not English (`serviceNameCN` is
/// Chinese for them), from Tencent Cloud's international documentation.
pub const ENGLISH_TITLES: &[(&str, &str)] = &[
    ("billing", "Billing Center"),
    ("cam", "Cloud Access Management"),
    ("cbs", "Cloud Block Storage"),
    ("cdb", "TencentDB for MySQL"),
    ("cdn", "Content Delivery Network"),
    ("clb", "Cloud Load Balancer"),
    ("cls", "Cloud Log Service"),
    ("cvm", "Cloud Virtual Machine"),
    ("dnspod", "DNSPod"),
    ("lighthouse", "TencentCloud Lighthouse"),
    ("monitor", "Tencent Cloud Observability Platform"),
    ("redis", "TencentDB for Redis"),
    ("scf", "Serverless Cloud Function"),
    ("ses", "Simple Email Service"),
    ("sms", "Short Message Service"),
    ("ssl", "SSL Certificate Service"),
    ("sts", "Security Token Service"),
    ("tag", "Tag"),
    ("teo", "EdgeOne"),
    ("tke", "Tencent Kubernetes Engine"),
    ("vpc", "Virtual Private Cloud"),
];

/// The service's title: the metadata's when it has no non-ASCII letters, else the English title
/// of [`ENGLISH_TITLES`], else the short name.
pub fn service_title(metadata_title: &str, short_name: &str) -> String {
    let title = super::convert::doc_text(metadata_title);
    if !title.is_empty() && title.is_ascii() {
        return title;
    }
    ENGLISH_TITLES
        .iter()
        .find(|(name, _)| *name == short_name)
        .map_or_else(|| short_name.to_owned(), |(_, english)| (*english).to_owned())
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
        if crate::names::is_type_name(wire) && !taken.contains(*wire) {
            taken.insert((*wire).to_owned());
            names.insert((*wire).to_owned(), (*wire).to_owned());
        }
    }
    for wire in &structures {
        if !names.get(*wire).is_some_and(String::is_empty) {
            continue;
        }
        let mut base = wire.to_upper_camel_case();
        if !crate::names::is_type_name(&base) {
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

    fn summary(package: &str, version: &str, short: &str, actions: usize) -> VersionSummary {
        VersionSummary { package: package.into(), version_dir: version.into(), short_name: short.into(), actions }
    }

    #[test]
    fn the_version_with_the_most_actions_takes_the_plain_name() {
        let versions = [
            summary("clb", "v20180317", "clb", 91),
            summary("clb", "v20230417", "clb", 11),
            summary("sms", "v20190711", "sms", 18),
            summary("sms", "v20210111", "sms", 18),
            summary("autoscaling", "v20180419", "as", 5),
            summary("ssl", "v20191205", "ssl", 44),
        ];
        let modules: Vec<(String, bool)> =
            plan_modules(&versions).into_iter().map(|plan| (plan.module, plan.plain)).collect();
        let expected = [
            ("clb", true),
            ("clb_20230417", false),
            ("sms_20190711", false), // a tie: the newest wins
            ("sms", true),
            ("autoscaling", true),
            ("ssl", true),
        ];
        let expected: Vec<(String, bool)> =
            expected.iter().map(|(module, plain)| ((*module).to_owned(), *plain)).collect();
        assert_eq!(modules, expected);
        let plan = ModulePlan { module: "clb_20230417".into(), plain: false };
        assert_eq!(plan.spec_module("clb").as_deref(), Some("clb_20230417"));
        assert_eq!(ModulePlan { module: "ssl".into(), plain: true }.spec_module("ssl"), None);
    }

    #[test]
    fn titles_are_english() {
        assert_eq!(service_title("DNSPod", "dnspod"), "DNSPod");
        assert_eq!(service_title("负载均衡", "clb"), "Cloud Load Balancer");
        assert_eq!(service_title("云数据库 MySQL", "cdb"), "TencentDB for MySQL");
        assert_eq!(service_title("某服务", "xyz"), "xyz");
        assert_eq!(service_title("", "xyz"), "xyz");
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
