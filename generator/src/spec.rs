//! The spec model: what a YAML file under `specs/` says, in the API's own words.
//!
//! Names here are wire names (`CertId`, `FailedOperation.NetworkError`); Rust names are derived
//! later, by [`crate::names`]. The JSON Schema of this model (`specs/spec.schema.json`) is generated
//! from these types, so the doc comments below are also what an editor shows while a person types.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One service version of Tencent Cloud API 3.0 (for example ssl 2019-12-05).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tcgen service spec")]
pub struct ServiceSpec {
    /// The service itself: name, version, endpoints.
    pub service: ServiceInfo,
    /// The service's error codes, by code (`FailedOperation.CertificateNotFound`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub errors: IndexMap<String, ErrorSpec>,
    /// Enumerations used by parameters and fields, by type name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub enums: IndexMap<String, EnumSpec>,
    /// Data structures used by parameters and fields, by type name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub structures: IndexMap<String, StructureSpec>,
    /// The actions of the service, by action name (`CertificateOrderSubmit`).
    pub actions: IndexMap<String, ActionSpec>,
}

/// Who the service is and where it answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInfo {
    /// Short name, the first label of the endpoint and the signing scope (`ssl`).
    pub name: String,
    /// API version, `YYYY-MM-DD` (`2019-12-05`).
    pub version: String,
    /// Human title of the service.
    pub title: String,
    /// What the service does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// Default endpoint host (international site), e.g. `ssl.intl.tencentcloudapi.com`.
    pub endpoint: String,
    /// Endpoint host of the mainland site, e.g. `ssl.tencentcloudapi.com`.
    pub mainland_endpoint: String,
    /// Rust module and cargo feature name; defaults to `name`. Set it when two versions of one
    /// service are generated side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Whether the service's actions need a region (`X-TC-Region`); an action's own `region`
    /// overrides it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub region: RegionUse,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// An error code and what it means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The message Tencent documents for this code.
    pub message: String,
    /// Whether a call that failed with this code may be sent again safely, by every action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retryable: bool,
    /// The enum variant, UpperCamelCase, when the derived one collides with another code's
    /// (`InvalidParameter.Conflict` and `InvalidParameterConflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// What the caller can do about it, when the cause is on the caller's side (shown after the
    /// error's message: `check the system clock ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The common error codes every action may return (`specs/common/errors.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tcgen common error codes")]
pub struct CommonErrorsSpec {
    /// The common error codes, by code.
    pub errors: IndexMap<String, ErrorSpec>,
}

/// The wire representation of an enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EnumRepr {
    /// Sent as a JSON integer.
    Integer,
    /// Sent as a JSON string.
    String,
}

/// A closed list of values, with a Rust name and a doc for each. Values the spec does not list are
/// kept as `Unknown(raw)` by the generated code, so a new value from the server is never an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    /// What the enumeration is.
    pub doc: String,
    /// `integer` or `string`.
    #[serde(rename = "type")]
    pub repr: EnumRepr,
    /// The values, in order.
    pub values: Vec<EnumValueSpec>,
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueSpec {
    /// The wire value: an integer for `type: integer`, a string for `type: string`.
    pub value: EnumValue,
    /// The Rust variant name, UpperCamelCase (`UnderReview`).
    pub name: String,
    /// What the value means.
    pub doc: String,
}

/// A wire value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnumValue {
    /// An integer value (`type: integer`).
    Integer(i64),
    /// A string value (`type: string`).
    String(String),
}

/// Where a data structure is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// Only in requests: every member is optional in Rust, and `build()` checks the required ones;
    /// it gets chained setters.
    In,
    /// Only in responses.
    Out,
    /// In both: required members are plain values (a response always has them); it gets chained
    /// setters.
    #[default]
    Both,
}

/// A data structure (a JSON object nested in a request or response).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StructureSpec {
    /// What the structure is.
    pub doc: String,
    /// Where it is used: `in` (requests), `out` (responses) or `both` (the default).
    #[serde(default, skip_serializing_if = "is_default")]
    pub usage: Usage,
    /// The members, by wire name, in order.
    pub fields: IndexMap<String, FieldSpec>,
}

/// A request parameter, response field or structure member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The type: a primitive (`string`, `int64`, `uint64`, `bool`, `float`, `int_bool` (a
    /// boolean sent as 0 or 1), `date`, `datetime`, `datetime_iso`), or the name of an enum or
    /// structure of this spec.
    #[serde(rename = "type")]
    pub ty: String,
    /// A JSON array of `type` rather than a single value.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list: bool,
    /// In requests: the caller must set it. Unset optional parameters are left out of the JSON.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// In responses: the server may send `null` or leave it out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// Tencent marks it disabled or deprecated; it is kept, and documented as such.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The Rust name, snake_case, when the derived one cannot be used: two wire names that
    /// differ only in case (`AppId`, `AppID`), or a keyword that cannot be raw (`Super`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// What the value means.
    pub doc: String,
}

/// Whether an action needs the `X-TC-Region` header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionUse {
    /// The action ignores the region; it is sent only when the caller configured one.
    #[default]
    Optional,
    /// The call fails before sending when no region is configured.
    Required,
}

/// An action (one API call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// Short title (`Submit a certificate order`).
    pub title: String,
    /// What the action does.
    pub doc: String,
    /// Documented limit of requests per second; the client paces calls to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Whether the action needs a region; when absent, as the service says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionUse>,
    /// Tencent has deprecated the action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Tencent takes the action without a signature (`skip_sign` in its metadata): the client
    /// sends `Authorization: SKIP` and needs no credentials.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
    /// The request parameter (a string) that makes the action idempotent, usually `ClientToken`:
    /// when the caller leaves it unset the client fills a random UUID once, every retry carries
    /// the same value, and the action is also retried after a timeout or a dropped connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// Request parameters, by wire name, in order.
    #[serde(default)]
    pub request: IndexMap<String, FieldSpec>,
    /// Response fields, by wire name, in order (`RequestId` is implied).
    #[serde(default)]
    pub response: IndexMap<String, FieldSpec>,
    /// The error codes this action documents (service or common codes). When absent, the action
    /// can return every code of the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<String>>,
    /// Error codes after which this action may be sent again (besides the codes marked
    /// `retryable` for the whole service or in the common codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retryable: Vec<String>,
    /// How to walk every page of a list action. The importer infers it from the members' names
    /// (`Offset`/`Limit`, `Page`/`Rp`, `PageNumber`/`PageSize`, `PageNo`/`PageSize`, tokens);
    /// set it in the curation for other names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginate: Option<PaginateSpec>,
    /// Documented examples: request parameters and the `Response` object the server sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<ExampleSpec>,
}

/// How a list action is walked page by page. Give `items` and one way to ask for the next page:
/// `offset` and `limit` (the default, `Offset`/`Limit`), `page` and `page_size` (a page number
/// starting at 1), or `token` and `next_token` (a continuation token). `total` (with offsets,
/// `TotalCount` when the response has it) lets the walk stop without asking for an empty page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaginateSpec {
    /// The response list whose elements are the items (`Certificates`).
    pub items: String,
    /// The request parameter holding the offset of the first item (an integer, or a string of digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// The request parameter holding the page size, with `offset` or `page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// The request parameter holding the page number, starting at 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The request parameter holding the continuation token of the page asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The response field holding the token of the next page (empty or absent on the last one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// The response field holding the total number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

/// A documented example call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// What the example shows.
    pub title: String,
    /// The request body as JSON text.
    pub request: String,
    /// The response body as JSON text, `{"Response": {...}}`.
    pub response: String,
}
