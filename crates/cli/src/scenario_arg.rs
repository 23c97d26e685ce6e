//! `--scenario FILE [--scenario-name NAME]`: the settings of a scenario
//! exported from the app (docs/scenarios.md). The scenario sets the
//! defaults; a flag given on the command line wins over it.

use std::path::{Path, PathBuf};

use xhs_roi_engine::import::{sniff, sniff_workbook, SNIFF_BYTES};
use xhs_roi_engine::roi::RoiSettings;
use xhs_roi_engine::scenario::{self, SavedMapping, Scenario};
use xhs_roi_engine::{ImportOptions, ReportSettings};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ScenarioArgs {
    /// Scenarios file exported from the app: its settings (every ROI
    /// setting, attribution settings, column mappings) are the defaults;
    /// flags given here win.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Which scenario of the file, by name or id (needed when it holds
    /// more than one).
    #[arg(long, value_name = "NAME", requires = "scenario")]
    pub scenario_name: Option<String>,
}

impl ScenarioArgs {
    /// The chosen scenario, or `None` without `--scenario`.
    pub fn load(&self) -> Result<Option<Scenario>, String> {
        self.scenario
            .as_deref()
            .map(|path| load(path, self.scenario_name.as_deref()))
            .transpose()
    }

    /// The ROI settings and column mappings: the scenario's (all of its
    /// ROI settings, as the app applies them), or without `--scenario` the
    /// report's defaults (the margin for every order, as `xhs-roi report`
    /// has always counted).
    pub fn roi_settings(&self) -> Result<(RoiSettings, Vec<SavedMapping>), String> {
        Ok(self.load()?.map_or_else(
            || (RoiSettings::from(&ReportSettings::default()), Vec::new()),
            |s| (s.settings.roi, s.settings.mappings),
        ))
    }
}

/// One scenario of a scenarios file: the only one, or the one whose name
/// (else id) is `name`.
pub fn load(path: &Path, name: Option<&str>) -> Result<Scenario, String> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
    let mut scenarios = scenario::parse_file(&text).map_err(|e| format!("{file}: {e}"))?;
    let names = |list: &[Scenario]| {
        list.iter()
            .map(|s| format!("{:?}", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (name, scenarios.len()) {
        (_, 0) => Err(format!("{file}: the file holds no scenario")),
        (None, 1) => Ok(scenarios.remove(0)),
        (None, n) => Err(format!(
            "{file}: the file holds {n} scenarios; choose one with --scenario-name: {}",
            names(&scenarios)
        )),
        (Some(wanted), _) => {
            let by_name: Vec<usize> = (0..scenarios.len())
                .filter(|&i| scenarios[i].name == wanted)
                .collect();
            match by_name[..] {
                [i] => Ok(scenarios.swap_remove(i)),
                [] => match scenarios.iter().position(|s| s.id == wanted) {
                    Some(i) => Ok(scenarios.swap_remove(i)),
                    None => Err(format!(
                        "{file}: no scenario named {wanted:?}; the file holds {}",
                        names(&scenarios)
                    )),
                },
                _ => Err(format!(
                    "{file}: {} scenarios are named {wanted:?}; give the id of one: {}",
                    by_name.len(),
                    by_name
                        .iter()
                        .map(|&i| scenarios[i].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// The import options for a file, as the app chooses them: the column
/// mapping saved for files with these headers, else `base` (detection).
/// A kind already fixed in `base` stays.
pub fn import_options(
    mappings: &[SavedMapping],
    file: &str,
    bytes: &[u8],
    base: &ImportOptions,
) -> ImportOptions {
    if mappings.is_empty() {
        return base.clone();
    }
    let sniffed = match sniff_workbook(file, bytes, base) {
        Ok(Some((sniffed, _))) => sniffed,
        Ok(None) => match sniff(file, &bytes[..bytes.len().min(SNIFF_BYTES)], base) {
            Ok(sniffed) => sniffed,
            Err(_) => return base.clone(),
        },
        // The import itself reports the error.
        Err(_) => return base.clone(),
    };
    let signature = sniffed.plan.header_signature();
    match mappings.iter().find(|m| m.signature == signature) {
        Some(mapping) => {
            let options = mapping.to_options();
            ImportOptions {
                kind: base.kind.or(options.kind),
                ..options
            }
        }
        None => base.clone(),
    }
}
