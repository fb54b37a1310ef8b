//! Checks a loaded spec and lowers it to the IR, reporting every problem it finds, each at its
//! place. Every Rust name the emitters will produce is decided here and claimed in the
//! namespace of its scope ([`crate::namespace`]): a clash is a problem of the spec item that made
//! it, so a spec that validates generates code that compiles.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::examples;
use crate::ir::{self, ActionErrors, ActionNames, PageStyle, Scalar, TypeRef, WireValue};
use crate::load::{Loaded, Reporter};
use crate::location::NodePath;
use crate::names;
use crate::namespace::{self, Clash, Namespace, Owner};
use crate::spec::{
    CommonErrorsSpec, EnumRepr, EnumValue, ErrorSpec, FieldSpec, PaginateSpec, RegionUse, ServiceSpec, Usage,
};

pub(crate) fn path_of(parts: &[&str]) -> NodePath {
    parts.iter().map(|part| (*part).to_owned()).collect()
}

pub(crate) fn child(path: &[String], key: impl Into<String>) -> NodePath {
    let mut out = path.to_vec();
    out.push(key.into());
    out
}

/// Whether `code` looks like a Tencent error code: dot-separated words of letters and digits.
pub fn is_error_code(code: &str) -> bool {
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
    let mut variants = Namespace::with_reserved(
        "of the common error codes' enum",
        &["Unknown"],
        "the variant for codes the spec does not list",
    );
    let mut codes = check_error_codes(&mut reporter, &loaded.spec.errors, &path_of(&["errors"]), &mut variants);
    for code in &mut codes {
        code.common = true;
    }
    codes
}

/// Checks the codes of one file and claims their variants in `variants`, which holds the
/// variants of codes defined elsewhere (a code redefining one of them keeps its variant).
fn check_error_codes(
    reporter: &mut Reporter<'_>,
    errors: &IndexMap<String, ErrorSpec>,
    section: &[String],
    variants: &mut Namespace,
) -> Vec<ir::ErrorCode> {
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
        let (variant, variant_path) = match &spec.variant {
            Some(variant) => (variant.clone(), child(&path, "variant")),
            None => (names::error_variant(code), path.clone()),
        };
        if !names::is_type_name(&variant) {
            if spec.variant.is_some() {
                let message = format!("invalid variant name `{variant}`");
                reporter.at_value(&variant_path, message, "an UpperCamelCase ASCII name");
            } else {
                let message = format!("error code `{code}` becomes the variant `{variant}`, which is not a Rust name");
                reporter.at_key(&variant_path, message, "an UpperCamelCase ASCII `variant` for it");
            }
            continue;
        }
        let owner = Owner::Spec { path: path.clone(), description: format!("the variant of error code `{code}`") };
        if let Err(clash) = variants.claim(&variant, "the variant", owner) {
            let redefines = matches!(&clash.holder, Owner::Spec { description, .. } if description == &format!("the variant of error code `{code}`"));
            if !redefines {
                let message = clash.message(&format!("error code `{code}`"));
                reporter.at_key(&variant_path, message, "codes that stay distinct in UpperCamelCase, or a `variant`");
                continue;
            }
        }
        if spec.message.trim().is_empty() {
            reporter.at_value(
                &child(&path, "message"),
                format!("error code `{code}` has an empty message"),
                "the documented message",
            );
        }
        if spec.hint.as_ref().is_some_and(|hint| hint.trim().is_empty()) {
            reporter.at_value(
                &child(&path, "hint"),
                format!("error code `{code}` has an empty hint"),
                "a hint, or no `hint`",
            );
        }
        out.push(ir::ErrorCode {
            code: code.clone(),
            variant,
            message: spec.message.clone(),
            retryable: spec.retryable,
            hint: spec.hint.clone(),
            common: false,
        });
    }
    out
}

/// Checks a service spec against the common codes and lowers it to the IR. Returns `None` when
/// there were problems; they are all in `diagnostics`.
pub fn validate_service(
    loaded: &Loaded<ServiceSpec>,
    common: &[ir::ErrorCode],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Service> {
    let before = diagnostics.len();
    let mut reporter = Reporter::for_loaded(loaded, diagnostics);
    let service = Validator {
        reporter: &mut reporter,
        spec: &loaded.spec,
        common,
        broken: &loaded.broken,
        structure_fields: HashMap::new(),
        module_items: module_namespace(),
        client_methods: Namespace::with_reserved(
            "of the service's `Client`",
            namespace::CLIENT_METHODS,
            "a method every service client has",
        ),
    }
    .run(&loaded.file);
    (diagnostics.len() == before).then_some(service)
}

/// The names of a service module before the spec adds its own.
fn module_namespace() -> Namespace {
    let mut module = Namespace::new("in the service's module");
    module.reserve(namespace::SERVICE_TYPES, "an item every service module has");
    module.reserve(namespace::SERVICE_VALUES, "an item every service module has");
    module.reserve(namespace::SERVICE_FILES, "a file every service module has");
    module
}

struct Validator<'r, 'a> {
    reporter: &'r mut Reporter<'a>,
    spec: &'r ServiceSpec,
    common: &'r [ir::ErrorCode],
    /// Entries the loader could not read; references to them are not reported again.
    broken: &'r std::collections::BTreeSet<String>,
    /// The checked members of each structure, for checking examples.
    structure_fields: HashMap<String, Vec<ir::Field>>,
    /// Types, modules, files and statics of the service's module (one namespace: Rust keeps
    /// modules with types, and files are modules).
    module_items: Namespace,
    client_methods: Namespace,
}

/// What a member named by `paginate` must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PaginateRole {
    List,
    /// An integer, or a string that holds one (`Offset` and `Limit` of some vpc actions).
    Number,
    Text,
}

/// Where a field is used, which decides what `required` and `nullable` mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldUse {
    Request,
    Response,
    Structure(Usage),
}

impl Validator<'_, '_> {
    fn run(mut self, spec_path: &str) -> ir::Service {
        let info = &self.spec.service;
        if !self.broken.contains("service") {
            self.check_service_info();
        }
        let module = info.module.clone().unwrap_or_else(|| info.name.clone());

        let mut variants = Namespace::with_reserved(
            "of the service's `ErrorCode`",
            &["Unknown"],
            "the variant for codes the spec does not list",
        );
        for code in self.common {
            let owner =
                Owner::Spec { path: Vec::new(), description: format!("the variant of error code `{}`", code.code) };
            let _ = variants.claim(&code.variant, "the variant", owner);
        }
        let mut service_codes =
            check_error_codes(self.reporter, &self.spec.errors, &path_of(&["errors"]), &mut variants);
        // A service's own wording of a common code keeps what the common code says about retrying
        // and about what the caller can do.
        for own in &mut service_codes {
            if let Some(shared) = self.common.iter().find(|shared| shared.code == own.code) {
                own.retryable |= shared.retryable;
                own.hint = own.hint.take().or_else(|| shared.hint.clone());
            }
        }
        // The service-wide list: the service's codes, then the common codes it does not redefine.
        let mut all_codes = service_codes;
        for code in self.common {
            if !all_codes.iter().any(|own| own.code == code.code) {
                all_codes.push(code.clone());
            }
        }

        // Actions claim their names first: a type colliding with one is reported at the type.
        let action_names: Vec<Option<ActionNames>> =
            self.spec.actions.keys().map(|name| self.claim_action_names(name)).collect();
        self.check_type_names();
        let enums = self.spec.enums.iter().map(|(name, spec)| self.check_enum(name, spec)).collect();
        let structures: Vec<ir::Structure> = self
            .spec
            .structures
            .iter()
            .map(|(name, spec)| {
                let path = path_of(&["structures", name, "fields"]);
                let fields = self.check_fields(&spec.fields, &path, FieldUse::Structure(spec.usage));
                let in_requests = spec.usage != Usage::Out;
                if in_requests {
                    self.check_setters(name, &fields, &path);
                }
                ir::Structure { name: name.clone(), doc: spec.doc.clone(), in_requests, fields }
            })
            .collect();
        let structures = box_recursive_members(structures);
        self.structure_fields =
            structures.iter().map(|structure| (structure.name.clone(), structure.fields.clone())).collect();
        self.check_structure_cycles();
        let actions = self
            .spec
            .actions
            .keys()
            .zip(action_names)
            .filter_map(|(name, names)| Some(self.check_action(name, names?, &all_codes)))
            .collect();

        ir::Service {
            spec_path: spec_path.to_owned(),
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

    fn report_clash(&mut self, path: &[String], claimant: &str, clash: &Clash, expected: &str) {
        self.reporter.at_key(path, clash.message(claimant), expected);
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
                && host.len() <= 253
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !valid {
                self.reporter.at_value(
                    &path_of(&["service", key]),
                    format!("invalid host {host:?}"),
                    "a host name such as `ssl.intl.tencentcloudapi.com`",
                );
            }
        }
        for (key, text) in [("title", &info.title), ("doc", &info.doc)] {
            self.check_prose(&path_of(&["service", key]), text);
        }
        if info.title.trim().is_empty() {
            self.reporter.at_value(
                &path_of(&["service", "title"]),
                "the service has an empty title",
                "a short English title",
            );
        }
    }

    /// Doc text must be text: control characters other than line breaks and tabs, and the bidi
    /// controls that reorder how code reads, are refused (rustc refuses them in doc comments).
    fn check_prose(&mut self, path: &[String], text: &str) {
        if let Some(bad) = crate::emit::docs::forbidden_char(text) {
            self.reporter.at_value(
                path,
                format!("the text holds the character U+{:04X}, which generated docs cannot carry", u32::from(bad)),
                "text without control or bidi-override characters",
            );
        }
    }

    /// Type names must be UpperCamelCase identifiers, distinct from each other and from the names
    /// generated for actions and for every service module.
    fn check_type_names(&mut self) {
        let declared: Vec<(&str, &String)> = self
            .spec
            .enums
            .keys()
            .map(|name| ("enums", name))
            .chain(self.spec.structures.keys().map(|name| ("structures", name)))
            .collect();
        for (section, name) in declared {
            let path = path_of(&[section, name]);
            if !names::is_type_name(name) {
                let expected = if names::is_keyword(name) {
                    "a name that is not a Rust keyword"
                } else {
                    "an UpperCamelCase ASCII name such as `CertificateStatus`"
                };
                self.reporter.at_key(&path, format!("invalid type name `{name}`"), expected);
                continue;
            }
            let kind = if section == "enums" { "enum" } else { "structure" };
            let owner = Owner::Spec { path: path.clone(), description: format!("the {kind} `{name}`") };
            if let Err(clash) = self.module_items.claim(name, "the type", owner) {
                self.report_clash(&path, &format!("{kind} `{name}`"), &clash, "distinct type names");
            }
        }
    }

    /// Claims every name an action makes: its module and file, its four types, its static and
    /// its client method. `None` when one of them cannot be had (reported).
    fn claim_action_names(&mut self, action: &str) -> Option<ActionNames> {
        let path = path_of(&["actions", action]);
        if !names::is_type_name(action) {
            self.reporter.at_key(
                &path,
                format!("invalid action name `{action}`"),
                "an UpperCamelCase ASCII name such as `CertificateOrderSubmit`",
            );
            return None;
        }
        let module = names::snake(action);
        if let Some(problem) = names::snake_problem(&module) {
            self.reporter.at_key(
                &path,
                format!("action `{action}` becomes the module and method `{module}`: {problem}"),
                "another action name",
            );
            return None;
        }
        let names = ActionNames {
            info: names::static_name(&module, "INFO"),
            request: format!("{action}Request"),
            response: format!("{action}Response"),
            builder: format!("{action}Builder"),
            error_code: format!("{action}ErrorCode"),
            module,
        };
        let items = [
            (&names.module, "the file and module"),
            (&names.request, "the request type"),
            (&names.response, "the response type"),
            (&names.builder, "the builder type"),
            (&names.error_code, "the error-code type"),
            (&names.info, "the static `ActionInfo`"),
        ];
        let claimant = format!("action `{action}`");
        // The first clash is reported; the others would say the same of the same name.
        for (name, item) in items {
            let owner = Owner::Spec { path: path.clone(), description: format!("{item} of action `{action}`") };
            if let Err(clash) = self.module_items.claim(name, item, owner) {
                self.report_clash(&path, &claimant, &clash, "action names whose items stay distinct");
                return None;
            }
        }
        let owner = Owner::Spec { path: path.clone(), description: format!("the method of action `{action}`") };
        if let Err(clash) = self.client_methods.claim(&names.module, "the method", owner) {
            self.report_clash(&path, &claimant, &clash, "another action name");
            return None;
        }
        Some(names)
    }

    fn check_enum(&mut self, name: &str, spec: &crate::spec::EnumSpec) -> ir::Enum {
        let path = path_of(&["enums", name]);
        self.check_prose(&child(&path, "doc"), &spec.doc);
        if spec.values.is_empty() {
            self.reporter.at_key(&child(&path, "values"), format!("enum `{name}` has no values"), "at least one value");
        }
        let mut seen_values: HashMap<&EnumValue, usize> = HashMap::new();
        let mut variant_names = Namespace::with_reserved(
            "of the enum",
            namespace::ENUM_VARIANTS,
            "an item every enum has (`Unknown` keeps values the spec does not list)",
        );
        let mut variants = Vec::new();
        for (index, value) in spec.values.iter().enumerate() {
            let value_path = child(&child(&path, "values"), index.to_string());
            self.check_prose(&child(&value_path, "doc"), &value.doc);
            let wire = match (&value.value, spec.repr) {
                (EnumValue::Integer(number), EnumRepr::Integer) => Some(WireValue::Integer(*number)),
                (EnumValue::String(text), EnumRepr::String) => Some(WireValue::String(text.clone())),
                (EnumValue::Integer(_), _) => {
                    self.reporter.at_value(
                        &child(&value_path, "value"),
                        format!("value of `{name}` is an integer"),
                        "a string, as the enum's type is string",
                    );
                    None
                }
                (EnumValue::String(_), _) => {
                    self.reporter.at_value(
                        &child(&value_path, "value"),
                        format!("value of `{name}` is a string"),
                        "an integer, as the enum's type is integer",
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
                continue;
            }
            let owner = Owner::Spec { path: value_path.clone(), description: format!("the name of item {index}") };
            if let Err(clash) = variant_names.claim(&value.name, "the variant", owner) {
                self.reporter.at_value(
                    &child(&value_path, "name"),
                    clash.message(&format!("item {index} of enum `{name}`")),
                    "distinct names",
                );
                continue;
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
        let (scope, reserved, why): (&'static str, &[&str], &'static str) = match usage {
            FieldUse::Response => ("of the response", namespace::RESPONSE_MEMBERS, "a member every response has"),
            FieldUse::Request => ("of the request", &[], ""),
            FieldUse::Structure(_) => ("of the structure", &[], ""),
        };
        let mut rust_names = Namespace::with_reserved(scope, reserved, why);
        let mut out = Vec::new();
        for (wire, spec) in fields {
            let field_path = child(path, wire.as_str());
            self.check_prose(&child(&field_path, "doc"), &spec.doc);
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
            if usage == FieldUse::Response && matches!(wire.as_str(), "RequestId" | "Error") {
                let why = if wire == "RequestId" {
                    "no `RequestId`: every response has it"
                } else {
                    "no `Error`: it is the envelope's error, never a field of a success"
                };
                self.reporter.at_key(&field_path, format!("`{wire}` is declared"), why);
                continue;
            }
            let owner = Owner::Spec { path: field_path.clone(), description: format!("the Rust name of `{wire}`") };
            if let Err(clash) = rust_names.claim(&rust_name, "the member", owner) {
                self.report_clash(
                    &field_path,
                    &format!("`{wire}`"),
                    &clash,
                    "names that stay distinct in snake_case, or a `rust_name`",
                );
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
            let (optional, required) = match usage {
                FieldUse::Request => (true, spec.required),
                FieldUse::Response => (spec.nullable, !spec.nullable),
                FieldUse::Structure(Usage::In) => (true, spec.required),
                FieldUse::Structure(_) => (!spec.required || spec.nullable, spec.required && !spec.nullable),
            };
            out.push(ir::Field {
                wire_name: wire.clone(),
                rust_name,
                ty,
                list: spec.list,
                boxed: false,
                optional,
                required,
                token: false,
                deprecated: spec.deprecated,
                doc: spec.doc.clone(),
            });
        }
        out
    }

    /// The setters of a structure used in requests must not take the names of its methods.
    fn check_setters(&mut self, structure: &str, fields: &[ir::Field], path: &[String]) {
        let mut methods = Namespace::with_reserved(
            "of the structure",
            namespace::STRUCTURE_METHODS,
            "a method of a trait every structure implements",
        );
        for field in fields {
            let field_path = child(path, field.wire_name.as_str());
            let owner =
                Owner::Spec { path: field_path.clone(), description: format!("the setter of `{}`", field.wire_name) };
            if let Err(clash) = methods.claim(&field.rust_name, "the setter", owner) {
                let claimant = format!("member `{}` of `{structure}`", field.wire_name);
                self.report_clash(&field_path, &claimant, &clash, "a `rust_name` for it");
            }
        }
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
                        let optional = spec.usage == Usage::In || !field.required || field.nullable;
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

    fn check_action(&mut self, name: &str, names: ActionNames, service_codes: &[ir::ErrorCode]) -> ir::Action {
        let spec = &self.spec.actions[name];
        let path = path_of(&["actions", name]);
        self.check_prose(&child(&path, "title"), &spec.title);
        self.check_prose(&child(&path, "doc"), &spec.doc);
        if spec.rate_limit == Some(0) {
            self.reporter.at_value(
                &child(&path, "rate_limit"),
                "rate limit 0",
                "a positive number of requests per second, or no `rate_limit`",
            );
        }
        let problems_before = self.reporter.len();
        let mut request = self.check_fields(&spec.request, &child(&path, "request"), FieldUse::Request);
        let response = self.check_fields(&spec.response, &child(&path, "response"), FieldUse::Response);
        self.check_builder_methods(name, &request, &child(&path, "request"));
        if let Some(token) = &spec.idempotency_token {
            match request.iter_mut().find(|field| &field.wire_name == token) {
                Some(field) if field.ty == TypeRef::Scalar(Scalar::String) && !field.list => field.token = true,
                Some(_) => self.reporter.at_value(
                    &child(&path, "idempotency_token"),
                    format!("`{token}` is not a string parameter"),
                    "the string request parameter that makes the action idempotent",
                ),
                None => self.reporter.at_value(
                    &child(&path, "idempotency_token"),
                    format!("`{token}` is not a request parameter of this action"),
                    "the request parameter that makes the action idempotent",
                ),
            }
        }
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
        let region = spec.region.unwrap_or(self.spec.service.region);
        let mut action = ir::Action {
            name: name.to_owned(),
            names,
            title: spec.title.clone(),
            doc: spec.doc.clone(),
            rate_limit: spec.rate_limit,
            region_required: region == RegionUse::Required,
            deprecated: spec.deprecated,
            unsigned: spec.unsigned,
            idempotency_token: spec.idempotency_token.clone(),
            retryable: spec.retryable.clone(),
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
            let codes = match &action.errors {
                ActionErrors::Own(own) => own.clone(),
                ActionErrors::Service => service_codes.to_vec(),
            };
            action.examples = spec
                .examples
                .iter()
                .enumerate()
                .filter_map(|(index, example)| {
                    let example_path = child(&examples_path, index.to_string());
                    let mut checker = examples::Checker {
                        reporter: &mut *self.reporter,
                        spec: self.spec,
                        structure_fields: &self.structure_fields,
                    };
                    checker.check(&action, &codes, example, &example_path)
                })
                .collect();
        }
        action
    }

    /// A request parameter's setter must not take the name of a method every builder has.
    fn check_builder_methods(&mut self, action: &str, request: &[ir::Field], path: &[String]) {
        let mut methods = Namespace::with_reserved(
            "of the request's builder",
            namespace::BUILDER_METHODS,
            "a method every request builder has",
        );
        for field in request {
            let field_path = child(path, field.wire_name.as_str());
            let owner =
                Owner::Spec { path: field_path.clone(), description: format!("the setter of `{}`", field.wire_name) };
            if let Err(clash) = methods.claim(&field.rust_name, "the setter", owner) {
                let claimant = format!("parameter `{}` of `{action}`", field.wire_name);
                self.report_clash(&field_path, &claimant, &clash, "a `rust_name` for it");
            }
        }
    }

    fn check_paginate(&mut self, spec: &PaginateSpec, action: &ir::Action, path: &[String]) -> Option<ir::Paginate> {
        use PaginateRole::{List, Number, Text};
        let styles = [spec.offset.is_some(), spec.page.is_some(), spec.token.is_some() || spec.next_token.is_some()];
        if styles.iter().filter(|chosen| **chosen).count() > 1 {
            self.reporter.at_key(
                path,
                "`paginate` mixes offsets, page numbers and tokens",
                "one of `offset`, `page` or `token` with `next_token`",
            );
            return None;
        }
        let mut used: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut member = |this: &mut Self, key: &'static str, name: &str, response: bool, role: PaginateRole| {
            let key_path = child(path, key);
            let (fields, section) =
                if response { (&action.response, "response") } else { (&action.request, "request") };
            if let Some(other) = used.insert(format!("{section}.{name}"), key) {
                this.reporter.at_value(
                    &key_path,
                    format!("`{name}` is already the paginator's `{other}`"),
                    format!("a {section} member of its own for `{key}`"),
                );
                return None;
            }
            let Some(field) = fields.iter().find(|field| field.wire_name == name) else {
                let message = format!("`{name}` is not a {section} member of this action");
                this.reporter.at_value(&key_path, message, format!("the {section} member holding the {key}"));
                return None;
            };
            let (fits, wanted) = match role {
                List => (field.list, "a list"),
                Number => (
                    !field.list && matches!(field.ty, TypeRef::Scalar(Scalar::Int64 | Scalar::UInt64 | Scalar::String)),
                    "an integer (or a string of digits)",
                ),
                Text => (!field.list && field.ty == TypeRef::Scalar(Scalar::String), "a string"),
            };
            if !fits {
                this.reporter.at_value(
                    &key_path,
                    format!("`{name}` is not {wanted}"),
                    format!("the {section} member holding the {key}, {wanted}"),
                );
                return None;
            }
            Some(field.clone())
        };
        let items = member(self, "items", &spec.items, true, List);
        let default = |value: &Option<String>, fallback: &str| value.clone().unwrap_or_else(|| fallback.to_owned());
        let (style, total) = if let Some(page) = &spec.page {
            let page = member(self, "page", page, false, Number);
            let limit = spec.limit.as_ref().map(|limit| member(self, "limit", limit, false, Number));
            let total = spec.total.as_ref().map(|total| member(self, "total", total, true, Number));
            (page.map(|page| PageStyle::Page { page, limit: limit.flatten() }), total)
        } else if spec.token.is_some() || spec.next_token.is_some() {
            let token = member(self, "token", &default(&spec.token, "NextToken"), false, Text);
            let next_token = member(self, "next_token", &default(&spec.next_token, "NextToken"), true, Text);
            let total = spec.total.as_ref().map(|total| member(self, "total", total, true, Number));
            (token.zip(next_token).map(|(token, next_token)| PageStyle::Token { token, next_token }), total)
        } else {
            let offset = member(self, "offset", &default(&spec.offset, "Offset"), false, Number);
            let limit = member(self, "limit", &default(&spec.limit, "Limit"), false, Number);
            // Without `total`, `TotalCount` when the response has it.
            let total = match &spec.total {
                Some(total) => Some(member(self, "total", total, true, Number)),
                None if action.response.iter().any(|field| field.wire_name == "TotalCount") => {
                    Some(member(self, "total", "TotalCount", true, Number))
                }
                None => None,
            };
            (offset.map(|offset| PageStyle::Offset { offset, limit }), total)
        };
        let total = match total {
            Some(None) => return None,
            Some(Some(field)) => Some(field),
            None => None,
        };
        Some(ir::Paginate { items: items?, style: style?, total })
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
                let service_version = service_codes.iter().find(|known| known.code == code.code).unwrap_or(code);
                own.push(service_version.clone());
            }
        }
        own
    }
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
        let mut seen: BTreeSet<&str> = BTreeSet::new();
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
