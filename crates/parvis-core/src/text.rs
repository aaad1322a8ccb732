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
