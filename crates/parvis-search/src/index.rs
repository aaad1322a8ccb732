//! The index: documents analysed into a tantivy index held in memory, then exported as the
//! static files the browser and `parvis search` read.
//!
//! tantivy keeps the postings, term frequencies and field lengths; the export reads them back
//! segment by segment, computes BM25 per field (k1 1.2, b 0.75, as tantivy does), weighs the
//! fields (title 5, headings and tags 3, description 2, body 1), sums them per document and
//! quantises the result to an integer *impact*. A query is then a sum of integers, which the
//! Rust reader and the JavaScript client compute identically.
//!
//! The index lives on in `serve`: an edited page is deleted from tantivy and added again, its
//! words are taken out of the lexicon and put back, and only the export runs again.

use super::analyze::{self, Analyzer};
use super::docs::Doc;
use super::format::{self, Entry};
use crate::error::SearchError;
use parvis_core::config::Audience;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use tantivy::indexer::NoMergePolicy;
use tantivy::postings::Postings;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{DocSet, Index, IndexWriter, ReloadPolicy, TantivyDocument, Term, TERMINATED};

/// Field name and weight, in the order documents give them.
const FIELDS: [(&str, f64); 5] = [
    ("title", 5.0),
    ("headings", 3.0),
    ("tags", 3.0),
    ("description", 2.0),
    ("body", 1.0),
];
/// The tokenizer of the text fields: the build hands tantivy stems separated by spaces.
const STEMS: &str = "parvis_stems";
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Impacts are BM25 scores times this, rounded.
const IMPACT_SCALE: f64 = 10.0;
/// Postings kept in a term's head; the rest go to the shard's tail file, fetched only for
/// "more results" and filters.
pub const HEAD: usize = 200;
/// Uncompressed bytes per term shard (about 8 KB once gzipped).
const SHARD_BYTES: usize = 16_000;
/// Documents analysed together, before they go to tantivy.
const CHUNK: usize = 512;
/// Memory of each of tantivy's indexing threads before it writes a segment.
const WRITER_BYTES_PER_THREAD: usize = 60_000_000;
/// The last word of a query is completed from this many characters on.
pub const MIN_PREFIX: usize = 3;

/// One document analysed: the stems of each field for tantivy (dropped once indexed), and
/// what the lexicon keeps of it.
struct Analysed {
    /// Stems separated by spaces: tantivy splits them again with its whitespace tokenizer,
    /// which is much cheaper than handing it pre-tokenized text (stored as JSON per token).
    fields: [String; 5],
    /// Its (surface, stem) pairs, each once.
    pairs: Vec<(String, String)>,
    /// Non-ASCII characters of its words before folding, for the fold table.
    chars: BTreeSet<char>,
}

fn analyse(analyzer: &mut Analyzer, doc: &Doc) -> Analysed {
    let lang = analyze::stemmer_language(&doc.lang);
    let body: String = doc
        .sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let texts = [
        doc.title.as_str(),
        &doc.headings.join("\n"),
        &doc.tags.join("\n"),
        doc.description.as_str(),
        &body,
    ];
    let mut chars = BTreeSet::new();
    let mut ids = Vec::new();
    let mut fields: [String; 5] = Default::default();
    for (text, stems) in texts.iter().zip(fields.iter_mut()) {
        chars.extend(
            text.chars()
                .filter(|c| !c.is_ascii() && c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
        analyzer.analyse(text, lang, stems, &mut ids);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut pairs: Vec<(String, String)> = ids
        .into_iter()
        .map(|id| {
            let (a, b) = analyzer.pair(id);
            (a.to_string(), b.to_string())
        })
        .collect();
    pairs.sort();
    Analysed {
        fields,
        pairs,
        chars,
    }
}

fn tantivy_doc(fields: &[Field; 5], num: Field, id: u32, a: &mut Analysed) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_u64(num, u64::from(id));
    for (field, stems) in fields.iter().zip(a.fields.iter_mut()) {
        d.add_text(*field, std::mem::take(stems));
    }
    d
}

/// A search index for one build.
pub struct SearchIndex {
    index: Index,
    writer: IndexWriter,
    fields: [Field; 5],
    num: Field,
    docs: Vec<Doc>,
    /// Non-ASCII characters met, for the fold table.
    chars: BTreeSet<char>,
    /// surface form → (documents holding it, stem → documents holding the pair)
    lexicon: Lexicon,
    /// The gzipped file of each document, made once.
    doc_files: Vec<Vec<u8>>,
    /// The audience the documents were picked for (in the manifest).
    audience: Audience,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({} documents)", self.docs.len())
    }
}

fn schema() -> (Schema, [Field; 5], Field) {
    let mut sb = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = FIELDS.map(|(name, _)| sb.add_text_field(name, text.clone()));
    let num = sb.add_u64_field("num", INDEXED | FAST);
    (sb.build(), fields, num)
}

impl SearchIndex {
    /// Analyses and indexes `docs` (in doc id order).
    pub fn new(docs: Vec<Doc>, audience: Audience) -> Result<SearchIndex, SearchError> {
        let (schema, fields, num) = schema();
        let index = Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(STEMS, TextAnalyzer::from(WhitespaceTokenizer::default()));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)?;
        // The export reads every segment as it is: merging them would only take cores from
        // the build (and the impacts do not depend on how documents fall into segments).
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut lexicon = BTreeMap::new();
        let mut chars = BTreeSet::new();
        let mut doc_files = Vec::with_capacity(docs.len());
        // In chunks, so that only a chunk's tokens are in memory at once. A thread analyses
        // the next chunk (and makes its documents' files) on every core while this one hands
        // the last to tantivy's indexing threads and adds its words to the lexicon, which
        // only one thread can do.
        std::thread::scope(|scope| -> Result<(), SearchError> {
            let (sender, receiver) = std::sync::mpsc::sync_channel(1);
            let docs = &docs;
            scope.spawn(move || {
                for chunk in docs.chunks(CHUNK) {
                    let analysed: Vec<(Analysed, Vec<u8>)> = chunk
                        .par_iter()
                        .map_init(Analyzer::new, |analyzer, doc| {
                            (analyse(analyzer, doc), doc_file(doc))
                        })
                        .collect();
                    if sender.send(analysed).is_err() {
                        break;
                    }
                }
            });
            let mut id = 0u32;
            for analysed in receiver {
                for (mut a, file) in analysed {
                    writer.add_document(tantivy_doc(&fields, num, id, &mut a))?;
                    add_pairs(&mut lexicon, &a.pairs);
                    chars.extend(a.chars);
                    doc_files.push(file);
                    id += 1;
                }
            }
            Ok(())
        })?;
        writer.commit()?;
        Ok(SearchIndex {
            index,
            writer,
            fields,
            num,
            docs,
            chars,
            lexicon,
            doc_files,
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
        let mut a = analyse(&mut analyzer, &doc);
        // Analysis is deterministic: the old document's words are found again rather than
        // kept for every document of every build.
        let old = analyse(&mut analyzer, &self.docs[id]).pairs;
        remove_pairs(&mut self.lexicon, &old);
        add_pairs(&mut self.lexicon, &a.pairs);
        self.chars.extend(a.chars.iter().copied());
        self.writer
            .delete_term(Term::from_field_u64(self.num, id as u64));
        self.writer
            .add_document(tantivy_doc(&self.fields, self.num, id as u32, &mut a))?;
        self.writer.commit()?;
        self.doc_files[id] = doc_file(&doc);
        self.docs[id] = doc;
        Ok(true)
    }

    /// The weighted BM25 term-frequency part of field `f` in one segment, per term: (doc id,
    /// score) pairs in postings order, without the idf (which needs every field).
    fn field_scores(
        &self,
        seg: &tantivy::SegmentReader,
        f: usize,
        avg: f64,
    ) -> Result<Vec<TermScores>, SearchError> {
        let field = self.fields[f];
        let nums = seg.fast_fields().u64("num")?;
        let inverted = seg.inverted_index(field)?;
        let norms = seg.get_fieldnorms_reader(field)?;
        let mut terms = inverted.terms().stream()?;
        let mut out = Vec::new();
        while terms.advance() {
            let key = String::from_utf8_lossy(terms.key()).into_owned();
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
            let mut list = Vec::new();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !seg.is_deleted(doc) {
                    if let Some(id) = nums.first(doc) {
                        let tf = f64::from(postings.term_freq());
                        let len = f64::from(norms.fieldnorm(doc));
                        let norm = K1 * (1.0 - B + B * len / avg);
                        list.push((id as u32, FIELDS[f].1 * tf * (K1 + 1.0) / (tf + norm)));
                    }
                }
                doc = postings.advance();
            }
            out.push((key, list));
        }
        Ok(out)
    }

    /// Scores every (stem, document) pair from tantivy's postings and field lengths.
    /// Returns them by stem, sorted.
    fn impacts(&self) -> Result<Vec<TermImpacts>, SearchError> {
        let reader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let n = self.docs.len().max(1) as f64;
        // Average length of each field over live documents, from the field norms.
        let mut total_len = [0f64; 5];
        for seg in searcher.segment_readers() {
            for (f, field) in self.fields.iter().enumerate() {
                let norms = seg.get_fieldnorms_reader(*field)?;
                for doc in seg.doc_ids_alive() {
                    total_len[f] += f64::from(norms.fieldnorm(doc));
                }
            }
        }
        let avg = total_len.map(|t| (t / n).max(1.0));
        // Each (segment, field) is read on its own core; the lists are then joined in
        // (segment, field) order so that a document's field scores are summed in the same
        // order as on one core (floating-point sums depend on it, and so the impacts).
        let segments = searcher.segment_readers();
        let jobs: Vec<(usize, usize)> = (0..segments.len())
            .flat_map(|s| (0..self.fields.len()).map(move |f| (s, f)))
            .collect();
        let per_job: Vec<Vec<TermScores>> = jobs
            .par_iter()
            .map(|&(s, f)| self.field_scores(&segments[s], f, avg[f]))
            .collect::<Result<_, _>>()?;
        // Every job's terms come sorted; a stable sort of them all puts each term's lists
        // side by side, still in job order.
        let mut lists: Vec<TermScores> = per_job.into_iter().flatten().collect();
        lists.par_sort_by(|a, b| a.0.cmp(&b.0));
        let mut partial: Vec<TermScores> = Vec::new();
        for (key, list) in lists {
            match partial.last_mut() {
                Some((last, all)) if *last == key => all.extend(list),
                _ => partial.push((key, list)),
            }
        }
        let out = partial
            .into_par_iter()
            .filter_map(|(key, mut list)| {
                list.sort_by_key(|&(id, _)| id);
                let mut merged: Vec<(u32, f64)> = Vec::with_capacity(list.len());
                for (id, s) in list {
                    match merged.last_mut() {
                        Some((last, acc)) if *last == id => *acc += s,
                        _ => merged.push((id, s)),
                    }
                }
                if merged.is_empty() {
                    return None;
                }
                let df: f64 = merged.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let scored = merged
                    .into_iter()
                    .map(|(id, s)| (id, ((idf * s * IMPACT_SCALE).round() as u32).max(1)))
                    .collect();
                Some((key, scored))
            })
            .collect();
        Ok(out)
    }

    /// The static files of the index, by path under the output's `search/` folder.
    pub fn export(&self) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
        let impacts = self.impacts()?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();

        // Every key, in order: stems with postings and surface forms with their stems (both
        // lists are sorted; a word can be both).
        let mut impacts = impacts.into_iter().peekable();
        let mut surfaces = self.lexicon.iter().peekable();
        // Entries are cut into groups here and compressed in parallel below.
        let mut groups: Vec<(Vec<Entry>, format::Tails)> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut tails: format::Tails = Vec::new();
        let mut size = 0usize;
        let mut flush = |entries: &mut Vec<Entry>, tails: &mut format::Tails| {
            if !entries.is_empty() {
                groups.push((std::mem::take(entries), std::mem::take(tails)));
            }
        };
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
                    list.sort_unstable();
                    tail.sort_unstable();
                    tails.push((e.key.clone(), tail));
                }
                e.postings = list;
            }
            let key = &e.key;
            size += key.len()
                + 4
                + e.postings.len() * 3
                + e.stems.iter().map(|s| s.len() + 1).sum::<usize>();
            entries.push(e);
            if size >= SHARD_BYTES {
                flush(&mut entries, &mut tails);
                size = 0;
            }
        }
        flush(&mut entries, &mut tails);
        let compressed: Vec<_> = groups
            .par_iter()
            .map(|(entries, tails)| {
                let shard = format::gzip(&format::encode_shard(entries));
                let tail =
                    (!tails.is_empty()).then(|| format::gzip_fast(&format::encode_tail(tails)));
                (entries[0].key.clone(), shard, tail)
            })
            .collect();
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

        // The documents' files, DOC_GROUP to a file (one file per document made the search
        // folder hold as many files as the site has pages); a reader fetches the group's
        // offsets, then only its document's bytes (see `format::encode_doc_group`).
        for (g, group) in self.doc_files.chunks(format::DOC_GROUP).enumerate() {
            files.push((format!("d/{g}.bin"), format::encode_doc_group(group)));
        }

        let mut analyzer = Analyzer::new();
        let fold = analyze::fold_table(&mut analyzer, self.chars.iter().copied());
        let version = {
            let mut h = Fnv::new();
            for (name, bytes) in &files {
                h.write(name.as_bytes());
                h.write(bytes);
            }
            format!("{:016x}", h.0)
        };
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

/// A document's file: what a result shows, and its text by heading for the excerpt.
fn doc_file(d: &Doc) -> Vec<u8> {
    let sections: Vec<serde_json::Value> = d
        .sections
        .iter()
        .map(|s| json!([s.anchor, s.heading, s.text]))
        .collect();
    let card = json!({
        "u": d.url, "t": d.title, "k": d.kind, "d": d.date, "s": d.description,
        "x": sections, "f": d.facets,
    });
    format::gzip_fast(card.to_string().as_bytes())
}

/// A term and its (doc id, field score) pairs in one field of one segment.
type TermScores = (String, Vec<(u32, f64)>);

/// A stem and its (doc id, impact) postings, by doc id.
type TermImpacts = (String, Vec<(u32, u32)>);

type Lexicon = BTreeMap<String, (u32, BTreeMap<String, u32>)>;

/// Adds a document's sorted (surface, stem) pairs to the lexicon.
fn add_pairs(lexicon: &mut Lexicon, pairs: &[(String, String)]) {
    let mut last: Option<&str> = None;
    for (surface, stem) in pairs {
        let first = last != Some(surface.as_str());
        last = Some(surface);
        // Most words are known already: a word is cloned only for a new entry.
        match lexicon.get_mut(surface) {
            Some(entry) => count_pair(entry, stem, first),
            None => {
                let mut entry = Default::default();
                count_pair(&mut entry, stem, first);
                lexicon.insert(surface.clone(), entry);
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

/// Takes a document's sorted (surface, stem) pairs out of the lexicon.
fn remove_pairs(lexicon: &mut Lexicon, pairs: &[(String, String)]) {
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
