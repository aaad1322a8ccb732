//! Shortcodes: `{{ member_card(id="ana") }}` in Markdown, rendered by the template
//! `shortcodes/member_card.html` with the arguments as variables.
//!
//! They are expanded in the Markdown source before parsing, skipping fenced and inline code, and
//! the positions of what follows are mapped back so that later errors still point at the right
//! column of the file.

use serde_json::{Map, Value};

/// One shortcode call found in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Map<String, Value>,
    /// Byte range of the whole `{{ … }}` in the body.
    pub start: usize,
    pub end: usize,
}

/// A body with its shortcodes expanded, and the means to map offsets back to the original.
#[derive(Debug)]
pub struct Expanded {
    pub text: String,
    /// (start in the new text, end in the new text, start in the original, end in the original)
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Expanded {
    /// Where the rendered shortcodes sit in the expanded text, in order: HTML from the theme's
    /// templates, which sanitising keeps.
    pub fn outputs(&self) -> Vec<std::ops::Range<usize>> {
        self.spans.iter().map(|&(ns, ne, _, _)| ns..ne).collect()
    }

    /// The offset in the original body of offset `o` of the expanded text.
    /// Spans are in order and apart, so the last one starting at or before `o` decides: a
    /// binary search keeps a page of many shortcodes and links linear.
    pub fn original_offset(&self, o: usize) -> usize {
        let before = self.spans.partition_point(|&(ns, ..)| ns <= o);
        let Some(&(_, ne, os, oe)) = before.checked_sub(1).map(|i| &self.spans[i]) else {
            return o;
        };
        if o < ne {
            return os;
        }
        (o as isize + oe as isize - ne as isize).max(0) as usize
    }
}

/// A shortcode error: a message and the byte offset in the body where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Finds the shortcode calls of `body`, outside code.
pub fn find(body: &str) -> Result<Vec<Call>, ShortcodeError> {
    let mut calls = Vec::new();
    // Most pages have none: one fast search instead of a byte-by-byte scan.
    if !body.contains("{{") {
        return Ok(calls);
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    let mut fence: Option<&str> = None;
    while i < bytes.len() {
        if line_start {
            let trimmed = body[i..].trim_start_matches(' ');
            if let Some(f) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f)) {
                match fence {
                    Some(open) if open == f => fence = None,
                    None => fence = Some(f),
                    _ => {}
                }
                // The fence line is skipped whole: its backticks do not open an inline span
                // (which would run to the next block's fence and invert what is code).
                i = body[i..].find('\n').map_or(body.len(), |n| i + n + 1);
                continue;
            }
        }
        if fence.is_some() {
            line_start = bytes[i] == b'\n';
            i += 1;
            continue;
        }
        match bytes[i] {
            b'`' => {
                // Skip an inline code span: up to the next run of as many backticks.
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let ticks = &body[i..i + run];
                match body[i + run..].find(ticks) {
                    Some(end) => i += run + end + run,
                    None => i += run,
                }
                line_start = false;
                continue;
            }
            b'{' if body[i..].starts_with("{{") => {
                if let Some(call) = parse_call(body, i)? {
                    i = call.end;
                    calls.push(call);
                    line_start = false;
                    continue;
                }
            }
            _ => {}
        }
        line_start = bytes[i] == b'\n';
        i += 1;
    }
    Ok(calls)
}

/// Parses `{{ name(args) }}` at `start`. `{{` followed by anything but a name and `(` is
/// text (`{{ page.title }}` in prose stays as written), `None`; once `{{ name(` is seen it is
/// a shortcode, and anything malformed after it is an error at the place it went wrong, never
/// text: an argument's `}}` or HTML must not leak into the page.
fn parse_call(body: &str, start: usize) -> Result<Option<Call>, ShortcodeError> {
    let mut p = Cursor {
        body,
        pos: start + 2,
    };
    p.skip_space();
    let name = p.word();
    if name.is_empty() {
        return Ok(None);
    }
    p.skip_space();
    if !p.eat('(') {
        return Ok(None);
    }
    let name = name.to_string();
    let err = |offset: usize, message: String| {
        ShortcodeError {
        offset,
        message: format!("shortcode `{name}`: {message}"),
        hint: "write shortcodes as {{ name(key=\"text\", number=3, flag=true) }}; text in quotes may hold anything but its own quote".into(),
    }
    };
    let mut args = Map::new();
    loop {
        p.skip_space();
        if p.eat(')') {
            break;
        }
        let key_start = p.pos;
        let key = p.word();
        if key.is_empty() {
            return Err(err(
                key_start,
                match p.peek() {
                    None => "the arguments are not closed with `)`".into(),
                    Some(c) => format!("expected an argument name or `)`, found `{c}`"),
                },
            ));
        }
        p.skip_space();
        if !p.eat('=') {
            return Err(err(p.pos, format!("expected `=` after `{key}`")));
        }
        p.skip_space();
        let value_start = p.pos;
        let value = match p.peek() {
            Some(q @ ('"' | '\'')) => {
                p.pos += 1;
                let text_start = p.pos;
                match body[text_start..].find(q) {
                    Some(len) => {
                        p.pos = text_start + len + 1;
                        Value::String(body[text_start..text_start + len].to_string())
                    }
                    None => {
                        return Err(err(
                            value_start,
                            format!("the text of `{key}` is not closed with {q}"),
                        ))
                    }
                }
            }
            _ => {
                let raw = p.take_while(|c| !(c == ',' || c == ')' || c.is_whitespace()));
                match raw {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    n => n
                        .parse::<i64>()
                        .map(Value::from)
                        .ok()
                        .or_else(|| {
                            n.parse::<f64>()
                                .ok()
                                .filter(|f| f.is_finite())
                                .map(Value::from)
                        })
                        .ok_or_else(|| {
                            err(
                                value_start,
                                format!(
                                    "the value of `{key}` must be quoted text, a number, true or false"
                                ),
                            )
                        })?,
                }
            }
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err(err(key_start, format!("`{key}` is given twice")));
        }
        p.skip_space();
        if p.eat(')') {
            break;
        }
        if !p.eat(',') {
            return Err(err(
                p.pos,
                match p.peek() {
                    None => "the arguments are not closed with `)`".into(),
                    Some(c) => format!("expected `,` or `)` after `{key}`, found `{c}`"),
                },
            ));
        }
    }
    p.skip_space();
    if !body[p.pos..].starts_with("}}") {
        return Err(err(
            p.pos,
            format!("expected `}}}}` to close the call, found {}", p.found()),
        ));
    }
    Ok(Some(Call {
        name,
        args,
        start,
        end: p.pos + 2,
    }))
}

/// A position in a body, moving forward over the parts of a call.
struct Cursor<'a> {
    body: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.body[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        let yes = self.peek() == Some(c);
        if yes {
            self.pos += c.len_utf8();
        }
        yes
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = &self.body[self.pos..];
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn skip_space(&mut self) {
        self.take_while(char::is_whitespace);
    }

    /// A name: ASCII letters, digits and `_`.
    fn word(&mut self) -> &'a str {
        self.take_while(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    /// What is at the cursor, for messages: a few characters, or the end of the page.
    fn found(&self) -> String {
        let rest: String = self.body[self.pos..].chars().take(10).collect();
        if rest.is_empty() {
            "the end of the page".into()
        } else {
            format!("`{rest}`")
        }
    }
}

/// Replaces every call with what `render` returns for it. Rendered HTML is put on one block:
/// blank lines are removed and lines unindented, so that Markdown passes it through untouched.
/// HTML that is a block (a card, a list) written inside a paragraph gets blank lines around it:
/// it ends the paragraph instead of being cut where Markdown would close the paragraph.
pub fn expand(
    body: &str,
    calls: &[Call],
    mut render: impl FnMut(&Call) -> Result<String, ShortcodeError>,
) -> Result<Expanded, Vec<ShortcodeError>> {
    let mut text = String::with_capacity(body.len());
    let mut spans = Vec::new();
    let mut errors = Vec::new();
    let mut last = 0;
    for call in calls {
        text.push_str(&body[last..call.start]);
        let html = match render(call) {
            Ok(h) => h,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let html: String = html
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let line_start = body[..call.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = body[call.end..]
            .find('\n')
            .map_or(body.len(), |i| call.end + i);
        let block = is_block_html(&html);
        let ns = text.len();
        if block && !only_container_markers(&body[line_start..call.start]) {
            text.push_str("\n\n");
        }
        text.push_str(&html);
        if block && !body[call.end..line_end].trim().is_empty() {
            text.push_str("\n\n");
        }
        spans.push((ns, text.len(), call.start, call.end));
        last = call.end;
    }
    text.push_str(&body[last..]);
    if errors.is_empty() {
        Ok(Expanded { text, spans })
    } else {
        Err(errors)
    }
}

/// The tags that start an HTML block in CommonMark (its HTML blocks of type 6): HTML that starts
/// with one ends a paragraph.
const BLOCK_TAGS: &str = "address article aside base basefont blockquote body caption center col \
    colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset \
    h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol \
    optgroup option p param search section summary table tbody td tfoot th thead title tr track ul";

fn is_block_html(html: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    let name = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    BLOCK_TAGS.split_whitespace().any(|t| t == name)
}

/// Whether the text before a call on its line only opens containers (`> `, `- `, `1. `), where a
/// block may start without a blank line.
fn only_container_markers(prefix: &str) -> bool {
    prefix.split_whitespace().all(|t| {
        matches!(t, ">" | "-" | "*" | "+")
            || t.strip_suffix(['.', ')'])
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_outside_code() {
        let body = "Hi {{ member_card(id=\"ana\", big=true, n=3) }}\n\n`{{ x(a=1) }}`\n\n```\n{{ y(a=1) }}\n```\n{{ not_a_call }}\n";
        let calls = find(body).unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "member_card");
        assert_eq!(calls[0].args["id"], "ana");
        assert_eq!(calls[0].args["big"], true);
        assert_eq!(calls[0].args["n"], 3);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let e = find("{{ card(id=ana) }}").unwrap_err();
        assert!(e.message.contains("must be quoted text"), "{}", e.message);
        assert!(find("{{ card(id=\"a) }}").is_err());
    }

    #[test]
    fn closing_braces_inside_quotes_are_text() {
        let body = "{{ callout(text=\"a }} <script>x</script> {{ b\") }} after";
        let calls = find(body).unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].args["text"], "a }} <script>x</script> {{ b");
        assert_eq!(&body[calls[0].end..], " after");
        let calls = find("{{ q(a='say \"hi\"', b = -2.5 ,c=false) }}").unwrap();
        assert_eq!(calls[0].args["a"], "say \"hi\"");
        assert_eq!(calls[0].args["b"], -2.5);
        assert_eq!(calls[0].args["c"], false);
    }

    #[test]
    fn malformed_calls_are_errors_where_they_go_wrong() {
        for (body, at, says) in [
            ("x {{ card(id=\"a) }}", 13, "not closed with \""),
            ("x {{ card(id=\"a\" }}", 17, "expected `,` or `)`"),
            ("x {{ card(id=\"a\") ", 18, "expected `}}`"),
            ("x {{ card(id=\"a\")", 17, "the end of the page"),
            ("x {{ card(id) }}", 12, "expected `=`"),
            ("x {{ card(=1) }}", 10, "argument name"),
            ("x {{ card(a=1, a=2) }}", 15, "given twice"),
            ("x {{ card(a=NaN) }}", 12, "must be quoted text"),
            ("x {{ card(", 10, "not closed with `)`"),
        ] {
            let e = find(body).unwrap_err();
            assert_eq!(e.offset, at, "{body}: {}", e.message);
            assert!(e.message.contains(says), "{body}: {}", e.message);
            assert!(e.message.starts_with("shortcode `card`"), "{}", e.message);
        }
    }

    #[test]
    fn text_that_is_not_a_call_stays_text() {
        for body in [
            "{{ page.title }}",
            "{{ x }}",
            "{{",
            "{{}}",
            "a {{ b c(d) }}",
        ] {
            assert_eq!(find(body).unwrap(), vec![], "{body}");
        }
    }

    #[test]
    fn calls_between_code_blocks_are_found_and_those_in_them_are_not() {
        let body =
            "```\na\n```\n{{ s(n=1) }}\n```rust\n{{ s(n=2) }}\n```\n~~~\n{{ s(n=3) }}\n~~~\n";
        let calls = find(body).unwrap();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0].args["n"], 1);
    }

    proptest::proptest! {
        /// Whatever a page holds, finding and expanding shortcodes returns, without panicking,
        /// and an error points inside the page.
        #[test]
        fn any_text_is_parsed_without_panicking(body in "(\\PC|[{}()=,\"'`~\n ]){0,200}") {
            match find(&body) {
                Ok(calls) => {
                    let e = expand(&body, &calls, |c| Ok(format!("<b>{}</b>", c.name))).unwrap();
                    for o in 0..=e.text.len() {
                        proptest::prop_assert!(e.original_offset(o) <= body.len());
                    }
                }
                Err(e) => proptest::prop_assert!(e.offset <= body.len()),
            }
        }

        /// Any text without the quote round-trips as the argument, `}}` and HTML included.
        #[test]
        fn a_quoted_argument_round_trips(arg in "[^\"]{0,80}", space in " {0,2}") {
            let body = format!("a {{{{{space}name{space}(arg{space}={space}\"{arg}\"{space}){space}}}}} b");
            let calls = find(&body).unwrap();
            proptest::prop_assert_eq!(calls.len(), 1);
            proptest::prop_assert_eq!(calls[0].args["arg"].as_str(), Some(arg.as_str()));
            proptest::prop_assert_eq!(&body[calls[0].end..], " b");
        }
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let body = "ab{{ s(x=1) }}cd";
        let calls = find(body).unwrap();
        let e = expand(body, &calls, |_| Ok("<b>LONG OUTPUT</b>".into())).unwrap();
        assert_eq!(e.text, "ab<b>LONG OUTPUT</b>cd");
        let c = e.text.find("cd").unwrap();
        assert_eq!(e.original_offset(c), body.find("cd").unwrap());
        assert_eq!(e.original_offset(1), 1);
        assert_eq!(e.original_offset(5), 2);
    }

    #[test]
    fn a_block_inside_a_paragraph_stands_on_its_own() {
        let card = |_: &Call| Ok("<div class=\"card\">\n<h2>Ada</h2>\n</div>".to_string());
        let body = "Welcome. {{ card(id=\"ada\") }} Enjoy.\n";
        let e = expand(body, &find(body).unwrap(), card).unwrap();
        assert_eq!(
            e.text,
            "Welcome. \n\n<div class=\"card\">\n<h2>Ada</h2>\n</div>\n\n Enjoy.\n"
        );
        let enjoy = e.text.find("Enjoy").unwrap();
        assert_eq!(e.original_offset(enjoy), body.find("Enjoy").unwrap());

        for body in [
            "{{ card() }}\n",
            "> {{ card() }}\n",
            "- {{ card() }}\n",
            "12. {{ card() }}\n",
        ] {
            let e = expand(body, &find(body).unwrap(), card).unwrap();
            assert!(!e.text.contains("\n\n"), "{body:?} gives {:?}", e.text);
        }
        let inline = |_: &Call| Ok("<b>Ada</b>".to_string());
        let body = "Welcome {{ name() }} here.";
        let e = expand(body, &find(body).unwrap(), inline).unwrap();
        assert_eq!(e.text, "Welcome <b>Ada</b> here.");
    }
}
