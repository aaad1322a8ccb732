//! Filter: decide what one build shows, for one audience, at one moment.
//!
//! A page is left out when it is a draft (unless drafts are asked for), not yet published
//! for this audience (a `publish_date` per audience opens it circle by circle), expired, or open only to a narrower circle than the build's audience. Nothing is deleted:
//! hidden items stay in the model, marked, so that later stages can say why a link fails.
//! Files beside pages follow the page or section they sit with ([`visible_assets`]).

use crate::audience::Audience;
use crate::load::AssetFile;
use crate::model::{Hidden, Site};
use jiff::Timestamp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a build is for.
#[derive(Debug, Clone)]
pub struct Visibility {
    pub audience: Audience,
    pub drafts: bool,
    pub now: Timestamp,
}

/// Marks hidden pages and sections, then rebuilds the lists from what is left.
pub fn apply(site: &mut Site, v: &Visibility) {
    site.now = v.now;
    site.audience = v.audience.clone();
    for page in &mut site.pages {
        let hidden = if page.front.draft && !v.drafts {
            Some(Hidden::Draft)
        } else if !v.drafts
            && page
                .opens_to(&v.audience)
                .is_some_and(|d| d.timestamp() > v.now)
        {
            Some(Hidden::NotYetPublished)
        } else if page.expiry_date.is_some_and(|d| d.timestamp() <= v.now) {
            Some(Hidden::Expired)
        } else if !v.audience.sees(&page.audience) {
            Some(Hidden::Audience(page.audience.clone()))
        } else {
            None
        };
        // Pages are shared with `serve`'s last model: copy only those that change.
        if page.hidden != hidden {
            std::sync::Arc::make_mut(page).hidden = hidden;
        }
    }
    for section in &mut site.sections {
        section.hidden = if section.front.draft && !v.drafts {
            Some(Hidden::Draft)
        } else if !v.audience.sees(&section.audience) {
            Some(Hidden::Audience(section.audience.clone()))
        } else {
            None
        };
    }
    site.member_visible = site
        .community
        .members
        .iter()
        .map(|m| m.published && v.audience.sees(&m.audience))
        .collect();
    site.community_visible = site
        .community
        .communities
        .iter()
        .map(|c| v.audience.sees(&c.audience))
        .collect();
    site.attach();
}

/// The files beside pages (`content/**` that is not Markdown) this build may copy.
///
/// A file belongs to the page bundle (`name/index.md`) or section (`_index.md`) whose folder
/// is the nearest one up from it, and is shown only when that page or section is: an
/// attachment of an internal section, a draft or a page not yet published stays out of the
/// build, as the page itself does. A folder with several owners (translations) shows its
/// files when any of them is shown. Files with no owner (no `_index.md` above them) are shown.
pub fn visible_assets<'a>(site: &Site, assets: &'a [AssetFile]) -> Vec<&'a AssetFile> {
    assets_shown(site, assets)
        .filter_map(|(a, shown)| shown.then_some(a))
        .collect()
}

/// The files of `static/` this build copies: every one but the members' photo uploads. A photo
/// is published only as the avatars the image stage makes of it (square, resized, without its
/// metadata such as GPS), and the upload of a member this build hides must not ship at all.
pub fn visible_static<'a>(site: &Site, static_files: &'a [AssetFile]) -> Vec<&'a AssetFile> {
    let root = site.config.root.as_str();
    let photos: std::collections::HashSet<&str> = site
        .community
        .members
        .iter()
        .filter_map(|m| m.photo.as_deref()?.strip_prefix(root))
        .collect();
    static_files
        .iter()
        .filter(|f| !photos.contains(crate::load::slash_path(&f.rel).as_str()))
        .collect()
}

/// Every file beside pages, with whether this build shows it ([`visible_assets`]): links to
/// a hidden one can say why it is missing.
pub fn asset_map(site: &Site, assets: &[AssetFile]) -> HashMap<PathBuf, bool> {
    assets_shown(site, assets)
        .map(|(a, shown)| (a.rel.clone(), shown))
        .collect()
}

fn assets_shown<'a, 's>(
    site: &'s Site,
    assets: &'a [AssetFile],
) -> impl Iterator<Item = (&'a AssetFile, bool)> + use<'a, 's> {
    let mut owners: HashMap<&Path, bool> = HashMap::new();
    let bundles = site.pages.iter().filter_map(|p| {
        let dir = p.bundle_dir.as_deref()?;
        Some((dir, p.hidden.is_none()))
    });
    let sections = site.sections.iter().filter_map(|s| {
        let dir = s.source.as_ref()?.rel.parent()?;
        Some((dir, s.hidden.is_none()))
    });
    for (dir, shown) in bundles.chain(sections) {
        *owners.entry(dir).or_default() |= shown;
    }
    assets.iter().map(move |a| {
        let shown = a
            .rel
            .ancestors()
            .skip(1)
            .find_map(|dir| owners.get(dir).copied())
            .unwrap_or(true);
        (a, shown)
    })
}
