//! The image benchmark's corpus (`benches/images.sh`): `N` photos of 3000×2000 (JPEG,
//! q85, noisy gradients so that they do not compress to nothing), as a parvis site (one
//! page showing them all) and as a Hugo site whose home template resizes each to the same
//! widths in WebP and JPEG.
//!
//! `cargo run --release --example bench_images -- N OUTDIR`

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use rayon::prelude::*;
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect("N OUTDIR");
    let out = std::path::PathBuf::from(args.next().expect("N OUTDIR"));
    let parvis = out.join("parvis");
    let hugo = out.join("hugo");
    for d in [
        parvis.join("static/photos"),
        parvis.join("content"),
        hugo.join("assets/photos"),
        hugo.join("layouts"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    (0..n).into_par_iter().for_each(|i| {
        let bytes = photo(i as u32);
        let name = format!("photo-{i:04}.jpg");
        std::fs::write(parvis.join("static/photos").join(&name), &bytes).unwrap();
        std::fs::write(hugo.join("assets/photos").join(&name), &bytes).unwrap();
    });
    let mut body = String::from("---\ntitle: Photos\n---\n\n");
    for i in 0..n {
        body.push_str(&format!("![Photo {i}](/photos/photo-{i:04}.jpg)\n\n"));
    }
    write(&parvis.join("content/_index.md"), &body);
    write(
        &parvis.join("site.yaml"),
        "title: Photos\nbase_url: https://photos.example.org/\nsearch: false\nimages:\n  widths: [480, 960, 1600]\n  quality: 80\n",
    );
    write(&hugo.join("hugo.toml"), "baseURL = 'https://photos.example.org/'\ntitle = 'Photos'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\n[imaging]\nquality = 80\nresampleFilter = 'Lanczos'\n");
    write(
        &hugo.join("layouts/index.html"),
        "<!DOCTYPE html><html><body>{{ range resources.Match \"photos/*.jpg\" }}{{ $p := . }}<picture><source type=\"image/webp\" srcset=\"{{ range $i, $w := slice 480 960 1600 }}{{ if $i }}, {{ end }}{{ ($p.Resize (printf \"%dx webp q80\" $w)).RelPermalink }} {{ $w }}w{{ end }}\"><img srcset=\"{{ range $i, $w := slice 480 960 1600 }}{{ if $i }}, {{ end }}{{ ($p.Resize (printf \"%dx q80\" $w)).RelPermalink }} {{ $w }}w{{ end }}\" width=\"{{ $p.Width }}\" height=\"{{ $p.Height }}\" alt=\"\"></picture>\n{{ end }}</body></html>\n",
    );
}

fn write(p: &Path, s: &str) {
    std::fs::write(p, s).unwrap();
}

fn photo(i: u32) -> Vec<u8> {
    let mut state = i.wrapping_mul(2654435761).wrapping_add(12345);
    let img = RgbImage::from_fn(3000, 2000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 24) as u8;
        Rgb([
            ((x / 12 + i * 7) % 200) as u8 + noise,
            ((y / 8 + i * 3) % 200) as u8 + noise,
            (((x + y) / 20) % 200) as u8 + noise,
        ])
    });
    let mut buf = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut buf, 85))
        .unwrap();
    buf
}
