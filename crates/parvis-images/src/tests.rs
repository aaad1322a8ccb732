use super::*;
use image::{ImageBuffer, Rgb, RgbImage};

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img: RgbImage =
        ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut buf = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut buf, 85))
        .unwrap();
    buf
}

#[test]
fn resizes_to_the_widths_never_up_and_caches() {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let src = jpeg(1000, 500);
    let p = images
        .process_bytes(&src, "cover", Kind::Responsive)
        .unwrap();
    let widths: Vec<u32> = p.webp.iter().map(|v| v.width).collect();
    assert_eq!(widths, vec![480, 960, 1000]);
    assert_eq!(p.fallback[1].height, 480);
    assert!(p.fallback.iter().all(|v| v.mime == "image/jpeg"));
    for (v, f) in p.files() {
        let bytes = std::fs::read(&f).unwrap();
        assert_eq!(dimensions(&bytes), Some((v.width, v.height)), "{}", v.name);
    }
    assert_eq!(images.encoded(), 6);
    // A new build with the same cache encodes nothing.
    let again = Images::new(dir.path(), Settings::default());
    assert_eq!(
        again
            .process_bytes(&src, "cover", Kind::Responsive)
            .unwrap(),
        p
    );
    assert_eq!(again.encoded(), 0);
}

#[test]
fn avatars_are_square_and_svg_photos_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let p = images
        .process_bytes(&jpeg(400, 600), "ana", Kind::Avatar)
        .unwrap();
    let sizes: Vec<(u32, u32)> = p.webp.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(sizes, vec![(128, 128), (320, 320)]);
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    assert_eq!(
        images.process_bytes(svg, "x", Kind::Avatar),
        Err(ImageError::Svg)
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let mut broken = jpeg(200, 200);
    broken.truncate(300);
    assert!(matches!(
        images.process_bytes(&broken, "x", Kind::Responsive),
        Err(ImageError::Corrupt(_))
    ));
    assert!(matches!(
        images.process_bytes(b"GIF89a\x01\x00\x01\x00", "x", Kind::Responsive),
        Err(ImageError::Unsupported(_))
    ));
    assert!(matches!(
        images.process_bytes(b"hello", "x", Kind::Responsive),
        Err(ImageError::Unsupported(_))
    ));
}

/// A 30000×30000 PNG of a few kilobytes: refused on its header, before any pixel is
/// allocated.
#[test]
fn decompression_bombs_fail_on_their_header() {
    let bomb = bomb_png(30_000, 30_000);
    assert!(bomb.len() < 2_000_000, "{}", bomb.len());
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let start = std::time::Instant::now();
    let r = images.process_bytes(&bomb, "bomb", Kind::Responsive);
    assert!(matches!(r, Err(ImageError::TooLarge(_))), "{r:?}");
    assert!(start.elapsed().as_secs() < 5);
}

/// A grey PNG of `w`×`h`, written row by row so that making it needs no big buffer.
pub fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_compression(png::Compression::High);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![0u8; w as usize];
    use std::io::Write;
    for _ in 0..h {
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
    drop(writer);
    out
}

#[test]
fn cards_are_drawn_at_1200_by_630_with_accents() {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let card = Card {
        title: "Rencontre à Genève : l'été des communautés françaises".into(),
        section: Some("Événements".into()),
        site: "Parvis".into(),
        style: CardStyle::default(),
        logo: None,
        photo: None,
    };
    let p = images.card(&card).unwrap();
    let (v, f) = p.files().next().unwrap();
    assert_eq!((v.width, v.height), (1200, 630));
    let bytes = std::fs::read(f).unwrap();
    assert_eq!(dimensions(&bytes), Some((1200, 630)));
    assert_eq!(images.card(&card).unwrap(), p);
    assert_eq!(images.encoded(), 1);
    if let Ok(to) = std::env::var("PARVIS_CARD_SAMPLE") {
        std::fs::write(to, bytes).unwrap();
    }
}

#[test]
fn a_resize_is_one_file_of_the_asked_size_and_format_cached() {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path(), Settings::default());
    let src = jpeg(1000, 500);
    let fill = Resize::new(Op::Fill, Some(300), Some(300), Format::Webp).unwrap();
    let p = images
        .process_bytes(&src, "cover", Kind::Resize(fill))
        .unwrap();
    let files: Vec<_> = p.files().collect();
    assert_eq!(files.len(), 1);
    let (v, f) = &files[0];
    assert_eq!(
        (v.width, v.height, v.mime.as_str()),
        (300, 300, "image/webp")
    );
    let bytes = std::fs::read(f).unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::WebP);
    assert_eq!(dimensions(&bytes), Some((300, 300)));
    assert_eq!(images.encoded(), 1);
    let other = Resize::new(Op::Fill, Some(300), Some(200), Format::Webp).unwrap();
    let q = images
        .process_bytes(&src, "cover", Kind::Resize(other))
        .unwrap();
    assert_ne!(q.webp[0].name, p.webp[0].name, "another size, another file");
    let again = Images::new(dir.path(), Settings::default());
    again
        .process_bytes(&src, "cover", Kind::Resize(fill))
        .unwrap();
    assert_eq!(again.encoded(), 0);
}

#[test]
fn metadata_reads_the_header_and_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jpg");
    std::fs::write(&path, jpeg(300, 200)).unwrap();
    assert_eq!(
        metadata(&path).unwrap(),
        Metadata {
            width: 300,
            height: 200,
            format: "jpeg"
        }
    );
    assert!(matches!(
        metadata(&dir.path().join("none.jpg")),
        Err(ImageError::Missing(_))
    ));
}

/// `jpeg` with a comment segment (metadata) right after its start.
fn with_comment(jpeg: Vec<u8>) -> Vec<u8> {
    let text = b"taken at 46.2044 N, 6.1432 E";
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn originals_are_stripped_once_into_the_cache_and_clean_ones_copied_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let tagged = src.path().join("tagged.jpg");
    let clean = src.path().join("clean.jpg");
    std::fs::write(&tagged, with_comment(jpeg(64, 32))).unwrap();
    std::fs::write(&clean, jpeg(64, 32)).unwrap();

    let images = Images::new(dir.path().join("images"), Settings::default());
    let Original::Stripped(copy) = images.original(&tagged).unwrap() else {
        panic!("a picture with a comment is stripped");
    };
    let bytes = std::fs::read(&copy).unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"46.204"),
        "the comment is gone"
    );
    assert_eq!(dimensions(&bytes), Some((64, 32)));
    assert_eq!(images.original(&clean).unwrap(), Original::AsIs);
    assert_eq!(images.stripped(), 1);

    // The next build copies from the cache: nothing is stripped again.
    let again = Images::new(dir.path().join("images"), Settings::default());
    assert_eq!(
        again.original(&tagged).unwrap(),
        Original::Stripped(copy.clone())
    );
    assert_eq!(again.original(&clean).unwrap(), Original::AsIs);
    assert_eq!(again.stripped(), 0);
    assert_eq!(
        again.original(&src.path().join("gone.jpg")),
        Err(ImageError::Missing(
            "No such file or directory (os error 2)".into()
        ))
    );
}
