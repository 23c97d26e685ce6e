//! `xhs-roi attribute`: multi-touch attribution of a touchpoint log or an
//! aggregated paths table, as CSV or JSON (layout in docs/attribution.md).

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use xhs_roi_engine::attribution::survey::{self, PlatformShares, SurveyCounts};
use xhs_roi_engine::attribution::{
    attribute, Attribution, JourneyStats, Journeys, Model, PositionWeights, Settings,
};
use xhs_roi_engine::scenario::{auto_bootstrap_replicates, Scenario};
use xhs_roi_engine::{import, ImportOptions, Kind};

use crate::scenario_arg::{import_options, ScenarioArgs};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["paths", "touchpoints"])))]
pub struct AttributeArgs {
    /// Aggregated paths in the ChannelAttribution layout: path (`a > b > c`),
    /// conversions, value, nulls.
    #[arg(long, value_name = "FILE")]
    pub paths: Option<PathBuf>,
    /// Touchpoint log: person, time, channel, event (conversion, purchase,
    /// order, 转化, 购买 end a journey), value.
    #[arg(long, value_name = "FILE")]
    pub touchpoints: Option<PathBuf>,
    /// `all`, or a comma-separated list of first_touch, last_touch, linear,
    /// position_based, time_decay, markov, shapley [default: all].
    #[arg(long)]
    pub models: Option<String>,
    /// Touches older than this before a conversion are dropped (touchpoints)
    /// [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub lookback_days: Option<f64>,
    /// Time decay half-life on touchpoint logs [default: 7].
    #[arg(long, value_name = "DAYS")]
    pub half_life_days: Option<f64>,
    /// Time decay half-life on paths (no times), in touches [default: 1].
    #[arg(long, value_name = "STEPS")]
    pub half_life_steps: Option<f64>,
    /// Position-based weights `first,middle,last` summing to 1, or a preset:
    /// u_shaped (0.4,0.2,0.4), j_shaped (0.2,0.2,0.6), inverse_j (0.6,0.2,0.2)
    /// [default: u_shaped].
    #[arg(long, value_name = "WEIGHTS")]
    pub position_weights: Option<String>,
    /// Markov chain order (1 to 3) [default: 1].
    #[arg(long, value_name = "K")]
    pub markov_order: Option<u8>,
    /// Bootstrap replicates for Markov and Shapley intervals (0: none)
    /// [default: 0, or the scenario's choice; a scenario set to automatic
    /// takes the app's rule: 200, or 30 above 200,000 journeys].
    #[arg(long, value_name = "N")]
    pub bootstrap: Option<u32>,
    /// Bootstrap seed: the same seed gives the same intervals [default:
    /// 20260101].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Add the Markov removal effects to the CSV (rows of model
    /// `markov_removal_effect`).
    #[arg(long)]
    pub removal_effects: bool,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Survey answers ("how did you hear about us?"): the JSON output gains
    /// `surveys`, each platform's self-reported share beside every model's.
    #[arg(long, value_name = "FILE")]
    pub surveys: Option<PathBuf>,
    /// Channel rules as JSON (`{"rules": [...], "unmatched": "other",
    /// "no_source": "direct"}`, see docs/attribution.md): how touches without
    /// a channel get one from their UTM tags, referrer, codes or landing page.
    #[arg(long, value_name = "FILE")]
    pub channel_rules: Option<PathBuf>,
    /// Settings from a scenarios file (docs/scenarios.md); the flags above
    /// win over the scenario's.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print how long reading, building journeys and the models took, on
    /// stderr (for benchmarks).
    #[arg(long)]
    pub timings: bool,
}

/// The JSON output: the input's facts, then the attribution.
#[derive(Serialize)]
struct JsonOutput<'a> {
    file: String,
    kind: &'static str,
    rows_read: usize,
    rows_rejected: usize,
    problems: usize,
    journey_stats: &'a JourneyStats,
    #[serde(flatten)]
    attribution: &'a Attribution,
    #[serde(skip_serializing_if = "Option::is_none")]
    surveys: Option<SurveyOutput>,
}

#[derive(Serialize)]
struct SurveyOutput {
    answers: u64,
    unrecognised: Vec<(String, u64)>,
    platforms: Vec<PlatformShares>,
}

/// Runs `xhs-roi attribute`; the error is one line for stderr.
pub fn run(args: &AttributeArgs) -> Result<(), String> {
    let scenario = args.scenario.load()?;
    let (mut settings, auto_bootstrap) = settings(args, scenario.as_ref())?;
    let mappings = scenario.map(|s| s.settings.mappings).unwrap_or_default();
    let (path, kind) = match (&args.paths, &args.touchpoints) {
        (Some(p), None) => (p, Kind::Paths),
        (None, Some(t)) => (t, Kind::Touchpoints),
        _ => return Err("give exactly one of --paths and --touchpoints".into()),
    };
    let name = path.display().to_string();
    let started = std::time::Instant::now();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let base = ImportOptions {
        kind: Some(kind),
        ..Default::default()
    };
    let options = import_options(&mappings, &name, &bytes, &base);
    let imported = import(&name, &bytes, &options).map_err(|e| e.to_string())?;
    if imported.problem_count > 0 {
        eprintln!(
            "xhs-roi: {name}: {} rows read, {} rejected, {} problems",
            imported.rows_read, imported.rows_rejected, imported.problem_count
        );
    }
    let read = started.elapsed();
    let journeys = match kind {
        Kind::Paths => Journeys::from_paths(&imported.table),
        _ => Journeys::from_touchpoints(&imported.table, &settings),
    }
    .map_err(|e| format!("{name}: {e}"))?;
    if journeys.is_empty() {
        return Err(format!("{name}: no journeys to attribute"));
    }
    let built = started.elapsed();
    if auto_bootstrap {
        settings.bootstrap.replicates = auto_bootstrap_replicates(journeys.len());
    }
    let result = attribute(&journeys, &settings).map_err(|e| e.to_string())?;
    if args.timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "xhs-roi: timings: read {:.1} ms, journeys {:.1} ms, models {:.1} ms ({} journeys, {} touches)",
            ms(read),
            ms(built - read),
            ms(started.elapsed() - built),
            result.journeys,
            result.touches
        );
    }
    if args.surveys.is_some() && args.format != Format::Json {
        return Err("--surveys needs --format json".into());
    }
    let surveys = match &args.surveys {
        Some(path) => {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
            let base = ImportOptions {
                kind: Some(Kind::Surveys),
                ..Default::default()
            };
            let options = import_options(&mappings, &name, &bytes, &base);
            let table = import(&name, &bytes, &options)
                .map_err(|e| e.to_string())?
                .table;
            let counts = SurveyCounts::from_table(&table)
                .ok_or_else(|| format!("{name}: the answer column is missing"))?;
            Some(SurveyOutput {
                answers: counts.total(),
                platforms: survey::compare(&counts, &result),
                unrecognised: counts.unrecognised,
            })
        }
        None => None,
    };
    let text = match args.format {
        Format::Csv => result.to_csv(args.removal_effects),
        Format::Json => {
            let out = JsonOutput {
                file: name,
                kind: kind.name(),
                rows_read: imported.rows_read,
                rows_rejected: imported.rows_rejected,
                problems: imported.problem_count,
                journey_stats: &journeys.stats,
                attribution: &result,
                surveys,
            };
            let mut json = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
            json.push('\n');
            json
        }
    };
    write_stdout(&text)
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // `| head` closing the pipe is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("writing output: {e}")),
    }
}

/// The engine settings the arguments ask for: the scenario's (or the
/// defaults), with every flag given on the command line over them. The flag
/// is true when the number of bootstrap resamples is to follow the input's
/// size (a scenario set to automatic, and no `--bootstrap`).
pub fn settings(
    args: &AttributeArgs,
    scenario: Option<&Scenario>,
) -> Result<(Settings, bool), String> {
    let (mut s, mut auto_bootstrap) = match scenario {
        Some(scenario) => (
            scenario.settings.attribution.clone(),
            scenario.settings.bootstrap_auto,
        ),
        None => (Settings::default(), false),
    };
    if let Some(models) = &args.models {
        s.models = parse_models(models)?;
    }
    if let Some(weights) = &args.position_weights {
        s.position_weights = parse_position_weights(weights)?;
    }
    s.lookback_days = args.lookback_days.unwrap_or(s.lookback_days);
    s.half_life_days = args.half_life_days.unwrap_or(s.half_life_days);
    s.half_life_steps = args.half_life_steps.unwrap_or(s.half_life_steps);
    s.markov_order = args.markov_order.unwrap_or(s.markov_order);
    if let Some(replicates) = args.bootstrap {
        s.bootstrap.replicates = replicates;
        auto_bootstrap = false;
    }
    s.bootstrap.seed = args.seed.unwrap_or(s.bootstrap.seed);
    if let Some(path) = &args.channel_rules {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        s.channel_rules = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    }
    s.validate().map_err(|e| e.to_string())?;
    Ok((s, auto_bootstrap))
}

/// `all` or a comma-separated list of model names, duplicates dropped.
pub fn parse_models(list: &str) -> Result<Vec<Model>, String> {
    if list.trim() == "all" {
        return Ok(Model::ALL.to_vec());
    }
    let mut models = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let model = Model::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
            format!("unknown model {name:?}; known: all, {}", known.join(", "))
        })?;
        if !models.contains(&model) {
            models.push(model);
        }
    }
    if models.is_empty() {
        return Err("--models names no model".into());
    }
    Ok(models)
}

/// `first,middle,last` or a preset name.
pub fn parse_position_weights(text: &str) -> Result<PositionWeights, String> {
    if let Some(preset) = PositionWeights::preset(text.trim()) {
        return Ok(preset);
    }
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            format!("--position-weights: expected first,middle,last or a preset, got {text:?}")
        })?;
    let [first, middle, last] = parts[..] else {
        return Err(format!(
            "--position-weights: expected three numbers, got {text:?}"
        ));
    };
    let weights = PositionWeights {
        first,
        middle,
        last,
    };
    weights.validate().map_err(|e| e.to_string())?;
    Ok(weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_lists_parse_with_all_and_duplicates() {
        assert_eq!(parse_models("all").unwrap(), Model::ALL.to_vec());
        assert_eq!(
            parse_models("markov, shapley,markov").unwrap(),
            vec![Model::Markov, Model::Shapley]
        );
        assert!(parse_models("markov,nope")
            .unwrap_err()
            .contains("unknown model"));
    }

    #[test]
    fn position_weights_parse_numbers_and_presets_and_refuse_bad_sums() {
        assert_eq!(
            parse_position_weights("0.3, 0.4, 0.3").unwrap(),
            PositionWeights {
                first: 0.3,
                middle: 0.4,
                last: 0.3
            }
        );
        assert_eq!(
            parse_position_weights("j_shaped").unwrap(),
            PositionWeights::J_SHAPED
        );
        assert!(parse_position_weights("0.5,0.5,0.5")
            .unwrap_err()
            .contains("sum to 1"));
        assert!(parse_position_weights("0.5,0.5").is_err());
    }
}
