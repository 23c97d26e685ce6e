//! `xhs-roi import`: read one file as the app would and say what was read.

use std::io::Read;
use std::path::PathBuf;

use serde::Serialize;
use xhs_roi_engine::csv::Encoding;
use xhs_roi_engine::import::{self, ColumnMapping, DateOrder, Importer, SNIFF_BYTES};
use xhs_roi_engine::table::Column;
use xhs_roi_engine::{ImportOptions, Kind, Problem};

/// Files are read in pieces of this size: a 1 GB export never sits in memory.
const CHUNK: usize = 1 << 20;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The file to read (CSV, TSV or any delimited text export).
    file: PathBuf,
    /// Table kind instead of detecting it: notes, costs, orders, touchpoints, paths, kols, surveys, comments.
    #[arg(long)]
    kind: Option<String>,
    /// Text encoding instead of detecting it: utf-8, utf-8-bom, utf-16le, utf-16be, gb18030.
    #[arg(long)]
    encoding: Option<String>,
    /// Delimiter instead of sniffing it: , ; tab |
    #[arg(long)]
    delimiter: Option<String>,
    /// 1-based line of the header row instead of finding it.
    #[arg(long)]
    header_line: Option<u64>,
    /// Worksheet of an Excel workbook (1 = the first).
    #[arg(long)]
    sheet: Option<usize>,
    /// Write every problem as CSV to this file.
    #[arg(long)]
    problems_csv: Option<PathBuf>,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    kind: Kind,
    encoding: Encoding,
    delimiter: String,
    header_line: u64,
    rows_read: usize,
    rows_rejected: usize,
    rows_with_problems: usize,
    rows_duplicate: usize,
    columns: &'a [ColumnMapping],
    date_orders: &'a [DateOrder],
    problem_count: usize,
    problems: &'a [Problem],
    totals: serde_json::Map<String, serde_json::Value>,
}

pub fn run(args: &ImportArgs) -> Result<(), String> {
    let name = args.file.display().to_string();
    let options = ImportOptions {
        kind: args
            .kind
            .as_deref()
            .map(|k| Kind::from_name(k).ok_or_else(|| format!("--kind: unknown table kind {k:?}")))
            .transpose()?,
        encoding: args
            .encoding
            .as_deref()
            .map(|e| {
                Encoding::from_name(e).ok_or_else(|| format!("--encoding: unknown encoding {e:?}"))
            })
            .transpose()?,
        delimiter: args.delimiter.as_deref().map(parse_delimiter).transpose()?,
        header_line: args.header_line,
        sheet: args.sheet.map(|s| s.saturating_sub(1)),
        ..ImportOptions::default()
    };

    let mut file = std::fs::File::open(&args.file).map_err(|e| format!("{name}: {e}"))?;
    let mut head = vec![0u8; SNIFF_BYTES];
    let filled = read_full(&mut file, &mut head).map_err(|e| format!("{name}: {e}"))?;
    head.truncate(filled);
    if xhs_roi_engine::xlsx::is_zip(&head) {
        // A workbook is read whole: a zip's directory is at its end.
        let bytes = std::fs::read(&args.file).map_err(|e| format!("{name}: {e}"))?;
        let imported =
            xhs_roi_engine::import(&name, &bytes, &options).map_err(|e| e.to_string())?;
        return print_report(args, &name, imported);
    }
    let sniffed = import::sniff(&name, &head, &options).map_err(|e| e.to_string())?;
    let mut importer = Importer::new(&name, sniffed.plan);
    importer.feed(&head);
    // Room for all the rows, estimated from the head's.
    importer.reserve_for(file.metadata().map_or(0, |m| m.len()));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut chunk).map_err(|e| format!("{name}: {e}"))?;
        if n == 0 {
            break;
        }
        importer.feed(&chunk[..n]);
    }
    print_report(args, &name, importer.finish())
}

fn print_report(
    args: &ImportArgs,
    name: &str,
    imported: xhs_roi_engine::Import,
) -> Result<(), String> {
    if let Some(path) = &args.problems_csv {
        std::fs::write(path, import::problems_csv(name, &imported.problems))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }

    let mut totals = serde_json::Map::new();
    for (spec, column) in imported.kind.fields().iter().zip(&imported.table.columns) {
        if let Column::Number(values) = column {
            let sum: f64 = values.iter().filter(|v| !v.is_nan()).sum();
            totals.insert(spec.name.to_string(), serde_json::json!(sum));
        }
    }
    let report = Report {
        kind: imported.kind,
        encoding: imported.encoding,
        delimiter: delimiter_name(imported.delimiter),
        header_line: imported.header_line,
        rows_read: imported.rows_read,
        rows_rejected: imported.rows_rejected,
        rows_with_problems: imported.rows_with_problems,
        rows_duplicate: imported.rows_duplicate,
        columns: &imported.columns,
        date_orders: &imported.date_orders,
        problem_count: imported.problem_count,
        problems: &imported.problems,
        totals,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        );
    } else {
        println!(
            "{name}: {} table, {}, delimiter {}, header on line {}",
            report.kind.name(),
            report.encoding.name(),
            report.delimiter,
            report.header_line
        );
        println!(
            "rows read {}, rejected {}, with problems {}, duplicates {}; {} problems",
            report.rows_read,
            report.rows_rejected,
            report.rows_with_problems,
            report.rows_duplicate,
            report.problem_count
        );
        for column in report.columns {
            println!(
                "  {:<24} -> {}",
                column.header,
                column.field.unwrap_or("(unused)")
            );
        }
        for p in report.problems.iter().take(20) {
            println!(
                "  line {}: {} {:?}: {}",
                p.line, p.column, p.value, p.message
            );
        }
        if report.problem_count > 20 {
            println!(
                "  … {} more (use --problems-csv FILE for all)",
                report.problem_count - 20
            );
        }
    }
    Ok(())
}

fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "tab" | "\\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(format!("--delimiter: expected , ; tab or |, got {other:?}")),
    }
}

fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "\t".to_string(),
        d => (d as char).to_string(),
    }
}
