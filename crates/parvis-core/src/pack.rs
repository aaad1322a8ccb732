//! Packed text: what a build holds of bodies and highlighted code that it does not need
//! plain until later. One format for both: a zstd frame (level 1), its unpacked length in
//! front.
//!
//! Why zstd rather than LZ4: at 100,000 pages the packed bodies are the largest thing a
//! build holds, and zstd's fastest level packs HTML about a quarter smaller, for a little
//! more time (each body is packed once and unpacked by each stage that reads it).

use std::cell::RefCell;

/// The level: the fastest of zstd's usual ones, still well above LZ4's ratio on HTML.
const LEVEL: i32 = 1;
/// The most a zstd frame unpacks to per byte: a 128 KiB block held as a 4-byte run.
const MAX_RATIO: usize = 32 * 1024;

thread_local! {
    /// A compressor and a decompressor per thread: a context is a few hundred kilobytes,
    /// made once rather than for each of a build's bodies.
    static CODEC: RefCell<Option<(zstd::bulk::Compressor<'static>, zstd::bulk::Decompressor<'static>)>> =
        const { RefCell::new(None) };
}

/// Runs `f` with this thread's codec; `None` when zstd cannot make one (out of memory).
fn with_codec<T>(
    f: impl FnOnce(
        &mut zstd::bulk::Compressor<'static>,
        &mut zstd::bulk::Decompressor<'static>,
    ) -> Option<T>,
) -> Option<T> {
    CODEC.with(|codec| {
        let mut codec = codec.borrow_mut();
        if codec.is_none() {
            let compressor = zstd::bulk::Compressor::new(LEVEL).ok()?;
            let decompressor = zstd::bulk::Decompressor::new().ok()?;
            *codec = Some((compressor, decompressor));
        }
        let (c, d) = codec.as_mut()?;
        f(c, d)
    })
}

/// `text`, packed, at its exact size.
pub fn pack(text: &str) -> Box<[u8]> {
    let len = u32::try_from(text.len()).expect("a text under 4 GiB");
    let mut out = len.to_le_bytes().to_vec();
    // zstd fails only when it cannot allocate, where Rust's allocator has aborted first.
    let frame = with_codec(|c, _| c.compress(text.as_bytes()).ok())
        .expect("zstd compresses whatever fits in memory");
    out.extend_from_slice(&frame);
    out.into_boxed_slice()
}

/// The text of `packed`; `None` when the bytes (read from a file, say) do not unpack to
/// exactly the length in front of them, or not to UTF-8.
pub fn unpack(packed: &[u8]) -> Option<String> {
    let (len, frame) = packed.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    // No frame unpacks to more: a larger claim is damage, not worth allocating for.
    if len > frame.len().saturating_mul(MAX_RATIO) {
        return None;
    }
    let text = with_codec(|_, d| d.decompress(frame, len).ok())?;
    (text.len() == len).then_some(())?;
    String::from_utf8(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_unpacks_to_what_was_packed() {
        for text in ["", "é", &"<p>Ambassadors meet.</p>\n".repeat(2_000)] {
            let packed = pack(text);
            assert_eq!(unpack(&packed).as_deref(), Some(text));
        }
        // A page of one repeated character packs far beyond LZ4's 255 times, and still
        // unpacks: the cap must not turn a real body into nothing.
        let run = "a".repeat(4 << 20);
        let packed = pack(&run);
        assert!(packed.len() * 255 < run.len(), "{}", packed.len());
        assert_eq!(unpack(&packed), Some(run));
    }

    #[test]
    fn damaged_bytes_unpack_to_nothing_rather_than_to_wrong_text() {
        let packed = pack("<h2>Rules of the game</h2>");
        // A wrong length in front, short or beyond any frame's reach.
        for claim in [1u32, 27, u32::MAX] {
            let mut bytes = packed.to_vec();
            bytes[..4].copy_from_slice(&claim.to_le_bytes());
            assert_eq!(unpack(&bytes), None, "claim {claim}");
        }
        // Cut short, or nothing at all.
        assert_eq!(unpack(&packed[..packed.len() - 3]), None);
        assert_eq!(unpack(&packed[..2]), None);
        // Bytes that are no UTF-8 once unpacked.
        let mut not_text = 2u32.to_le_bytes().to_vec();
        not_text.extend(zstd::bulk::compress(&[0xff, 0xfe], 1).unwrap());
        assert_eq!(unpack(&not_text), None);
    }
}
