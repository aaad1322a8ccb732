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
            let rest = &body[i..];
            let trimmed = rest.trim_start_matches(' ');
            for f in ["```", "~~~"] {
                if trimmed.starts_with(f) {
                    match fence {
                        Some(open) if open == f => fence = None,
                        None => fence = Some(f),
                        _ => {}
                    }
                }
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

/// Parses `{{ name(args) }}` at `start`; `None` when it is not a shortcode call (`{{ x }}`
/// written as text stays text).
fn parse_call(body: &str, start: usize) -> Result<Option<Call>, ShortcodeError> {
    let inner_start = start + 2;
    let Some(close) = body[inner_start..].find("}}") else {
        return Ok(None);
    };
    let inner = &body[inner_start..inner_start + close];
    let trimmed = inner.trim();
    let Some(paren) = trimmed.find('(') else {
        return Ok(None);
    };
    let name = trimmed[..paren].trim();
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || !trimmed.ends_with(')')
    {
        return Ok(None);
    }
    let args_text = &trimmed[paren + 1..trimmed.len() - 1];
    let err = |message: String| ShortcodeError {
        offset: start,
        message,
        hint: "write shortcodes as {{ name(key=\"text\", number=3, flag=true) }}".into(),
    };
    let args = parse_args(args_text).map_err(|m| err(format!("shortcode `{name}`: {m}")))?;
    Ok(Some(Call {
        name: name.to_string(),
        args,
        start,
        end: inner_start + close + 2,
    }))
}

fn parse_args(s: &str) -> Result<Map<String, Value>, String> {
    let mut args = Map::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("expected `key=value` in `{rest}`"))?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not a valid argument name"));
        }
        rest = rest[eq + 1..].trim_start();
        let (value, after) = if let Some(q) =
            rest.chars().next().filter(|c| *c == '"' || *c == '\'')
        {
            let end = rest[1..]
                .find(q)
                .ok_or_else(|| format!("the text of `{key}` is not closed with {q}"))?;
            (
                Value::String(rest[1..1 + end].to_string()),
                &rest[end + 2..],
            )
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let raw = rest[..end].trim();
            let v = match raw {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                n => n
                    .parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| n.parse::<f64>().map(Value::from))
                    .map_err(|_| {
                        format!("the value of `{key}` must be quoted text, a number, true or false")
                    })?,
            };
            (v, &rest[end..])
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err(format!("`{key}` is given twice"));
        }
        rest = after.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        } else if !rest.is_empty() {
            return Err(format!("expected `,` before `{rest}`"));
        }
    }
    Ok(args)
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
