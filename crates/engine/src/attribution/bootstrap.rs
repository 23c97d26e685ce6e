//! Bootstrap intervals for Markov and Shapley credit.
//!
//! The resampled units are single journeys: a touchpoint journey is one unit
//! (a conversion with its own value, or a null); a paths row with `C`
//! conversions and `U` nulls is `C` converting units, each carrying `V / C`,
//! and `U` null units. Each replicate draws as many units as there are, with
//! replacement and equal probability per unit (for counts, a multinomial on
//! the counts), using a seeded xoshiro256** stream, so one seed always gives
//! the same intervals. Identical paths are merged before the replicates, so a
//! replicate costs one draw per unit plus one model run over distinct paths.
//! Reported per channel: the mean over replicates and the 2.5% and 97.5%
//! percentiles (linear interpolation between order statistics, `R` type 7).

use super::journeys::Journeys;
use super::markov::markov;
use super::rng::{Alias, Rng};
use super::rules;
use super::{Interval, Model, Settings};

/// Intervals per channel (channel id order) for the models that were asked.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapResult {
    pub markov_conversions: Option<Vec<Interval>>,
    pub markov_value: Option<Vec<Interval>>,
    pub shapley_conversions: Option<Vec<Interval>>,
    pub shapley_value: Option<Vec<Interval>>,
}

/// Runs `settings.bootstrap.replicates` resamples for the Markov and Shapley
/// models among `settings.models`.
pub fn bootstrap(journeys: &Journeys, settings: &Settings) -> BootstrapResult {
    bootstrap_observed(journeys, settings, &mut |_| {})
}

/// [`bootstrap`], telling `done` how many replicates are finished after each.
pub fn bootstrap_observed(
    journeys: &Journeys,
    settings: &Settings,
    done: &mut dyn FnMut(u32),
) -> BootstrapResult {
    let replicates = settings.bootstrap.replicates as usize;
    let want_markov = settings.models.contains(&Model::Markov);
    let want_shapley = settings.models.contains(&Model::Shapley);
    let n = journeys.channels().len();
    let (paths, path_of) = journeys.aggregate();

    // Units: (journey, converting?) with their weights.
    let mut unit_journey: Vec<u32> = Vec::new();
    let mut unit_value: Vec<f64> = Vec::new(); // NaN marks a null unit
    let mut weights: Vec<f64> = Vec::new();
    let (conv, value, nulls) = (journeys.conversions(), journeys.values(), journeys.nulls());
    for i in 0..journeys.len() {
        if conv[i] > 0.0 {
            unit_journey.push(path_of[i]);
            unit_value.push(value[i] / conv[i]);
            weights.push(conv[i]);
        }
        if nulls[i] > 0.0 {
            unit_journey.push(path_of[i]);
            unit_value.push(f64::NAN);
            weights.push(nulls[i]);
        }
    }
    let draws = weights.iter().sum::<f64>().round() as usize;
    let uniform = weights.windows(2).all(|w| w[0] == w[1]);
    let alias = (!uniform && !weights.is_empty()).then(|| Alias::new(&weights));

    let mut rng = Rng::new(settings.bootstrap.seed);
    let k = paths.len();
    let mut c = vec![0.0f64; k];
    let mut v = vec![0.0f64; k];
    let mut u = vec![0.0f64; k];
    // samples[model][replicate * n + channel]
    let mut markov_c = Vec::new();
    let mut markov_v = Vec::new();
    let mut shapley_c = Vec::new();
    let mut shapley_v = Vec::new();
    for replicate in 0..replicates {
        c.fill(0.0);
        v.fill(0.0);
        u.fill(0.0);
        if !weights.is_empty() {
            for _ in 0..draws {
                let unit = match &alias {
                    Some(alias) => alias.sample(&mut rng),
                    None => rng.below(weights.len() as u64) as usize,
                };
                let path = unit_journey[unit] as usize;
                let value = unit_value[unit];
                if value.is_nan() {
                    u[path] += 1.0;
                } else {
                    c[path] += 1.0;
                    v[path] += value;
                }
            }
        }
        let view = paths.view_with(&c, &v, &u);
        if want_markov {
            let m = markov(view, settings.markov_order);
            markov_c.extend_from_slice(&m.conversions);
            markov_v.extend_from_slice(&m.value);
        }
        if want_shapley {
            let s = rules::run(view, None, &[Model::Shapley], settings);
            shapley_c.extend_from_slice(&s[0].conversions);
            shapley_v.extend_from_slice(&s[0].value);
        }
        done(replicate as u32 + 1);
    }
    let summarise = |samples: Vec<f64>| -> Vec<Interval> {
        (0..n)
            .map(|ch| {
                let mut xs: Vec<f64> = (0..replicates).map(|r| samples[r * n + ch]).collect();
                summary(&mut xs)
            })
            .collect()
    };
    BootstrapResult {
        markov_conversions: want_markov.then(|| summarise(markov_c)),
        markov_value: want_markov.then(|| summarise(markov_v)),
        shapley_conversions: want_shapley.then(|| summarise(shapley_c)),
        shapley_value: want_shapley.then(|| summarise(shapley_v)),
    }
}

/// Mean and 2.5% / 97.5% percentiles (type 7) of `xs` (sorted in place).
pub fn summary(xs: &mut [f64]) -> Interval {
    if xs.is_empty() {
        return Interval {
            mean: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    xs.sort_unstable_by(f64::total_cmp);
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    Interval {
        mean,
        low: percentile(xs, 0.025),
        high: percentile(xs, 0.975),
    }
}

/// Percentile of sorted data by linear interpolation (R's type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        let xs: Vec<f64> = (0..=40).map(f64::from).collect();
        assert_eq!(percentile(&xs, 0.025), 1.0);
        assert_eq!(percentile(&xs, 0.975), 39.0);
        let ys = [1.0, 2.0];
        assert_eq!(percentile(&ys, 0.5), 1.5);
        let mut zs = vec![3.0, 1.0, 2.0];
        let s = summary(&mut zs);
        assert_eq!(s.mean, 2.0);
        assert!(
            (s.low - 1.05).abs() < 1e-12 && (s.high - 2.95).abs() < 1e-12,
            "{s:?}"
        );
    }
}
