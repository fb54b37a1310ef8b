//! Which actions list their results page by page: a request with `Offset` and `Limit` (integers)
//! and a response with `TotalCount` (an integer) and exactly one list of structures, the items.
//! Anything else (other names, two candidate lists) is left for a person to describe in the
//! spec's `paginate`.

use indexmap::IndexMap;
use tcgen::spec::{ActionSpec, FieldSpec, PaginateSpec, StructureSpec};

/// The paginator of `action`, when its fields follow the convention.
pub fn infer(action: &ActionSpec, structures: &IndexMap<String, StructureSpec>) -> Option<PaginateSpec> {
    let is_integer = |field: Option<&FieldSpec>| {
        field.is_some_and(|field| !field.list && matches!(field.ty.as_str(), "int64" | "uint64"))
    };
    if !is_integer(action.request.get("Offset")) || !is_integer(action.request.get("Limit")) {
        return None;
    }
    if !is_integer(action.response.get("TotalCount")) {
        return None;
    }
    let mut lists = action.response.iter().filter(|(_, field)| field.list && structures.contains_key(&field.ty));
    let (items, _) = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    Some(PaginateSpec {
        items: items.clone(),
        offset: Some("Offset".to_owned()),
        limit: Some("Limit".to_owned()),
        total: Some("TotalCount".to_owned()),
        ..PaginateSpec::default()
    })
}
