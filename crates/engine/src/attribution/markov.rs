//! Markov chain attribution with removal effects, solved exactly.
//!
//! **States.** `start`, `conversion`, `null` and, for order `k`, the windows
//! of `k` consecutive channels of a journey (a journey of `n <= k` channels is
//! one state: the whole journey), exactly as ChannelAttribution builds them.
//! Consecutive repeats of one state are merged (a self-loop changes no
//! absorption probability).
//!
//! **Transitions.** Every journey with conversions `C` and nulls `U` adds
//! `C + U` to `start -> s_1` and to each `s_i -> s_{i+1}`, `C` to
//! `s_last -> conversion` and `U` to `s_last -> null`; probabilities are the
//! counts over each state's total.
//!
//! **Removal effect.** `P` = probability of absorbing in `conversion` from
//! `start`; removing channel `c` sends every transition into a state that
//! contains `c` to `null`, giving `P_-c`. `RE_c = 1 - P_-c / P`
//! (equivalently the share of converting chain paths that visit `c`). Credit:
//! `RE_c / sum RE * total conversions`.
//!
//! **Value.** As ChannelAttribution does: a conversion reached from state `s`
//! carries the mean value of the conversions whose journeys ended in `s`
//! (sum of their value over sum of their conversions). `E` = expected value
//! absorbed from `start`, `E_-c` the same with `c` removed,
//! `REV_c = 1 - E_-c / E`, value credit `REV_c / sum REV * total value`.
//!
//! **Solving.** `x = Q x + b` over the transient states (`Q` transient
//! transitions, `b` the one-step conversion probability, or expected value)
//! is solved for `P` and `E` together: by Gaussian elimination with partial
//! pivoting up to [`DENSE_MAX`] states, beyond by Gauss-Seidel sweeps (in
//! reverse discovery order, which follows the journeys backwards) until a
//! sweep changes no entry by more than 4 ulp of the largest, i.e. to machine
//! precision. Deterministic, no simulation.

use super::hash::FxMap;
use super::journeys::JourneyView;

/// Largest system (active transient states) solved by dense elimination.
pub const DENSE_MAX: usize = 96;
/// Gauss-Seidel sweep limit (never reached by chains built from journeys,
/// whose spectral radius is well below 1).
const MAX_SWEEPS: usize = 1_000_000;

/// Markov credits and removal effects per channel (channel id order).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkovResult {
    pub conversions: Vec<f64>,
    pub value: Vec<f64>,
    pub removal_conversions: Vec<f64>,
    pub removal_value: Vec<f64>,
    /// Transient states besides `start`.
    pub states: usize,
    pub conversion_probability: f64,
    pub expected_value: f64,
}

/// Key of a window: channels `+ 1` as digits in base `channels + 1`, oldest
/// first, so windows of different lengths never share a key.
#[derive(Debug)]
enum Lookup {
    Dense(Vec<u32>),
    Hashed(FxMap<u64, u32>),
}

#[derive(Debug)]
enum Edges {
    /// `width` columns per state: next channel `0..n`, conversion, null.
    Dense(Vec<f64>),
    Hashed(FxMap<u64, f64>),
}

/// Key -> state index, assigning `next` to a new key.
trait StateMap {
    fn get_or_insert(&mut self, key: u64, next: u32) -> u32;
}

impl StateMap for Vec<u32> {
    #[inline]
    fn get_or_insert(&mut self, key: u64, next: u32) -> u32 {
        let slot = &mut self[key as usize];
        if *slot == u32::MAX {
            *slot = next;
        }
        *slot
    }
}

impl StateMap for FxMap<u64, u32> {
    #[inline]
    fn get_or_insert(&mut self, key: u64, next: u32) -> u32 {
        *self.entry(key).or_insert(next)
    }
}

/// Edge counts by `state * width + column`.
trait EdgeStore {
    fn add(&mut self, cell: usize, w: f64);
    /// Room for one more state.
    fn grow(&mut self, width: usize);
}

impl EdgeStore for Vec<f64> {
    #[inline]
    fn add(&mut self, cell: usize, w: f64) {
        self[cell] += w;
    }

    fn grow(&mut self, width: usize) {
        self.resize(self.len() + width, 0.0);
    }
}

impl EdgeStore for FxMap<u64, f64> {
    #[inline]
    fn add(&mut self, cell: usize, w: f64) {
        *self.entry(cell as u64).or_insert(0.0) += w;
    }

    fn grow(&mut self, _width: usize) {}
}

/// Transition counts of a journey set.
#[derive(Debug)]
pub struct Chain {
    channels: usize,
    order: usize,
    radix: u64,
    /// `radix^(order-1)`: drops the oldest digit of a full window.
    high: u64,
    width: usize,
    /// Key per state; index 0 is `start`.
    keys: Vec<u64>,
    lookup: Lookup,
    edges: Edges,
    /// `start -> state` counts, by state.
    start: Vec<f64>,
    /// Value of the conversions of journeys ending in each state.
    value: Vec<f64>,
}

impl Chain {
    /// Counts the transitions of all journeys in one pass.
    pub fn count(view: JourneyView<'_>, order: u8) -> Chain {
        Chain::count_with(view, order, true)
    }

    /// [`Chain::count`], with or without the order-1 walk (tests compare
    /// the two).
    fn count_with(view: JourneyView<'_>, order: u8, first_order_walk: bool) -> Chain {
        let n = view.channels;
        let k = usize::from(order.clamp(1, 3));
        let radix = n as u64 + 1;
        let width = n + 2;
        let table = (radix as u128).pow(k as u32);
        let lookup = if table <= 1 << 20 {
            Lookup::Dense(vec![u32::MAX; table as usize])
        } else {
            Lookup::Hashed(FxMap::default())
        };
        let possible: u128 = (1..=k as u32).map(|m| (n as u128).pow(m)).sum();
        let bound = possible.min(view.touches.len() as u128) + 1;
        let edges = if bound * width as u128 <= 1 << 22 {
            Edges::Dense(vec![0.0; width])
        } else {
            Edges::Hashed(FxMap::default())
        };
        let mut chain = Chain {
            channels: n,
            order: k,
            radix,
            high: radix.pow(k as u32 - 1),
            width,
            keys: vec![0],
            lookup: Lookup::Dense(Vec::new()),
            edges: Edges::Dense(Vec::new()),
            start: vec![0.0],
            value: vec![0.0],
        };
        // One monomorphic walk per storage kind keeps the per-touch loop tight.
        let (lookup, edges) = match (lookup, edges) {
            (Lookup::Dense(mut l), Edges::Dense(mut e)) => {
                if k == 1 && first_order_walk {
                    chain.walk_first_order(view, &mut l, &mut e);
                } else {
                    chain.walk(view, &mut l, &mut e);
                }
                (Lookup::Dense(l), Edges::Dense(e))
            }
            (Lookup::Dense(mut l), Edges::Hashed(mut e)) => {
                chain.walk(view, &mut l, &mut e);
                (Lookup::Dense(l), Edges::Hashed(e))
            }
            (Lookup::Hashed(mut l), Edges::Dense(mut e)) => {
                chain.walk(view, &mut l, &mut e);
                (Lookup::Hashed(l), Edges::Dense(e))
            }
            (Lookup::Hashed(mut l), Edges::Hashed(mut e)) => {
                chain.walk(view, &mut l, &mut e);
                (Lookup::Hashed(l), Edges::Hashed(e))
            }
        };
        chain.lookup = lookup;
        chain.edges = edges;
        chain
    }

    fn walk<L: StateMap, E: EdgeStore>(
        &mut self,
        view: JourneyView<'_>,
        lookup: &mut L,
        edges: &mut E,
    ) {
        let (n, k, radix, high, width) =
            (self.channels, self.order, self.radix, self.high, self.width);
        let mut state_of = |chain: &mut Chain, edges: &mut E, key: u64| -> usize {
            let next = chain.keys.len() as u32;
            let s = lookup.get_or_insert(key, next);
            if s == next {
                chain.keys.push(key);
                chain.start.push(0.0);
                chain.value.push(0.0);
                edges.grow(width);
            }
            s as usize
        };
        for (j, c, u, path) in view.weighted() {
            let w = c + u;
            let window = path.len().min(k);
            let mut key = path[..window]
                .iter()
                .fold(0u64, |key, &ch| key * radix + u64::from(ch) + 1);
            let mut state = state_of(self, edges, key);
            self.start[state] += w;
            for (t, &ch) in path.iter().enumerate().skip(window) {
                // Drop the oldest digit (known: the channel k touches back)
                // without a division, then append the new channel.
                key = (key - (u64::from(path[t - k]) + 1) * high) * radix + u64::from(ch) + 1;
                let next = state_of(self, edges, key);
                if next != state {
                    edges.add(state * width + ch as usize, w);
                    state = next;
                }
            }
            if c != 0.0 {
                edges.add(state * width + n, c);
                self.value[state] += view.value[j];
            }
            if u != 0.0 {
                edges.add(state * width + n + 1, u);
            }
        }
    }

    /// [`Chain::walk`] for order 1, the default and by far the most common
    /// order, where a state is one channel. The counts are first kept by
    /// channel, with no state lookups and no branch per touch (a repeat of
    /// a channel adds to the diagonal, which is then ignored: a self-loop
    /// changes nothing), and then moved to states numbered in order of first
    /// appearance, as the general walk numbers them. Every cell sums the same
    /// terms in the same order, so the numbers are the general walk's.
    fn walk_first_order(
        &mut self,
        view: JourneyView<'_>,
        lookup: &mut [u32],
        edges: &mut Vec<f64>,
    ) {
        let n = self.channels;
        let mut moves = vec![0.0; n * n];
        let mut start = vec![0.0; n];
        let mut conversions = vec![0.0; n];
        let mut nulls = vec![0.0; n];
        let mut value = vec![0.0; n];
        for (j, c, u, path) in view.weighted() {
            let w = c + u;
            let Some((&first, rest)) = path.split_first() else {
                continue;
            };
            let mut from = usize::from(first);
            start[from] += w;
            for &to in rest {
                moves[from * n + usize::from(to)] += w;
                from = usize::from(to);
            }
            if c != 0.0 {
                conversions[from] += c;
                value[from] += view.value[j];
            }
            if u != 0.0 {
                nulls[from] += u;
            }
        }
        // Weights are never negative, so a channel of a counted journey
        // leaves a non-zero count somewhere in its own figures.
        let counted = (0..n)
            .filter(|&ch| {
                start[ch] != 0.0
                    || conversions[ch] != 0.0
                    || nulls[ch] != 0.0
                    || moves[ch * n..(ch + 1) * n].iter().any(|&m| m != 0.0)
            })
            .count();
        // States in order of first appearance: the channels of the counted
        // journeys, until every counted channel has been met.
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(counted);
        for (_, _, _, path) in view.weighted() {
            if order.len() == counted {
                break;
            }
            for &ch in path {
                if !seen[usize::from(ch)] {
                    seen[usize::from(ch)] = true;
                    order.push(usize::from(ch));
                }
            }
        }
        let width = self.width;
        for ch in order {
            let state = self.keys.len();
            lookup[ch + 1] = state as u32;
            self.keys.push(ch as u64 + 1);
            self.start.push(start[ch]);
            self.value.push(value[ch]);
            edges.resize(edges.len() + width, 0.0);
            let row = &mut edges[state * width..(state + 1) * width];
            for (to, &m) in moves[ch * n..(ch + 1) * n].iter().enumerate() {
                if to != ch {
                    row[to] = m;
                }
            }
            row[n] = conversions[ch];
            row[n + 1] = nulls[ch];
        }
    }

    /// Transient states besides `start`.
    pub fn states(&self) -> usize {
        self.keys.len() - 1
    }

    fn find(&self, key: u64) -> Option<u32> {
        match &self.lookup {
            Lookup::Dense(table) => table.get(key as usize).copied().filter(|&s| s != u32::MAX),
            Lookup::Hashed(map) => map.get(&key).copied(),
        }
    }

    /// Channels of a state (oldest first).
    fn members(&self, state: usize) -> Vec<u16> {
        let mut key = self.keys[state];
        let mut out = Vec::with_capacity(self.order);
        while key > 0 {
            out.push((key % self.radix - 1) as u16);
            key /= self.radix;
        }
        out.reverse();
        out
    }

    /// The absorbing chain as a sparse system `x = Q x + b`.
    fn system(&self) -> System {
        let states = self.keys.len();
        let w = self.width;
        let n = self.channels;
        // Rows of edge counts, in state order, deterministic.
        let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); states];
        match &self.edges {
            Edges::Dense(cells) => {
                for (s, row) in rows.iter_mut().enumerate().skip(1) {
                    for (col, &count) in cells[s * w..(s + 1) * w].iter().enumerate() {
                        if count != 0.0 {
                            row.push((col, count));
                        }
                    }
                }
            }
            Edges::Hashed(map) => {
                let mut cells: Vec<(u64, f64)> = map.iter().map(|(&k, &v)| (k, v)).collect();
                cells.sort_unstable_by_key(|&(k, _)| k);
                for (key, count) in cells {
                    rows[(key / w as u64) as usize].push(((key % w as u64) as usize, count));
                }
            }
        }
        let mut row_start = Vec::with_capacity(states + 1);
        let mut target = Vec::new();
        let mut probability = Vec::new();
        let mut conversion = vec![0.0; states];
        let mut value = vec![0.0; states];
        // start
        row_start.push(0);
        let total: f64 = self.start.iter().sum();
        if total > 0.0 {
            for (s, &count) in self.start.iter().enumerate() {
                if count > 0.0 {
                    target.push(s as u32);
                    probability.push(count / total);
                }
            }
        }
        row_start.push(target.len());
        for s in 1..states {
            let out: f64 = rows[s].iter().map(|&(_, c)| c).sum();
            for &(col, count) in &rows[s] {
                if col < n {
                    let key = (self.keys[s] % self.high) * self.radix + col as u64 + 1;
                    let t = self.find(key).expect("every observed next state has a key");
                    target.push(t);
                    probability.push(count / out);
                } else if col == n {
                    conversion[s] = count / out;
                    value[s] = self.value[s] / out;
                }
            }
            row_start.push(target.len());
        }
        System {
            row_start,
            target,
            probability,
            conversion,
            value,
        }
    }
}

/// `x = Q x + b` in compressed rows, for two right-hand sides.
#[derive(Debug)]
struct System {
    row_start: Vec<usize>,
    target: Vec<u32>,
    probability: Vec<f64>,
    conversion: Vec<f64>,
    value: Vec<f64>,
}

impl System {
    fn len(&self) -> usize {
        self.conversion.len()
    }

    /// `(P, E)` at `start` with the inactive states absorbing into null.
    fn solve(&self, active: &[bool]) -> (f64, f64) {
        let live = active.iter().filter(|&&a| a).count();
        if live <= DENSE_MAX {
            self.solve_dense(active)
        } else {
            self.solve_iterative(active)
        }
    }

    fn solve_dense(&self, active: &[bool]) -> (f64, f64) {
        let mut index = vec![usize::MAX; self.len()];
        let mut m = 0;
        for (s, &a) in active.iter().enumerate() {
            if a {
                index[s] = m;
                m += 1;
            }
        }
        // Augmented matrix [I - Q | b_conv b_value], row-major.
        let cols = m + 2;
        let mut a = vec![0.0f64; m * cols];
        for s in 0..self.len() {
            let i = index[s];
            if i == usize::MAX {
                continue;
            }
            a[i * cols + i] += 1.0;
            for e in self.row_start[s]..self.row_start[s + 1] {
                let t = index[self.target[e] as usize];
                if t != usize::MAX {
                    a[i * cols + t] -= self.probability[e];
                }
            }
            a[i * cols + m] = self.conversion[s];
            a[i * cols + m + 1] = self.value[s];
        }
        // Gaussian elimination with partial pivoting.
        for p in 0..m {
            let pivot = (p..m)
                .max_by(|&x, &y| {
                    a[x * cols + p]
                        .abs()
                        .partial_cmp(&a[y * cols + p].abs())
                        .expect("finite")
                        .then(y.cmp(&x))
                })
                .expect("non-empty");
            if pivot != p {
                for c in 0..cols {
                    a.swap(p * cols + c, pivot * cols + c);
                }
            }
            let d = a[p * cols + p];
            if d == 0.0 {
                continue;
            }
            for r in p + 1..m {
                let f = a[r * cols + p] / d;
                if f != 0.0 {
                    for c in p..cols {
                        a[r * cols + c] -= f * a[p * cols + c];
                    }
                }
            }
        }
        let mut x = vec![0.0f64; m];
        let mut y = vec![0.0f64; m];
        for p in (0..m).rev() {
            let mut sx = a[p * cols + m];
            let mut sy = a[p * cols + m + 1];
            for c in p + 1..m {
                sx -= a[p * cols + c] * x[c];
                sy -= a[p * cols + c] * y[c];
            }
            let d = a[p * cols + p];
            if d != 0.0 {
                x[p] = sx / d;
                y[p] = sy / d;
            }
        }
        (x[0], y[0])
    }

    fn solve_iterative(&self, active: &[bool]) -> (f64, f64) {
        let len = self.len();
        let mut x = vec![0.0f64; len];
        let mut y = vec![0.0f64; len];
        for _ in 0..MAX_SWEEPS {
            let (mut dx, mut dy, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            for s in (0..len).rev() {
                if !active[s] {
                    continue;
                }
                let mut sx = self.conversion[s];
                let mut sy = self.value[s];
                for e in self.row_start[s]..self.row_start[s + 1] {
                    let t = self.target[e] as usize;
                    let p = self.probability[e];
                    sx += p * x[t];
                    sy += p * y[t];
                }
                dx = dx.max((sx - x[s]).abs());
                dy = dy.max((sy - y[s]).abs());
                mx = mx.max(sx.abs());
                my = my.max(sy.abs());
                x[s] = sx;
                y[s] = sy;
            }
            let tolerance = 4.0 * f64::EPSILON;
            if dx <= tolerance * mx && dy <= tolerance * my {
                break;
            }
        }
        (x[0], y[0])
    }
}

/// Markov attribution of order 1 to 3 (clamped).
pub fn markov(view: JourneyView<'_>, order: u8) -> MarkovResult {
    let n = view.channels;
    let chain = Chain::count(view, order);
    let system = chain.system();
    let len = system.len();
    let mut active = vec![true; len];
    let (p, e) = system.solve(&active);

    // States that contain each channel.
    let mut containing: Vec<Vec<u32>> = vec![Vec::new(); n];
    for s in 1..len {
        let mut members = chain.members(s);
        members.sort_unstable();
        members.dedup();
        for c in members {
            containing[c as usize].push(s as u32);
        }
    }
    let mut removal_conversions = vec![0.0; n];
    let mut removal_value = vec![0.0; n];
    for c in 0..n {
        if containing[c].is_empty() {
            continue;
        }
        for &s in &containing[c] {
            active[s as usize] = false;
        }
        let (pc, ec) = system.solve(&active);
        for &s in &containing[c] {
            active[s as usize] = true;
        }
        if p > 0.0 {
            removal_conversions[c] = 1.0 - pc / p;
        }
        if e != 0.0 {
            removal_value[c] = 1.0 - ec / e;
        }
    }

    let total_conversions: f64 = view.conversions.iter().sum();
    let total_value: f64 = view.value.iter().sum();
    let split = |effects: &[f64], total: f64| -> Option<Vec<f64>> {
        let sum: f64 = effects.iter().sum();
        (sum > 0.0 && sum.is_finite()).then(|| effects.iter().map(|r| r / sum * total).collect())
    };
    let conversions =
        split(&removal_conversions, total_conversions).unwrap_or_else(|| vec![0.0; n]);
    // Without a usable value effect (no value reached through conversions),
    // value follows the conversion removal effects.
    let value = split(&removal_value, total_value)
        .or_else(|| split(&removal_conversions, total_value))
        .unwrap_or_else(|| vec![0.0; n]);
    MarkovResult {
        conversions,
        value,
        removal_conversions,
        removal_value,
        states: chain.states(),
        conversion_probability: p,
        expected_value: e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::rng::Rng;
    use crate::attribution::JourneyBuilder;

    #[test]
    fn the_order_one_walk_counts_exactly_what_the_general_walk_counts() {
        let mut rng = Rng::new(7);
        let mut b = JourneyBuilder::new(false);
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        for _ in 0..5_000 {
            let len = 1 + rng.below(6) as usize;
            // Channel "g" never starts a journey and "f" only ends some.
            let path: Vec<&str> = (0..len)
                .map(|i| match rng.below(9) {
                    7 if i > 0 => "g",
                    8 if i + 1 == len => "f",
                    k => names[k as usize % 5],
                })
                .collect();
            let conversions = rng.below(3) as f64;
            let nulls = rng.below(2) as f64 * 0.5;
            b.push_names(&path, conversions, conversions * 10.25, nulls)
                .unwrap();
        }
        let j = b.finish();
        let fast = Chain::count_with(j.view(), 1, true);
        let general = Chain::count_with(j.view(), 1, false);
        assert_eq!(fast.keys, general.keys);
        assert_eq!(fast.start, general.start);
        assert_eq!(fast.value, general.value);
        match (&fast.edges, &general.edges) {
            (Edges::Dense(a), Edges::Dense(b)) => assert_eq!(a, b),
            _ => panic!("order 1 keeps dense edges"),
        }
    }

    fn journeys(rows: &[(&[&str], f64, f64, f64)]) -> crate::attribution::Journeys {
        let mut b = JourneyBuilder::new(false);
        for (path, c, v, u) in rows {
            b.push_names(path, *c, *v, *u).unwrap();
        }
        b.finish()
    }

    #[test]
    fn order_two_windows_follow_channelattribution() {
        let j = journeys(&[(&["a", "b", "c"], 1.0, 0.0, 0.0), (&["a"], 0.0, 0.0, 1.0)]);
        let chain = Chain::count(j.view(), 2);
        // States: (a,b), (b,c), and the short journey's (a).
        assert_eq!(chain.states(), 3);
        let members: Vec<Vec<u16>> = (1..=3).map(|s| chain.members(s)).collect();
        assert_eq!(members, vec![vec![0, 1], vec![1, 2], vec![0]]);
    }

    #[test]
    fn repeated_states_merge_without_changing_the_result() {
        let a = journeys(&[
            (&["a", "a", "b"], 1.0, 2.0, 0.0),
            (&["b", "b"], 0.0, 0.0, 1.0),
        ]);
        let b = journeys(&[(&["a", "b"], 1.0, 2.0, 0.0), (&["b"], 0.0, 0.0, 1.0)]);
        assert_eq!(markov(a.view(), 1), markov(b.view(), 1));
    }

    #[test]
    fn dense_and_iterative_solvers_agree_to_machine_precision() {
        // Enough states for the iterative path at order 3.
        let names: Vec<String> = (0..8).map(|i| format!("c{i}")).collect();
        let mut b = JourneyBuilder::new(false);
        let mut seed = 1u64;
        for _ in 0..3000 {
            let mut path = Vec::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (seed >> 60) as usize % 6;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                path.push(names[(seed >> 61) as usize].as_str());
            }
            let converts = (seed >> 40).is_multiple_of(3);
            b.push_names(
                &path,
                f64::from(u8::from(converts)),
                if converts { 10.0 } else { 0.0 },
                f64::from(u8::from(!converts)),
            )
            .unwrap();
        }
        let j = b.finish();
        let chain = Chain::count(j.view(), 3);
        assert!(chain.states() > DENSE_MAX);
        let system = chain.system();
        let active = vec![true; system.len()];
        let dense = system.solve_dense(&active);
        let iterative = system.solve_iterative(&active);
        assert!(
            (dense.0 - iterative.0).abs() <= 1e-14 * dense.0,
            "{dense:?} {iterative:?}"
        );
        assert!(
            (dense.1 - iterative.1).abs() <= 1e-14 * dense.1,
            "{dense:?} {iterative:?}"
        );
    }
}
