//! Attribution of a paths CSV (ChannelAttribution layout), printed as the
//! `xhs-roi attribute --format csv` CSV. Used by
//! `scripts/crosscheck-channelattribution.py` when the CLI is not at hand.
//!
//! ```sh
//! cargo run -p xhs-roi-engine --release --example attribute_paths -- paths.csv \
//!     [--models first_touch,markov] [--markov-order 2] [--removal-effects]
//! ```

use std::process::ExitCode;

use xhs_roi_engine::attribution::{attribute, Journeys, Model, Settings};
use xhs_roi_engine::{import, ImportOptions, Kind};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("attribute_paths: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut settings = Settings::default();
    let mut removal_effects = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--models" => {
                let list = args.next().ok_or("--models needs a value")?;
                if list != "all" {
                    settings.models = list
                        .split(',')
                        .map(|m| Model::from_name(m.trim()).ok_or(format!("unknown model {m}")))
                        .collect::<Result<_, _>>()?;
                }
            }
            "--markov-order" => {
                let k = args.next().ok_or("--markov-order needs a value")?;
                settings.markov_order = k.parse().map_err(|_| format!("bad order {k}"))?;
            }
            "--removal-effects" => removal_effects = true,
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    let file = file.ok_or(
        "usage: attribute_paths FILE [--models LIST] [--markov-order K] [--removal-effects]",
    )?;
    let bytes = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let imported = import(
        &file,
        &bytes,
        &ImportOptions {
            kind: Some(Kind::Paths),
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let journeys = Journeys::from_paths(&imported.table).map_err(|e| e.to_string())?;
    let result = attribute(&journeys, &settings).map_err(|e| e.to_string())?;
    print!("{}", result.to_csv(removal_effects));
    Ok(())
}
