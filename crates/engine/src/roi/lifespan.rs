//! Content lifespan: how a note's engagement builds up with its age, how
//! much comes after the first month (evergreen share), and which old notes
//! still earn. Read from the daily note rows.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::prepared::{Metric, Prepared};
use super::settings::{iso_day, RoiSettings};
use super::tally::Context;
use crate::report::ratio;
use crate::time::Day;

/// The day counts of the lifespan view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifespanOptions {
    /// Engagement after this age (in days) is evergreen.
    pub evergreen_after_days: u32,
    /// Notes at least this old are "old".
    pub old_after_days: u32,
    /// "Still earning": engagement in this many days up to the end.
    pub recent_days: u32,
}

impl Default for LifespanOptions {
    fn default() -> Self {
        LifespanOptions {
            evergreen_after_days: 30,
            old_after_days: 90,
            recent_days: 30,
        }
    }
}

/// Engagement of all kept notes at one age.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AgePoint {
    /// Days since publication (0 is the day of publication).
    pub age: u32,
    pub interactions: f64,
    /// Interactions up to and including this age.
    pub cumulative: f64,
    /// cumulative / all interactions.
    pub cumulative_share: Option<f64>,
}

/// One note's life so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteLife {
    pub note_id: String,
    pub title: Option<String>,
    pub account: Option<String>,
    #[serde(with = "iso_day")]
    pub published: Option<Day>,
    /// Age at the end of the period.
    pub age_days: i32,
    /// Interactions from publication to the end of the period.
    pub interactions: f64,
    /// Of those, after the evergreen age.
    pub evergreen_interactions: f64,
    pub evergreen_share: Option<f64>,
    /// In the last `recent_days` of the period.
    pub recent_interactions: f64,
}

/// The lifespan view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifespan {
    /// Ages and recent engagement are counted up to this day.
    #[serde(with = "iso_day")]
    pub as_of: Option<Day>,
    pub options: LifespanOptions,
    pub curve: Vec<AgePoint>,
    /// All kept notes' interactions after the evergreen age / all their
    /// interactions.
    pub evergreen_share: Option<f64>,
    /// The kept notes, by publication day.
    pub notes: Vec<NoteLife>,
    /// Notes at least `old_after_days` old with interactions in the last
    /// `recent_days`, most recent interactions first.
    pub still_earning: Vec<NoteLife>,
}

impl Lifespan {
    /// The notes as CSV (formula-safe): id, title, account, published, age,
    /// interactions, evergreen interactions and share, recent interactions,
    /// and whether the note is old and still earning.
    pub fn notes_csv(&self) -> String {
        use crate::csv_out::{write_table, Cell};
        let text = |t: &Option<String>| t.clone().map_or(Cell::Empty, Cell::Text);
        let lines = self.notes.iter().map(|n| {
            let earning = self.still_earning.iter().any(|s| s.note_id == n.note_id);
            vec![
                Cell::Text(n.note_id.clone()),
                text(&n.title),
                text(&n.account),
                n.published.map_or(Cell::Empty, |d| Cell::Text(d.iso())),
                Cell::from(f64::from(n.age_days)),
                Cell::from(n.interactions),
                Cell::from(n.evergreen_interactions),
                Cell::from(n.evergreen_share),
                Cell::from(n.recent_interactions),
                Cell::from(if earning { "yes" } else { "no" }),
            ]
        });
        write_table(
            &[
                "note_id",
                "title",
                "account",
                "published",
                "age_days",
                "interactions",
                "evergreen_interactions",
                "evergreen_share",
                "recent_interactions",
                "still_earning",
            ],
            lines,
        )
    }
}

/// The lifespan of the notes the filters keep that were published in the
/// settings' period (all notes for all data), counted up to the period's
/// last day. Reads those notes' daily rows: O(their rows).
pub fn lifespan(
    prepared: &Prepared,
    settings: &RoiSettings,
    options: &LifespanOptions,
) -> Lifespan {
    let ctx = Context::new(prepared, settings);
    let period = Period::resolve(&settings.range, prepared.span());
    let p = prepared;
    let as_of = period.to;
    let mut curve: Vec<f64> = Vec::new();
    let mut notes = Vec::new();
    let interactions = |n: u32, from: i32, to: i32| -> f64 {
        let b = p.series.bounds(n, &Period::between(Day(from), Day(to)));
        [Metric::Likes, Metric::Saves, Metric::Comments]
            .iter()
            .map(|&m| p.series.sum(n, b, m))
            .sum()
    };
    for n in 0..p.note_count() as u32 {
        let attrs = &p.notes.attrs[n as usize];
        let Some(published) = p.notes.published[n as usize] else {
            continue;
        };
        if !ctx.admits(attrs) || !period.contains(published) || published > as_of {
            continue;
        }
        for metric in [Metric::Likes, Metric::Saves, Metric::Comments] {
            p.series.each_day(
                n,
                as_of.0,
                |day, value| {
                    let age = (i64::from(day) - i64::from(published.0)).max(0) as usize;
                    if curve.len() <= age {
                        curve.resize(age + 1, 0.0);
                    }
                    curve[age] += value;
                },
                metric,
            );
        }
        let total = interactions(n, i32::MIN, as_of.0);
        let days = |count: u32| i32::try_from(count).unwrap_or(i32::MAX);
        let evergreen_from = published
            .0
            .saturating_add(days(options.evergreen_after_days))
            .saturating_add(1);
        let evergreen = interactions(n, evergreen_from, as_of.0);
        let recent_from = as_of
            .0
            .saturating_sub(days(options.recent_days))
            .saturating_add(1);
        notes.push(NoteLife {
            note_id: p.notes.ids[n as usize].to_string(),
            title: p.notes.titles[n as usize].as_deref().map(str::to_string),
            account: (attrs.account != super::prepared::NONE)
                .then(|| ctx.account_label(attrs.account).to_string()),
            published: Some(published),
            age_days: as_of.0.saturating_sub(published.0),
            interactions: total,
            evergreen_interactions: evergreen,
            evergreen_share: ratio(evergreen, total),
            recent_interactions: interactions(n, recent_from, as_of.0),
        });
    }
    let all: f64 = curve.iter().sum();
    let mut cumulative = 0.0;
    let curve = curve
        .iter()
        .enumerate()
        .map(|(age, &v)| {
            cumulative += v;
            AgePoint {
                age: age as u32,
                interactions: v,
                cumulative,
                cumulative_share: ratio(cumulative, all),
            }
        })
        .collect();
    notes.sort_by(|a, b| {
        a.published
            .cmp(&b.published)
            .then_with(|| a.note_id.cmp(&b.note_id))
    });
    let evergreen: f64 = notes.iter().map(|n| n.evergreen_interactions).sum();
    let total: f64 = notes.iter().map(|n| n.interactions).sum();
    let mut still_earning: Vec<NoteLife> = notes
        .iter()
        .filter(|n| {
            i64::from(n.age_days) >= i64::from(options.old_after_days)
                && n.recent_interactions > 0.0
        })
        .cloned()
        .collect();
    still_earning.sort_by(|a, b| {
        b.recent_interactions
            .total_cmp(&a.recent_interactions)
            .then_with(|| a.note_id.cmp(&b.note_id))
    });
    Lifespan {
        as_of: prepared.span().map(|_| as_of),
        options: *options,
        curve,
        evergreen_share: ratio(evergreen, total),
        notes,
        still_earning,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, table};
    use super::super::DateRange;
    use super::*;
    use crate::report::Dataset;

    /// Note a, published March 1: 10 likes on day 0, 5 on day 10, 4 on day
    /// 31, 1 on day 100. Note b, published June 1: 8 likes on day 0.
    fn data() -> Dataset {
        Dataset {
            notes: Some(table(
                "note_id,date,published_at,likes,saves,comments\n\
                 a,2026-03-01,2026-03-01,10,0,0\n\
                 a,2026-03-11,2026-03-01,3,1,1\n\
                 a,2026-04-01,2026-03-01,4,0,0\n\
                 a,2026-06-09,2026-03-01,1,0,0\n\
                 b,2026-06-01,2026-06-01,8,0,0\n",
            )),
            ..Dataset::default()
        }
    }

    fn run(settings: &RoiSettings, options: &LifespanOptions) -> Lifespan {
        lifespan(&Prepared::new(&data(), settings), settings, options)
    }

    #[test]
    fn the_curve_sums_engagement_by_age_and_accumulates() {
        let l = run(&RoiSettings::default(), &LifespanOptions::default());
        assert_eq!(l.as_of, Some(day(6, 9)));
        assert_eq!(l.curve.len(), 101);
        // Day 0: a's 10 and b's 8.
        assert_eq!(l.curve[0].interactions, 18.0);
        assert_eq!(l.curve[10].interactions, 5.0);
        assert_eq!(l.curve[10].cumulative, 23.0);
        assert_eq!(l.curve[100].cumulative, 28.0);
        assert_eq!(l.curve[100].cumulative_share, Some(1.0));
    }

    #[test]
    fn evergreen_share_counts_engagement_after_day_thirty() {
        let l = run(&RoiSettings::default(), &LifespanOptions::default());
        let a = l.notes.iter().find(|n| n.note_id == "a").unwrap();
        // Day 31 (4) and day 100 (1) of 20.
        assert_eq!(a.interactions, 20.0);
        assert_eq!(a.evergreen_interactions, 5.0);
        assert_eq!(a.evergreen_share, Some(0.25));
        assert_eq!(l.evergreen_share, Some(5.0 / 28.0));
    }

    #[test]
    fn lifespan_csv_lists_every_note() {
        let l = run(&RoiSettings::default(), &LifespanOptions::default());
        let csv = l.notes_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "a,,,2026-03-01,100,20,5,0.25,1,yes");
        assert_eq!(lines[2], "b,,,2026-06-01,8,8,0,0,8,no");
    }

    #[test]
    fn old_notes_with_recent_engagement_are_still_earning() {
        let l = run(&RoiSettings::default(), &LifespanOptions::default());
        // a is 100 days old with 1 like on the last day; b is 8 days old.
        let ids: Vec<&str> = l.still_earning.iter().map(|n| n.note_id.as_str()).collect();
        assert_eq!(ids, vec!["a"]);
        assert_eq!(l.still_earning[0].age_days, 100);
        assert_eq!(l.still_earning[0].recent_interactions, 1.0);
        // With a 5-day window ending May 31, a has nothing recent.
        let settings = RoiSettings {
            range: DateRange::between(day(3, 1), day(5, 31)),
            ..RoiSettings::default()
        };
        let options = LifespanOptions {
            recent_days: 5,
            ..LifespanOptions::default()
        };
        let l = run(&settings, &options);
        assert!(l.still_earning.is_empty());
        // Only a was published in March to May, counted up to May 31.
        assert_eq!(l.notes.len(), 1);
        assert_eq!(l.notes[0].interactions, 19.0);
    }
}
