//! Search: an index built at build time with tantivy's analysers and exported as static files
//! that a small JavaScript client (and `parvis search`) query without a server. It reads a filtered model
//! (parvis-core) whose bodies are rendered, and the site build writes its files.
//!
//! [`docs`] picks what the audience may see and turns it into fields; [`analyze`] decides what
//! a word is; [`index`] holds the postings (each stem's kept compact by `postings`) and
//! exports them; [`mod@format`] is the byte layout;
//! [`query`] reads the export back the way the browser does. The files go under `search/` in
//! the output: a manifest, term shards of about 8 KB by key range (with tail files for the
//! postings of frequent terms), a vocabulary by word length for typo tolerance, one file per
//! facet and one small file per document. A query fetches only the shards its words live in.

pub mod analyze;
pub mod docs;
pub mod error;
pub mod format;
pub mod index;
mod postings;
pub mod query;

pub use error::SearchError;
pub use index::{DocFiles, SearchIndex, Texts};

/// Folder of the index in the output.
pub const DIR: &str = "search";

/// The files of `index`, with their output paths.
pub fn files(index: &SearchIndex) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    Ok(under_dir(index.export()?))
}

/// The files of `index`, with their output paths, for a build that needs the index no more.
pub fn into_files(index: SearchIndex) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    Ok(under_dir(index.into_files()?))
}

fn under_dir(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(name, bytes)| (format!("{DIR}/{name}"), bytes))
        .collect()
}

/// Replaces the index files among `served` (an output folder as a map) with `fresh`, leaving
/// the search page and every other file alone.
pub fn replace_files<V>(
    served: &mut std::collections::BTreeMap<String, V>,
    fresh: impl IntoIterator<Item = (String, Vec<u8>)>,
    to_value: impl Fn(Vec<u8>) -> V,
) {
    let dir = format!("{DIR}/");
    served.retain(|path, _| !path.starts_with(&dir) || path.ends_with(".html"));
    served.extend(fresh.into_iter().map(|(p, b)| (p, to_value(b))));
}
