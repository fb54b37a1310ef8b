//! The spec's examples, checked against what the generated tests assert: a request example holds
//! only parameters the spec declares, each of its type (no `null`s: an unset parameter is left
//! out); a success decodes strictly (every required field there and of its exact JSON kind, enum
//! values the spec lists); an error example's code is one the action can return. For each it
//! computes what the generated code writes back, which the generated test compares with.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::ir::{self, Field, Scalar, TypeRef, WireValue};
use crate::load::Reporter;
use crate::spec::{EnumRepr, ExampleSpec, ServiceSpec};
use crate::validate::child;

/// Checks one action's examples.
pub(crate) struct Checker<'c, 'r> {
    pub(crate) reporter: &'c mut Reporter<'r>,
    pub(crate) spec: &'c ServiceSpec,
    pub(crate) structure_fields: &'c HashMap<String, Vec<Field>>,
}

/// Which side of the call a JSON value is on: requests are written by the generated code (only
/// declared keys, no `null`), responses are read by it (unknown keys are ignored).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn noun(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

impl Checker<'_, '_> {
    /// The checked example, or `None` (every problem reported).
    pub(crate) fn check(
        &mut self,
        action: &ir::Action,
        codes: &[ir::ErrorCode],
        example: &ExampleSpec,
        path: &[String],
    ) -> Option<ir::Example> {
        let request_path = child(path, "request");
        let request_json: Value = match serde_json::from_str(&example.request) {
            Ok(value) => value,
            Err(error) => {
                let message = format!("the example request is not JSON: {error}");
                self.reporter.at_value(&request_path, message, "a JSON object of request parameters");
                return None;
            }
        };
        let response_path = child(path, "response");
        let response_json: Value = match serde_json::from_str(&example.response) {
            Ok(value) => value,
            Err(error) => {
                let message = format!("the example response is not JSON: {error}");
                self.reporter.at_value(&response_path, message, "a JSON object `{\"Response\": {...}}`");
                return None;
            }
        };
        let before = self.reporter.len();
        let request_expected = self.object(&request_json, &action.request, &request_path, Side::Request, "");
        let Some(inner) = response_json.get("Response") else {
            self.reporter.at_value(
                &response_path,
                "the example response has no `Response` object",
                "`{\"Response\": {...}}`",
            );
            return None;
        };
        if !inner.get("RequestId").is_some_and(Value::is_string) {
            self.reporter.at_value(
                &response_path,
                "the example response has no string `RequestId`",
                "every response has a RequestId",
            );
        }
        let (success, error_code) = match inner.get("Error").filter(|error| !error.is_null()) {
            Some(error) => (None, self.error_code(error, codes, action, &response_path)),
            None => {
                let mut expected = self.object(inner, &action.response, &response_path, Side::Response, "Response.");
                if let (Some(Value::Object(expected)), Some(request_id)) = (&mut expected, inner.get("RequestId")) {
                    expected.insert("RequestId".to_owned(), request_id.clone());
                }
                (expected, None)
            }
        };
        (self.reporter.len() == before).then(|| ir::Example {
            title: example.title.clone(),
            request: example.request.clone(),
            request_expected: request_expected.unwrap_or(Value::Null),
            response: example.response.clone(),
            success,
            error_code,
        })
    }

    fn error_code(
        &mut self,
        error: &Value,
        codes: &[ir::ErrorCode],
        action: &ir::Action,
        path: &[String],
    ) -> Option<String> {
        let Some(code) = error.get("Code").and_then(Value::as_str) else {
            self.reporter.at_value(
                path,
                "the example's `Error` has no string `Code`",
                "`{\"Error\": {\"Code\": ..., \"Message\": ...}}`",
            );
            return None;
        };
        if !codes.iter().any(|known| known.code == code) {
            let message = format!("the example's error code `{code}` is not an error of action `{}`", action.name);
            self.reporter.at_value(path, message, "a code of the action's `errors`, the service's or the common codes");
            return None;
        }
        Some(code.to_owned())
    }

    /// Checks an object against `fields` and returns what the generated code writes for it.
    fn object(&mut self, value: &Value, fields: &[Field], path: &[String], side: Side, at: &str) -> Option<Value> {
        let what = side.noun();
        let Some(object) = value.as_object() else {
            self.reporter.at_value(path, format!("the example {what} `{at}` is not a JSON object"), "a JSON object");
            return None;
        };
        let mut expected = Map::new();
        for (key, item) in object {
            match fields.iter().find(|field| &field.wire_name == key) {
                Some(field) => {
                    if let Some(written) = self.member(item, field, path, side, &format!("{at}{key}")) {
                        expected.insert(key.clone(), written);
                    }
                }
                None if side == Side::Request => self.reporter.at_value(
                    path,
                    format!("the example request has the unknown key `{at}{key}`"),
                    "only keys the spec declares",
                ),
                // Responses may carry more than the spec says; the generated code ignores it.
                None => {}
            }
        }
        let lacking = |field: &&Field| {
            let present = object.get(&field.wire_name).is_some_and(|item| !item.is_null());
            field.required && !field.optional && !present
        };
        for field in fields.iter().filter(lacking) {
            let message = format!("the example {what} lacks `{at}{}`", field.wire_name);
            self.reporter.at_value(path, message, "every required key, not null");
        }
        Some(Value::Object(expected))
    }

    /// Checks one member; `None` when it is not written back (a `null` the spec allows).
    fn member(&mut self, value: &Value, field: &Field, path: &[String], side: Side, at: &str) -> Option<Value> {
        if value.is_null() {
            if side == Side::Request {
                let message = format!("`{at}` in the example request is null");
                self.reporter.at_value(path, message, "no key for a parameter that is not set");
            } else if !field.optional {
                let message = format!("`{at}` in the example response is null");
                self.reporter.at_value(path, message, "a value: the spec does not mark it `nullable`");
            }
            return None;
        }
        if !field.list {
            return self.element(value, field, path, side, at);
        }
        let Some(items) = value.as_array() else {
            let message = format!("`{at}` in the example {} is not a list", side.noun());
            self.reporter.at_value(path, message, "a JSON array");
            return None;
        };
        let written = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                self.element(item, field, path, side, &format!("{at}[{index}]")).unwrap_or(Value::Null)
            })
            .collect();
        Some(Value::Array(written))
    }

    fn element(&mut self, value: &Value, field: &Field, path: &[String], side: Side, at: &str) -> Option<Value> {
        let written = match &field.ty {
            TypeRef::Scalar(scalar) if scalar.is_text() => value.is_string().then(|| value.clone()),
            TypeRef::Scalar(Scalar::Int64) => value.is_i64().then(|| value.clone()),
            TypeRef::Scalar(Scalar::UInt64) => value.is_u64().then(|| value.clone()),
            TypeRef::Scalar(Scalar::Bool) => value.is_boolean().then(|| value.clone()),
            TypeRef::Scalar(Scalar::IntBool) => matches!(value.as_u64(), Some(0 | 1)).then(|| value.clone()),
            // Written back as a float, whatever the JSON said: `1` is read as `1.0`.
            TypeRef::Scalar(Scalar::Float) => value.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number),
            TypeRef::Scalar(_) => None,
            TypeRef::Enum(name) => return self.enum_value(value, name, path, side, at),
            TypeRef::Structure(name) => {
                let fields = self.structure_fields.get(name).cloned().unwrap_or_default();
                return self.object(value, &fields, path, side, &format!("{at}."));
            }
        };
        if written.is_none() {
            let message = format!("`{at}` in the example {} is {}", side.noun(), short(value));
            self.reporter.at_value(path, message, format!("a value of type `{}`", type_label(field)));
        }
        written
    }

    fn enum_value(&mut self, value: &Value, name: &str, path: &[String], side: Side, at: &str) -> Option<Value> {
        let spec = self.spec.enums.get(name)?;
        let wire = match (spec.repr, value) {
            (EnumRepr::Integer, Value::Number(number)) => number.as_i64().map(WireValue::Integer),
            (EnumRepr::String, Value::String(text)) => Some(WireValue::String(text.clone())),
            _ => None,
        };
        let known = wire.as_ref().is_some_and(|wire| {
            spec.values.iter().any(|listed| match (&listed.value, wire) {
                (crate::spec::EnumValue::Integer(a), WireValue::Integer(b)) => a == b,
                (crate::spec::EnumValue::String(a), WireValue::String(b)) => a == b,
                _ => false,
            })
        });
        if !known {
            let message =
                format!("`{at}` in the example {} is {}, not a value of enum `{name}`", side.noun(), short(value));
            self.reporter.at_value(
                path,
                message,
                format!("one of the values of `{name}`, or the value added to the enum"),
            );
            return None;
        }
        Some(value.clone())
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

fn type_label(field: &Field) -> String {
    let element = match &field.ty {
        TypeRef::Scalar(scalar) => format!("{scalar:?}").to_lowercase(),
        TypeRef::Enum(name) | TypeRef::Structure(name) => name.clone(),
    };
    if field.list { format!("list of {element}") } else { element }
}
