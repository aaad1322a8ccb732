//! The brand of a site on the theme: the palette derived from `brand_color` (written to
//! `assets/palette.css`, after the theme's stylesheet) and the logo's size for the header's
//! `<img>`. `site.yaml` checked the colour is readable (parvis-core, `config`); here the dark
//! scheme's accent is made from it, lighter until it reads on the dark backgrounds.

use parvis_core::colour::{Rgb, BLACK, TEXT_CONTRAST, WHITE};
use parvis_core::diagnostics::Diagnostic;
use parvis_core::model::Site;
use serde::Serialize;

/// The theme's own accent, when `site.yaml` names no brand colour.
pub const DEFAULT_BRAND: Rgb = Rgb([0x1d, 0x4e, 0xd8]);
/// The dark scheme's backgrounds (page, soft, card), as in `parvis.css`.
const DARK_BACKGROUNDS: [Rgb; 3] = [
    Rgb([0x0f, 0x14, 0x19]),
    Rgb([0x16, 0x1c, 0x23]),
    Rgb([0x1a, 0x21, 0x29]),
];

/// `assets/palette.css`: the accent tokens of both schemes, from the brand colour.
pub fn css(site: &Site) -> String {
    let brand = site
        .config
        .brand_color
        .as_deref()
        .and_then(Rgb::parse)
        .unwrap_or(DEFAULT_BRAND);
    // Light: the brand itself (checked readable), a tint behind it, a shade for hovers.
    let soft = brand.mix(WHITE, 0.9);
    // Dark: the brand lightened until it reads on every dark background and on its own tint.
    let dark_soft = DARK_BACKGROUNDS[0].mix(brand, 0.25);
    let mut against = DARK_BACKGROUNDS.to_vec();
    against.push(dark_soft);
    let dark = brand
        .until_contrast(WHITE, &against, TEXT_CONTRAST + 1.0)
        .unwrap_or(WHITE);
    // Text on the accent: white on the light brand (checked); on the light dark-scheme accent,
    // the darker of black and the page colour that reads.
    let dark_fg = if dark.contrast(DARK_BACKGROUNDS[0]) >= TEXT_CONTRAST {
        DARK_BACKGROUNDS[0]
    } else {
        BLACK
    };
    format!(
        "/* Generated from `brand_color` in site.yaml ({brand}). */\n:root {{\n  --brand: {brand};\n  --accent: light-dark({brand}, {dark});\n  --accent-fg: light-dark(#ffffff, {dark_fg});\n  --accent-soft: light-dark({soft}, {dark_soft});\n  --accent-strong: light-dark({strong}, {dark_strong});\n}}\n",
        brand = brand.hex(),
        dark = dark.hex(),
        dark_fg = dark_fg.hex(),
        soft = soft.hex(),
        dark_soft = dark_soft.hex(),
        strong = brand.mix(BLACK, 0.2).hex(),
        dark_strong = dark.mix(WHITE, 0.3).hex(),
    )
}

/// The header's logo: its URL and its size, for `width` and `height`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Logo {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The logo of `site.yaml`, read from `static/`.
pub fn logo(site: &Site) -> Result<Option<Logo>, Diagnostic> {
    let Some(path) = &site.config.logo else {
        return Ok(None);
    };
    let file = site.root.join("static").join(path);
    let bytes = std::fs::read(&file).map_err(|e| {
        Diagnostic::error(
            "site.yaml",
            format!("the logo `static/{path}` cannot be read: {e}"),
        )
        .with_hint("put the file under `static/`, or fix `logo:` in site.yaml")
    })?;
    let size = if path.to_ascii_lowercase().ends_with(".png") {
        png_size(&bytes)
    } else {
        svg_size(&String::from_utf8_lossy(&bytes))
    };
    let (width, height) = size.ok_or_else(|| {
        Diagnostic::error("site.yaml", format!("the size of the logo `static/{path}` cannot be read"))
            .with_hint("an SVG needs `width` and `height` or a `viewBox` on its `<svg>` element; a PNG must be a valid PNG")
    })?;
    Ok(Some(Logo {
        url: format!("{}{path}", site.config.root),
        width,
        height,
    }))
}

/// Width and height from a PNG's header chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some((be(16), be(20))).filter(|&(w, h)| w > 0 && h > 0)
}

/// Width and height of an SVG's root element: its `width` and `height` in pixels, else its
/// `viewBox`.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    };
    let px = |v: &str| -> Option<f64> {
        v.trim()
            .trim_end_matches("px")
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0)
    };
    let (w, h) = match (attr("width").and_then(px), attr("height").and_then(px)) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let vb: Vec<f64> = attr("viewBox")?
                .split([' ', ','])
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            match vb[..] {
                [_, _, w, h] if w > 0.0 && h > 0.0 => (w, h),
                _ => return None,
            }
        }
    };
    Some((w.round() as u32, h.round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_of_svg_and_png() {
        assert_eq!(
            svg_size(r#"<svg xmlns="x" viewBox="0 0 120 40">"#),
            Some((120, 40))
        );
        assert_eq!(
            svg_size(r#"<?xml?><svg width="64px" height="32" viewBox="0 0 1 1">"#),
            Some((64, 32))
        );
        assert_eq!(svg_size("<svg>"), None);
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(300u32.to_be_bytes());
        png.extend(100u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((300, 100)));
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
