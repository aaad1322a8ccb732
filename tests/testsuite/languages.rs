//! A site in two languages (the example site: English, and a few pages in French): each
//! language has its own lists, feeds, sitemap and search default; translated pages and
//! sections link to each other both ways; the interface speaks the page's language.

use crate::site_test::SiteTest;
use std::collections::BTreeMap;
use std::path::Path;

fn example() -> SiteTest {
    crate::search::example_site()
}

/// The `href` of each `<link rel="alternate" hreflang=…>` of a page, by language.
fn hreflangs(html: &str) -> BTreeMap<String, String> {
    html.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" hreflang="))
        .map(|l| {
            let attr = |name: &str| {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[start..start + l[start..].find('"').unwrap()].to_string()
            };
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

#[test]
fn each_language_lists_its_own_pages() {
    let site = example();
    let english = site.read("blog/index.html");
    assert!(
        !english.contains("sobriete-energetique-pme"),
        "the English blog list has no French post"
    );
    assert!(english.contains("/blog/forecasting-with-weather-data/"));
    let french = site.read("fr/blog/index.html");
    assert!(
        french.contains("/fr/blog/sobriete-energetique-pme/"),
        "the French blog lists its post"
    );
    assert!(
        !french.contains("/blog/forecasting-with-weather-data/"),
        "and no English post"
    );
    assert!(french.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    // The French home page shows the French news, in French.
    let home = site.read("fr/index.html");
    assert!(home.contains("/fr/blog/sobriete-energetique-pme/"));
    assert!(!site.read("index.html").contains("sobriete-energetique-pme"));
    assert!(
        home.contains("Aller au contenu"),
        "interface strings in French"
    );
    // No English text of the English home page on the French one: the site's title instead.
    assert!(home.contains("<h1>Lumen Grid Community</h1>"));
    assert!(!home.contains("Energy software is better") && !home.contains("Get started"));
    // The menu of a French page leads to the French sections where there are some.
    assert!(french.contains("<li><a href=\"/fr/blog/\" aria-current=\"page\">"));
    assert!(
        french.contains("<li><a href=\"/docs/\">"),
        "and to the English ones elsewhere"
    );
}

#[test]
fn feeds_and_sitemaps_are_per_language() {
    let site = example();
    let rss = site.read("rss.xml");
    assert!(rss.contains("<language>en</language>"));
    assert!(
        !rss.contains("sobriete"),
        "the English feed has no French post"
    );
    let fr = site.read("fr/rss.xml");
    assert!(fr.contains("<language>fr</language>"));
    assert!(fr.contains("/fr/blog/sobriete-energetique-pme/"));
    assert!(site.read("fr/blog/atom.xml").contains("xml:lang=\"fr\""));
    // A French page links to the French feed, not the English one.
    let post = site.read("fr/blog/sobriete-energetique-pme/index.html");
    assert!(post.contains("href=\"/fr/rss.xml\""));
    assert!(!post.contains("href=\"/rss.xml\""));

    let fr_map = site.read("sitemap-fr.xml");
    assert!(fr_map.contains("<loc>https://community.lumengrid.example/fr/about/</loc>"));
    assert!(!fr_map.contains("<loc>https://community.lumengrid.example/about/</loc>"));
    let en_map = site.read("sitemap-en.xml");
    assert!(en_map.contains("<loc>https://community.lumengrid.example/about/</loc>"));
    assert!(
        !en_map.contains("<loc>https://community.lumengrid.example/fr/"),
        "no French page in the English sitemap"
    );
    let all = site.read("sitemap.xml");
    assert!(all.contains("<loc>https://community.lumengrid.example/about/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://community.lumengrid.example/about/\"/><xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://community.lumengrid.example/fr/about/\"/></url>"));
    let robots = site.read("robots.txt");
    assert!(robots.contains("Sitemap: https://community.lumengrid.example/sitemap-fr.xml"));
}

#[test]
fn translations_link_both_ways_with_a_switcher() {
    let site = example();
    for (a, b) in [
        ("about/index.html", "fr/about/index.html"),
        ("index.html", "fr/index.html"),
        (
            "community/ambassadors/index.html",
            "fr/community/ambassadors/index.html",
        ),
    ] {
        let (ha, hb) = (site.read(a), site.read(b));
        let (la, lb) = (hreflangs(&ha), hreflangs(&hb));
        assert_eq!(la, lb, "{a} and {b} name the same versions");
        assert_eq!(la.len(), 3, "en, fr and x-default on {a}: {la:?}");
        assert_eq!(la["x-default"], la["en"]);
        assert!(la["fr"].contains("/fr/"));
        // The switcher: each language in its own words, the current one marked.
        assert!(ha.contains("class=\"lang-switch\"") && hb.contains("class=\"lang-switch\""));
        assert!(hb.contains("<span class=\"visually-hidden\">English</span>"));
        assert!(ha.contains("<span class=\"visually-hidden\">Français</span>"));
        assert!(hb.contains("hreflang=\"fr\" lang=\"fr\" aria-current=\"page\""));
    }
    // A page in one language only has neither.
    let single = site.read("fr/blog/sobriete-energetique-pme/index.html");
    assert!(hreflangs(&single).is_empty());
    assert!(!single.contains("class=\"lang-switch\""));
}

#[test]
fn search_defaults_to_the_page_language() {
    let site = example();
    let facets: Vec<String> = std::fs::read_dir(site.out().join("search/f"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        facets.iter().any(|f| f.starts_with("lang.")),
        "a lang facet: {facets:?}"
    );
    let search = site.read("search/index.html");
    assert!(search.contains("data-facets='[\"lang\","));
    // The header's search box says which language it was used from.
    let french = site.read("fr/about/index.html");
    assert!(french.contains("<input type=\"hidden\" name=\"lang\" value=\"fr\">"));
}

/// Adding a language is one strings file: the theme's French file has every English key.
#[test]
fn french_strings_are_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n");
    let keys = |lang: &str| -> Vec<String> {
        let text = std::fs::read_to_string(dir.join(format!("{lang}.yaml"))).unwrap();
        text.lines()
            .filter(|l| !l.starts_with([' ', '#']))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim().to_string()))
            .collect()
    };
    let fr = keys("fr");
    let missing: Vec<String> = keys("en").into_iter().filter(|k| !fr.contains(k)).collect();
    assert!(
        missing.is_empty(),
        "keys of en.yaml missing from fr.yaml: {missing:?}"
    );
}
