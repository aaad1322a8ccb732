//! Audience: one of the site's circles (`audiences:` in site.yaml, innermost first).
//!
//! Who may see what is a comparison of ranks: the build for one circle shows an item open to
//! that circle or to any wider one. Carrying the rank with the name makes that comparison a
//! plain `<=` everywhere instead of a look-up in the configuration by string, and a build's
//! audience is read from the filtered [`Site`](crate::model::Site) rather than passed beside it.

use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// A circle of readers, ordered by rank: 0 is the innermost, and the widest sorts last.
///
/// Made by [`Config::audience`](crate::config::Config::audience) for a name site.yaml lists.
/// A name it does not list (already reported as an error where it was written) becomes an
/// [`Audience::unknown`], which no build may see and which sees nothing.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Audience {
    rank: usize,
    name: Arc<str>,
}

impl Audience {
    /// The circle at `rank` (0 for the innermost) named `name`.
    pub(crate) fn new(rank: usize, name: &str) -> Audience {
        Audience {
            rank,
            name: name.into(),
        }
    }

    /// A name that is not one of the site's audiences: sorts after every known one.
    pub fn unknown(name: &str) -> Audience {
        Audience {
            rank: usize::MAX,
            name: name.into(),
        }
    }

    /// The name, as written in site.yaml.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// 0 for the innermost circle.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Whether the name is one of the site's audiences.
    pub fn is_known(&self) -> bool {
        self.rank != usize::MAX
    }

    /// Whether the build for this circle may show an item open to circle `item`: an item is
    /// seen by its own circle and by every circle inside it.
    pub fn sees(&self, item: &Audience) -> bool {
        self.is_known() && item.is_known() && self <= item
    }
}

impl PartialOrd for Audience {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Audience {
    /// By rank; the name only orders unknown audiences among themselves.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank
            .cmp(&other.rank)
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl fmt::Display for Audience {
    /// The name, padded as asked (`{:<14}` in tables).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.name)
    }
}

impl fmt::Debug for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.name, self.rank)
    }
}

impl PartialEq<str> for Audience {
    fn eq(&self, other: &str) -> bool {
        &*self.name == other
    }
}

impl PartialEq<&str> for Audience {
    fn eq(&self, other: &&str) -> bool {
        &*self.name == *other
    }
}

/// Templates, JSON and the search index see the name, as before the type existed.
impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_circles_see_wider_items_and_not_the_reverse() {
        let internal = Audience::new(0, "internal");
        let members = Audience::new(1, "members");
        let public = Audience::new(2, "public");
        assert!(internal.sees(&public));
        assert!(members.sees(&members));
        assert!(!public.sees(&members));
        assert!(internal < members && members < public);
    }

    #[test]
    fn an_unknown_audience_is_seen_by_no_build() {
        let internal = Audience::new(0, "internal");
        let typo = Audience::unknown("interal");
        assert!(!internal.sees(&typo));
        assert!(!typo.sees(&internal));
        assert_eq!(typo.to_string(), "interal");
    }
}
