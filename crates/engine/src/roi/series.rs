//! The period's figures bucketed by day, week or month, for time-series
//! and stacked-cost charts. Each bucket is a period of its own through the
//! same pass as the headline (`figures`), so buckets add up to the headline
//! for every additive figure (impressions, cost, revenue...).

use serde::{Deserialize, Serialize};

use super::figures::{figures, Figures};
use super::period::Period;
use super::prepared::{Metric, Prepared};
use super::settings::RoiSettings;
use super::tally::interactions;
use super::tally::Context;
use crate::time::{days_in_month, Day};

/// How a time series is bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    /// Monday to Sunday, cut at the period's ends.
    #[default]
    Week,
    /// Calendar months, cut at the period's ends.
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Granularity::Day, Granularity::Week, Granularity::Month];

    pub fn name(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Granularity> {
        Granularity::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// One bucket: its first and last day and its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesPoint {
    pub from: Day,
    pub to: Day,
    pub figures: Figures,
}

/// The buckets of `from..=to`.
pub fn buckets(from: Day, to: Day, granularity: Granularity) -> Vec<(Day, Day)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = match granularity {
            Granularity::Day => start,
            Granularity::Week => start.week_start().add_days(6),
            Granularity::Month => {
                let (y, m, _) = start.ymd();
                Day::from_ymd(y, m, days_in_month(y, m)).unwrap_or(start)
            }
        };
        let end = end.min(to);
        out.push((start, end));
        start = end.add_days(1);
    }
    out
}

/// The settings' period (all data: the data's first to last day) in
/// buckets, each with its figures under the settings' filters.
pub fn series(
    prepared: &Prepared,
    settings: &RoiSettings,
    granularity: Granularity,
) -> Vec<SeriesPoint> {
    let Some(span) = prepared.span() else {
        return Vec::new();
    };
    let period = Period::resolve(&settings.range, Some(span));
    let ctx = Context::new(prepared, settings);
    buckets(period.from, period.to, granularity)
        .into_iter()
        .map(|(from, to)| SeriesPoint {
            from,
            to,
            figures: figures(&ctx, &Period::between(from, to)),
        })
        .collect()
}

/// Impressions and interactions of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EngagementPoint {
    pub from: Day,
    pub to: Day,
    pub impressions: f64,
    pub interactions: f64,
}

/// Impressions and interactions per bucket under the filters: the notes'
/// running totals give each bucket in two lookups per note, so this costs
/// O(notes x buckets), not a full pass per bucket like [`series`]; with no
/// filter, all notes' totals by day give it in O(buckets). Empty without a
/// dated note row: the costs' or orders' dates alone would chart zeros.
pub fn engagement_series(
    prepared: &Prepared,
    settings: &RoiSettings,
    granularity: Granularity,
) -> Vec<EngagementPoint> {
    let Some(span) = prepared.span().filter(|_| prepared.daily_rows() > 0) else {
        return Vec::new();
    };
    let period = Period::resolve(&settings.range, Some(span));
    let ctx = Context::new(prepared, settings);
    let ranges = buckets(period.from, period.to, granularity);
    let periods: Vec<Period> = ranges.iter().map(|&(a, z)| Period::between(a, z)).collect();
    let mut out: Vec<EngagementPoint> = ranges
        .iter()
        .map(|&(from, to)| EngagementPoint {
            from,
            to,
            impressions: 0.0,
            interactions: 0.0,
        })
        .collect();
    if ctx.admits_every_note() {
        let whole: Option<Vec<[f64; 2]>> = ranges
            .iter()
            .map(|&(from, to)| prepared.series.all_notes_between(from.0, to.0))
            .collect();
        if let Some(whole) = whole {
            for (point, [impressions, interactions]) in out.iter_mut().zip(whole) {
                point.impressions = impressions;
                point.interactions = interactions;
            }
            return out;
        }
    }
    for n in 0..prepared.note_count() as u32 {
        if !ctx.admits(&prepared.notes.attrs[n as usize]) {
            continue;
        }
        for (point, bucket) in out.iter_mut().zip(&periods) {
            let bounds = prepared.series.bounds(n, bucket);
            if bounds.1 > bounds.0 {
                let sums = prepared.series.sums(n, bounds);
                point.impressions += sums[Metric::Impressions as usize];
                point.interactions += interactions(&sums);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roi::tests::sample;

    fn day(text: &str) -> Day {
        Day::parse_iso(text).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_are_cut_at_the_period_ends() {
        // 2026-03-04 is a Wednesday.
        let b = buckets(day("2026-03-04"), day("2026-03-17"), Granularity::Week);
        let iso: Vec<(String, String)> = b.iter().map(|(a, z)| (a.iso(), z.iso())).collect();
        assert_eq!(
            iso,
            [
                ("2026-03-04", "2026-03-08"),
                ("2026-03-09", "2026-03-15"),
                ("2026-03-16", "2026-03-17")
            ]
            .map(|(a, z)| (a.to_string(), z.to_string()))
        );
    }

    #[test]
    fn months_are_calendar_months_and_days_are_single_days() {
        let b = buckets(day("2026-01-20"), day("2026-03-02"), Granularity::Month);
        assert_eq!(b.len(), 3);
        assert_eq!(
            (b[0].1.iso(), b[1].0.iso(), b[1].1.iso()),
            (
                "2026-01-31".into(),
                "2026-02-01".into(),
                "2026-02-28".into()
            )
        );
        assert_eq!(
            buckets(day("2026-03-01"), day("2026-03-03"), Granularity::Day).len(),
            3
        );
    }

    #[test]
    fn buckets_add_up_to_the_headline() {
        let data = sample();
        let settings = RoiSettings {
            range: super::super::DateRange::between(day("2026-03-01"), day("2026-03-10")),
            ..RoiSettings::default()
        };
        let prepared = Prepared::new(&data, &settings);
        let headline = super::super::report(&prepared, &settings).current;
        for g in Granularity::ALL {
            let points = series(&prepared, &settings, g);
            let sum = |f: fn(&Figures) -> f64| points.iter().map(|p| f(&p.figures)).sum::<f64>();
            assert!(
                (sum(|f| f.impressions) - headline.impressions).abs() < 1e-9,
                "{g:?}"
            );
            assert!(
                (sum(|f| f.cost_total) - headline.cost_total).abs() < 1e-6,
                "{g:?}"
            );
            assert!(
                (sum(|f| f.revenue) - headline.revenue).abs() < 1e-6,
                "{g:?}"
            );
        }
    }

    #[test]
    fn the_engagement_series_equals_the_full_series() {
        let data = sample();
        let spring = RoiSettings {
            filters: super::super::Filters {
                campaigns: vec!["spring".into()],
                ..Default::default()
            },
            ..RoiSettings::default()
        };
        // No filter: all notes' daily totals, over all data or part of it.
        let unfiltered = RoiSettings::default();
        let part = RoiSettings {
            range: super::super::DateRange {
                from: Some(day("2026-03-03")),
                to: Some(day("2026-03-09")),
            },
            ..RoiSettings::default()
        };
        for settings in [spring, unfiltered, part] {
            let prepared = Prepared::new(&data, &settings);
            // The sample's counts are whole, so the unfiltered runs take the
            // daily totals.
            assert!(prepared.series.all_notes_between(0, 0).is_some());
            for g in Granularity::ALL {
                let full = series(&prepared, &settings, g);
                let light = engagement_series(&prepared, &settings, g);
                assert_eq!(full.len(), light.len());
                assert!(!light.is_empty());
                for (f, l) in full.iter().zip(&light) {
                    assert_eq!((f.from, f.to), (l.from, l.to));
                    assert_eq!(f.figures.impressions, l.impressions, "{g:?}");
                    assert_eq!(f.figures.interactions, l.interactions, "{g:?}");
                }
            }
        }
    }

    #[test]
    fn weekly_trend_fills_quiet_weeks_with_zero() {
        let notes = crate::import(
            "t.csv",
            b"note_id,date,impressions,likes,saves,comments\n\
              a,2026-03-02,100,1,1,1\n\
              b,2026-03-08,50,0,1,0\n\
              c,2026-03-18,10,0,0,0\n",
            &crate::ImportOptions::default(),
        )
        .unwrap()
        .table;
        let data = crate::Dataset {
            notes: Some(notes),
            ..crate::Dataset::default()
        };
        let settings = RoiSettings::default();
        let weeks = engagement_series(
            &Prepared::new(&data, &settings),
            &settings,
            Granularity::Week,
        );
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[0].from.iso(), "2026-03-02");
        assert_eq!(weeks[0].impressions, 150.0);
        assert_eq!(weeks[0].interactions, 4.0);
        assert_eq!(weeks[1].impressions, 0.0);
        assert_eq!(weeks[2].from.iso(), "2026-03-16");
    }
}
