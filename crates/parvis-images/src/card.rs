//! Social cards (1200×630): drawn from an SVG written here, with the bundled DejaVu Sans Bold
//! (every Latin accent, so French titles come out right), by resvg; a member's photo is laid
//! on top as a round portrait. Also turns SVG logos into pixels for the favicons.

use crate::{ImageError, CARD_HEIGHT, CARD_WIDTH};
use image::{DynamicImage, Rgba, RgbaImage};
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// The font cards are drawn with (Bitstream Vera licence, see `fonts/DejaVu-LICENSE.txt`).
pub(crate) const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The theme's colours on a card, as CSS colours (`#1d4ed8`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct CardStyle {
    pub background: String,
    pub text: String,
    pub accent: String,
}

impl Default for CardStyle {
    fn default() -> CardStyle {
        CardStyle {
            background: "#0f172a".into(),
            text: "#f8fafc".into(),
            accent: "#38bdf8".into(),
        }
    }
}

/// What a card shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct Card {
    pub title: String,
    /// The section or kind ("Events", "Members"), above the title.
    pub section: Option<String>,
    pub site: String,
    pub style: CardStyle,
    /// The site's logo (SVG, PNG, JPEG or WebP), bottom left.
    pub logo: Option<PathBuf>,
    /// A member's photo, round, on the right.
    pub photo: Option<PathBuf>,
}

/// Draws `card`; `photo` and `logo` already decoded.
pub(crate) fn draw(
    card: &Card,
    photo: Option<&DynamicImage>,
    logo: Option<&DynamicImage>,
    fonts: &Arc<usvg::fontdb::Database>,
) -> Result<DynamicImage, ImageError> {
    let text_width = if photo.is_some() { 680.0 } else { 1040.0 };
    // DejaVu Sans Bold averages about 0.62 em a character.
    let (size, lines) = wrap(&card.title, text_width, &[72.0, 60.0, 48.0], 3);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}" height="{CARD_HEIGHT}" viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}" font-family="DejaVu Sans" font-weight="bold">
<rect width="100%" height="100%" fill="{bg}"/>
<rect width="100%" height="12" fill="{accent}"/>
"#,
        bg = esc(&card.style.background),
        accent = esc(&card.style.accent),
    );
    if let Some(section) = &card.section {
        svg.push_str(&format!(
            r#"<text x="80" y="130" font-size="34" fill="{accent}">{}</text>
"#,
            esc(&ellipsis(section, 40)),
            accent = esc(&card.style.accent)
        ));
    }
    let top = 150.0 + size * 1.1;
    for (i, line) in lines.iter().enumerate() {
        svg.push_str(&format!(
            r#"<text x="80" y="{y}" font-size="{size}" fill="{fg}">{}</text>
"#,
            esc(line),
            y = top + i as f32 * size * 1.2,
            fg = esc(&card.style.text)
        ));
    }
    let site_x = if logo.is_some() { 180 } else { 80 };
    svg.push_str(&format!(
        r#"<text x="{site_x}" y="560" font-size="36" fill="{fg}" opacity="0.85">{}</text>
</svg>"#,
        esc(&ellipsis(&card.site, 40)),
        fg = esc(&card.style.text)
    ));
    let mut img = rasterize_svg(svg.as_bytes(), CARD_WIDTH, CARD_HEIGHT, fonts)?.to_rgba8();
    if let Some(logo) = logo {
        let l = crate::resize(logo, 80, 80, true)?.to_rgba8();
        image::imageops::overlay(&mut img, &l, 80, 500);
    }
    if let Some(photo) = photo {
        let d = 360;
        let p = crate::resize(photo, d, d, true)?.to_rgba8();
        let round = circle(&p);
        image::imageops::overlay(&mut img, &round, 1200 - 80 - d as i64, (630 - d as i64) / 2);
    }
    Ok(DynamicImage::ImageRgb8(
        DynamicImage::ImageRgba8(img).to_rgb8(),
    ))
}

/// `img` cut to a disc (anti-aliased edge).
fn circle(img: &RgbaImage) -> RgbaImage {
    let mut out = img.clone();
    let r = img.width() as f32 / 2.0;
    for (x, y, px) in out.enumerate_pixels_mut() {
        let d = ((x as f32 + 0.5 - r).powi(2) + (y as f32 + 0.5 - r).powi(2)).sqrt();
        let a = (r - d).clamp(0.0, 1.0);
        *px = Rgba([px[0], px[1], px[2], (px[3] as f32 * a) as u8]);
    }
    out
}

/// Renders an SVG to `w`×`h` pixels, scaled to fit and centred. Scripts and external files
/// are never run or loaded: usvg draws the static picture only.
pub(crate) fn rasterize_svg(
    svg: &[u8],
    w: u32,
    h: u32,
    fonts: &Arc<usvg::fontdb::Database>,
) -> Result<DynamicImage, ImageError> {
    let opt = usvg::Options {
        fontdb: fonts.clone(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(svg, &opt).map_err(|e| ImageError::Corrupt(e.to_string()))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| ImageError::TooLarge(format!("{w}×{h}")))?;
    let size = tree.size();
    let scale = (w as f32 / size.width()).min(h as f32 / size.height());
    let dx = (w as f32 - size.width() * scale) / 2.0;
    let dy = (h as f32 - size.height() * scale) / 2.0;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy),
        &mut pixmap.as_mut(),
    );
    // tiny-skia keeps premultiplied alpha; image wants it straight.
    let mut img = RgbaImage::new(w, h);
    for (px, c) in img.pixels_mut().zip(pixmap.pixels()) {
        let c = c.demultiply();
        *px = Rgba([c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok(DynamicImage::ImageRgba8(img))
}

/// The title in at most `max_lines` lines of `width` pixels, at the largest size that fits
/// (the smallest, with an ellipsis, when none does).
fn wrap(title: &str, width: f32, sizes: &[f32], max_lines: usize) -> (f32, Vec<String>) {
    let mut last = (0.0, Vec::new());
    for &size in sizes {
        let per_line = ((width / (size * 0.66)) as usize).max(8);
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        for word in title.split_whitespace() {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > per_line {
                lines.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        let fits = lines.len() <= max_lines && lines.iter().all(|l| l.chars().count() <= per_line);
        if fits {
            return (size, lines);
        }
        lines.truncate(max_lines);
        let lines = lines.into_iter().map(|l| ellipsis(&l, per_line)).collect();
        last = (size, lines);
    }
    if let Some(l) = last.1.last_mut() {
        if !l.ends_with('…') {
            l.push('…');
        }
    }
    last
}

fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_into_three_lines_at_most() {
        let (size, lines) = wrap(&"mot ".repeat(100), 1040.0, &[72.0, 60.0, 48.0], 3);
        assert_eq!(size, 48.0);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        let (size, lines) = wrap("Rencontre à Genève", 1040.0, &[72.0, 60.0, 48.0], 3);
        assert_eq!((size, lines.len()), (72.0, 1));
    }
}
