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
    // No English text of the English home page on the French one: the site's French title
    // (`languages:` in site.yaml) instead.
    assert!(home.contains("<h1>Communauté Lumen Grid</h1>"));
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

/// The example site's French words in site.yaml: `languages: {fr: {title, description}}`.
const FR_DESCRIPTION: &str =
    "La communauté des utilisateurs, ambassadeurs et partenaires de Lumen Grid";

#[test]
fn the_french_home_and_feeds_use_the_french_title_and_description() {
    let site = example();
    let home = site.read("fr/index.html");
    let lead = format!("<p class=\"lead\">{FR_DESCRIPTION}");
    assert!(
        home.contains(&lead),
        "the French description under the title"
    );
    assert!(home.contains(&format!(
        "<meta name=\"description\" content=\"{FR_DESCRIPTION}"
    )));
    assert!(home.contains("<title>Communauté Lumen Grid</title>"));
    assert!(
        !home.contains("The community of Lumen Grid users"),
        "no English description"
    );
    // Every French page names the site in French; English pages keep the English words.
    let about = site.read("fr/about/index.html");
    assert!(
        about.contains("<span>Communauté Lumen Grid</span>"),
        "the header's brand"
    );
    let english = site.read("index.html");
    assert!(
        english.contains("<meta name=\"description\" content=\"The community of Lumen Grid users")
    );
    assert!(!english.contains("Communauté Lumen Grid"));
    let rss = site.read("fr/rss.xml");
    assert!(rss.contains("<title>Communauté Lumen Grid</title>"));
    assert!(rss.contains(&format!("<description>{FR_DESCRIPTION}")));
    assert!(site
        .read("rss.xml")
        .contains("<title>Lumen Grid Community</title>"));
}

#[test]
fn a_french_only_tag_has_a_french_page_and_no_english_one() {
    let site = example();
    let page = site.read("fr/tags/pme/index.html");
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(
        page.contains("/fr/blog/sobriete-energetique-pme/"),
        "lists the French post"
    );
    assert!(
        page.contains("<a href=\"/fr/tags/\">Mots-clés</a>"),
        "in French, under the French list"
    );
    assert!(page.contains("1 page"));
    assert!(
        !site.out().join("tags/pme").exists(),
        "no English page for a French-only tag"
    );
    // The French post's tags lead there.
    let post = site.read("fr/blog/sobriete-energetique-pme/index.html");
    assert!(post.contains("href=\"/fr/tags/pme/\""));
    assert!(
        !post.contains("href=\"/tags/"),
        "no link to an English term page: {post}"
    );
    // The French list of tags has the French terms only; the English one has none of them.
    let fr_list = site.read("fr/tags/index.html");
    assert!(fr_list.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(
        fr_list.contains("href=\"/fr/tags/pme/\"")
            && fr_list.contains("href=\"/fr/tags/communaute/\"")
    );
    assert!(
        !fr_list.contains("class=\"chip\" href=\"/tags/"),
        "only French terms: {fr_list}"
    );
    // It and the English list name each other.
    assert_eq!(
        hreflangs(&fr_list)["en"],
        "https://community.lumengrid.example/tags/"
    );
    let en_list = site.read("tags/index.html");
    assert!(!en_list.contains("pme/") && !en_list.contains("communaute/"));
    // A French page's footer leads to the French lists.
    assert!(post.contains("<li><a href=\"/fr/tags/\">Mots-clés</a></li>"));
    // The term's feed is French, and in the French sitemap only.
    assert!(site
        .read("fr/tags/pme/rss.xml")
        .contains("<language>fr</language>"));
    assert!(site
        .read("sitemap-fr.xml")
        .contains("<loc>https://community.lumengrid.example/fr/tags/pme/</loc>"));
    assert!(!site.read("sitemap-en.xml").contains("/tags/pme/"));
}

#[test]
fn an_english_term_page_lists_no_french_page_and_links_its_translation() {
    let site = example();
    let en = site.read("themes/energy-efficiency/index.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains("/blog/forecasting-with-weather-data/"));
    assert!(
        !en.contains("sobriete-energetique-pme"),
        "no French page on an English term page"
    );
    let fr = site.read("fr/themes/energy-efficiency/index.html");
    assert!(fr.contains("/fr/blog/sobriete-energetique-pme/"));
    assert!(
        !fr.contains("/blog/forecasting-with-weather-data/"),
        "and no English one on the French"
    );
    // Both exist: each names the other, with the switcher.
    let (le, lf) = (hreflangs(&en), hreflangs(&fr));
    assert_eq!(le, lf);
    assert_eq!(
        le["en"],
        "https://community.lumengrid.example/themes/energy-efficiency/"
    );
    assert_eq!(
        lf["fr"],
        "https://community.lumengrid.example/fr/themes/energy-efficiency/"
    );
    assert!(fr.contains("class=\"lang-switch\"") && en.contains("class=\"lang-switch\""));
    // The same for the lists of themes, and in the sitemap.
    assert_eq!(hreflangs(&site.read("themes/index.html")).len(), 3);
    let all = site.read("sitemap.xml");
    assert!(all.contains("<loc>https://community.lumengrid.example/themes/energy-efficiency/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://community.lumengrid.example/themes/energy-efficiency/\"/><xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://community.lumengrid.example/fr/themes/energy-efficiency/\"/></url>"));
    // A French-only tag has no translation to name.
    assert!(hreflangs(&site.read("fr/tags/pme/index.html")).is_empty());
}
