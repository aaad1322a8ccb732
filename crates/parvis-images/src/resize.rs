//! What a template may ask of one picture (`resize_image` in the templates): an operation,
//! the size it aims at and the format, checked once here so that a wrong call is an error
//! with its reason, and the processing never sees a size it cannot make.

use crate::MAX_SIDE;
use image::ImageFormat;

/// How the picture is brought to the asked size (the names Zola uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// To `width`, the height following the proportions.
    FitWidth,
    /// To `height`, the width following the proportions.
    FitHeight,
    /// Inside `width`×`height`, proportions kept.
    Fit,
    /// Covers `width`×`height` exactly, the middle kept and the rest cut.
    Fill,
    /// To `width`×`height` exactly, stretched if the proportions differ.
    Scale,
}

impl Op {
    pub const NAMES: &'static str = "fit_width, fit_height, fit, fill or scale";

    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            "scale" => Op::Scale,
            _ => return None,
        })
    }
}

/// The format a resized picture is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The source's own: JPEG for a JPEG, PNG for a PNG, WebP for a WebP.
    Auto,
    Webp,
    Jpeg,
    Png,
}

impl Format {
    pub const NAMES: &'static str = "auto, webp, jpg or png";

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "auto" => Format::Auto,
            "webp" => Format::Webp,
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            _ => return None,
        })
    }

    /// `Auto` made definite for a source of `source` format.
    pub(crate) fn for_source(self, source: ImageFormat) -> Format {
        match (self, source) {
            (Format::Auto, ImageFormat::Png) => Format::Png,
            (Format::Auto, ImageFormat::WebP) => Format::Webp,
            (Format::Auto, _) => Format::Jpeg,
            (f, _) => f,
        }
    }
}

/// One resize a template asked for, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resize {
    op: Op,
    width: u32,
    height: u32,
    format: Format,
}

impl Resize {
    /// Checks that `op` has the sizes it needs, each between 1 and [`MAX_SIDE`].
    pub fn new(
        op: Op,
        width: Option<u32>,
        height: Option<u32>,
        format: Format,
    ) -> Result<Resize, String> {
        let side = |name: &str, v: Option<u32>| -> Result<u32, String> {
            match v {
                Some(v) if (1..=MAX_SIDE).contains(&v) => Ok(v),
                Some(v) => Err(format!("{name} {v} is not between 1 and {MAX_SIDE}")),
                None => Err(format!("this operation needs `{name}`")),
            }
        };
        let (width, height) = match op {
            Op::FitWidth => (side("width", width)?, 0),
            Op::FitHeight => (0, side("height", height)?),
            Op::Fit | Op::Fill | Op::Scale => (side("width", width)?, side("height", height)?),
        };
        Ok(Resize {
            op,
            width,
            height,
            format,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The size of the result for a `w`×`h` source, and whether the middle is cut out to
    /// reach it. The fitting operations never enlarge: a picture narrower than asked keeps
    /// its size (an enlarged picture is blurred and heavier, never better).
    pub(crate) fn target(&self, w: u32, h: u32) -> (u32, u32, bool) {
        let scaled = |num: u32, den: u32, side: u32| {
            ((side as u64 * num as u64 + den as u64 / 2) / den as u64).max(1) as u32
        };
        match self.op {
            Op::FitWidth => {
                let tw = self.width.min(w);
                (tw, scaled(tw, w, h), false)
            }
            Op::FitHeight => {
                let th = self.height.min(h);
                (scaled(th, h, w), th, false)
            }
            Op::Fit => {
                // The smaller of the two ratios decides, compared without floating point.
                let (tw, th) = if self.width as u64 * h as u64 <= self.height as u64 * w as u64 {
                    (self.width, scaled(self.width, w, h))
                } else {
                    (scaled(self.height, h, w), self.height)
                };
                if tw >= w || th >= h {
                    (w, h, false)
                } else {
                    (tw, th, false)
                }
            }
            Op::Fill => (self.width, self.height, true),
            Op::Scale => (self.width, self.height, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_follow_the_operation_and_never_enlarge_a_fit() {
        let r = |op, w, h| Resize::new(op, w, h, Format::Auto).unwrap();
        assert_eq!(
            r(Op::FitWidth, Some(500), None).target(2000, 1000),
            (500, 250, false)
        );
        assert_eq!(
            r(Op::FitWidth, Some(5000), None).target(2000, 1000),
            (2000, 1000, false)
        );
        assert_eq!(
            r(Op::FitHeight, None, Some(100)).target(2000, 1000),
            (200, 100, false)
        );
        assert_eq!(
            r(Op::Fit, Some(300), Some(300)).target(2000, 1000),
            (300, 150, false)
        );
        assert_eq!(
            r(Op::Fit, Some(300), Some(100)).target(2000, 1000),
            (200, 100, false)
        );
        assert_eq!(
            r(Op::Fill, Some(300), Some(300)).target(2000, 1000),
            (300, 300, true)
        );
        assert_eq!(
            r(Op::Scale, Some(30), Some(90)).target(2000, 1000),
            (30, 90, false)
        );
        assert!(Resize::new(Op::Fill, Some(300), None, Format::Auto)
            .unwrap_err()
            .contains("`height`"));
        assert!(Resize::new(Op::FitWidth, Some(0), None, Format::Auto).is_err());
        assert!(Resize::new(Op::FitWidth, Some(MAX_SIDE + 1), None, Format::Auto).is_err());
    }
}
