//! Relay kits: what the circles that relay the brand's news (ambassadors) get on each post
//! and event: a suggested text per network, the page's link tracked per network, and the
//! social card image, each ready to copy.
//!
//! The kit exists only in the builds `relay.audience` in site.yaml allows: this module is the
//! one place that decides it, and it returns nothing for any other build, so no template can
//! leak a kit to the public build.

use parvis_core::model::{Page, SectionKind, Site};
use serde::Serialize;

/// The kit of one page.
#[derive(Debug, Serialize)]
pub struct RelayKit {
    pub networks: Vec<RelayItem>,
    /// Absolute URL of the social card image (the card drawn for the page, else its `image`),
    /// the address to paste into a post.
    pub image: Option<String>,
    /// The same image as this site's pages load it (root-relative when it is on the site), so
    /// that the preview in the kit works wherever the build is served.
    pub image_src: Option<String>,
}

/// What to post on one network.
#[derive(Debug, Serialize)]
pub struct RelayItem {
    /// The id used in links (`linkedin`).
    pub id: String,
    /// As people write it (`LinkedIn`).
    pub name: String,
    /// The suggested text: the page's `relay` text for this network, else its `relay` text
    /// for all, else its description, else its title.
    pub text: String,
    /// The page's address with `utm_source`, `utm_medium` (the network) and `utm_campaign`.
    pub link: String,
}

/// The kit of `page` in the build of `site`, or `None` when this build has no kits or the
/// page is neither a post nor an event. `image` is the absolute URL of the page's social card.
pub fn kit(site: &Site, page: &Page, permalink: &str, image: Option<String>) -> Option<RelayKit> {
    let relay = site.config.relay.as_ref()?;
    if !site.audience.sees(&relay.audience) {
        return None;
    }
    if !matches!(page.kind, SectionKind::Blog | SectionKind::Events) {
        return None;
    }
    use parvis_core::load::frontmatter::RelayText;
    let fallback = page
        .front
        .description
        .clone()
        .unwrap_or_else(|| page.title.clone());
    let networks = relay
        .networks
        .iter()
        .map(|id| {
            let text = match &page.front.relay {
                Some(RelayText::All(t)) => t.clone(),
                Some(RelayText::PerNetwork(map)) => {
                    map.get(id).cloned().unwrap_or_else(|| fallback.clone())
                }
                None => fallback.clone(),
            };
            RelayItem {
                id: id.clone(),
                name: network_name(id),
                text: text.trim().to_string(),
                link: relay.tracked_link(permalink, id, &page.slug),
            }
        })
        .collect();
    let image_src = image.as_ref().map(|url| {
        url.strip_prefix(site.config.base_url.trim_end_matches('/'))
            .filter(|rest| rest.starts_with('/'))
            .map(|rest| format!("{}{}", site.config.root.trim_end_matches('/'), rest))
            .unwrap_or_else(|| url.clone())
    });
    Some(RelayKit {
        networks,
        image,
        image_src,
    })
}

/// The network's name as its users write it; an id parvis does not know is capitalised.
fn network_name(id: &str) -> String {
    let known = [
        ("linkedin", "LinkedIn"),
        ("mastodon", "Mastodon"),
        ("bluesky", "Bluesky"),
        ("x", "X"),
        ("twitter", "X (Twitter)"),
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("threads", "Threads"),
        ("youtube", "YouTube"),
        ("tiktok", "TikTok"),
        ("whatsapp", "WhatsApp"),
        ("slack", "Slack"),
        ("discord", "Discord"),
        ("newsletter", "Newsletter"),
    ];
    match known.iter().find(|(k, _)| *k == id) {
        Some((_, name)) => (*name).to_string(),
        None => {
            let mut c = id.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn networks_are_named_as_their_users_write_them() {
        assert_eq!(super::network_name("linkedin"), "LinkedIn");
        assert_eq!(super::network_name("peertube"), "Peertube");
    }
}
