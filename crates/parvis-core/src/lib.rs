//! The core of parvis: the site model and what it is built from. It sits at the start of the
//! data flow, under every other crate: [`load`] reads the site folder ([`config`] validates
//! `site.yaml`), [`model`] builds sections, pages and the community from the sources, and
//! [`filter`] keeps what one audience may see. Every later stage (Markdown, report, search,
//! templates, the site build) reads the model it leaves.
//!
//! Beside them, leaves every stage uses: [`diagnostics`] carries each error with its place,
//! [`yaml`] parses YAML and TOML into diagnostics, [`yaml_edit`] rewrites one value of a YAML
//! file where it is written, [`date`] reads front matter dates, [`text`]
//! escapes and slugs, [`ics`] writes iCalendar text, [`pack`] packs text a build holds until
//! later and [`spill`] moves it to disk, and [`vocabulary`] and [`audience`] type the words
//! site files choose from.

pub mod audience;
pub mod colour;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod filter;
pub mod ics;
pub mod load;
pub mod model;
pub mod pack;
pub mod spill;
pub mod text;
pub mod vocabulary;
pub mod yaml;
pub mod yaml_edit;
