//! The default theme's brand and design tokens: the logo and the palette from site.yaml, the
//! contrast check of the brand colour, and a stylesheet whose spacing, type and colours are
//! tokens.

use crate::site_test::SiteTest;
use std::collections::BTreeSet;
use std::path::Path;

fn with_config(extra: &str) -> SiteTest {
    let t = SiteTest::fixture("basic");
    let config = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.file("site.yaml", format!("{config}{extra}"));
    t
}

#[test]
fn the_logo_and_the_brand_colour_reach_every_page() {
    let t = with_config("logo: images/mark.svg\nbrand_color: \"#0a57e0\"\n");
    t.file(
        "static/images/mark.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 40\"><rect width=\"120\" height=\"40\"/></svg>\n",
    );
    t.build(&[]).success();
    let home = t.read("index.html");
    assert!(
        home.contains("<img class=\"brand-logo\" src=\"/images/mark.svg\" width=\"120\" height=\"40\" alt=\"\">"),
        "the logo, sized from its viewBox"
    );
    assert!(home.contains("href=\"/assets/palette.css\""));
    let palette = t.read("assets/palette.css");
    assert!(
        palette.contains("--accent: light-dark(#0a57e0, "),
        "{palette}"
    );
    // The dark accent is derived from it, lighter.
    let dark = palette
        .split("--accent: light-dark(#0a57e0, ")
        .nth(1)
        .unwrap();
    assert!(dark.starts_with('#') && &dark[..7] != "#0a57e0");
}

#[test]
fn a_brand_colour_too_light_to_read_is_an_error_naming_it_and_its_ratio() {
    let t = with_config("brand_color: \"#7cb3ff\"\n");
    let run = t.build(&[]);
    run.failure(1)
        .stderr_has("brand colour `#7cb3ff` has a contrast of 2.")
        .stderr_has(":1 with the page background, under the 4.5:1 text needs (WCAG AA)")
        .stderr_has("site.yaml:")
        .stderr_has("use a darker shade, like `\"#");
    let t = with_config("brand_color: blue\n");
    t.build(&[])
        .failure(1)
        .stderr_has("`brand_color` `blue` is not a colour");
}

#[test]
fn a_logo_on_another_host_or_missing_is_an_error() {
    let t = with_config("logo: https://cdn.example.com/logo.svg\n");
    t.build(&[])
        .failure(1)
        .stderr_has("the logo `https://cdn.example.com/logo.svg` is on another host");
    let t = with_config("logo: images/none.svg\n");
    t.build(&[])
        .failure(1)
        .stderr_has("the logo `static/images/none.svg` cannot be read");
}

/// Declarations of the theme's stylesheet outside `:root` (where the tokens are defined), as
/// (property, value).
fn declarations(css: &str) -> Vec<(String, String)> {
    let body = &css[css.find(":root {").unwrap()..];
    let rest = &body[body.find('}').unwrap() + 1..];
    rest.split(['{', '}'])
        .flat_map(|block| block.split(';'))
        .filter_map(|d| {
            let (p, v) = d.split_once(':')?;
            let p = p.trim();
            (!p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
                .then(|| (p.to_string(), v.trim().to_string()))
        })
        .collect()
}

#[test]
fn spacing_type_and_colours_are_tokens() {
    let css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/assets/parvis.css"),
    )
    .unwrap();
    let decls = declarations(&css);
    assert!(decls.len() > 300, "the stylesheet is read: {}", decls.len());
    let spacing = |p: &str| {
        [
            "margin",
            "padding",
            "gap",
            "row-gap",
            "column-gap",
            "font-size",
        ]
        .iter()
        .any(|s| p == *s || p.starts_with(&format!("{s}-")))
    };
    let rem = regex_lite_rem;
    let loose: Vec<String> = decls
        .iter()
        .filter(|(p, v)| spacing(p) && !rem(v).is_empty())
        .map(|(p, v)| format!("{p}: {v}"))
        .collect();
    assert!(
        loose.is_empty(),
        "spacing and font sizes off the scale: {loose:#?}"
    );
    let fonts: Vec<String> = decls
        .iter()
        .filter(|(p, v)| p == "font" && !rem(v).is_empty())
        .map(|(p, v)| format!("{p}: {v}"))
        .collect();
    assert!(fonts.is_empty(), "font sizes off the scale: {fonts:#?}");
    // What is left in rem: widths, heights and breakpoints, a few.
    let distinct: BTreeSet<String> = decls.iter().flat_map(|(_, v)| rem(v)).collect();
    assert!(
        distinct.len() <= 32,
        "{} distinct rem values: {distinct:?}",
        distinct.len()
    );
    let colours: Vec<String> = decls
        .iter()
        .filter(|(_, v)| !v.contains("data:image") && v.contains('#'))
        .map(|(p, v)| format!("{p}: {v}"))
        .collect();
    assert!(
        colours.is_empty(),
        "colours that are not tokens: {colours:#?}"
    );
}

/// The `…rem` lengths of a CSS value.
fn regex_lite_rem(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        if let Some(n) = word.strip_suffix("rem") {
            if !n.is_empty() && n.trim_start_matches('-').parse::<f64>().is_ok() {
                out.push(word.to_string());
            }
        }
    }
    out
}
