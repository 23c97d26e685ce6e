//! Multi-touch attribution: who gets the credit for a conversion.
//!
//! The pipeline is `Table -> Journeys -> Attribution`:
//!
//! - [`journeys`] turns a touchpoint log (one row per touch, grouped by person,
//!   split at conversions, cut to the lookback window) or an aggregated paths
//!   table (`a > b > c`, conversions, value, nulls) into compact [`Journeys`]:
//!   one flat `Vec<u16>` of channel ids with offsets and per-journey weights.
//! - [`attribute`] runs the chosen [`Model`]s over them. The rule-based models
//!   and Shapley share one fused pass ([`rules`]); [`markov`] builds the
//!   transition counts in one pass and solves the absorbing chain exactly;
//!   [`bootstrap`] resamples journeys for intervals on Markov and Shapley.
//! - [`cache`] keeps the journeys of a table between runs: only the
//!   lookback, the conversion events and the channel rules change them.
//! - [`channels`] maps raw sources (UTM tags, referrers, promo and QR codes,
//!   landing pages) to channel names by ordered, editable rules.
//!
//! Every model's credits sum to the total conversions and the total value, up
//! to float rounding. `docs/attribution.md` gives each definition with its
//! formula.

pub mod bootstrap;
pub mod cache;
pub mod channels;
mod hash;
pub mod journeys;
pub mod markov;
pub mod paths;
pub mod rng;
pub mod rules;
pub mod shapley;
pub mod survey;

use serde::{Deserialize, Serialize};

pub use journeys::{JourneyBuilder, JourneyStats, Journeys};

/// An attribution model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    FirstTouch,
    LastTouch,
    Linear,
    PositionBased,
    TimeDecay,
    Markov,
    Shapley,
}

impl Model {
    pub const ALL: [Model; 7] = [
        Model::FirstTouch,
        Model::LastTouch,
        Model::Linear,
        Model::PositionBased,
        Model::TimeDecay,
        Model::Markov,
        Model::Shapley,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Model::FirstTouch => "first_touch",
            Model::LastTouch => "last_touch",
            Model::Linear => "linear",
            Model::PositionBased => "position_based",
            Model::TimeDecay => "time_decay",
            Model::Markov => "markov",
            Model::Shapley => "shapley",
        }
    }

    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Position-based weights: share of the first touch, of all middle touches
/// together, and of the last touch. They sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PositionWeights {
    pub first: f64,
    pub middle: f64,
    pub last: f64,
}

impl PositionWeights {
    /// U-shaped 40/20/40, the default.
    pub const U_SHAPED: PositionWeights = PositionWeights {
        first: 0.4,
        middle: 0.2,
        last: 0.4,
    };
    /// J-shaped: 20% first, 60% last, 20% to the middle.
    pub const J_SHAPED: PositionWeights = PositionWeights {
        first: 0.2,
        middle: 0.2,
        last: 0.6,
    };
    /// Inverse J: 60% first, 20% last, 20% to the middle.
    pub const INVERSE_J: PositionWeights = PositionWeights {
        first: 0.6,
        middle: 0.2,
        last: 0.2,
    };

    /// A named preset: `u_shaped`, `j_shaped`, `inverse_j`.
    pub fn preset(name: &str) -> Option<PositionWeights> {
        match name {
            "u_shaped" | "u" => Some(Self::U_SHAPED),
            "j_shaped" | "j" => Some(Self::J_SHAPED),
            "inverse_j" | "inverse_j_shaped" => Some(Self::INVERSE_J),
            _ => None,
        }
    }

    pub fn validate(&self) -> Result<(), AttributionError> {
        let parts = [self.first, self.middle, self.last];
        if parts.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err(AttributionError::Setting(format!(
                "position weights must be non-negative numbers, got {}/{}/{}",
                self.first, self.middle, self.last
            )));
        }
        let sum: f64 = parts.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(AttributionError::Setting(format!(
                "position weights must sum to 1, got {sum}"
            )));
        }
        Ok(())
    }
}

impl Default for PositionWeights {
    fn default() -> Self {
        Self::U_SHAPED
    }
}

/// Bootstrap intervals for Markov and Shapley credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BootstrapSettings {
    /// Number of resamples; 0 turns the bootstrap off.
    pub replicates: u32,
    pub seed: u64,
}

impl Default for BootstrapSettings {
    fn default() -> Self {
        BootstrapSettings {
            replicates: 0,
            seed: 20_260_101,
        }
    }
}

/// Everything a user can set; older saved settings load with defaults for
/// what they lack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Models to run, reported in this order.
    pub models: Vec<Model>,
    /// Touches older than this before a conversion are dropped.
    pub lookback_days: f64,
    /// Time decay half-life on timed journeys (touchpoint logs).
    pub half_life_days: f64,
    /// Time decay half-life on aggregated paths without times, in touches.
    pub half_life_steps: f64,
    pub position_weights: PositionWeights,
    /// Markov chain order: 1 to 3.
    pub markov_order: u8,
    pub bootstrap: BootstrapSettings,
    /// Event names that mark a conversion, compared case-insensitively.
    pub conversion_events: Vec<String>,
    /// The conversion row's own channel counts as the journey's last touch
    /// (an order placed on Tmall is a Tmall touch). When false it is used only
    /// for a conversion with no other touch in the window.
    pub conversion_row_is_touch: bool,
    /// How touches without a channel, but with UTM tags, a referrer, a
    /// promo or QR code or a landing page, get their channel.
    pub channel_rules: channels::ChannelRules,
}

pub const DEFAULT_CONVERSION_EVENTS: [&str; 5] =
    ["conversion", "purchase", "order", "转化", "购买"];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            models: Model::ALL.to_vec(),
            lookback_days: 30.0,
            half_life_days: 7.0,
            half_life_steps: 1.0,
            position_weights: PositionWeights::default(),
            markov_order: 1,
            bootstrap: BootstrapSettings::default(),
            conversion_events: DEFAULT_CONVERSION_EVENTS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            conversion_row_is_touch: true,
            channel_rules: channels::ChannelRules::default(),
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<(), AttributionError> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(AttributionError::Setting(format!(
                    "{name} must be a positive number, got {v}"
                )))
            }
        };
        positive("lookback_days", self.lookback_days)?;
        positive("half_life_days", self.half_life_days)?;
        positive("half_life_steps", self.half_life_steps)?;
        self.position_weights.validate()?;
        if !(1..=3).contains(&self.markov_order) {
            return Err(AttributionError::Setting(format!(
                "markov_order must be 1, 2 or 3, got {}",
                self.markov_order
            )));
        }
        Ok(())
    }
}

/// Why attribution could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttributionError {
    #[error("attribution needs a {expected} table, got {found}")]
    WrongKind {
        expected: &'static str,
        found: &'static str,
    },
    #[error("the {0} column is missing")]
    MissingField(&'static str),
    #[error("too many channels: {0} (at most 65,536)")]
    TooManyChannels(usize),
    #[error("invalid setting: {0}")]
    Setting(String),
}

/// Credit of one channel under one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelCredit {
    pub channel: String,
    pub conversions: f64,
    pub value: f64,
}

/// Markov removal effects of one channel: the share of conversions (of
/// expected conversion value) lost when the channel is removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovalEffect {
    pub channel: String,
    pub conversions: f64,
    pub value: f64,
}

/// A bootstrap summary of one number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub mean: f64,
    /// 2.5% percentile.
    pub low: f64,
    /// 97.5% percentile.
    pub high: f64,
}

/// Bootstrap intervals of one channel's credit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreditInterval {
    pub channel: String,
    pub conversions: Interval,
    pub value: Interval,
}

/// Facts about the Markov chain behind a Markov result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkovInfo {
    pub order: u8,
    /// Transient states besides the start.
    pub states: usize,
    /// Probability that a journey from the start converts.
    pub conversion_probability: f64,
    /// Expected conversion value of a journey from the start.
    pub expected_value: f64,
}

/// One model's credits, one entry per channel in channel order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelResult {
    pub model: Model,
    pub credits: Vec<ChannelCredit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal_effects: Option<Vec<RemovalEffect>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markov: Option<MarkovInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Vec<CreditInterval>>,
}

impl ModelResult {
    pub fn credit(&self, channel: &str) -> Option<&ChannelCredit> {
        self.credits.iter().find(|c| c.channel == channel)
    }
}

/// The result of [`attribute`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    /// Channel names, sorted; every credit list follows this order.
    pub channels: Vec<String>,
    /// Journey records (touchpoint journeys or path rows).
    pub journeys: usize,
    pub touches: usize,
    pub total_conversions: f64,
    pub total_value: f64,
    /// Journeys (path counts) that ended without a conversion.
    pub total_nulls: f64,
    pub models: Vec<ModelResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapSettings>,
}

impl Attribution {
    pub fn model(&self, model: Model) -> Option<&ModelResult> {
        self.models.iter().find(|m| m.model == model)
    }
}

/// What [`attribute_observed`] is doing, for a progress bar on big inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// First/last touch, linear, position-based, time decay and Shapley.
    RuleModels,
    Markov,
    /// `done` of `of` bootstrap resamples finished.
    Bootstrap {
        done: u32,
        of: u32,
    },
}

/// Runs the models of `settings` over `journeys`.
pub fn attribute(
    journeys: &Journeys,
    settings: &Settings,
) -> Result<Attribution, AttributionError> {
    attribute_observed(journeys, settings, &mut |_| {})
}

/// [`attribute`], telling `progress` as each stage starts and after each
/// bootstrap resample.
pub fn attribute_observed(
    journeys: &Journeys,
    settings: &Settings,
    progress: &mut dyn FnMut(Stage),
) -> Result<Attribution, AttributionError> {
    settings.validate()?;
    let names = journeys.channels();
    let credits = |conversions: &[f64], value: &[f64]| -> Vec<ChannelCredit> {
        names
            .iter()
            .zip(conversions.iter().zip(value))
            .map(|(name, (&c, &v))| ChannelCredit {
                channel: name.clone(),
                conversions: c,
                value: v,
            })
            .collect()
    };

    let rule_models: Vec<Model> = settings
        .models
        .iter()
        .copied()
        .filter(|m| *m != Model::Markov)
        .collect();
    progress(Stage::RuleModels);
    let rule_results = if rule_models.is_empty() {
        Vec::new()
    } else {
        rules::run(journeys.view(), journeys.all_ages(), &rule_models, settings)
    };
    let markov_result = settings.models.contains(&Model::Markov).then(|| {
        progress(Stage::Markov);
        markov::markov(journeys.view(), settings.markov_order)
    });
    let of = settings.bootstrap.replicates;
    let intervals = (of > 0
        && settings
            .models
            .iter()
            .any(|m| matches!(m, Model::Markov | Model::Shapley)))
    .then(|| {
        progress(Stage::Bootstrap { done: 0, of });
        bootstrap::bootstrap_observed(journeys, settings, &mut |done| {
            progress(Stage::Bootstrap { done, of })
        })
    });

    let interval_list = |model: Model| -> Option<Vec<CreditInterval>> {
        let b = intervals.as_ref()?;
        let (conv, value) = match model {
            Model::Markov => (b.markov_conversions.as_ref()?, b.markov_value.as_ref()?),
            Model::Shapley => (b.shapley_conversions.as_ref()?, b.shapley_value.as_ref()?),
            _ => return None,
        };
        Some(
            names
                .iter()
                .zip(conv.iter().zip(value))
                .map(|(name, (&c, &v))| CreditInterval {
                    channel: name.clone(),
                    conversions: c,
                    value: v,
                })
                .collect(),
        )
    };

    let mut models = Vec::with_capacity(settings.models.len());
    for &model in &settings.models {
        let result = if model == Model::Markov {
            let m = markov_result.as_ref().expect("computed above");
            ModelResult {
                model,
                credits: credits(&m.conversions, &m.value),
                removal_effects: Some(
                    names
                        .iter()
                        .zip(m.removal_conversions.iter().zip(&m.removal_value))
                        .map(|(name, (&c, &v))| RemovalEffect {
                            channel: name.clone(),
                            conversions: c,
                            value: v,
                        })
                        .collect(),
                ),
                markov: Some(MarkovInfo {
                    order: settings.markov_order,
                    states: m.states,
                    conversion_probability: m.conversion_probability,
                    expected_value: m.expected_value,
                }),
                intervals: interval_list(model),
            }
        } else {
            let r = rule_results
                .iter()
                .find(|r| r.model == model)
                .expect("every rule model computed");
            ModelResult {
                model,
                credits: credits(&r.conversions, &r.value),
                removal_effects: None,
                markov: None,
                intervals: interval_list(model),
            }
        };
        models.push(result);
    }

    let view = journeys.view();
    Ok(Attribution {
        channels: names.to_vec(),
        journeys: journeys.len(),
        touches: view.touches.len(),
        total_conversions: view.conversions.iter().sum(),
        total_value: view.value.iter().sum(),
        total_nulls: view.nulls.iter().sum(),
        models,
        bootstrap: (settings.bootstrap.replicates > 0).then_some(settings.bootstrap),
    })
}

/// Model name of the Markov removal-effect rows in [`Attribution::to_csv`].
pub const REMOVAL_EFFECT_ROWS: &str = "markov_removal_effect";

impl Attribution {
    /// CSV with header `model,channel,conversions,value`, one row per model
    /// and channel, sorted by model name then channel, numbers in Rust's
    /// shortest round-trip form. `removal_effects` adds the Markov removal
    /// effects as rows of model `markov_removal_effect` (conversion effect in
    /// `conversions`, value effect in `value`). When bootstrap intervals were
    /// computed, six columns follow: `conversions_mean,conversions_low,
    /// conversions_high,value_mean,value_low,value_high` (2.5% and 97.5%
    /// percentiles), filled on the Markov and Shapley rows, empty elsewhere.
    pub fn to_csv(&self, removal_effects: bool) -> String {
        use std::fmt::Write;
        let with_intervals = self.models.iter().any(|m| m.intervals.is_some());
        let mut rows: Vec<(String, &str, f64, f64, Option<&CreditInterval>)> = Vec::new();
        for m in &self.models {
            for (i, c) in m.credits.iter().enumerate() {
                let interval = m.intervals.as_ref().map(|list| &list[i]);
                rows.push((
                    m.model.name().to_string(),
                    &c.channel,
                    c.conversions,
                    c.value,
                    interval,
                ));
            }
            if removal_effects {
                for r in m.removal_effects.iter().flatten() {
                    rows.push((
                        REMOVAL_EFFECT_ROWS.to_string(),
                        &r.channel,
                        r.conversions,
                        r.value,
                        None,
                    ));
                }
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut out = String::from("model,channel,conversions,value");
        if with_intervals {
            out.push_str(",conversions_mean,conversions_low,conversions_high,value_mean,value_low,value_high");
        }
        out.push('\n');
        for (model, channel, c, v, interval) in rows {
            let _ = write!(out, "{model},{},{c},{v}", csv_field(channel));
            if with_intervals {
                match interval {
                    Some(i) => {
                        let (a, b) = (i.conversions, i.value);
                        let _ = write!(
                            out,
                            ",{},{},{},{},{},{}",
                            a.mean, a.low, a.high, b.mean, b.low, b.high
                        );
                    }
                    None => out.push_str(",,,,,,"),
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Quotes a CSV field when it needs it.
/// A channel name as a CSV cell: quoted when needed, and defused when it
/// starts like a formula (a spreadsheet never runs what a file contains).
fn csv_field(text: &str) -> String {
    crate::csv_out::text_cell(text)
}
