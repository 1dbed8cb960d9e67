//! Results of costly, deterministic computations (signatures, keys, verdicts), remembered by
//! the SHA-256 of what was asked: a lab re-run after an edit asks for the same ones again, and
//! skips only the repeats. The results are exactly what the computation gives.

use sha2::{Digest, Sha256};
use std::cell::RefCell;

/// Remembered results, sorted by key for binary search; emptied when full.
pub struct Memo {
    entries: RefCell<Vec<([u8; 32], Vec<u8>)>>,
    max: usize,
}

impl Memo {
    pub const fn new(max: usize) -> Memo {
        Memo { entries: RefCell::new(Vec::new()), max }
    }

    /// The remembered result for `kind` of `parts`, or `compute`'s (remembered when it gives one).
    pub fn get_or(&self, kind: u8, parts: &[&[u8]], compute: impl FnOnce() -> Option<Vec<u8>>) -> Option<Vec<u8>> {
        let mut h = Sha256::new();
        h.update([kind]);
        for p in parts {
            h.update((p.len() as u32).to_be_bytes());
            h.update(p);
        }
        let key: [u8; 32] = h.finalize().into();
        if let Ok(i) = self.entries.borrow().binary_search_by(|(k, _)| k.cmp(&key)) {
            return Some(self.entries.borrow()[i].1.clone());
        }
        let value = compute()?;
        let mut m = self.entries.borrow_mut();
        if m.len() >= self.max {
            m.clear();
        }
        if let Err(i) = m.binary_search_by(|(k, _)| k.cmp(&key)) {
            m.insert(i, (key, value.clone()));
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
}
