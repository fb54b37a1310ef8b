//! Which actions list their results page by page, inferred from the names of their members
//! (documented in `xtask/IMPORT.md`). The request says how a page is asked for, in the first of
//! these patterns that fits:
//!
//! | request | style |
//! | --- | --- |
//! | `Offset` and `Limit` (integers, or strings of digits) | `offset`/`limit` |
//! | `Page` and `Rp` | `page`/`limit` |
//! | `PageNumber` and `PageSize` | `page`/`limit` |
//! | `PageNo` and `PageSize` | `page`/`limit` |
//! | a string `NextToken`, `PaginationToken`, `Context` or `Cursor` that the response has too | `token`/`next_token` |
//!
//! The items are the response's one list of structures; when it has several, the one named like
//! a list of items (`List`, or ending in `Set`: `InstanceSet`) if exactly one is; when it has
//! none, its one list of values (strings, numbers). The total is the
//! first integer of `TotalCount`, `TotalNumber`, `Total`, `TotalNum` the response has, or none
//! (the walk then stops at an empty or short page, or at the last token). Anything else is left
//! for a person to describe in the curation's `paginate`.

use indexmap::IndexMap;

use crate::spec::{ActionSpec, FieldSpec, PaginateSpec, StructureSpec};

/// Response fields that hold the total number of items, tried in this order.
pub const TOTAL_NAMES: &[&str] = &["TotalCount", "TotalNumber", "Total", "TotalNum"];

/// Request parameters (also response fields) that carry a continuation token.
pub const TOKEN_NAMES: &[&str] = &["NextToken", "PaginationToken", "Context", "Cursor"];

/// Page-number parameters and their page-size parameters.
const PAGE_PAIRS: &[(&str, &str)] = &[("Page", "Rp"), ("PageNumber", "PageSize"), ("PageNo", "PageSize")];

/// Whether the request looks like it asks for one page of many: it has one of the pairs above.
pub fn pages(action: &ActionSpec) -> bool {
    let has = |name: &str| action.request.contains_key(name);
    (has("Offset") && has("Limit"))
        || PAGE_PAIRS.iter().any(|(page, size)| has(page) && has(size))
        || TOKEN_NAMES.iter().any(|name| has(name) && action.response.contains_key(*name))
}

/// The paginator of `action`, when its members follow one of the patterns.
pub fn infer(action: &ActionSpec, structures: &IndexMap<String, StructureSpec>) -> Option<PaginateSpec> {
    let single =
        |field: Option<&FieldSpec>, types: &[&str]| field.is_some_and(|f| !f.list && types.contains(&f.ty.as_str()));
    let number = |name: &str| single(action.request.get(name), &["int64", "uint64", "string"]);
    let items = items(&action.response, structures)?;
    let total = TOTAL_NAMES
        .iter()
        .find(|name| single(action.response.get(**name), &["int64", "uint64"]))
        .map(|name| (*name).to_owned());
    let base = PaginateSpec { items, total, ..PaginateSpec::default() };
    if number("Offset") && number("Limit") {
        return Some(PaginateSpec { offset: Some("Offset".into()), limit: Some("Limit".into()), ..base });
    }
    if let Some((page, size)) = PAGE_PAIRS.iter().find(|(page, size)| number(page) && number(size)) {
        return Some(PaginateSpec { page: Some((*page).into()), limit: Some((*size).into()), ..base });
    }
    let token = TOKEN_NAMES.iter().find(|name| {
        single(action.request.get(**name), &["string"]) && single(action.response.get(**name), &["string"])
    })?;
    Some(PaginateSpec { token: Some((*token).into()), next_token: Some((*token).into()), ..base })
}

/// The response list holding the items.
fn items(response: &IndexMap<String, FieldSpec>, structures: &IndexMap<String, StructureSpec>) -> Option<String> {
    let lists: Vec<&String> = response
        .iter()
        .filter(|(_, field)| field.list && structures.contains_key(&field.ty))
        .map(|(name, _)| name)
        .collect();
    if let [only] = lists.as_slice() {
        return Some((*only).clone());
    }
    let named: Vec<&&String> = lists.iter().filter(|name| name.as_str() == "List" || name.ends_with("Set")).collect();
    match (named.as_slice(), lists.is_empty()) {
        ([only], _) => Some((**only).clone()),
        // No list of structures: the one list of values (tag DescribeTagKeys pages through strings).
        (_, true) => {
            let values: Vec<&String> = response.iter().filter(|(_, field)| field.list).map(|(name, _)| name).collect();
            if let [only] = values.as_slice() { Some((*only).clone()) } else { None }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::tests::snippet;

    /// The paginator inferred for action `X` of a one-action service whose request and response
    /// have these members (`name:type` or `name:list:Type`).
    fn inferred(request: &[&str], response: &[&str]) -> Option<PaginateSpec> {
        let spec = snippet(request, response);
        spec.actions["X"].paginate.clone()
    }

    fn offset(items: &str, total: Option<&str>) -> PaginateSpec {
        PaginateSpec {
            items: items.into(),
            offset: Some("Offset".into()),
            limit: Some("Limit".into()),
            total: total.map(Into::into),
            ..PaginateSpec::default()
        }
    }

    #[test]
    fn offsets_and_limits_as_integers_or_strings_with_any_total() {
        let integers = inferred(&["Offset:int64", "Limit:uint64"], &["TotalCount:uint64", "VpcSet:list:Item"]);
        assert_eq!(integers, Some(offset("VpcSet", Some("TotalCount"))));
        // vpc DescribeSubnets: Offset and Limit are strings.
        let strings = inferred(&["Offset:string", "Limit:string"], &["TotalCount:uint64", "SubnetSet:list:Item"]);
        assert_eq!(strings, Some(offset("SubnetSet", Some("TotalCount"))));
        for total in ["TotalNumber", "Total", "TotalNum"] {
            let found = inferred(&["Offset:int64", "Limit:int64"], &[&format!("{total}:int64"), "Items:list:Item"]);
            assert_eq!(found, Some(offset("Items", Some(total))), "{total}");
        }
        let none = inferred(&["Offset:int64", "Limit:int64"], &["Items:list:Item"]);
        assert_eq!(none, Some(offset("Items", None)));
    }

    #[test]
    fn page_numbers() {
        // cam ListPolicies.
        let cam = inferred(&["Rp:uint64", "Page:uint64"], &["TotalNum:uint64", "List:list:Item"]);
        let page = |page: &str, limit: &str, items: &str, total: Option<&str>| PaginateSpec {
            items: items.into(),
            page: Some(page.into()),
            limit: Some(limit.into()),
            total: total.map(Into::into),
            ..PaginateSpec::default()
        };
        assert_eq!(cam, Some(page("Page", "Rp", "List", Some("TotalNum"))));
        let number = inferred(&["PageNumber:int64", "PageSize:int64"], &["Total:int64", "Records:list:Item"]);
        assert_eq!(number, Some(page("PageNumber", "PageSize", "Records", Some("Total"))));
        let no = inferred(&["PageNo:int64", "PageSize:int64"], &["Records:list:Item"]);
        assert_eq!(no, Some(page("PageNo", "PageSize", "Records", None)));
    }

    #[test]
    fn continuation_tokens() {
        let token = |name: &str, items: &str| PaginateSpec {
            items: items.into(),
            token: Some(name.into()),
            next_token: Some(name.into()),
            ..PaginateSpec::default()
        };
        for name in TOKEN_NAMES {
            let found = inferred(&[&format!("{name}:string")], &[&format!("{name}:string"), "Items:list:Item"]);
            assert_eq!(found, Some(token(name, "Items")), "{name}");
        }
        // A token only in the request is not a continuation.
        assert_eq!(inferred(&["Context:string"], &["Items:list:Item"]), None);
    }

    #[test]
    fn the_items_are_the_one_list_or_the_one_named_like_items() {
        let two = inferred(&["Offset:int64", "Limit:int64"], &["InstanceSet:list:Item", "Zones:list:Item"]);
        assert_eq!(two.map(|spec| spec.items), Some("InstanceSet".to_owned()));
        let list = inferred(&["Offset:int64", "Limit:int64"], &["List:list:Item", "Zones:list:Item"]);
        assert_eq!(list.map(|spec| spec.items), Some("List".to_owned()));
        let ambiguous = inferred(&["Offset:int64", "Limit:int64"], &["ASet:list:Item", "BSet:list:Item"]);
        assert_eq!(ambiguous, None);
        // Values are items only when there is no list of structures.
        let names = inferred(&["Offset:int64", "Limit:int64"], &["Names:list:string"]);
        assert_eq!(names.map(|spec| spec.items), Some("Names".to_owned()));
        let beside = inferred(&["Offset:int64", "Limit:int64"], &["Names:list:string", "Items:list:Item"]);
        assert_eq!(beside.map(|spec| spec.items), Some("Items".to_owned()));
        assert_eq!(inferred(&["Offset:int64", "Limit:int64"], &["A:list:string", "B:list:string"]), None);
        // No paging parameters: no paginator.
        assert_eq!(inferred(&["Limit:int64"], &["Items:list:Item"]), None);
        assert_eq!(inferred(&["Offset:bool", "Limit:int64"], &["Items:list:Item"]), None);
    }
}
