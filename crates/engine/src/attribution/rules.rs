//! The rule-based models and Shapley, in one pass over the journeys.
//!
//! For a journey with touches `t_1..t_n` (channels `c_1..c_n`), conversions
//! `C` and value `V`, each model gives touch `k` a share `s_k` with
//! `sum s_k = 1`; channel `c_k` collects `s_k * C` and `s_k * V` (a channel
//! touched twice collects both shares):
//!
//! - first touch: `s_1 = 1`; last touch: `s_n = 1`; linear: `s_k = 1/n`;
//! - position-based with weights `(f, m, l)`: `n = 1`: 1; `n = 2`:
//!   `f/(f+l)` and `l/(f+l)` (50/50 for the default 40/20/40; 50/50 when
//!   `f + l = 0`); `n >= 3`: `f`, `l`, and `m/(n-2)` to each middle touch;
//! - time decay: `s_k = 2^(-a_k/h) / sum_j 2^(-a_j/h)`, `a_k` the touch's age
//!   before the conversion (seconds, half-life in days) or on untimed paths
//!   its steps before the conversion (`n - k`, half-life in steps).
//!
//! Shapley (players = channels, `v(S)` = conversions of the journeys whose
//! channel set lies in `S`) has the closed form of Zhao et al. (2018): each
//! journey's conversions split equally over its distinct channels
//! (see [`super::shapley`] for the proof and the exponential check).

use super::journeys::JourneyView;
use super::{Model, PositionWeights, Settings};
use crate::time::SECONDS_PER_DAY;

/// Per-channel credit of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Credits {
    pub model: Model,
    pub conversions: Vec<f64>,
    pub value: Vec<f64>,
}

/// Credits for each of `models` except Markov (ignored here), in that order.
/// `ages`: per-touch seconds before the conversion, aligned with
/// `view.touches`; `None` makes time decay count steps.
pub fn run(
    view: JourneyView<'_>,
    ages: Option<&[u32]>,
    models: &[Model],
    settings: &Settings,
) -> Vec<Credits> {
    let n = view.channels;
    let wants = |m: Model| models.contains(&m);
    let (first, last, linear, position, decay, shapley) = (
        wants(Model::FirstTouch),
        wants(Model::LastTouch),
        wants(Model::Linear),
        wants(Model::PositionBased),
        wants(Model::TimeDecay),
        wants(Model::Shapley),
    );
    let new = || (vec![0.0f64; n], vec![0.0f64; n]);
    let (mut first_c, mut first_v) = new();
    let (mut last_c, mut last_v) = new();
    let (mut linear_c, mut linear_v) = new();
    let (mut position_c, mut position_v) = new();
    let (mut decay_c, mut decay_v) = new();
    let (mut shapley_c, mut shapley_v) = new();

    let PositionWeights {
        first: wf,
        middle: wm,
        last: wl,
    } = settings.position_weights;
    let (two_first, two_last) = if wf + wl > 0.0 {
        (wf / (wf + wl), wl / (wf + wl))
    } else {
        (0.5, 0.5)
    };
    let half_life_seconds = settings.half_life_days * SECONDS_PER_DAY as f64;
    // 2^(-s/h) for s steps before the conversion, grown on demand.
    let mut step_weight: Vec<f64> = Vec::new();
    let mut seen: Vec<u32> = if shapley {
        vec![u32::MAX; n]
    } else {
        Vec::new()
    };
    let mut decay_weights: Vec<f64> = Vec::new();

    for i in 0..view.len() {
        let c = view.conversions[i];
        let v = view.value[i];
        if c == 0.0 && v == 0.0 {
            continue;
        }
        let lo = view.offsets[i] as usize;
        let path = view.journey(i);
        let len = path.len();
        if len == 0 {
            continue;
        }
        let head = path[0] as usize;
        let tail = path[len - 1] as usize;
        if first {
            first_c[head] += c;
            first_v[head] += v;
        }
        if last {
            last_c[tail] += c;
            last_v[tail] += v;
        }
        if linear {
            let share = 1.0 / len as f64;
            let (sc, sv) = (c * share, v * share);
            for &t in path {
                linear_c[t as usize] += sc;
                linear_v[t as usize] += sv;
            }
        }
        if position {
            match len {
                1 => {
                    position_c[head] += c;
                    position_v[head] += v;
                }
                2 => {
                    position_c[head] += c * two_first;
                    position_v[head] += v * two_first;
                    position_c[tail] += c * two_last;
                    position_v[tail] += v * two_last;
                }
                _ => {
                    position_c[head] += c * wf;
                    position_v[head] += v * wf;
                    position_c[tail] += c * wl;
                    position_v[tail] += v * wl;
                    let share = wm / (len - 2) as f64;
                    let (sc, sv) = (c * share, v * share);
                    for &t in &path[1..len - 1] {
                        position_c[t as usize] += sc;
                        position_v[t as usize] += sv;
                    }
                }
            }
        }
        if decay {
            match ages {
                Some(ages) => {
                    let ages = &ages[lo..lo + len];
                    let youngest = ages.iter().copied().min().unwrap_or(0);
                    decay_weights.clear();
                    let mut sum = 0.0;
                    for &a in ages {
                        let w = (-f64::from(a - youngest) / half_life_seconds).exp2();
                        sum += w;
                        decay_weights.push(w);
                    }
                    let (sc, sv) = (c / sum, v / sum);
                    for (&t, &w) in path.iter().zip(&decay_weights) {
                        decay_c[t as usize] += w * sc;
                        decay_v[t as usize] += w * sv;
                    }
                }
                None => {
                    while step_weight.len() < len {
                        let s = step_weight.len() as f64;
                        step_weight.push((-s / settings.half_life_steps).exp2());
                    }
                    let sum: f64 = step_weight[..len].iter().sum();
                    let (sc, sv) = (c / sum, v / sum);
                    for (k, &t) in path.iter().enumerate() {
                        let w = step_weight[len - 1 - k];
                        decay_c[t as usize] += w * sc;
                        decay_v[t as usize] += w * sv;
                    }
                }
            }
        }
        if shapley {
            let stamp = i as u32;
            let mut distinct = 0u32;
            for &t in path {
                if seen[t as usize] != stamp {
                    seen[t as usize] = stamp;
                    distinct += 1;
                }
            }
            let share = 1.0 / f64::from(distinct);
            let (sc, sv) = (c * share, v * share);
            // Second sweep: credit each distinct channel once.
            let stamp2 = stamp ^ 0x8000_0000;
            for &t in path {
                if seen[t as usize] != stamp2 {
                    seen[t as usize] = stamp2;
                    shapley_c[t as usize] += sc;
                    shapley_v[t as usize] += sv;
                }
            }
        }
    }

    let mut out = Vec::new();
    for &model in models {
        let (conversions, value) = match model {
            Model::FirstTouch => (&first_c, &first_v),
            Model::LastTouch => (&last_c, &last_v),
            Model::Linear => (&linear_c, &linear_v),
            Model::PositionBased => (&position_c, &position_v),
            Model::TimeDecay => (&decay_c, &decay_v),
            Model::Shapley => (&shapley_c, &shapley_v),
            Model::Markov => continue,
        };
        out.push(Credits {
            model,
            conversions: conversions.clone(),
            value: value.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::JourneyBuilder;

    fn credits(
        j: &crate::attribution::Journeys,
        model: Model,
        settings: &Settings,
    ) -> Vec<(String, f64, f64)> {
        let r = run(j.view(), j.all_ages(), &[model], settings);
        j.channels()
            .iter()
            .zip(r[0].conversions.iter().zip(&r[0].value))
            .map(|(n, (&c, &v))| (n.clone(), c, v))
            .collect()
    }

    fn one(path: &[&str], value: f64) -> crate::attribution::Journeys {
        let mut b = JourneyBuilder::new(false);
        b.push_names(path, 1.0, value, 0.0).unwrap();
        b.finish()
    }

    fn close(got: &[(String, f64, f64)], want: &[(&str, f64, f64)]) {
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-12, "{got:?} vs {want:?}");
            assert!((g.2 - w.2).abs() < 1e-9, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn shapley_stamps_do_not_collide_across_journeys() {
        // Journey 0 sets stamp 0 then 0x8000_0000; journey 1 must start fresh.
        let mut b = JourneyBuilder::new(false);
        b.push_names(&["a", "b", "a"], 1.0, 0.0, 0.0).unwrap();
        b.push_names(&["a", "a"], 1.0, 0.0, 0.0).unwrap();
        let j = b.finish();
        close(
            &credits(&j, Model::Shapley, &Settings::default()),
            &[("a", 1.5, 0.0), ("b", 0.5, 0.0)],
        );
    }

    #[test]
    fn time_decay_on_steps_halves_per_step_by_default() {
        let j = one(&["a", "b", "c"], 7.0);
        // Weights 1/4, 1/2, 1 over a sum of 7/4.
        close(
            &credits(&j, Model::TimeDecay, &Settings::default()),
            &[
                ("a", 1.0 / 7.0, 1.0),
                ("b", 2.0 / 7.0, 2.0),
                ("c", 4.0 / 7.0, 4.0),
            ],
        );
    }

    #[test]
    fn zero_weight_journeys_give_nothing() {
        let mut b = JourneyBuilder::new(false);
        b.push_names(&["a"], 0.0, 0.0, 5.0).unwrap();
        let j = b.finish();
        for m in [
            Model::FirstTouch,
            Model::Linear,
            Model::Shapley,
            Model::TimeDecay,
        ] {
            close(&credits(&j, m, &Settings::default()), &[("a", 0.0, 0.0)]);
        }
    }
}
