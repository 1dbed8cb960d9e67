//! The core crate must build and test natively with no browser dependency, directly or through
//! another crate: every simulation stays pure Rust.

use std::process::Command;

const BROWSER_CRATES: &[&str] = &["leptos", "web-sys", "js-sys", "wasm-bindgen", "gloo", "web-time", "getrandom"];

#[test]
fn core_has_no_browser_dependency() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--manifest-path", manifest, "-p", "wirelab-core", "-e", "normal", "--prefix", "none", "--offline"])
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    let found: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| BROWSER_CRATES.iter().any(|b| name == b || name.starts_with(&format!("{b}-")) || name.starts_with(&format!("{b}_"))))
        .collect();
    assert!(found.is_empty(), "wirelab-core depends on browser crates: {found:?}");
    assert!(tree.lines().any(|l| l.starts_with("serde ")), "the tree was read: {tree}");
}

#[test]
fn core_source_reads_no_clock_and_no_os_randomness() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                for banned in ["SystemTime", "Instant::now", "thread_rng", "OsRng", "std::time"] {
                    if text.contains(banned) {
                        offenders.push(format!("{}: {banned}", path.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "core must be deterministic: {offenders:?}");
}
