//! Rebuilds the crate when the embedded theme changes: `include_dir!` cannot tell cargo which
//! files it read.
fn main() {
    println!("cargo:rerun-if-changed=../../themes");
}
