//! `xhs-roi`: the engine on the command line, for batch work, files too big
//! for a browser tab, and checking the app's numbers.

mod attribute;
mod import_cmd;
mod scenario_arg;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::scenario::SavedMapping;
use xhs_roi_engine::{
    demo, import, CostCategory, Dataset, ImportOptions, Kind, Kpis, ReportSettings, Table,
};

#[derive(Parser)]
#[command(
    name = "xhs-roi",
    version,
    about = "Private Xiaohongshu marketing analytics: KPIs, ROI and attribution from your own CSV exports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Headline KPIs, cost by category and direct ROI.
    Report(ReportArgs),
    /// Multi-touch attribution: each channel's credit under first/last touch,
    /// linear, position-based, time decay, Markov and Shapley (CSV or JSON).
    Attribute(attribute::AttributeArgs),
    /// Reads one file as the app would: kind, encoding, columns, problems and totals.
    Import(import_cmd::ImportArgs),
    /// Prints docs/fields.md: every table kind, field and header alias.
    Fields,
    /// Writes the seeded demo dataset (the files in public/demo/).
    Demo {
        /// Folder to write notes.csv, costs.csv, orders.csv, touchpoints.csv and kols.csv into.
        #[arg(long, default_value = "public/demo")]
        out: PathBuf,
        /// Generator seed; the published files use the default.
        #[arg(long, default_value_t = demo::DEMO_SEED)]
        seed: u64,
    },
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Notes export (one row per note, or per note and day).
    #[arg(long)]
    notes: Option<PathBuf>,
    /// Cost ledger.
    #[arg(long)]
    costs: Option<PathBuf>,
    /// Orders export.
    #[arg(long)]
    orders: Option<PathBuf>,
    /// Gross margin as a fraction of revenue [default: the scenario's, else 0.6].
    #[arg(long)]
    margin: Option<f64>,
    #[command(flatten)]
    scenario: scenario_arg::ScenarioArgs,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Language of the table output (en or zh).
    #[arg(long, default_value = "en")]
    lang: String,
}

/// A failure, printed as one line on stderr.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Import(#[from] xhs_roi_engine::ImportError),
    #[error("{path}: expected a {expected} table but this looks like {found}")]
    WrongKind {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("--margin must be between 0 and 1, got {0}")]
    Margin(f64),
    #[error("nothing to report: give at least one of --notes, --costs, --orders")]
    NoInput,
    #[error("{0}")]
    Message(String),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xhs-roi: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Report(args) => report(&args),
        Command::Import(args) => import_cmd::run(&args).map_err(CliError::Message),
        Command::Attribute(args) => attribute::run(&args).map_err(CliError::Message),
        Command::Demo { out, seed } => write_demo(&out, seed),
        Command::Fields => {
            print!("{}", xhs_roi_engine::schema::fields_markdown());
            Ok(())
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Reads a table and insists on its kind; problems go to stderr as a count so
/// nothing is dropped without a word.
fn load(path: &Path, kind: Kind, mappings: &[SavedMapping]) -> Result<Table, CliError> {
    let name = path.display().to_string();
    let bytes = read(path)?;
    let options = scenario_arg::import_options(mappings, &name, &bytes, &ImportOptions::default());
    let imported = import(&name, &bytes, &options)?;
    if imported.kind != kind {
        return Err(CliError::WrongKind {
            path: name,
            expected: kind.name(),
            found: imported.kind.name(),
        });
    }
    if imported.problem_count > 0 {
        eprintln!(
            "xhs-roi: {name}: {} rows read, {} rejected, {} problems (run `xhs-roi import` for the list)",
            imported.rows_read, imported.rows_rejected, imported.problem_count
        );
    }
    Ok(imported.table)
}

fn report(args: &ReportArgs) -> Result<(), CliError> {
    let (base, mappings) = args.scenario.report_settings().map_err(CliError::Message)?;
    let settings = ReportSettings {
        margin: args.margin.unwrap_or(base.margin),
        ..base
    };
    if !(0.0..=1.0).contains(&settings.margin) {
        return Err(CliError::Margin(settings.margin));
    }
    if args.notes.is_none() && args.costs.is_none() && args.orders.is_none() {
        return Err(CliError::NoInput);
    }
    let load_opt = |path: &Option<PathBuf>, kind| {
        path.as_deref()
            .map(|p| load(p, kind, &mappings))
            .transpose()
    };
    let data = Dataset {
        notes: load_opt(&args.notes, Kind::Notes)?,
        costs: load_opt(&args.costs, Kind::Costs)?,
        orders: load_opt(&args.orders, Kind::Orders)?,
        ..Dataset::default()
    };
    let kpis = Kpis::compute(&data, &settings);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&kpis).expect("KPIs serialise")
        );
    } else {
        print!("{}", kpi_table(&kpis, Locale::from_tag(&args.lang)));
    }
    Ok(())
}

fn kpi_table(k: &Kpis, locale: Locale) -> String {
    let count = move |v: f64| format::count(v, locale);
    let money = move |v: f64| format::money(v, locale, "¥");
    use format::or_missing as opt;
    let mut rows: Vec<(String, String)> = vec![
        ("impressions".into(), count(k.impressions)),
        ("views".into(), count(k.views)),
        ("interactions".into(), count(k.interactions)),
        (
            "engagement_rate".into(),
            opt(k.engagement_rate, format::percent),
        ),
        ("save_rate".into(), opt(k.save_rate, format::percent)),
        ("cpe".into(), opt(k.cpe, money)),
        ("cpv".into(), opt(k.cpv, money)),
        ("cpm".into(), opt(k.cpm, money)),
        ("cost_total".into(), money(k.cost_total)),
    ];
    for c in CostCategory::ALL {
        rows.push((format!("  {}", c.name()), money(k.cost_by_category.get(c))));
    }
    rows.extend([
        ("revenue".into(), money(k.revenue)),
        ("orders".into(), count(k.orders as f64)),
        ("aov".into(), opt(k.aov, money)),
        ("roas".into(), opt(k.roas, format::multiple)),
        ("net_profit".into(), money(k.net_profit)),
        ("roi".into(), opt(k.roi, format::percent)),
    ]);
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label:<width$}  {value:>16}\n"))
        .collect()
}

fn write_demo(out: &Path, seed: u64) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: out.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out).map_err(io)?;
    for (name, text) in demo::generate(seed).files() {
        std::fs::write(out.join(name), text).map_err(io)?;
    }
    eprintln!(
        "xhs-roi: wrote the demo dataset (seed {seed}) to {}",
        out.display()
    );
    Ok(())
}
