//! What templates see: the model turned into plain values, as documented in
//! `themes/default/README.md`. Only visible items are ever put here.

use parvis_core::config::Audience;
use parvis_core::model::media::Picture;
use parvis_core::model::rendered::TocEntry;
use parvis_core::model::taxonomy::{self, values};
use parvis_core::model::{Page, Section, SectionKind, Site};

use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

#[derive(Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct TermRef {
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct Translation<'a> {
    pub lang: &'a str,
    pub url: &'a str,
    pub permalink: String,
}

#[derive(Serialize)]
pub struct PageCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub draft: bool,
    pub audience: &'a Audience,
    pub kind: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub path: String,
    pub slug: &'a str,
    pub lang: &'a str,
    pub translations: Vec<Translation<'a>>,
    pub authors: &'a [String],
    pub tags: Vec<TermRef>,
    pub themes: Vec<TermRef>,
    pub weight: Option<i64>,
    pub image: Option<&'a str>,
    /// Absolute URL of `image`, for OpenGraph.
    pub image_permalink: Option<String>,
    pub extra: &'a Value,
    /// Unpacked for this page when the build holds bodies packed.
    pub content: Cow<'a, str>,
    pub summary: Option<&'a str>,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub ancestors: Vec<Link<'a>>,
    pub event: Option<EventCtx>,
    pub job: Option<JobCtx>,
    /// Previous and next pages of the section, in its order (docs reading order).
    pub previous: Option<Link<'a>>,
    pub next: Option<Link<'a>>,
    /// Set when this build shows the page before a wider circle may see it.
    pub preview: Option<PreviewCtx>,
    /// The relay kit, in the builds site.yaml gives one to (posts and events only).
    pub relay: Option<crate::relay::RelayKit>,
}

/// A page shown ahead of a wider circle: which one, and when it opens to it.
#[derive(Serialize)]
pub struct PreviewCtx {
    pub audience: String,
    /// `YYYY-MM-DD`, or RFC 3339.
    pub date: String,
    /// In the page's language: "17 January 2027".
    pub date_display: String,
}

#[derive(Serialize)]
pub struct EventCtx {
    /// RFC 3339 with the event's offset.
    pub start: String,
    pub end: Option<String>,
    /// "21 January 2027, 14:00 (Europe/Paris)".
    pub start_display: String,
    pub end_display: Option<String>,
    pub timezone: String,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub registration_url: Option<String>,
    pub recurrence: Option<String>,
    /// The rule in the page's language: "Every 3 months, 4 times".
    pub recurrence_text: Option<String>,
    /// The next occurrences from now (at most 3), as `start_display` shows them.
    pub next_dates: Vec<String>,
    pub status: String,
    pub upcoming: bool,
    /// The event's calendar file.
    pub ics_url: String,
}

#[derive(Serialize)]
pub struct SalaryCtx {
    pub currency: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: String,
    /// The range as readers of the page's language write it: "€65,000–€85,000 a year".
    pub display: String,
}

#[derive(Serialize)]
pub struct JobCtx {
    pub team: Option<String>,
    pub locations: Vec<String>,
    pub remote: String,
    pub employment_type: String,
    pub salary: Option<SalaryCtx>,
    pub valid_through: Option<String>,
    pub valid_through_display: Option<String>,
    pub closed: bool,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
}

/// A page as listed in a section, a taxonomy term or the home page.
#[derive(Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub description: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub tags: Vec<TermRef>,
    pub themes: Vec<TermRef>,
    pub authors: &'a [String],
    pub reading_time: usize,
    pub draft: bool,
    pub image: Option<&'a str>,
    /// `image` as a root-relative URL (or the URL written).
    pub image_url: Option<String>,
    /// `image` processed for cards (`src`, `srcset`, `webp_srcset`, `width`, `height`),
    /// when it is a picture of the site.
    pub cover: Option<&'a Picture>,
    pub extra: &'a Value,
    pub lang: &'a str,
    pub kind: &'a str,
    pub event: Option<EventCtx>,
    pub job: Option<JobCtx>,
    /// As on [`PageCtx`]: lists mark a page shown ahead of a wider circle too.
    pub preview: Option<PreviewCtx>,
}

#[derive(Serialize)]
pub struct Subsection<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub description: Option<&'a str>,
    /// Its front matter's `image` as a URL, for cards.
    pub image_url: Option<String>,
    /// As on [`PageSummary`].
    pub cover: Option<&'a Picture>,
    pub kind: &'a str,
    pub page_count: usize,
}

#[derive(Serialize)]
pub struct SectionCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub kind: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub path: String,
    pub lang: &'a str,
    /// Its front matter's `image` as a URL (the home page's hero picture).
    pub image_url: Option<String>,
    /// As on [`PageSummary`].
    pub cover: Option<&'a Picture>,
    /// The same section in every language it has, this one included (none when one only).
    pub translations: Vec<Translation<'a>>,
    pub content: Cow<'a, str>,
    pub extra: &'a Value,
    pub ancestors: Vec<Link<'a>>,
    pub subsections: Vec<Subsection<'a>>,
    pub pages: Vec<PageSummary<'a>>,
    pub page_count: usize,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PagerLink>,
}

/// URL of pagination page `n` (1-based) of a list at `base`.
pub fn pager_url(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

impl Paginator {
    /// `None` when everything fits on one page.
    pub fn new(base: &str, current: usize, total: usize) -> Option<Paginator> {
        (total > 1).then(|| Paginator {
            current,
            total,
            previous_url: (current > 1).then(|| pager_url(base, current - 1)),
            next_url: (current < total).then(|| pager_url(base, current + 1)),
            pages: (1..=total)
                .map(|n| PagerLink {
                    number: n,
                    url: pager_url(base, n),
                    current: n == current,
                })
                .collect(),
        })
    }
}

static NULL: Value = Value::Null;

/// Shared lookups, computed once per build.
pub struct Lookups<'a> {
    pub site: &'a Site,
    /// Position of each listed page in its section's order, by page.
    positions: Vec<Option<usize>>,
    translations: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
    /// Visible sections by folder, in each language.
    section_translations: HashMap<&'a std::path::Path, Vec<(&'a str, &'a str)>>,
    /// Taxonomy lists and terms in each language.
    taxonomy_translations: HashMap<taxonomy::Key<'a>, Vec<(&'a str, &'a str)>>,
    /// The slug of every tag and theme: pages share a few, and slugs are slow to make.
    slugs: HashMap<&'a str, String>,
}

impl<'a> Lookups<'a> {
    pub fn new(site: &'a Site) -> Lookups<'a> {
        let mut translations: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
        for (_, p) in site.visible_pages() {
            translations
                .entry(p.translation_key.as_str())
                .or_default()
                .push((p.lang.as_str(), p.url.as_str()));
        }
        for list in translations.values_mut() {
            list.sort();
        }
        let mut section_translations: HashMap<&std::path::Path, Vec<(&str, &str)>> = HashMap::new();
        for (_, s) in site.visible_sections() {
            section_translations
                .entry(s.dir.as_path())
                .or_default()
                .push((s.lang.as_str(), s.url.as_str()));
        }
        for list in section_translations.values_mut() {
            list.sort();
        }
        let mut positions = vec![None; site.pages.len()];
        for s in &site.sections {
            for (pos, &i) in s.pages.iter().enumerate() {
                positions[i] = Some(pos);
            }
        }
        let mut slugs = HashMap::new();
        for (_, p) in site.visible_pages() {
            for v in p.front.tags.iter().chain(&p.front.themes) {
                slugs
                    .entry(v.as_str())
                    .or_insert_with(|| parvis_core::text::slugify(v));
            }
        }
        Lookups {
            site,
            positions,
            translations,
            section_translations,
            taxonomy_translations: taxonomy::translations(&site.taxonomies),
            slugs,
        }
    }

    pub fn permalink(&self, url: &str) -> String {
        self.site.config.permalink(url)
    }

    /// The URL of the front matter `image` of the page or section at `url`, where the image
    /// stage found it ([`parvis_core::model::media::Media::images`]).
    fn image_url(&self, url: &str) -> Option<String> {
        self.site.media.images.get(url).cloned()
    }

    /// The processed cover of the picture at `url`.
    fn cover(&self, url: Option<String>) -> Option<&'a Picture> {
        self.site.media.covers.get(&url?)
    }

    fn terms(&self, page: &Page, taxonomy: &str) -> Vec<TermRef> {
        if !self.site.config.taxonomies.iter().any(|t| t == taxonomy) {
            return Vec::new();
        }
        values(page, taxonomy)
            .iter()
            .filter_map(|v| {
                let slug = self
                    .slugs
                    .get(v.as_str())
                    .cloned()
                    .unwrap_or_else(|| parvis_core::text::slugify(v));
                (!slug.is_empty()).then(|| TermRef {
                    name: v.clone(),
                    url: format!(
                        "{}{slug}/",
                        taxonomy::url(&self.site.config, taxonomy, &page.lang)
                    ),
                })
            })
            .collect()
    }

    /// Visible sections from the home page down to `section`.
    pub fn ancestors(&self, section: usize) -> Vec<Link<'a>> {
        self.site
            .ancestors(section)
            .into_iter()
            .map(|i| &self.site.sections[i])
            .filter(|s| s.hidden.is_none())
            .map(|s| Link {
                title: &s.title,
                url: &s.url,
            })
            .collect()
    }

    /// Page `i` in every language it has (none when one only).
    pub fn page_translations(&self, i: usize) -> Vec<Translation<'a>> {
        let p = &self.site.pages[i];
        self.translation_list(self.translations.get(p.translation_key.as_str()))
    }

    /// Section `i` in every language it has (none when one only).
    pub fn section_translations(&self, i: usize) -> Vec<Translation<'a>> {
        let s = &self.site.sections[i];
        self.translation_list(self.section_translations.get(s.dir.as_path()))
    }

    /// Taxonomy `t`'s list of terms in every language it has (none when one only).
    pub fn taxonomy_translations(&self, t: usize) -> Vec<Translation<'a>> {
        let tax = &self.site.taxonomies[t];
        self.translation_list(self.taxonomy_translations.get(&taxonomy::Key {
            taxonomy: &tax.name,
            term: None,
        }))
    }

    /// Term `k` of taxonomy `t` in every language it has (none when one only).
    pub fn term_translations(&self, t: usize, k: usize) -> Vec<Translation<'a>> {
        let tax = &self.site.taxonomies[t];
        self.translation_list(self.taxonomy_translations.get(&taxonomy::Key {
            taxonomy: &tax.name,
            term: Some(&tax.terms[k].slug),
        }))
    }

    /// A list of translations, when there are two or more.
    fn translation_list(&self, list: Option<&Vec<(&'a str, &'a str)>>) -> Vec<Translation<'a>> {
        list.filter(|l| l.len() > 1)
            .map(|l| {
                l.iter()
                    .map(|&(lang, url)| Translation {
                        lang,
                        url,
                        permalink: self.permalink(url),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn page(&self, i: usize) -> PageCtx<'a> {
        let p = &self.site.pages[i];
        let r = p.rendered.as_ref();
        let words = r.map_or(0, |r| r.word_count);
        let translations = self.translation_list(self.translations.get(p.translation_key.as_str()));
        let permalink = self.permalink(&p.url);
        let image_permalink = self.image_url(&p.url).map(|u| {
            if u.contains("://") {
                u
            } else {
                self.permalink(&u)
            }
        });
        PageCtx {
            // The kit offers the page's social card (its own, drawn at build time), else its image.
            relay: crate::relay::kit(
                self.site,
                p,
                &permalink,
                self.site
                    .media
                    .cards
                    .get(&p.url)
                    .map(|c| c.url.clone())
                    .or_else(|| image_permalink.clone()),
            ),
            preview: self.preview(p),
            title: &p.title,
            description: p.front.description.as_deref(),
            date: p.date.map(|d| d.iso()),
            date_display: p.date.map(|d| d.display(&p.lang)),
            updated: p.updated.map(|d| d.iso()),
            updated_display: p.updated.map(|d| d.display(&p.lang)),
            draft: p.front.draft,
            audience: &p.audience,
            kind: p.kind.as_str(),
            url: &p.url,
            permalink,
            path: parvis_core::load::slash_path(&p.source.rel),
            slug: &p.slug,
            lang: &p.lang,
            translations,
            authors: &p.front.authors,
            tags: self.terms(p, "tags"),
            themes: self.terms(p, "themes"),
            weight: p.front.weight,
            image: p.front.image.as_deref(),
            image_permalink,
            extra: p.front.extra.as_ref().unwrap_or(&NULL),
            content: r.map_or(Cow::Borrowed(""), |r| r.html.text()),
            summary: r.and_then(|r| r.summary.as_deref()),
            toc: r.map_or(&[], |r| r.toc.as_slice()),
            word_count: words,
            reading_time: reading_time(words),
            ancestors: self.ancestors(p.section),
            event: self.event(p),
            job: self.job(p),
            previous: self.neighbour(i, -1),
            next: self.neighbour(i, 1),
        }
    }

    /// The wider circle this build shows page `p` ahead of, and when it opens to it.
    fn preview(&self, p: &Page) -> Option<PreviewCtx> {
        let (audience, date) = p.preview(&self.site.audience, self.site.now)?;
        Some(PreviewCtx {
            audience: audience.to_string(),
            date: date.iso(),
            date_display: date.display(&p.lang),
        })
    }

    /// The page before or after `i` in its section's order.
    fn neighbour(&self, i: usize, step: isize) -> Option<Link<'a>> {
        let p = &self.site.pages[i];
        let list = &self.site.sections[p.section].pages;
        let pos = self.positions[i]?;
        let j = pos.checked_add_signed(step)?;
        list.get(j).map(|&k| {
            let q = &self.site.pages[k];
            Link {
                title: &q.title,
                url: &q.url,
            }
        })
    }

    fn event(&self, p: &Page) -> Option<EventCtx> {
        let e = p.event.as_ref()?;
        let lang = p.lang.as_str();
        let show = |z: &jiff::Zoned| {
            let day = parvis_core::date::DateValue::Day(z.date()).display(lang);
            format!("{day}, {}", z.strftime("%H:%M"))
        };
        Some(EventCtx {
            start: e.start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            end: e
                .end
                .as_ref()
                .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
            start_display: format!("{} ({})", show(&e.start), e.timezone),
            end_display: e.end.as_ref().map(show),
            timezone: e.timezone.clone(),
            location: e.location.clone(),
            online_url: e.online_url.clone(),
            registration_url: e.registration_url.clone(),
            recurrence: e.rrule.as_ref().map(ToString::to_string),
            recurrence_text: e.rrule.as_ref().map(|r| r.describe(lang)),
            next_dates: e
                .rrule
                .as_ref()
                .map(|r| {
                    r.next(self.site.now, 3)
                        .into_iter()
                        .map(|t| show(&t.to_zoned(e.start.time_zone().clone())))
                        .collect()
                })
                .unwrap_or_default(),
            status: e.status.clone(),
            upcoming: e.end.as_ref().unwrap_or(&e.start).timestamp() >= self.site.now,
            ics_url: format!("{}event.ics", p.url),
        })
    }

    fn job(&self, p: &Page) -> Option<JobCtx> {
        let j = p.job.as_ref()?;
        Some(JobCtx {
            team: j.team.clone(),
            locations: j.locations.clone(),
            remote: j.remote.clone(),
            employment_type: j.employment_type.clone(),
            salary: j.salary.as_ref().map(|s| SalaryCtx {
                currency: s.currency.clone(),
                min: s.min,
                max: s.max,
                unit: s.unit.clone(),
                display: crate::money::salary(s.min, s.max, &s.currency, &s.unit, &p.lang),
            }),
            valid_through: j.valid_through.map(|d| d.iso()),
            valid_through_display: j.valid_through.map(|d| d.display(&p.lang)),
            closed: p.job_closed(self.site.now),
            apply_url: j.apply_url.clone(),
            apply_email: j.apply_email.clone(),
        })
    }

    pub fn summary(&self, i: usize) -> PageSummary<'a> {
        let p = &self.site.pages[i];
        let r = p.rendered.as_ref();
        PageSummary {
            title: &p.title,
            url: &p.url,
            permalink: self.permalink(&p.url),
            date: p.date.map(|d| d.iso()),
            date_display: p.date.map(|d| d.display(&p.lang)),
            description: p.front.description.as_deref(),
            summary: r.and_then(|r| r.summary.as_deref()),
            tags: self.terms(p, "tags"),
            themes: self.terms(p, "themes"),
            authors: &p.front.authors,
            reading_time: reading_time(r.map_or(0, |r| r.word_count)),
            draft: p.front.draft,
            image: p.front.image.as_deref(),
            image_url: self.image_url(&p.url),
            cover: self.cover(self.image_url(&p.url)),
            extra: p.front.extra.as_ref().unwrap_or(&NULL),
            lang: &p.lang,
            kind: p.kind.as_str(),
            event: self.event(p),
            job: self.job(p),
            preview: self.preview(p),
        }
    }

    /// Section `i` with the pages of one pagination page.
    pub fn section(&self, i: usize, pages: &[usize]) -> SectionCtx<'a> {
        let s: &'a Section = &self.site.sections[i];
        SectionCtx {
            title: &s.title,
            description: s.front.description.as_deref(),
            kind: s.kind.as_str(),
            url: &s.url,
            permalink: self.permalink(&s.url),
            path: s
                .source
                .as_ref()
                .map(|src| parvis_core::load::slash_path(&src.rel))
                .unwrap_or_default(),
            lang: &s.lang,
            image_url: self.image_url(&s.url),
            cover: self.cover(self.image_url(&s.url)),
            translations: self.translation_list(self.section_translations.get(s.dir.as_path())),
            content: s
                .rendered
                .as_ref()
                .map_or(Cow::Borrowed(""), |r| r.html.text()),
            extra: s.front.extra.as_ref().unwrap_or(&NULL),
            ancestors: self.ancestors(i),
            subsections: s
                .subsections
                .iter()
                .map(|&j| {
                    let sub = &self.site.sections[j];
                    Subsection {
                        title: &sub.title,
                        url: &sub.url,
                        description: sub.front.description.as_deref(),
                        image_url: self.image_url(&sub.url),
                        cover: self.cover(self.image_url(&sub.url)),
                        kind: sub.kind.as_str(),
                        page_count: sub.pages.len(),
                    }
                })
                .collect(),
            pages: pages.iter().map(|&p| self.summary(p)).collect(),
            page_count: s.pages.len(),
        }
    }
}

/// A node of the docs sidebar.
#[derive(Serialize)]
pub struct NavNode<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub current: bool,
    /// The current page is inside: render it expanded.
    pub open: bool,
    /// Pages of this section, only for the section being read (keeps each page's sidebar
    /// small on large knowledge bases).
    pub pages: Vec<NavPage<'a>>,
    pub children: Vec<NavNode<'a>>,
}

#[derive(Serialize)]
pub struct NavPage<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub current: bool,
}

impl<'a> Lookups<'a> {
    /// The sidebar of the docs tree holding `section`, with `current_url` marked; `None`
    /// outside docs.
    pub fn docs_nav(&self, section: usize, current_url: &str) -> Option<NavNode<'a>> {
        let chain: Vec<usize> = self
            .site
            .ancestors(section)
            .into_iter()
            .filter(|&s| self.site.sections[s].hidden.is_none())
            .collect();
        let root = *chain
            .iter()
            .find(|&&s| self.site.sections[s].kind == SectionKind::Docs)?;
        Some(self.nav_node(root, section, &chain, current_url))
    }

    fn nav_node(
        &self,
        i: usize,
        current_section: usize,
        chain: &[usize],
        current_url: &str,
    ) -> NavNode<'a> {
        let s = &self.site.sections[i];
        NavNode {
            title: &s.title,
            url: &s.url,
            current: s.url == current_url,
            open: chain.contains(&i),
            pages: if i == current_section {
                s.pages
                    .iter()
                    .map(|&p| {
                        let p = &self.site.pages[p];
                        NavPage {
                            title: &p.title,
                            url: &p.url,
                            current: p.url == current_url,
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            },
            children: s
                .subsections
                .iter()
                .map(|&c| self.nav_node(c, current_section, chain, current_url))
                .collect(),
        }
    }
}

/// Minutes at 200 words a minute, at least one.
fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// The `site` variable, the same for every template of a build.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `title` in each language (`languages:` in site.yaml may give one per language).
    pub titles: BTreeMap<&'a str, &'a str>,
    /// `description` in each language.
    pub descriptions: BTreeMap<&'a str, Option<&'a str>>,
    pub base_url: &'a str,
    pub root: &'a str,
    pub language: &'a str,
    pub languages: &'a [String],
    pub audience: &'a Audience,
    pub audiences: &'a [Audience],
    /// The taxonomies in the site's language.
    pub taxonomies: Vec<TaxonomyRef>,
    /// `taxonomies` for each language: that language's lists where it has terms, else the
    /// site language's.
    pub taxonomies_by_lang: BTreeMap<&'a str, Vec<TaxonomyRef>>,
    pub menu: Vec<MenuEntry>,
    /// `menu` for each language: an entry leads to the section in that language where there
    /// is one (`/fr/blog/`), else to the site language's.
    pub menus: BTreeMap<&'a str, Vec<MenuEntry>>,
    pub data: &'a Value,
    pub repo_url: Option<&'a str>,
    pub extra: &'a Value,
    /// The search page, when the site has search.
    pub search_url: Option<String>,
    /// The logo of `site.yaml`, `{url, width, height}`, or null.
    pub logo: Option<crate::palette::Logo>,
}

#[derive(Serialize, Clone)]
pub struct TaxonomyRef {
    pub name: String,
    pub lang: String,
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct MenuEntry {
    pub title: String,
    pub url: String,
    pub kind: String,
}

/// The `site` variable: the filtered `site`, for its audience.
pub fn site_ctx(site: &Site) -> SiteCtx<'_> {
    let c = &site.config;
    let menu: Vec<MenuEntry> = match &c.menu {
        Some(items) => items
            .iter()
            .map(|m| MenuEntry {
                title: m.title.clone(),
                url: m.url.clone(),
                kind: "link".into(),
            })
            .collect(),
        None => {
            let home = site.homes.get(&c.language).copied();
            let mut top: Vec<&Section> = home
                .map(|h| {
                    site.sections[h]
                        .subsections
                        .iter()
                        .map(|&i| &site.sections[i])
                        .collect()
                })
                .unwrap_or_default();
            top.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
            top.into_iter()
                .map(|s| MenuEntry {
                    title: s.title.clone(),
                    url: s.url.clone(),
                    kind: s.kind.to_string(),
                })
                .collect()
        }
    };
    let by_url: HashMap<&str, &Section> = site
        .visible_sections()
        .map(|(_, s)| (s.url.as_str(), s))
        .collect();
    let in_lang: HashMap<(&std::path::Path, &str), &Section> = site
        .visible_sections()
        .map(|(_, s)| ((s.dir.as_path(), s.lang.as_str()), s))
        .collect();
    let menus = c
        .languages
        .iter()
        .map(|lang| {
            let entries = menu
                .iter()
                .map(|m| {
                    let own = by_url
                        .get(m.url.as_str())
                        .and_then(|s| in_lang.get(&(s.dir.as_path(), lang.as_str())));
                    let (title, url) = match (own, &c.menu) {
                        (Some(s), None) => (s.title.clone(), s.url.clone()),
                        (Some(s), Some(_)) => (m.title.clone(), s.url.clone()),
                        (None, _) => (m.title.clone(), m.url.clone()),
                    };
                    MenuEntry {
                        title,
                        url,
                        kind: m.kind.clone(),
                    }
                })
                .collect();
            (lang.as_str(), entries)
        })
        .collect();
    SiteCtx {
        titles: c
            .languages
            .iter()
            .map(|l| (l.as_str(), c.title_in(l)))
            .collect(),
        descriptions: c
            .languages
            .iter()
            .map(|l| (l.as_str(), c.description_in(l)))
            .collect(),
        menus,
        title: &c.title,
        description: c.description.as_deref(),
        base_url: &c.base_url,
        root: &c.root,
        language: &c.language,
        languages: &c.languages,
        audience: &site.audience,
        audiences: &c.audiences,
        taxonomies: taxonomy_lists(site, &c.language),
        taxonomies_by_lang: c
            .languages
            .iter()
            .map(|lang| (lang.as_str(), taxonomy_lists(site, lang)))
            .collect(),
        menu,
        data: &site.data,
        repo_url: c.repo_url.as_deref(),
        extra: &c.extra,
        search_url: c.search.then(|| format!("{}search/", c.root)),
        // A logo that cannot be read is reported with the generated files.
        logo: crate::palette::logo(site).ok().flatten(),
    }
}

/// The lists of terms in `lang`: for each taxonomy, the one in `lang` where it has terms, else
/// the site language's.
fn taxonomy_lists(site: &Site, lang: &str) -> Vec<TaxonomyRef> {
    let all = taxonomy_refs(site);
    let default = &site.config.language;
    site.config
        .taxonomies
        .iter()
        .filter_map(|name| {
            let of = |l: &str| all.iter().find(|t| &t.name == name && t.lang == l);
            of(lang).or_else(|| of(default)).cloned()
        })
        .collect()
}

/// Every taxonomy list of the site, as `site.taxonomies` indexes them.
pub fn taxonomy_refs(site: &Site) -> Vec<TaxonomyRef> {
    site.taxonomies
        .iter()
        .map(|t| TaxonomyRef {
            name: t.name.clone(),
            lang: t.lang.clone(),
            title: capitalize(&t.name),
            url: t.url.clone(),
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
