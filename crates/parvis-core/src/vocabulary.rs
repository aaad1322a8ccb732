//! The closed lists of words the site's files choose from: section kinds, member roles and
//! member statuses.
//!
//! Each is an enum, so that a `match` on it is checked by the compiler instead of comparing
//! strings that a typo would silently never equal. The files still hold strings, read as
//! strings and checked where they are read (front matter, member files), so an unknown word
//! stays the error it was, at its file, line and column, with the list as a hint; the
//! variants' names there come from [`names`](SectionKind::names).
//!
//! A small macro rather than a crate such as strum: the three lists need a name per variant,
//! parsing from that name and serialising to it, which the macro gives in a few lines, with
//! no dependency to build.

use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in the order the hints list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word the site's files write.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The variant written `word`, if any.
            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The words, for hints (`one of: …`).
            pub fn names() -> &'static [&'static str] {
                &[$($word,)+]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        /// Templates and JSON see the word, as before the type existed.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
    };
}

vocabulary! {
    /// What a section holds (`kind:` in its `_index.md`, inherited by subsections): it decides
    /// the templates, the default order, feeds, structured data and what a page's `extra` means.
    SectionKind {
        /// Plain pages (the default).
        Page = "page",
        /// Dated posts, with feeds.
        Blog = "blog",
        /// Documentation, with a navigation tree.
        Docs = "docs",
        /// Job postings (`extra` holds the posting).
        Careers = "careers",
        /// Events (`extra` holds the event).
        Events = "events",
    }
}

impl SectionKind {
    /// The order of a section's pages when its `sort_by` is unset.
    pub fn default_sort(self) -> &'static str {
        match self {
            SectionKind::Blog | SectionKind::Events | SectionKind::Careers => "date",
            SectionKind::Page | SectionKind::Docs => "weight",
        }
    }
}

vocabulary! {
    /// A member's role in the community (`roles:` in a member file).
    Role {
        Member = "member",
        Ambassador = "ambassador",
        Leader = "leader",
        Moderator = "moderator",
        CommunityManager = "community-manager",
        Employee = "employee",
        Partner = "partner",
    }
}

vocabulary! {
    /// Whether a member is still in the community (`status:` in a member file).
    MemberStatus {
        /// The default.
        Active = "active",
        /// Left; still listed as alumni, off the leaderboard.
        Alumni = "alumni",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_parses_back_to_its_variant() {
        for k in SectionKind::ALL {
            assert_eq!(SectionKind::parse(k.as_str()), Some(*k));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(&r.to_string()), Some(*r));
        }
        assert_eq!(MemberStatus::parse("alumni"), Some(MemberStatus::Alumni));
        assert_eq!(SectionKind::parse("Blog"), None);
        assert_eq!(Role::names().len(), Role::ALL.len());
    }

    #[test]
    fn serialises_as_the_word() {
        assert_eq!(
            serde_json::to_string(&[Role::CommunityManager]).unwrap(),
            r#"["community-manager"]"#
        );
    }
}
