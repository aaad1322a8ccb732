//! Text analysis: the one place that decides what a word is, at build time and at query time.
//!
//! Build time uses tantivy's analysers: its tokenizer, lowercasing, the Snowball stemmer of
//! the page's language, then accent folding; tokens of [`MAX_TOKEN_BYTES`] or more are dropped
//! by the rule of tantivy's `RemoveLongFilter`. Stemming comes before folding
//! because the French stemmer needs the accents (`communauté` and `communautés` only meet with
//! them). A word is recorded twice: as written (lowercased and folded: the *surface* form) and
//! as its stem. The exported lexicon maps each surface form to its stems, so a query needs no
//! stemmer: the browser and `parvis search` look up what the visitor typed, folded, and find
//! the stems the build used; an unaccented `communaute` reaches the stem of `communauté`.
//!
//! Query time (`query_tokens`) is plain code that the JavaScript client repeats line for line:
//! split on what is not alphanumeric, lowercase, fold with the table the build exports.

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, SimpleTokenizer, Stemmer, TextAnalyzer,
    TokenStream,
};

/// Bumped when analysis changes, so a client never mixes an old index with new rules.
pub const VERSION: u32 = 1;

/// Longest token kept, in bytes (tantivy's `RemoveLongFilter` counts bytes).
pub const MAX_TOKEN_BYTES: usize = 40;

/// The stemmer of a language code, when tantivy has one.
pub fn stemmer_language(lang: &str) -> Option<Language> {
    let base = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match base.as_str() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" | "nn" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// French elided articles and pronouns left alone by the tokenizer (`l'`, `d'`, `qu'`…): they
/// carry nothing to search for.
const ELISIONS: &[&str] = &["l", "d", "j", "m", "n", "s", "t", "c", "qu"];

/// The analysers of one thread; tantivy's are cheap to clone but not shared between threads.
pub struct Analyzer {
    /// Tokens as written (tantivy's tokenizer), not yet lowercased. Those of
    /// [`MAX_TOKEN_BYTES`] or more are left out, as tantivy's `RemoveLongFilter` would, by
    /// the code that reads them: [`Self::analyse`] keeps their characters for the fold table.
    words: TextAnalyzer,
    /// Per language, a token as written → its pair in the vocabulary, `None` for an elision.
    /// Most tokens repeat as written, so lowercasing (slow on accented words) and the
    /// vocabulary's own lookup happen once per written form, not once per occurrence.
    written: FxHashMap<Option<Language>, FxHashMap<String, Option<u32>>>,
    vocabulary: Vocabulary,
    /// The words of the field being analysed, counted.
    counts: Counts,
    /// What the document being analysed met so far.
    document: Document,
}

/// What [`Analyzer::finish_document`] gives of a document.
#[derive(Default)]
struct Document {
    /// Its pairs, by id.
    pairs: Counts,
    /// The characters beyond ASCII of its words too long to keep, lowercased.
    long_chars: Vec<char>,
}

/// Occurrences of ids (of words, or of pairs), counted in a table indexed by id rather than
/// by sorting every occurrence: a text has a few distinct words among many repeats.
#[derive(Default)]
struct Counts {
    /// By string id; zero for every id not in `met`.
    by_id: Vec<u32>,
    /// The ids counted so far, each once.
    met: Vec<u32>,
}

impl Counts {
    fn add(&mut self, id: u32) {
        let i = id as usize;
        if i >= self.by_id.len() {
            self.by_id.resize(i + 1, 0);
        }
        if self.by_id[i] == 0 {
            self.met.push(id);
        }
        self.by_id[i] += 1;
    }

    /// Appends each id counted and its count, in id order, to `out`, and starts again.
    fn drain_into(&mut self, out: &mut Vec<(u32, u32)>) {
        self.met.sort_unstable();
        for id in self.met.drain(..) {
            out.push((id, std::mem::take(&mut self.by_id[id as usize])));
        }
    }
}

/// The words a thread has met, with what folding and stemming made of them.
struct Vocabulary {
    /// tantivy's lowercasing, on one token (the filter [`Analyzer::words`] would have run).
    lower: TextAnalyzer,
    fold: TextAnalyzer,
    stemmers: FxHashMap<Option<Language>, TextAnalyzer>,
    /// Per language, lowercased token → index in `pairs`, since most words repeat. Looked up
    /// once per token of every document: a fast hash rather than a DoS-resistant one (the
    /// words are the site's own).
    cache: FxHashMap<Option<Language>, FxHashMap<String, u32>>,
    /// (surface, stem) pairs met by this thread.
    pairs: Vec<Pair>,
    /// The stems of `pairs` cut into words, end to end (see [`Pair::words`]).
    pair_words: Vec<u32>,
    /// The characters of `pairs` (see [`Pair::chars`]), end to end.
    pair_chars: Vec<char>,
    /// The surface forms, stems and stem words of `pairs`, each once.
    strings: Strings,
}

/// A (surface, stem) pair, as ids in [`Vocabulary::strings`].
#[derive(Debug, Clone)]
struct Pair {
    surface: u32,
    stem: u32,
    /// The words of the stem as tantivy's whitespace tokenizer cut them (which is how they
    /// were indexed before the postings were built by parvis, and field lengths count them):
    /// where they are in [`Vocabulary::pair_words`]. A stem is one word but for odd folds.
    words: std::ops::Range<u32>,
    /// The characters beyond ASCII of the lowercased word, where they are in
    /// [`Vocabulary::pair_chars`] (for the fold table, which only needs those).
    chars: std::ops::Range<u32>,
}

/// Strings by id, each kept once.
#[derive(Default)]
struct Strings {
    ids: FxHashMap<String, u32>,
    all: Vec<String>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.all.len() as u32;
        self.all.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer {
            words: TextAnalyzer::builder(SimpleTokenizer::default()).build(),
            written: FxHashMap::default(),
            counts: Counts::default(),
            document: Document::default(),
            vocabulary: Vocabulary {
                lower: TextAnalyzer::builder(RawTokenizer::default())
                    .filter(LowerCaser)
                    .build(),
                fold: TextAnalyzer::builder(RawTokenizer::default())
                    .filter(AsciiFoldingFilter)
                    .build(),
                stemmers: FxHashMap::default(),
                cache: FxHashMap::default(),
                pairs: Vec::new(),
                pair_words: Vec::new(),
                pair_chars: Vec::new(),
                strings: Strings::default(),
            },
        }
    }

    /// Analyses one field of a document in language `lang`, written as `texts` end to end
    /// (no word runs from one to the next): appends each word of its stems once, as (id,
    /// count) in id order, to `stems` (see [`Self::string`]), and returns the field's length,
    /// the number of words of its stems. The document's pairs and characters are counted
    /// until [`Self::finish_document`]. Ids belong to this analyser.
    pub fn analyse<'t>(
        &mut self,
        texts: impl IntoIterator<Item = &'t str>,
        lang: Option<Language>,
        stems: &mut Vec<(u32, u32)>,
    ) -> u32 {
        let Analyzer {
            words,
            written,
            vocabulary,
            counts,
            document,
        } = self;
        let written = written.entry(lang).or_default();
        let mut length = 0;
        for text in texts {
            let mut stream = words.token_stream(text);
            while stream.advance() {
                let token = stream.token().text.as_str();
                if token.len() >= MAX_TOKEN_BYTES {
                    // Not a word to search for, but its letters are the corpus's.
                    document.long_chars.extend(
                        token
                            .chars()
                            .filter(|c| !c.is_ascii())
                            .flat_map(char::to_lowercase),
                    );
                    continue;
                }
                let id = match written.get(token) {
                    Some(&id) => id,
                    None => {
                        let id = vocabulary.written_id(token, lang);
                        written.insert(token.to_string(), id);
                        id
                    }
                };
                let Some(id) = id else { continue };
                let range = &vocabulary.pairs[id as usize].words;
                for &word in &vocabulary.pair_words[range.start as usize..range.end as usize] {
                    counts.add(word);
                    length += 1;
                }
                document.pairs.add(id);
            }
        }
        counts.drain_into(stems);
        length
    }

    /// Ends the document whose fields [`Self::analyse`] read: appends the id of each
    /// (surface, stem) pair it met, once, to `pairs` (see [`Self::pair`]), and adds the
    /// characters beyond ASCII of its words, lowercased, to `chars` (for the fold table).
    pub fn finish_document(&mut self, pairs: &mut Vec<u32>, chars: &mut BTreeSet<char>) {
        let Analyzer {
            vocabulary,
            document,
            ..
        } = self;
        let start = pairs.len();
        let mut counted = Vec::new();
        document.pairs.drain_into(&mut counted);
        pairs.extend(counted.into_iter().map(|(id, _)| id));
        for &id in &pairs[start..] {
            let range = &vocabulary.pairs[id as usize].chars;
            chars.extend(&vocabulary.pair_chars[range.start as usize..range.end as usize]);
        }
        chars.extend(document.long_chars.drain(..));
    }

    /// The (surface, stem) pair of an id given by [`Self::analyse`], as string ids.
    pub fn pair(&self, id: u32) -> (u32, u32) {
        let p = &self.vocabulary.pairs[id as usize];
        (p.surface, p.stem)
    }

    /// The string of an id given by [`Self::analyse`] or [`Self::pair`].
    pub fn string(&self, id: u32) -> &str {
        &self.vocabulary.strings.all[id as usize]
    }

    /// The words of `text` as (surface, stem) pairs, in order.
    pub fn words(&mut self, text: &str, lang: Option<Language>) -> Vec<(String, String)> {
        let Analyzer {
            words, vocabulary, ..
        } = self;
        let mut stems = Vec::new();
        let mut stream = words.token_stream(text);
        while stream.advance() {
            let token = &stream.token().text;
            if token.len() >= MAX_TOKEN_BYTES {
                continue;
            }
            if let Some(id) = vocabulary.written_id(token, lang) {
                let p = &vocabulary.pairs[id as usize];
                let string = |id: u32| vocabulary.strings.all[id as usize].clone();
                stems.push((string(p.surface), string(p.stem)));
            }
        }
        stems
    }

    /// What tantivy's folding makes of one character, when it changes it.
    pub fn fold_char(&mut self, c: char) -> Option<String> {
        let s = c.to_string();
        first_token(&mut self.vocabulary.fold, &s).filter(|f| *f != s)
    }
}

impl Vocabulary {
    /// The pair of a token as written: lowercased as tantivy's `LowerCaser` does; `None` for
    /// an elision.
    fn written_id(&mut self, written: &str, lang: Option<Language>) -> Option<u32> {
        let lowered = first_token(&mut self.lower, written)?;
        if ELISIONS.contains(&lowered.as_str()) {
            return None;
        }
        Some(self.id(&lowered, lang))
    }

    fn id(&mut self, lowered: &str, lang: Option<Language>) -> u32 {
        if let Some(&id) = self.cache.get(&lang).and_then(|c| c.get(lowered)) {
            return id;
        }
        let surface = first_token(&mut self.fold, lowered).unwrap_or_else(|| lowered.to_string());
        let stemmer = self.stemmers.entry(lang).or_insert_with(|| match lang {
            Some(l) => TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(l))
                .filter(AsciiFoldingFilter)
                .build(),
            None => TextAnalyzer::builder(RawTokenizer::default())
                .filter(AsciiFoldingFilter)
                .build(),
        });
        let stem = first_token(stemmer, lowered)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| surface.clone());
        let id = self.pairs.len() as u32;
        let start = self.pair_words.len() as u32;
        for word in stem.split_ascii_whitespace() {
            let word = self.strings.id(word);
            self.pair_words.push(word);
        }
        let chars_start = self.pair_chars.len() as u32;
        self.pair_chars
            .extend(lowered.chars().filter(|c| !c.is_ascii()));
        let pair = Pair {
            surface: self.strings.id(&surface),
            stem: self.strings.id(&stem),
            words: start..self.pair_words.len() as u32,
            chars: chars_start..self.pair_chars.len() as u32,
        };
        self.pairs.push(pair);
        self.cache
            .entry(lang)
            .or_default()
            .insert(lowered.to_string(), id);
        id
    }
}

fn first_token(analyzer: &mut TextAnalyzer, text: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(text);
    if stream.advance() {
        Some(stream.token().text.clone())
    } else {
        None
    }
}

/// The fold table exported with the index: every non-ASCII character the corpus uses, plus the
/// Latin letters with diacritics a visitor may type, mapped to what the build's folding made of
/// it. The clients fold with this table alone, so they agree with the build and each other.
pub fn fold_table(
    analyzer: &mut Analyzer,
    seen: impl IntoIterator<Item = char>,
) -> BTreeMap<char, String> {
    let mut table = BTreeMap::new();
    let latin = ('\u{c0}'..='\u{24f}').chain('\u{1e00}'..='\u{1eff}');
    for c in latin.chain(seen) {
        if c.is_ascii() || table.contains_key(&c) {
            continue;
        }
        if let Some(f) = analyzer.fold_char(c) {
            table.insert(c, f);
        }
    }
    table
}

/// A query's words: split on what is not a letter or digit, lowercased, folded with `fold`,
/// repeated words dropped. The JavaScript client's `tokens()` is the same function.
pub fn query_tokens(query: &str, fold: &BTreeMap<char, String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in query.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() || raw.len() >= MAX_TOKEN_BYTES {
            continue;
        }
        let mut token = String::with_capacity(raw.len());
        for c in raw.to_lowercase().chars() {
            match fold.get(&c) {
                Some(f) => token.push_str(f),
                None => token.push(c),
            }
        }
        if !ELISIONS.contains(&token.as_str()) && !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_stems_before_folding_and_plurals_meet() {
        let mut a = Analyzer::new();
        let fr = stemmer_language("fr");
        let words = a.words("La communauté des ambassadeurs, l'ambassadeur", fr);
        let stems: Vec<&str> = words.iter().map(|w| w.1.as_str()).collect();
        let surfaces: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(
            surfaces,
            ["la", "communaute", "des", "ambassadeurs", "ambassadeur"]
        );
        assert_eq!(stems[3], stems[4], "plural and singular share a stem");
        assert!(!stems[1].contains('é'));
    }

    #[test]
    fn a_long_tokens_letters_reach_the_fold_table_though_it_is_no_word() {
        let mut a = Analyzer::new();
        let long = format!("{}Ŧ", "x".repeat(45));
        let mut stems = Vec::new();
        let length = a.analyse([long.as_str(), "Œuvre", "l'œuvre"], None, &mut stems);
        assert_eq!(
            length, 2,
            "two words: the long token and the elision are none"
        );
        let (mut pairs, mut chars) = (Vec::new(), BTreeSet::new());
        a.finish_document(&mut pairs, &mut chars);
        assert_eq!(pairs.len(), 1, "œuvre once");
        assert_eq!(chars, BTreeSet::from(['ŧ', 'œ']));
    }

    #[test]
    fn query_tokens_fold_like_the_build() {
        let mut a = Analyzer::new();
        let table = fold_table(&mut a, "œ".chars());
        assert_eq!(
            query_tokens("Communauté  d'ŒUVRE communauté", &table),
            ["communaute", "oeuvre"]
        );
    }
}
