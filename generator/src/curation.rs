//! Curation: what people decide about a service, kept apart from what Tencent's metadata says.
//!
//! `specs/services/<name>.yaml` is the spec. When it was imported (`cargo xtask import`), it is
//! machine-owned: a re-import rewrites it from the metadata, applying every upstream change.
//! `specs/curation/<name>.yaml`, when there is one, is people's: enums, rate limits, regions,
//! retryable codes, doc fixes, Rust names, idempotency tokens, paginators, examples. The
//! generator applies it on top of the spec and it wins; the importer never writes it, so its
//! comments survive. A curation that names something the spec does not have (a parameter removed
//! upstream) is an error located in the curation.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::load::Reporter;
use crate::spec::{
    ActionSpec, EnumSpec, ErrorSpec, ExampleSpec, FieldSpec, PaginateSpec, RegionUse, ServiceSpec, Usage,
};
use crate::validate::{child, path_of};

/// What people curate about one service (`specs/curation/<name>.yaml`): each key overrides or
/// adds to the spec of the same name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tcgen curation")]
pub struct CurationSpec {
    /// Overrides of the service's own facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServicePatch>,
    /// Error codes: overrides of the spec's (retryable, a hint, a message), or codes it lacks.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub errors: IndexMap<String, ErrorPatch>,
    /// Enumerations, added to the spec's or replacing one of the same name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub enums: IndexMap<String, EnumSpec>,
    /// Overrides of the spec's structures.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub structures: IndexMap<String, StructurePatch>,
    /// Overrides of the spec's actions.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub actions: IndexMap<String, ActionPatch>,
}

/// Overrides of `service`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicePatch {
    /// The English title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the service does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Whether its actions need a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionUse>,
}

/// Overrides of an error code; a code the spec lacks needs its `message`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorPatch {
    /// The documented message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Safe to retry for every action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
    /// The enum variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// What the caller can do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Overrides of a structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StructurePatch {
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Where it is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Overrides of its members.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<String, FieldPatch>,
}

/// Overrides of a parameter, field or member: each key given replaces the spec's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldPatch {
    /// The type (an enum of this spec or of the curation, usually).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// A list of `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<bool>,
    /// Requests: the caller must set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Responses: the server may send `null` or leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// The Rust name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// What it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// Overrides of an action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionPatch {
    /// Short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Documented requests per second (Tencent's API page: "A maximum of N requests ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Whether it needs a region, when it differs from the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionUse>,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// The idempotency token parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// Overrides of its request parameters.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub request: IndexMap<String, FieldPatch>,
    /// Overrides of its response fields.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub response: IndexMap<String, FieldPatch>,
    /// Its own list of error codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<String>>,
    /// Codes after which it may be sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<Vec<String>>,
    /// How to walk its pages (replaces an inferred paginator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginate: Option<PaginateSpec>,
    /// Its examples (replace the spec's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Vec<ExampleSpec>>,
}

/// Applies `curation` to `spec`, reporting (at the curation's places) every override of
/// something the spec does not have.
pub(crate) fn apply(spec: &mut ServiceSpec, curation: CurationSpec, reporter: &mut Reporter<'_>) {
    if let Some(service) = curation.service {
        set(&mut spec.service.title, service.title);
        set(&mut spec.service.doc, service.doc);
        set(&mut spec.service.region, service.region);
    }
    for (code, patch) in curation.errors {
        let path = path_of(&["errors", &code]);
        match spec.errors.get_mut(&code) {
            Some(known) => {
                set(&mut known.message, patch.message);
                set(&mut known.retryable, patch.retryable);
                known.variant = patch.variant.or(known.variant.take());
                known.hint = patch.hint.or(known.hint.take());
            }
            None => match patch.message {
                Some(message) => {
                    let retryable = patch.retryable.unwrap_or_default();
                    spec.errors
                        .insert(code, ErrorSpec { message, retryable, variant: patch.variant, hint: patch.hint });
                }
                None => reporter.at_key(
                    &path,
                    format!("the curation changes error code `{code}`, which the spec does not have"),
                    "a `message` to add it, or the code as the spec spells it",
                ),
            },
        }
    }
    for (name, enumeration) in curation.enums {
        spec.enums.insert(name, enumeration);
    }
    for (name, patch) in curation.structures {
        let path = path_of(&["structures", &name]);
        let Some(structure) = spec.structures.get_mut(&name) else {
            reporter.at_key(
                &path,
                format!("the curation changes structure `{name}`, which the spec does not have"),
                "a structure of the spec (renamed or removed upstream?)",
            );
            continue;
        };
        set(&mut structure.doc, patch.doc);
        set(&mut structure.usage, patch.usage);
        fields(&mut structure.fields, patch.fields, &child(&path, "fields"), &format!("structure `{name}`"), reporter);
    }
    for (name, patch) in curation.actions {
        let path = path_of(&["actions", &name]);
        let Some(action) = spec.actions.get_mut(&name) else {
            reporter.at_key(
                &path,
                format!("the curation changes action `{name}`, which the spec does not have"),
                "an action of the spec (renamed or removed upstream?)",
            );
            continue;
        };
        apply_action(action, patch, &path, &name, reporter);
    }
}

fn apply_action(action: &mut ActionSpec, patch: ActionPatch, path: &[String], name: &str, reporter: &mut Reporter<'_>) {
    set(&mut action.title, patch.title);
    set(&mut action.doc, patch.doc);
    action.rate_limit = patch.rate_limit.or(action.rate_limit);
    action.region = patch.region.or(action.region);
    set(&mut action.deprecated, patch.deprecated);
    action.idempotency_token = patch.idempotency_token.or(action.idempotency_token.take());
    fields(&mut action.request, patch.request, &child(path, "request"), &format!("action `{name}`"), reporter);
    fields(&mut action.response, patch.response, &child(path, "response"), &format!("action `{name}`"), reporter);
    action.errors = patch.errors.or(action.errors.take());
    set(&mut action.retryable, patch.retryable);
    action.paginate = patch.paginate.or(action.paginate.take());
    set(&mut action.examples, patch.examples);
}

fn fields(
    fields: &mut IndexMap<String, FieldSpec>,
    patches: IndexMap<String, FieldPatch>,
    path: &[String],
    owner: &str,
    reporter: &mut Reporter<'_>,
) {
    for (wire, patch) in patches {
        let Some(field) = fields.get_mut(&wire) else {
            let message = format!("the curation changes `{wire}` of {owner}, which the spec does not have");
            reporter.at_key(
                &child(path, wire.as_str()),
                message,
                "a member of the spec (renamed or removed upstream?)",
            );
            continue;
        };
        set(&mut field.ty, patch.ty);
        set(&mut field.list, patch.list);
        set(&mut field.required, patch.required);
        set(&mut field.nullable, patch.nullable);
        set(&mut field.deprecated, patch.deprecated);
        field.rust_name = patch.rust_name.or(field.rust_name.take());
        set(&mut field.doc, patch.doc);
    }
}

/// `slot = value` when the curation gives one.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}
