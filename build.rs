//! Rebuilds the binary when the embedded theme or starter site changes: `include_dir!` cannot
//! tell cargo which files it read.
fn main() {
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=src/init/starter");
}
