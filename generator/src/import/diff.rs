//! The drift check: every difference between a committed (machine-owned) spec and what the
//! metadata gives now, named. Added, removed and retyped actions, parameters, fields,
//! structures, members, enums and error codes are each a line; changed docs are counted.

use indexmap::IndexMap;

use crate::spec::{ActionSpec, EnumSpec, FieldSpec, PaginateSpec, ServiceSpec};

/// `string`, `list of Certificates`, for messages.
pub fn describe(field: &FieldSpec) -> String {
    if field.list { format!("list of {}", field.ty) } else { field.ty.clone() }
}

/// Every difference from `committed` to `imported`, as lines starting with `label`.
pub fn differences(committed: &ServiceSpec, imported: &ServiceSpec, label: &str) -> Vec<String> {
    let mut diff = Diff { label, lines: Vec::new(), docs: 0 };
    diff.service(committed, imported);
    diff.errors(committed, imported);
    diff.enums(&committed.enums, &imported.enums);
    keyed(&committed.structures, &imported.structures, |name, old, new| match (old, new) {
        (Some(_), None) => diff.line(format!("structure {name} is gone upstream")),
        (None, Some(new)) => diff.line(format!("structure {name} is new upstream ({} members)", new.fields.len())),
        (Some(old), Some(new)) => {
            diff.doc(&old.doc, &new.doc);
            if old.usage != new.usage {
                diff.line(format!("structure {name} is used {:?} upstream, {:?} in the spec", new.usage, old.usage));
            }
            diff.fields(&format!("structure {name}"), "member", &old.fields, &new.fields);
        }
        (None, None) => {}
    });
    keyed(&committed.actions, &imported.actions, |name, old, new| match (old, new) {
        (Some(_), None) => diff.line(format!("action {name} is gone upstream")),
        (None, Some(new)) => {
            let deprecated = if new.deprecated { ", deprecated" } else { "" };
            diff.line(format!("action {name} ({}{deprecated}) is new upstream", new.title));
        }
        (Some(old), Some(new)) => diff.action(name, old, new),
        (None, None) => {}
    });
    let Diff { mut lines, docs, .. } = diff;
    if docs > 0 {
        lines.push(format!("{label}: {docs} doc text(s) changed upstream"));
    }
    lines
}

struct Diff<'a> {
    label: &'a str,
    lines: Vec<String>,
    docs: usize,
}

impl Diff<'_> {
    /// `ssl: <text>`.
    fn line(&mut self, text: String) {
        self.lines.push(format!("{}: {text}", self.label));
    }

    /// `ssl <owner>: <text>` (`ssl CertificateOrderSubmit: ...`, `ssl structure Tag: ...`).
    fn line_in(&mut self, owner: &str, text: String) {
        self.lines.push(format!("{} {owner}: {text}", self.label));
    }

    fn doc(&mut self, old: &str, new: &str) {
        if old != new {
            self.docs += 1;
        }
    }

    fn service(&mut self, old: &ServiceSpec, new: &ServiceSpec) {
        let (old, new) = (&old.service, &new.service);
        self.doc(&old.doc, &new.doc);
        let facts = [
            ("name", &old.name, &new.name),
            ("version", &old.version, &new.version),
            ("title", &old.title, &new.title),
            ("endpoint", &old.endpoint, &new.endpoint),
            ("mainland_endpoint", &old.mainland_endpoint, &new.mainland_endpoint),
        ];
        for (key, old, new) in facts {
            if old != new {
                self.line(format!("service.{key} is {new:?} upstream, {old:?} in the spec"));
            }
        }
        if old.module != new.module {
            self.line(format!("service.module is {:?} by the naming rule, {:?} in the spec", new.module, old.module));
        }
    }

    fn errors(&mut self, old: &ServiceSpec, new: &ServiceSpec) {
        keyed(&old.errors, &new.errors, |code, old, new| match (old, new) {
            (Some(_), None) => self.line(format!("error code {code} is gone upstream")),
            (None, Some(new)) => self.line(format!("error code {code} ({}) is new upstream", new.message)),
            (Some(old), Some(new)) => {
                self.doc(&old.message, &new.message);
                if old.retryable != new.retryable || old.variant != new.variant {
                    self.line(format!("error code {code} changes its variant or retryable"));
                }
            }
            (None, None) => {}
        });
    }

    fn enums(&mut self, old: &IndexMap<String, EnumSpec>, new: &IndexMap<String, EnumSpec>) {
        let values = |spec: &EnumSpec| -> Vec<String> {
            spec.values
                .iter()
                .map(|value| match &value.value {
                    crate::spec::EnumValue::String(text) => text.clone(),
                    crate::spec::EnumValue::Integer(number) => number.to_string(),
                })
                .collect()
        };
        keyed(old, new, |name, old, new| match (old, new) {
            (Some(_), None) => self.line(format!("enum {name} is no longer inferred from the docs")),
            (None, Some(new)) => {
                self.line(format!("enum {name} ({}) is newly inferred from the docs", values(new).join(", ")))
            }
            (Some(old), Some(new)) => {
                self.doc(&old.doc, &new.doc);
                let (before, after) = (values(old), values(new));
                let added: Vec<&String> = after.iter().filter(|value| !before.contains(value)).collect();
                let removed: Vec<&String> = before.iter().filter(|value| !after.contains(value)).collect();
                if !added.is_empty() || !removed.is_empty() {
                    let list =
                        |values: &[&String]| values.iter().map(|value| value.as_str()).collect::<Vec<_>>().join(", ");
                    self.line(format!("enum {name}: values added [{}], removed [{}]", list(&added), list(&removed)));
                }
                for (old_value, new_value) in old.values.iter().zip(&new.values) {
                    if old_value.value == new_value.value {
                        self.doc(&old_value.doc, &new_value.doc);
                    }
                }
            }
            (None, None) => {}
        });
    }

    fn action(&mut self, name: &str, old: &ActionSpec, new: &ActionSpec) {
        self.doc(&old.title, &new.title);
        self.doc(&old.doc, &new.doc);
        match (old.deprecated, new.deprecated) {
            (false, true) => self.line_in(name, "the action is deprecated upstream".to_owned()),
            (true, false) => self.line_in(name, "the action is no longer deprecated upstream".to_owned()),
            _ => {}
        }
        if old.unsigned != new.unsigned {
            self.line_in(name, format!("the action is {}signed upstream", if new.unsigned { "un" } else { "" }));
        }
        if old.idempotency_token != new.idempotency_token {
            self.line_in(
                name,
                format!(
                    "idempotency token {:?} upstream, {:?} in the spec",
                    new.idempotency_token, old.idempotency_token
                ),
            );
        }
        self.fields(name, "request parameter", &old.request, &new.request);
        self.fields(name, "response field", &old.response, &new.response);
        match (&old.paginate, &new.paginate) {
            (None, Some(new)) => self.line_in(name, format!("paginator {} is newly inferred", paginate(new))),
            (Some(_), None) => self.line_in(name, "the paginator is no longer inferred".to_owned()),
            (Some(old), Some(new)) if old != new => {
                self.line_in(
                    name,
                    format!("the paginator is {} upstream, {} in the spec", paginate(new), paginate(old)),
                );
            }
            _ => {}
        }
        if old.examples != new.examples {
            self.line_in(
                name,
                format!("examples change ({} in the spec, {} upstream)", old.examples.len(), new.examples.len()),
            );
        }
        let facts = (&old.rate_limit, &old.region, &old.errors, &old.retryable);
        if facts != (&new.rate_limit, &new.region, &new.errors, &new.retryable) {
            self.line_in(
                name,
                "the spec has curated rate_limit, region, errors or retryable; they belong in the curation file"
                    .to_owned(),
            );
        }
    }

    fn fields(
        &mut self,
        owner: &str,
        noun: &str,
        old: &IndexMap<String, FieldSpec>,
        new: &IndexMap<String, FieldSpec>,
    ) {
        keyed(old, new, |wire, old, new| match (old, new) {
            (Some(_), None) => self.line_in(owner, format!("{noun} {wire} is gone upstream")),
            (None, Some(new)) => self.line_in(owner, format!("{noun} {wire} ({}) is new upstream", describe(new))),
            (Some(old), Some(new)) => {
                self.doc(&old.doc, &new.doc);
                if (&old.ty, old.list) != (&new.ty, new.list) {
                    self.line_in(
                        owner,
                        format!("{noun} {wire} is {} upstream, {} in the spec", describe(new), describe(old)),
                    );
                }
                for (what, before, after) in
                    [("required", old.required, new.required), ("nullable", old.nullable, new.nullable)]
                {
                    if before != after {
                        let now = if after { "" } else { "not " };
                        self.line_in(owner, format!("{noun} {wire} is {now}{what} upstream"));
                    }
                }
                match (old.deprecated, new.deprecated) {
                    (false, true) => self.line_in(owner, format!("{noun} {wire} is deprecated upstream")),
                    (true, false) => self.line_in(owner, format!("{noun} {wire} is no longer deprecated upstream")),
                    _ => {}
                }
                if old.rust_name != new.rust_name {
                    self.line_in(
                        owner,
                        format!(
                            "{noun} {wire} is named {:?} in Rust by the naming rule, {:?} in the spec",
                            new.rust_name, old.rust_name
                        ),
                    );
                }
            }
            (None, None) => {}
        });
    }
}

fn paginate(spec: &PaginateSpec) -> String {
    let parts = [
        ("offset", &spec.offset),
        ("page", &spec.page),
        ("token", &spec.token),
        ("limit", &spec.limit),
        ("total", &spec.total),
    ];
    let parts: Vec<String> =
        parts.iter().filter_map(|(key, value)| value.as_ref().map(|value| format!("{key} {value}"))).collect();
    format!("(items {}, {})", spec.items, parts.join(", "))
}

/// Calls `visit` for every key of either map: the committed order, then the keys only the
/// import has, in its order.
fn keyed<V>(old: &IndexMap<String, V>, new: &IndexMap<String, V>, mut visit: impl FnMut(&str, Option<&V>, Option<&V>)) {
    for (key, value) in old {
        visit(key, Some(value), new.get(key));
    }
    for (key, value) in new {
        if !old.contains_key(key) {
            visit(key, None, Some(value));
        }
    }
}
