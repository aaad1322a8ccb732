//! A stem's postings, held compact while the index is built: which documents and fields it
//! occurs in, and how often.

use crate::format;

/// How often a stem occurs in one field of one document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    /// The document id times 8, plus the field: sorting by it sorts by document, then field.
    pub(crate) slot: u32,
    pub(crate) frequency: u32,
}

impl Posting {
    pub(crate) fn new(doc: u32, field: usize, frequency: u32) -> Posting {
        Posting {
            slot: doc << 3 | field as u32,
            frequency,
        }
    }

    pub(crate) fn doc(self) -> u32 {
        self.slot >> 3
    }

    pub(crate) fn field(self) -> usize {
        (self.slot & 7) as usize
    }
}

/// One stem's postings, by slot (so by document, then field), encoded as each posting's
/// slot delta from the one before (from 0 for the first) and frequency, as varints.
///
/// Why not a `Vec<Posting>`: at 100,000 pages the postings were most of the index's memory,
/// at 8 bytes a posting plus up to as much again of a growing `Vec`'s spare room. Documents
/// are added in doc id order and a document's stems in field order, so a delta is mostly
/// 8 (the next document, same field) and a frequency small: two bytes a posting, most often.
/// They are only ever read whole, in order, when the stem is scored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct List {
    /// The varints: (slot delta, frequency) for each posting.
    bytes: Vec<u8>,
    /// The slot of the last posting, which the next one's delta is taken from.
    last: u32,
    /// The number of postings.
    count: u32,
}

/// The most bytes a posting takes: two varints of a `u32`, 5 bytes each.
const MAX_POSTING_BYTES: usize = 10;

impl List {
    /// The list of `postings`, which must come by slot.
    pub(crate) fn of(postings: impl IntoIterator<Item = Posting>) -> List {
        let mut list = List::default();
        for p in postings {
            list.push(p);
        }
        list
    }

    /// Appends a posting whose slot is above the last one's.
    pub(crate) fn push(&mut self, p: Posting) {
        debug_assert!(self.count == 0 || p.slot > self.last, "postings by slot");
        if self.bytes.capacity() - self.bytes.len() < MAX_POSTING_BYTES {
            // A quarter more, not twice as much: the few lists of common stems hold most of
            // the bytes, and doubling would leave them a quarter empty on average (half at
            // worst). Growing by a quarter still copies each byte only a few times.
            self.bytes
                .reserve_exact(MAX_POSTING_BYTES.max(self.bytes.len() / 4));
        }
        format::put_varint(&mut self.bytes, u64::from(p.slot - self.last));
        format::put_varint(&mut self.bytes, u64::from(p.frequency));
        self.last = p.slot;
        self.count += 1;
    }

    /// Adds a posting in slot order. `serve` puts an edited document back under its own doc
    /// id, below others: the list is then decoded and encoded again, which costs the length
    /// of the list, as taking a document out does.
    pub(crate) fn insert(&mut self, p: Posting) {
        if self.count == 0 || p.slot > self.last {
            return self.push(p);
        }
        let mut all: Vec<Posting> = self.iter().collect();
        let at = all.partition_point(|q| q.slot < p.slot);
        all.insert(at, p);
        *self = List::of(all);
    }

    /// Takes document `doc`'s postings out.
    pub(crate) fn remove(&mut self, doc: u32) {
        if self.iter().any(|p| p.doc() == doc) {
            *self = List::of(self.iter().filter(|p| p.doc() != doc));
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count as usize
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The postings, by slot.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Posting> + '_ {
        let mut reader = format::Reader::new(&self.bytes);
        let mut slot = 0u32;
        (0..self.count).map(move |_| {
            // Written by `push` just above: a varint there cannot be missing or too long.
            let mut varint = || reader.varint().expect("postings encoded by List::push") as u32;
            slot += varint();
            Posting {
                slot,
                frequency: varint(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(list: &List) -> Vec<(u32, u32)> {
        list.iter().map(|p| (p.slot, p.frequency)).collect()
    }

    /// Postings come back as they were appended, small or large, up to `u32`'s extremes.
    #[test]
    fn a_list_decodes_what_was_appended() {
        let postings = [
            (0, 0),
            (1, 1),
            (9, 127),
            (10, 128),
            (8 * 300 + 4, 16_384),
            (1 << 28, 1),
            (u32::MAX - 1, u32::MAX),
            (u32::MAX, 2),
        ];
        let list = List::of(postings.map(|(slot, frequency)| Posting { slot, frequency }));
        assert_eq!(slots(&list), postings);
        assert_eq!(list.len(), postings.len());
        assert_eq!(list.last, u32::MAX);

        // Appended one at a time, after a round trip, the same bytes.
        let mut again = List::default();
        for p in list.iter() {
            again.push(p);
        }
        assert_eq!(again, list);
    }

    /// The common case, the next document in the same field a few times: two bytes each.
    #[test]
    fn a_posting_of_the_next_document_takes_two_bytes() {
        let list = List::of((0..1000).map(|doc| Posting::new(doc, 4, 3)));
        // The first delta is the slot itself, 4, then 8 each.
        assert_eq!(list.bytes.len(), 2000);
        assert_eq!(
            list.iter().map(Posting::doc).collect::<Vec<_>>(),
            (0..1000).collect::<Vec<_>>()
        );
        // Grown by a quarter at a time, not doubled.
        assert!(
            list.bytes.capacity() <= 2000 * 5 / 4 + MAX_POSTING_BYTES,
            "{}",
            list.bytes.capacity()
        );
    }

    /// `serve` takes a document out of the middle of a list and puts it back: the list is
    /// then as if built in order, and appends go on from its new last slot.
    #[test]
    fn a_document_is_taken_out_and_put_back_in_slot_order() {
        let postings = |docs: &[(u32, usize, u32)]| {
            docs.iter()
                .map(|&(doc, field, f)| (doc << 3 | field as u32, f))
                .collect::<Vec<_>>()
        };
        let all = [
            (1, 0, 5),
            (1, 4, 200),
            (7, 0, 1),
            (7, 2, 300),
            (7, 4, 9),
            (9, 4, 1),
        ];
        let mut list = List::of(
            all.iter()
                .map(|&(doc, field, f)| Posting::new(doc, field, f)),
        );

        list.remove(7);
        assert_eq!(slots(&list), postings(&[(1, 0, 5), (1, 4, 200), (9, 4, 1)]));
        assert_eq!(list.len(), 3);
        list.remove(8);
        assert_eq!(list.len(), 3);

        // Put back field by field, as `add_postings` does, below the last slot.
        for &(doc, field, f) in &all[2..5] {
            list.insert(Posting::new(doc, field, f));
        }
        assert_eq!(slots(&list), postings(&all));
        assert_eq!(
            list,
            List::of(all.iter().map(|&(d, field, f)| Posting::new(d, field, f)))
        );

        // The last document out, then appends from the one before it.
        list.remove(9);
        assert_eq!(list.last, 7 << 3 | 4);
        list.insert(Posting::new(8, 1, 2));
        list.insert(Posting::new(0, 3, 4));
        let mut expected = all[..5].to_vec();
        expected.insert(0, (0, 3, 4));
        expected.push((8, 1, 2));
        assert_eq!(slots(&list), postings(&expected));

        for doc in [0, 1, 7, 8] {
            list.remove(doc);
        }
        assert!(list.is_empty());
        assert!(list.bytes.is_empty());
    }
}
