//! Stable sorting through one shared merge sort.
//!
//! The standard library's sort is generic: every element type sorted gets its own copy of the
//! sorting code, several KiB of wasm each, and a lab's page paid for a dozen copies. Here the
//! sort works on positions with a comparison behind `&dyn Fn`, so the whole program has one
//! copy; the generic wrappers only move elements into the order found. Equal elements keep
//! their order, as `slice::sort_by_key` keeps them.

use std::cmp::Ordering;

/// The positions `0..n` in stable sorted order, `before(a, b)` saying whether the element at
/// `a` sorts strictly before the one at `b`. A bottom-up merge sort: O(n log n) comparisons.
pub fn stable_order(n: usize, before: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut a, mut b) = (start, mid);
            for slot in &mut to[start..end] {
                // Take from the right run only when it is strictly first: that keeps ties stable.
                let right = b < end && (a >= mid || before(from[b], from[a]));
                if right {
                    *slot = from[b];
                    b += 1;
                } else {
                    *slot = from[a];
                    a += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Puts `items` in the order given by `order` (a permutation of their positions).
fn rearrange<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&i| slots.get_mut(i).and_then(Option::take)));
}

/// Sorts `items` stably by a comparison.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]) == Ordering::Less);
    rearrange(items, &order);
}

/// Sorts `items` stably by a key, as `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably in their natural order, as `slice::sort`.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_and_one() {
        let mut none: Vec<u8> = Vec::new();
        sort(&mut none);
        assert!(none.is_empty());
        let mut one = vec![7];
        sort(&mut one);
        assert_eq!(one, [7]);
    }

    #[test]
    fn ties_keep_their_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, [(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    proptest! {
        /// Agrees with the standard library's stable sort on any input, ties included.
        #[test]
        fn agrees_with_std(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut mine = v.clone();
            sort_by_key(&mut mine, |p| p.0);
            let mut std = v;
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(mine, std);
        }
    }
}
