//! Metadata -> spec model: one service version's `api.json`, `examples.json` and
//! `errorcodes.py` become a [`ServiceSpec`], with notes on everything that had to be renamed,
//! dropped or inferred. The rules are documented in `xtask/IMPORT.md`.

use std::collections::HashMap;

use crate::spec::{ActionSpec, ErrorSpec, FieldSpec, RegionUse, ServiceInfo, ServiceSpec, StructureSpec};
use indexmap::IndexMap;

use super::ImportError;
use super::enums::{self, Candidate, Place as EnumPlace};
use super::examples;
use super::metadata::{ApiFile, ApiMember, ErrorCodeEntry, ExamplesFile, MemberKind, Usage};
use super::names;
use super::paginate;
use super::report::Notes;

/// The message of a code Tencent documents without one (the format requires a message).
pub const NO_MESSAGE: &str = "Tencent documents no message for this code.";

/// The element types a list may have besides structures.
const PRIMITIVES: &[&str] = &["string", "int64", "uint64", "bool", "float", "date", "datetime", "datetime_iso"];

/// Everything read for one service version.
#[derive(Debug, Clone)]
pub struct ServiceMetadata {
    /// The package directory (`ssl`, `autoscaling`).
    pub package: String,
    /// The version directory (`v20191205`).
    pub version_dir: String,
    /// `api.json`, and how messages name it.
    pub api: ApiFile,
    pub api_label: String,
    /// `examples.json` (empty when the package has none).
    pub examples: ExamplesFile,
    /// `errorcodes.py` (`None` when the SDK package has none for this version).
    pub error_codes: Option<Vec<ErrorCodeEntry>>,
}

/// The spec made from the metadata, and what the conversion had to do.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub spec: ServiceSpec,
    pub notes: Notes,
    /// The enums inferred from the docs, for the review list.
    pub enums: Vec<enums::InferredEnum>,
}

/// Where a member is used, which decides what `required` and `nullable` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Request,
    Response,
    Structure(Usage),
}

/// Converts one service version. `module` is its module name when it is not the short name;
/// `common` are the common error codes (their `retryable` carries over to service codes that
/// redefine them). Fails only on metadata that contradicts itself (a member naming an object
/// that does not exist, an unknown element type), naming the file and the place.
pub fn convert(
    metadata: &ServiceMetadata,
    module: Option<String>,
    common: &IndexMap<String, ErrorSpec>,
) -> Result<Conversion, ImportError> {
    let api = &metadata.api;
    let short_name = api.metadata.short_name.clone();
    let mut notes = Notes::default();
    let label = module.clone().unwrap_or_else(|| short_name.clone());

    let io_objects: std::collections::HashSet<&str> =
        api.actions.values().flat_map(|action| [action.input.as_str(), action.output.as_str()]).collect();
    // Data structures: every object that is not a request or response, and any request or
    // response that a member uses as a value.
    let referenced: std::collections::HashSet<&str> = api
        .objects
        .values()
        .flat_map(|object| &object.members)
        .filter(|member| matches!(member.kind, MemberKind::Object | MemberKind::List))
        .map(|member| member.member.as_str())
        .collect();
    let structure_wires: Vec<&str> = api
        .objects
        .keys()
        .map(String::as_str)
        .filter(|name| !io_objects.contains(name) || referenced.contains(name))
        .collect();
    let type_names =
        names::structure_type_names(structure_wires.iter().copied(), api.actions.keys().map(String::as_str));
    for (wire, name) in &type_names {
        if wire != name {
            notes.renamed.push(format!("{label}: structure {wire} is named {name} (naming rule)"));
        }
    }
    let converter = Converter { api, api_label: &metadata.api_label, type_names: &type_names, label: &label };

    let mut structures = IndexMap::new();
    for wire in &structure_wires {
        let object = &api.objects[*wire];
        let usage = object.usage.unwrap_or(Usage::Both);
        let context = format!("structure {wire}");
        let fields = converter.fields(&object.members, Place::Structure(usage), &context, &mut notes)?;
        let name = type_names.get(*wire).cloned().unwrap_or_else(|| (*wire).to_owned());
        let usage = match usage {
            Usage::In => crate::spec::Usage::In,
            Usage::Out => crate::spec::Usage::Out,
            Usage::Both => crate::spec::Usage::Both,
        };
        structures.insert(name, StructureSpec { doc: doc_text(&object.document), usage, fields });
    }

    let mut actions = IndexMap::new();
    for (name, action) in &api.actions {
        let input = converter.object(&action.input, name)?;
        let output = converter.object(&action.output, name)?;
        let request = converter.fields(&input.members, Place::Request, &format!("{name} request"), &mut notes)?;
        let response = converter.fields(&output.members, Place::Response, &format!("{name} response"), &mut notes)?;
        let title = doc_text(&action.name);
        let doc = doc_text(&action.document);
        let mut spec = ActionSpec {
            title: if title.is_empty() { name.clone() } else { title.clone() },
            doc: if doc.is_empty() { if title.is_empty() { name.clone() } else { title } } else { doc },
            rate_limit: None,
            region: None,
            deprecated: action.is_deprecated(),
            unsigned: action.skip_sign,
            idempotency_token: None,
            request,
            response,
            errors: None,
            retryable: Vec::new(),
            paginate: None,
            examples: Vec::new(),
        };
        for (index, example) in metadata.examples.actions.get(name).into_iter().flatten().enumerate() {
            match examples::extract(example, index, &spec.request, &structures) {
                Ok(extracted) => spec.examples.push(extracted),
                Err(why) => notes.examples_dropped.push(format!("{label} {name} {why}")),
            }
        }
        // Tencent's idempotency parameter: the client fills it and may then retry a timed-out call.
        if spec.request.get("ClientToken").is_some_and(|field| field.ty == "string" && !field.list) {
            spec.idempotency_token = Some("ClientToken".to_owned());
        }
        actions.insert(name.clone(), spec);
    }

    let mut spec = ServiceSpec {
        service: ServiceInfo {
            name: short_name.clone(),
            version: api.metadata.api_version.clone(),
            title: names::service_title(&api.metadata.service_title, &short_name),
            doc: String::new(),
            endpoint: format!("{short_name}.intl.tencentcloudapi.com"),
            mainland_endpoint: format!("{short_name}.tencentcloudapi.com"),
            module,
            region: RegionUse::Optional,
        },
        errors: error_codes(metadata.error_codes.as_deref().unwrap_or_default(), common, &label, &mut notes),
        enums: IndexMap::new(),
        structures,
        actions,
    };
    let inferred = infer_enums(api, &type_names, &mut spec);
    for action in spec.actions.values_mut() {
        action.paginate = paginate::infer(action, &spec.structures);
    }
    Ok(Conversion { spec, notes, enums: inferred })
}

/// Infers the string enums of a converted service (see [`enums`]) and types its members with
/// them; returns what it inferred.
fn infer_enums(
    api: &ApiFile,
    type_names: &IndexMap<String, String>,
    spec: &mut ServiceSpec,
) -> Vec<enums::InferredEnum> {
    let mut candidates = Vec::new();
    let mut scan = |place: EnumPlace, members: &[ApiMember], fields: &IndexMap<String, FieldSpec>| {
        for member in members {
            let is_string = matches!(member.kind, MemberKind::String | MemberKind::List) && member.member == "string";
            let Some(field) = fields.get(&member.name) else { continue };
            if !is_string || field.ty != "string" || member.name == "ClientToken" {
                continue;
            }
            if let Some(listed) = enums::listed_values(&member.name, &member.document, &member.example_text()) {
                candidates.push(Candidate {
                    place: place.clone(),
                    member: member.name.clone(),
                    doc: field.doc.clone(),
                    listed,
                });
            }
        }
    };
    for (wire, name) in type_names {
        if let (Some(object), Some(structure)) = (api.objects.get(wire), spec.structures.get(name)) {
            scan(EnumPlace::Structure(name.clone()), &object.members, &structure.fields);
        }
    }
    for (name, action) in &api.actions {
        let Some(spec_action) = spec.actions.get(name) else { continue };
        if let Some(input) = api.objects.get(&action.input) {
            scan(EnumPlace::Request(name.clone()), &input.members, &spec_action.request);
        }
        if let Some(output) = api.objects.get(&action.output) {
            scan(EnumPlace::Response(name.clone()), &output.members, &spec_action.response);
        }
    }
    let mut taken: std::collections::HashSet<String> =
        names::RESERVED_TYPE_NAMES.iter().map(|name| (*name).to_owned()).collect();
    taken.extend(spec.structures.keys().cloned());
    taken.extend(spec.enums.keys().cloned());
    for action in spec.actions.keys() {
        taken.insert(action.clone());
        taken.extend(names::ACTION_TYPE_SUFFIXES.iter().map(|suffix| format!("{action}{suffix}")));
    }
    let inferred = enums::group(candidates, &mut taken);
    for enumeration in &inferred {
        spec.enums.insert(enumeration.name.clone(), enums::enum_spec(enumeration));
        for (place, member, _) in &enumeration.uses {
            let fields = match place {
                EnumPlace::Structure(name) => spec.structures.get_mut(name).map(|structure| &mut structure.fields),
                EnumPlace::Request(action) => spec.actions.get_mut(action).map(|action| &mut action.request),
                EnumPlace::Response(action) => spec.actions.get_mut(action).map(|action| &mut action.response),
            };
            if let Some(field) = fields.and_then(|fields| fields.get_mut(member)) {
                field.ty.clone_from(&enumeration.name);
            }
        }
    }
    inferred
}

struct Converter<'a> {
    api: &'a ApiFile,
    api_label: &'a str,
    type_names: &'a IndexMap<String, String>,
    label: &'a str,
}

impl Converter<'_> {
    fn object(&self, name: &str, action: &str) -> Result<&super::metadata::ApiObject, ImportError> {
        self.api.objects.get(name).ok_or_else(|| ImportError::Metadata {
            file: self.api_label.to_owned(),
            message: format!("action `{action}` names the object `{name}`, which is not under `objects`"),
        })
    }

    fn fields(
        &self,
        members: &[ApiMember],
        place: Place,
        context: &str,
        notes: &mut Notes,
    ) -> Result<IndexMap<String, FieldSpec>, ImportError> {
        let mut fields: IndexMap<String, FieldSpec> = IndexMap::new();
        // Rust name -> the wire name that has it, to catch `CertId` and `CertID`.
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for member in members {
            let wire = &member.name;
            if place == Place::Response && wire == "RequestId" {
                continue;
            }
            if place == Place::Response && wire == "Error" {
                notes.unsupported.push(format!(
                    "{} {context}: member `Error` is left out: a response's `Error` is the envelope's error",
                    self.label
                ));
                continue;
            }
            let mut field = self.field(member, place, context)?;
            if !crate::names::is_identifier(wire) {
                notes.unsupported.push(format!(
                    "{} {context}: member `{wire}` is left out: its wire name is not an identifier",
                    self.label
                ));
                continue;
            }
            // The derived Rust name, or a renamed one when it is a keyword that cannot be raw
            // (`Super` -> `super_field`) or taken by a member differing only in case
            // (`AppId`, `AppID` -> `app_id`, `app_id_2`).
            let derived = crate::names::snake(wire);
            let mut rust = derived.clone();
            // A setter may not take a method every builder or structure with setters has.
            let methods = match place {
                Place::Request => crate::namespace::BUILDER_METHODS,
                Place::Structure(Usage::In | Usage::Both) => crate::namespace::STRUCTURE_METHODS,
                Place::Response => crate::namespace::RESPONSE_MEMBERS,
                Place::Structure(Usage::Out) => &[],
            };
            if crate::names::snake_problem(&rust).is_some() || methods.contains(&rust.as_str()) {
                rust = format!("{derived}_field");
            }
            let mut suffix = 2;
            while rust_names.contains_key(&rust) {
                rust = format!("{derived}_{suffix}");
                suffix += 1;
            }
            if rust != derived {
                notes.renamed.push(format!("{} {context}: member `{wire}` is `{rust}` in Rust", self.label));
                field.rust_name = Some(rust.clone());
            }
            rust_names.insert(rust, wire.clone());
            fields.insert(wire.clone(), field);
        }
        Ok(fields)
    }

    fn field(&self, member: &ApiMember, place: Place, context: &str) -> Result<FieldSpec, ImportError> {
        let invalid = |what: &str| ImportError::Metadata {
            file: self.api_label.to_owned(),
            message: format!("{context}: member `{}` {what}", member.name),
        };
        let element = member.member.as_str();
        let (ty, list) = match member.kind {
            MemberKind::String if matches!(element, "string" | "date" | "datetime" | "datetime_iso") => {
                (element, false)
            }
            MemberKind::Int if matches!(element, "int64" | "uint64") => (element, false),
            MemberKind::Bool if element == "bool" => ("bool", false),
            MemberKind::Float if element == "float" => ("float", false),
            MemberKind::String | MemberKind::Int | MemberKind::Bool | MemberKind::Float => {
                let kind = format!("{:?}", member.kind).to_lowercase();
                return Err(invalid(&format!("has type `{kind}` with the element type `{element}`")));
            }
            MemberKind::List if PRIMITIVES.contains(&element) => (element, true),
            MemberKind::List | MemberKind::Object => match self.type_names.get(element) {
                Some(name) => (name.as_str(), member.kind == MemberKind::List),
                None if self.api.objects.contains_key(element) => {
                    return Err(invalid(&format!("uses the request or response object `{element}` as a value")));
                }
                None => return Err(invalid(&format!("names the object `{element}`, which is not under `objects`"))),
            },
        };
        let input_required = member.required.unwrap_or(false);
        // Older metadata says `required` where newer says `output_required`.
        let output_required = member.output_required.or(member.required).unwrap_or(false);
        let allowed_null = member.value_allowed_null.unwrap_or(false);
        let (required, nullable) = match place {
            Place::Request => (input_required, false),
            Place::Response => (false, allowed_null || !output_required),
            Place::Structure(Usage::In) => (input_required, false),
            Place::Structure(Usage::Out) => (output_required, allowed_null),
            // One Rust type serves both directions: required only when it is both sent and received.
            Place::Structure(Usage::Both) => (input_required && output_required, allowed_null),
        };
        Ok(FieldSpec {
            ty: ty.to_owned(),
            list,
            required,
            nullable,
            deprecated: member.disabled,
            rust_name: None,
            doc: doc_text(&member.document),
        })
    }
}

/// The service's codes from `errorcodes.py`, each with its English message. Codes the
/// validator cannot accept (a malformed code, or two codes with one Rust variant) are left out
/// with a note; a code without a message gets [`NO_MESSAGE`]. A service code that is also a
/// common code is kept (the service's own wording) and keeps the common code's `retryable`.
fn error_codes(
    entries: &[ErrorCodeEntry],
    common: &IndexMap<String, ErrorSpec>,
    label: &str,
    notes: &mut Notes,
) -> IndexMap<String, ErrorSpec> {
    let mut variants: HashMap<String, String> =
        common.keys().map(|code| (crate::names::error_variant(code), code.clone())).collect();
    let mut errors = IndexMap::new();
    for entry in entries {
        let code = &entry.code;
        if errors.contains_key(code) {
            continue;
        }
        if !is_error_code(code) {
            notes.unsupported.push(format!("{label}: error code {code:?} is left out: it is not a well-formed code"));
            continue;
        }
        // A code whose variant another code has (`InvalidParameter.Conflict`,
        // `InvalidParameterConflict`) gets a numbered variant.
        let derived = crate::names::error_variant(code);
        let mut variant = derived.clone();
        let mut suffix = 2;
        while variants.get(&variant).is_some_and(|first| first != code) {
            variant = format!("{derived}{suffix}");
            suffix += 1;
        }
        let renamed_variant = (variant != derived).then(|| variant.clone());
        if let Some(variant) = &renamed_variant {
            notes.renamed.push(format!("{label}: error code `{code}` is the variant `{variant}`"));
        }
        variants.insert(variant, code.clone());
        let message = doc_text(&entry.message);
        if message.is_empty() {
            notes.no_message.push(format!("{label}: error code `{code}` has no message in errorcodes.py"));
        }
        let message = if message.is_empty() { NO_MESSAGE.to_owned() } else { message };
        let retryable = common.get(code).is_some_and(|spec| spec.retryable);
        errors.insert(code.clone(), ErrorSpec { message, retryable, variant: renamed_variant, hint: None });
    }
    errors
}

/// Whether the generator accepts `code`: dot-separated words that start with a letter.
fn is_error_code(code: &str) -> bool {
    code.split('.').all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// Docs as the spec keeps them: tabs become spaces, each line is trimmed (Tencent's indentation
/// means nothing, and trailing blanks would stop YAML from keeping a readable block), and so is
/// the whole.
pub fn doc_text(text: &str) -> String {
    // Control characters (a U+0005 in billing's docs) and bidi controls mean nothing in a doc and
    // cannot be in a generated one.
    let text: String =
        text.chars().filter(|c| crate::emit::docs::forbidden_char(c.encode_utf8(&mut [0; 4])).is_none()).collect();
    text.replace("\r\n", "\n")
        .replace('\t', " ")
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_leave_docs() {
        assert_eq!(doc_text("Bill\u{5}ing \u{202e}mode"), "Billing mode");
    }

    #[test]
    fn docs_are_trimmed_and_tabs_normalised() {
        assert_eq!(
            doc_text("  Paid SSL certificate ID.\t\r\n\tSecond line.  \n\n"),
            "Paid SSL certificate ID.\nSecond line."
        );
    }

    #[test]
    fn malformed_codes_are_recognised() {
        assert!(is_error_code("FailedOperation.CertificateNotFound"));
        assert!(!is_error_code("InvalidParameter."));
    }
}
