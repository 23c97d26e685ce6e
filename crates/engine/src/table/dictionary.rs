//! A text column's distinct values, end to end in one string.

use std::ops::Index;

/// The distinct values of a text column, indexed by code. They are kept
/// end to end in one string: adding one allocates nothing of its own
/// (a log of a million people has hundreds of thousands of them), and
/// comparing a cell with one reads bytes that sit together.
#[derive(Clone, PartialEq, Eq)]
pub struct Dictionary {
    text: String,
    /// Value `i` is `text[bounds[i]..bounds[i + 1]]`; starts with 0.
    bounds: Vec<usize>,
}

impl Default for Dictionary {
    fn default() -> Dictionary {
        Dictionary {
            text: String::new(),
            bounds: vec![0],
        }
    }
}

impl Dictionary {
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `code`.
    ///
    /// # Panics
    /// When `code` is not below [`Dictionary::len`].
    #[inline]
    pub fn get(&self, code: usize) -> &str {
        let (start, end) = (self.bounds[code], self.bounds[code + 1]);
        debug_assert!(self.text.get(start..end).is_some());
        // SAFETY: `bounds` only ever holds 0 and the length of `text` after
        // a whole `str` was appended (or the text was cut back to such a
        // length), so each pair is in order, inside `text` and on character
        // boundaries. Every dictionary lookup of an import reads a value
        // here; the checked slice cost a tenth of its instructions.
        unsafe { self.text.get_unchecked(start..end) }
    }

    /// The values in code order.
    pub fn iter(&self) -> Values<'_> {
        Values {
            dictionary: self,
            front: 0,
            back: self.len(),
        }
    }

    /// Adds `value` with the next code.
    pub(super) fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.bounds.push(self.text.len());
    }

    /// Removes the value with the last code.
    pub(super) fn pop(&mut self) {
        if !self.is_empty() {
            self.bounds.pop();
            self.text.truncate(self.bounds[self.bounds.len() - 1]);
        }
    }
}

impl Index<usize> for Dictionary {
    type Output = str;

    fn index(&self, code: usize) -> &str {
        self.get(code)
    }
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Dictionary {
    type Item = &'a str;
    type IntoIter = Values<'a>;

    fn into_iter(self) -> Values<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Dictionary {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> Dictionary {
        let mut dictionary = Dictionary::default();
        for value in values {
            dictionary.push(value.as_ref());
        }
        dictionary
    }
}

/// The values of a [`Dictionary`] in code order.
#[derive(Clone)]
pub struct Values<'a> {
    dictionary: &'a Dictionary,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        (self.front < self.back).then(|| {
            self.front += 1;
            self.dictionary.get(self.front - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back - self.front;
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Values<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            self.dictionary.get(self.back)
        })
    }
}

impl ExactSizeIterator for Values<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_codes_and_the_last_can_be_taken_back() {
        let mut d: Dictionary = ["", "中文", "b"].into_iter().collect();
        assert_eq!((d.len(), &d[0], &d[1], &d[2]), (3, "", "中文", "b"));
        d.pop();
        d.push("c");
        assert_eq!(d.iter().collect::<Vec<_>>(), ["", "中文", "c"]);
        assert_eq!(d.iter().rev().collect::<Vec<_>>(), ["c", "中文", ""]);
        assert_eq!(d.iter().len(), 3);
        d.pop();
        d.pop();
        d.pop();
        d.pop();
        assert!(d.is_empty());
        assert_eq!(d, Dictionary::default());
    }
}
