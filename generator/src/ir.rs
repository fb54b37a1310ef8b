//! The intermediate representation: a validated spec with every reference resolved and every Rust
//! item and file named. Names are decided once, by validation, in a namespace per scope
//! ([`crate::namespace`]); emitters take every name from here and invent none.

use crate::spec::EnumRepr;

/// A primitive wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// JSON string.
    String,
    /// JSON integer, signed 64-bit.
    Int64,
    /// JSON integer, unsigned 64-bit.
    UInt64,
    /// JSON boolean.
    Bool,
    /// A boolean sent as the integer 0 or 1.
    IntBool,
    /// JSON number.
    Float,
    /// A date string, `YYYY-MM-DD`.
    Date,
    /// A date-time string, `YYYY-MM-DD hh:mm:ss`.
    DateTime,
    /// A date-time string in ISO 8601.
    DateTimeIso,
}

impl Scalar {
    /// The scalar a spec type name stands for.
    pub fn from_spec(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "int64" => Self::Int64,
            "uint64" => Self::UInt64,
            "bool" => Self::Bool,
            "int_bool" => Self::IntBool,
            "float" => Self::Float,
            "date" => Self::Date,
            "datetime" => Self::DateTime,
            "datetime_iso" => Self::DateTimeIso,
            _ => return None,
        })
    }

    /// Every spec name of a scalar, for messages.
    pub const SPEC_NAMES: &'static str = "string, int64, uint64, bool, int_bool, float, date, datetime, datetime_iso";

    /// Whether the JSON value is a string.
    pub fn is_text(self) -> bool {
        matches!(self, Self::String | Self::Date | Self::DateTime | Self::DateTimeIso)
    }

    /// Whether the JSON value is an integer.
    pub fn is_integer(self) -> bool {
        matches!(self, Self::Int64 | Self::UInt64)
    }
}

/// The type of a field, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A primitive.
    Scalar(Scalar),
    /// An enumeration of the same service, by Rust name.
    Enum(String),
    /// A structure of the same service, by Rust name.
    Structure(String),
}

/// A request parameter, response field or structure member.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key (`CertId`).
    pub wire_name: String,
    /// The Rust name without raw prefix (`cert_id`, `type`).
    pub rust_name: String,
    /// The element type.
    pub ty: TypeRef,
    /// A JSON array of `ty`.
    pub list: bool,
    /// Held in a `Box`: a structure member that leads back to its own structure.
    pub boxed: bool,
    /// `Option` in Rust: a request parameter, a nullable response field, an optional member.
    pub optional: bool,
    /// The spec requires it. For a request parameter (an `Option` in Rust) `build()` checks it;
    /// for a response field it is a plain value.
    pub required: bool,
    /// The idempotency token of its action.
    pub token: bool,
    /// Documented as deprecated or disabled.
    pub deprecated: bool,
    /// What it means.
    pub doc: String,
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The wire value (`0`, `"DNS"`).
    pub value: WireValue,
    /// The variant name (`UnderReview`).
    pub name: String,
    /// What it means.
    pub doc: String,
}

/// A wire value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireValue {
    /// An integer.
    Integer(i64),
    /// A string.
    String(String),
}

/// An enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust (and spec) name.
    pub name: String,
    /// What it is.
    pub doc: String,
    /// Integer or string on the wire.
    pub repr: EnumRepr,
    /// The values, in spec order.
    pub variants: Vec<EnumVariant>,
}

/// A data structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// Rust (and spec) name.
    pub name: String,
    /// What it is.
    pub doc: String,
    /// Used in requests: it gets chained setters.
    pub in_requests: bool,
    /// Its members, in spec order.
    pub fields: Vec<Field>,
}

/// An error code.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCode {
    /// The code as the server sends it.
    pub code: String,
    /// The enum variant name.
    pub variant: String,
    /// The documented message.
    pub message: String,
    /// Safe to send the call again after it.
    pub retryable: bool,
    /// What the caller can do about it.
    pub hint: Option<String>,
    /// One of the common codes (its facts are declared once for the crate).
    pub common: bool,
}

/// The error codes an action can return.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionErrors {
    /// The action documents its own list: it gets its own enum (these codes plus the common ones).
    Own(Vec<ErrorCode>),
    /// No list: the action uses the service-wide enum.
    Service,
}

/// A documented example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// What it shows.
    pub title: String,
    /// Request body, JSON text as the spec gives it.
    pub request: String,
    /// What the generated code writes for the request (floats written as floats).
    pub request_expected: serde_json::Value,
    /// Response body, JSON text as the spec gives it.
    pub response: String,
    /// What decoding the response and writing it again gives (the members the spec knows,
    /// without `null`s, floats written as floats): what the generated test compares with.
    pub success: Option<serde_json::Value>,
    /// The error code of an error example.
    pub error_code: Option<String>,
}

/// The Rust names of one action's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionNames {
    /// Module, file stem and client method (`certificate_order_submit`).
    pub module: String,
    /// `{Action}Request`.
    pub request: String,
    /// `{Action}Response`.
    pub response: String,
    /// `{Action}Builder`.
    pub builder: String,
    /// `{Action}ErrorCode`.
    pub error_code: String,
    /// The static `ActionInfo` (`CERTIFICATE_ORDER_SUBMIT_INFO`).
    pub info: String,
}

/// An action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Wire name (`CertificateOrderSubmit`).
    pub name: String,
    /// The Rust names of its items.
    pub names: ActionNames,
    /// Short title.
    pub title: String,
    /// What it does.
    pub doc: String,
    /// Requests per second.
    pub rate_limit: Option<u32>,
    /// Needs a region.
    pub region_required: bool,
    /// Deprecated by Tencent.
    pub deprecated: bool,
    /// Sent without a signature.
    pub unsigned: bool,
    /// The wire name of the idempotency token parameter.
    pub idempotency_token: Option<String>,
    /// Codes after which this action (besides the codes retryable for every action) is retried.
    pub retryable: Vec<String>,
    /// Request parameters.
    pub request: Vec<Field>,
    /// Response fields (without `RequestId`).
    pub response: Vec<Field>,
    /// Error codes.
    pub errors: ActionErrors,
    /// Examples.
    pub examples: Vec<Example>,
    /// How to walk every page, for list actions.
    pub paginate: Option<Paginate>,
}

/// How a list action asks for its next page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// An offset (first item) and a page size.
    Offset {
        /// The request parameter holding the offset.
        offset: Field,
        /// The request parameter holding the page size, when there is one.
        limit: Option<Field>,
    },
    /// A page number starting at 1 and a page size.
    Page {
        /// The request parameter holding the page number.
        page: Field,
        /// The request parameter holding the page size.
        limit: Option<Field>,
    },
    /// A continuation token from the previous page.
    Token {
        /// The request parameter taking the token.
        token: Field,
        /// The response field giving the next page's token.
        next_token: Field,
    },
}

/// The members that make an action paginated, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginate {
    /// The response list holding the items of a page.
    pub items: Field,
    /// How the next page is asked for.
    pub style: PageStyle,
    /// The response field holding the total number of items, when there is one.
    pub total: Option<Field>,
}

/// A service version, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The spec file it comes from (for the generated files' headers).
    pub spec_path: String,
    /// Short name (`ssl`).
    pub name: String,
    /// Rust module and cargo feature name.
    pub module: String,
    /// API version.
    pub version: String,
    /// Title.
    pub title: String,
    /// What it does.
    pub doc: String,
    /// International endpoint host.
    pub endpoint: String,
    /// Mainland endpoint host.
    pub mainland_endpoint: String,
    /// Every code of the service and the common ones it does not redefine, for the service-wide enum.
    pub errors: Vec<ErrorCode>,
    /// Enumerations.
    pub enums: Vec<Enum>,
    /// Structures.
    pub structures: Vec<Structure>,
    /// Actions.
    pub actions: Vec<Action>,
}

impl Service {
    /// The enumeration named `name`.
    pub fn enum_named(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|item| item.name == name)
    }

    /// The structure named `name`.
    pub fn structure_named(&self, name: &str) -> Option<&Structure> {
        self.structures.iter().find(|item| item.name == name)
    }
}

/// Everything the generated crate is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Crate {
    /// The common error codes, declared once for every enum.
    pub common_errors: Vec<ErrorCode>,
    /// The services, in spec-file order.
    pub services: Vec<Service>,
}
