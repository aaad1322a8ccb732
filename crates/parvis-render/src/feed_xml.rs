//! The envelope every feed parvis writes shares, in RSS 2.0 and Atom: title, links, language,
//! generator and newest date around the items each kind of feed builds (the site's sections and
//! terms in `feeds`, the members' posts in `from_community`).

use atom_syndication as atom;

/// What a feed says about itself.
pub(crate) struct Envelope {
    pub title: String,
    pub description: String,
    /// Absolute URL of the page the feed follows.
    pub page: String,
    /// Absolute URL of the Atom feed itself (its id and `rel="self"`).
    pub atom_self: String,
    pub lang: String,
}

/// `rss.xml`: `last_build` is the newest item's RFC 2822 date. The Dublin Core namespace is
/// declared because items name their authors with `dc:creator` (RSS wants an email there).
pub(crate) fn rss(env: Envelope, last_build: Option<String>, items: Vec<rss::Item>) -> String {
    let mut channel = rss::Channel::default();
    channel.set_title(env.title);
    channel.set_link(env.page);
    channel.set_description(env.description);
    channel.set_language(Some(env.lang));
    channel.set_generator(Some(
        concat!("parvis ", env!("CARGO_PKG_VERSION")).to_string(),
    ));
    channel.set_last_build_date(last_build);
    channel.set_namespaces(
        [(
            "dc".to_string(),
            rss::extension::dublincore::NAMESPACE.to_string(),
        )]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>(),
    );
    channel.set_items(items);
    channel.to_string()
}

/// `atom.xml`: `updated` is the newest entry's date.
pub(crate) fn atom(
    env: Envelope,
    updated: Option<atom::FixedDateTime>,
    entries: Vec<atom::Entry>,
) -> String {
    let mut feed = atom::Feed::default();
    feed.set_id(env.atom_self.clone());
    feed.set_title(env.title);
    feed.set_links(vec![
        atom::Link {
            href: env.atom_self,
            rel: "self".into(),
            mime_type: Some("application/atom+xml".into()),
            ..Default::default()
        },
        atom::Link {
            href: env.page,
            rel: "alternate".into(),
            ..Default::default()
        },
    ]);
    if let Some(d) = updated {
        feed.set_updated(d);
    }
    feed.set_lang(Some(env.lang));
    feed.set_generator(Some(atom::Generator {
        value: "parvis".into(),
        uri: None,
        version: Some(env!("CARGO_PKG_VERSION").into()),
    }));
    feed.set_entries(entries);
    feed.to_string()
}
