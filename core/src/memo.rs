//! Results of costly, deterministic computations (signatures, keys, verdicts), remembered by
//! exactly what was asked: a lab re-run after an edit asks for the same ones again, and skips
//! only the repeats. The results are exactly what the computation gives.

use std::cell::RefCell;

/// Remembered results, sorted by key for binary search; emptied when full.
pub struct Memo {
    entries: RefCell<Vec<(Vec<u8>, Vec<u8>)>>,
    /// Bytes held in keys and results.
    held: std::cell::Cell<usize>,
    max: usize,
}

/// The most a memo holds in keys and results before it starts again (what is signed is at most
/// a zone's records, so this is thousands of results).
const MAX_BYTES: usize = 8 << 20;

impl Memo {
    pub const fn new(max: usize) -> Memo {
        Memo { entries: RefCell::new(Vec::new()), held: std::cell::Cell::new(0), max }
    }

    /// The remembered result for `kind` of `parts`, or `compute`'s (remembered when it gives one).
    pub fn get_or(&self, kind: u8, parts: &[&[u8]], compute: impl FnOnce() -> Option<Vec<u8>>) -> Option<Vec<u8>> {
        // The kind, then each part after its length: two different questions never share a key.
        let mut key = vec![kind];
        for p in parts {
            key.extend_from_slice(&(p.len() as u32).to_be_bytes());
            key.extend_from_slice(p);
        }
        if let Ok(i) = self.entries.borrow().binary_search_by(|(k, _)| k.cmp(&key)) {
            return Some(self.entries.borrow()[i].1.clone());
        }
        let value = compute()?;
        let mut m = self.entries.borrow_mut();
        let size = key.len() + value.len();
        if m.len() >= self.max || self.held.get() + size > MAX_BYTES {
            m.clear();
            self.held.set(0);
        }
        if let Err(i) = m.binary_search_by(|(k, _)| k.cmp(&key)) {
            m.insert(i, (key, value.clone()));
            self.held.set(self.held.get() + size);
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_by_kind_and_parts_and_forgets_when_full() {
        let memo = Memo::new(2);
        let calls = std::cell::Cell::new(0);
        let get = |kind, parts: &[&[u8]]| memo.get_or(kind, parts, || { calls.set(calls.get() + 1); Some(parts.concat()) });
        assert_eq!(get(1, &[b"ab", b"c"]), Some(b"abc".to_vec()));
        assert_eq!(get(1, &[b"ab", b"c"]), Some(b"abc".to_vec()));
        assert_eq!(calls.get(), 1);
        // The parts' boundaries and the kind count.
        get(1, &[b"a", b"bc"]);
        get(2, &[b"ab", b"c"]);
        assert_eq!(calls.get(), 3);
        // Nothing computed, nothing remembered.
        assert_eq!(memo.get_or(3, &[], || None), None);
        assert_eq!(memo.get_or(3, &[], || Some(vec![7])), Some(vec![7]));
    }

    #[test]
    fn forgets_when_it_holds_too_many_bytes() {
        let memo = Memo::new(1000);
        let calls = std::cell::Cell::new(0);
        let big = |n: u8| memo.get_or(n, &[], || { calls.set(calls.get() + 1); Some(vec![n; MAX_BYTES / 3]) });
        big(1);
        big(2);
        big(1);
        assert_eq!(calls.get(), 2, "two results fit");
        big(3);
        big(4);
        assert_eq!(calls.get(), 4);
        big(1);
        assert_eq!(calls.get(), 5, "the third result emptied it");
    }
}
