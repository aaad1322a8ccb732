//! Pictures beyond Markdown images: the templates' `resize_image` and `get_image_metadata`,
//! the `figure` shortcode, covers on cards and the hero, and originals published without
//! their metadata (a photo's GPS position never leaves the site).

use crate::images::{encoded, jpeg, site};
use std::io::Cursor;

/// The `src`, `width` and `height` of the `<img>` with `id` in `html`.
fn img(html: &str, id: &str) -> (String, u32, u32) {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        let from = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + key.len();
        tag[from..from + tag[from..].find('"').unwrap()].to_string()
    };
    (
        attr("src"),
        attr("width").parse().unwrap(),
        attr("height").parse().unwrap(),
    )
}

/// The picture published at root-relative `url`: its format and size.
fn published(t: &crate::site_test::SiteTest, url: &str) -> (image::ImageFormat, u32, u32) {
    let bytes = std::fs::read(t.out().join(url.trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{url} is not in the output: {e}"));
    let img = image::load_from_memory(&bytes).unwrap();
    (
        image::guess_format(&bytes).unwrap(),
        img.width(),
        img.height(),
    )
}

const FOOTER: &str = r#"<footer>
{% set f = resize_image(path="blog/launch/cover.jpg", width=300, height=200, op="fill") %}<img id="fill" src="{{ f.url }}" width="{{ f.width }}" height="{{ f.height }}" alt="">
{% set w = resize_image(path="/blog/launch/cover.jpg", width=500, op="fit_width", format="webp") %}<img id="fit-width" src="{{ w.url }}" width="{{ w.width }}" height="{{ w.height }}" alt="">
{% set d = resize_image(path="blog/launch/diagram.png", width=100, height=100, op="fit") %}<img id="fit" src="{{ d.url }}" width="{{ d.width }}" height="{{ d.height }}" alt="">
{% set m = get_image_metadata(path="blog/launch/cover.jpg") %}<p id="meta">{{ m.width }}x{{ m.height }} {{ m.format }}</p>
</footer>"#;

#[test]
fn templates_resize_pictures_once_and_a_warm_build_encodes_nothing() {
    let t = site();
    t.file("templates/partials/footer.html", FOOTER);
    let first = t.build(&["--timings"]);
    first.success();
    let home = t.read("index.html");

    let (src, w, h) = img(&home, "fill");
    assert!(
        src.starts_with("/media/cover-") && src.ends_with(".jpg"),
        "{src}"
    );
    assert_eq!((w, h), (300, 200));
    assert_eq!(published(&t, &src), (image::ImageFormat::Jpeg, 300, 200));
    let (src, w, h) = img(&home, "fit-width");
    assert_eq!((w, h), (500, 250));
    assert_eq!(published(&t, &src), (image::ImageFormat::WebP, 500, 250));
    let (src, w, h) = img(&home, "fit");
    assert_eq!((w, h), (100, 50), "fits inside, proportions kept");
    assert_eq!(published(&t, &src), (image::ImageFormat::Png, 100, 50));
    assert!(home.contains(r#"<p id="meta">2000x1000 jpeg</p>"#));
    // Every page has the footer; each size is one file, the same on every page.
    assert_eq!(
        img(&t.read("blog/launch/index.html"), "fill"),
        img(&home, "fill")
    );

    let again = t.build(&["--timings"]);
    again.success();
    assert_eq!(
        encoded(&again.stdout, &again.stderr),
        0,
        "all from the cache"
    );
    assert_eq!(t.read("index.html"), home);
}

#[test]
fn a_wrong_call_is_an_error_at_the_template_line_naming_the_picture() {
    for (call, says) in [
        (
            r#"resize_image(path="blog/launch/missing.jpg", width=10, height=10)"#,
            "neither content/blog/launch/missing.jpg nor static/blog/launch/missing.jpg exists",
        ),
        (
            r#"resize_image(path="blog/launch/cover.jpg", width=10, op="stretch")"#,
            "unknown op `stretch`",
        ),
        (
            r#"resize_image(path="blog/launch/cover.jpg", width=10, op="fill")"#,
            "this operation needs `height`",
        ),
        (r#"get_image_metadata(path="../site.yaml")"#, "without `..`"),
        (
            r#"get_image_metadata(path="secret.jpg")"#,
            "nor static/secret.jpg exists",
        ),
        (
            r#"get_image_metadata(path="/logo.svg")"#,
            "SVG has no pixel size",
        ),
    ] {
        let t = site();
        // A picture outside the site, linked from static/: not one of the site's.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.jpg"), jpeg(10, 10, 0)).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.jpg"),
            t.root.join("static/secret.jpg"),
        )
        .unwrap();
        t.file(
            "templates/partials/footer.html",
            format!("<footer>\n{{% set x = {call} %}}{{{{ x.width }}}}</footer>"),
        );
        let run = t.build(&[]);
        run.failure(1);
        run.stderr_has("templates/partials/footer.html:2:");
        run.stderr_has(says);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn the_figure_shortcode_is_a_processed_picture_with_its_caption() {
    let t = site();
    t.file(
        "content/blog/figures/index.md",
        "---\ntitle: Figures\ndate: 2026-01-12\n---\n\n{{ figure(src=\"team.jpg\", alt=\"The team\", caption=\"At the launch\") }}\n\n{{ figure(src=\"/blog/launch/cover.jpg\", alt=\"Stage\") }}\n\n{{ figure(src=\"https://example.org/x.jpg\", alt=\"Elsewhere\") }}\n",
    )
    .file("content/blog/figures/team.jpg", jpeg(1200, 800, 40));
    t.build(&[]).success();
    let html = t.read("blog/figures/index.html");
    let at = html
        .find("<figure><picture>")
        .expect("a <picture> in the figure");
    let figure = &html[at..at + html[at..].find("</figure>").unwrap()];
    assert!(
        figure.contains(r#"<source type="image/webp" srcset="/media/team-"#),
        "{figure}"
    );
    assert!(
        figure.contains(" 480w, ") && figure.contains(" 960w, "),
        "{figure}"
    );
    assert!(figure.contains(r#"width="1200" height="800""#), "{figure}");
    assert!(figure.contains(r#"alt="The team""#), "{figure}");
    assert!(
        figure.contains("<figcaption>At the launch</figcaption>"),
        "{figure}"
    );
    assert!(figure.contains(r#"sizes=""#), "{figure}");
    for url in figure
        .split(['"', ' ', ','])
        .filter(|s| s.starts_with("/media/"))
    {
        assert!(t.out().join(&url[1..]).is_file(), "{url} is not written");
    }
    assert!(
        html.contains(r#"srcset="/media/cover-"#),
        "a path from the root"
    );
    assert!(
        html.contains(r#"<figure><img src="https://example.org/x.jpg" alt="Elsewhere""#),
        "another site's picture is shown as it is"
    );
}

#[test]
fn cards_and_the_hero_show_covers_in_small_widths() {
    let t = site();
    let home = std::fs::read_to_string(t.root.join("content/_index.md")).unwrap();
    t.file(
        "content/_index.md",
        home.replacen("title: Club\n", "title: Club\nimage: /hero.jpg\n", 1),
    )
    .file("static/hero.jpg", jpeg(1500, 1000, 70));
    t.build(&[]).success();
    let blog = t.read("blog/index.html");
    let at = blog
        .find(r#"<picture class="cover-picture">"#)
        .expect("the post's card has a processed cover");
    let cover = &blog[at..at + blog[at..].find("</picture>").unwrap()];
    assert!(cover.contains("-480.webp 480w, /media/cover-"), "{cover}");
    assert!(cover.contains("-960.jpg 960w"), "{cover}");
    assert!(!cover.contains("1600w"), "small widths only: {cover}");
    assert!(cover.contains(r#"width="960" height="480""#), "{cover}");
    let src = cover
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(published(&t, src), (image::ImageFormat::Jpeg, 480, 240));

    let home = t.read("index.html");
    let at = home
        .find(r#"<picture class="hero-picture">"#)
        .expect("a processed hero");
    let hero = &home[at..at + home[at..].find("</picture>").unwrap()];
    assert!(hero.contains("/media/hero-"), "{hero}");
    assert!(hero.contains(r#"width="960" height="640""#), "{hero}");
}

/// An EXIF block (little-endian TIFF) with `orientation` and a GPS position, Geneva's.
fn gps_exif(orientation: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0 at 8: orientation and the GPS IFD's offset (38).
    t.extend_from_slice(&2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend_from_slice(&[0; 4]);
    // GPS IFD at 38: latitude reference and latitude (three rationals at 68).
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 68u32.to_le_bytes());
    t.extend_from_slice(&[0; 4]);
    for (n, d) in [(46u32, 1u32), (12, 1), (1600, 100)] {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    t
}

/// A JPEG with `exif` in an APP1 segment right after its start.
fn with_exif(jpeg: Vec<u8>, exif: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The EXIF block and orientation image reads from a published file.
fn exif_of(bytes: &[u8]) -> (Option<Vec<u8>>, image::metadata::Orientation) {
    use image::ImageDecoder;
    let mut d = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    let exif = d.exif_metadata().unwrap();
    (exif, d.orientation().unwrap())
}

fn has_gps(exif: &[u8]) -> bool {
    exif.windows(2).any(|w| w == [0x25, 0x88]) || exif.windows(4).any(|w| w == 46u32.to_le_bytes())
}

#[test]
fn originals_are_published_without_their_gps_position() {
    use image::metadata::Orientation;
    let t = site();
    let upright = with_exif(jpeg(800, 600, 5), &gps_exif(1));
    let turned = with_exif(jpeg(800, 600, 6), &gps_exif(6));
    assert!(
        has_gps(&exif_of(&upright).0.unwrap()),
        "the test's EXIF has GPS"
    );
    assert_eq!(exif_of(&turned).1, Orientation::Rotate90);
    t.file("content/blog/launch/gps.jpg", &upright)
        .file("content/blog/launch/turned.jpg", &turned)
        .file("static/photos/gps.jpg", &upright)
        .file(
            "content/blog/holiday.md",
            "---\ntitle: Holiday\ndate: 2026-01-13\n---\n\n![Beach](launch/gps.jpg)\n\n![Hill](launch/turned.jpg)\n\n![Lake](/photos/gps.jpg)\n",
        );
    t.build(&[]).success();
    for url in ["blog/launch/gps.jpg", "photos/gps.jpg"] {
        let out = std::fs::read(t.out().join(url)).unwrap();
        let (exif, orientation) = exif_of(&out);
        assert!(exif.is_none(), "{url} keeps EXIF");
        assert_eq!(orientation, Orientation::NoTransforms);
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!(
            (img.width(), img.height()),
            (800, 600),
            "{url}: same pixels"
        );
    }
    let out = std::fs::read(t.out().join("blog/launch/turned.jpg")).unwrap();
    let (exif, orientation) = exif_of(&out);
    assert!(
        !has_gps(&exif.expect("the orientation stays")),
        "GPS is gone"
    );
    assert_eq!(
        orientation,
        Orientation::Rotate90,
        "still shown right way up"
    );
}
