//! Diagnostics: every problem found in a site, with the place it comes from.
//!
//! Errors are collected, never thrown: each stage returns the diagnostics it found and the build
//! goes on as far as it can, so that a writer sees every mistake of a build at once. This module
//! only describes and renders them (for terminals and for JSON); it decides nothing.

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with its place in a source file (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it: relative to the site folder when possible.
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based, in characters; 0 when the problem concerns the whole line or file.
    pub column: usize,
    pub message: String,
    /// What to do about it, in plain words.
    pub hint: Option<String>,
    /// The offending source line, when there is one: an excerpt of at most
    /// [`EXCERPT_CHARS`] characters around the column, so that a huge line costs little.
    pub source_line: Option<String>,
    /// 1-based position of the column in `source_line` (0: none); 32 bits keep a
    /// diagnostic small enough to travel in a `Result`.
    #[serde(skip)]
    pub caret: u32,
}

/// The longest source line a diagnostic keeps; longer lines are cut around the column.
pub const EXCERPT_CHARS: usize = 120;

/// The part of `line` to show for a problem at 1-based character `column`, and the column's
/// position in it. Cut lines are marked with `…` at the cut ends.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let bytes_max = EXCERPT_CHARS * 4;
    let fits = line.len() <= EXCERPT_CHARS
        || (line.len() <= bytes_max && line.chars().count() <= EXCERPT_CHARS);
    if fits {
        return (line.to_string(), column);
    }
    let col = column.max(1) - 1;
    let start = col.saturating_sub(EXCERPT_CHARS / 3);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut taken = line.chars().skip(start);
    out.extend(taken.by_ref().take(EXCERPT_CHARS));
    if taken.next().is_some() {
        out.push('…');
    }
    let caret = if column == 0 {
        0
    } else {
        col - start + 1 + usize::from(start > 0)
    };
    (out, caret)
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            caret: 0,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Places the diagnostic at `line`:`column` of `source` and keeps (an excerpt of) that
    /// line for display.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        let text = source
            .lines()
            .nth(line.saturating_sub(1))
            .filter(|_| line > 0);
        if let Some(text) = text {
            self = self.on_line(text);
        }
        self
    }

    /// Keeps (an excerpt of) `text`, the diagnostic's line, for display.
    pub fn on_line(mut self, text: &str) -> Self {
        let (excerpt, caret) = excerpt(text, self.column);
        self.source_line = Some(excerpt);
        self.caret = u32::try_from(caret).unwrap_or(0);
        self
    }

    /// Places the diagnostic at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        self.at(source, line, column)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, leaving out what is unknown.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// Human-readable rendering for a terminal or a log, without colours.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}: {}", self.message);
        let _ = writeln!(out, "  --> {}", self.location());
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {src}");
            if self.caret > 0 {
                // Tabs keep their width so the caret lines up under the character.
                let lead: String = src
                    .chars()
                    .take(self.caret as usize - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} | {lead}^");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = help: {hint}");
        }
        out
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end or inside a
/// character are clamped.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// How many diagnostics one file gets before the rest are only counted.
pub const MAX_PER_FILE: usize = 50;

/// Counts the problems of one file, so that only the first [`MAX_PER_FILE`] are made into
/// diagnostics: a page with 100,000 broken links costs 50 messages and a count, not 100,000
/// copies of its line and as many searches for a suggestion.
#[derive(Debug, Default)]
pub struct Budget {
    made: usize,
    skipped: usize,
}

impl Budget {
    /// Whether the next problem may be made into a diagnostic; counts it either way.
    pub fn take(&mut self) -> bool {
        if self.made < MAX_PER_FILE {
            self.made += 1;
            true
        } else {
            self.skipped += 1;
            false
        }
    }

    /// One error saying how many problems of `file` were not shown, if any.
    pub fn summary(&self, file: &Path, what: &str) -> Option<Diagnostic> {
        (self.skipped > 0).then(|| {
            Diagnostic::error(
                file,
                format!(
                    "{} more {what} in this file (only the first {MAX_PER_FILE} are shown)",
                    self.skipped
                ),
            )
            .with_hint("fix the ones above and build again to see the rest")
        })
    }
}

/// The diagnostics of one build, kept in a stable order so output is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

/// Diagnostics made elsewhere (a stage's `Vec`), gathered as one build's.
impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(ds: I) -> Diagnostics {
        Diagnostics {
            items: ds.into_iter().collect(),
        }
    }
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then place, then message; duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        v.dedup();
        v
    }

    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render());
            out.push('\n');
        }
        out
    }

    /// Turns every warning into an error (`--deny warnings`), saying so in its hint.
    pub fn deny_warnings(&mut self) {
        for d in self.items.iter_mut().filter(|d| !d.is_error()) {
            d.severity = Severity::Error;
            let denied = "a warning, made an error by --deny warnings";
            d.hint = Some(match d.hint.take() {
                Some(h) => format!("{h} ({denied})"),
                None => denied.to_string(),
            });
        }
    }

    /// GitHub Actions workflow commands, one a line (`::error file=…,line=…,col=…::…`), so
    /// that each diagnostic shows on its line of a pull request. `root` is the site folder as
    /// given on the command line, which the paths are relative to; the repository root is
    /// where CI runs. The hint follows the message on a second line of the annotation.
    pub fn render_github(&self, root: &Path) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            let level = if d.is_error() { "error" } else { "warning" };
            let file = root.join(&d.file);
            let file = file.strip_prefix(".").unwrap_or(&file);
            let mut props = format!("file={}", escape_property(&file.to_string_lossy()));
            if d.line > 0 {
                let _ = write!(props, ",line={}", d.line);
                if d.column > 0 {
                    let _ = write!(props, ",col={}", d.column);
                }
            }
            let _ = write!(props, ",title={}", escape_property("parvis"));
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                let _ = write!(text, "\nhelp: {h}");
            }
            let _ = writeln!(out, "::{level} {props}::{}", escape_data(&text));
        }
        out
    }

    pub fn render_json(&self) -> String {
        let v = serde_json::json!({
            "errors": self.error_count(),
            "warnings": self.warning_count(),
            "diagnostics": self.sorted(),
        });
        serde_json::to_string_pretty(&v).expect("diagnostics serialise")
    }
}

/// A workflow command's message: `%`, CR and LF are encoded, as GitHub's runner reads them.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The nearest of `candidates` to `word`, if it is close enough to be a likely typo.
/// A hint for a value outside `allowed`: the nearest allowed value, then all of them.
pub fn one_of(value: &str, allowed: &[&str]) -> String {
    match suggest(value, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? One of: {}", allowed.join(", ")),
        None => format!("one of: {}", allowed.join(", ")),
    }
}

pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Path of `path` relative to `root`, for messages; unchanged when it is elsewhere.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = "é\nabc déf";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, src.find('f').unwrap()), (2, 7));
    }

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(suggest("titel", ["title", "tags", "date"]), Some("title"));
        assert_eq!(suggest("zzz", ["title", "tags"]), None);
    }

    #[test]
    fn renders_caret_under_column() {
        let d = Diagnostic::error("a.md", "bad")
            .at("x: 1\ndate: 2026-02-30\n", 2, 7)
            .with_hint("fix it");
        let r = d.render();
        assert!(r.contains("--> a.md:2:7"), "{r}");
        assert!(r.contains("2 | date: 2026-02-30\n  |       ^"), "{r}");
        assert!(r.contains("= help: fix it"));
    }
}
