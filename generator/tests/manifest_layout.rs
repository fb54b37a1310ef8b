//! The generated manifest's dev-dependency on the crate itself: with the default layout the
//! crate's tests build every service; the scale run's layout leaves the services to the batch.

#![allow(clippy::unwrap_used)]

use tcgen::{Layout, SpecSource};

const COMMON: &str = "errors:\n  FailedOperation:\n    message: Operation failed.\n";

fn spec(name: &str) -> SpecSource {
    let text = format!(
        "service:\n  name: {name}\n  version: \"2020-01-01\"\n  title: Demo\n  endpoint: {name}.intl.tencentcloudapi.com\n  mainland_endpoint: {name}.tencentcloudapi.com\nactions:\n  Ping:\n    title: Ping\n    doc: Pings.\n"
    );
    SpecSource { path: format!("specs/services/{name}.yaml"), text }
}

/// The features the manifest's `[dev-dependencies] tcapi` entry turns on.
fn self_dev_features(layout: &Layout) -> Vec<String> {
    let common = SpecSource { path: "specs/common/errors.yaml".to_owned(), text: COMMON.to_owned() };
    let files = tcgen::generate_with(&common, &[spec("alpha"), spec("beta")], layout).unwrap();
    let manifest = files.iter().find(|file| file.path == "generated/Cargo.toml").unwrap();
    let document: toml_edit::DocumentMut = manifest.contents.parse().unwrap();
    document["dev-dependencies"]["tcapi"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|feature| feature.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn by_default_the_crate_tests_build_every_service() {
    assert_eq!(self_dev_features(&Layout::default()), ["mock", "alpha", "beta"]);
}

#[test]
fn a_layout_can_leave_the_services_to_the_features_a_build_asks_for() {
    let layout = Layout { every_service_in_tests: false, ..Layout::default() };
    assert_eq!(self_dev_features(&layout), ["mock"]);
}
