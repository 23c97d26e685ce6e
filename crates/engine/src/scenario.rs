//! Scenarios: a name plus every setting that changes a number, with no raw
//! data. The app keeps them in localStorage (one entry per scenario) and
//! exports them as files; the CLI applies a file's settings with
//! `--scenario`. This module is the one format behind all three.
//!
//! Every stored object carries a schema version. Text of an older version is
//! migrated on load, one step at a time (`MIGRATIONS`), on the JSON value,
//! before it is read into the current types; nothing is returned until the
//! whole text is valid, and a field of the wrong type is reported with its
//! path (`scenarios[1].settings.attribution.markov_order: invalid type:
//! string "2", expected u8`). Unknown fields are ignored and missing ones take
//! their defaults, so a partial object loads. docs/scenarios.md describes
//! the format and each version.
//!
//! Adding version N+1: bump [`SCHEMA_VERSION`], write `vN_to_vN1` (a function
//! of one scenario's JSON object) and append it to `MIGRATIONS` (the array's
//! length is tied to the version, so forgetting it does not compile), add a
//! fixture `tests/fixtures/scenarios/vN1-*.json` and list the old fixtures'
//! expected migrated values in the tests.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attribution;
use crate::csv::Encoding;
use crate::import::ImportOptions;
use crate::report::ReportSettings;
use crate::roi::{RoiSettings, SettingsError};
use crate::schema::Kind;
use crate::value::DayOrder;

/// The version this build writes. It reads every version from 1 up to it.
pub const SCHEMA_VERSION: u32 = 3;

/// The `format` tag of a scenarios file.
pub const FILE_FORMAT: &str = "xhs-roi-scenarios";

/// Longest scenario id; ids become part of storage keys.
pub const MAX_ID_LEN: usize = 64;

/// Longest scenario name, in characters.
pub const MAX_NAME_LEN: usize = 200;

/// A named set of settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Stable identifier: 1 to 64 ASCII letters, digits, `-` or `_`.
    pub id: String,
    pub name: String,
    /// Milliseconds since the Unix epoch (JavaScript's `Date.now()`).
    #[serde(default)]
    pub created_ms: f64,
    /// When the settings or the name last changed; the later save wins.
    #[serde(default)]
    pub updated_ms: f64,
    #[serde(default)]
    pub settings: ScenarioSettings,
}

/// Every setting the app has that changes a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScenarioSettings {
    /// Everything that changes the ROI figures: objective, period and
    /// baseline, filters, margin and COGS rule, EMV benchmarks, CLV, blend
    /// weights, currency, cost multipliers, hand-entered costs, the rules
    /// that credit an order to Xiaohongshu and tie it to a note, creator or
    /// campaign, tier thresholds (docs/roi.md, "Settings").
    pub roi: RoiSettings,
    /// Models, lookback, half-lives, position weights, Markov order,
    /// bootstrap, conversion events, channel rules.
    pub attribution: attribution::Settings,
    /// The number of bootstrap resamples follows the input's size
    /// ([`auto_bootstrap_replicates`]); off, `attribution.bootstrap.replicates`
    /// is used as it is.
    pub bootstrap_auto: bool,
    /// Column mappings the user confirmed, by header signature.
    pub mappings: Vec<SavedMapping>,
}

impl Default for ScenarioSettings {
    fn default() -> Self {
        ScenarioSettings {
            roi: RoiSettings::default(),
            attribution: attribution::Settings::default(),
            bootstrap_auto: true,
            mappings: Vec::new(),
        }
    }
}

/// The app's automatic number of bootstrap resamples: 200, or 30 above
/// 200,000 journeys (the worker and the CLI share it).
pub fn auto_bootstrap_replicates(journeys: usize) -> u32 {
    if journeys <= 200_000 {
        200
    } else {
        30
    }
}

/// Day/month order of a mapping's date columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedDayOrder {
    DayFirst,
    MonthFirst,
}

/// A confirmed column mapping: the [`ImportOptions`] chosen for files whose
/// headers have this signature ([`crate::import::Plan::header_signature`]).
/// Every `None` is detected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedMapping {
    pub signature: String,
    pub kind: Option<Kind>,
    /// An encoding name: `UTF-8`, `UTF-8 with BOM`, `UTF-16LE`, `UTF-16BE`,
    /// `GB18030`.
    pub encoding: Option<String>,
    /// One ASCII character.
    pub delimiter: Option<char>,
    /// 1-based line of the header row.
    pub header_line: Option<u64>,
    /// The canonical field of each column, by position (`null`: unused).
    pub fields: Option<Vec<Option<String>>>,
    pub day_order: Option<SavedDayOrder>,
    /// Worksheet of an Excel workbook, 0 = the first.
    pub sheet: Option<usize>,
}

impl SavedMapping {
    pub fn from_options(signature: &str, options: &ImportOptions) -> SavedMapping {
        SavedMapping {
            signature: signature.to_string(),
            kind: options.kind,
            encoding: options.encoding.map(|e| e.name().to_string()),
            delimiter: options.delimiter.map(char::from),
            header_line: options.header_line,
            fields: options.fields.clone(),
            day_order: options.day_order.map(|o| match o {
                DayOrder::DayFirst => SavedDayOrder::DayFirst,
                DayOrder::MonthFirst => SavedDayOrder::MonthFirst,
            }),
            sheet: options.sheet,
        }
    }

    /// The import options. A validated mapping converts exactly; an
    /// unknown encoding or a non-ASCII delimiter is left to detection.
    pub fn to_options(&self) -> ImportOptions {
        ImportOptions {
            kind: self.kind,
            encoding: self.encoding.as_deref().and_then(Encoding::from_name),
            delimiter: self.delimiter.filter(char::is_ascii).map(|c| c as u8),
            header_line: self.header_line,
            fields: self.fields.clone(),
            day_order: self.day_order.map(|o| match o {
                SavedDayOrder::DayFirst => DayOrder::DayFirst,
                SavedDayOrder::MonthFirst => DayOrder::MonthFirst,
            }),
            sheet: self.sheet,
        }
    }

    fn validate(&self) -> Result<(), FieldError> {
        if self.signature.is_empty() {
            return Err(FieldError::new("signature", "must not be empty"));
        }
        if let Some(name) = &self.encoding {
            if Encoding::from_name(name).is_none() {
                let known: Vec<&str> = Encoding::ALL.iter().map(|e| e.name()).collect();
                return Err(FieldError::new(
                    "encoding",
                    format!("unknown encoding {name:?}; known: {}", known.join(", ")),
                ));
            }
        }
        if let Some(c) = self.delimiter {
            if !c.is_ascii() {
                return Err(FieldError::new(
                    "delimiter",
                    format!("must be one ASCII character, got {c:?}"),
                ));
            }
        }
        if self.header_line == Some(0) {
            return Err(FieldError::new("header_line", "lines count from 1, got 0"));
        }
        Ok(())
    }
}

impl ScenarioSettings {
    /// The checks the types cannot make: the ROI settings are in range
    /// ([`RoiSettings::validate`], reported at the field's path), the
    /// attribution settings are usable, mappings name real encodings.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.roi
            .validate()
            .map_err(|e| FieldError::new(roi_error_path(&e), e.to_string()).under("roi"))?;
        self.attribution
            .validate()
            .map_err(|e| FieldError::new("attribution", e.to_string()))?;
        for (i, mapping) in self.mappings.iter().enumerate() {
            mapping
                .validate()
                .map_err(|e| e.under(&format!("mappings[{i}]")))?;
        }
        Ok(())
    }
}

/// Where in [`RoiSettings`] a setting out of range is (relative to `roi`).
fn roi_error_path(error: &SettingsError) -> &'static str {
    match error {
        SettingsError::Margin(_) => "margin.rate",
        SettingsError::Backwards("the baseline") => "baseline",
        SettingsError::Backwards(_) => "range",
        SettingsError::Rate(_) => "currency.cny_per_unit",
        SettingsError::RateWithoutCurrency => "currency",
        SettingsError::Negative(name, _) => match *name {
            "image CPM benchmark" => "emv.image.cpm",
            "image CPE benchmark" => "emv.image.cpe",
            "video CPM benchmark" => "emv.video.cpm",
            "video CPE benchmark" => "emv.video.cpe",
            "purchases per year" => "clv.purchases_per_year",
            "years" => "clv.years",
            "discount rate" => "clv.discount",
            "brand value weight" => "weights.brand",
            "future value weight" => "weights.future",
            "a cost multiplier" => "cost_multipliers",
            _ => "",
        },
        SettingsError::Retention(_) => "clv.retention",
        SettingsError::Tiers => "tiers",
        // The message names the entry (counted from 1).
        SettingsError::CostEntry(..) => "manual_costs",
    }
}

/// Whether `id` can be a scenario id (and so part of a storage key).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Scenario {
    /// A new scenario created now.
    pub fn new(id: &str, name: &str, now_ms: f64, settings: ScenarioSettings) -> Scenario {
        Scenario {
            id: id.to_string(),
            name: name.to_string(),
            created_ms: now_ms,
            updated_ms: now_ms,
            settings,
        }
    }

    /// A copy under a new id and name, created now.
    pub fn duplicate(&self, new_id: &str, new_name: &str, now_ms: f64) -> Scenario {
        Scenario::new(new_id, new_name, now_ms, self.settings.clone())
    }

    /// Renames it; the change counts as an edit.
    pub fn rename(&mut self, name: &str, now_ms: f64) {
        self.name = name.to_string();
        self.updated_ms = now_ms;
    }

    /// Replaces the settings; the change counts as an edit.
    pub fn update(&mut self, settings: ScenarioSettings, now_ms: f64) {
        self.settings = settings;
        self.updated_ms = now_ms;
    }

    /// Everything [`parse_file`] and [`parse_entry`] check beyond the types.
    pub fn validate(&self) -> Result<(), FieldError> {
        if !valid_id(&self.id) {
            return Err(FieldError::new(
                "id",
                format!(
                    "must be 1 to {MAX_ID_LEN} ASCII letters, digits, - or _, got {:?}",
                    self.id
                ),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(FieldError::new("name", "must not be empty"));
        }
        if self.name.chars().count() > MAX_NAME_LEN {
            return Err(FieldError::new(
                "name",
                format!("must be at most {MAX_NAME_LEN} characters"),
            ));
        }
        for (path, ms) in [
            ("created_ms", self.created_ms),
            ("updated_ms", self.updated_ms),
        ] {
            if !(ms.is_finite() && ms >= 0.0) {
                return Err(FieldError::new(
                    path,
                    format!("must be a time in milliseconds, got {ms}"),
                ));
            }
        }
        self.settings.validate().map_err(|e| e.under("settings"))
    }
}

/// One problem in a scenario, at the JSON path of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `scenarios[1].settings.attribution.markov_order`; empty for the
    /// whole object.
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// The same error inside `prefix` (`scenarios[1]`, `settings`).
    pub fn under(mut self, prefix: &str) -> FieldError {
        self.path = match (prefix.is_empty(), self.path.is_empty()) {
            (true, _) => self.path,
            (false, true) => prefix.to_string(),
            (false, false) if self.path.starts_with('[') => format!("{prefix}{}", self.path),
            (false, false) => format!("{prefix}.{}", self.path),
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why a file or a stored entry cannot be read. Nothing of it is applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The top level is not a scenarios file (wrong or missing `format`).
    #[error("not an xhs-roi scenarios file: {0}")]
    Format(String),
    #[error("schema_version: {0}")]
    Version(String),
    #[error("schema version {found} is newer than this xhs-roi reads (up to {known}); update xhs-roi to open it")]
    Newer { found: u64, known: u32 },
    /// One error per scenario that failed, each with its path.
    #[error("{}", join(.0))]
    Invalid(Vec<FieldError>),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A migration turns one scenario's JSON object of version N into version
/// N+1. It may check the fields it moves, reporting them at their old path.
type Migration = fn(&mut Map<String, Value>) -> Result<(), FieldError>;

/// `MIGRATIONS[n - 1]` migrates version n to n + 1.
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize - 1] = [v1_to_v2, v2_to_v3];

/// Version 1 (the first saved settings) kept the margin and the order
/// source rules at the top of `settings`, had the bootstrap as two flat
/// numbers in the attribution settings (`bootstrap_replicates`,
/// `bootstrap_seed`) and no automatic choice, and no channel rules or
/// column mappings. Version 2 groups the report settings under `report`,
/// nests the bootstrap, and adds `bootstrap_auto` (false here: a v1
/// scenario's number of resamples is kept, so its numbers do not change),
/// `channel_rules` and `mappings` (defaults).
fn v1_to_v2(scenario: &mut Map<String, Value>) -> Result<(), FieldError> {
    let Some(settings) = scenario.get_mut("settings").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let mut report = Map::new();
    if let Some(margin) = settings.remove("margin") {
        check::<f64>(&margin, "settings.margin")?;
        report.insert("margin".into(), margin);
    }
    if let Some(rules) = settings.remove("source_rules") {
        check::<crate::report::SourceRules>(&rules, "settings.source_rules")?;
        report.insert("source_rules".into(), rules);
    }
    settings.insert("report".into(), Value::Object(report));
    settings.insert("bootstrap_auto".into(), Value::Bool(false));
    if let Some(attribution) = settings
        .get_mut("attribution")
        .and_then(Value::as_object_mut)
    {
        let mut bootstrap = Map::new();
        for (old, new) in [
            ("bootstrap_replicates", "replicates"),
            ("bootstrap_seed", "seed"),
        ] {
            if let Some(value) = attribution.remove(old) {
                if new == "replicates" {
                    check::<u32>(&value, &format!("settings.attribution.{old}"))?;
                } else {
                    check::<u64>(&value, &format!("settings.attribution.{old}"))?;
                }
                bootstrap.insert(new.into(), value);
            }
        }
        attribution.insert("bootstrap".into(), Value::Object(bootstrap));
    }
    Ok(())
}

/// Version 2 kept the margin and the order source rules as `report`
/// (`{margin, source_rules}`), which the command line turned into ROI
/// settings with `RoiSettings::from(&ReportSettings)`: the margin rate for
/// every order (no COGS per order), everything else at its default.
/// Version 3 holds every ROI setting as `roi` ([`RoiSettings`]); the
/// migration moves the margin to `roi.margin.rate` and the rules to
/// `roi.source_rules`, and sets `roi.margin.use_order_cogs` to false, so a
/// v2 scenario gives the numbers it gave before. The margin is checked
/// where it was (`settings.report.margin`).
fn v2_to_v3(scenario: &mut Map<String, Value>) -> Result<(), FieldError> {
    let settings = scenario
        .entry("settings")
        .or_insert_with(|| Value::Object(Map::new()));
    // Not an object: reading the scenario reports it.
    let Some(settings) = settings.as_object_mut() else {
        return Ok(());
    };
    let mut roi = Map::new();
    let mut margin = Map::new();
    if let Some(report) = settings.remove("report") {
        check::<ReportSettings>(&report, "settings.report")?;
        if let Value::Object(mut report) = report {
            if let Some(rate) = report.remove("margin") {
                let r = rate.as_f64().unwrap_or(f64::NAN);
                if !(0.0..=1.0).contains(&r) {
                    return Err(FieldError::new(
                        "settings.report.margin",
                        format!("must be between 0 and 1, got {r}"),
                    ));
                }
                margin.insert("rate".into(), rate);
            }
            if let Some(rules) = report.remove("source_rules") {
                roi.insert("source_rules".into(), rules);
            }
        }
    }
    margin.insert("use_order_cogs".into(), Value::Bool(false));
    roi.insert("margin".into(), Value::Object(margin));
    settings.insert("roi".into(), Value::Object(roi));
    Ok(())
}

/// That `value` reads as a `T`, or the error at `path` inside it.
fn check<T: DeserializeOwned>(value: &Value, path: &str) -> Result<(), FieldError> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(drop)
        .map_err(|e| field_error(&e).under(path))
}

fn field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    FieldError::new(&path, e.inner().to_string())
}

/// One scenario's JSON value of `version`: migrated, read, validated.
fn load_scenario(mut value: Value, version: u32) -> Result<Scenario, FieldError> {
    if let Value::Object(object) = &mut value {
        for migration in &MIGRATIONS[version as usize - 1..] {
            migration(object)?;
        }
    }
    let scenario: Scenario =
        serde_path_to_error::deserialize(value).map_err(|e| field_error(&e))?;
    scenario.validate()?;
    Ok(scenario)
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The `schema_version` of a file or entry, known to this build.
fn version_of(root: &Map<String, Value>) -> Result<u32, ScenarioError> {
    let value = root
        .get("schema_version")
        .ok_or_else(|| ScenarioError::Version("missing".into()))?;
    let found = value.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
        ScenarioError::Version(format!(
            "expected a whole number from 1, got {}",
            describe(value)
        ))
    })?;
    if found > u64::from(SCHEMA_VERSION) {
        return Err(ScenarioError::Newer {
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(found as u32)
}

fn parse_object(text: &str) -> Result<Map<String, Value>, ScenarioError> {
    match serde_json::from_str(text).map_err(|e| ScenarioError::Json(e.to_string()))? {
        Value::Object(object) => Ok(object),
        other => Err(ScenarioError::Format(format!(
            "expected an object, got {}",
            describe(&other)
        ))),
    }
}

/// Reads a scenarios file of any known version. Nothing is returned unless
/// every scenario in it is valid; each invalid one is reported with its path.
/// Ids must be unique within the file.
pub fn parse_file(text: &str) -> Result<Vec<Scenario>, ScenarioError> {
    let mut root = parse_object(text)?;
    match root.get("format") {
        Some(Value::String(tag)) if tag == FILE_FORMAT => {}
        Some(other) => {
            return Err(ScenarioError::Format(format!(
                "format is {}, expected {FILE_FORMAT:?}",
                match other {
                    Value::String(s) => format!("{s:?}"),
                    other => describe(other),
                }
            )))
        }
        None => {
            return Err(ScenarioError::Format(format!(
                "no \"format\": {FILE_FORMAT:?}"
            )))
        }
    }
    let version = version_of(&root)?;
    let list = match root.remove("scenarios") {
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(ScenarioError::Invalid(vec![FieldError::new(
                "scenarios",
                format!("expected a list, got {}", describe(&other)),
            )]))
        }
        None => {
            return Err(ScenarioError::Invalid(vec![FieldError::new(
                "scenarios",
                "missing",
            )]))
        }
    };
    let mut scenarios = Vec::with_capacity(list.len());
    let mut ids: Vec<Option<String>> = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (i, value) in list.into_iter().enumerate() {
        let at = format!("scenarios[{i}]");
        // Ids are compared as written, so a duplicate of an invalid
        // scenario is reported too.
        let id = value.get("id").and_then(Value::as_str).map(str::to_string);
        match load_scenario(value, version) {
            Ok(scenario) => scenarios.push(scenario),
            Err(e) => errors.push(e.under(&at)),
        }
        if let Some(id) = &id {
            if let Some(first) = ids.iter().position(|seen| seen.as_ref() == Some(id)) {
                errors.push(FieldError::new(
                    &format!("{at}.id"),
                    format!("{id:?} is also the id of scenarios[{first}]"),
                ));
            }
        }
        ids.push(id);
    }
    if errors.is_empty() {
        Ok(scenarios)
    } else {
        Err(ScenarioError::Invalid(errors))
    }
}

#[derive(Serialize)]
struct FileRef<'a> {
    format: &'static str,
    schema_version: u32,
    scenarios: &'a [Scenario],
}

/// A scenarios file of the current version (pretty JSON, ending in a
/// newline).
pub fn to_file(scenarios: &[Scenario]) -> String {
    let mut text = serde_json::to_string_pretty(&FileRef {
        format: FILE_FORMAT,
        schema_version: SCHEMA_VERSION,
        scenarios,
    })
    .expect("scenarios serialise");
    text.push('\n');
    text
}

/// One stored scenario with its schema version, as written by [`to_entry`].
/// It serialises to exactly the text of [`to_entry`], for stores that take a
/// `Serialize` value.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EntryRef<'a> {
    pub schema_version: u32,
    pub scenario: &'a Scenario,
}

impl<'a> EntryRef<'a> {
    pub fn new(scenario: &'a Scenario) -> EntryRef<'a> {
        EntryRef {
            schema_version: SCHEMA_VERSION,
            scenario,
        }
    }
}

/// A stored entry of the current version (compact JSON).
pub fn to_entry(scenario: &Scenario) -> String {
    serde_json::to_string(&EntryRef::new(scenario)).expect("a scenario serialises")
}

/// A stored entry, read and migrated.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    pub scenario: Scenario,
    /// The version it was stored at; below [`SCHEMA_VERSION`] it was migrated
    /// and should be written back.
    pub version: u32,
}

impl ParsedEntry {
    pub fn migrated(&self) -> bool {
        self.version < SCHEMA_VERSION
    }
}

/// Reads one stored entry (`{"schema_version": N, "scenario": {...}}`) of
/// any known version.
pub fn parse_entry(text: &str) -> Result<ParsedEntry, ScenarioError> {
    let mut root = parse_object(text)?;
    let version = version_of(&root)?;
    let value = root
        .remove("scenario")
        .ok_or_else(|| ScenarioError::Invalid(vec![FieldError::new("scenario", "missing")]))?;
    let scenario = load_scenario(value, version)
        .map_err(|e| ScenarioError::Invalid(vec![e.under("scenario")]))?;
    Ok(ParsedEntry { scenario, version })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{Model, PositionWeights};
    use crate::roi::{CostEntry, DateRange, KolTier, Objective};
    use crate::time::Day;

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/scenarios")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn sample() -> Scenario {
        let mut settings = ScenarioSettings::default();
        settings.roi.margin.rate = 0.42;
        settings.roi.margin.use_order_cogs = false;
        settings.roi.source_rules.promo_prefixes = vec!["RED".into(), "小红书".into()];
        settings.roi.objective = Objective::BrandAwareness;
        settings.roi.range = DateRange::between(
            Day::from_ymd(2026, 3, 1).unwrap(),
            Day::from_ymd(2026, 3, 31).unwrap(),
        );
        settings.roi.baseline = Some(DateRange::between(
            Day::from_ymd(2026, 1, 1).unwrap(),
            Day::from_ymd(2026, 1, 31).unwrap(),
        ));
        settings.roi.filters.tiers = vec![KolTier::Mid, KolTier::Koc];
        settings.roi.filters.campaigns = vec!["618".into()];
        settings.roi.emv.video.cpm = 80.0;
        settings.roi.clv.retention = Some(0.4);
        settings.roi.weights.brand = 0.25;
        settings.roi.currency.code = "USD".into();
        settings.roi.currency.cny_per_unit = 7.2;
        settings.roi.cost_multipliers.kol = 1.2;
        settings.roi.manual_costs.push(CostEntry {
            date: Day::from_ymd(2026, 3, 1),
            end: Day::from_ymd(2026, 3, 31),
            account: Some("Luna".into()),
            ..CostEntry::new(crate::CostCategory::Kol, 500.0)
        });
        settings.attribution.models = vec![Model::Markov, Model::Shapley];
        settings.attribution.markov_order = 2;
        settings.attribution.position_weights = PositionWeights::J_SHAPED;
        settings.attribution.bootstrap.replicates = 50;
        settings.bootstrap_auto = false;
        settings.mappings.push(SavedMapping::from_options(
            "日期|花费|类别",
            &ImportOptions {
                kind: Some(Kind::Costs),
                encoding: Some(Encoding::Gb18030),
                delimiter: Some(b';'),
                header_line: Some(3),
                fields: Some(vec![Some("date".into()), Some("amount".into()), None]),
                day_order: Some(DayOrder::MonthFirst),
                sheet: None,
            },
        ));
        Scenario::new(
            "launch-2026",
            "Launch, 42% margin",
            1_767_225_600_000.0,
            settings,
        )
    }

    #[test]
    fn a_file_round_trips_every_setting() {
        let mut other = sample().duplicate("copy_1", "Launch (copy)", 1_767_225_700_000.0);
        other.settings.bootstrap_auto = true;
        let scenarios = vec![sample(), other];
        let text = to_file(&scenarios);
        assert!(text.contains("\"format\": \"xhs-roi-scenarios\""));
        assert!(text.contains("\"schema_version\": 3"));
        assert_eq!(parse_file(&text).unwrap(), scenarios);
    }

    #[test]
    fn an_entry_round_trips_at_the_current_version_without_migration() {
        let text = to_entry(&sample());
        assert_eq!(
            text,
            serde_json::to_string(&EntryRef::new(&sample())).unwrap()
        );
        let parsed = parse_entry(&text).unwrap();
        assert_eq!(parsed.scenario, sample());
        assert_eq!(parsed.version, SCHEMA_VERSION);
        assert!(!parsed.migrated());
    }

    #[test]
    fn a_mapping_converts_to_the_same_import_options() {
        let options = ImportOptions {
            kind: Some(Kind::Orders),
            encoding: Some(Encoding::Utf16Le),
            delimiter: Some(b'\t'),
            header_line: Some(2),
            fields: Some(vec![None, Some("revenue".into())]),
            day_order: Some(DayOrder::DayFirst),
            sheet: Some(1),
        };
        let saved = SavedMapping::from_options("a|b", &options);
        assert_eq!(saved.to_options(), options);
        assert_eq!(
            SavedMapping::from_options("a", &ImportOptions::default()).to_options(),
            ImportOptions::default()
        );
    }

    #[test]
    fn duplicate_and_rename_keep_settings_and_move_the_clock() {
        let original = sample();
        let copy = original.duplicate("b", "B", 5.0);
        assert_eq!(copy.settings, original.settings);
        assert_eq!((copy.created_ms, copy.updated_ms), (5.0, 5.0));
        let mut renamed = original.clone();
        renamed.rename("New", 9.0);
        assert_eq!(renamed.name, "New");
        assert_eq!(renamed.created_ms, original.created_ms);
        assert_eq!(renamed.updated_ms, 9.0);
    }

    #[test]
    fn a_partial_object_loads_with_defaults_and_unknown_fields_are_ignored() {
        let scenarios = parse_file(&fixture("v2-partial.json")).unwrap();
        assert_eq!(scenarios.len(), 1);
        let s = &scenarios[0];
        assert_eq!(s.settings.roi.margin.rate, 0.5);
        assert_eq!(
            s.settings.roi.source_rules,
            crate::report::SourceRules::default()
        );
        assert_eq!(s.settings.attribution.lookback_days, 14.0);
        assert_eq!(s.settings.attribution.models, Model::ALL.to_vec());
        assert!(s.settings.bootstrap_auto);
        assert_eq!(s.created_ms, 0.0);
    }

    #[test]
    fn the_v2_file_fixture_migrates_margin_and_rules_into_roi() {
        let scenarios = parse_file(&fixture("v2-file.json")).unwrap();
        assert_eq!(scenarios.len(), 2);
        let (a, b) = (&scenarios[0], &scenarios[1]);
        assert_eq!(a.id, "base");
        // What the command line used for a v2 scenario: the margin for
        // every order, every other ROI setting at its default.
        let v2_default = RoiSettings::from(&ReportSettings::default());
        assert_eq!(a.settings.roi, v2_default);
        assert!(!a.settings.roi.margin.use_order_cogs);
        assert_eq!(a.settings.attribution, attribution::Settings::default());
        assert!(a.settings.bootstrap_auto);
        assert_eq!(b.name, "高毛利 Markov 二阶");
        assert_eq!(b.settings.roi.margin.rate, 0.72);
        assert!(!b.settings.roi.margin.use_order_cogs);
        assert_eq!(
            b.settings.roi.source_rules.promo_prefixes,
            vec!["XHS", "RED"]
        );
        assert_eq!(
            b.settings.roi.source_rules.utm_sources,
            vec!["xiaohongshu", "xhs"]
        );
        assert_eq!(b.settings.roi.emv, crate::roi::EmvBenchmarks::default());
        assert_eq!(b.settings.attribution.markov_order, 2);
        assert_eq!(b.settings.attribution.bootstrap.replicates, 100);
        assert!(!b.settings.bootstrap_auto);
        assert_eq!(b.settings.attribution.channel_rules.unmatched, "其他");
        assert_eq!(b.settings.mappings[0].kind, Some(Kind::Costs));
        assert_eq!(
            b.settings.mappings[0].to_options().encoding,
            Some(Encoding::Gb18030)
        );
        // Written again, it is a v3 file that reads back the same.
        let text = to_file(&scenarios);
        assert!(!text.contains("\"report\""));
        assert_eq!(parse_file(&text).unwrap(), scenarios);
    }

    #[test]
    fn the_v2_entry_fixture_is_migrated() {
        let parsed = parse_entry(&fixture("v2-entry.json")).unwrap();
        assert_eq!(parsed.version, 2);
        assert!(parsed.migrated());
        assert_eq!(parsed.scenario.id, "q3-plan");
        assert_eq!(parsed.scenario.settings.roi.margin.rate, 0.55);
        assert!(!parsed.scenario.settings.roi.margin.use_order_cogs);
        let again = parse_entry(&to_entry(&parsed.scenario)).unwrap();
        assert!(!again.migrated());
        assert_eq!(again.scenario, parsed.scenario);
    }

    #[test]
    fn the_v3_file_fixture_loads_every_setting_without_migration() {
        let scenarios = parse_file(&fixture("v3-file.json")).unwrap();
        assert_eq!(scenarios.len(), 2);
        let (a, b) = (&scenarios[0], &scenarios[1]);
        assert_eq!(a.settings, ScenarioSettings::default());
        assert!(
            a.settings.roi.margin.use_order_cogs,
            "v3 defaults are the app's"
        );
        let roi = &b.settings.roi;
        assert_eq!(roi.objective, Objective::Community);
        assert_eq!(roi.range.from, Day::from_ymd(2026, 5, 1));
        assert_eq!(roi.range.to, Day::from_ymd(2026, 6, 30));
        assert_eq!(roi.baseline.unwrap().from, Day::from_ymd(2026, 3, 1));
        assert_eq!(roi.filters.campaigns, vec!["618-festival"]);
        assert_eq!(roi.filters.tiers, vec![KolTier::Mid, KolTier::Micro]);
        assert_eq!(roi.margin.rate, 0.72);
        assert!(!roi.margin.use_order_cogs);
        assert_eq!(roi.emv.video.cpe, 5.0);
        assert_eq!(roi.clv.retention, Some(0.35));
        assert_eq!(roi.weights.brand, 0.3);
        assert_eq!(roi.currency.code, "USD");
        assert_eq!(roi.currency.cny_per_unit, 7.2);
        assert_eq!(roi.cost_multipliers.kol, 1.2);
        assert_eq!(roi.manual_costs.len(), 1);
        assert_eq!(roi.manual_costs[0].amount, 3100.0);
        assert_eq!(roi.source_rules.promo_prefixes, vec!["XHS", "RED"]);
        assert_eq!(roi.order_links.links.len(), 1);
        assert_eq!(roi.tiers.own_accounts, vec!["官方旗舰店"]);
        assert_eq!(b.settings.attribution.markov_order, 2);
        assert!(!b.settings.bootstrap_auto);
        assert_eq!(b.settings.mappings.len(), 1);
        assert_eq!(parse_file(&to_file(&scenarios)).unwrap(), scenarios);
        let entry = parse_entry(&fixture("v3-entry.json")).unwrap();
        assert!(!entry.migrated());
        assert_eq!(entry.scenario.settings.roi.margin.rate, 0.35);
        assert_eq!(
            entry.scenario.settings.roi.objective,
            Objective::BrandAwareness
        );
    }

    #[test]
    fn a_v1_entry_migrates_margin_rules_and_bootstrap_to_the_current_version() {
        let parsed = parse_entry(&fixture("v1-entry.json")).unwrap();
        assert_eq!(parsed.version, 1);
        assert!(parsed.migrated());
        let s = parsed.scenario;
        assert_eq!(s.id, "spring");
        assert_eq!(s.name, "Spring launch");
        assert_eq!(s.settings.roi.margin.rate, 0.48);
        assert!(!s.settings.roi.margin.use_order_cogs);
        assert_eq!(s.settings.roi.source_rules.promo_prefixes, vec!["SPRING"]);
        assert_eq!(
            s.settings.roi.source_rules.utm_sources,
            crate::report::SourceRules::default().utm_sources
        );
        assert_eq!(s.settings.attribution.bootstrap.replicates, 100);
        assert_eq!(s.settings.attribution.bootstrap.seed, 7);
        assert!(
            !s.settings.bootstrap_auto,
            "v1 kept its number of resamples"
        );
        assert_eq!(s.settings.attribution.markov_order, 2);
        assert_eq!(s.settings.attribution.lookback_days, 21.0);
        assert_eq!(
            s.settings.attribution.channel_rules,
            attribution::channels::ChannelRules::default()
        );
        assert!(s.settings.mappings.is_empty());
        // Written back, it is a current entry that reads the same.
        let again = parse_entry(&to_entry(&s)).unwrap();
        assert!(!again.migrated());
        assert_eq!(again.scenario, s);
    }

    #[test]
    fn a_v1_file_migrates_every_scenario() {
        let scenarios = parse_file(&fixture("v1-file.json")).unwrap();
        assert_eq!(scenarios.len(), 2);
        assert_eq!(scenarios[0].settings.roi.margin.rate, 0.6);
        assert_eq!(scenarios[0].settings.attribution.bootstrap.replicates, 0);
        assert_eq!(
            scenarios[0].settings.attribution.bootstrap.seed,
            attribution::BootstrapSettings::default().seed
        );
        assert!(!scenarios[0].settings.bootstrap_auto);
        assert_eq!(
            scenarios[1].settings.roi,
            RoiSettings::from(&ReportSettings::default()),
            "a v1 scenario without margin or rules gets the defaults"
        );
        assert_eq!(
            scenarios[1].settings.attribution.models,
            vec![Model::Linear]
        );
    }

    #[test]
    fn every_bad_fixture_gives_its_message() {
        let cases = [
            (
                "bad-wrong-type-deep.json",
                r#"scenarios[1].settings.attribution.markov_order: invalid type: string "2", expected u8"#,
            ),
            (
                "bad-json.json",
                "not valid JSON: EOF while parsing a list at line 9 column 0",
            ),
            (
                "bad-format-tag.json",
                r#"not an xhs-roi scenarios file: format is "xhs-roi-settings", expected "xhs-roi-scenarios""#,
            ),
            (
                "bad-newer-version.json",
                "schema version 4 is newer than this xhs-roi reads (up to 3); update xhs-roi to open it",
            ),
            (
                "bad-margin.json",
                "scenarios[0].settings.report.margin: must be between 0 and 1, got 1.5",
            ),
            (
                "bad-v1-margin-type.json",
                r#"scenarios[0].settings.margin: invalid type: string "60%", expected f64"#,
            ),
            (
                "bad-several.json",
                "scenarios[0].settings.attribution: invalid setting: markov_order must be 1, 2 or 3, got 5; \
                 scenarios[1]: missing field `name`; \
                 scenarios[2].settings.mappings[0].encoding: unknown encoding \"latin1\"; known: UTF-8, UTF-8 with BOM, UTF-16LE, UTF-16BE, GB18030; \
                 scenarios[3].id: \"a\" is also the id of scenarios[0]",
            ),
            ("bad-missing-version.json", "schema_version: missing"),
            (
                "bad-roi-margin.json",
                "scenarios[0].settings.roi.margin.rate: margin must be between 0 and 1, got 1.5",
            ),
            (
                "bad-roi-date.json",
                "scenarios[0].settings.roi.range.from: not a date: 1 March",
            ),
            (
                "bad-roi-rate.json",
                "scenarios[0].settings.roi.currency: the data are in CNY: a rate needs another currency; \
                 scenarios[1].settings.roi.filters.tiers[0]: unknown variant `giant`, expected one of `brand`, `head`, `mid`, `micro`, `koc`, `unknown`",
            ),
            (
                "bad-v2-report-type.json",
                r#"scenarios[0].settings.report.source_rules.promo_prefixes: invalid type: string "XHS", expected a sequence"#,
            ),
            (
                "bad-not-a-file.json",
                "not an xhs-roi scenarios file: expected an object, got a list",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(
                parse_file(&fixture(name)).unwrap_err().to_string(),
                expected,
                "{name}"
            );
        }
        // Every bad fixture is listed here.
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/scenarios");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with("bad-") {
                assert!(
                    cases.iter().any(|(n, _)| *n == name),
                    "{name} has no expected message"
                );
            }
        }
    }

    #[test]
    fn bad_entries_report_their_path_under_scenario() {
        let cases = [
            (r#"{"schema_version": 2}"#, "scenario: missing"),
            (
                r#"{"schema_version": 2, "scenario": {"id": "a", "name": "A", "settings": {"bootstrap_auto": "yes"}}}"#,
                r#"scenario.settings.bootstrap_auto: invalid type: string "yes", expected a boolean"#,
            ),
            (
                r#"{"schema_version": "2", "scenario": {}}"#,
                r#"schema_version: expected a whole number from 1, got string "2""#,
            ),
            (
                r#"{"schema_version": 0, "scenario": {}}"#,
                "schema_version: expected a whole number from 1, got number 0",
            ),
            (
                r#"{"schema_version": 2, "scenario": {"id": "a b", "name": "A"}}"#,
                r#"scenario.id: must be 1 to 64 ASCII letters, digits, - or _, got "a b""#,
            ),
            (
                r#"{"schema_version": 1, "scenario": {"id": "a", "name": "A", "settings": {"attribution": {"bootstrap_replicates": -1}}}}"#,
                "scenario.settings.attribution.bootstrap_replicates: invalid value: integer `-1`, expected u32",
            ),
            ("[1]", "not an xhs-roi scenarios file: expected an object, got a list"),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_entry(text).unwrap_err().to_string(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn invalid_values_never_reach_storage_unnoticed() {
        let mut s = sample();
        s.settings.roi.margin.rate = f64::NAN;
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "settings.roi.margin.rate: margin must be between 0 and 1, got NaN"
        );
        let mut s = sample();
        s.settings.roi.clv.years = -1.0;
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "settings.roi.clv.years: years must be a number of at least 0, got -1"
        );
        let mut s = sample();
        s.settings.roi.manual_costs[0].end = Day::from_ymd(2026, 2, 1);
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "settings.roi.manual_costs: cost entry 1: ends before it starts"
        );
        let mut s = sample();
        s.name = "  ".into();
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "name: must not be empty"
        );
    }

    #[test]
    fn ids_are_safe_in_storage_keys() {
        assert!(valid_id("s-lq3k2-9f"));
        assert!(valid_id("A_b-1"));
        assert!(!valid_id(""));
        assert!(!valid_id("a.b"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(&"x".repeat(MAX_ID_LEN + 1)));
    }

    #[test]
    fn auto_bootstrap_follows_the_input_size() {
        assert_eq!(auto_bootstrap_replicates(10), 200);
        assert_eq!(auto_bootstrap_replicates(200_000), 200);
        assert_eq!(auto_bootstrap_replicates(200_001), 30);
    }
}
