//! Colours of the theme's palette: `#rrggbb` values, WCAG 2 contrast ratios and mixes. The
//! brand colour of `site.yaml` is checked here (text on it and it as text must stay readable),
//! and the theme derives its palette from it (parvis-render, `palette`).

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub [u8; 3]);

pub const WHITE: Rgb = Rgb([0xff, 0xff, 0xff]);
pub const BLACK: Rgb = Rgb([0, 0, 0]);

/// The least contrast for body text (WCAG 2 AA).
pub const TEXT_CONTRAST: f64 = 4.5;

impl Rgb {
    /// `#rgb` or `#rrggbb`, in any case.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
        match hex.len() {
            3 => Some(Rgb([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            6 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                Some(Rgb([byte(0)?, byte(2)?, byte(4)?]))
            }
            _ => None,
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Relative luminance (WCAG 2).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// The contrast ratio of two colours, from 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// `self` moved towards `other` by `t` (0: self, 1: other), channel by channel.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let t = t.clamp(0.0, 1.0);
        let ch = |i: usize| {
            let (a, b) = (f64::from(self.0[i]), f64::from(other.0[i]));
            (a + (b - a) * t).round() as u8
        };
        Rgb([ch(0), ch(1), ch(2)])
    }

    /// The least move of `self` towards `towards` that reaches `ratio` against every colour of
    /// `against`, in steps of 2 %; `None` when even `towards` itself does not.
    pub fn until_contrast(self, towards: Rgb, against: &[Rgb], ratio: f64) -> Option<Rgb> {
        (0..=50)
            .map(|step| self.mix(towards, f64::from(step) / 50.0))
            .find(|c| against.iter().all(|&a| c.contrast(a) >= ratio))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((WHITE.contrast(BLACK) - 21.0).abs() < 1e-9);
        // The code colour axe reported at 2.84:1 on the code background.
        let green = Rgb::parse("#63a35c").unwrap();
        let bg = Rgb::parse("#f6f8fa").unwrap();
        assert!((green.contrast(bg) - 2.84).abs() < 0.01);
        assert_eq!(Rgb::parse("#0B5FFF").unwrap().hex(), "#0b5fff");
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("blue"), None);
        assert_eq!(Rgb::parse("#12345"), None);
    }

    #[test]
    fn darkening_reaches_the_ratio() {
        let light = Rgb::parse("#7cb3ff").unwrap();
        let fixed = light
            .until_contrast(BLACK, &[WHITE], TEXT_CONTRAST)
            .unwrap();
        assert!(fixed.contrast(WHITE) >= TEXT_CONTRAST);
        assert!(light.contrast(WHITE) < TEXT_CONTRAST);
    }
}
