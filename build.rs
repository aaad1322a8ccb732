//! Rebuilds the binary when the embedded starter site changes: `include_dir!` cannot tell cargo
//! which files it read.
fn main() {
    println!("cargo:rerun-if-changed=src/init/starter");
}
