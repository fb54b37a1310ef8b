//! The required-member check of `#[derive(Wire)]` structures, as a builder's `build()` runs it:
//! missing members are named by their path through nested structures, options, boxes and lists,
//! and leaf members (which hold no structure) are skipped without being visited.

use tcapi_runtime::BuildError;
use tcapi_runtime::wire::check;

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
struct Disk {
    #[wire(required, name = "DiskType")]
    disk_type: Option<String>,
    #[wire(name = "DiskSize")]
    disk_size: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
struct Placement {
    #[wire(required, name = "Zone")]
    zone: Option<String>,
    #[wire(name = "SystemDisk")]
    system_disk: Option<Box<Disk>>,
}

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
struct RunInstances {
    #[wire(required, name = "Placement")]
    placement: Option<Placement>,
    #[wire(name = "DataDisks")]
    data_disks: Option<Vec<Disk>>,
    #[wire(name = "InstanceName")]
    instance_name: Option<String>,
    #[wire(name = "Tags")]
    tags: Option<Vec<String>>,
}

fn missing(request: &RunInstances) -> Option<String> {
    match check(request) {
        Ok(()) => None,
        Err(BuildError::MissingParameter { parameter }) => Some(parameter),
        Err(other) => panic!("expected a missing parameter, got {other:?}"),
    }
}

fn disk(disk_type: Option<&str>) -> Disk {
    Disk { disk_type: disk_type.map(str::to_owned), disk_size: Some(50) }
}

fn placement(zone: Option<&str>, system_disk: Option<Disk>) -> Placement {
    Placement { zone: zone.map(str::to_owned), system_disk: system_disk.map(Box::new) }
}

#[test]
fn a_missing_top_level_member_is_named() {
    assert_eq!(missing(&RunInstances::default()).as_deref(), Some("Placement"));
}

#[test]
fn a_missing_member_of_a_nested_structure_is_named_with_its_path() {
    let request = RunInstances { placement: Some(placement(None, None)), ..RunInstances::default() };
    assert_eq!(missing(&request).as_deref(), Some("Placement.Zone"));
}

#[test]
fn a_missing_member_behind_an_option_and_a_box_is_named_with_its_path() {
    let request = RunInstances {
        placement: Some(placement(Some("ap-guangzhou-3"), Some(disk(None)))),
        ..RunInstances::default()
    };
    assert_eq!(missing(&request).as_deref(), Some("Placement.SystemDisk.DiskType"));
}

#[test]
fn a_missing_member_in_a_list_is_named_with_its_index() {
    let request = RunInstances {
        placement: Some(placement(Some("ap-guangzhou-3"), Some(disk(Some("CLOUD_SSD"))))),
        data_disks: Some(vec![disk(Some("CLOUD_PREMIUM")), disk(None)]),
        ..RunInstances::default()
    };
    assert_eq!(missing(&request).as_deref(), Some("DataDisks[1].DiskType"));
}

#[test]
fn a_complete_request_passes_and_leaf_members_need_nothing() {
    let request = RunInstances {
        placement: Some(placement(Some("ap-guangzhou-3"), None)),
        data_disks: Some(vec![disk(Some("CLOUD_PREMIUM"))]),
        instance_name: None,
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    assert_eq!(missing(&request), None);
}
