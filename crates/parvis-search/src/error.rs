//! What can go wrong making or reading a search index, as a type: the site build turns it into
//! a diagnostic, `parvis search` into a usage error, and tests can match on it.

use thiserror::Error;

/// Why an index could not be made, exported or read.
#[derive(Debug, Error)]
pub enum SearchError {
    /// Reading or writing bytes of the export failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file of the export does not hold what its format says.
    #[error("{0}")]
    Corrupt(&'static str),
    /// A name in a file of the export is not UTF-8.
    #[error("{0}")]
    Utf8(#[from] std::string::FromUtf8Error),
    /// A gzipped file of the export does not decompress.
    #[error("corrupt gzip data: {0}")]
    Gzip(std::io::Error),
    /// A JSON file of the export does not parse.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// The error of one file of the export, `path` under `search/`.
    #[error("search/{path}: {source}")]
    File {
        path: String,
        source: Box<SearchError>,
    },
    /// The reader's `fetch` could not get a file (missing, or the server said no).
    #[error("{0}")]
    Fetch(String),
}

impl SearchError {
    /// This error, as one of the file `path` (under `search/`).
    pub fn in_file(self, path: &str) -> SearchError {
        SearchError::File {
            path: path.to_string(),
            source: Box::new(self),
        }
    }
}

impl From<&'static str> for SearchError {
    fn from(what: &'static str) -> SearchError {
        SearchError::Corrupt(what)
    }
}
