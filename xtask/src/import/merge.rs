//! Merging an imported spec into the one people curate. The curated spec wins everywhere: its
//! service info, enums, docs, types, per-action `errors`, `retryable`, `rate_limit`, `region`,
//! `paginate` and examples are kept as they are. From the metadata it takes only what is
//! missing (actions, parameters, fields, structures, members, error codes, a paginator, examples
//! for an action that has none, a deprecation), and it names every difference it sees.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use tcgen::spec::{ActionSpec, EnumRepr, FieldSpec, ServiceSpec, StructureSpec};

use super::report::{Difference, Severity};

/// The merged spec and what differed.
#[derive(Debug, Clone)]
pub struct Merged {
    pub spec: ServiceSpec,
    pub differences: Vec<Difference>,
    /// Actions whose examples now come from the metadata (new actions, and actions that had none).
    pub imported_examples: BTreeSet<String>,
}

/// Merges `imported` (from the metadata) into `curated` (the spec file). `label` names the
/// service in the differences (`ssl`).
pub fn merge(curated: &ServiceSpec, imported: &ServiceSpec, label: &str) -> Merged {
    let mut merger = Merger { label, curated, differences: Vec::new(), imported_examples: BTreeSet::new() };
    let mut spec = curated.clone();
    spec.errors = union(&curated.errors, &imported.errors, |code, curated, imported| match (curated, imported) {
        (Some(kept), _) => {
            if imported.is_none() {
                merger.note(format!("{label}: error code {code} is not in errorcodes.py"));
            }
            Some(kept.clone())
        }
        (None, Some(new)) => {
            merger.lag(format!("{label}: error code {code} ({}) is missing from the spec", new.message));
            Some(new.clone())
        }
        (None, None) => None,
    });
    spec.structures = union(&curated.structures, &imported.structures, |name, curated, imported| {
        merger.structure(name, curated, imported)
    });
    spec.actions =
        union(&curated.actions, &imported.actions, |name, curated, imported| merger.action(name, curated, imported));
    Merged { spec, differences: merger.differences, imported_examples: merger.imported_examples }
}

struct Merger<'a> {
    label: &'a str,
    curated: &'a ServiceSpec,
    differences: Vec<Difference>,
    imported_examples: BTreeSet<String>,
}

/// How a field is named in messages, which also decides how its optionality is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Parameter,
    ResponseField,
    Member,
}

impl Role {
    fn noun(self) -> &'static str {
        match self {
            Self::Parameter => "request parameter",
            Self::ResponseField => "response field",
            Self::Member => "member",
        }
    }

    /// Whether the generated Rust type makes it an `Option`, as the validator reads it.
    fn optional(self, field: &FieldSpec) -> bool {
        match self {
            Self::Parameter => !field.required,
            Self::ResponseField => field.nullable,
            Self::Member => !field.required || field.nullable,
        }
    }
}

impl Merger<'_> {
    fn lag(&mut self, text: String) {
        self.differences.push(Difference { severity: Severity::Lag, text });
    }

    fn note(&mut self, text: String) {
        self.differences.push(Difference { severity: Severity::Note, text });
    }

    fn structure(
        &mut self,
        name: &str,
        curated: Option<&StructureSpec>,
        imported: Option<&StructureSpec>,
    ) -> Option<StructureSpec> {
        let label = self.label;
        match (curated, imported) {
            (Some(curated), Some(imported)) => {
                let context = format!("{label} structure {name}");
                let fields = self.fields(&context, Role::Member, &curated.fields, &imported.fields);
                Some(StructureSpec { doc: curated.doc.clone(), usage: curated.usage, fields })
            }
            (Some(curated), None) => {
                self.lag(format!("{label}: structure {name} is in the spec but not in the metadata"));
                Some(curated.clone())
            }
            (None, Some(imported)) => {
                self.lag(format!("{label}: structure {name} is missing from the spec"));
                Some(imported.clone())
            }
            (None, None) => None,
        }
    }

    fn action(
        &mut self,
        name: &str,
        curated: Option<&ActionSpec>,
        imported: Option<&ActionSpec>,
    ) -> Option<ActionSpec> {
        let label = self.label;
        let (curated, imported) = match (curated, imported) {
            (Some(curated), Some(imported)) => (curated, imported),
            (Some(curated), None) => {
                self.lag(format!("{label}: action {name} is in the spec but not in the metadata"));
                return Some(curated.clone());
            }
            (None, Some(imported)) => {
                let deprecated = if imported.deprecated { ", deprecated" } else { "" };
                self.lag(format!("{label}: action {name} ({}{deprecated}) is missing from the spec", imported.title));
                self.imported_examples.insert(name.to_owned());
                return Some(imported.clone());
            }
            (None, None) => return None,
        };
        let context = format!("{label} {name}");
        let mut merged = curated.clone();
        merged.request = self.fields(&context, Role::Parameter, &curated.request, &imported.request);
        merged.response = self.fields(&context, Role::ResponseField, &curated.response, &imported.response);
        match (curated.deprecated, imported.deprecated) {
            (false, true) => {
                self.lag(format!("{context}: the action is deprecated by Tencent; marked deprecated"));
                merged.deprecated = true;
            }
            (true, false) => self.note(format!("{context}: deprecated in the spec but not in the metadata")),
            _ => {}
        }
        if let (None, Some(inferred)) = (&curated.paginate, &imported.paginate) {
            self.lag(format!("{context}: the inferred paginator (items {}) is missing from the spec", inferred.items));
            merged.paginate = Some(inferred.clone());
        }
        if curated.examples.is_empty() && !imported.examples.is_empty() {
            merged.examples = imported.examples.clone();
            self.imported_examples.insert(name.to_owned());
        }
        Some(merged)
    }

    fn fields(
        &mut self,
        context: &str,
        role: Role,
        curated: &IndexMap<String, FieldSpec>,
        imported: &IndexMap<String, FieldSpec>,
    ) -> IndexMap<String, FieldSpec> {
        let noun = role.noun();
        union(curated, imported, |wire, curated, imported| match (curated, imported) {
            (Some(curated), Some(imported)) => Some(self.field(context, role, wire, curated, imported)),
            (Some(curated), None) => {
                self.lag(format!("{context}: {noun} {wire} is in the spec but not in the metadata"));
                Some(curated.clone())
            }
            (None, Some(imported)) => {
                self.lag(format!("{context}: {noun} {wire} ({}) is missing from the spec", describe(imported)));
                Some(imported.clone())
            }
            (None, None) => None,
        })
    }

    /// The curated field, marked deprecated when Tencent disabled it; every disagreement named.
    fn field(&mut self, context: &str, role: Role, wire: &str, curated: &FieldSpec, imported: &FieldSpec) -> FieldSpec {
        let noun = role.noun();
        let mut merged = curated.clone();
        if !self.compatible(curated, imported) {
            self.lag(format!(
                "{context}: {noun} {wire} is {} in the spec but {} in the metadata",
                describe(curated),
                describe(imported)
            ));
        }
        // A request parameter is safe stricter (required where the metadata says optional); a
        // response field or member is safe more lenient (optional where the metadata says it is
        // always there). The other direction breaks calls: a request the server refuses, or a
        // response that fails to decode.
        match (role, role.optional(curated), role.optional(imported)) {
            (Role::Parameter, true, false) => {
                self.lag(format!("{context}: {noun} {wire} is required per the metadata, but optional in the spec"));
            }
            (Role::Parameter, false, true) => {
                self.note(format!("{context}: {noun} {wire} is optional per the metadata, but required in the spec"));
            }
            (_, false, true) => {
                self.lag(format!(
                    "{context}: {noun} {wire} may be null or absent per the metadata, but the spec makes it mandatory"
                ));
            }
            (_, true, false) => {
                self.note(format!(
                    "{context}: {noun} {wire} is always present per the metadata, but optional in the spec"
                ));
            }
            _ => {}
        }
        match (curated.deprecated, imported.deprecated) {
            (false, true) => {
                self.lag(format!("{context}: {noun} {wire} is disabled by Tencent; marked deprecated"));
                merged.deprecated = true;
            }
            (true, false) => {
                self.note(format!("{context}: {noun} {wire} is deprecated in the spec but not in the metadata"))
            }
            _ => {}
        }
        merged
    }

    /// Same type, or a curated refinement of the metadata's primitive: an enum of the same wire
    /// representation, or `int_bool` for an integer.
    fn compatible(&self, curated: &FieldSpec, imported: &FieldSpec) -> bool {
        if curated.list != imported.list {
            return false;
        }
        if curated.ty == imported.ty {
            return true;
        }
        let integer = matches!(imported.ty.as_str(), "int64" | "uint64");
        let string = matches!(imported.ty.as_str(), "string" | "date" | "datetime" | "datetime_iso");
        match self.curated.enums.get(&curated.ty).map(|spec| spec.repr) {
            Some(EnumRepr::Integer) => integer,
            Some(EnumRepr::String) => string,
            None => curated.ty == "int_bool" && integer,
        }
    }
}

/// `string`, `list of Certificates`, for messages.
pub fn describe(field: &FieldSpec) -> String {
    if field.list { format!("list of {}", field.ty) } else { field.ty.clone() }
}

/// The entries of both maps, combined by `pick(key, curated, imported)`. The curated order is
/// kept; an entry only the metadata has goes right after the entry that precedes it in the
/// metadata (or first, when none does), so new entries land where the metadata has them.
fn union<V>(
    curated: &IndexMap<String, V>,
    imported: &IndexMap<String, V>,
    mut pick: impl FnMut(&str, Option<&V>, Option<&V>) -> Option<V>,
) -> IndexMap<String, V> {
    let mut order: Vec<&str> = curated.keys().map(String::as_str).collect();
    let mut previous: Option<&str> = None;
    for key in imported.keys() {
        if !curated.contains_key(key) {
            let position = previous.and_then(|before| order.iter().position(|k| *k == before)).map_or(0, |i| i + 1);
            order.insert(position, key);
        }
        previous = Some(key);
    }
    order
        .into_iter()
        .filter_map(|key| Some((key.to_owned(), pick(key, curated.get(key), imported.get(key))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_entries_land_where_the_metadata_has_them() {
        let curated: IndexMap<String, u8> = [("C".to_owned(), 1), ("Z".to_owned(), 9)].into_iter().collect();
        let imported: IndexMap<String, u8> = ["A", "B", "C", "D"].iter().map(|key| ((*key).to_owned(), 0)).collect();
        let merged = union(&curated, &imported, |_, curated, imported| curated.or(imported).copied());
        let keys: Vec<&str> = merged.keys().map(String::as_str).collect();
        assert_eq!(keys, ["A", "B", "C", "D", "Z"]);
        assert_eq!(merged.get("C"), Some(&1));
    }
}
