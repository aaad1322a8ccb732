//! parvis: a static site generator for community portals.
//!
//! Data flows one way, a module per stage: [`load`] reads the site folder, [`model`] builds
//! sections and pages, [`filter`] keeps what one audience may see, [`markdown`] renders bodies
//! and resolves links, [`render`] applies the templates, [`output`] writes the result
//! atomically. [`build`] runs them in order; [`diagnostics`] carries every error with its place.
//! [`report`] measures a filtered model for the community manager (`parvis report` and the
//! internal dashboard).

pub mod build;
pub mod commands;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod filter;
pub mod ics;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod text;
pub mod yaml;
