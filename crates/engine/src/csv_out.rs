//! Writing tables as CSV that spreadsheets open safely.
//!
//! A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
//! could run as a formula in Excel, WPS or Sheets ("CSV injection"), so it is
//! written with a leading `'`, which spreadsheets show as text. Numbers are
//! written as numbers, negative ones included: `-12.5` comes from an `f64`,
//! never from the user's text, so it cannot carry a formula, and a
//! spreadsheet must be able to add it up. They keep 12 significant digits. Cells with `,`, `"` or a line
//! break are quoted. Lines end with `\n`.

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from the data or the user: defused and quoted as needed.
    Text(String),
    /// Written in the shortest form that reads back to the same `f64`;
    /// NaN and infinities are written as an empty cell.
    Number(f64),
    /// An empty cell (a ratio over zero, an unknown value).
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Cell {
        Cell::Number(value)
    }
}

impl From<Option<f64>> for Cell {
    fn from(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

/// A text cell, defused against formulas and quoted when needed.
pub fn text_cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// A number cell (`1234`, `-12.5`, `0.061`) with 12 significant digits, so
/// float noise (`122.99999999999999` from orders shared among notes) does
/// not reach the spreadsheet; empty when not finite.
pub fn number_cell(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let value: f64 = format!("{value:.11e}").parse().unwrap_or(value);
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        // `-0` is written `0`.
        return format!("{}", value as i64);
    }
    format!("{value}")
}

impl Cell {
    pub fn write(&self) -> String {
        match self {
            Cell::Text(t) => text_cell(t),
            Cell::Number(v) => number_cell(*v),
            Cell::Empty => String::new(),
        }
    }
}

/// A whole table: the header row (defused like text) and the rows.
pub fn write_table<R>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<Cell>>,
{
    let mut out = String::new();
    let line: Vec<String> = header.iter().map(|h| text_cell(h)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
    for row in rows {
        let line: Vec<String> = row.iter().map(Cell::write).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_could_run_as_a_formula_gets_a_leading_quote() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text_cell("+86 138"), "'+86 138");
        assert_eq!(text_cell("-1+2"), "'-1+2");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tcmd"), "'\tcmd");
        assert_eq!(text_cell("小红书"), "小红书");
    }

    #[test]
    fn text_with_separators_or_quotes_is_quoted() {
        assert_eq!(text_cell("a,b"), "\"a,b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(text_cell("-,5"), "\"'-,5\"");
    }

    #[test]
    fn numbers_stay_numbers_even_when_negative() {
        assert_eq!(number_cell(-12.5), "-12.5");
        assert_eq!(number_cell(1234.0), "1234");
        assert_eq!(number_cell(-0.0), "0");
        assert_eq!(number_cell(0.061), "0.061");
        assert_eq!(number_cell(122.99999999999999), "123");
        assert_eq!(number_cell(44534.70000000061), "44534.7");
        assert_eq!(number_cell(0.05912190604478868), "0.0591219060448");
        assert_eq!(number_cell(8378804.0), "8378804");
        assert_eq!(number_cell(f64::NAN), "");
        assert_eq!(number_cell(f64::INFINITY), "");
    }

    #[test]
    fn a_table_has_a_header_and_one_line_per_row() {
        let csv = write_table(
            &["account", "roi"],
            vec![
                vec![Cell::from("=cmd"), Cell::from(-0.25)],
                vec![Cell::from("Luna"), Cell::Empty],
            ],
        );
        assert_eq!(csv, "account,roi\n'=cmd,-0.25\nLuna,\n");
    }
}
