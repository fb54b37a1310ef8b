//! The generated crate works as a path dependency of a crate outside the workspace: builds it in a
//! temporary directory (with the workspace's lock file, offline) and runs it.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn a_crate_outside_the_workspace_uses_tcapi_by_path() {
    let root = xtask::workspace_root();
    let dir = std::env::temp_dir().join(format!("tcapi-consumer-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src")).unwrap();
    let template_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consumer");
    let manifest = fs::read_to_string(template_dir.join("Cargo.toml.in")).unwrap();
    let tcapi_path = root.join("generated").display().to_string().replace('\\', "/");
    fs::write(dir.join("Cargo.toml"), manifest.replace("{tcapi_path}", &tcapi_path)).unwrap();
    fs::copy(template_dir.join("src/main.rs"), dir.join("src/main.rs")).unwrap();
    // The workspace's lock file pins the same versions, so nothing needs fetching.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/consumer"))
        .output()
        .unwrap();
    let _ = fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some(r#"{"CertId":"Dsqef134","DeleteDnsAutoRecord":1,"VerifyType":"DNS"}"#));
    assert_eq!(lines.next(), Some("FailedOperation.CertificateNotFound (The certificate does not exist.)"));
}
