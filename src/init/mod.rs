//! `parvis init DIR`: a small working portal to start from.

use include_dir::{include_dir, Dir};
use std::path::Path;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/starter");

/// Writes the starter site into `dir`, which must be empty or absent.
pub fn init(dir: &Path) -> Result<usize, String> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; parvis init only writes into a new or empty folder",
                dir.display()
            ));
        }
    }
    let mut written = 0;
    let mut stack = vec![&STARTER];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            let path = dir.join(f.path());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, f.contents())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written += 1;
        }
        stack.extend(d.dirs());
    }
    Ok(written)
}
