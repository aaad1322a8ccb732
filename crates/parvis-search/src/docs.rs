//! What gets indexed: every page, section, member and community the build's audience may see,
//! turned into plain fields (title, headings, tags, description, body), excerpt sections with
//! their heading anchors, and facet values.
//!
//! Reads the filtered model only, so an item hidden from the audience never reaches the index.
//! Member data goes in as text (names, headline, expertise, bio); private fields (email, notes,
//! leader scores) are never read here.

use parvis_core::model::{Section, Site};
use rayon::prelude::*;
use serde::Serialize;

/// One searchable item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Stable identity across rebuilds: the content path, or `member:id`, `community:id`.
    pub key: String,
    pub url: String,
    pub title: String,
    /// `blog`, `docs`, `careers`, `events`, `page`, `member`, `community`…
    pub kind: String,
    pub lang: String,
    /// `YYYY-MM-DD`, for posts and events.
    pub date: Option<String>,
    pub description: String,
    pub headings: Vec<String>,
    pub tags: Vec<String>,
    /// The text, by heading: what is indexed as the body, and where excerpts come from.
    pub sections: Vec<ExcerptSection>,
    /// (facet, value) pairs.
    pub facets: Vec<(String, String)>,
}

impl Doc {
    /// What an index that is only exported keeps of this document once it is analysed and its
    /// file made: its key and URL, which name it, and its facets, which the export lists. The
    /// rest (text, title, description, tags) is in the document's file already: kept, it was
    /// 50 MB more at the build's peak at 100,000 pages.
    pub fn exported_only(self) -> Doc {
        Doc {
            key: self.key,
            url: self.url,
            facets: self.facets,
            ..Doc::default()
        }
    }
}

/// A stretch of text under one heading, for excerpts that link to the nearest heading.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExcerptSection {
    /// Heading id (`""` before the first heading).
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

/// Something of the site that may become a document.
#[derive(Debug, Clone, Copy)]
enum Item {
    Page(usize),
    Section(usize),
    Member(usize),
    Community(usize),
}

/// The documents of a filtered site, sorted by URL so doc ids follow the site's structure (and
/// facet lists compress well).
pub fn collect(site: &Site) -> Vec<Doc> {
    let mut docs = Documents::new(site);
    let mut all = Vec::new();
    while let Some(chunk) = docs.next_chunk(usize::MAX) {
        all.extend(chunk);
    }
    all
}

/// The documents of a filtered site in doc-id order, made a chunk at a time: the index
/// analyses one chunk while the next is made, so that the text of every page is never held
/// at once.
pub struct Documents<'a> {
    site: &'a Site,
    /// What may become a document, in doc-id order.
    items: Vec<Item>,
    /// The first item of the next chunk.
    next: usize,
}

impl<'a> Documents<'a> {
    /// Sorts what may become a document by URL, then key (cheap: no text is read yet).
    pub fn new(site: &'a Site) -> Documents<'a> {
        let key = |rel: &std::path::Path| parvis_core::load::slash_path(rel);
        let mut items: Vec<(&str, String, Item)> = Vec::new();
        for (i, page) in site.pages.iter().enumerate() {
            items.push((&page.url, key(&page.source.rel), Item::Page(i)));
        }
        for (i, section) in site.sections.iter().enumerate() {
            if let Some(source) = &section.source {
                items.push((&section.url, key(&source.rel), Item::Section(i)));
            }
        }
        for (i, m) in site.community.members.iter().enumerate() {
            if site.member_visible.get(i).copied().unwrap_or(false) {
                items.push((&m.url, format!("member:{}", m.id), Item::Member(i)));
            }
        }
        for (i, c) in site.community.communities.iter().enumerate() {
            if site.community_visible[i] {
                items.push((&c.url, format!("community:{}", c.id), Item::Community(i)));
            }
        }
        items.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(&b.1)));
        Documents {
            site,
            items: items.into_iter().map(|(_, _, item)| item).collect(),
            next: 0,
        }
    }

    /// The documents of the next `n` items (fewer: some items are not searchable), made on
    /// every core; `None` once every item is made.
    pub fn next_chunk(&mut self, n: usize) -> Option<Vec<Doc>> {
        if self.next >= self.items.len() {
            return None;
        }
        let end = self.next.saturating_add(n).min(self.items.len());
        let chunk = &self.items[self.next..end];
        self.next = end;
        // Reading the HTML back into text is most of the work here: one item per core.
        Some(
            chunk
                .par_iter()
                .filter_map(|&item| self.make(item))
                .collect(),
        )
    }

    fn make(&self, item: Item) -> Option<Doc> {
        let site = self.site;
        let mut doc = match item {
            Item::Page(i) => page_doc(site, i),
            Item::Section(i) => section_doc(&site.sections[i]),
            Item::Member(i) => member_doc(site, i),
            Item::Community(i) => community_doc(site, i),
        }?;
        // A `lang` facet on a site in several languages: search defaults to the page's
        // language.
        if site.config.languages.len() > 1 && !doc.facets.iter().any(|(f, _)| f == "lang") {
            doc.facets.push(("lang".into(), doc.lang.clone()));
        }
        Some(doc)
    }
}

/// The document of member `i` (visible to the build's audience).
fn member_doc(site: &Site, i: usize) -> Option<Doc> {
    let m = &site.community.members[i];
    let bio = m.bio_html.as_deref().unwrap_or("");
    let (mut sections, _) = html_sections(bio);
    let details: Vec<&str> = [&m.company, &m.team, &m.location]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !details.is_empty() {
        sections.push(ExcerptSection {
            text: details.join(" · "),
            ..ExcerptSection::default()
        });
    }
    let mut facets = vec![("kind".to_string(), "member".to_string())];
    facets.extend(m.roles.iter().map(|r| ("role".into(), r.to_string())));
    for c in &m.communities {
        if let Some(ci) = site.community.communities.iter().position(|x| &x.id == c) {
            if site.community_visible[ci] {
                facets.push((
                    "community".into(),
                    site.community.communities[ci].name.clone(),
                ));
            }
        }
    }
    Some(Doc {
        key: format!("member:{}", m.id),
        url: m.url.clone(),
        title: m.name.clone(),
        kind: "member".into(),
        lang: site.config.language.clone(),
        date: None,
        description: m.headline.clone().unwrap_or_default(),
        headings: Vec::new(),
        tags: m.expertise.clone(),
        sections,
        facets,
    })
}

/// The document of community `i` (visible to the build's audience).
fn community_doc(site: &Site, i: usize) -> Option<Doc> {
    let c = &site.community.communities[i];
    let description = c.description.clone().unwrap_or_default();
    let mut facets = vec![
        ("kind".to_string(), "community".to_string()),
        ("community".to_string(), c.name.clone()),
    ];
    facets.extend(c.themes.iter().map(|t| ("themes".into(), t.clone())));
    Some(Doc {
        key: format!("community:{}", c.id),
        url: c.url.clone(),
        title: c.name.clone(),
        kind: "community".into(),
        lang: site.config.language.clone(),
        date: None,
        sections: vec![ExcerptSection {
            text: description.clone(),
            ..ExcerptSection::default()
        }],
        description,
        headings: Vec::new(),
        tags: c.themes.clone(),
        facets,
    })
}

/// The document of a section's own text, when it shows one to the build's audience.
fn section_doc(section: &Section) -> Option<Doc> {
    if section.hidden.is_some() {
        return None;
    }
    let source = section.source.as_ref()?;
    let html = section.rendered.as_ref().map(|r| r.html.text());
    let (sections, headings) = html_sections(html.as_deref().unwrap_or(""));
    if sections.iter().all(|s| s.text.trim().is_empty()) && section.front.description.is_none() {
        return None;
    }
    Some(Doc {
        key: parvis_core::load::slash_path(&source.rel),
        url: section.url.clone(),
        title: section.title.clone(),
        kind: section.kind.to_string(),
        lang: section.lang.clone(),
        date: None,
        description: section.front.description.clone().unwrap_or_default(),
        headings,
        tags: Vec::new(),
        sections,
        facets: vec![("kind".into(), section.kind.to_string())],
    })
}

/// The document of page `i`, when the build shows it in search.
pub fn page_doc(site: &Site, i: usize) -> Option<Doc> {
    let page = &site.pages[i];
    if page.hidden.is_some()
        || site.sections[page.section].hidden.is_some()
        || page.job_closed(site.now)
    {
        return None;
    }
    let html = page.rendered.as_ref().map(|r| r.html.text());
    let (sections, headings) = html_sections(html.as_deref().unwrap_or(""));
    let mut facets = vec![("kind".to_string(), page.kind.to_string())];
    facets.extend(page.front.tags.iter().map(|t| ("tags".into(), t.clone())));
    facets.extend(
        page.front
            .themes
            .iter()
            .map(|t| ("themes".into(), t.clone())),
    );
    let mut date = page.date.map(|d| d.day().to_string());
    if let Some(job) = &page.job {
        facets.extend(job.team.iter().map(|t| ("team".into(), t.clone())));
        facets.extend(job.locations.iter().map(|l| ("location".into(), l.clone())));
        facets.push(("remote".into(), job.remote.clone()));
    }
    if let Some(event) = &page.event {
        let upcoming = event.end.as_ref().unwrap_or(&event.start).timestamp() >= site.now;
        facets.push((
            "event".into(),
            if upcoming { "upcoming" } else { "past" }.into(),
        ));
        let day = event.start.date();
        facets.push((
            "month".into(),
            format!("{:04}-{:02}", day.year(), day.month()),
        ));
        date = Some(day.to_string());
    }
    let mut tags = page.front.tags.clone();
    tags.extend(page.front.themes.iter().cloned());
    if site.config.languages.len() > 1 {
        facets.push(("lang".into(), page.lang.clone()));
    }
    Some(Doc {
        key: parvis_core::load::slash_path(&page.source.rel),
        url: page.url.clone(),
        title: page.title.clone(),
        kind: page.kind.to_string(),
        lang: page.lang.clone(),
        date,
        description: page.front.description.clone().unwrap_or_default(),
        headings,
        tags,
        sections,
        facets,
    })
}

/// Splits rendered HTML into text sections at headings that have an id, and returns the
/// heading texts. The HTML is the generator's own (Markdown output, sanitised bios), so a
/// small tag scanner is enough: scripts and styles are skipped, entities decoded, block
/// boundaries become spaces.
pub fn html_sections(html: &str) -> (Vec<ExcerptSection>, Vec<String>) {
    let mut sections = vec![ExcerptSection::default()];
    let mut headings = Vec::new();
    let mut in_heading: Option<(String, String)> = None;
    let mut skip_until: Option<&'static str> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut sections, &mut in_heading, skip_until.is_some(), rest);
            break;
        };
        push_text(
            &mut sections,
            &mut in_heading,
            skip_until.is_some(),
            &rest[..lt],
        );
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else {
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        // The tag's name, lowercased without allocating (highlighted code has a tag every few
        // words). The names this looks for are short; a longer one is none of them.
        let bare = tag.trim_start_matches('/').as_bytes();
        let len = bare
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let mut lower = [0u8; 8];
        let name = match lower.get_mut(..len) {
            Some(buf) => {
                buf.copy_from_slice(&bare[..len]);
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).unwrap_or_default()
            }
            None => "",
        };
        let closing = tag.starts_with('/');
        if let Some(end) = skip_until {
            if closing && name == end {
                skip_until = None;
            }
            continue;
        }
        match name {
            "script" | "style" | "template" | "button" if !closing => {
                skip_until = Some(match name {
                    "script" => "script",
                    "style" => "style",
                    "button" => "button",
                    _ => "template",
                });
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if closing {
                    if let Some((id, text)) = in_heading.take() {
                        let text = squash(&text);
                        headings.push(text.clone());
                        if id.is_empty() {
                            push_text(&mut sections, &mut None, false, &format!(" {text} "));
                        } else {
                            sections.push(ExcerptSection {
                                anchor: id,
                                heading: text,
                                text: String::new(),
                            });
                        }
                    }
                } else {
                    in_heading = Some((attr(tag, "id").unwrap_or_default(), String::new()));
                }
            }
            _ => {
                let target = match in_heading.as_mut() {
                    Some((_, t)) => t,
                    None => &mut sections.last_mut().expect("one section").text,
                };
                if !target.ends_with(' ') && !is_inline(name) {
                    target.push(' ');
                }
            }
        }
    }
    for s in &mut sections {
        s.text = squash(&s.text);
    }
    sections.retain(|s| !s.text.is_empty() || !s.heading.is_empty());
    (sections, headings)
}

fn push_text(
    sections: &mut [ExcerptSection],
    in_heading: &mut Option<(String, String)>,
    skipping: bool,
    raw: &str,
) {
    if skipping || raw.is_empty() {
        return;
    }
    let target = match in_heading {
        Some((_, t)) => t,
        None => &mut sections.last_mut().expect("one section").text,
    };
    decode_entities_to(raw, target);
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "em"
            | "strong"
            | "code"
            | "span"
            | "b"
            | "i"
            | "mark"
            | "abbr"
            | "sub"
            | "sup"
            | "small"
            | "del"
            | "ins"
            | "kbd"
            | "s"
            | "u"
            | "q"
            | "cite"
            | "time"
    )
}

/// The value of attribute `name` in a tag's inside, when quoted with `"`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    let mut value = String::new();
    decode_entities_to(&tag[start..end], &mut value);
    Some(value)
}

/// Collapses runs of whitespace to one space.
///
/// In one pass with [`parvis_core::text::words`]: splitting into a `Vec` of words to join
/// them again took a tenth of the search stage.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in parvis_core::text::words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Appends the text of rendered HTML to `out`. The markup is our renderer's, but the text is
/// the author's, in any script and with any entity: `html-escape` knows the whole HTML5
/// table and never cuts a character in two.
fn decode_entities_to(s: &str, out: &mut String) {
    html_escape::decode_html_entities_to_string(s, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_headings_and_skip_scripts() {
        let html = "<p>Intro &amp; <em>more</em></p><h2 id=\"regles\">Règles de\nmodération</h2>\
                    <p>Soyez <a href=\"x\">gentils</a>.</p><script>alert(1)</script><ul><li>un</li><li>deux</li></ul>";
        let (sections, headings) = html_sections(html);
        assert_eq!(headings, ["Règles de modération"]);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].text, "Intro & more");
        assert_eq!(sections[1].anchor, "regles");
        assert_eq!(sections[1].text, "Soyez gentils. un deux");
    }

    #[test]
    fn squash_joins_the_words_with_one_space() {
        // Which characters are white space is `parvis_core::text::words`'s, tested there.
        assert_eq!(squash("  un\t deux\u{a0}\n trois  "), "un deux trois");
        assert_eq!(squash(" \n "), "");
    }
}
