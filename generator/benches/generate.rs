//! Load, validate and generate the specs under `specs/`, as `cargo xtask codegen` does (without
//! writing): `cargo bench -p tcgen --bench generate`.
//!
//! - `read_specs`: reading the files;
//! - `generate_all`: `tcgen::generate` over every spec read (load, validate, IR, emit, format);
//! - `generate/<service>`: each service file alone (with the common errors).
//!
//! `TCGEN_BENCH_SPECS=DIR` benchmarks another services directory (e.g. the scale run's). Nothing
//! here asserts a time.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use tcgen::SpecSource;

const COMMON_ERRORS_SPEC: &str = "specs/common/errors.yaml";
const SERVICES_DIR: &str = "specs/services";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn read_source(root: &Path, relative: &str) -> SpecSource {
    let text = fs::read_to_string(root.join(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"));
    SpecSource { path: relative.to_owned(), text }
}

/// Reads the common errors and every `*.yaml` of the services directory, sorted by name, as
/// `xtask::codegen::generate` does.
fn read_specs(root: &Path, services_dir: &Path) -> (SpecSource, Vec<SpecSource>) {
    let common = read_source(root, COMMON_ERRORS_SPEC);
    let mut names: Vec<String> = fs::read_dir(services_dir)
        .unwrap_or_else(|error| panic!("{}: {error}", services_dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort();
    let services = names
        .iter()
        .map(|name| {
            let path = services_dir.join(name);
            let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            SpecSource { path: format!("{SERVICES_DIR}/{name}"), text }
        })
        .collect();
    (common, services)
}

fn generate(c: &mut Criterion) {
    let root = root();
    let services_dir = std::env::var_os("TCGEN_BENCH_SPECS").map_or_else(|| root.join(SERVICES_DIR), PathBuf::from);
    let (common, services) = read_specs(&root, &services_dir);
    let files = match tcgen::generate(&common, &services) {
        Ok(files) => files,
        Err(diagnostics) => panic!("the specs do not validate:\n{diagnostics}"),
    };
    let bytes: usize = files.iter().map(|file| file.contents.len()).sum();
    eprintln!(
        "generate: {} service file(s), {} input bytes -> {} files, {bytes} bytes",
        services.len(),
        services.iter().map(|source| source.text.len()).sum::<usize>(),
        files.len()
    );

    c.bench_function("read_specs", |b| b.iter(|| read_specs(black_box(&root), &services_dir)));
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.bench_function("all", |b| b.iter(|| tcgen::generate(black_box(&common), black_box(&services))));
    if services.len() > 1 {
        for service in &services {
            let name = service.path.rsplit('/').next().unwrap_or_default().trim_end_matches(".yaml").to_owned();
            let one = std::slice::from_ref(service);
            group.bench_function(name, |b| b.iter(|| tcgen::generate(black_box(&common), black_box(one))));
        }
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
