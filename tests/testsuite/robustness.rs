//! Nothing a writer types makes parvis panic: random and mangled inputs go through the same
//! functions as real pages and come out as HTML or as diagnostics.

use parvis_core::config::RawHtml;
use parvis_core::load::frontmatter;
use std::path::Path;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "---\n",
    "+++\n",
    "title: x\n",
    "date: 2026-02-30\n",
    "tags: [a, b\n",
    "&a [*a, *a]\n",
    "{{ ",
    " }}",
    "{{ member_card(id=\"x\") }}",
    "[l](../x.md#y)",
    "![i](a b.png)",
    "# Héllo\n",
    "```rust\nfn x(){}\n",
    "```\n",
    "| a | b |\n|---|\n",
    "[^1]\n\n[^1]: n\n",
    "<!-- more -->",
    "\u{feff}",
    "\0",
    "é",
    "\r\n",
    "%",
    "@/",
    "`",
    "{{ x(a=\"",
    "=",
    ",",
    ")",
    "<script>",
    "- [ ] t\n",
    "\t",
    "    code\n",
];

#[test]
fn random_pages_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let n = (rng.next() % 24) as usize;
        let text: String = (0..n).map(|_| rng.pick(PIECES)).collect();
        let file = Path::new("content/x.md");
        if let Ok(split) = frontmatter::split(file, &text) {
            let _ = frontmatter::parse(file, &text, &split, rng.next().is_multiple_of(2));
            let (_, _) = parvis_markdown::render_with_shortcodes(
                split.body,
                Path::new("blog"),
                &|_| Ok("<b>x</b>".into()),
                None,
                if rng.next().is_multiple_of(2) {
                    RawHtml::Allow
                } else {
                    RawHtml::Sanitize
                },
            );
        }
    }
}
