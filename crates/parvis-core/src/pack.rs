//! LZ4-packed text: what a build holds of bodies and highlighted code that it does not need
//! plain until later. One format for both: the block, its unpacked length in front.

/// `text`, packed, at its exact size.
pub fn pack(text: &str) -> Box<[u8]> {
    lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice()
}

/// The text of `packed`; `None` when the bytes (read from a file, say) do not unpack to
/// exactly the length in front of them, or not to UTF-8.
pub fn unpack(packed: &[u8]) -> Option<String> {
    let (len, block) = packed.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    // LZ4 expands 255 times at most: a larger claim is damage, not worth allocating for.
    if len > block.len().saturating_mul(255) {
        return None;
    }
    let text = lz4_flex::decompress(block, len).ok()?;
    (text.len() == len).then_some(())?;
    String::from_utf8(text).ok()
}
