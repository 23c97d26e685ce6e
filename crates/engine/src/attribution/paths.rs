//! The path explorer: the most common converting paths, how many touches
//! journeys take, and how long converting journeys take from first touch to
//! purchase.

use serde::Serialize;

use super::hash::FxMap;
use super::journeys::Journeys;

/// One distinct converting path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathCount {
    pub path: Vec<String>,
    pub conversions: f64,
    pub value: f64,
}

/// Journeys and conversions by number of touches; the last bucket is
/// "this many or more".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LengthBucket {
    pub touches: usize,
    pub journeys: f64,
    pub conversions: f64,
}

/// Conversions by days from the first touch to the conversion, in
/// `[from_days, to_days)`; the last bucket has no end (`to_days` = 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeBucket {
    pub from_days: u32,
    pub to_days: u32,
    pub conversions: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PathExplorer {
    pub top_paths: Vec<PathCount>,
    pub lengths: Vec<LengthBucket>,
    /// Empty for aggregated paths, which carry no times.
    pub time_to_conversion: Vec<TimeBucket>,
}

/// Journeys of this many touches or more share the last length bucket.
pub const LONGEST_BUCKET: usize = 6;

/// Day boundaries of the time-to-conversion buckets.
pub const DAY_BUCKETS: [u32; 6] = [0, 1, 3, 7, 14, 30];

/// The explorer's figures for a set of journeys; `top` paths at most.
pub fn explore(journeys: &Journeys, top: usize) -> PathExplorer {
    let view = journeys.view();
    let names = journeys.channels();
    let mut paths: FxMap<&[u16], (f64, f64)> = FxMap::default();
    let mut lengths = vec![(0.0f64, 0.0f64); LONGEST_BUCKET];
    let mut times = vec![0.0f64; DAY_BUCKETS.len()];
    let mut timed = false;
    for i in 0..view.len() {
        let touches = view.journey(i);
        if touches.is_empty() {
            continue;
        }
        let (conversions, value, nulls) = (view.conversions[i], view.value[i], view.nulls[i]);
        let bucket = touches.len().min(LONGEST_BUCKET) - 1;
        lengths[bucket].0 += conversions + nulls;
        lengths[bucket].1 += conversions;
        if conversions > 0.0 {
            let entry = paths.entry(touches).or_insert((0.0, 0.0));
            entry.0 += conversions;
            entry.1 += value;
            if let Some(&first) = journeys.ages(i).and_then(|a| a.first()) {
                timed = true;
                let days = first / 86_400;
                let slot = DAY_BUCKETS
                    .iter()
                    .rposition(|&from| days >= from)
                    .unwrap_or(0);
                times[slot] += conversions;
            }
        }
    }
    // Most conversions first; ties by path so the order never depends on
    // hashing. Channel ids follow the names' order, so comparing id
    // sequences compares the paths by name: only the top few get names.
    let mut ranked: Vec<(&[u16], (f64, f64))> = paths.into_iter().collect();
    let order = |a: &(&[u16], (f64, f64)), b: &(&[u16], (f64, f64))| {
        b.1 .0.total_cmp(&a.1 .0).then_with(|| a.0.cmp(b.0))
    };
    if ranked.len() > top && top > 0 {
        ranked.select_nth_unstable_by(top - 1, order);
    }
    ranked.truncate(top);
    ranked.sort_by(order);
    let top_paths: Vec<PathCount> = ranked
        .into_iter()
        .map(|(touches, (conversions, value))| PathCount {
            path: touches.iter().map(|&c| names[c as usize].clone()).collect(),
            conversions,
            value,
        })
        .collect();
    PathExplorer {
        top_paths,
        lengths: lengths
            .into_iter()
            .enumerate()
            .map(|(i, (journeys, conversions))| LengthBucket {
                touches: i + 1,
                journeys,
                conversions,
            })
            .collect(),
        time_to_conversion: if timed {
            times
                .into_iter()
                .enumerate()
                .map(|(i, conversions)| TimeBucket {
                    from_days: DAY_BUCKETS[i],
                    to_days: DAY_BUCKETS.get(i + 1).copied().unwrap_or(0),
                    conversions,
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::Settings;
    use crate::import::{import, ImportOptions};

    fn journeys(text: &str) -> Journeys {
        let table = import("t.csv", text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .table;
        Journeys::from_touchpoints(&table, &Settings::default()).unwrap()
    }

    #[test]
    fn the_most_common_converting_path_comes_first() {
        let j = journeys(
            "person_id,time,channel,event,value\n\
             a,2026-03-01 10:00,xhs_note,click,\n\
             a,2026-03-03 10:00,tmall,conversion,100\n\
             b,2026-03-01 10:00,xhs_note,click,\n\
             b,2026-03-01 12:00,tmall,conversion,50\n\
             c,2026-03-01 10:00,wechat,click,\n\
             c,2026-03-10 10:00,tmall,conversion,80\n\
             d,2026-03-01 10:00,douyin,click,\n",
        );
        let e = explore(&j, 10);
        assert_eq!(e.top_paths[0].path, vec!["xhs_note", "tmall"]);
        assert_eq!(e.top_paths[0].conversions, 2.0);
        assert_eq!(e.top_paths[0].value, 150.0);
        assert_eq!(e.top_paths[1].path, vec!["wechat", "tmall"]);
        // Lengths: d has one touch and no conversion; a, b, c two touches.
        assert_eq!(
            e.lengths[0],
            LengthBucket {
                touches: 1,
                journeys: 1.0,
                conversions: 0.0
            }
        );
        assert_eq!(
            e.lengths[1],
            LengthBucket {
                touches: 2,
                journeys: 3.0,
                conversions: 3.0
            }
        );
        // First touch to conversion: b same day, a 2 days, c 9 days.
        let by_from: Vec<(u32, f64)> = e
            .time_to_conversion
            .iter()
            .map(|b| (b.from_days, b.conversions))
            .collect();
        assert_eq!(
            by_from,
            vec![(0, 1.0), (1, 1.0), (3, 0.0), (7, 1.0), (14, 0.0), (30, 0.0)]
        );
    }

    #[test]
    fn ties_rank_by_channel_names_and_only_the_top_are_kept() {
        let table = import(
            "p.csv",
            b"path,total_conversions
              zeta > alpha,2
beta,2
alpha > beta,2
alpha,2
zeta,5
gamma,1
",
            &ImportOptions::default(),
        )
        .unwrap()
        .table;
        let j = Journeys::from_paths(&table).unwrap();
        let ranked = |top| -> Vec<String> {
            explore(&j, top)
                .top_paths
                .iter()
                .map(|p| p.path.join(" > "))
                .collect()
        };
        let all = [
            "zeta",
            "alpha",
            "alpha > beta",
            "beta",
            "zeta > alpha",
            "gamma",
        ];
        assert_eq!(ranked(10), all);
        assert_eq!(ranked(3), all[..3]);
        assert_eq!(ranked(1), all[..1]);
        assert!(ranked(0).is_empty());
    }

    #[test]
    fn long_journeys_share_the_last_length_bucket_and_paths_carry_no_times() {
        let table = import(
            "p.csv",
            b"path,total_conversions,total_null\na > b > c > d > e > f > g,2,1\na,1,0\n",
            &ImportOptions::default(),
        )
        .unwrap()
        .table;
        let j = Journeys::from_paths(&table).unwrap();
        let e = explore(&j, 1);
        assert_eq!(e.lengths[LONGEST_BUCKET - 1].journeys, 3.0);
        assert_eq!(e.top_paths.len(), 1);
        assert!(e.time_to_conversion.is_empty());
    }
}
