//! The pure core of xhs-roi.
//!
//! Everything that turns a marketer's files into numbers lives here: reading
//! CSV exports ([`csv`], [`import`](mod@import), [`value`]), the columnar data model
//! ([`schema`], [`table`]), the headline KPIs ([`report`]), the ROI views
//! with periods, filters, breakdowns, funnel and lifespan ([`roi`]), number
//! formatting per language ([`format`](mod@format)) and the seeded demo dataset
//! ([`demo`]). No browser or UI crate may enter this crate's dependency tree
//! (`scripts/check-engine-deps.sh` enforces it): the web app and the CLI are
//! thin shells over the same functions, so they cannot disagree.

pub mod attribution;
pub mod codec;
pub mod csv;
pub mod csv_out;
pub mod demo;
pub mod format;
pub mod import;
pub mod report;
pub mod roi;
pub mod scenario;
pub mod schema;
pub mod table;
pub mod time;
pub mod value;
pub mod warm_up;
pub mod xlsx;

pub use import::{import, Import, ImportError, ImportOptions, Problem, ProblemReason};
pub use report::{Dataset, Kpis, ReportSettings};
pub use schema::{CostCategory, Kind};
pub use table::Table;
