//! Small text helpers shared by stages: escaping, URL slugs, numbers as people write them,
//! safe links.

/// Escapes text for HTML and XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` without its spare capacity, for text kept until the end of a build (every page's
/// HTML): a string grown by pushing holds up to twice its length, and shrinking it in place
/// does not give the memory back when the spare part is less than half (the allocator keeps
/// the block), so a string with more than an eighth to spare is copied to an exact one.
pub fn compact(s: String) -> String {
    if s.capacity() - s.len() > s.len() / 8 {
        String::from(s.as_str())
    } else {
        s
    }
}

/// The words of `s`, as [`str::split_whitespace`] finds them (Unicode's white space), for
/// the passes over every page's text (word counts, search sections). Only the four bytes
/// that can start a white space character beyond ASCII are decoded; `split_whitespace`
/// decodes every character, which on accented text made it a tenth of a stage.
pub fn words(s: &str) -> Words<'_> {
    Words { s, at: 0 }
}

/// How many words [`words`] finds in `s`, without making them: every page's text is
/// counted (reading time). Bytes are classed through a table and counted without a branch
/// on each, since a branch on "space or letter" is mispredicted at every word's ends.
pub fn word_count(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut count = 0;
    let mut after_space = 1u8;
    let mut at = 0;
    while at < bytes.len() {
        let class = BYTE_CLASS[bytes[at] as usize];
        if class == MAYBE_SPACE {
            let (space, len) = space_at(s, at);
            count += usize::from(after_space == 1 && !space);
            after_space = u8::from(space);
            at += len;
        } else {
            count += usize::from(after_space & (class ^ 1));
            after_space = class;
            at += 1;
        }
    }
    count
}

/// In [`BYTE_CLASS`]: a letter's byte, or a byte inside a letter.
const LETTER: u8 = 0;
/// In [`BYTE_CLASS`]: ASCII white space.
const SPACE: u8 = 1;
/// In [`BYTE_CLASS`]: the first byte of a character that may be white space beyond ASCII
/// (Unicode's all start with one of these four).
const MAYBE_SPACE: u8 = 2;
/// Each byte's class, as [`str::split_whitespace`] would see the character it starts.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [LETTER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => SPACE,
            0xc2 | 0xe1..=0xe3 => MAYBE_SPACE,
            _ => LETTER,
        };
        b += 1;
    }
    table
};

/// Whether the character at byte `at` of `s` (the first byte of one, or inside one) is white
/// space, and how many bytes to step over.
#[inline]
fn space_at(s: &str, at: usize) -> (bool, usize) {
    match BYTE_CLASS[s.as_bytes()[at] as usize] {
        SPACE => (true, 1),
        MAYBE_SPACE => {
            let c = s[at..].chars().next().expect("a character starts here");
            (c.is_whitespace(), c.len_utf8())
        }
        // A letter's byte, or one inside a letter: stepped over one at a time.
        _ => (false, 1),
    }
}

/// The iterator of [`words`].
pub struct Words<'a> {
    s: &'a str,
    /// Where the rest starts, always on a character's first byte.
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.s.as_bytes();
        let mut start = None;
        while self.at < bytes.len() {
            let (space, len) = space_at(self.s, self.at);
            match (space, start) {
                (true, Some(start)) => {
                    let word = &self.s[start..self.at];
                    self.at += len;
                    return Some(word);
                }
                (false, None) => start = Some(self.at),
                _ => {}
            }
            self.at += len;
        }
        start.map(|start| &self.s[start..])
    }
}

/// Turns text into a URL path segment: lowercase ASCII, accents folded, words joined by `-`.
pub fn slugify(s: &str) -> String {
    slug::slugify(s)
}

/// A number as people write it: `3`, `1.25`.
pub fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_those_split_whitespace_finds() {
        for text in [
            "",
            "   ",
            "un",
            "  un\t deux\n\r\x0b\x0ctrois  ",
            "é\u{a0}à\u{3000}ü\u{2028}x\u{85}y\u{200b}z",
            "Règles  de\u{202f}modération ",
        ] {
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(words(text).collect::<Vec<_>>(), expected, "{text:?}");
            assert_eq!(word_count(text), expected.len(), "{text:?}");
        }
        // Every white space character of Unicode, between letters of two and three bytes.
        let every: String = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .flat_map(|c| [c, 'é', c, c, '語'])
            .collect();
        let expected: Vec<&str> = every.split_whitespace().collect();
        assert_eq!(words(&every).collect::<Vec<_>>(), expected);
        assert_eq!(word_count(&every), expected.len());
    }

    #[test]
    fn compact_drops_spare_capacity_and_keeps_the_text() {
        // Just over a power of two: pushing doubled the capacity.
        let mut grown = String::new();
        for _ in 0..1025 {
            grown.push('x');
        }
        assert!(grown.capacity() > grown.len() + grown.len() / 8);
        let text = grown.clone();
        let compacted = compact(grown);
        assert_eq!(compacted, text);
        assert!(compacted.capacity() <= compacted.len() + compacted.len() / 8);
        // Nearly full: left as it is.
        let mut full = String::with_capacity(100);
        full.push_str(&"a".repeat(95));
        let ptr = full.as_ptr();
        let kept = compact(full);
        assert_eq!(kept.as_ptr(), ptr);
    }
}
