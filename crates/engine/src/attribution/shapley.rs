//! Shapley values of the channel game, two ways.
//!
//! Players are channels. The worth of a coalition `S` is
//! `v(S) = sum of C_j over journeys j whose channel set A_j lies in S`
//! (and the same with values `V_j`). The Shapley value is
//!
//! ```text
//! phi_i = sum over S not containing i of |S|! (N-|S|-1)! / N! * (v(S + i) - v(S))
//! ```
//!
//! **Closed form** (Zhao et al. 2018, "Shapley value methods for attribution
//! modeling in online advertising"): `v = sum_j C_j * u_{A_j}` where
//! `u_A(S) = 1 if A is a subset of S, else 0` is the unanimity game of `A`.
//! In `u_A` the members of `A` are symmetric and every non-member is a null
//! player (adding it never changes the worth), and `u_A(all) = 1`; by
//! symmetry, the null-player property and efficiency each member of `A` gets
//! `1/|A|`. The Shapley value is linear in the game, so
//! `phi_i = sum over j with i in A_j of C_j / |A_j|`:
//! each journey's conversions split equally over its distinct channels. That
//! is what [`super::rules`] computes in one pass; [`exact`] evaluates the
//! definition above over all `2^N` coalitions, for tests and small `N`.

use super::journeys::JourneyView;

/// Largest channel count [`exact`] accepts (`2^N` coalitions).
pub const EXACT_MAX_CHANNELS: usize = 20;

/// The Shapley values `(conversions, value)` per channel from the
/// exponential definition, or `None` above [`EXACT_MAX_CHANNELS`] channels.
pub fn exact(view: JourneyView<'_>) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = view.channels;
    if n > EXACT_MAX_CHANNELS {
        return None;
    }
    let size = 1usize << n;
    // f(T): weight of journeys whose channel set is exactly T.
    let mut conv = vec![0.0f64; size];
    let mut value = vec![0.0f64; size];
    for j in 0..view.len() {
        let mask = view
            .journey(j)
            .iter()
            .fold(0usize, |m, &c| m | (1usize << c));
        conv[mask] += view.conversions[j];
        value[mask] += view.value[j];
    }
    // Zeta transform over subsets: v(S) = sum over T subset of S of f(T).
    for bit in 0..n {
        for s in 0..size {
            if s & (1 << bit) != 0 {
                conv[s] += conv[s ^ (1 << bit)];
                value[s] += value[s ^ (1 << bit)];
            }
        }
    }
    // weight[k] = k! (n-k-1)! / n!, computed as a product to stay exact enough.
    let weight: Vec<f64> = (0..n)
        .map(|k| {
            // 1 / (n * C(n-1, k))
            let mut binomial = 1.0f64;
            for i in 0..k {
                binomial = binomial * (n - 1 - i) as f64 / (i + 1) as f64;
            }
            1.0 / (n as f64 * binomial)
        })
        .collect();
    let mut phi_c = vec![0.0; n];
    let mut phi_v = vec![0.0; n];
    for s in 0..size {
        let k = s.count_ones() as usize;
        for i in 0..n {
            if s & (1 << i) == 0 {
                let w = weight[k];
                phi_c[i] += w * (conv[s | 1 << i] - conv[s]);
                phi_v[i] += w * (value[s | 1 << i] - value[s]);
            }
        }
    }
    Some((phi_c, phi_v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{rules, JourneyBuilder, Model, Settings};

    #[test]
    fn exact_shapley_of_a_two_channel_game_by_hand() {
        // v({a}) = 3, v({b}) = 0, v({a,b}) = 3 + 0 + 4 = 7.
        // phi_a = 1/2 (v(a) - 0) + 1/2 (v(ab) - v(b)) = 1.5 + 3.5 = 5.
        let mut b = JourneyBuilder::new(false);
        b.push_names(&["a"], 3.0, 0.0, 0.0).unwrap();
        b.push_names(&["a", "b"], 4.0, 8.0, 0.0).unwrap();
        b.push_names(&["b"], 0.0, 0.0, 2.0).unwrap();
        let j = b.finish();
        let (c, v) = exact(j.view()).unwrap();
        assert!(
            (c[0] - 5.0).abs() < 1e-12 && (c[1] - 2.0).abs() < 1e-12,
            "{c:?}"
        );
        assert!(
            (v[0] - 4.0).abs() < 1e-12 && (v[1] - 4.0).abs() < 1e-12,
            "{v:?}"
        );
        let closed = rules::run(j.view(), None, &[Model::Shapley], &Settings::default());
        assert_eq!(closed[0].conversions, vec![5.0, 2.0]);
    }
}
