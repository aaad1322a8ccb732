//! Reading a feed's bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed) with `feed-rs`, into entries
//! still unsanitised: what each format calls a title, a link, a date, a summary and an author.

use feed_rs::model::{Entry, Text};
use jiff::Timestamp;

/// One entry as the feed wrote it; every string is untrusted.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntry {
    pub title: Option<Markup>,
    pub link: Option<String>,
    pub date: Option<Timestamp>,
    /// The summary, or failing one the content (cut short later).
    pub summary: Option<Markup>,
    /// Whether `summary` is the whole content rather than a summary.
    pub summary_is_content: bool,
    pub author: Option<String>,
}

/// Text from a feed, HTML or plain.
#[derive(Debug, Clone, PartialEq)]
pub struct Markup {
    pub text: String,
    pub html: bool,
}

/// Why a feed's bytes are not a feed.
#[derive(Debug, PartialEq)]
pub struct InvalidFeed(pub String);

impl std::fmt::Display for InvalidFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid feed: {}", self.0)
    }
}

/// The entries of `bytes`, in feed order; `url` resolves relative links.
pub fn parse(bytes: &[u8], url: &str) -> Result<Vec<RawEntry>, InvalidFeed> {
    let parser = feed_rs::parser::Builder::new().base_uri(Some(url)).build();
    let feed = parser.parse(bytes).map_err(|e| InvalidFeed(reason(&e)))?;
    Ok(feed.entries.into_iter().map(entry).collect())
}

fn reason(e: &feed_rs::parser::ParseFeedError) -> String {
    use feed_rs::parser::ParseFeedError as E;
    match e {
        E::ParseError(kind) => format!("{kind:?}").to_lowercase(),
        E::XmlReader(x) => format!("invalid XML ({x})"),
        E::JsonSerde(j) => format!("invalid JSON ({j})"),
        E::JsonUnsupportedVersion(v) => format!("unsupported JSON Feed version {v}"),
        E::IoError(io) => io.to_string(),
    }
}

fn markup(t: Text) -> Markup {
    Markup {
        html: is_html(&t.content_type),
        text: t.content,
    }
}

/// Whether a media type (`text/html`, `application/xhtml+xml`) is HTML.
fn is_html(t: &impl std::fmt::Display) -> bool {
    t.to_string().contains("html")
}

fn entry(e: Entry) -> RawEntry {
    // The page of the post: the alternate link, else the first one.
    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(e.links.first())
        .map(|l| l.href.clone());
    let date = e
        .published
        .or(e.updated)
        .and_then(|d| Timestamp::from_second(d.timestamp()).ok());
    let (summary, summary_is_content) = match (e.summary, e.content) {
        (Some(s), _) if !s.content.trim().is_empty() => (Some(markup(s)), false),
        (_, Some(c)) => (
            c.body.map(|text| Markup {
                html: is_html(&c.content_type) || c.content_type.to_string().is_empty(),
                text,
            }),
            true,
        ),
        _ => (None, false),
    };
    RawEntry {
        title: e.title.map(markup),
        link,
        date,
        summary,
        summary_is_content,
        author: e.authors.into_iter().find_map(person_name),
    }
}

/// A person's name. RSS writes `<author>email (Name)</author>`, which feed-rs keeps as the
/// email of a person named after the element: the name is then the part in brackets, and an
/// address alone is no name (nor shown: it would only feed spam harvesters).
fn person_name(p: feed_rs::model::Person) -> Option<String> {
    if let Some(email) = &p.email {
        let bracketed = email
            .find('(')
            .zip(email.rfind(')'))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| email[a + 1..b].trim().to_string());
        return bracketed.filter(|n| !n.is_empty());
    }
    Some(p.name).filter(|n| !n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_atom_and_json_feed_give_the_same_entry() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>B</title><link>https://b.example/</link><description>d</description>
<item><title>Hello &amp; welcome</title><link>https://b.example/hello</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate><description>&lt;p&gt;Hi&lt;/p&gt;</description><author>ana@b.example (Ana)</author></item></channel></rss>"#;
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><id>urn:b</id><updated>2026-03-02T10:00:00Z</updated>
<entry><title>Hello &amp; welcome</title><id>urn:1</id><link rel="alternate" href="/hello"/><published>2026-03-02T10:00:00Z</published><updated>2026-03-03T10:00:00Z</updated><summary type="html">&lt;p&gt;Hi&lt;/p&gt;</summary><author><name>Ana</name></author></entry></feed>"#;
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"B","items":[{"id":"1","url":"https://b.example/hello","title":"Hello & welcome","summary":"Hi","date_published":"2026-03-02T10:00:00Z","authors":[{"name":"Ana"}]}]}"#;
        for (name, text) in [("rss", rss), ("atom", atom), ("json", json)] {
            let entries = parse(text.as_bytes(), "https://b.example/feed").unwrap();
            assert_eq!(entries.len(), 1, "{name}");
            let e = &entries[0];
            assert_eq!(e.title.as_ref().unwrap().text, "Hello & welcome", "{name}");
            assert_eq!(e.link.as_deref(), Some("https://b.example/hello"), "{name}");
            assert_eq!(
                e.date,
                Some("2026-03-02T10:00:00Z".parse().unwrap()),
                "{name}"
            );
            assert!(e.summary.as_ref().unwrap().text.contains("Hi"), "{name}");
            assert_eq!(e.author.as_deref(), Some("Ana"), "{name}");
        }
    }

    #[test]
    fn broken_xml_is_an_invalid_feed() {
        let e = parse(b"<rss><channel><item><title>x</ti", "https://b.example/").unwrap_err();
        assert!(e.to_string().starts_with("invalid feed"), "{e}");
    }
}
