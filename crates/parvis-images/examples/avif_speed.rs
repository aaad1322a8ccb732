//! Whether AVIF is worth encoding beside WebP: times both encoders on one photo brought to
//! 1600 pixels wide (the largest default width), at the quality parvis uses (80), and
//! prints the time and size of each. AVIF is only worth it if it costs less than about three
//! times WebP: every picture is encoded in every width at the first build.
//!
//! `cargo run --release -p parvis-images --features avif-speed --example avif_speed -- PHOTO.jpg`
//! (the feature brings in `ravif`, whose AV1 encoder, rav1e, is large to build; its
//! assembly needs `nasm`).

use image::imageops::FilterType;
use std::time::Instant;

const RUNS: u32 = 3;

fn main() {
    let path = std::env::args().nth(1).expect("PHOTO.jpg");
    let photo = image::open(&path).expect("a JPEG, PNG or WebP photo");
    let h = (photo.height() as u64 * 1600 / photo.width() as u64) as u32;
    let rgb = photo.resize_exact(1600, h, FilterType::Lanczos3).to_rgb8();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{path}: 1600×{h}, quality 80, {threads} threads available, best of {RUNS}");

    let webp = best(|| {
        webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
            .encode(80.0)
            .len()
    });
    println!("webp          {:>7.1} ms {:>8} bytes", webp.0, webp.1);

    let pixels: Vec<ravif::RGB8> = rgb
        .pixels()
        .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
        .collect();
    let img = ravif::Img::new(pixels.as_slice(), 1600, h as usize);
    for speed in [10u8, 8, 6] {
        for threads in [Some(1), None] {
            let avif = best(|| {
                ravif::Encoder::new()
                    .with_quality(80.0)
                    .with_speed(speed)
                    .with_num_threads(threads)
                    .encode_rgb(img)
                    .expect("encodes")
                    .avif_file
                    .len()
            });
            println!(
                "avif speed {speed:>2} {:>7.1} ms {:>8} bytes  {:.1}× webp ({})",
                avif.0,
                avif.1,
                avif.0 / webp.0,
                if threads.is_some() {
                    "1 thread"
                } else {
                    "all threads"
                }
            );
        }
    }
}

/// The fastest of [`RUNS`] runs, in milliseconds, and the size the run gave.
fn best(mut run: impl FnMut() -> usize) -> (f64, usize) {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let n = run();
            (t.elapsed().as_secs_f64() * 1000.0, n)
        })
        .fold((f64::MAX, 0), |a, b| if b.0 < a.0 { b } else { a })
}
