//! The bytes of the exported index: varints, gzip, and the term shard layout.
//!
//! Shared by the writer ([`crate::SearchIndex::export`]) and the reader ([`crate::query`]) so
//! the two cannot drift; the JavaScript client (`themes/default/static/assets/search.js`) reads
//! the same layout.
//!
//! A term shard, once gunzipped, is a varint entry count followed by entries sorted by key
//! bytes. Each entry is:
//! - the key, front-coded: shared prefix length and suffix length in bytes, then the suffix;
//! - the surface part: how many documents hold this word as written (0 when the key is only a
//!   stem), and when non-zero the number of stems it maps to, each as length and bytes;
//! - the postings part: document frequency (0 when the key is not a stem), and when non-zero
//!   the number of postings kept here, then (doc id delta, impact) pairs by doc id. When fewer
//!   postings are kept than the document frequency, the rest are in the shard's tail file.
//!
//! A tail file is an entry count, then for each entry the full key, a posting count and the
//! (doc id delta, impact) pairs.
//!
//! A document group file (`d/{g}.bin`) holds documents `g * DOC_GROUP` onwards: a header of
//! n + 1 little-endian u32 offsets from the start of the file (n, the documents in the group,
//! follows from the manifest's `docs` and `group`), then each document's own gzip stream, the
//! i-th from offset i to offset i + 1. The browser fetches the header, then the document's
//! bytes with an HTTP `Range` request, so a result costs the bytes of its own document (plus
//! 4 bytes a document of header) and not of the group; it reads the whole file when a host
//! ignores `Range`.

use crate::error::SearchError;
use flate2::read::GzDecoder;
use libdeflater::{CompressionLvl, Compressor};
use std::cell::RefCell;
use std::io::Read;

/// (doc id, impact) pairs, by doc id.
pub type Postings = Vec<(u32, u32)>;

/// The tail postings of a shard's frequent terms: (key, postings).
pub type Tails = Vec<(String, Postings)>;

/// One key of a term shard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// Documents that contain this word as written (after lowercasing and folding); 0 when the
    /// key is only a stem.
    pub surface_docs: u32,
    /// The stems this word is indexed under (one per language that stems it differently).
    pub stems: Vec<String>,
    /// Documents that contain the stem, in all of the index; 0 when the key is not a stem.
    pub df: u32,
    /// (doc id, impact), by doc id: the highest impacts when the stem has more than the head
    /// holds.
    pub postings: Vec<(u32, u32)>,
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A cursor over bytes, for decoding.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    pub fn varint(&mut self) -> Result<u64, SearchError> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.bytes.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(SearchError::Corrupt("varint too long"));
            }
        }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], SearchError> {
        let end = self.pos.checked_add(n).ok_or("length overflow")?;
        let s = self.bytes.get(self.pos..end).ok_or("truncated bytes")?;
        self.pos = end;
        Ok(s)
    }

    fn string(&mut self) -> Result<String, SearchError> {
        let n = self.varint()? as usize;
        let b = self.bytes(n)?;
        Ok(String::from_utf8(b.to_vec())?)
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_postings(out: &mut Vec<u8>, postings: &[(u32, u32)]) {
    put_varint(out, postings.len() as u64);
    let mut last = 0u32;
    for &(doc, impact) in postings {
        put_varint(out, u64::from(doc - last));
        put_varint(out, u64::from(impact));
        last = doc;
    }
}

fn read_postings(r: &mut Reader) -> Result<Vec<(u32, u32)>, SearchError> {
    let n = r.varint()? as usize;
    let mut postings = Vec::with_capacity(n.min(1 << 16));
    let mut doc = 0u32;
    for _ in 0..n {
        doc = doc
            .checked_add(r.varint()? as u32)
            .ok_or("doc id overflow")?;
        postings.push((doc, r.varint()? as u32));
    }
    Ok(postings)
}

/// Encodes entries (sorted by key) as a term shard, before compression.
pub fn encode_shard(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, entries.len() as u64);
    let mut prev: &[u8] = &[];
    for e in entries {
        let key = e.key.as_bytes();
        let shared = prev.iter().zip(key).take_while(|(a, b)| a == b).count();
        put_varint(&mut out, shared as u64);
        put_varint(&mut out, (key.len() - shared) as u64);
        out.extend_from_slice(&key[shared..]);
        put_varint(&mut out, u64::from(e.surface_docs));
        if e.surface_docs > 0 {
            put_varint(&mut out, e.stems.len() as u64);
            for s in &e.stems {
                put_str(&mut out, s);
            }
        }
        put_varint(&mut out, u64::from(e.df));
        if e.df > 0 {
            put_postings(&mut out, &e.postings);
        }
        prev = key;
    }
    out
}

pub fn decode_shard(bytes: &[u8]) -> Result<Vec<Entry>, SearchError> {
    let mut r = Reader::new(bytes);
    let n = r.varint()? as usize;
    let mut entries: Vec<Entry> = Vec::with_capacity(n.min(1 << 16));
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..n {
        let shared = r.varint()? as usize;
        let len = r.varint()? as usize;
        let mut key = prev.get(..shared).ok_or("bad shared prefix")?.to_vec();
        key.extend_from_slice(r.bytes(len)?);
        let mut e = Entry {
            key: String::from_utf8(key.clone())?,
            ..Entry::default()
        };
        e.surface_docs = r.varint()? as u32;
        if e.surface_docs > 0 {
            let stems = r.varint()? as usize;
            for _ in 0..stems {
                e.stems.push(r.string()?);
            }
        }
        e.df = r.varint()? as u32;
        if e.df > 0 {
            e.postings = read_postings(&mut r)?;
        }
        prev = key;
        entries.push(e);
    }
    Ok(entries)
}

/// Encodes the tail postings of a shard: (key, postings) pairs.
pub fn encode_tail(tails: &[(String, Postings)]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, tails.len() as u64);
    for (key, postings) in tails {
        put_str(&mut out, key);
        put_postings(&mut out, postings);
    }
    out
}

pub fn decode_tail(bytes: &[u8]) -> Result<Tails, SearchError> {
    let mut r = Reader::new(bytes);
    let n = r.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 16));
    for _ in 0..n {
        let key = r.string()?;
        out.push((key, read_postings(&mut r)?));
    }
    Ok(out)
}

/// Documents a document group file holds (the last one holds the rest).
pub const DOC_GROUP: usize = 32;

/// The header of a document group of `n` documents, in bytes.
pub fn doc_group_header_len(n: usize) -> usize {
    4 * (n + 1)
}

/// Encodes a document group: its offsets header, then each document's gzipped bytes.
pub fn encode_doc_group(docs: &[Vec<u8>]) -> Vec<u8> {
    let header = doc_group_header_len(docs.len());
    let total = header + docs.iter().map(Vec::len).sum::<usize>();
    let mut out = Vec::with_capacity(total);
    let mut offset = header;
    out.extend_from_slice(&(offset as u32).to_le_bytes());
    for d in docs {
        offset += d.len();
        out.extend_from_slice(&(offset as u32).to_le_bytes());
    }
    for d in docs {
        out.extend_from_slice(d);
    }
    out
}

/// The byte range (start, end) of document `i` of a group of `n`, from the group's header.
pub fn doc_group_range(header: &[u8], n: usize, i: usize) -> Result<(usize, usize), SearchError> {
    if i >= n {
        return Err(SearchError::Corrupt("document not in its group"));
    }
    let at = |k: usize| -> Result<usize, SearchError> {
        let b = header
            .get(4 * k..4 * k + 4)
            .ok_or(SearchError::Corrupt("truncated document group header"))?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (start, end) = (at(i)?, at(i + 1)?);
    if start < doc_group_header_len(n) || end < start {
        return Err(SearchError::Corrupt("bad document group offsets"));
    }
    Ok((start, end))
}

/// Splits a whole document group into its documents' gzipped bytes (the header's first offset
/// is its own length, so the count needs no manifest).
pub fn decode_doc_group(bytes: &[u8]) -> Result<Vec<&[u8]>, SearchError> {
    let first = bytes
        .get(..4)
        .ok_or(SearchError::Corrupt("truncated document group header"))?;
    let header = u32::from_le_bytes([first[0], first[1], first[2], first[3]]) as usize;
    if header < 4 || !header.is_multiple_of(4) {
        return Err(SearchError::Corrupt("bad document group header"));
    }
    let n = header / 4 - 1;
    (0..n)
        .map(|i| {
            let (start, end) = doc_group_range(bytes, n, i)?;
            bytes
                .get(start..end)
                .ok_or(SearchError::Corrupt("document past the end of its group"))
        })
        .collect()
}

/// Gzip at a high level, for the files every query fetches (manifest, term shards): they are
/// written once and fetched many times. libdeflate's 9, not its 12: 12 took nine times as
/// long for 2% fewer bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_level(bytes, 9)
}

/// Gzip at libdeflate's default level, for the many files fetched a few at a time
/// (documents, tails): about twice as fast to write as [`gzip`] for about 1% more bytes.
pub fn gzip_fast(bytes: &[u8]) -> Vec<u8> {
    gzip_level(bytes, 6)
}

/// Gzip with libdeflate, whole buffer at once (the files are small and held whole anyway).
fn gzip_level(bytes: &[u8], level: i32) -> Vec<u8> {
    /// A thread's compressors by level (making one allocates its tables), and a buffer of
    /// the worst case that each output is copied out of at its size: thousands of documents'
    /// files are held until they are written, and a truncated buffer would keep its slack.
    #[derive(Default)]
    struct Gzip {
        compressors: Vec<(i32, Compressor)>,
        scratch: Vec<u8>,
    }
    thread_local! {
        static GZIP: RefCell<Gzip> = RefCell::default();
    }
    GZIP.with_borrow_mut(
        |Gzip {
             compressors,
             scratch,
         }| {
            let at = match compressors.iter().position(|(l, _)| *l == level) {
                Some(at) => at,
                None => {
                    let lvl = CompressionLvl::new(level).expect("levels 6 and 9 are valid");
                    compressors.push((level, Compressor::new(lvl)));
                    compressors.len() - 1
                }
            };
            let compressor = &mut compressors[at].1;
            scratch.resize(compressor.gzip_compress_bound(bytes.len()), 0);
            let len = compressor
                .gzip_compress(bytes, scratch)
                .expect("the buffer holds the bound");
            scratch[..len].to_vec()
        },
    )
}

/// Gunzips `bytes`, or returns them as they are when they are not gzip (a host that set
/// `Content-Encoding` already decompressed them).
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, SearchError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::with_capacity(bytes.len() * 3);
    GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(SearchError::Gzip)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_round_trip() {
        let entries = vec![
            Entry {
                key: "communaut".into(),
                df: 3,
                postings: vec![(1, 40), (7, 3), (300, 9)],
                ..Entry::default()
            },
            Entry {
                key: "communauté".into(),
                surface_docs: 2,
                stems: vec!["communaut".into()],
                ..Entry::default()
            },
            Entry {
                key: "code".into(),
                surface_docs: 1,
                stems: vec!["code".into()],
                df: 1,
                postings: vec![(0, 1)],
            },
        ];
        assert_eq!(decode_shard(&encode_shard(&entries)).unwrap(), entries);
        let tail = vec![("communaut".to_string(), vec![(2, 1), (9, 2)])];
        assert_eq!(decode_tail(&encode_tail(&tail)).unwrap(), tail);
        assert_eq!(gunzip(&gzip(b"abc")).unwrap(), b"abc");
        assert_eq!(gunzip(b"plain").unwrap(), b"plain");
    }

    #[test]
    fn doc_group_round_trip() {
        let docs = vec![b"first".to_vec(), Vec::new(), b"third doc".to_vec()];
        let group = encode_doc_group(&docs);
        for (i, d) in docs.iter().enumerate() {
            let (start, end) = doc_group_range(&group, docs.len(), i).unwrap();
            assert_eq!(&group[start..end], &d[..]);
        }
        assert!(doc_group_range(&group, docs.len(), 3).is_err());
        assert_eq!(decode_doc_group(&group).unwrap(), docs);
        for cut in 0..group.len() {
            assert!(decode_doc_group(&group[..cut]).is_err(), "cut at {cut}");
        }
        assert!(doc_group_range(&group[..6], docs.len(), 2).is_err());
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let bytes = encode_shard(&[Entry {
            key: "abc".into(),
            df: 2,
            postings: vec![(0, 1), (5, 2)],
            ..Entry::default()
        }]);
        for cut in 0..bytes.len() {
            assert!(decode_shard(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
