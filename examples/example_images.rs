//! Makes the example site's pictures: an abstract portrait for each member (circles on a
//! gradient, in a hue taken from the member's id: no real people) and a cover for each post
//! and event (soft bands and discs), then writes `photo:` and `image:` into their files
//! where missing. Deterministic: the same files every run.
//!
//! `cargo run --example example_images` (from the repository root).

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use std::path::Path;

fn main() {
    let site = Path::new("example-site");
    let members = site.join("data/members");
    let mut ids: Vec<String> = std::fs::read_dir(&members)
        .expect("run from the repository root")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".yaml")
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    std::fs::create_dir_all(site.join("static/members")).unwrap();
    for id in &ids {
        let file = members.join(format!("{id}.yaml"));
        let text = std::fs::read_to_string(&file).unwrap();
        // One member stays without a photo, to show the initials fallback.
        if id == "hidden-tester" || id == "yanis-benali" {
            continue;
        }
        write_jpeg(
            &site.join(format!("static/members/{id}.jpg")),
            &portrait(id, 320),
            72,
        );
        if !text.lines().any(|l| l.starts_with("photo:")) {
            let with = add_after_first_line(&text, "name:", &format!("photo: members/{id}.jpg"));
            std::fs::write(&file, with).unwrap();
        }
    }
    std::fs::create_dir_all(site.join("static/covers")).unwrap();
    for dir in ["blog", "events"] {
        let mut pages: Vec<_> = std::fs::read_dir(site.join("content").join(dir))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('_'))
            .collect();
        pages.sort();
        for page in pages {
            let stem = page.file_stem().unwrap().to_string_lossy().into_owned();
            write_jpeg(
                &site.join(format!("static/covers/{stem}.jpg")),
                &cover(&stem, 1600, 900),
                70,
            );
            let text = std::fs::read_to_string(&page).unwrap();
            let front_end = text[3..].find("\n---").map(|i| i + 3).unwrap_or(0);
            if !text[..front_end].lines().any(|l| l.starts_with("image:")) {
                let with =
                    add_after_first_line(&text, "title:", &format!("image: covers/{stem}.jpg"));
                std::fs::write(&page, with).unwrap();
            }
        }
    }
}

fn add_after_first_line(text: &str, key: &str, line: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for l in text.split_inclusive('\n') {
        out.push_str(l);
        if !done && l.starts_with(key) {
            out.push_str(line);
            out.push('\n');
            done = true;
        }
    }
    out
}

/// A number from a name (FNV-1a), the same on every machine.
fn seed(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = (h.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [(r + m) * 255.0, (g + m) * 255.0, (b + m) * 255.0]
}

/// Circles on a gradient: a head-and-shoulders silhouette in abstract form.
fn portrait(id: &str, size: u32) -> RgbImage {
    let s = seed(id);
    let hue = (s % 360) as f32;
    let bg1 = hsl(hue, 0.55, 0.78);
    let bg2 = hsl(hue + 40.0, 0.5, 0.55);
    let fg = hsl(hue + 180.0, 0.35, 0.3);
    let n = size as f32;
    RgbImage::from_fn(size, size, |x, y| {
        let (fx, fy) = (x as f32 / n, y as f32 / n);
        let t = (fx + fy) / 2.0;
        let mut c = [0.0; 3];
        for i in 0..3 {
            c[i] = bg1[i] * (1.0 - t) + bg2[i] * t;
        }
        let head = ((fx - 0.5).powi(2) + (fy - 0.4).powi(2)).sqrt() < 0.18;
        let body = ((fx - 0.5).powi(2) + (fy - 1.05).powi(2)).sqrt() < 0.42;
        if head || body {
            c = fg;
        }
        Rgb([c[0] as u8, c[1] as u8, c[2] as u8])
    })
}

/// Soft bands and a few discs.
fn cover(name: &str, w: u32, h: u32) -> RgbImage {
    let s = seed(name);
    let hue = (s % 360) as f32;
    let discs: Vec<(f32, f32, f32, [f32; 3])> = (0..4)
        .map(|i| {
            let r = seed(&format!("{name}{i}"));
            (
                (r % 1000) as f32 / 1000.0,
                ((r / 1000) % 1000) as f32 / 1000.0,
                0.08 + ((r / 1_000_000) % 200) as f32 / 1000.0,
                hsl(hue + 60.0 * i as f32, 0.6, 0.6),
            )
        })
        .collect();
    let (wf, hf) = (w as f32, h as f32);
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / wf, y as f32 / hf);
        let band = ((fy * 3.0 + fx).floor()) * 12.0;
        let mut c = hsl(hue + band, 0.45, 0.25 + 0.15 * fy);
        for (cx, cy, r, col) in &discs {
            let d = ((fx - cx).powi(2) * (wf / hf).powi(2) + (fy - cy).powi(2)).sqrt();
            if d < *r {
                c = *col;
            }
        }
        Rgb([c[0] as u8, c[1] as u8, c[2] as u8])
    })
}

fn write_jpeg(path: &Path, img: &RgbImage, quality: u8) {
    let mut buf = Vec::new();
    DynamicImage::ImageRgb8(img.clone())
        .write_with_encoder(JpegEncoder::new_with_quality(&mut buf, quality))
        .unwrap();
    std::fs::write(path, buf).unwrap();
}
