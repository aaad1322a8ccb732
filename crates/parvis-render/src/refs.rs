//! A reference to a member or community as views show it: its id, its name and its page.
//! A leaf, so that the community views and the "From the community" pages can both use it
//! without importing each other.

use serde::Serialize;

#[derive(Serialize, Clone)]
pub struct Ref {
    pub id: String,
    pub name: String,
    pub url: String,
}
