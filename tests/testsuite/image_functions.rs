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
pub fn gps_exif(orientation: u16) -> Vec<u8> {
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
pub fn with_exif(jpeg: Vec<u8>, exif: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The EXIF block and orientation image reads from a published file.
pub fn exif_of(bytes: &[u8]) -> (Option<Vec<u8>>, image::metadata::Orientation) {
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

/// How many originals a `--timings` build stripped of their metadata.
fn stripped(run: &crate::site_test::Run) -> usize {
    run.stdout
        .lines()
        .chain(run.stderr.lines())
        .find_map(|l| l.strip_prefix("images stripped: "))
        .unwrap_or_else(|| panic!("no count in:\n{}\n{}", run.stdout, run.stderr))
        .trim()
        .parse()
        .unwrap()
}

/// The copies without metadata the image cache holds, with their bytes and time of writing.
fn cached_originals(t: &crate::site_test::SiteTest) -> Vec<(Vec<u8>, std::time::SystemTime)> {
    let cache = t.root.join(".parvis-cache/images");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(cache).unwrap() {
        for file in std::fs::read_dir(entry.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("original-") {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                out.push((std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    out
}

#[test]
fn a_warm_build_copies_originals_without_their_gps_from_the_cache() {
    let t = site();
    t.file(
        "static/photos/gps.jpg",
        with_exif(jpeg(800, 600, 5), &gps_exif(1)),
    );
    let first = t.build(&["--timings"]);
    first.success();
    assert_eq!(stripped(&first), 1, "the one photo with metadata");
    let published = std::fs::read(t.out().join("photos/gps.jpg")).unwrap();
    assert!(
        exif_of(&published).0.is_none(),
        "no EXIF on the first build"
    );
    let cached = cached_originals(&t);
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0].0, published, "published from the cache");

    let second = t.build(&["--timings"]);
    second.success();
    assert_eq!(stripped(&second), 0, "a warm build strips nothing");
    assert_eq!(cached_originals(&t), cached, "the cached copy is reused");
    let again = std::fs::read(t.out().join("photos/gps.jpg")).unwrap();
    assert_eq!(again, published);
    assert!(exif_of(&again).0.is_none(), "no EXIF on the warm build");
}

/// The `<picture>` that follows `marker` in `html`.
fn picture_after<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let start = at + html[at..].find("<picture").expect("a <picture>");
    &html[start..start + html[start..].find("</picture>").unwrap()]
}

/// The `<picture>` that comes last before `marker` in `html` (a card's cover, before its title).
fn picture_before<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let start = html[..at].rfind("<picture").expect("a <picture>");
    &html[start..start + html[start..].find("</picture>").unwrap()]
}

/// The value of `name` in the first tag of `html` that has it.
fn attr<'a>(html: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let from = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + key.len();
    &html[from..from + html[from..].find('"').unwrap()]
}

#[test]
fn a_sections_image_beside_its_index_is_its_processed_cover_and_a_shared_picture_is_one() {
    let t = site();
    let blog = std::fs::read_to_string(t.root.join("content/blog/_index.md")).unwrap();
    t.file(
        "content/blog/_index.md",
        blog.replacen("title: Blog\n", "title: Blog\nimage: cover.jpg\n", 1),
    )
    .file("content/blog/cover.jpg", jpeg(1200, 600, 30))
    .file("static/shared.jpg", jpeg(1000, 500, 90))
    .file(
        "content/guides/_index.md",
        "---\ntitle: Guides\nimage: /shared.jpg\n---\n",
    )
    .file(
        "content/blog/shared.md",
        "---\ntitle: Shared\ndate: 2026-01-12\nimage: shared.jpg\n---\n\nText.\n",
    )
    // The section's page shows its own cover where the theme puts the breadcrumbs.
    .file(
        "templates/partials/breadcrumbs.html",
        r#"{% if section is defined %}{% if section.cover %}<picture id="section-cover"><img src="{{ section.cover.src }}" srcset="{{ section.cover.srcset }}"></picture>{% endif %}{% endif %}"#,
    );
    t.build(&[]).success();

    // Its card, the blog's tile on the home page.
    let home = t.read("index.html");
    let tile = picture_after(&home, r#"<li class="tile has-cover"><a href="/blog/">"#);
    assert!(tile.contains("-480.webp 480w, /media/cover-"), "{tile}");
    assert!(tile.contains("-960.jpg 960w"), "{tile}");
    assert!(tile.contains(r#"width="960" height="480""#), "{tile}");
    let small = attr(tile, "src");
    assert_eq!(published(&t, small), (image::ImageFormat::Jpeg, 480, 240));

    // Its page: the same processed files.
    let page = t.read("blog/index.html");
    let own = picture_before(&page, r#"id="section-cover""#);
    let tile_img = &tile[tile.find("<img").unwrap()..];
    assert_eq!(attr(own, "srcset"), attr(tile_img, "srcset"));
    assert!(attr(own, "srcset").contains(" 480w, "), "{own}");

    // A section and a page naming the same picture of static/ show the same files.
    let guides = picture_after(&home, r#"<li class="tile has-cover"><a href="/guides/">"#);
    let post = picture_before(&page, r#"<a href="/blog/shared/">Shared</a>"#);
    assert!(
        attr(guides, "srcset").contains("/media/shared-"),
        "{guides}"
    );
    assert_eq!(attr(guides, "srcset"), attr(post, "srcset"));
    assert_eq!(attr(guides, "src"), attr(post, "src"));
}

#[test]
fn an_image_found_nowhere_is_an_error_at_its_line_naming_where_it_was_looked_for() {
    let t = site();
    t.file(
        "content/blog/lost.md",
        "---\ntitle: Lost\ndate: 2026-01-12\nimage: lost.jpg\n---\n\nText.\n",
    );
    t.build(&[])
        .failure(1)
        .stderr_has("content/blog/lost.md:4:")
        .stderr_has("the picture `lost.jpg` does not exist (looked for content/blog/lost.jpg, then static/lost.jpg, then content/lost.jpg)");
}
