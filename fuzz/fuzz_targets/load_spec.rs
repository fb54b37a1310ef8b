//! Feeds arbitrary bytes to the spec loader, validator and emitters: they must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcgen::SpecSource;

fuzz_target!(|data: &[u8]| {
    let common = SpecSource { path: "specs/common/errors.yaml".to_owned(), text: "errors: {}\n".to_owned() };
    let spec = SpecSource { path: "specs/services/fuzz.yaml".to_owned(), text: String::from_utf8_lossy(data).into_owned() };
    let _ = tcgen::generate(&common, &[spec]);
});
