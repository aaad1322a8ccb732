//! Pictures: resized with `srcset`, `width` and `height`; encoded once (a second build takes
//! everything from the cache); member photos as avatars; a social card of the right size on
//! every page; bad pictures reported at the reference, a decompression bomb refused fast.

use crate::site_test::SiteTest;
use image::{DynamicImage, ImageBuffer, Rgb, RgbImage};

/// A JPEG of `w`×`h` with a gradient (so that it does not compress to nothing).
pub fn jpeg(w: u32, h: u32, tint: u8) -> Vec<u8> {
    let img: RgbImage =
        ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, tint]));
    let mut buf = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut buf, 80,
        ))
        .unwrap();
    buf
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([40, (x % 256) as u8, 200, 180]));
    let mut buf = Vec::new();
    DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut buf), image::ImageFormat::Png)
        .unwrap();
    buf
}

/// The community fixture with a post bundle (cover and Markdown images), an event, a docs
/// page, member photos and a logo.
pub fn site() -> SiteTest {
    let t = SiteTest::fixture("community");
    t.file(
        "content/blog/launch/index.md",
        "---\ntitle: Lancement à Genève\ndate: 2026-01-10\nimage: cover.jpg\n---\n\n![The team on stage](cover.jpg)\n\nText.\n\n![](diagram.png)\n",
    )
    .file("content/blog/launch/cover.jpg", jpeg(2000, 1000, 10))
    .file("content/blog/launch/diagram.png", png(600, 300))
    .file("static/members/ada.png", png(300, 400))
    .file("static/logo.svg", r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#38bdf8"/></svg>"##);
    let yaml = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.file("site.yaml", format!("{yaml}logo: logo.svg\n"));
    t
}

pub fn encoded(stdout: &str, stderr: &str) -> usize {
    stdout
        .lines()
        .chain(stderr.lines())
        .find_map(|l| l.strip_prefix("images encoded: "))
        .unwrap_or_else(|| panic!("no count in:\n{stdout}\n{stderr}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn pages_get_resized_pictures_and_a_second_build_encodes_nothing() {
    let t = site();
    let first = t.build(&["--timings"]);
    first.success();
    assert!(encoded(&first.stdout, &first.stderr) > 0);
    // The image without alternative text is a warning at its place.
    first.stderr_has("content/blog/launch/index.md:11:1");
    first.stderr_has("no alternative text");

    let html = t.read("blog/launch/index.html");
    let picture = html.find("<picture>").expect("a <picture> in the post");
    let tag = &html[picture..html[picture..].find("</picture>").unwrap() + picture];
    assert!(
        tag.contains(r#"<source type="image/webp" srcset="/media/cover-"#),
        "{tag}"
    );
    assert!(tag.contains(" 480w, "), "{tag}");
    assert!(tag.contains(r#"width="1600" height="800""#), "{tag}");
    assert!(tag.contains(r#"alt="The team on stage""#), "{tag}");
    assert!(
        tag.contains(r#"loading="eager""#),
        "first image eager: {tag}"
    );
    assert!(
        html.contains(r#"loading="lazy" decoding="async""#),
        "second lazy"
    );
    // Every variant is written, at the size it says.
    for url in tag
        .split(['"', ' ', ','])
        .filter(|s| s.starts_with("/media/"))
    {
        let bytes = std::fs::read(t.out().join(url.trim_start_matches('/'))).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert!(img.width() <= 1600, "{url}");
    }

    let again = t.build(&["--timings"]);
    again.success();
    assert_eq!(
        encoded(&again.stdout, &again.stderr),
        0,
        "the cache serves every image"
    );
    assert_eq!(
        t.read("blog/launch/index.html"),
        html,
        "same output from the cache"
    );
}

/// Every HTML page announces a social card: absolute URL, 1200×630, a real image of that
/// size.
#[test]
fn every_page_has_a_social_card_of_the_right_size() {
    let t = site();
    t.build(&[]).success();
    let out = t.out();
    let mut checked = 0;
    let mut cards = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias
        }
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .display()
            .to_string();
        let url = meta(&html, "og:image").unwrap_or_else(|| panic!("{rel} has no og:image"));
        assert_eq!(
            meta(&html, "og:image:width").as_deref(),
            Some("1200"),
            "{rel}"
        );
        assert_eq!(
            meta(&html, "og:image:height").as_deref(),
            Some("630"),
            "{rel}"
        );
        assert!(html.contains(&format!(r#"<meta name="twitter:image" content="{url}">"#)));
        let path = url
            .strip_prefix("https://club.example.org/")
            .unwrap_or_else(|| panic!("{rel}: not absolute: {url}"));
        if cards.insert(path.to_string()) {
            let img = image::open(out.join(path)).unwrap();
            assert_eq!((img.width(), img.height()), (1200, 630), "{rel}: {path}");
        }
        checked += 1;
    }
    assert!(checked > 10, "{checked} pages");
    // The post's card is its own cover; a member with a photo gets a card of their own.
    let post = t.read("blog/launch/index.html");
    assert!(meta(&post, "og:image").unwrap().contains("/media/cover-"));
    let ada = t.read("members/ada/index.html");
    let home = t.read("index.html");
    assert_ne!(meta(&ada, "og:image"), meta(&home, "og:image"));
    // The logo makes the favicons.
    assert!(
        home.contains(r#"<link rel="icon" href="/media/logo-"#),
        "favicon"
    );
    assert!(home.contains(r#"<link rel="apple-touch-icon" href="/media/logo-"#));
}

fn meta(html: &str, name: &str) -> Option<String> {
    for key in ["property", "name"] {
        let needle = format!(r#"<meta {key}="{name}" content=""#);
        if let Some(at) = html.find(&needle) {
            let rest = &html[at + needle.len()..];
            return Some(rest[..rest.find('"')?].to_string());
        }
    }
    None
}

#[test]
fn member_photos_are_square_avatars_never_the_upload() {
    let t = site();
    t.file(
        "static/members/bob.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    );
    let bob = std::fs::read_to_string(t.root.join("data/members/bob.yaml")).unwrap();
    t.file(
        "data/members/bob.yaml",
        format!("{bob}\nphoto: members/bob.svg\n"),
    );
    let run = t.build(&[]);
    run.success();
    run.stderr_has("member `bob`");
    run.stderr_has("an SVG cannot be used here");
    let html = t.read("members/index.html");
    assert!(
        !html.contains("ada.png"),
        "the upload itself is never shown"
    );
    assert!(!html.contains("bob.svg"), "an SVG photo is never shown");
    // Nor published: only the avatars (resized, metadata such as GPS dropped) leave the site.
    for upload in ["members/ada.png", "members/bob.svg"] {
        assert!(
            !t.out().join(upload).exists(),
            "{upload} is copied into the output"
        );
    }
    let at = html
        .find(r#"<img class="avatar" src="/media/ada-"#)
        .expect("ada's avatar");
    let tag = &html[at..at + html[at..].find('>').unwrap()];
    assert!(tag.contains("-128.jpg 128w"), "{tag}");
    assert!(tag.contains(r#"sizes="64px""#), "{tag}");
    let src = tag.split('"').nth(3).unwrap();
    let img = image::open(t.out().join(src.trim_start_matches('/'))).unwrap();
    assert_eq!((img.width(), img.height()), (128, 128));
}

#[test]
fn bad_pictures_are_errors_at_their_reference() {
    let t = site();
    let mut broken = jpeg(400, 300, 1);
    broken.truncate(200);
    t.file("content/blog/launch/broken.jpg", broken)
        .file("content/blog/launch/fake.png", b"GIF89a not really")
        .file(
            "content/blog/broken.md",
            "---\ntitle: Broken\ndate: 2026-01-11\n---\n\n![damaged](launch/broken.jpg)\n\n![fake](launch/fake.png)\n",
        );
    let run = t.build(&[]);
    run.failure(1);
    run.stderr_has("content/blog/broken.md:6:1");
    run.stderr_has("damaged");
    run.stderr_has("content/blog/broken.md:8:1");
    run.stderr_has("unsupported image format");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A 30000×30000 PNG of about a megabyte is refused on its header, fast, under a 3 GiB
/// address-space cap (decoding it would need 2.7 GB for the pixels alone).
#[test]
fn a_decompression_bomb_fails_fast_under_a_memory_cap() {
    let t = site();
    t.file("content/blog/launch/bomb.png", bomb_png(30_000, 30_000))
        .file(
            "content/blog/bomb.md",
            "---\ntitle: Bomb\ndate: 2026-01-12\n---\n\nSee ![a bomb](launch/bomb.png).\n",
        );
    let start = std::time::Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 3145728; exec '{}' build '{}'",
            env!("CARGO_BIN_EXE_parvis"),
            t.root.display()
        ))
        .env("CI", "true")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/blog/bomb.md:6:5"), "{stderr}");
    assert!(stderr.contains("too large"), "{stderr}");
    assert!(start.elapsed().as_secs() < 60);
}

fn bomb_png(w: u32, h: u32) -> Vec<u8> {
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
