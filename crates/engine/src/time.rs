//! Calendar arithmetic on naive local times.
//!
//! Exports from Xiaohongshu, Tmall and friends carry Beijing wall-clock times
//! without a zone, so the engine keeps times naive: seconds since
//! 1970-01-01 00:00 of the same wall clock. No time-zone database is needed
//! (and none is shipped to the browser).

use serde::{Deserialize, Serialize};

pub const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar day as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

impl Day {
    /// The day of a proleptic Gregorian date, or `None` when the date does not exist.
    #[inline]
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Monday = 0 ... Sunday = 6.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// The Monday on or before this day: the key of its ISO week.
    pub fn week_start(self) -> Day {
        Day(self.0 - self.weekday() as i32)
    }

    pub fn from_timestamp(seconds: i64) -> Day {
        Day(seconds.div_euclid(SECONDS_PER_DAY) as i32)
    }

    pub fn timestamp(self) -> i64 {
        i64::from(self.0) * SECONDS_PER_DAY
    }

    pub fn add_days(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// Reads `2026-03-05` (also `2026/3/5`); `None` for anything else or a
    /// date that does not exist.
    pub fn parse_iso(text: &str) -> Option<Day> {
        let text = text.trim();
        let mut parts = text.split(['-', '/']);
        let year = parts.next()?.parse::<i32>().ok()?;
        let month = parts.next()?.parse::<u32>().ok()?;
        let day = parts.next()?.parse::<u32>().ok()?;
        if parts.next().is_some() || !(1..=9999).contains(&year) {
            return None;
        }
        Day::from_ymd(year, month, day)
    }

    /// `2026-03-05`.
    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.iso())
    }
}

#[inline]
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The length of a month; 0 for a month that does not exist.
#[inline]
pub fn days_in_month(year: i32, month: u32) -> u32 {
    const LENGTHS: [u8; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    match LENGTHS.get(month as usize) {
        Some(&length) => u32::from(length) + u32::from(month == 2 && is_leap_year(year)),
        None => 0,
    }
}

/// Howard Hinnant's `days_from_civil`: exact for every proleptic Gregorian date.
#[inline]
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch for a wall-clock date and time.
pub fn timestamp(day: Day, hour: u32, minute: u32, second: u32) -> i64 {
    day.timestamp() + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
}

/// `2026-03-05 14:30:00`, or just the date when the time is midnight.
pub fn format_timestamp(seconds: i64) -> String {
    let day = Day::from_timestamp(seconds);
    let rest = seconds - day.timestamp();
    if rest == 0 {
        return day.iso();
    }
    format!(
        "{} {:02}:{:02}:{:02}",
        day.iso(),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_day_zero_and_a_thursday() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day(0).weekday(), 3);
    }

    #[test]
    fn known_dates_round_trip() {
        // 2026-11-26 is 20,783 days after the epoch (a Thursday).
        let day = Day::from_ymd(2026, 11, 26).unwrap();
        assert_eq!(day.0, 20_783);
        assert_eq!(day.ymd(), (2026, 11, 26));
        assert_eq!(day.weekday(), 3);
        assert_eq!(Day::from_ymd(2000, 2, 29).unwrap().ymd(), (2000, 2, 29));
        assert_eq!(Day::from_ymd(1969, 12, 31), Some(Day(-1)));
    }

    #[test]
    fn every_day_for_four_centuries_round_trips() {
        let start = Day::from_ymd(1900, 1, 1).unwrap().0;
        let end = Day::from_ymd(2300, 1, 1).unwrap().0;
        for n in start..end {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
        }
    }

    #[test]
    fn iso_dates_parse_and_nonsense_does_not() {
        assert_eq!(Day::parse_iso("2026-03-05"), Day::from_ymd(2026, 3, 5));
        assert_eq!(Day::parse_iso(" 2026/3/5 "), Day::from_ymd(2026, 3, 5));
        assert_eq!(Day::parse_iso("2026-02-30"), None);
        assert_eq!(Day::parse_iso("2026-03"), None);
        assert_eq!(Day::parse_iso("2026-03-05-01"), None);
        assert_eq!(Day::parse_iso("yesterday"), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(Day::from_ymd(2026, 2, 29), None);
        assert_eq!(Day::from_ymd(2026, 13, 1), None);
        assert_eq!(Day::from_ymd(2026, 4, 31), None);
        assert_eq!(Day::from_ymd(2026, 1, 0), None);
    }

    #[test]
    fn week_starts_on_monday() {
        let sunday = Day::from_ymd(2026, 3, 8).unwrap();
        assert_eq!(sunday.week_start().ymd(), (2026, 3, 2));
        let monday = Day::from_ymd(2026, 3, 2).unwrap();
        assert_eq!(monday.week_start(), monday);
    }

    #[test]
    fn timestamps_format_with_time_only_when_not_midnight() {
        let day = Day::from_ymd(2026, 3, 5).unwrap();
        assert_eq!(format_timestamp(day.timestamp()), "2026-03-05");
        assert_eq!(
            format_timestamp(timestamp(day, 12, 30, 5)),
            "2026-03-05 12:30:05"
        );
    }
}
