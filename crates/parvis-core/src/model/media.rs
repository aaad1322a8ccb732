//! What the image stage made of the site's pictures, for the templates: sizes, `srcset`s and
//! the social card of each page. Plain data: the image stage (`parvis-images`, run by the
//! site stage) fills it, the render stage reads it.

use serde::Serialize;
use std::collections::HashMap;

/// A picture in its resized variants.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Picture {
    /// Size of the largest variant, for `width` and `height`.
    pub width: u32,
    pub height: u32,
    /// The largest fallback (JPEG or PNG) variant's URL: `src`.
    pub src: String,
    /// The smallest variant's URL (an avatar on a card).
    pub small: String,
    /// `srcset` of the fallback variants, and of the WebP ones.
    pub srcset: String,
    pub webp_srcset: String,
}

/// A social card: absolute URL and size.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CardImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `image/png` or `image/jpeg`.
    pub mime: String,
}

/// The site's processed pictures.
#[derive(Debug, Clone, Default)]
pub struct Media {
    /// The URL of each visible page's and section's front matter `image:`, by the page's or
    /// section's URL: the file as published wherever the image stage found it (beside the
    /// page, in `static/`, under `content/`), or a picture of another site as written. Found
    /// once, so that the page's social card, the cards in lists and the structured data show
    /// the same picture.
    pub images: HashMap<String, String>,
    /// Covers (front matter `image:` of pages and sections) by the root-relative URL of
    /// their source (`/blog/post/cover.jpg`), in the small widths of cards and the hero.
    pub covers: HashMap<String, Picture>,
    /// Member avatars by member id.
    pub avatars: HashMap<String, Picture>,
    /// Social cards by the page's root-relative URL; `site` is the card of every other page.
    pub cards: HashMap<String, CardImage>,
    pub site_card: Option<CardImage>,
    /// Favicon (32 px PNG) and touch icon (180 px PNG) URLs.
    pub favicon: Option<String>,
    pub touch_icon: Option<String>,
    /// The site logo's URL, as written under `static/`.
    pub logo: Option<String>,
}

impl Media {
    /// The social card of the page at `url`.
    pub fn card(&self, url: &str) -> Option<&CardImage> {
        self.cards.get(url).or(self.site_card.as_ref())
    }
}
