//! Widgets of the dashboard. Each reads the narrowest state it needs from
//! [`AppState`](crate::state::AppState) in context.

pub mod attribution;
pub mod channel_rules;
pub mod cost_ledger;
pub mod drop_zone;
pub mod focus;
pub mod import_progress;
pub mod import_report;
pub mod kpi_card;
pub mod language_switch;
pub mod mapping;
pub mod roi;
pub mod scenarios;
pub mod top_bar;
