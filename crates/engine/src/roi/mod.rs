//! The ROI views: KPIs for a period against the previous one and a
//! baseline, filtered by campaign, format, content type, tier and account;
//! the full cost ledger; direct return, brand value (EMV), customer value
//! and the blended ROI; breakdowns per note, creator, tier, format, content
//! type and campaign; the funnel; content lifespan. `docs/roi.md` explains
//! every figure.
//!
//! Use:
//!
//! 1. [`Prepared::new`] once per dataset (O(rows)); build it again only
//!    when [`Prepared::is_current`] is false (the order rules changed).
//! 2. Any number of calls with changing [`RoiSettings`]: [`report`],
//!    [`breakdown`], [`rank`], [`funnel`], [`lifespan`]. Each costs
//!    O(notes + cost entries + order aggregates) per period, not O(rows)
//!    (lifespan's curve excepted: it reads the kept notes' rows).

mod breakdown;
mod figures;
mod funnel;
mod ledger;
mod lifespan;
mod objective;
mod period;
mod prepared;
mod series;
mod settings;
mod tally;

pub use breakdown::{
    breakdown, rank, Breakdown, BreakdownRow, GroupBy, Rankings, NOT_ALLOCATED, TOTAL,
};
pub use figures::{
    blended_roi, customer_lifetime_value, future_value, gross_profit, report, Card, Change,
    Figures, Returns, RoiReport,
};
pub use funnel::{funnel, Funnel, FunnelGroup, FunnelReport, FunnelStage, FunnelStep};
pub use ledger::{CostEntry, PayKind, PayKindCosts};
pub use lifespan::{lifespan, AgePoint, Lifespan, LifespanOptions, NoteLife};
pub use objective::{lead_kpis, KpiId, KpiUnit, Objective};
pub use period::Period;
pub use prepared::Prepared;
pub use series::{buckets, engagement_series, series, EngagementPoint, Granularity, SeriesPoint};
pub use settings::{
    iso_day, Benchmark, BlendWeights, ClvParams, CostMultipliers, CreditOverride, Currency,
    DateRange, EmvBenchmarks, Filters, KolTier, MarginRule, OrderField, OrderLink, OrderLinks,
    RoiSettings, SettingsError, Target, TierRules,
};

#[cfg(test)]
mod tests;
