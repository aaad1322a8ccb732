//! The reader: answers a query from the exported files, as the browser does.
//!
//! `themes/default/static/assets/search.js` is this module in JavaScript, step for step: the
//! same tokens, the same candidate stems (exact, then completions of the last word, then
//! typo corrections), the same integer scores and the same order (words matched, words matched
//! as typed, score, document). `parvis search` and the
//! browser therefore return the same results, which a test checks on the example site.

use super::analyze::query_tokens;
use super::format::{self, Entry};
use crate::error::SearchError;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Weight of a stem found by the word as typed, by completing it, or by correcting a typo.
const EXACT: u32 = 4;
const PREFIX: u32 = 3;
const TYPO: u32 = 2;
/// Completions kept for the last word, most frequent first.
const MAX_COMPLETIONS: usize = 20;
/// Shards read to complete the last word.
const MAX_PREFIX_SHARDS: usize = 3;
/// Corrections kept for a misspelt word.
const MAX_CORRECTIONS: usize = 5;
/// Words of a query that count.
const MAX_TOKENS: usize = 10;

#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub docs: u32,
    /// Documents per document group file.
    pub group: usize,
    #[serde(rename = "minPrefix")]
    pub min_prefix: usize,
    pub v: String,
    /// (first key, file, tail file)
    pub shards: Vec<(String, String, Option<String>)>,
    pub vocab: BTreeMap<String, String>,
    pub facets: BTreeMap<String, String>,
    pub fold: BTreeMap<char, String>,
}

/// A document as shown in results.
#[derive(Debug, Clone, Deserialize)]
pub struct Card {
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "t")]
    pub title: String,
    #[serde(rename = "k")]
    pub kind: String,
    #[serde(rename = "d")]
    pub date: Option<String>,
    #[serde(rename = "s")]
    pub description: String,
    /// (anchor, heading, text)
    #[serde(rename = "x")]
    pub sections: Vec<(String, String, String)>,
    #[serde(rename = "f")]
    pub facets: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    /// Query words found in the document.
    pub matched: u32,
    /// Of those, the words found as typed (not completed or corrected).
    pub exact: u32,
    pub score: u32,
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    /// facet → accepted values (any of them); every facet must match.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Read the tail postings too (for "more results"; implied by filters).
    pub full: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Every matching document, best first.
    pub hits: Vec<Hit>,
    /// The stems searched, for highlighting.
    pub stems: Vec<String>,
    /// The query's words after folding.
    pub tokens: Vec<String>,
    /// Some postings were left in tail files: more documents match than `hits` holds.
    pub partial: bool,
}

/// Reads files of an exported index through `fetch` (a path under `search/`), caching them.
pub struct Reader<F> {
    fetch: F,
    pub manifest: Manifest,
    shards: HashMap<usize, Vec<Entry>>,
    tails: HashMap<usize, HashMap<String, Vec<(u32, u32)>>>,
    vocab: HashMap<usize, Vec<String>>,
    facets: HashMap<String, Vec<(String, BTreeSet<u32>)>>,
    /// Bytes fetched so far, compressed, as the browser would transfer them.
    pub bytes_fetched: usize,
    /// Document groups whose header was counted in `bytes_fetched`.
    headers_fetched: BTreeSet<usize>,
}

impl<F, E> Reader<F>
where
    F: FnMut(&str) -> Result<Vec<u8>, E>,
    E: std::fmt::Display,
{
    pub fn open(mut fetch: F) -> Result<Reader<F>, SearchError> {
        let raw = fetch("manifest.bin").map_err(|e| SearchError::Fetch(e.to_string()))?;
        let bytes_fetched = raw.len();
        let manifest: Manifest = serde_json::from_slice(&format::gunzip(&raw)?)
            .map_err(|e| SearchError::from(e).in_file("manifest.bin"))?;
        Ok(Reader {
            fetch,
            manifest,
            shards: HashMap::new(),
            tails: HashMap::new(),
            vocab: HashMap::new(),
            facets: HashMap::new(),
            bytes_fetched,
            headers_fetched: BTreeSet::new(),
        })
    }

    fn get(&mut self, path: &str) -> Result<Vec<u8>, SearchError> {
        let raw = (self.fetch)(path).map_err(|e| SearchError::Fetch(e.to_string()))?;
        self.bytes_fetched += raw.len();
        format::gunzip(&raw)
    }

    /// The shard whose range holds `key`: the last one whose first key is not after it.
    fn shard_of(&self, key: &str) -> usize {
        self.manifest
            .shards
            .partition_point(|(first, _, _)| first.as_str() <= key)
            .saturating_sub(1)
    }

    fn shard(&mut self, i: usize) -> Result<&Vec<Entry>, SearchError> {
        if !self.shards.contains_key(&i) {
            let file = self.manifest.shards[i].1.clone();
            let entries = format::decode_shard(&self.get(&file)?).map_err(|e| e.in_file(&file))?;
            self.shards.insert(i, entries);
        }
        Ok(&self.shards[&i])
    }

    fn lookup(&mut self, key: &str) -> Result<Option<Entry>, SearchError> {
        if self.manifest.shards.is_empty() {
            return Ok(None);
        }
        let i = self.shard_of(key);
        let entries = self.shard(i)?;
        Ok(entries
            .binary_search_by(|e| e.key.as_str().cmp(key))
            .ok()
            .map(|at| entries[at].clone()))
    }

    /// Postings of a stem: its head, and its tail when `full`; and whether some were left out.
    fn postings(&mut self, stem: &str, full: bool) -> Result<(Vec<(u32, u32)>, bool), SearchError> {
        let Some(entry) = self.lookup(stem)? else {
            return Ok((Vec::new(), false));
        };
        let left_out = !full && (entry.postings.len() as u32) < entry.df;
        let mut postings = entry.postings.clone();
        if full && (entry.postings.len() as u32) < entry.df {
            let i = self.shard_of(stem);
            if !self.tails.contains_key(&i) {
                let tail = match self.manifest.shards[i].2.clone() {
                    Some(file) => format::decode_tail(&self.get(&file)?)
                        .map_err(|e| e.in_file(&file))?
                        .into_iter()
                        .collect(),
                    None => HashMap::new(),
                };
                self.tails.insert(i, tail);
            }
            if let Some(rest) = self.tails[&i].get(stem) {
                postings.extend_from_slice(rest);
            }
        }
        Ok((postings, left_out))
    }

    /// Surface words that start with `prefix`, most frequent first.
    fn completions(&mut self, prefix: &str) -> Result<Vec<Entry>, SearchError> {
        let mut found = Vec::new();
        if self.manifest.shards.is_empty() {
            return Ok(found);
        }
        let start = self.shard_of(prefix);
        let mut i = start;
        while i < self.manifest.shards.len() && i < start + MAX_PREFIX_SHARDS {
            if i > start && !self.manifest.shards[i].0.starts_with(prefix) {
                break;
            }
            for e in self.shard(i)? {
                if e.surface_docs > 0 && e.key.starts_with(prefix) && e.key != prefix {
                    found.push(e.clone());
                }
            }
            i += 1;
        }
        found.sort_by(|a, b| b.surface_docs.cmp(&a.surface_docs).then(a.key.cmp(&b.key)));
        found.truncate(MAX_COMPLETIONS);
        Ok(found)
    }

    /// Known words within one edit (two from 8 letters on) of `token`, best first.
    fn corrections(&mut self, token: &str) -> Result<Vec<String>, SearchError> {
        let chars: Vec<char> = token.chars().collect();
        let max = if chars.len() >= 8 { 2 } else { 1 };
        let mut found: Vec<(usize, usize, String)> = Vec::new();
        let mut order = 0;
        for len in chars.len() - max..=chars.len() + max {
            let Some(file) = self.manifest.vocab.get(&len.to_string()).cloned() else {
                continue;
            };
            if !self.vocab.contains_key(&len) {
                let text = String::from_utf8(self.get(&file)?)?;
                self.vocab
                    .insert(len, text.split('\n').map(str::to_string).collect());
            }
            for word in &self.vocab[&len] {
                let w: Vec<char> = word.chars().collect();
                if let Some(d) = distance(&chars, &w, max) {
                    found.push((d, order, word.clone()));
                }
                order += 1;
            }
        }
        found.sort();
        Ok(found
            .into_iter()
            .take(MAX_CORRECTIONS)
            .map(|f| f.2)
            .collect())
    }

    fn facet(&mut self, name: &str) -> Result<Vec<(String, BTreeSet<u32>)>, SearchError> {
        if !self.facets.contains_key(name) {
            let Some(file) = self.manifest.facets.get(name).cloned() else {
                return Ok(Vec::new());
            };
            #[derive(Deserialize)]
            struct FacetFile {
                values: Vec<(String, Vec<u32>)>,
            }
            let f: FacetFile = serde_json::from_slice(&self.get(&file)?)
                .map_err(|e| SearchError::from(e).in_file(&file))?;
            let values = f
                .values
                .into_iter()
                .map(|(v, deltas)| {
                    let mut id = 0;
                    let ids = deltas
                        .into_iter()
                        .map(|d| {
                            id += d;
                            id
                        })
                        .collect();
                    (v, ids)
                })
                .collect();
            self.facets.insert(name.to_string(), values);
        }
        Ok(self.facets[name].clone())
    }

    /// Counts of each value of `facet` among `hits`, most frequent first.
    pub fn facet_counts(
        &mut self,
        facet: &str,
        hits: &[Hit],
    ) -> Result<Vec<(String, usize)>, SearchError> {
        let docs: BTreeSet<u32> = hits.iter().map(|h| h.doc).collect();
        let mut counts: Vec<(String, usize)> = self
            .facet(facet)?
            .into_iter()
            .map(|(v, ids)| (v, ids.intersection(&docs).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(counts)
    }

    pub fn search(&mut self, query: &Query) -> Result<Results, SearchError> {
        let mut tokens = query_tokens(&query.text, &self.manifest.fold);
        tokens.truncate(MAX_TOKENS);
        let complete_last = !query.text.ends_with(char::is_whitespace);
        let full = query.full || !query.filters.is_empty();
        // Per document: words matched, words matched as typed, score.
        let mut totals: BTreeMap<u32, (u32, u32, u32)> = BTreeMap::new();
        let mut all_stems = BTreeSet::new();
        let mut partial = false;
        for (i, token) in tokens.iter().enumerate() {
            let mut candidates: BTreeMap<String, u32> = BTreeMap::new();
            fn add(candidates: &mut BTreeMap<String, u32>, stems: &[String], weight: u32) {
                for stem in stems {
                    let w = candidates.entry(stem.clone()).or_insert(0);
                    *w = (*w).max(weight);
                }
            }
            if let Some(e) = self.lookup(token)? {
                if e.surface_docs > 0 {
                    add(&mut candidates, &e.stems, EXACT);
                } else if e.df > 0 {
                    add(&mut candidates, std::slice::from_ref(token), EXACT);
                }
            }
            let len = token.chars().count();
            if i + 1 == tokens.len() && complete_last && len >= self.manifest.min_prefix {
                for e in self.completions(token)? {
                    add(&mut candidates, &e.stems, PREFIX);
                }
            }
            if candidates.is_empty() && len >= 5 {
                for word in self.corrections(token)? {
                    if let Some(e) = self.lookup(&word)? {
                        add(&mut candidates, &e.stems, TYPO);
                    }
                }
            }
            let mut best: HashMap<u32, (u32, bool)> = HashMap::new();
            for (stem, weight) in &candidates {
                all_stems.insert(stem.clone());
                let (postings, left_out) = self.postings(stem, full)?;
                partial |= left_out;
                for (doc, impact) in postings {
                    let (s, exact) = best.entry(doc).or_insert((0, false));
                    *s = (*s).max(impact * weight);
                    *exact |= *weight == EXACT;
                }
            }
            for (doc, (s, exact)) in best {
                let t = totals.entry(doc).or_insert((0, 0, 0));
                t.0 += 1;
                t.1 += u32::from(exact);
                t.2 += s;
            }
        }
        if !query.filters.is_empty() {
            for (facet, accepted) in &query.filters {
                let mut allowed = BTreeSet::new();
                for (value, ids) in self.facet(facet)? {
                    if accepted.contains(&value) {
                        allowed.extend(ids);
                    }
                }
                totals.retain(|doc, _| allowed.contains(doc));
            }
        }
        let mut hits: Vec<Hit> = totals
            .into_iter()
            .map(|(doc, (matched, exact, score))| Hit {
                doc,
                matched,
                exact,
                score,
            })
            .collect();
        // A word found as typed beats a completion of it, whatever their scores:
        // `canary1` finds the page about canary1 before the one about canary10.
        hits.sort_by(|a, b| {
            b.matched
                .cmp(&a.matched)
                .then(b.exact.cmp(&a.exact))
                .then(b.score.cmp(&a.score))
                .then(a.doc.cmp(&b.doc))
        });
        Ok(Results {
            hits,
            stems: all_stems.into_iter().collect(),
            tokens,
            partial,
        })
    }

    /// The card of document `doc`, from its group file. The bytes counted are those the
    /// browser fetches: the group's header (once) and the document's range.
    pub fn card(&mut self, doc: u32) -> Result<Card, SearchError> {
        let group = self.manifest.group.max(1);
        let (g, i) = (doc as usize / group, doc as usize % group);
        let n = (self.manifest.docs as usize)
            .saturating_sub(g * group)
            .min(group);
        let path = format!("d/{g}.bin");
        let raw = (self.fetch)(&path).map_err(|e| SearchError::Fetch(e.to_string()))?;
        let (start, end) = format::doc_group_range(&raw, n, i).map_err(|e| e.in_file(&path))?;
        let bytes = raw
            .get(start..end)
            .ok_or(SearchError::Corrupt("document past the end of its group"))
            .map_err(|e| e.in_file(&path))?;
        if self.headers_fetched.insert(g) {
            self.bytes_fetched += format::doc_group_header_len(n);
        }
        self.bytes_fetched += bytes.len();
        serde_json::from_slice(&format::gunzip(bytes)?)
            .map_err(|e| SearchError::from(e).in_file(&path))
    }
}

/// Levenshtein distance of `a` and `b` when at most `max`.
fn distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The excerpt of a card for a query: the window of `width` words with the most matches, the
/// heading anchor of its section, and the words to highlight marked with `[` `]` positions.
pub fn excerpt(
    card: &Card,
    results: &Results,
    fold: &BTreeMap<char, String>,
    width: usize,
) -> (String, Vec<(String, bool)>) {
    let matches = |word: &str| {
        let t = query_tokens(word, fold);
        t.first().is_some_and(|w| {
            results.tokens.iter().any(|q| w == q)
                || results
                    .stems
                    .iter()
                    .any(|s| s.chars().count() >= 3 && w.starts_with(s.as_str()))
        })
    };
    let mut best: (usize, String, Vec<(String, bool)>) = (0, String::new(), Vec::new());
    for (anchor, _heading, text) in &card.sections {
        let words: Vec<&str> = text.split_whitespace().collect();
        let marks: Vec<bool> = words.iter().map(|w| matches(w)).collect();
        let mut count = 0;
        let mut top = (0usize, 0usize);
        for end in 0..words.len() {
            count += usize::from(marks[end]);
            if end >= width {
                count -= usize::from(marks[end - width]);
            }
            if count > top.0 {
                top = (count, (end + 1).saturating_sub(width));
            }
        }
        if top.0 > best.0 || (best.2.is_empty() && !words.is_empty()) {
            // Start a few words before the window's first match rather than end on it.
            if let Some(first) = (top.1..words.len()).find(|&k| marks[k]) {
                top.1 = first.saturating_sub(3);
            }
            let window = (top.1..(top.1 + width).min(words.len()))
                .map(|k| (words[k].to_string(), marks[k]))
                .collect();
            best = (top.0, anchor.clone(), window);
        }
    }
    if best.2.is_empty() {
        best.2 = card
            .description
            .split_whitespace()
            .take(width)
            .map(|w| (w.to_string(), false))
            .collect();
    }
    (best.1, best.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(distance(&c("communaute"), &c("comunaute"), 2), Some(1));
        assert_eq!(distance(&c("ambassador"), &c("ambasadr"), 2), Some(2));
        assert_eq!(distance(&c("guide"), &c("glide"), 1), Some(1));
        assert_eq!(distance(&c("guide"), &c("gilde"), 1), None);
    }
}
