//! Checks a loaded spec and builds the IR, reporting every problem it finds, each at its place.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ActionErrors, Scalar, TypeRef, WireValue};
use crate::load::{Loaded, Reporter};
use crate::location::NodePath;
use crate::names;
use crate::spec::{CommonErrorsSpec, EnumRepr, EnumValue, ErrorSpec, FieldSpec, RegionUse, ServiceSpec};

/// Names every service module defines besides the spec's own types, and the prelude's types,
/// which generated code uses unqualified.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "ErrorCode", "Option", "Result", "Box", "Vec", "String"];

fn path_of(parts: &[&str]) -> NodePath {
    parts.iter().map(|part| (*part).to_owned()).collect()
}

fn child(path: &[String], key: impl Into<String>) -> NodePath {
    let mut out = path.to_vec();
    out.push(key.into());
    out
}

/// Whether `code` looks like a Tencent error code: dot-separated words of letters and digits.
fn is_error_code(code: &str) -> bool {
    code.split('.').all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// Checks the common error codes and returns them as IR codes.
pub fn validate_common_errors(
    loaded: &Loaded<CommonErrorsSpec>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ir::ErrorCode> {
    let mut reporter = Reporter::new(&loaded.file, &loaded.locations, diagnostics);
    check_error_codes(&mut reporter, &loaded.spec.errors, &path_of(&["errors"]), &HashMap::new())
}

/// Checks the codes of one file; `others` are codes defined elsewhere (code -> variant), whose
/// variants must not collide with these unless it is the same code.
fn check_error_codes(
    reporter: &mut Reporter<'_>,
    errors: &IndexMap<String, ErrorSpec>,
    section: &[String],
    others: &HashMap<String, String>,
) -> Vec<ir::ErrorCode> {
    let mut variants: HashMap<String, String> =
        others.iter().map(|(code, variant)| (variant.clone(), code.clone())).collect();
    let mut out = Vec::new();
    for (code, spec) in errors {
        let path = child(section, code.as_str());
        if !is_error_code(code) {
            reporter.at_key(
                &path,
                format!("invalid error code `{code}`"),
                "words of ASCII letters and digits separated by dots",
            );
            continue;
        }
        let variant = match &spec.variant {
            Some(variant) if !names::is_type_name(variant) || variant == "Unknown" => {
                let message = format!("invalid variant name `{variant}`");
                reporter.at_value(
                    &child(&path, "variant"),
                    message,
                    "an UpperCamelCase ASCII name other than `Unknown`",
                );
                continue;
            }
            Some(variant) => variant.clone(),
            None => names::error_variant(code),
        };
        if let Some(first) = variants.get(&variant).filter(|first| *first != code) {
            let message = format!("error codes `{first}` and `{code}` both become the variant `{variant}`");
            reporter.at_key(&path, message, "codes that stay distinct in UpperCamelCase, or a `variant`");
            continue;
        }
        if spec.message.trim().is_empty() {
            reporter.at_value(
                &child(&path, "message"),
                format!("error code `{code}` has an empty message"),
                "the documented message",
            );
        }
        variants.insert(variant.clone(), code.clone());
        out.push(ir::ErrorCode {
            code: code.clone(),
            variant,
            message: spec.message.clone(),
            retryable: spec.retryable,
        });
    }
    out
}

/// Checks a service spec against the common codes and builds its IR. Returns `None` when there
/// were problems; they are all in `diagnostics`.
pub fn validate_service(
    loaded: &Loaded<ServiceSpec>,
    common: &[ir::ErrorCode],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Service> {
    let before = diagnostics.len();
    let mut reporter = Reporter::new(&loaded.file, &loaded.locations, diagnostics);
    let service = Validator {
        reporter: &mut reporter,
        spec: &loaded.spec,
        common,
        broken: &loaded.broken,
        structure_fields: HashMap::new(),
    }
    .run();
    (diagnostics.len() == before).then_some(service)
}

struct Validator<'r, 'a> {
    reporter: &'r mut Reporter<'a>,
    spec: &'r ServiceSpec,
    common: &'r [ir::ErrorCode],
    /// Entries the loader could not read; references to them are not reported again.
    broken: &'r std::collections::BTreeSet<String>,
    /// The checked members of each structure, for checking examples.
    structure_fields: HashMap<String, Vec<ir::Field>>,
}

/// What a member named by `paginate` must be.
#[derive(Clone, Copy)]
enum PaginateRole {
    List,
    Integer,
}

/// Where a field is used, which decides what `required` and `nullable` mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldUse {
    Request,
    Response,
    Structure,
}

impl Validator<'_, '_> {
    fn run(mut self) -> ir::Service {
        let info = &self.spec.service;
        if !self.broken.contains("service") {
            self.check_service_info();
        }
        let module = info.module.clone().unwrap_or_else(|| info.name.clone());

        let common_variants: HashMap<String, String> =
            self.common.iter().map(|code| (code.code.clone(), code.variant.clone())).collect();
        let service_codes =
            check_error_codes(self.reporter, &self.spec.errors, &path_of(&["errors"]), &common_variants);
        // The service-wide list: the service's codes, then the common codes it does not redefine.
        let mut all_codes = service_codes.clone();
        for code in self.common {
            if !all_codes.iter().any(|own| own.code == code.code) {
                all_codes.push(code.clone());
            }
        }

        self.check_type_names();
        let enums = self.spec.enums.iter().map(|(name, spec)| self.check_enum(name, spec)).collect();
        let structures: Vec<ir::Structure> = self
            .spec
            .structures
            .iter()
            .map(|(name, spec)| {
                let path = path_of(&["structures", name, "fields"]);
                ir::Structure {
                    name: name.clone(),
                    doc: spec.doc.clone(),
                    fields: self.check_fields(&spec.fields, &path, FieldUse::Structure),
                }
            })
            .collect();
        let structures = box_recursive_members(structures);
        self.structure_fields =
            structures.iter().map(|structure| (structure.name.clone(), structure.fields.clone())).collect();
        self.check_structure_cycles();
        let actions = self.spec.actions.iter().map(|(name, _)| self.check_action(name, &all_codes)).collect();

        ir::Service {
            name: info.name.clone(),
            module,
            version: info.version.clone(),
            title: info.title.clone(),
            doc: info.doc.clone(),
            endpoint: info.endpoint.clone(),
            mainland_endpoint: info.mainland_endpoint.clone(),
            errors: all_codes,
            enums,
            structures,
            actions,
        }
    }

    fn check_service_info(&mut self) {
        let info = &self.spec.service;
        let is_lower_word = |text: &str| {
            text.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !is_lower_word(&info.name) {
            self.reporter.at_value(
                &path_of(&["service", "name"]),
                format!("invalid service name {:?}", info.name),
                "lowercase letters and digits, like `ssl`",
            );
        }
        if let Some(module) = &info.module {
            if !is_lower_word(module) || names::is_keyword(module) {
                self.reporter.at_value(
                    &path_of(&["service", "module"]),
                    format!("invalid module name {module:?}"),
                    "a lowercase Rust identifier that is not a keyword",
                );
            }
        } else if names::is_keyword(&info.name) {
            self.reporter.at_value(
                &path_of(&["service", "name"]),
                format!("service name `{}` is a Rust keyword", info.name),
                "set `module` to another name",
            );
        }
        let bytes = info.version.as_bytes();
        let is_date = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
        if !is_date {
            self.reporter.at_value(
                &path_of(&["service", "version"]),
                format!("invalid API version {:?}", info.version),
                "a date, YYYY-MM-DD",
            );
        }
        for (key, host) in [("endpoint", &info.endpoint), ("mainland_endpoint", &info.mainland_endpoint)] {
            let valid = !host.is_empty()
                && host
                    .split('.')
                    .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if !valid {
                self.reporter.at_value(
                    &path_of(&["service", key]),
                    format!("invalid host {host:?}"),
                    "a host name such as `ssl.intl.tencentcloudapi.com`",
                );
            }
        }
    }

    /// Type names must be UpperCamelCase identifiers, distinct from each other and from the names
    /// generated for actions.
    fn check_type_names(&mut self) {
        let mut taken: HashMap<String, String> = RESERVED_TYPE_NAMES
            .iter()
            .map(|name| ((*name).to_owned(), "a name generated code uses".to_owned()))
            .collect();
        let mut methods: HashMap<String, &str> = HashMap::new();
        for action in self.spec.actions.keys() {
            if !names::is_type_name(action) {
                self.reporter.at_key(
                    &path_of(&["actions", action]),
                    format!("invalid action name `{action}`"),
                    "an UpperCamelCase ASCII name such as `CertificateOrderSubmit`",
                );
                continue;
            }
            let method = names::module_name(action);
            if let Some(first) = methods.insert(method.clone(), action) {
                let message = format!("actions `{first}` and `{action}` both become the method `{method}`");
                self.reporter.at_key(
                    &path_of(&["actions", action]),
                    message,
                    "action names that stay distinct in snake_case",
                );
            }
            for suffix in ["Request", "Response", "Builder", "ErrorCode"] {
                let generated = format!("{action}{suffix}");
                if let Some(owner) = taken.get(&generated) {
                    let message =
                        format!("action `{action}` generates the type `{generated}`, which is already {owner}");
                    self.reporter.at_key(&path_of(&["actions", action]), message, "distinct type names");
                }
                taken.insert(generated, format!("generated for action `{action}`"));
            }
        }
        let declared = self
            .spec
            .enums
            .keys()
            .map(|name| ("enums", name))
            .chain(self.spec.structures.keys().map(|name| ("structures", name)));
        for (section, name) in declared {
            let path = path_of(&[section, name]);
            if !names::is_type_name(name) {
                let message = format!("invalid type name `{name}`");
                let expected = if names::is_keyword(name) {
                    "a name that is not a Rust keyword"
                } else {
                    "an UpperCamelCase ASCII name such as `CertificateStatus`"
                };
                self.reporter.at_key(&path, message, expected);
                continue;
            }
            if let Some(owner) = taken.get(name) {
                self.reporter.at_key(&path, format!("type name `{name}` is already {owner}"), "distinct type names");
                continue;
            }
            taken.insert(name.clone(), format!("the name of {section} `{name}`"));
        }
    }

    fn check_enum(&mut self, name: &str, spec: &crate::spec::EnumSpec) -> ir::Enum {
        let path = path_of(&["enums", name]);
        if spec.values.is_empty() {
            self.reporter.at_key(&child(&path, "values"), format!("enum `{name}` has no values"), "at least one value");
        }
        let mut seen_values: HashMap<&EnumValue, usize> = HashMap::new();
        let mut seen_names: HashMap<&str, usize> = HashMap::new();
        let mut variants = Vec::new();
        for (index, value) in spec.values.iter().enumerate() {
            let value_path = child(&child(&path, "values"), index.to_string());
            let wire = match (&value.value, spec.repr) {
                (EnumValue::Integer(number), EnumRepr::Integer) => Some(WireValue::Integer(*number)),
                (EnumValue::String(text), EnumRepr::String) => Some(WireValue::String(text.clone())),
                (other, repr) => {
                    let (found, wanted) = match (other, repr) {
                        (EnumValue::Integer(_), _) => ("an integer", "a string, as the enum's type is string"),
                        (EnumValue::String(_), _) => ("a string", "an integer, as the enum's type is integer"),
                    };
                    self.reporter.at_value(
                        &child(&value_path, "value"),
                        format!("value of `{name}` is {found}"),
                        wanted,
                    );
                    None
                }
            };
            if let Some(first) = seen_values.insert(&value.value, index) {
                let message = format!(
                    "value {} of enum `{name}` is listed twice (items {first} and {index})",
                    display_enum_value(&value.value)
                );
                self.reporter.at_value(&child(&value_path, "value"), message, "distinct values");
            }
            if !names::is_type_name(&value.name) {
                self.reporter.at_value(
                    &child(&value_path, "name"),
                    format!("invalid variant name `{}`", value.name),
                    "an UpperCamelCase ASCII name that is not a keyword",
                );
            } else if value.name == "Unknown" {
                self.reporter.at_value(
                    &child(&value_path, "name"),
                    "the variant name `Unknown` is reserved",
                    "another name; `Unknown` keeps values the spec does not list",
                );
            } else if let Some(first) = seen_names.insert(value.name.as_str(), index) {
                self.reporter.at_value(
                    &child(&value_path, "name"),
                    format!("variant `{}` of enum `{name}` is named twice (items {first} and {index})", value.name),
                    "distinct names",
                );
            }
            if let Some(wire) = wire {
                variants.push(ir::EnumVariant { value: wire, name: value.name.clone(), doc: value.doc.clone() });
            }
        }
        ir::Enum { name: name.to_owned(), doc: spec.doc.clone(), repr: spec.repr, variants }
    }

    fn resolve_type(&mut self, ty: &str, path: &[String]) -> Option<TypeRef> {
        if let Some(scalar) = Scalar::from_spec(ty) {
            return Some(TypeRef::Scalar(scalar));
        }
        if self.spec.enums.contains_key(ty) {
            return Some(TypeRef::Enum(ty.to_owned()));
        }
        if self.spec.structures.contains_key(ty) {
            return Some(TypeRef::Structure(ty.to_owned()));
        }
        if self.broken.contains(ty) {
            return None;
        }
        let candidates = Scalar::SPEC_NAMES
            .split(", ")
            .chain(self.spec.enums.keys().map(String::as_str))
            .chain(self.spec.structures.keys().map(String::as_str));
        let closest = candidates
            .map(|candidate| (strsim::levenshtein(&ty.to_lowercase(), &candidate.to_lowercase()), candidate))
            .filter(|(distance, _)| *distance <= 2)
            .min();
        let expected = match closest {
            Some((_, candidate)) => format!(
                "did you mean `{candidate}`? types are {} or an enum or structure of this spec",
                Scalar::SPEC_NAMES
            ),
            None => format!("one of {} or an enum or structure of this spec", Scalar::SPEC_NAMES),
        };
        self.reporter.at_value(&child(path, "type"), format!("unknown type `{ty}`"), expected);
        None
    }

    fn check_fields(
        &mut self,
        fields: &IndexMap<String, FieldSpec>,
        path: &[String],
        usage: FieldUse,
    ) -> Vec<ir::Field> {
        let mut rust_names: HashMap<String, &str> = HashMap::new();
        let mut out = Vec::new();
        for (wire, spec) in fields {
            let field_path = child(path, wire.as_str());
            let rust_name = spec.rust_name.clone().unwrap_or_else(|| names::snake(wire));
            if spec.rust_name.as_ref().is_some_and(|name| names::snake(name) != *name) {
                let message = format!("`rust_name` {rust_name:?} is not snake_case");
                self.reporter.at_value(
                    &child(&field_path, "rust_name"),
                    message,
                    "a snake_case Rust name such as `app_id_2`",
                );
                continue;
            }
            if !names::is_identifier(wire) {
                self.reporter.at_key(
                    &field_path,
                    format!("invalid name `{wire}`"),
                    "an ASCII name of letters, digits and underscores",
                );
                continue;
            }
            if let Some(problem) = names::snake_problem(&rust_name) {
                self.reporter.at_key(
                    &field_path,
                    format!("`{wire}` cannot be a Rust name: {problem}"),
                    "a `rust_name` for it",
                );
                continue;
            }
            if usage == FieldUse::Response && wire == "RequestId" {
                self.reporter.at_key(&field_path, "`RequestId` is declared", "no `RequestId`: every response has it");
                continue;
            }
            if let Some(first) = rust_names.insert(rust_name.clone(), wire) {
                let message = format!("`{first}` and `{wire}` both become `{rust_name}` in Rust");
                self.reporter.at_key(&field_path, message, "names that stay distinct in snake_case, or a `rust_name`");
                continue;
            }
            let Some(ty) = self.resolve_type(&spec.ty, &field_path) else { continue };
            if spec.list && ty == TypeRef::Scalar(Scalar::IntBool) {
                self.reporter.at_value(
                    &child(&field_path, "list"),
                    "a list of `int_bool` is not supported",
                    "a list of `int64`, or a single `int_bool`",
                );
                continue;
            }
            let optional = match usage {
                FieldUse::Request => !spec.required,
                FieldUse::Response => spec.nullable,
                FieldUse::Structure => !spec.required || spec.nullable,
            };
            out.push(ir::Field {
                wire_name: wire.clone(),
                rust_name,
                ty,
                list: spec.list,
                boxed: false,
                optional,
                deprecated: spec.deprecated,
                doc: spec.doc.clone(),
            });
        }
        out
    }

    /// A structure that contains itself through required members only could never be written.
    /// (Cycles through optional members are fine: the members that close them are boxed.)
    fn check_structure_cycles(&mut self) {
        let edges: BTreeMap<&str, Vec<(&str, &str)>> = self
            .spec
            .structures
            .iter()
            .map(|(name, spec)| {
                let targets = spec
                    .fields
                    .iter()
                    .filter(|(_, field)| {
                        let optional = !field.required || field.nullable;
                        !field.list && !optional && self.spec.structures.contains_key(&field.ty)
                    })
                    .map(|(wire, field)| (wire.as_str(), field.ty.as_str()))
                    .collect();
                (name.as_str(), targets)
            })
            .collect();
        let mut reported: HashSet<&str> = HashSet::new();
        for start in edges.keys() {
            if let Some(cycle) = find_cycle(start, &edges) {
                if reported.insert(start) {
                    let message =
                        format!("structure `{start}` contains itself through required members: {}", cycle.join(" -> "));
                    self.reporter.at_key(
                        &path_of(&["structures", start]),
                        message,
                        "an optional member or a list somewhere on the cycle, or no value could ever be written",
                    );
                }
            }
        }
    }

    fn check_action(&mut self, name: &str, service_codes: &[ir::ErrorCode]) -> ir::Action {
        let spec = &self.spec.actions[name];
        let path = path_of(&["actions", name]);
        if spec.rate_limit == Some(0) {
            self.reporter.at_value(
                &child(&path, "rate_limit"),
                "rate limit 0",
                "a positive number of requests per second, or no `rate_limit`",
            );
        }
        let problems_before = self.reporter.len();
        let request = self.check_fields(&spec.request, &child(&path, "request"), FieldUse::Request);
        let response = self.check_fields(&spec.response, &child(&path, "response"), FieldUse::Response);
        // Examples are checked against the fields; with a field in error that would only repeat it.
        let fields_are_sound = self.reporter.len() == problems_before;
        let errors = match &spec.errors {
            None => ActionErrors::Service,
            Some(listed) => ActionErrors::Own(self.check_action_errors(name, listed, service_codes)),
        };
        for (index, code) in spec.retryable.iter().enumerate() {
            let known = match &errors {
                ActionErrors::Own(own) => own.iter().any(|listed| &listed.code == code),
                ActionErrors::Service => service_codes.iter().any(|listed| &listed.code == code),
            };
            if !known {
                self.reporter.at_value(
                    &child(&child(&path, "retryable"), index.to_string()),
                    format!("retryable code `{code}` is not an error of action `{name}`"),
                    "a code from the action's `errors`, the service's or the common codes",
                );
            }
        }
        let mut action = ir::Action {
            name: name.to_owned(),
            snake: names::module_name(name),
            title: spec.title.clone(),
            doc: spec.doc.clone(),
            rate_limit: spec.rate_limit,
            region_required: spec.region == RegionUse::Required,
            deprecated: spec.deprecated,
            unsigned: spec.unsigned,
            request,
            response,
            errors,
            examples: Vec::new(),
            paginate: None,
        };
        if let Some(paginate) = &spec.paginate {
            action.paginate = self.check_paginate(paginate, &action, &child(&path, "paginate"));
        }
        if let ActionErrors::Own(own) = &mut action.errors {
            for code in own.iter_mut() {
                code.retryable |= spec.retryable.contains(&code.code);
            }
        }
        if fields_are_sound {
            let examples_path = child(&path, "examples");
            action.examples = spec
                .examples
                .iter()
                .enumerate()
                .filter_map(|(index, example)| {
                    self.check_example(&action, example, &child(&examples_path, index.to_string()))
                })
                .collect();
        }
        action
    }

    fn check_paginate(
        &mut self,
        spec: &crate::spec::PaginateSpec,
        action: &ir::Action,
        path: &[String],
    ) -> Option<ir::Paginate> {
        let items = self.paginate_member(path, "items", &spec.items, &action.response, "response", PaginateRole::List);
        let offset =
            self.paginate_member(path, "offset", &spec.offset, &action.request, "request", PaginateRole::Integer);
        let limit = self.paginate_member(path, "limit", &spec.limit, &action.request, "request", PaginateRole::Integer);
        let total =
            self.paginate_member(path, "total", &spec.total, &action.response, "response", PaginateRole::Integer);
        Some(ir::Paginate { items: items?, offset: offset?, limit: limit?, total: total? })
    }

    /// The member `name` that `paginate.<key>` refers to, if it exists and fits its role.
    fn paginate_member(
        &mut self,
        path: &[String],
        key: &str,
        name: &str,
        fields: &[ir::Field],
        section: &str,
        role: PaginateRole,
    ) -> Option<ir::Field> {
        let key_path = child(path, key);
        let Some(field) = fields.iter().find(|field| field.wire_name == name) else {
            let message = format!("`{name}` is not a {section} member of this action");
            self.reporter.at_value(&key_path, message, format!("the {section} member holding the {key}"));
            return None;
        };
        let (fits, wanted) = match role {
            PaginateRole::List => (field.list, "a list"),
            PaginateRole::Integer => {
                (!field.list && matches!(field.ty, TypeRef::Scalar(Scalar::Int64 | Scalar::UInt64)), "an integer")
            }
        };
        if !fits {
            self.reporter.at_value(
                &key_path,
                format!("`{name}` is not {wanted}"),
                format!("the {section} member holding the {key}, {wanted}"),
            );
            return None;
        }
        Some(field.clone())
    }

    fn check_action_errors(
        &mut self,
        name: &str,
        listed: &[String],
        service_codes: &[ir::ErrorCode],
    ) -> Vec<ir::ErrorCode> {
        let mut own: Vec<ir::ErrorCode> = Vec::new();
        let errors_path = path_of(&["actions", name, "errors"]);
        for (index, code) in listed.iter().enumerate() {
            let item = child(&errors_path, index.to_string());
            match service_codes.iter().find(|known| &known.code == code) {
                None => self.reporter.at_value(
                    &item,
                    format!("error code `{code}` is not defined"),
                    "a code under `errors` of this spec or in the common codes",
                ),
                Some(_) if own.iter().any(|seen| &seen.code == code) => {
                    self.reporter.at_value(&item, format!("error code `{code}` is listed twice"), "each code once");
                }
                Some(known) => own.push(known.clone()),
            }
        }
        // Every action can also fail with any common code.
        for code in self.common {
            if !own.iter().any(|seen| seen.code == code.code) {
                own.push(code.clone());
            }
        }
        own
    }

    fn check_example(
        &mut self,
        action: &ir::Action,
        example: &crate::spec::ExampleSpec,
        path: &[String],
    ) -> Option<ir::Example> {
        let request_path = child(path, "request");
        let request_json: serde_json::Value = match serde_json::from_str(&example.request) {
            Ok(value) => value,
            Err(error) => {
                self.reporter.at_value(
                    &request_path,
                    format!("the example request is not JSON: {error}"),
                    "a JSON object of request parameters",
                );
                return None;
            }
        };
        let response_path = child(path, "response");
        let response_json: serde_json::Value = match serde_json::from_str(&example.response) {
            Ok(value) => value,
            Err(error) => {
                self.reporter.at_value(
                    &response_path,
                    format!("the example response is not JSON: {error}"),
                    "a JSON object `{\"Response\": {...}}`",
                );
                return None;
            }
        };
        let before = self.reporter.len();
        self.check_object(&request_json, &action.request, true, &request_path, "request");
        let Some(inner) = response_json.get("Response") else {
            self.reporter.at_value(
                &response_path,
                "the example response has no `Response` object",
                "`{\"Response\": {...}}`",
            );
            return None;
        };
        let success_json = if inner.get("Error").is_some() {
            None
        } else {
            if !inner.get("RequestId").is_some_and(serde_json::Value::is_string) {
                self.reporter.at_value(
                    &response_path,
                    "the example response has no string `RequestId`",
                    "every response has a RequestId",
                );
            }
            self.check_object(inner, &action.response, false, &response_path, "response");
            Some(inner.clone())
        };
        (self.reporter.len() == before).then(|| ir::Example {
            title: example.title.clone(),
            request: example.request.clone(),
            request_json,
            response: example.response.clone(),
            success_json,
        })
    }

    /// Checks that a JSON object from an example fits `fields`. Requests must not carry unknown
    /// keys (the request type could not express them); responses may.
    fn check_object(
        &mut self,
        value: &serde_json::Value,
        fields: &[ir::Field],
        strict: bool,
        path: &[String],
        what: &str,
    ) {
        let Some(object) = value.as_object() else {
            self.reporter.at_value(path, format!("the example {what} is not a JSON object"), "a JSON object");
            return;
        };
        for (key, item) in object {
            match fields.iter().find(|field| &field.wire_name == key) {
                Some(field) => self.check_value(item, field, path, what),
                None if strict => self.reporter.at_value(
                    path,
                    format!("the example {what} has the unknown key `{key}`"),
                    "only keys the spec declares",
                ),
                None => {}
            }
        }
        for field in fields.iter().filter(|field| !field.optional && !object.contains_key(&field.wire_name)) {
            self.reporter.at_value(
                path,
                format!("the example {what} lacks `{}`", field.wire_name),
                "every required key",
            );
        }
    }

    fn check_value(&mut self, value: &serde_json::Value, field: &ir::Field, path: &[String], what: &str) {
        if value.is_null() && field.optional {
            return;
        }
        if field.list {
            match value.as_array() {
                Some(items) => items.iter().for_each(|item| self.check_element(item, field, path, what)),
                None => self.reporter.at_value(
                    path,
                    format!("`{}` in the example {what} is not a list", field.wire_name),
                    "a JSON array",
                ),
            }
        } else {
            self.check_element(value, field, path, what);
        }
    }

    fn check_element(&mut self, value: &serde_json::Value, field: &ir::Field, path: &[String], what: &str) {
        use serde_json::Value as J;
        let fits = match &field.ty {
            TypeRef::Scalar(Scalar::String | Scalar::Date | Scalar::DateTime | Scalar::DateTimeIso) => {
                value.is_string()
            }
            TypeRef::Scalar(Scalar::Int64) => value.is_i64(),
            TypeRef::Scalar(Scalar::UInt64) => value.is_u64(),
            TypeRef::Scalar(Scalar::Bool) => value.is_boolean(),
            TypeRef::Scalar(Scalar::IntBool) => matches!(value.as_u64(), Some(0 | 1)),
            TypeRef::Scalar(Scalar::Float) => value.is_number(),
            TypeRef::Enum(name) => match self.spec.enums.get(name).map(|spec| spec.repr) {
                Some(EnumRepr::Integer) => value.is_i64(),
                _ => value.is_string(),
            },
            TypeRef::Structure(name) => {
                let Some(fields) = self.structure_fields.get(name).cloned() else { return };
                if matches!(value, J::Object(_)) {
                    self.check_object(value, &fields, what == "request", path, what);
                    return;
                }
                false
            }
        };
        if !fits {
            let message = format!("`{}` in the example {what} is {value}", field.wire_name);
            self.reporter.at_value(path, message, format!("a value of type `{}`", type_label(field)));
        }
    }
}

fn type_label(field: &ir::Field) -> String {
    let element = match &field.ty {
        TypeRef::Scalar(scalar) => format!("{scalar:?}").to_lowercase(),
        TypeRef::Enum(name) | TypeRef::Structure(name) => name.clone(),
    };
    if field.list { format!("list of {element}") } else { element }
}

fn display_enum_value(value: &EnumValue) -> String {
    match value {
        EnumValue::Integer(number) => number.to_string(),
        EnumValue::String(text) => format!("{text:?}"),
    }
}

/// Marks as boxed every single (non-list) structure member whose type leads back to the structure
/// holding it: without the indirection the Rust type would have infinite size.
fn box_recursive_members(mut structures: Vec<ir::Structure>) -> Vec<ir::Structure> {
    let edges: HashMap<String, Vec<String>> = structures
        .iter()
        .map(|structure| {
            let targets = structure
                .fields
                .iter()
                .filter_map(|field| match &field.ty {
                    TypeRef::Structure(target) if !field.list => Some(target.clone()),
                    _ => None,
                })
                .collect();
            (structure.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut pending = vec![from];
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some(node) = pending.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node) {
                pending.extend(edges.get(node).into_iter().flatten().map(String::as_str));
            }
        }
        false
    };
    for structure in &mut structures {
        for field in &mut structure.fields {
            if let TypeRef::Structure(target) = &field.ty {
                field.boxed = !field.list && reaches(target, &structure.name);
            }
        }
    }
    structures
}

/// A path `start -> field -> ... -> start` through required single members, if there is one.
fn find_cycle<'a>(start: &'a str, edges: &BTreeMap<&'a str, Vec<(&'a str, &'a str)>>) -> Option<Vec<String>> {
    let mut stack: Vec<(&str, Vec<String>)> = vec![(start, vec![start.to_owned()])];
    let mut visited: HashSet<&str> = HashSet::new();
    while let Some((node, trail)) = stack.pop() {
        for (field, target) in edges.get(node).into_iter().flatten() {
            let mut next = trail.clone();
            next.push(format!("{field}: {target}"));
            if *target == start {
                return Some(next);
            }
            if visited.insert(target) {
                stack.push((target, next));
            }
        }
    }
    None
}
