// Tells the runner which cedar-policy it was built with (from Cargo.lock), for its JSON line.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let lock = std::fs::read_to_string(format!("{dir}/Cargo.lock")).unwrap_or_default();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"cedar-policy\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CEDAR_POLICY_VERSION={version}");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
