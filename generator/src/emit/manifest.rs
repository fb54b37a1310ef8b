//! `generated/Cargo.toml`, from data: the template (`generator/templates/tcapi.toml`) is read with
//! a TOML library and each service's feature goes in as a TOML key, escaped by the library. Spec
//! text is never pasted into the manifest.

use toml_edit::{Array, DocumentMut, Item, Table, value};

use super::Layout;
use crate::ir::Service;

/// The manifest template.
pub const TEMPLATE: &str = include_str!("../../templates/tcapi.toml");

/// Where the generated crate finds the runtime, relative to its own directory.
pub const DEFAULT_RUNTIME_PATH: &str = "../runtime";

/// The template, parsed. It is part of the generator, so a failure is the generator's bug; it is
/// reported as an error all the same, never a panic.
fn template() -> Result<DocumentMut, String> {
    TEMPLATE.parse::<DocumentMut>().map_err(|error| format!("generator/templates/tcapi.toml is not TOML: {error}"))
}

/// The feature names and dependency names the template has: no service module may take them as
/// its feature.
pub fn reserved_features() -> Vec<String> {
    let Ok(document) = template() else { return Vec::new() };
    let keys = |table: &str| -> Vec<String> {
        document
            .get(table)
            .and_then(Item::as_table_like)
            .map(|table| table.iter().map(|(key, _)| key.to_owned()).collect())
            .unwrap_or_default()
    };
    let mut reserved = keys("features");
    reserved.extend(keys("dependencies"));
    reserved.extend(keys("dev-dependencies"));
    reserved
}

/// The manifest of the generated crate for `services`, laid out as `layout` says (where it finds
/// the runtime crate, whether its tests build every service). The header goes first.
pub fn manifest<'a>(
    services: impl IntoIterator<Item = &'a Service>,
    layout: &Layout,
    header: &str,
) -> Result<String, String> {
    let mut document = template()?;
    let modules: Vec<&str> = services.into_iter().map(|service| service.module.as_str()).collect();
    let features = table(&mut document, &["features"])?;
    for module in &modules {
        if features.contains_key(module) {
            return Err(format!("the service feature `{module}` is already a feature of the manifest template"));
        }
        features.insert(module, value(Array::new()));
    }
    let known: Vec<String> = features.iter().map(|(key, _)| key.to_owned()).collect();
    // A default service without a spec is not a default.
    if let Some(default) = features.get_mut("default").and_then(Item::as_array_mut) {
        default.retain(|entry| entry.as_str().is_some_and(|name| is_available(name, &known)));
    }
    let self_features = table(&mut document, &["dev-dependencies"])?
        .get_mut("tcapi")
        .and_then(Item::as_table_like_mut)
        .and_then(|table| table.get_mut("features"))
        .and_then(Item::as_array_mut)
        .ok_or("the manifest template's dev-dependency on tcapi has no `features` list")?;
    if layout.every_service_in_tests {
        self_features.extend(modules.iter().copied());
    }
    for section in ["dependencies", "dev-dependencies"] {
        let runtime = table(&mut document, &[section])?.get_mut("tcapi-runtime").and_then(Item::as_table_like_mut);
        if let Some(runtime) = runtime {
            runtime.insert("path", value(layout.runtime_path.as_str()));
        }
    }
    // An example of a service without a spec is left out: it could not build, and a manifest
    // naming a feature that does not exist cannot be loaded.
    if let Some(examples) = document.get_mut("example").and_then(Item::as_array_of_tables_mut) {
        examples.retain(|example| {
            let required = example.get("required-features").and_then(Item::as_array);
            required.is_none_or(|list| {
                list.iter().all(|entry| entry.as_str().is_some_and(|name| is_available(name, &known)))
            })
        });
    }
    // The template's own comment explains the template; the file gets the generated header instead.
    if let Some(package) = document.get_mut("package").and_then(Item::as_table_mut) {
        package.decor_mut().set_prefix(header);
    }
    Ok(document.to_string())
}

fn table<'d>(document: &'d mut DocumentMut, path: &[&str]) -> Result<&'d mut Table, String> {
    let mut item = document.as_item_mut();
    for key in path {
        item = item.get_mut(key).ok_or_else(|| format!("the manifest template has no `[{}]`", path.join(".")))?;
    }
    item.as_table_mut().ok_or_else(|| format!("`[{}]` of the manifest template is not a table", path.join(".")))
}

/// Whether a feature named in a list exists (`dep:` and `crate/feature` entries name other things).
fn is_available(name: &str, known: &[String]) -> bool {
    name.contains('/') || name.starts_with("dep:") || known.iter().any(|feature| feature == name)
}
