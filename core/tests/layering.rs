//! herald-core stays headless: no tauri crate anywhere in its dependency tree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn herald_core_never_depends_on_tauri() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["tree", "-p", "herald-core", "-e", "normal,build", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.lines().count() > 20, "the tree was listed: {tree}");
    let tauri: Vec<&str> = tree.lines().filter(|l| l.starts_with("tauri") || l.starts_with("wry ")).collect();
    assert!(tauri.is_empty(), "herald-core must not depend on tauri, found: {tauri:?}");
}
