//! The intermediate representation: a validated spec with every reference resolved and every Rust
//! name chosen. Emitters read only this; nothing after validation can fail on user input.

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
    /// `Option` in Rust: an optional request parameter or a nullable response field.
    pub optional: bool,
    /// Documented as deprecated or disabled.
    pub deprecated: bool,
    /// What it means.
    pub doc: String,
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The wire value (`0`, `"DNS"`), as a Rust literal would read.
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
    /// Parsed request body.
    pub request_json: serde_json::Value,
    /// Response body, JSON text as the spec gives it.
    pub response: String,
    /// The parsed `Response` object, when it is a success (no `Error`).
    pub success_json: Option<serde_json::Value>,
}

/// An action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Wire and type-name stem (`CertificateOrderSubmit`).
    pub name: String,
    /// Method and module name (`certificate_order_submit`).
    pub snake: String,
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

/// The members that make an action paginated by offset, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginate {
    /// The response list holding the items of a page.
    pub items: Field,
    /// The request parameter holding the offset of the first item.
    pub offset: Field,
    /// The request parameter holding the page size.
    pub limit: Field,
    /// The response field holding the total number of items.
    pub total: Field,
}

/// A service version, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
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
    /// Every code of the service, the common ones included, for the service-wide enum.
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
