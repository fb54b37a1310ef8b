//! Times the generator over a directory of service specs, phase by phase:
//! `cargo run --release -p tcgen --example generate_dir -- target/scale/specs/services`.

use std::time::Instant;

use tcgen::SpecSource;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "specs/services".to_owned());
    let common_text = std::fs::read_to_string("specs/common/errors.yaml").unwrap_or_default();
    let common = SpecSource { path: "specs/common/errors.yaml".to_owned(), text: common_text };
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    names.sort();
    let services: Vec<SpecSource> = names
        .iter()
        .map(|path| SpecSource {
            path: path.display().to_string(),
            text: std::fs::read_to_string(path).unwrap_or_default(),
        })
        .collect();
    let started = Instant::now();
    let checked = tcgen::check(&common, &services);
    let checked_in = started.elapsed();
    let (services_ok, problems) = match &checked {
        Ok(krate) => (krate.services.len(), 0),
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            (0, diagnostics.0.len())
        }
    };
    let started = Instant::now();
    let files = tcgen::generate(&common, &services).map(|files| files.len()).unwrap_or_default();
    let generated_in = started.elapsed();
    println!(
        "{} specs: load + validate {:.2?} ({services_ok} ok, {problems} problems); load + validate + emit {:.2?} ({files} files)",
        services.len(),
        checked_in,
        generated_in
    );
}
