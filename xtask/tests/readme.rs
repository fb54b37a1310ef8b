//! The README's table of shipped services is the specs' own: a service added, removed or
//! re-imported with more actions or paginators makes this test fail with the table to paste.

use std::fmt::Write as _;

#[test]
fn the_readme_lists_the_shipped_services_as_the_specs_have_them() {
    let root = xtask::workspace_root();
    let (common, sources) = xtask::codegen::read_sources(&root).unwrap_or_else(|error| panic!("{error}"));
    let krate = tcgen::check(&common, &sources).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let mut expected = String::from(
        "| feature and module | service | API version | actions | paginators |\n| --- | --- | --- | ---: | ---: |\n",
    );
    let mut services: Vec<_> = krate.services.iter().collect();
    services.sort_by(|a, b| a.module.cmp(&b.module));
    for service in services {
        let paginators = service.actions.iter().filter(|action| action.paginate.is_some()).count();
        let _ = writeln!(
            expected,
            "| `{}` | {} | {} | {} | {paginators} |",
            service.module,
            service.title,
            service.version,
            service.actions.len()
        );
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|error| panic!("README.md: {error}"));
    assert!(
        readme.contains(&expected),
        "README.md's table of shipped services is not the specs'; put this table under \"## Shipped services\":\n\n{expected}"
    );
}
