//! The index: documents analysed with tantivy's analysers into postings held in memory, then
//! exported as the static files the browser and `parvis search` read.
//!
//! The postings keep, for each stem, the documents and fields it occurs in and how often; each
//! document keeps its field lengths, quantised to one byte on Lucene's scale as tantivy does.
//! The export computes BM25 per field from them (k1 1.2, b 0.75, as tantivy does), weighs the
//! fields (title 5, headings and tags 3, description 2, body 1), sums them per document and
//! quantises the result to an integer *impact*. A query is then a sum of integers, which the
//! Rust reader and the JavaScript client compute identically.
//!
//! Why not tantivy's own index: the export reads every posting back once, so an index built
//! for queries (compressed postings in segments, written by indexing threads with their own
//! memory arenas, then decoded again) was work and memory spent for nothing; the postings here
//! are built on every core in the analysis pass and scored where they lie.
//!
//! The index lives on in `serve`: an edited page's postings are taken out and put back, its
//! words are taken out of the lexicon and put back, and only the export runs again.

use super::analyze::{self, Analyzer};
use super::docs::Doc;
use super::format::{self, Entry};
use super::postings::{List, Posting};
use crate::error::SearchError;
use parvis_core::config::Audience;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use tantivy::fieldnorm::FieldNormReader;

/// Field name and weight, in the order documents give them.
const FIELDS: [(&str, f64); 5] = [
    ("title", 5.0),
    ("headings", 3.0),
    ("tags", 3.0),
    ("description", 2.0),
    ("body", 1.0),
];
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Impacts are BM25 scores times this, rounded.
const IMPACT_SCALE: f64 = 10.0;
/// Postings kept in a term's head; the rest go to the shard's tail file, fetched only for
/// "more results" and filters.
pub const HEAD: usize = 200;
/// Uncompressed bytes per term shard (about 8 KB once gzipped).
const SHARD_BYTES: usize = 16_000;
/// Documents made and analysed together, before their postings join the index: three chunks
/// are alive at once (one made, one waiting, one joining), each with its text and terms.
const CHUNK: usize = 128;
/// Terms scored together, on every core, before their shards are cut: the export holds only
/// a batch of scored postings at a time. A batch stops at this many terms or
/// [`BATCH_POSTINGS`] postings, whichever comes first.
const SCORE_BATCH: usize = 4096;
/// Shards compressed together, on every core, at most (see [`BATCH_POSTINGS`]).
const COMPRESS_BATCH: usize = 64;
/// Postings in a batch of terms to score or of shards to compress (with their tails), at
/// most: a few stems occur in most documents, and a batch of them weighs far more than its
/// count says (at 100,000 pages, 64 shards with their tails once held 400 MB).
const BATCH_POSTINGS: usize = 1 << 20;
/// The last word of a query is completed from this many characters on.
pub const MIN_PREFIX: usize = 3;

/// Stem → its postings.
type Postings = FxHashMap<String, List>;

/// One document analysed: its terms and field lengths for the postings, and what the
/// lexicon keeps of it.
struct Analysed {
    /// Its terms, each (stem, field) once, by field; their stems are in `stems`.
    terms: Vec<Term>,
    /// The stems of `terms`, end to end: one string for a document rather than one per
    /// term, which the thread that joins the postings would have to free one by one.
    stems: String,
    /// The number of words of each field, quantised as tantivy stores field lengths.
    lengths: [u8; 5],
    /// Its (surface, stem) pairs, each once, grouped by surface form: where they are in
    /// `words`.
    pairs: Vec<(Span, Span)>,
    /// The words of `pairs`, end to end (one string for a document, as `stems`).
    words: String,
    /// Non-ASCII characters of its words before folding, for the fold table.
    chars: BTreeSet<char>,
}

fn analyse(analyzer: &mut Analyzer, doc: &Doc) -> Analysed {
    let lang = analyze::stemmer_language(&doc.lang);
    let texts: [Vec<&str>; 5] = [
        vec![doc.title.as_str()],
        doc.headings.iter().map(String::as_str).collect(),
        doc.tags.iter().map(String::as_str).collect(),
        vec![doc.description.as_str()],
        doc.sections.iter().map(|s| s.text.as_str()).collect(),
    ];
    let mut chars = BTreeSet::new();
    let mut ids = Vec::new();
    let mut terms = Vec::new();
    let mut term_stems = String::new();
    let mut lengths = [0u8; 5];
    let mut stems = Vec::new();
    for (field, texts) in texts.into_iter().enumerate() {
        stems.clear();
        let length = analyzer.analyse(texts, lang, &mut stems);
        lengths[field] = FieldNormReader::fieldnorm_to_id(length);
        // Each stem once, with its count.
        for &(stem, frequency) in &stems {
            let start = term_stems.len() as u32;
            term_stems.push_str(analyzer.string(stem));
            terms.push(Term {
                stem: start..term_stems.len() as u32,
                field,
                frequency,
            });
        }
    }
    // Each (surface, stem) pair once, grouped by surface form (which the lexicon needs to
    // count a document once per surface form).
    analyzer.finish_document(&mut ids, &mut chars);
    let mut pair_ids: Vec<(u32, u32)> = ids.into_iter().map(|id| analyzer.pair(id)).collect();
    pair_ids.sort_unstable();
    pair_ids.dedup();
    let mut words = String::new();
    let mut put = |word: &str| {
        let start = words.len() as u32;
        words.push_str(word);
        start..words.len() as u32
    };
    let pairs: Vec<(Span, Span)> = pair_ids
        .into_iter()
        .map(|(a, b)| (put(analyzer.string(a)), put(analyzer.string(b))))
        .collect();
    Analysed {
        terms,
        stems: term_stems,
        lengths,
        pairs,
        words,
        chars,
    }
}

/// Where a word is in one of [`Analysed`]'s strings.
type Span = std::ops::Range<u32>;

/// The word at `span` of `text`.
fn word<'a>(text: &'a str, span: &Span) -> &'a str {
    &text[span.start as usize..span.end as usize]
}

/// How often a stem occurs in one field of a document being analysed.
struct Term {
    /// Where the stem is in [`Analysed::stems`].
    stem: Span,
    field: usize,
    frequency: u32,
}

impl Analysed {
    fn stem(&self, term: &Term) -> &str {
        word(&self.stems, &term.stem)
    }

    /// Its (surface, stem) pairs, grouped by surface form.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(a, b)| (word(&self.words, a), word(&self.words, b)))
    }
}

/// Adds document `doc`'s terms to the postings.
fn add_postings(postings: &mut Postings, doc: u32, a: &Analysed) {
    for term in &a.terms {
        let stem = a.stem(term);
        let posting = Posting::new(doc, term.field, term.frequency);
        // Most stems are known already: a stem is copied only for a new entry.
        match postings.get_mut(stem) {
            Some(list) => list.insert(posting),
            None => {
                postings.insert(stem.to_string(), List::of([posting]));
            }
        }
    }
}

/// Takes document `doc`'s postings out of the lists of its terms.
fn remove_postings(postings: &mut Postings, doc: u32, a: &Analysed) {
    for term in &a.terms {
        let stem = a.stem(term);
        if let Some(list) = postings.get_mut(stem) {
            list.remove(doc);
            if list.is_empty() {
                postings.remove(stem);
            }
        }
    }
}

/// What an index keeps of its documents' text once they are analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    /// Kept: `serve` replaces an edited document, and finds the words it takes out by
    /// analysing the old text again.
    Kept,
    /// Dropped: a one-shot build only exports the index, and the text of every page is its
    /// largest part. Of each document, only what the export lists is kept
    /// ([`Doc::exported_only`]).
    Dropped,
}

/// What becomes of the documents' files as the index is made.
pub enum DocFiles<'a> {
    /// Held by the index and exported with its other files: `serve` makes a document's file
    /// again when its page changes.
    Held,
    /// Grouped and handed over (name under `search/`, bytes) as soon as a group is full, then
    /// let go: a build writes them while the rest of the index is made, rather than holding
    /// the largest part of the search folder (300 MB at 100,000 pages) until the end.
    Handed(&'a mut dyn FnMut(String, Vec<u8>)),
}

/// The documents' files, grouped [`format::DOC_GROUP`] to a file in doc id order, and the
/// hash of the groups made so far, which starts the manifest's version.
struct Groups {
    /// The files of the group being filled.
    pending: Vec<Vec<u8>>,
    /// Groups made.
    count: usize,
    hash: Fnv,
}

impl Groups {
    fn new() -> Groups {
        Groups {
            pending: Vec::new(),
            count: 0,
            hash: Fnv::new(),
        }
    }

    /// Adds the next document's file; returns the group it completes.
    fn push(&mut self, file: Vec<u8>) -> Option<(String, Vec<u8>)> {
        self.pending.push(file);
        (self.pending.len() == format::DOC_GROUP).then(|| self.close())
    }

    /// The last group, when it is not full.
    fn finish(&mut self) -> Option<(String, Vec<u8>)> {
        (!self.pending.is_empty()).then(|| self.close())
    }

    fn close(&mut self) -> (String, Vec<u8>) {
        let files = std::mem::take(&mut self.pending);
        let group = self.group(&files);
        self.pending = files;
        self.pending.clear();
        group
    }

    /// The next group, of `files`.
    fn group(&mut self, files: &[Vec<u8>]) -> (String, Vec<u8>) {
        let bytes = format::encode_doc_group(files);
        let name = format!("d/{}.bin", self.count);
        self.count += 1;
        self.hash.write(name.as_bytes());
        self.hash.write(&bytes);
        (name, bytes)
    }
}

/// One analyser per thread of the pool, for the whole index: an analyser learns the words
/// it meets (lowercased, stemmed, folded), and a fresh one for each piece of work would
/// learn the commonest words again every few documents.
struct Analyzers(Vec<std::sync::Mutex<Analyzer>>);

impl Analyzers {
    fn new() -> Analyzers {
        let threads = rayon::current_num_threads().max(1);
        Analyzers((0..threads).map(|_| Default::default()).collect())
    }

    /// Runs `f` with the analyser of the current thread: each worker of the pool has its
    /// own, so none waits; a thread outside the pool shares the first.
    fn with<T>(&self, f: impl FnOnce(&mut Analyzer) -> T) -> T {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        let mut analyzer = self.0[slot].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut analyzer)
    }
}

/// A search index for one build.
pub struct SearchIndex {
    postings: Postings,
    /// Each document's field lengths, as tantivy's one-byte field norm ids.
    lengths: Vec<[u8; 5]>,
    docs: Vec<Doc>,
    /// Whether `docs` kept their text, which replacing one needs.
    texts: Texts,
    /// Non-ASCII characters met, for the fold table.
    chars: BTreeSet<char>,
    /// surface form → (documents holding it, stem → documents holding the pair)
    lexicon: Lexicon,
    /// The gzipped file of each document, made once; empty when they were handed over as
    /// they were made ([`DocFiles::Handed`]).
    doc_files: Vec<Vec<u8>>,
    /// The hash of the groups of the documents' files, when they were handed over.
    handed: Option<Fnv>,
    /// The audience the documents were picked for (in the manifest).
    audience: Audience,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({} documents)", self.docs.len())
    }
}

impl SearchIndex {
    /// Analyses and indexes `docs` (in doc id order), keeping their text or not.
    pub fn new(
        docs: Vec<Doc>,
        audience: Audience,
        texts: Texts,
    ) -> Result<SearchIndex, SearchError> {
        let mut docs = docs.into_iter();
        let next = move |n: usize| {
            let chunk: Vec<Doc> = docs.by_ref().take(n).collect();
            (!chunk.is_empty()).then_some(chunk)
        };
        SearchIndex::from_chunks(next, audience, texts, DocFiles::Held)
    }

    /// Analyses and indexes the documents `next` gives, up to the number it is asked for at
    /// a time, in doc id order, until it gives `None` (see [`crate::docs::Documents`]).
    /// The documents' files are held or handed over as `files_to` says.
    pub fn from_chunks(
        mut next: impl FnMut(usize) -> Option<Vec<Doc>> + Send,
        audience: Audience,
        texts: Texts,
        mut files_to: DocFiles<'_>,
    ) -> Result<SearchIndex, SearchError> {
        let mut postings = Postings::default();
        let mut lengths = Vec::new();
        let mut lexicon = Lexicon::default();
        let mut chars = BTreeSet::new();
        let mut doc_files = Vec::new();
        let mut groups = Groups::new();
        let mut kept = Vec::new();
        // In chunks, so that only a chunk's text and terms are in memory at once. A thread
        // makes and analyses the next chunk (and makes its documents' files) on every core
        // while this one adds the last to the postings and the lexicon, which only one
        // thread can do.
        let analyzers = Analyzers::new();
        let analyzers = &analyzers;
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                while let Some(chunk) = next(CHUNK) {
                    let analysed: Vec<(Analysed, Vec<u8>)> = chunk
                        .par_iter()
                        .map(|doc| (analyzers.with(|a| analyse(a, doc)), doc_file(doc)))
                        .collect();
                    let chunk = match texts {
                        Texts::Kept => chunk,
                        Texts::Dropped => chunk.into_iter().map(Doc::exported_only).collect(),
                    };
                    if sender.send((chunk, analysed)).is_err() {
                        break;
                    }
                }
            });
            for (chunk, analysed) in receiver {
                kept.extend(chunk);
                for (a, file) in analysed {
                    add_postings(&mut postings, lengths.len() as u32, &a);
                    lengths.push(a.lengths);
                    add_pairs(&mut lexicon, a.pairs());
                    chars.extend(a.chars);
                    match &mut files_to {
                        DocFiles::Held => doc_files.push(file),
                        DocFiles::Handed(hand) => {
                            if let Some((name, group)) = groups.push(file) {
                                hand(name, group);
                            }
                        }
                    }
                }
            }
        });
        let handed = match files_to {
            DocFiles::Held => None,
            DocFiles::Handed(hand) => {
                if let Some((name, group)) = groups.finish() {
                    hand(name, group);
                }
                Some(groups.hash)
            }
        };
        Ok(SearchIndex {
            postings,
            lengths,
            docs: kept,
            texts,
            chars,
            lexicon,
            doc_files,
            handed,
            audience,
        })
    }

    /// Whether the index holds the document `key` at `url` (so it can be replaced in place).
    pub fn has(&self, key: &str, url: &str) -> bool {
        self.docs.iter().any(|d| d.key == key && d.url == url)
    }

    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// Replaces the document with `doc.key` when its URL is unchanged, without touching the
    /// others; returns `false` when the caller must index everything again (a new, moved or
    /// removed document changes the doc ids, which follow the URLs).
    pub fn replace(&mut self, doc: Doc) -> Result<bool, SearchError> {
        if self.texts == Texts::Dropped || self.handed.is_some() {
            return Ok(false);
        }
        let Some(id) = self.docs.iter().position(|d| d.key == doc.key) else {
            return Ok(false);
        };
        if self.docs[id].url != doc.url {
            return Ok(false);
        }
        if self.docs[id] == doc {
            return Ok(true);
        }
        let mut analyzer = Analyzer::new();
        let a = analyse(&mut analyzer, &doc);
        // Analysis is deterministic: the old document's words are found again rather than
        // kept for every document of every build.
        let old = analyse(&mut analyzer, &self.docs[id]);
        remove_pairs(&mut self.lexicon, old.pairs());
        add_pairs(&mut self.lexicon, a.pairs());
        self.chars.extend(a.chars.iter().copied());
        remove_postings(&mut self.postings, id as u32, &old);
        add_postings(&mut self.postings, id as u32, &a);
        self.lengths[id] = a.lengths;
        self.doc_files[id] = doc_file(&doc);
        self.docs[id] = doc;
        Ok(true)
    }

    /// Scores every (stem, document) pair from the postings and field lengths. Returns them
    /// by stem, sorted.
    #[cfg(test)]
    fn impacts(&self) -> Vec<TermImpacts> {
        self.scored().collect()
    }

    /// [`SearchIndex::impacts`], a batch at a time as they are read.
    fn scored(&self) -> Scored<'_, (&String, &List)> {
        let scorer = Scorer::new(&self.lengths, self.docs.len());
        let mut terms: Vec<(&String, &List)> = self.postings.iter().collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        Scored::new(
            terms,
            Box::new(move |(key, list)| (key.clone(), scorer.score(list))),
        )
    }

    /// [`SearchIndex::scored`] of `postings`, taken out of the index: each list is freed
    /// once scored.
    fn scored_owned(&self, postings: Postings) -> Scored<'_, (String, List)> {
        let mut terms: Vec<(String, List)> = postings.into_iter().collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let scorer = Scorer::new(&self.lengths, self.docs.len());
        Scored::new(
            terms,
            Box::new(move |(key, list)| {
                let impacts = scorer.score(&list);
                // Freed here, as each stem is scored, not when all are.
                drop(list);
                (key, impacts)
            }),
        )
    }

    /// The static files of the index, by path under the output's `search/` folder (without
    /// the documents' files handed over as they were made).
    pub fn export(&self) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
        let mut groups = Groups::new();
        let made = self
            .doc_files
            .chunks(format::DOC_GROUP)
            .map(|files| groups.group(files))
            .collect();
        self.export_with(self.scored(), made, groups.hash)
    }

    /// [`SearchIndex::export`] for a build that needs the index no more: the postings are
    /// freed once scored, and each document's file once in its group, before the files are
    /// made (so that the index and its files are not both held whole).
    pub fn into_files(mut self) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
        let postings = std::mem::take(&mut self.postings);
        let mut groups = Groups::new();
        let mut made = Vec::new();
        for file in std::mem::take(&mut self.doc_files) {
            made.extend(groups.push(file));
        }
        made.extend(groups.finish());
        self.export_with(self.scored_owned(postings), made, groups.hash)
    }

    /// The files, from the postings as scored by [`SearchIndex::scored`] and the groups of
    /// the documents' files held (with `groups_hash`, their [`Groups`] hash) or handed over.
    fn export_with(
        &self,
        impacts: impl Iterator<Item = TermImpacts>,
        doc_groups: Vec<(String, Vec<u8>)>,
        groups_hash: Fnv,
    ) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        // The version hashes the document groups first: a build hands them over before the
        // rest is made.
        let mut version = self.handed.unwrap_or(groups_hash);

        // Every key, in order: stems with postings and surface forms with their stems (both
        // lists are sorted; a word can be both).
        let mut impacts = impacts.peekable();
        let mut surfaces: Vec<_> = self.lexicon.iter().collect();
        surfaces.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut surfaces = surfaces.into_iter().peekable();
        // Entries are cut into groups, and the groups compressed in parallel a few dozen at a
        // time as they are cut, so that the entries of every shard are never held at once.
        let mut groups: Vec<(Vec<Entry>, format::Tails)> = Vec::new();
        let mut compressed = Vec::new();
        let compress = |groups: &mut Vec<(Vec<Entry>, format::Tails)>| {
            std::mem::take(groups)
                .into_par_iter()
                .map(|(entries, tails)| {
                    let shard = format::gzip(&format::encode_shard(&entries));
                    let tail = (!tails.is_empty())
                        .then(|| format::gzip_fast(&format::encode_tail(&tails)));
                    (entries[0].key.clone(), shard, tail)
                })
                .collect::<Vec<_>>()
        };
        let mut entries: Vec<Entry> = Vec::new();
        let mut tails: format::Tails = Vec::new();
        let mut size = 0usize;
        // Postings (heads and tails) of the shards cut and not yet compressed.
        let mut pending = 0usize;
        loop {
            let key = match (impacts.peek(), surfaces.peek()) {
                (Some((a, _)), Some((b, _))) => a.min(*b),
                (Some((a, _)), None) => a,
                (None, Some((b, _))) => *b,
                (None, None) => break,
            };
            let mut e = Entry {
                key: key.clone(),
                ..Entry::default()
            };
            if let Some((_, (docs, stems))) = surfaces.next_if(|(k, _)| **k == e.key) {
                e.surface_docs = *docs;
                e.stems = stems.keys().cloned().collect();
            }
            if let Some((_, mut list)) = impacts.next_if(|(k, _)| *k == e.key) {
                e.df = list.len() as u32;
                if list.len() > HEAD {
                    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    let mut tail = list.split_off(HEAD);
                    // The head keeps the whole list's room otherwise, until compressed.
                    list.shrink_to_fit();
                    list.sort_unstable();
                    tail.sort_unstable();
                    tails.push((e.key.clone(), tail));
                }
                pending += e.df as usize;
                e.postings = list;
            }
            let key = &e.key;
            size += key.len()
                + 4
                + e.postings.len() * 3
                + e.stems.iter().map(|s| s.len() + 1).sum::<usize>();
            entries.push(e);
            if size >= SHARD_BYTES {
                groups.push((std::mem::take(&mut entries), std::mem::take(&mut tails)));
                size = 0;
                if groups.len() == COMPRESS_BATCH || pending >= BATCH_POSTINGS {
                    compressed.extend(compress(&mut groups));
                    pending = 0;
                }
            }
        }
        if !entries.is_empty() {
            groups.push((entries, tails));
        }
        compressed.extend(compress(&mut groups));
        let mut shards: Vec<(String, String, Option<String>)> = Vec::new();
        for (first, shard, tail) in compressed {
            let name = format!("t/{}.bin", hash(&shard));
            let tail_name = tail.map(|bytes| {
                let tail_name = format!("tail/{}.bin", hash(&bytes));
                files.push((tail_name.clone(), bytes));
                tail_name
            });
            files.push((name.clone(), shard));
            shards.push((first, name, tail_name));
        }

        // Vocabulary by length in characters, most frequent first: for typo tolerance.
        let mut by_len: BTreeMap<usize, Vec<(&str, u32)>> = BTreeMap::new();
        for (surface, (docs, _)) in &self.lexicon {
            let len = surface.chars().count();
            if len >= 4 {
                by_len.entry(len).or_default().push((surface, *docs));
            }
        }
        let mut vocab = BTreeMap::new();
        for (len, mut words) in by_len {
            words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let text: Vec<&str> = words.iter().map(|w| w.0).collect();
            let bytes = format::gzip(text.join("\n").as_bytes());
            let name = format!("v/{len}.{}.bin", hash(&bytes));
            files.push((name.clone(), bytes));
            vocab.insert(len.to_string(), name);
        }

        // Facets: each value's documents, as deltas.
        let mut facet_values: BTreeMap<&str, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
        for (id, d) in self.docs.iter().enumerate() {
            for (facet, value) in &d.facets {
                let ids = facet_values
                    .entry(facet)
                    .or_default()
                    .entry(value)
                    .or_default();
                if ids.last() != Some(&(id as u32)) {
                    ids.push(id as u32);
                }
            }
        }
        let mut facets = BTreeMap::new();
        for (facet, values) in facet_values {
            let mut list: Vec<(&str, Vec<u32>)> = values.into_iter().collect();
            list.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            let values: Vec<serde_json::Value> = list
                .iter()
                .map(|(v, ids)| {
                    let mut last = 0;
                    let deltas: Vec<u32> = ids
                        .iter()
                        .map(|&id| {
                            let d = id - last;
                            last = id;
                            d
                        })
                        .collect();
                    json!([v, deltas])
                })
                .collect();
            let bytes = format::gzip(json!({ "values": values }).to_string().as_bytes());
            let name = format!("f/{facet}.{}.bin", hash(&bytes));
            files.push((name.clone(), bytes));
            facets.insert(facet.to_string(), name);
        }

        let mut analyzer = Analyzer::new();
        let fold = analyze::fold_table(&mut analyzer, self.chars.iter().copied());
        let version = {
            for (name, bytes) in &files {
                version.write(name.as_bytes());
                version.write(bytes);
            }
            format!("{:016x}", version.0)
        };
        // The documents' files, DOC_GROUP to a file (one file per document made the search
        // folder hold as many files as the site has pages); a reader fetches the group's
        // offsets, then only its document's bytes (see `format::encode_doc_group`).
        files.extend(doc_groups);
        let manifest = json!({
            "format": 2,
            "group": format::DOC_GROUP,
            "audience": self.audience,
            "analysis": analyze::VERSION,
            "docs": self.docs.len(),
            "head": HEAD,
            "minPrefix": MIN_PREFIX,
            "v": version,
            "shards": shards.iter().map(|(first, name, tail)| json!([first, name, tail])).collect::<Vec<_>>(),
            "vocab": vocab,
            "facets": facets,
            "fold": fold.iter().map(|(c, f)| (c.to_string(), f.clone())).collect::<BTreeMap<_, _>>(),
        });
        files.push((
            "manifest.bin".into(),
            format::gzip(manifest.to_string().as_bytes()),
        ));
        Ok(files)
    }
}

/// BM25 of the stems of one index, weighed by field, as impacts.
struct Scorer<'a> {
    lengths: &'a [[u8; 5]],
    /// Average length of each field over the documents.
    avg: [f64; 5],
    /// The number of documents.
    n: f64,
}

impl Scorer<'_> {
    fn new(lengths: &[[u8; 5]], docs: usize) -> Scorer<'_> {
        let n = docs.max(1) as f64;
        // Sums of integers: exact, so in any order.
        let mut total_len = [0f64; 5];
        for doc in lengths {
            for (total, &id) in total_len.iter_mut().zip(doc) {
                *total += f64::from(FieldNormReader::id_to_fieldnorm(id));
            }
        }
        Scorer {
            lengths,
            avg: total_len.map(|t| (t / n).max(1.0)),
            n,
        }
    }

    /// The (doc id, impact) pairs of one stem's postings, by doc id.
    fn score(&self, list: &List) -> Vec<(u32, u32)> {
        // By document, then field, as a list holds them: a document's field scores are
        // summed in field order (floating-point sums depend on the order, and so the impacts).
        let mut merged: Vec<(u32, f64)> = Vec::with_capacity(list.len());
        for p in list.iter() {
            let f = p.field();
            let tf = f64::from(p.frequency);
            let len = f64::from(FieldNormReader::id_to_fieldnorm(
                self.lengths[p.doc() as usize][f],
            ));
            let norm = K1 * (1.0 - B + B * len / self.avg[f]);
            let s = FIELDS[f].1 * tf * (K1 + 1.0) / (tf + norm);
            match merged.last_mut() {
                Some((last, acc)) if *last == p.doc() => *acc += s,
                _ => merged.push((p.doc(), s)),
            }
        }
        let df: f64 = merged.len() as f64;
        let idf = (1.0 + (self.n - df + 0.5) / (df + 0.5)).ln();
        merged
            .into_iter()
            .map(|(id, s)| (id, ((idf * s * IMPACT_SCALE).round() as u32).max(1)))
            .collect()
    }
}

/// A document's file: what a result shows, and its text by heading for the excerpt.
fn doc_file(d: &Doc) -> Vec<u8> {
    /// The file's fields, borrowed from the document and written straight to JSON, in the
    /// order of their keys (the order a `serde_json` object writes them in).
    #[derive(serde::Serialize)]
    struct Card<'a> {
        d: &'a Option<String>,
        f: &'a [(String, String)],
        k: &'a str,
        s: &'a str,
        t: &'a str,
        u: &'a str,
        x: Vec<(&'a str, &'a str, &'a str)>,
    }
    let card = Card {
        d: &d.date,
        f: &d.facets,
        k: &d.kind,
        s: &d.description,
        t: &d.title,
        u: &d.url,
        x: d.sections
            .iter()
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.text.as_str()))
            .collect(),
    };
    let json = serde_json::to_vec(&card).expect("strings serialise");
    format::gzip_fast(&json)
}

/// A stem and its (doc id, impact) postings, by doc id.
type TermImpacts = (String, Vec<(u32, u32)>);

/// The terms of an index scored [`SCORE_BATCH`] at a time, on every core, in the order
/// given, as the export reads them: the scored postings of the whole index are never held
/// at once beside the postings.
struct Scored<'a, T> {
    terms: std::vec::IntoIter<T>,
    /// The rest of the batch scored last.
    ready: std::vec::IntoIter<TermImpacts>,
    score: Box<dyn Fn(T) -> TermImpacts + Sync + 'a>,
}

/// A stem and its postings, borrowed from the index or taken out of it, as [`Scored`] reads
/// them: a batch is weighed by its postings.
trait StemPostings {
    fn postings(&self) -> usize;
}

impl StemPostings for (&String, &List) {
    fn postings(&self) -> usize {
        self.1.len()
    }
}

impl StemPostings for (String, List) {
    fn postings(&self) -> usize {
        self.1.len()
    }
}

impl<'a, T> Scored<'a, T> {
    fn new(terms: Vec<T>, score: Box<dyn Fn(T) -> TermImpacts + Sync + 'a>) -> Scored<'a, T> {
        Scored {
            terms: terms.into_iter(),
            ready: Vec::new().into_iter(),
            score,
        }
    }
}

impl<T: StemPostings + Send> Iterator for Scored<'_, T> {
    type Item = TermImpacts;

    fn next(&mut self) -> Option<TermImpacts> {
        if let Some(scored) = self.ready.next() {
            return Some(scored);
        }
        let mut postings = 0;
        let n = self
            .terms
            .as_slice()
            .iter()
            .take(SCORE_BATCH)
            .take_while(|term| {
                let go = postings < BATCH_POSTINGS;
                postings += term.postings();
                go
            })
            .count();
        let batch: Vec<T> = self.terms.by_ref().take(n).collect();
        self.ready = batch
            .into_par_iter()
            .map(|term| (self.score)(term))
            .collect::<Vec<_>>()
            .into_iter();
        self.ready.next()
    }
}

/// Each surface form: the documents holding it, and its stems with their counts. Hashed, not
/// sorted: every (surface, stem) pair of every page is looked up in it on one thread, and
/// a tree's string comparisons made that the longest part of joining the chunks. Sorted
/// once, at export.
type Lexicon = FxHashMap<String, (u32, BTreeMap<String, u32>)>;

/// Adds a document's (surface, stem) pairs, grouped by surface form, to the lexicon.
fn add_pairs<'a>(lexicon: &mut Lexicon, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut last: Option<&str> = None;
    for (surface, stem) in pairs {
        let first = last != Some(surface);
        last = Some(surface);
        // Most words are known already: a word is cloned only for a new entry.
        match lexicon.get_mut(surface) {
            Some(entry) => count_pair(entry, stem, first),
            None => {
                let mut entry = Default::default();
                count_pair(&mut entry, stem, first);
                lexicon.insert(surface.to_string(), entry);
            }
        }
    }
}

/// Counts one (surface, stem) pair in the surface form's entry; `first`: the document's first
/// pair of this surface form, which counts the document.
fn count_pair(entry: &mut (u32, BTreeMap<String, u32>), stem: &str, first: bool) {
    if first {
        entry.0 += 1;
    }
    match entry.1.get_mut(stem) {
        Some(n) => *n += 1,
        None => {
            entry.1.insert(stem.to_string(), 1);
        }
    }
}

/// Takes a document's (surface, stem) pairs, grouped by surface form, out of the lexicon.
fn remove_pairs<'a>(lexicon: &mut Lexicon, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut last: Option<&str> = None;
    for (surface, stem) in pairs {
        let Some(entry) = lexicon.get_mut(surface) else {
            continue;
        };
        if last != Some(surface) {
            entry.0 -= 1;
            last = Some(surface);
        }
        if let Some(n) = entry.1.get_mut(stem) {
            *n -= 1;
            if *n == 0 {
                entry.1.remove(stem);
            }
        }
        if entry.0 == 0 {
            lexicon.remove(surface);
        }
    }
}

/// FNV-1a, 64 bits: a stable content hash for file names (std's hasher may change between
/// Rust releases, and names must not).
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn hash(bytes: &[u8]) -> String {
    let mut h = Fnv::new();
    h.write(bytes);
    format!("{:016x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::ExcerptSection;

    fn doc(n: usize, title: &str, body: &str) -> Doc {
        Doc {
            key: format!("blog/{n}.md"),
            url: format!("/blog/{n}/"),
            title: title.into(),
            kind: "blog".into(),
            lang: "en".into(),
            tags: vec!["news".into()],
            sections: vec![ExcerptSection {
                text: body.into(),
                ..ExcerptSection::default()
            }],
            facets: vec![("kind".into(), "blog".into())],
            ..Doc::default()
        }
    }

    fn docs() -> Vec<Doc> {
        (0..40)
            .map(|n| {
                let body = format!(
                    "Ambassadors meet the users club {n} times. Gardens grow {} roses; the \
                     programme runs {} weeks.",
                    n % 7,
                    n % 3
                );
                doc(n, &format!("Post {n} about gardens"), &body)
            })
            .collect()
    }

    fn audience() -> Audience {
        Audience::unknown("public")
    }

    /// The build's path (documents a few at a time, text dropped, documents' files handed
    /// over as their groups fill, postings taken while scored) and `serve`'s (all at once,
    /// text and files kept, postings read) write the same files.
    #[test]
    fn a_one_shot_index_exports_what_a_kept_index_exports() {
        let kept = SearchIndex::new(docs(), audience(), Texts::Kept).unwrap();
        let mut rest = docs().into_iter();
        // Chunks of 3 whatever is asked, and an empty one: the index must not stop early.
        let mut calls = 0;
        let next = move |_n: usize| {
            calls += 1;
            if calls == 2 {
                return Some(Vec::new());
            }
            let chunk: Vec<Doc> = rest.by_ref().take(3).collect();
            (!chunk.is_empty()).then_some(chunk)
        };
        let mut handed = Vec::new();
        let mut hand = |name: String, bytes: Vec<u8>| handed.push((name, bytes));
        let once = SearchIndex::from_chunks(
            next,
            audience(),
            Texts::Dropped,
            DocFiles::Handed(&mut hand),
        )
        .unwrap();
        assert_eq!(once.docs().len(), 40);
        assert!(once
            .docs()
            .iter()
            .all(|d| d.sections.is_empty() && d.title.is_empty() && !d.facets.is_empty()));
        // 40 documents: a full group and a part one, each handed over once.
        let names: Vec<&str> = handed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["d/0.bin", "d/1.bin"]);
        let mut all = once.into_files().unwrap();
        assert!(!all.iter().any(|(n, _)| n.starts_with("d/")));
        all.extend(handed);
        all.sort();
        let mut expected = kept.export().unwrap();
        expected.sort();
        assert_eq!(expected, all);
        // And a one-shot index that holds them exports them itself, the same.
        let held = SearchIndex::new(docs(), audience(), Texts::Dropped).unwrap();
        let mut files = held.into_files().unwrap();
        files.sort();
        assert_eq!(expected, files);
    }

    /// Replacing a document gives the index made with the new document from the start, and an
    /// index without text asks for a whole new index instead.
    #[test]
    fn replacing_a_document_matches_a_fresh_index() {
        let mut edited = docs();
        edited[5] = doc(5, "Post 5 about orchards", "Orchards and gardens, apples.");
        let fresh = SearchIndex::new(edited.clone(), audience(), Texts::Kept).unwrap();
        let mut index = SearchIndex::new(docs(), audience(), Texts::Kept).unwrap();
        assert!(index.replace(edited[5].clone()).unwrap());
        assert_eq!(index.export().unwrap(), fresh.export().unwrap());
        let impacts: BTreeMap<String, Vec<(u32, u32)>> = index.impacts().into_iter().collect();
        // The old text's words are gone from the document, the new ones are there.
        assert!(!impacts["ambassador"].iter().any(|&(id, _)| id == 5));
        assert_eq!(impacts["ambassador"].len(), 39);
        assert_eq!(impacts["orchard"], [(5, impacts["orchard"][0].1)]);

        let mut dropped = SearchIndex::new(docs(), audience(), Texts::Dropped).unwrap();
        assert!(!dropped.replace(edited[5].clone()).unwrap());
    }

    /// BM25 weighed by field: a word in the title scores above the same word once in a body
    /// of the same length, and a word every document holds scores low.
    #[test]
    fn a_title_word_outweighs_a_body_word() {
        let docs = vec![
            doc(0, "Orchards", "Apples and pears grow here."),
            doc(1, "Harvest", "Orchards, apples and pears."),
            doc(2, "Winter", "Snow and pears in the cold."),
        ];
        let index = SearchIndex::new(docs, audience(), Texts::Kept).unwrap();
        let impacts: BTreeMap<String, Vec<(u32, u32)>> = index.impacts().into_iter().collect();
        let orchard = &impacts["orchard"];
        assert_eq!(orchard.len(), 2, "{orchard:?}");
        assert!(orchard[0].1 > orchard[1].1, "{orchard:?}");
        let pear = &impacts["pear"];
        assert_eq!(pear.len(), 3);
        assert!(
            pear.iter().all(|&(_, i)| i < orchard[1].1),
            "{pear:?} {orchard:?}"
        );
    }
}
