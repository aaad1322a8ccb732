//! Metadata taken out of the originals the site publishes as they are (the file a Markdown
//! image links to, a picture of `static/`): EXIF (GPS position, camera serial, date), XMP,
//! IPTC, comments and PNG text, without touching the pixels. What stays: the colour profile
//! (ICC), which changes how the picture looks, and the orientation of a photo taken turned,
//! kept alone in a minimal EXIF block: dropping it would show the original on its side,
//! while re-encoding it would change a file the writer meant to publish as it is.
//!
//! Hand-written over the three containers' segment layouts, which are simple and stable:
//! nothing is decoded, so this is as fast as a copy and cannot fail on a picture's content.

/// `bytes` with their metadata taken out, or `None` when there is nothing to take out or
/// the file is not a JPEG, PNG or WebP this can read (it is then published as it is).
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        None
    }
}

/// The EXIF orientation (1 to 8) in a TIFF block (`Exif\0\0` first or not), when not 1.
fn orientation(exif: &[u8]) -> Option<u16> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big = match tiff.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(o..o + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |o: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(o..o + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512))
        .map(|k| ifd + 2 + k * 12)
        .find(|&e| u16_at(e) == Some(0x0112))
        .and_then(|e| u16_at(e + 8))
        .filter(|o| (2..=8).contains(o))
}

/// A TIFF block holding only `orientation`.
fn orientation_only(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08".to_vec();
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&0x0112u16.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    t
}

fn jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    let mut changed = false;
    loop {
        if b.get(i)? != &0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        // Fill bytes, and markers without a length.
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        // Start of scan: the compressed data follows, and nothing after it is metadata
        // worth the risk of parsing.
        if marker == 0xDA || marker == 0xD9 {
            out.extend_from_slice(&b[i..]);
            break;
        }
        let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
        let end = i + 2 + len;
        let segment = b.get(i..end)?;
        // A length below 2 cannot even hold itself: not a JPEG this can read.
        let body = segment.get(4..)?;
        match marker {
            // APP1 (EXIF, XMP), APP13 (IPTC), comments.
            0xE1 | 0xED | 0xFE => {
                changed = true;
                if marker == 0xE1 && body.starts_with(b"Exif\0\0") {
                    if let Some(o) = orientation(body) {
                        let mut exif = b"Exif\0\0".to_vec();
                        exif.extend(orientation_only(o));
                        out.extend_from_slice(&[0xFF, 0xE1]);
                        out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
                        out.extend(exif);
                    }
                }
            }
            _ => out.extend_from_slice(segment),
        }
        i = end;
    }
    changed.then_some(out)
}

fn png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = b[..8].to_vec();
    let mut i = 8;
    let mut changed = false;
    while i < b.len() {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = b.get(i..end)?;
        let kind = &chunk[4..8];
        let data = &chunk[8..8 + len];
        match kind {
            b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" => {
                changed = true;
                if kind == b"eXIf" {
                    if let Some(o) = orientation(data) {
                        out.extend(png_chunk(b"eXIf", &orientation_only(o)));
                    }
                }
            }
            _ => out.extend_from_slice(chunk),
        }
        i = end;
    }
    changed.then_some(out)
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let crc = crc32(&c[4..]);
    c.extend_from_slice(&crc.to_be_bytes());
    c
}

/// CRC-32 (IEEE), as PNG chunks carry it; a few bytes a file, so bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut chunks: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    let mut i = 12;
    let mut changed = false;
    let riff_end = (u32::from_le_bytes(b[4..8].try_into().ok()?) as usize + 8).min(b.len());
    while i + 8 <= riff_end {
        let kind: [u8; 4] = b[i..i + 4].try_into().ok()?;
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().ok()?) as usize;
        let data = b.get(i + 8..(i + 8).checked_add(len)?)?;
        match &kind {
            b"EXIF" | b"XMP " => {
                changed = true;
                if &kind == b"EXIF" {
                    if let Some(o) = orientation(data) {
                        chunks.push((kind, orientation_only(o)));
                    }
                }
            }
            _ => chunks.push((kind, data.to_vec())),
        }
        i += 8 + len + (len & 1);
    }
    if !changed {
        return None;
    }
    let has_exif = chunks.iter().any(|(k, _)| k == b"EXIF");
    let mut body = b"WEBP".to_vec();
    for (kind, mut data) in chunks {
        if &kind == b"VP8X" && !data.is_empty() {
            // Flags: 0x08 EXIF, 0x04 XMP.
            data[0] &= !0x04;
            if !has_exif {
                data[0] &= !0x08;
            }
        }
        body.extend_from_slice(&kind);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        let odd = data.len() & 1 == 1;
        body.extend(data);
        if odd {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TIFF block with an orientation and a GPS latitude reference (tag 0x0001 stands in
    /// for the GPS IFD: what matters is that its bytes go).
    fn exif(orient: u16) -> Vec<u8> {
        let mut t = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        for (tag, value) in [(0x0112u16, orient), (0x8825, 0x4e)] {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&3u16.to_le_bytes());
            t.extend_from_slice(&1u32.to_le_bytes());
            t.extend_from_slice(&value.to_le_bytes());
            t.extend_from_slice(&[0, 0]);
        }
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(b"GPS 46.2044N 6.1432E");
        t
    }

    fn jpeg_with(exif: &[u8]) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
        j.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        j.extend_from_slice(exif);
        j.extend_from_slice(&[0xFF, 0xE2, 0x00, 0x06, b'I', b'C', b'C', b'!']);
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]);
        j
    }

    fn has(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_its_exif_but_keeps_colour_and_turn() {
        let upright = strip(&jpeg_with(&exif(1))).unwrap();
        assert!(!has(&upright, b"GPS") && !has(&upright, b"Exif"));
        assert!(has(&upright, b"ICC!"), "the colour profile stays");
        assert!(upright.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]));
        let turned = strip(&jpeg_with(&exif(6))).unwrap();
        assert!(!has(&turned, b"GPS"));
        let app1 = &turned[turned.windows(6).position(|w| w == b"Exif\0\0").unwrap()..];
        assert_eq!(orientation(app1), Some(6), "the turn stays");
        assert_eq!(strip(&upright), None, "nothing left to take out");
    }

    #[test]
    fn png_and_webp_lose_exif_and_text() {
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend(png_chunk(b"IHDR", &[0; 13]));
        p.extend(png_chunk(b"eXIf", &exif(1)[6..]));
        p.extend(png_chunk(b"tEXt", b"Comment\0GPS here"));
        p.extend(png_chunk(b"IEND", &[]));
        let s = strip(&p).unwrap();
        assert!(!has(&s, b"GPS") && has(&s, b"IHDR") && has(&s, b"IEND"));

        let mut w = b"RIFF\0\0\0\0WEBP".to_vec();
        for (kind, data) in [
            (b"VP8X", vec![0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (b"VP8L", vec![1, 2, 3]),
            (b"EXIF", exif(1)[6..].to_vec()),
            (b"XMP ", b"<x>GPS</x>".to_vec()),
        ] {
            w.extend_from_slice(kind);
            w.extend_from_slice(&(data.len() as u32).to_le_bytes());
            let odd = data.len() % 2 == 1;
            w.extend(data);
            if odd {
                w.push(0);
            }
        }
        let size = (w.len() - 8) as u32;
        w[4..8].copy_from_slice(&size.to_le_bytes());
        let s = strip(&w).unwrap();
        assert!(!has(&s, b"GPS") && has(&s, b"VP8L"));
        assert_eq!(s[20] & 0x0C, 0, "VP8X no longer announces EXIF or XMP");
        assert_eq!(
            u32::from_le_bytes(s[4..8].try_into().unwrap()) as usize,
            s.len() - 8
        );
    }

    /// Every truncation and many one-byte changes of valid files: stripping never panics (the
    /// originals are the writers' files, but a hostile or damaged one must only be copied).
    #[test]
    fn damaged_files_never_panic() {
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend(png_chunk(b"IHDR", &[0; 13]));
        p.extend(png_chunk(b"eXIf", &exif(6)[6..]));
        p.extend(png_chunk(b"IEND", &[]));
        let mut w = b"RIFF\x1e\0\0\0WEBPEXIF".to_vec();
        w.extend_from_slice(&(exif(6).len() as u32 - 6).to_le_bytes());
        w.extend_from_slice(&exif(6)[6..]);
        let mut seed = 0x2545_f491_u32;
        for file in [jpeg_with(&exif(6)), p, w] {
            for cut in 0..file.len() {
                let _ = strip(&file[..cut]);
            }
            for _ in 0..4000 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let mut f = file.clone();
                let at = seed as usize % f.len();
                f[at] = (seed >> 24) as u8;
                let _ = strip(&f);
            }
        }
    }

    #[test]
    fn broken_files_are_left_alone() {
        assert_eq!(strip(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF]), None);
        assert_eq!(strip(b"\x89PNG\r\n\x1a\n\0\0\xff\xffIDAT"), None);
        assert_eq!(strip(b"RIFF\xff\xff\xff\xffWEBPEXIF\xff\xff\xff\x7f"), None);
        assert_eq!(strip(b"GIF89a"), None);
        // A segment length of 0 or 1 (shorter than the length field itself).
        assert_eq!(
            strip(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00, 0xFF, 0xD9]),
            None
        );
        assert_eq!(
            strip(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9]),
            None
        );
    }
}
