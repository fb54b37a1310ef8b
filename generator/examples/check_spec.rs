//! Prints the diagnostics of a spec file: `cargo run -p tcgen --example check_spec -- FILE`.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let common = tcgen::SpecSource {
        path: "specs/common/errors.yaml".into(),
        text: std::fs::read_to_string("/work/main/specs/common/errors.yaml").unwrap_or_default(),
    };
    match tcgen::check(&common, &[tcgen::SpecSource { path, text }]) {
        Ok(services) => println!("ok: {} service(s)", services.len()),
        Err(diagnostics) => println!("{diagnostics}"),
    }
}
