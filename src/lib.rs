//! parvis: a static site generator for community portals. This package is the `parvis` binary
//! and its commands, at the top of the data flow; the stages live in the crates under
//! `crates/`, in the order data flows through them:
//!
//! - `parvis-core` loads the site folder, builds the model and filters it for one audience;
//! - `parvis-markdown` renders page bodies and resolves their links;
//! - `parvis-report` measures the model for the community manager;
//! - `parvis-search` builds the search index;
//! - `parvis-render` renders pages and site files through the templates;
//! - `parvis-site` runs the stages in order and writes the output.
//!
//! Here, [`commands`] runs `build`, `check`, `report` and `search` through them, [`serve`]
//! serves a site from memory and rebuilds it on change, and [`init`] writes a starter site.

pub mod commands;
pub mod init;
pub mod serve;
