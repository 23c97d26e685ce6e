//! A resolved reporting period: the chosen [`DateRange`] with its open ends
//! set to the data's first and last day.

use serde::{Serialize, Serializer};

use super::settings::DateRange;
use crate::time::Day;

/// Whole days `from..=to`. `all` marks the whole data: every row counts,
/// undated ones included, whatever its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    #[serde(serialize_with = "iso")]
    pub from: Day,
    #[serde(serialize_with = "iso")]
    pub to: Day,
    pub all: bool,
}

fn iso<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&day.iso())
}

impl Period {
    pub fn between(from: Day, to: Day) -> Period {
        Period {
            from,
            to,
            all: false,
        }
    }

    /// All data, spanning `first..=last`.
    pub fn everything(first: Day, last: Day) -> Period {
        Period {
            from: first,
            to: last,
            all: true,
        }
    }

    /// `range` with open ends at the data's `span` (or today's epoch day 0
    /// when there is no dated data at all).
    pub fn resolve(range: &DateRange, span: Option<(Day, Day)>) -> Period {
        let (first, last) = span.unwrap_or((Day(0), Day(0)));
        if range.is_all() {
            return Period::everything(first, last);
        }
        Period::between(range.from.unwrap_or(first), range.to.unwrap_or(last))
    }

    /// Number of days (0 when `to` is before `from`).
    pub fn days(&self) -> i32 {
        let days = i64::from(self.to.0) - i64::from(self.from.0) + 1;
        days.clamp(0, i64::from(i32::MAX)) as i32
    }

    /// The period of equal length that ends the day before this one starts.
    pub fn previous(&self) -> Period {
        let length = self.days().max(1);
        Period::between(
            Day(self.from.0.saturating_sub(length)),
            Day(self.from.0.saturating_sub(1)),
        )
    }

    pub fn contains(&self, day: Day) -> bool {
        self.all || (self.from <= day && day <= self.to)
    }

    /// Days of `from..=to` inside this period.
    pub fn overlap_days(&self, from: Day, to: Day) -> i32 {
        let (a, b) = if self.all {
            (from.0, to.0)
        } else {
            (from.0.max(self.from.0), to.0.min(self.to.0))
        };
        (i64::from(b) - i64::from(a) + 1).clamp(0, i64::from(i32::MAX)) as i32
    }

    /// This period cut to `from..=to`, if they meet.
    pub fn clip(&self, from: Day, to: Day) -> Option<Period> {
        if self.all {
            return Some(Period::between(from, to));
        }
        let (a, b) = (from.max(self.from), to.min(self.to));
        (a <= b).then(|| Period::between(a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> Day {
        Day::from_ymd(2026, m, d).unwrap()
    }

    #[test]
    fn the_previous_period_has_equal_length_and_ends_the_day_before() {
        let march = Period::between(day(3, 1), day(3, 31));
        let previous = march.previous();
        assert_eq!(previous.days(), 31);
        assert_eq!(previous.to, day(2, 28));
        assert_eq!(previous.from, Day::from_ymd(2026, 1, 29).unwrap());
    }

    #[test]
    fn open_ends_resolve_to_the_data_span() {
        let span = Some((day(3, 1), day(8, 31)));
        let from_only = DateRange {
            from: Some(day(5, 1)),
            to: None,
        };
        assert_eq!(
            Period::resolve(&from_only, span),
            Period::between(day(5, 1), day(8, 31))
        );
        let all = Period::resolve(&DateRange::all(), span);
        assert!(all.all);
        assert_eq!((all.from, all.to), (day(3, 1), day(8, 31)));
    }

    #[test]
    fn extreme_days_do_not_overflow() {
        let p = Period::between(Day(i32::MIN), Day(i32::MAX));
        assert_eq!(p.days(), i32::MAX);
        assert_eq!(p.previous().to, Day(i32::MIN));
        assert_eq!(p.overlap_days(Day(i32::MIN), Day(i32::MAX)), i32::MAX);
    }

    #[test]
    fn overlap_counts_shared_days() {
        let p = Period::between(day(3, 10), day(3, 19));
        assert_eq!(p.overlap_days(day(3, 1), day(3, 31)), 10);
        assert_eq!(p.overlap_days(day(3, 18), day(3, 25)), 2);
        assert_eq!(p.overlap_days(day(4, 1), day(4, 5)), 0);
        assert_eq!(
            p.clip(day(3, 18), day(3, 25)),
            Some(Period::between(day(3, 18), day(3, 19)))
        );
        assert_eq!(p.clip(day(4, 1), day(4, 2)), None);
    }
}
