//! `xhs-roi`: the engine on the command line, for batch work, files too big
//! for a browser tab, and checking the app's numbers.

mod attribute;
mod import_cmd;
mod report_cmd;
mod scenario_arg;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xhs_roi_engine::scenario::SavedMapping;
use xhs_roi_engine::{demo, import, ImportOptions, Kind, Table};

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
    /// KPIs for a period against the previous one and a baseline, the cost
    /// ledger, direct, brand and customer value, blended ROI; filters.
    Report(Box<report_cmd::ReportArgs>),
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

/// A failure, printed as one line on stderr.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them; a usage error
        // is one line, like every other failure.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("xhs-roi: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xhs-roi: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Report(args) => report_cmd::run(&args),
        Command::Import(args) => import_cmd::run(&args).map_err(CliError::Message),
        Command::Attribute(args) => attribute::run(&args).map_err(CliError::Message),
        Command::Demo { out, seed } => write_demo(&out, seed),
        Command::Fields => {
            print!("{}", xhs_roi_engine::schema::fields_markdown());
            Ok(())
        }
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Reads a table and insists on its kind; problems go to stderr as a count so
/// nothing is dropped without a word.
pub(crate) fn load(path: &Path, kind: Kind, mappings: &[SavedMapping]) -> Result<Table, CliError> {
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

/// Writes the output; a reader that stops early (`| head`) is not an error.
pub(crate) fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Io {
            path: "standard output".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Rows as aligned columns: the first left, the rest right. Chinese
/// characters count two columns wide, as terminals draw them.
pub(crate) fn aligned(rows: &[Vec<String>]) -> String {
    let width = |text: &str| -> usize {
        text.chars()
            .map(|c| if c.is_ascii() || c == '—' { 1 } else { 2 })
            .sum()
    };
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
            if i == 0 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
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
