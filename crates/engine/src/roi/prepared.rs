//! The filter-independent index of a dataset, built once so that every
//! filter, period and setting change after it costs O(notes + cost entries
//! + order aggregates), never O(daily rows).
//!
//! - Notes get small integer codes for their account, campaign, format and
//!   content type.
//! - Each note's daily rows are one slice of a CSR layout (`starts`, `days`)
//!   with a running total per metric, so a note's sum over any period is two
//!   binary searches and one subtraction per metric. Counts are kept as
//!   `u32` running totals when they are whole numbers (half the memory of
//!   `f64`, exact), `f64` otherwise.
//! - Xiaohongshu orders are summed per day and per unit they are credited
//!   to (a note, a creator, a campaign or nothing more specific), with
//!   running totals too.
//! - The cost table's rows are resolved to those codes once.
//!
//! Only the order-matching settings (source rules, order links) are baked
//! in; [`Prepared::is_current`] tells when a new index is needed.

use std::collections::HashMap;

use super::ledger::{LedgerItem, PayKind, Timing};
use super::period::Period;
use super::settings::{KolTier, OrderField, OrderLinks, RoiSettings, Target, TierRules};
use crate::report::{Dataset, SourceRules};
use crate::schema::CostCategory;
use crate::table::{FxBuild, Table, TextColumn, MISSING_TEXT, MISSING_TIME};
use crate::time::Day;

/// "No code": the attribute is unknown.
pub(crate) const NONE: u32 = u32::MAX;

/// What a note, cost or credited order is tied to, as codes ([`NONE`] when
/// unknown). Filters and breakdowns read only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attrs {
    pub note: u32,
    pub account: u32,
    pub campaign: u32,
    pub format: u32,
    pub content_type: u32,
}

impl Attrs {
    pub const EMPTY: Attrs = Attrs {
        note: NONE,
        account: NONE,
        campaign: NONE,
        format: NONE,
        content_type: NONE,
    };

    /// `self`, with its unknown fields taken from `other`.
    fn or(self, other: Attrs) -> Attrs {
        let pick = |a: u32, b: u32| if a == NONE { b } else { a };
        Attrs {
            note: pick(self.note, other.note),
            account: pick(self.account, other.account),
            campaign: pick(self.campaign, other.campaign),
            format: pick(self.format, other.format),
            content_type: pick(self.content_type, other.content_type),
        }
    }
}

/// How names from different files are matched: full-width folded, trimmed,
/// lower case (`Luna ` and `luna` are one account).
pub(crate) fn match_key(text: &str) -> String {
    crate::value::fold_width(text).trim().to_lowercase()
}

/// Labels with codes; the first spelling seen is the label shown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    labels: Vec<Box<str>>,
    lookup: HashMap<String, u32, FxBuild>,
}

impl Names {
    /// The code of a label, added when new; `None` for blank text.
    pub fn intern(&mut self, label: &str) -> Option<u32> {
        let key = match_key(label);
        if key.is_empty() {
            return None;
        }
        if let Some(&code) = self.lookup.get(&key) {
            return Some(code);
        }
        let code = self.labels.len() as u32;
        self.labels.push(label.trim().into());
        self.lookup.insert(key, code);
        Some(code)
    }

    pub fn find(&self, label: &str) -> Option<u32> {
        self.lookup.get(&match_key(label)).copied()
    }

    pub fn label(&self, code: u32) -> &str {
        self.labels.get(code as usize).map_or("", |l| l)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn labels(&self) -> Vec<&str> {
        self.labels.iter().map(|l| &**l).collect()
    }

    /// Codes of a text column's dictionary entries in these names.
    fn map_dictionary(&mut self, column: Option<&TextColumn>) -> Vec<u32> {
        column.map_or_else(Vec::new, |c| {
            c.dictionary()
                .iter()
                .map(|v| self.intern(v).unwrap_or(NONE))
                .collect()
        })
    }
}

/// The daily note metrics the index keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metric {
    Impressions,
    Views,
    Likes,
    Saves,
    Comments,
    Shares,
    NewFollowers,
    ProductClicks,
    SearchViews,
    DiscoveryViews,
}

pub(crate) const METRICS: usize = 10;

impl Metric {
    pub const ALL: [Metric; METRICS] = [
        Metric::Impressions,
        Metric::Views,
        Metric::Likes,
        Metric::Saves,
        Metric::Comments,
        Metric::Shares,
        Metric::NewFollowers,
        Metric::ProductClicks,
        Metric::SearchViews,
        Metric::DiscoveryViews,
    ];

    fn field(self) -> &'static str {
        match self {
            Metric::Impressions => "impressions",
            Metric::Views => "views",
            Metric::Likes => "likes",
            Metric::Saves => "saves",
            Metric::Comments => "comments",
            Metric::Shares => "shares",
            Metric::NewFollowers => "new_followers",
            Metric::ProductClicks => "product_clicks",
            Metric::SearchViews => "search_views",
            Metric::DiscoveryViews => "discovery_views",
        }
    }
}

/// One note's metric sums over a period, indexed by [`Metric`].
pub(crate) type NoteSums = [f64; METRICS];

/// Running totals of every metric, restarting at 0 for each note; one
/// record per position, so a note's period sums read two records rather
/// than ten arrays (the difference is cache misses on millions of rows).
#[derive(Debug, Clone)]
enum RunningTotals {
    /// Whole, non-negative counts whose per-note totals fit a `u32`.
    Whole(Vec<[u32; METRICS]>),
    Real(Vec<[f64; METRICS]>),
}

impl Default for RunningTotals {
    fn default() -> Self {
        RunningTotals::Whole(Vec::new())
    }
}

impl RunningTotals {
    #[inline]
    fn between(&self, a: usize, b: usize, metric: Metric) -> f64 {
        let m = metric as usize;
        match self {
            RunningTotals::Whole(v) => f64::from(v[b][m] - v[a][m]),
            RunningTotals::Real(v) => v[b][m] - v[a][m],
        }
    }

    #[inline]
    fn all_between(&self, a: usize, b: usize) -> NoteSums {
        let mut out = [0.0; METRICS];
        match self {
            RunningTotals::Whole(v) => {
                let (x, y) = (&v[a], &v[b]);
                for m in 0..METRICS {
                    out[m] = f64::from(y[m] - x[m]);
                }
            }
            RunningTotals::Real(v) => {
                let (x, y) = (&v[a], &v[b]);
                for m in 0..METRICS {
                    out[m] = y[m] - x[m];
                }
            }
        }
        out
    }
}

/// Every note's dated rows, merged per day. Note `n`'s days are
/// `days[starts[n]..starts[n + 1]]`; the running total after the day at
/// position `p` is at index `p + n + 1` of each metric's totals (each note
/// adds one leading 0).
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    starts: Vec<u32>,
    days: Vec<i32>,
    totals: RunningTotals,
    /// Per note: its first day when its days have no gap (the usual daily
    /// export), else `i32::MIN`. A period's bounds are then arithmetic: the
    /// binary search over `days` (a cache miss per probe on millions of
    /// rows) is only for notes with gaps.
    dense_from: Vec<i32>,
    /// Impressions and interactions of all notes together, running totals
    /// by day, when every count is whole (so any order of summing gives
    /// the same figures): an unfiltered time series reads two totals per
    /// bucket instead of two per note and bucket.
    all_notes: Option<AllNotesByDay>,
}

#[derive(Debug, Clone)]
struct AllNotesByDay {
    first_day: i32,
    /// `running[d]`: totals of the days before `first_day + d`.
    running: Vec<[u64; 2]>,
}

impl AllNotesByDay {
    fn build(days: &[i32], totals: &[[u32; METRICS]], starts: &[u32]) -> Option<AllNotesByDay> {
        let (first, last) = (*days.iter().min()?, *days.iter().max()?);
        let mut per_day = vec![[0u64; 2]; (last - first) as usize + 1];
        for n in 0..starts.len() - 1 {
            for p in starts[n] as usize..starts[n + 1] as usize {
                let (before, after) = (&totals[p + n], &totals[p + n + 1]);
                let of = |m: Metric| u64::from(after[m as usize] - before[m as usize]);
                let day = &mut per_day[(days[p] - first) as usize];
                day[0] += of(Metric::Impressions);
                day[1] += of(Metric::Likes) + of(Metric::Saves) + of(Metric::Comments);
            }
        }
        let mut running = Vec::with_capacity(per_day.len() + 1);
        let mut sum = [0u64; 2];
        running.push(sum);
        for day in per_day {
            sum = [sum[0] + day[0], sum[1] + day[1]];
            running.push(sum);
        }
        Some(AllNotesByDay {
            first_day: first,
            running,
        })
    }

    /// Impressions and interactions of all notes from day `from` to `to`
    /// (inclusive).
    fn between(&self, from: i32, to: i32) -> [f64; 2] {
        let at = |day: i64| {
            (day - i64::from(self.first_day)).clamp(0, self.running.len() as i64 - 1) as usize
        };
        let (a, b) = (
            at(i64::from(from)),
            at(i64::from(to) + 1).max(at(i64::from(from))),
        );
        let (x, y) = (self.running[a], self.running[b]);
        [(y[0] - x[0]) as f64, (y[1] - x[1]) as f64]
    }
}

impl Series {
    /// Positions (absolute, end exclusive) of the note's days in `period`.
    #[inline]
    pub fn bounds(&self, note: u32, period: &Period) -> (usize, usize) {
        let n = note as usize;
        let (start, end) = (self.starts[n] as usize, self.starts[n + 1] as usize);
        if period.all {
            return (start, end);
        }
        let first = self.dense_from[n];
        if first != i32::MIN {
            let len = (end - start) as i64;
            let at = |day: i32| (i64::from(day) - i64::from(first)).clamp(0, len) as usize;
            let lo = at(period.from.0);
            return (
                start + lo,
                start + at(period.to.0.saturating_add(1)).max(lo),
            );
        }
        let days = &self.days[start..end];
        let lo = days.partition_point(|&d| d < period.from.0);
        let hi = lo + days[lo..].partition_point(|&d| d <= period.to.0);
        (start + lo, start + hi)
    }

    #[inline]
    pub fn sum(&self, note: u32, (lo, hi): (usize, usize), metric: Metric) -> f64 {
        let n = note as usize;
        self.totals.between(lo + n, hi + n, metric)
    }

    #[inline]
    pub fn sums(&self, note: u32, (lo, hi): (usize, usize)) -> NoteSums {
        let n = note as usize;
        self.totals.all_between(lo + n, hi + n)
    }

    pub fn rows(&self) -> usize {
        self.days.len()
    }

    /// Impressions and interactions of all notes together from day `from`
    /// to `to`, when the index keeps them (whole counts).
    pub fn all_notes_between(&self, from: i32, to: i32) -> Option<[f64; 2]> {
        Some(self.all_notes.as_ref()?.between(from, to))
    }

    /// Each of a note's days up to `last` (inclusive) with its value of
    /// `metric`, in day order.
    pub fn each_day(&self, note: u32, last: i32, mut f: impl FnMut(i32, f64), metric: Metric) {
        let n = note as usize;
        let (start, end) = (self.starts[n] as usize, self.starts[n + 1] as usize);
        for p in start..end {
            let day = self.days[p];
            if day > last {
                break;
            }
            f(day, self.totals.between(p + n, p + n + 1, metric));
        }
    }
}

/// Sums of Xiaohongshu orders (revenue in CNY). Counts are `f64` because an
/// order shared among a creator's notes is counted in fractions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct OrderSums {
    pub revenue: f64,
    pub orders: f64,
    /// Revenue and COGS of the orders that give their COGS.
    pub cogs_revenue: f64,
    pub cogs: f64,
    /// First orders of new customers, and the same four sums for them.
    pub new_customers: f64,
    pub new_revenue: f64,
    pub new_cogs_revenue: f64,
    pub new_cogs: f64,
}

impl OrderSums {
    pub fn add(&mut self, o: &OrderSums) {
        self.revenue += o.revenue;
        self.orders += o.orders;
        self.cogs_revenue += o.cogs_revenue;
        self.cogs += o.cogs;
        self.new_customers += o.new_customers;
        self.new_revenue += o.new_revenue;
        self.new_cogs_revenue += o.new_cogs_revenue;
        self.new_cogs += o.new_cogs;
    }

    pub fn minus(&self, o: &OrderSums) -> OrderSums {
        OrderSums {
            revenue: self.revenue - o.revenue,
            orders: self.orders - o.orders,
            cogs_revenue: self.cogs_revenue - o.cogs_revenue,
            cogs: self.cogs - o.cogs,
            new_customers: self.new_customers - o.new_customers,
            new_revenue: self.new_revenue - o.new_revenue,
            new_cogs_revenue: self.new_cogs_revenue - o.new_cogs_revenue,
            new_cogs: self.new_cogs - o.new_cogs,
        }
    }

    pub fn scaled(&self, f: f64) -> OrderSums {
        OrderSums {
            revenue: self.revenue * f,
            orders: self.orders * f,
            cogs_revenue: self.cogs_revenue * f,
            cogs: self.cogs * f,
            new_customers: self.new_customers * f,
            new_revenue: self.new_revenue * f,
            new_cogs_revenue: self.new_cogs_revenue * f,
            new_cogs: self.new_cogs * f,
        }
    }
}

/// Order sums per key and day with running totals; a key's days are
/// `days[starts[k]..starts[k + 1]]`, its totals at `p + k` as in [`Series`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Keyed {
    starts: Vec<u32>,
    days: Vec<i32>,
    totals: Vec<OrderSums>,
}

impl Keyed {
    fn build(keys: usize, mut items: Vec<(u32, i32, OrderSums)>) -> Keyed {
        items.sort_by_key(|&(k, d, _)| (k, d));
        let mut starts = vec![0u32; keys + 1];
        let mut days = Vec::new();
        let mut totals = Vec::with_capacity(items.len() + keys);
        let mut items = items.into_iter().peekable();
        for key in 0..keys as u32 {
            let mut running = OrderSums::default();
            totals.push(running);
            while let Some(&(k, day, _)) = items.peek() {
                if k != key {
                    break;
                }
                let (_, _, sums) = items.next().expect("peeked");
                running.add(&sums);
                if days.last() == Some(&day) && days.len() > starts[key as usize] as usize {
                    *totals.last_mut().expect("a total per day") = running;
                } else {
                    days.push(day);
                    totals.push(running);
                }
            }
            starts[key as usize + 1] = days.len() as u32;
        }
        Keyed {
            starts,
            days,
            totals,
        }
    }

    pub fn keys(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn sum(&self, key: u32, period: &Period) -> OrderSums {
        let k = key as usize;
        if k + 1 >= self.starts.len() {
            return OrderSums::default();
        }
        let (start, end) = (self.starts[k] as usize, self.starts[k + 1] as usize);
        if start == end {
            return OrderSums::default();
        }
        let (lo, hi) = if period.all {
            (0, end - start)
        } else {
            let days = &self.days[start..end];
            let lo = days.partition_point(|&d| d < period.from.0);
            (lo, lo + days[lo..].partition_point(|&d| d <= period.to.0))
        };
        self.totals[start + k + hi].minus(&self.totals[start + k + lo])
    }

    fn first_and_last_day(&self) -> Option<(i32, i32)> {
        let min = self.days.iter().min()?;
        Some((*min, *self.days.iter().max()?))
    }
}

/// Where Xiaohongshu orders are credited.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credits {
    pub notes: Keyed,
    /// Orders tied to a creator with no note seen in the lookback window.
    pub accounts: Keyed,
    /// Orders tied to a campaign but no note or creator.
    pub campaigns: Keyed,
    /// Xiaohongshu orders tied to nothing more specific (one key).
    pub general: Keyed,
}

/// Per note: who posted it, where, when.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notes {
    pub ids: Vec<Box<str>>,
    pub titles: Vec<Option<Box<str>>>,
    /// `published_at`, or the first day with a row.
    pub published: Vec<Option<Day>>,
    pub attrs: Vec<Attrs>,
}

/// A creator as the KOL table gives them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AccountInfo {
    pub followers: Option<f64>,
    pub tier: Option<KolTier>,
}

/// Members of each group (notes per account, per campaign), CSR.
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups {
    starts: Vec<u32>,
    members: Vec<u32>,
}

impl Groups {
    fn build(groups: usize, member_of: impl Iterator<Item = u32>) -> Groups {
        let of: Vec<u32> = member_of.collect();
        let mut starts = vec![0u32; groups + 1];
        for &g in &of {
            if g != NONE {
                starts[g as usize + 1] += 1;
            }
        }
        for i in 0..groups {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut members = vec![0u32; starts[groups] as usize];
        for (member, &g) in of.iter().enumerate() {
            if g != NONE {
                members[fill[g as usize] as usize] = member as u32;
                fill[g as usize] += 1;
            }
        }
        Groups { starts, members }
    }

    pub fn of(&self, group: u32) -> &[u32] {
        let g = group as usize;
        if g + 1 >= self.starts.len() {
            return &[];
        }
        &self.members[self.starts[g] as usize..self.starts[g + 1] as usize]
    }
}

/// A dataset indexed for the ROI views. Build once per dataset (and again
/// when [`Prepared::is_current`] says the order rules changed); then every
/// `roi` function reads it with any [`RoiSettings`].
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub(crate) source_rules: SourceRules,
    pub(crate) order_links: OrderLinks,
    pub(crate) notes: Notes,
    pub(crate) note_lookup: HashMap<String, u32, FxBuild>,
    pub(crate) accounts: Names,
    pub(crate) campaigns: Names,
    /// `image`, `video`, or another format as written.
    pub(crate) formats: Names,
    pub(crate) content_types: Names,
    /// Per account code (accounts added later have none).
    pub(crate) account_info: Vec<AccountInfo>,
    pub(crate) series: Series,
    /// Per note: sums of rows with no date (counted only for all data).
    pub(crate) undated: Option<Vec<NoteSums>>,
    pub(crate) ledger: Vec<LedgerItem>,
    pub(crate) credits: Credits,
    pub(crate) notes_by_account: Groups,
    pub(crate) notes_by_campaign: Groups,
    pub(crate) span: Option<(Day, Day)>,
    /// What the loaded files can tell (a figure they cannot is missing).
    pub(crate) known: super::figures::Known,
}

/// `video` / `image` for the spellings of those formats, else `None`.
pub(crate) fn format_class(text: &str) -> Option<&'static str> {
    let key = crate::schema::normalize_header(text);
    match key.as_str() {
        "video" | "视频" | "视频笔记" | "vlog" => Some("video"),
        "image" | "imagetext" | "图文" | "图文笔记" | "photo" | "picture" | "image_text" => {
            Some("image")
        }
        _ => None,
    }
}

impl Prepared {
    /// Indexes the dataset; O(rows). Only `settings.source_rules` and
    /// `settings.order_links` are read.
    pub fn new(data: &Dataset, settings: &RoiSettings) -> Prepared {
        let mut p = Prepared {
            source_rules: settings.source_rules.clone(),
            order_links: settings.order_links.clone(),
            ..Prepared::default()
        };
        p.known.notes = data.notes.is_some();
        if let Some(notes) = &data.notes {
            p.index_notes(notes);
            p.known.product_clicks = notes.has("product_clicks");
            p.known.search_views = notes.has("search_views");
            p.known.discovery_views = notes.has("discovery_views");
        }
        if let Some(kols) = &data.kols {
            p.read_kols(kols);
        }
        // Link targets are names too: an account only in a link still gets a row.
        for link in &settings.order_links.links {
            match &link.target {
                Target::Account(a) => {
                    p.accounts.intern(a);
                }
                Target::Campaign(c) => {
                    p.campaigns.intern(c);
                }
                Target::Note(_) => {}
            }
        }
        if let Some(costs) = &data.costs {
            p.read_costs(costs);
        }
        p.known.costs = !p.ledger.is_empty();
        let promo_accounts = data
            .kols
            .as_ref()
            .map(|k| p.promo_code_accounts(k))
            .unwrap_or_default();
        if let Some(orders) = &data.orders {
            p.credit_orders(orders, &promo_accounts);
        } else {
            p.credits = Credits {
                notes: Keyed::build(p.notes.ids.len(), Vec::new()),
                accounts: Keyed::build(p.accounts.len(), Vec::new()),
                campaigns: Keyed::build(p.campaigns.len(), Vec::new()),
                general: Keyed::build(1, Vec::new()),
            };
        }
        p.account_info
            .resize(p.accounts.len(), AccountInfo::default());
        p.notes_by_account =
            Groups::build(p.accounts.len(), p.notes.attrs.iter().map(|a| a.account));
        p.notes_by_campaign =
            Groups::build(p.campaigns.len(), p.notes.attrs.iter().map(|a| a.campaign));
        p.span = p.find_span();
        p
    }

    /// False when the settings' order rules differ from those the index
    /// was built with: build a new one.
    pub fn is_current(&self, settings: &RoiSettings) -> bool {
        self.source_rules == settings.source_rules && self.order_links == settings.order_links
    }

    /// First and last day of any note row, Xiaohongshu order or dated cost.
    pub fn span(&self) -> Option<(Day, Day)> {
        self.span
    }

    pub fn note_count(&self) -> usize {
        self.notes.ids.len()
    }

    /// Note rows kept (one per note and day).
    pub fn daily_rows(&self) -> usize {
        self.series.rows()
    }

    /// Accounts seen anywhere (notes, costs, KOL table, order links), for
    /// filter pickers.
    pub fn accounts(&self) -> Vec<&str> {
        self.accounts.labels()
    }

    pub fn campaigns(&self) -> Vec<&str> {
        self.campaigns.labels()
    }

    /// `image`, `video` and any other format as written.
    pub fn formats(&self) -> Vec<&str> {
        self.formats.labels()
    }

    pub fn content_types(&self) -> Vec<&str> {
        self.content_types.labels()
    }

    fn index_notes(&mut self, table: &Table) {
        let Some(ids) = table.text("note_id") else {
            return;
        };
        let count = ids.dictionary().len();
        self.notes.ids = ids.dictionary().iter().map(Box::from).collect();
        for (code, id) in self.notes.ids.iter().enumerate() {
            self.note_lookup.entry(match_key(id)).or_insert(code as u32);
        }
        let codes = ids.codes();
        let dates = table.times("date");
        let published = table.times("published_at");
        // Each row's day, once (`UNDATED` without one): rows are read by
        // day several times below.
        const UNDATED: i32 = i32::MIN;
        let row_days: Vec<i32> = (0..table.rows)
            .map(|row| {
                let pick = |t: Option<&[i64]>| t.map(|t| t[row]).filter(|&t| t != MISSING_TIME);
                pick(dates)
                    .or_else(|| pick(published))
                    .map_or(UNDATED, |t| Day::from_timestamp(t).0)
            })
            .collect();
        let day_of = |row: usize| -> Option<i32> { Some(row_days[row]).filter(|&d| d != UNDATED) };

        // Attributes: the first value each note has. Dictionary entries are
        // mapped to codes once, rows then only index.
        let account_codes = self.accounts.map_dictionary(table.text("account"));
        let campaign_codes = self.campaigns.map_dictionary(table.text("campaign"));
        let content_codes = self
            .content_types
            .map_dictionary(table.text("content_type"));
        let format_codes: Vec<u32> = table.text("format").map_or_else(Vec::new, |c| {
            c.dictionary()
                .iter()
                .map(|v| {
                    let label = format_class(v).unwrap_or(v);
                    self.formats.intern(label).unwrap_or(NONE)
                })
                .collect()
        });
        let mut attrs: Vec<Attrs> = (0..count)
            .map(|n| Attrs {
                note: n as u32,
                ..Attrs::EMPTY
            })
            .collect();
        let mut titles: Vec<Option<Box<str>>> = vec![None; count];
        let mut published_day: Vec<Option<Day>> = vec![None; count];
        let fill = |slot: &mut u32, column: Option<&TextColumn>, map: &[u32], row: usize| {
            if *slot == NONE {
                if let Some(c) = column {
                    let code = c.codes()[row];
                    if code != MISSING_TEXT {
                        *slot = map[code as usize];
                    }
                }
            }
        };
        // Columns looked up once: a lookup compares field names.
        let (title_column, account_column, campaign_column, format_column, content_column) = (
            table.text("title"),
            table.text("account"),
            table.text("campaign"),
            table.text("format"),
            table.text("content_type"),
        );
        for (row, &code) in codes.iter().enumerate() {
            if code == MISSING_TEXT {
                continue;
            }
            let n = code as usize;
            let a = &mut attrs[n];
            fill(&mut a.account, account_column, &account_codes, row);
            fill(&mut a.campaign, campaign_column, &campaign_codes, row);
            fill(&mut a.format, format_column, &format_codes, row);
            fill(&mut a.content_type, content_column, &content_codes, row);
            if titles[n].is_none() {
                titles[n] = title_column.and_then(|c| c.get(row)).map(Box::from);
            }
            if published_day[n].is_none() {
                published_day[n] = published
                    .map(|t| t[row])
                    .filter(|&t| t != MISSING_TIME)
                    .map(Day::from_timestamp);
            }
        }

        // Dated rows grouped by note (a counting sort), then by day.
        let mut starts = vec![0u32; count + 1];
        let mut undated_rows = false;
        for (row, &code) in codes.iter().enumerate() {
            if code == MISSING_TEXT {
                continue;
            }
            if day_of(row).is_some() {
                starts[code as usize + 1] += 1;
            } else {
                undated_rows = true;
            }
        }
        for i in 0..count {
            starts[i + 1] += starts[i];
        }
        let mut fill_at = starts.clone();
        let mut order = vec![0u32; starts[count] as usize];
        for (row, &code) in codes.iter().enumerate() {
            if code != MISSING_TEXT && day_of(row).is_some() {
                order[fill_at[code as usize] as usize] = row as u32;
                fill_at[code as usize] += 1;
            }
        }
        // Merge rows of one note on one day; `slot[i]` is where row
        // `order[i]` lands in `days`.
        let mut days: Vec<i32> = Vec::with_capacity(order.len());
        let mut slot = vec![0u32; order.len()];
        let mut merged_starts = vec![0u32; count + 1];
        for n in 0..count {
            let (s, e) = (starts[n] as usize, starts[n + 1] as usize);
            let rows = &mut order[s..e];
            let day = |r: &u32| day_of(*r as usize).unwrap_or(i32::MIN);
            if !rows.windows(2).all(|w| day(&w[0]) <= day(&w[1])) {
                rows.sort_by_key(|r| (day(r), *r));
            }
            let first = days.len();
            for (i, r) in rows.iter().enumerate() {
                let d = day(r);
                if days.len() == first || days.last() != Some(&d) {
                    days.push(d);
                }
                slot[s + i] = (days.len() - 1) as u32;
            }
            merged_starts[n + 1] = days.len() as u32;
            if published_day[n].is_none() && days.len() > first {
                published_day[n] = Some(Day(days[first]));
            }
        }

        let mut undated = undated_rows.then(|| vec![[0.0; METRICS]; count]);
        // The metrics the file has, with their columns.
        let columns: Vec<(usize, &[f64])> = Metric::ALL
            .iter()
            .enumerate()
            .filter_map(|(m, metric)| Some((m, table.numbers(metric.field())?)))
            .collect();
        // The two passes over dated rows go note by note (note n's dated
        // rows are `order[starts[n]..starts[n + 1]]`), every metric of a
        // row at once, so each record is written once, in order. Going
        // metric by metric wrote every record once per metric the file
        // has, each time across the whole array (144 MB of `u32` for 3.6M
        // rows and ten metrics). Each sum still adds its rows in `order`,
        // so the totals are the same to the bit as that way's.
        let note_rows = |n: usize| starts[n] as usize..starts[n + 1] as usize;
        // Whole numbers whose per-note totals fit a u32 for every metric:
        // half the memory of f64, and exact.
        let mut whole = true;
        for n in 0..count {
            let mut per_note = [0.0f64; METRICS];
            for &row in &order[note_rows(n)] {
                for &(m, values) in &columns {
                    let v = values[row as usize];
                    if !v.is_nan() {
                        whole &= v >= 0.0 && v.fract() == 0.0;
                        per_note[m] += v;
                    }
                }
            }
            whole &= per_note.iter().all(|&t| t <= f64::from(u32::MAX));
        }
        let records = days.len() + count;
        let mut totals = if whole {
            RunningTotals::Whole(vec![[0u32; METRICS]; records])
        } else {
            RunningTotals::Real(vec![[0.0f64; METRICS]; records])
        };
        // One note's sums per day, the room kept from note to note.
        let mut per_day: Vec<[f64; METRICS]> = Vec::new();
        for n in 0..count {
            let (s, e) = (merged_starts[n] as usize, merged_starts[n + 1] as usize);
            per_day.clear();
            per_day.resize(e - s, [0.0; METRICS]);
            for i in note_rows(n) {
                let row = order[i] as usize;
                let day = &mut per_day[slot[i] as usize - s];
                for &(m, values) in &columns {
                    let v = values[row];
                    if !v.is_nan() {
                        day[m] += v;
                    }
                }
            }
            // Record `p + n + 1` holds note n's total through position p
            // (here `p = s + k`).
            let mut running = [0.0f64; METRICS];
            for (k, day) in per_day.iter().enumerate() {
                for (total, v) in running.iter_mut().zip(day) {
                    *total += v;
                }
                let record = s + k + n + 1;
                match &mut totals {
                    RunningTotals::Whole(t) => t[record] = running.map(|total| total as u32),
                    RunningTotals::Real(t) => t[record] = running,
                }
            }
        }
        if let Some(undated) = undated.as_mut() {
            for &(m, values) in &columns {
                for (row, &code) in codes.iter().enumerate() {
                    let v = values[row];
                    if code != MISSING_TEXT && !v.is_nan() && day_of(row).is_none() {
                        undated[code as usize][m] += v;
                    }
                }
            }
        }
        self.notes.titles = titles;
        self.notes.published = published_day;
        self.notes.attrs = attrs;
        let dense_from = (0..count)
            .map(|n| {
                let d = &days[merged_starts[n] as usize..merged_starts[n + 1] as usize];
                match (d.first(), d.last()) {
                    (Some(&a), Some(&b)) if (b - a) as usize + 1 == d.len() => a,
                    _ => i32::MIN,
                }
            })
            .collect();
        let all_notes = match &totals {
            RunningTotals::Whole(t) => AllNotesByDay::build(&days, t, &merged_starts),
            RunningTotals::Real(_) => None,
        };
        self.series = Series {
            starts: merged_starts,
            days,
            totals,
            dense_from,
            all_notes,
        };
        self.undated = undated;
    }

    fn read_kols(&mut self, kols: &Table) {
        let Some(accounts) = kols.text("account") else {
            return;
        };
        let codes = self.accounts.map_dictionary(Some(accounts));
        self.account_info
            .resize(self.accounts.len(), AccountInfo::default());
        let followers = kols.numbers("followers");
        let tiers = kols.text("tier");
        for (row, &code) in accounts.codes().iter().enumerate() {
            if code == MISSING_TEXT || codes[code as usize] == NONE {
                continue;
            }
            let info = &mut self.account_info[codes[code as usize] as usize];
            if let Some(f) = followers.map(|f| f[row]).filter(|f| !f.is_nan()) {
                info.followers = Some(f);
            }
            if let Some(tier) = tiers.and_then(|t| t.get(row)).and_then(KolTier::parse) {
                info.tier = Some(tier);
            }
        }
    }

    /// Promo code (match key) -> account code, from the KOL table.
    fn promo_code_accounts(&mut self, kols: &Table) -> HashMap<String, u32, FxBuild> {
        let mut out = HashMap::default();
        let (Some(accounts), Some(codes)) = (kols.text("account"), kols.text("promo_code")) else {
            return out;
        };
        for row in 0..kols.rows {
            if let (Some(account), Some(code)) = (accounts.get(row), codes.get(row)) {
                if let Some(a) = self.accounts.intern(account) {
                    out.entry(match_key(code)).or_insert(a);
                }
            }
        }
        out
    }

    /// Attributes of a cost or credit tied to a note id, account and
    /// campaign by name; the note's own attributes win.
    pub(crate) fn resolve(&self, note: Option<&str>, own: Attrs) -> Attrs {
        let note_attrs = note
            .and_then(|id| self.note_lookup.get(&match_key(id)))
            .map_or(Attrs::EMPTY, |&n| self.notes.attrs[n as usize]);
        note_attrs.or(own)
    }

    fn read_costs(&mut self, costs: &Table) {
        let (Some(categories), Some(amounts)) = (costs.text("category"), costs.numbers("amount"))
        else {
            return;
        };
        // Per dictionary entry, once: rows then only index.
        let parsed: Vec<Option<CostCategory>> = categories
            .dictionary()
            .iter()
            .map(CostCategory::parse)
            .collect();
        let (accounts, campaigns, notes, pay_kinds, currencies) = (
            costs.text("account"),
            costs.text("campaign"),
            costs.text("note_id"),
            costs.text("pay_kind"),
            costs.text("currency"),
        );
        let account_codes = self.accounts.map_dictionary(accounts);
        let campaign_codes = self.campaigns.map_dictionary(campaigns);
        let note_attrs: Vec<Attrs> = notes.map_or_else(Vec::new, |c| {
            c.dictionary()
                .iter()
                .map(|id| self.resolve(Some(id), Attrs::EMPTY))
                .collect()
        });
        let pay_kind_of: Vec<Option<PayKind>> = pay_kinds.map_or_else(Vec::new, |c| {
            c.dictionary().iter().map(PayKind::parse).collect()
        });
        let foreign: Vec<Option<Box<str>>> = currencies.map_or_else(Vec::new, |c| {
            c.dictionary()
                .iter()
                .map(|code| (!super::settings::Currency::is_cny(code)).then(|| code.into()))
                .collect()
        });
        let code_at = |column: Option<&TextColumn>, row: usize| {
            column
                .map(|c| c.codes()[row])
                .filter(|&c| c != MISSING_TEXT)
                .map(|c| c as usize)
        };
        let (dates, ends, rates) = (
            costs.times("date"),
            costs.times("end_date"),
            costs.numbers("commission_rate"),
        );
        let day_at = |times: Option<&[i64]>, row: usize| {
            times
                .map(|t| t[row])
                .filter(|&t| t != MISSING_TIME)
                .map(Day::from_timestamp)
        };
        for row in 0..costs.rows {
            let amount = amounts[row];
            let Some(category) = code_at(Some(categories), row).and_then(|c| parsed[c]) else {
                continue;
            };
            if amount.is_nan() {
                continue;
            }
            let own = Attrs {
                account: code_at(accounts, row).map_or(NONE, |c| account_codes[c]),
                campaign: code_at(campaigns, row).map_or(NONE, |c| campaign_codes[c]),
                ..Attrs::EMPTY
            };
            let note = code_at(notes, row).map_or(Attrs::EMPTY, |c| note_attrs[c]);
            self.ledger.push(LedgerItem {
                category,
                amount,
                commission_rate: rates
                    .map(|r| r[row])
                    .filter(|r| r.is_finite())
                    .unwrap_or(0.0),
                timing: Timing::new(day_at(dates, row), day_at(ends, row)),
                attrs: note.or(own),
                pay_kind: code_at(pay_kinds, row).and_then(|c| pay_kind_of[c]),
                currency: code_at(currencies, row).and_then(|c| foreign[c].clone()),
            });
        }
    }

    /// The unit a link's target names; unknown notes credit nothing more
    /// specific than Xiaohongshu.
    fn unit_of(&mut self, target: &Target) -> Unit {
        match target {
            Target::Note(id) => self
                .note_lookup
                .get(&match_key(id))
                .map_or(Unit::General, |&n| Unit::Note(n)),
            Target::Account(a) => self.accounts.intern(a).map_or(Unit::General, Unit::Account),
            Target::Campaign(c) => self
                .campaigns
                .intern(c)
                .map_or(Unit::General, Unit::Campaign),
        }
    }

    /// Per dictionary entry of one order field: the first link (by
    /// position) it matches, with its unit.
    fn link_hits(
        &mut self,
        column: Option<&TextColumn>,
        field: OrderField,
    ) -> Vec<Option<(usize, Unit)>> {
        let Some(column) = column else {
            return Vec::new();
        };
        let links = self.order_links.links.clone();
        column
            .dictionary()
            .iter()
            .map(|value| {
                let key = match_key(value);
                links.iter().enumerate().find_map(|(i, link)| {
                    if link.field != field {
                        return None;
                    }
                    let wanted = match_key(&link.value);
                    let hit = match field {
                        OrderField::LandingPage => !wanted.is_empty() && key.contains(&wanted),
                        _ => key == wanted,
                    };
                    hit.then(|| (i, self.unit_of(&link.target)))
                })
            })
            .collect()
    }

    fn credit_orders(&mut self, orders: &Table, promo_accounts: &HashMap<String, u32, FxBuild>) {
        let matched = self.source_rules.matching_orders(orders);
        let (Some(times), Some(revenue)) = (orders.times("time"), orders.numbers("revenue")) else {
            self.credits = Credits::default();
            self.known.orders = false;
            return;
        };
        let cogs = orders.numbers("cogs");
        let flags = orders.numbers("is_new_customer");
        let customers = orders.text("customer_id");
        self.known.new_customers = flags.is_some() || customers.is_some();
        self.known.orders = true;
        // Each customer's first order across all channels: an order is a
        // new customer's when it is that first one (if no flag says).
        let first_order: Vec<usize> = customers.map_or_else(Vec::new, |c| {
            let mut first = vec![usize::MAX; c.dictionary().len()];
            for (row, &code) in c.codes().iter().enumerate() {
                if code == MISSING_TEXT {
                    continue;
                }
                let f = &mut first[code as usize];
                if *f == usize::MAX || times[row] < times[*f] {
                    *f = row;
                }
            }
            first
        });
        let is_new = |row: usize| match flags.map(|f| f[row]) {
            Some(f) if !f.is_nan() => f == 1.0,
            _ => customers.is_some_and(|c| {
                let code = c.codes()[row];
                code != MISSING_TEXT && first_order[code as usize] == row
            }),
        };

        // What each distinct field value is tied to: links first (by their
        // position), then the KOL table's promo codes, then campaign names.
        let fallback = self.order_links.links.len();
        let mut promo = self.link_hits(orders.text("promo_code"), OrderField::PromoCode);
        if let Some(column) = orders.text("promo_code") {
            for (hit, value) in promo.iter_mut().zip(column.dictionary()) {
                if hit.is_none() {
                    *hit = promo_accounts
                        .get(&match_key(value))
                        .map(|&a| (fallback, Unit::Account(a)));
                }
            }
        }
        let qr = self.link_hits(orders.text("qr_code"), OrderField::QrCode);
        let landing = self.link_hits(orders.text("landing_page"), OrderField::LandingPage);
        let mut utm = self.link_hits(orders.text("utm_campaign"), OrderField::UtmCampaign);
        if let (Some(column), true) = (
            orders.text("utm_campaign"),
            self.order_links.match_campaign_names,
        ) {
            for (hit, value) in utm.iter_mut().zip(column.dictionary()) {
                if hit.is_none() {
                    *hit = self
                        .campaigns
                        .find(value)
                        .map(|c| (fallback + 1, Unit::Campaign(c)));
                }
            }
        }
        let hit_at = |hits: &[Option<(usize, Unit)>], column: Option<&TextColumn>, row: usize| {
            column
                .map(|c| c.codes()[row])
                .filter(|&c| c != MISSING_TEXT)
                .and_then(|c| hits[c as usize])
        };
        let (promo_column, qr_column, landing_column, utm_column) = (
            orders.text("promo_code"),
            orders.text("qr_code"),
            orders.text("landing_page"),
            orders.text("utm_campaign"),
        );

        let mut notes = Vec::new();
        let mut accounts = Vec::new();
        let mut campaigns = Vec::new();
        let mut general = Vec::new();
        for row in 0..orders.rows {
            let r = revenue[row];
            if !matched[row] || r.is_nan() || times[row] == MISSING_TIME {
                continue;
            }
            let day = Day::from_timestamp(times[row]).0;
            let c = cogs.map_or(f64::NAN, |c| c[row]);
            let new = is_new(row);
            let has_cogs = !c.is_nan();
            let sums = OrderSums {
                revenue: r,
                orders: 1.0,
                cogs_revenue: if has_cogs { r } else { 0.0 },
                cogs: if has_cogs { c } else { 0.0 },
                new_customers: f64::from(u8::from(new)),
                new_revenue: if new { r } else { 0.0 },
                new_cogs_revenue: if new && has_cogs { r } else { 0.0 },
                new_cogs: if new && has_cogs { c } else { 0.0 },
            };
            let unit = [
                hit_at(&promo, promo_column, row),
                hit_at(&qr, qr_column, row),
                hit_at(&landing, landing_column, row),
                hit_at(&utm, utm_column, row),
            ]
            .into_iter()
            .flatten()
            .min_by_key(|&(position, _)| position)
            .map_or(Unit::General, |(_, unit)| unit);
            match unit {
                Unit::Note(n) => notes.push((n, day, sums)),
                Unit::Account(a) => accounts.push((a, day, sums)),
                Unit::Campaign(c) => campaigns.push((c, day, sums)),
                Unit::General => general.push((0, day, sums)),
            }
        }

        // A creator's orders go to their notes in proportion to each note's
        // views in the lookback window up to the order's day; with no views
        // there, they stay the creator's.
        let by_account = Groups::build(
            self.accounts.len(),
            self.notes.attrs.iter().map(|a| a.account),
        );
        let per_account_day = Keyed::build(self.accounts.len(), accounts);
        let lookback = i32::try_from(self.order_links.lookback_days)
            .unwrap_or(i32::MAX)
            .max(1);
        let mut residual = Vec::new();
        for account in 0..per_account_day.keys() as u32 {
            let (s, e) = (
                per_account_day.starts[account as usize] as usize,
                per_account_day.starts[account as usize + 1] as usize,
            );
            for p in s..e {
                let day = per_account_day.days[p];
                let k = account as usize;
                let sums = per_account_day.totals[p + k + 1].minus(&per_account_day.totals[p + k]);
                let window = Period::between(Day(day.saturating_sub(lookback - 1)), Day(day));
                let weights: Vec<(u32, f64)> = by_account
                    .of(account)
                    .iter()
                    .map(|&n| {
                        let bounds = self.series.bounds(n, &window);
                        (n, self.series.sum(n, bounds, Metric::Views))
                    })
                    .filter(|&(_, w)| w > 0.0)
                    .collect();
                let total: f64 = weights.iter().map(|w| w.1).sum();
                if total > 0.0 {
                    for (n, w) in weights {
                        notes.push((n, day, sums.scaled(w / total)));
                    }
                } else {
                    residual.push((account, day, sums));
                }
            }
        }
        self.credits = Credits {
            notes: Keyed::build(self.notes.ids.len(), notes),
            accounts: Keyed::build(self.accounts.len(), residual),
            campaigns: Keyed::build(self.campaigns.len(), campaigns),
            general: Keyed::build(1, general),
        };
    }

    fn find_span(&self) -> Option<(Day, Day)> {
        let mut first = i32::MAX;
        let mut last = i32::MIN;
        let mut see = |a: i32, b: i32| {
            first = first.min(a);
            last = last.max(b);
        };
        if let (Some(&a), Some(&b)) = (self.series.days.iter().min(), self.series.days.iter().max())
        {
            see(a, b);
        }
        for keyed in [
            &self.credits.notes,
            &self.credits.accounts,
            &self.credits.campaigns,
            &self.credits.general,
        ] {
            if let Some((a, b)) = keyed.first_and_last_day() {
                see(a, b);
            }
        }
        for item in &self.ledger {
            match item.timing {
                Timing::Undated => {}
                Timing::On(d) => see(d.0, d.0),
                Timing::Spread(a, b) => see(a.0, b.0),
            }
        }
        (first <= last).then_some((Day(first), Day(last)))
    }

    /// A creator's tier: the brand's own account when the settings or the
    /// KOL table say so; else by followers; else the table's tier.
    pub(crate) fn tier(&self, account: u32, rules: &TierRules, own: &[bool]) -> KolTier {
        if account == NONE {
            return KolTier::Unknown;
        }
        if own.get(account as usize).copied().unwrap_or(false) {
            return KolTier::Brand;
        }
        let info = self
            .account_info
            .get(account as usize)
            .copied()
            .unwrap_or_default();
        if info.tier == Some(KolTier::Brand) {
            return KolTier::Brand;
        }
        match (info.followers, info.tier) {
            (Some(f), _) => rules.tier_of(f),
            (None, Some(t)) => t,
            (None, None) => KolTier::Unknown,
        }
    }
}

/// What an order is credited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Note(u32),
    Account(u32),
    Campaign(u32),
    General,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, ImportOptions};

    pub(crate) fn table(text: &str) -> Table {
        import("t.csv", text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .table
    }

    fn day(m: u32, d: u32) -> Day {
        Day::from_ymd(2026, m, d).unwrap()
    }

    #[test]
    fn a_notes_period_sum_is_the_sum_of_its_rows_in_the_period() {
        let notes = table(
            "note_id,date,impressions,views\n\
             a,2026-03-03,30,3\n\
             a,2026-03-01,10,1\n\
             b,2026-03-02,500,50\n\
             a,2026-03-02,20,2\n\
             a,2026-03-02,5,1\n",
        );
        let data = Dataset {
            notes: Some(notes),
            ..Dataset::default()
        };
        let p = Prepared::new(&data, &RoiSettings::default());
        assert_eq!(p.note_count(), 2);
        // The importer keeps one row per note and day (the second March 2
        // row repeats the first), so a has three days and b one.
        assert_eq!(p.daily_rows(), 4);
        let a = p.note_lookup["a"];
        let march_2_to_3 = Period::between(day(3, 2), day(3, 3));
        let bounds = p.series.bounds(a, &march_2_to_3);
        assert_eq!(p.series.sum(a, bounds, Metric::Impressions), 50.0);
        assert_eq!(p.series.sum(a, bounds, Metric::Views), 5.0);
        let all = p
            .series
            .bounds(a, &Period::everything(day(3, 1), day(3, 3)));
        assert_eq!(p.series.sum(a, all, Metric::Impressions), 60.0);
        let none = p.series.bounds(a, &Period::between(day(4, 1), day(4, 2)));
        assert_eq!(p.series.sum(a, none, Metric::Impressions), 0.0);
        assert_eq!(p.series.sum(a, all, Metric::Likes), 0.0);
        assert_eq!(p.span(), Some((day(3, 1), day(3, 3))));
    }

    /// A generated notes row: the note (`n0` to `n3`), the day of March
    /// (none: undated) and each metric's cell (none: empty).
    type NotesRow = (u8, Option<u8>, Vec<Option<i16>>);

    /// Notes files for the property below: two parts appended (the
    /// second may repeat a note's day, which the index merges), rows in any
    /// order, days missing, cells empty, and only the metrics `present`.
    /// Values are quarters when `whole` is false (so the sums do not depend
    /// on the order they are added in) and counts when it is true, which
    /// the index keeps as `u32`.
    fn notes_parts(rows: &[NotesRow], split: usize, whole: bool, present: &[bool]) -> Table {
        let header: Vec<&str> = Metric::ALL
            .iter()
            .zip(present)
            .filter(|(_, &p)| p)
            .map(|(m, _)| m.field())
            .collect();
        let csv = |rows: &[NotesRow]| {
            let mut text = format!("note_id,date,{}\n", header.join(","));
            for (note, day, values) in rows {
                let date = day.map_or(String::new(), |d| format!("2026-03-{:02}", d + 1));
                let cells: Vec<String> = values
                    .iter()
                    .zip(present)
                    .filter(|(_, &p)| p)
                    .map(|(v, _)| match v {
                        None => String::new(),
                        Some(v) if whole => v.unsigned_abs().to_string(),
                        Some(v) => (f64::from(*v) * 0.25).to_string(),
                    })
                    .collect();
                text.push_str(&format!("n{note},{date},{}\n", cells.join(",")));
            }
            table(&text)
        };
        let split = split.min(rows.len());
        let mut notes = csv(&rows[..split]);
        notes.append(&csv(&rows[split..]));
        notes
    }

    proptest::proptest! {
        #[test]
        fn period_and_undated_sums_are_the_sums_of_the_rows(
            rows in proptest::collection::vec(
                (
                    0u8..4,
                    proptest::option::weighted(0.9, 0u8..10),
                    proptest::collection::vec(proptest::option::weighted(0.8, -40i16..400), METRICS),
                ),
                0..40,
            ),
            split in 0usize..40,
            whole in proptest::bool::ANY,
            present in proptest::collection::vec(proptest::bool::weighted(0.8), METRICS),
            from in 0u8..10,
            len in 0u8..10,
        ) {
            let notes = notes_parts(&rows, split, whole, &present);
            let codes = notes.text("note_id").unwrap().codes();
            let dates = notes.times("date").unwrap();
            let period = Period::between(
                day(3, u32::from(from) + 1),
                day(3, u32::from(from) + u32::from(len) + 1),
            );
            let p = Prepared::new(
                &Dataset { notes: Some(notes.clone()), ..Dataset::default() },
                &RoiSettings::default(),
            );
            let dated = |row: usize| dates[row] != crate::table::MISSING_TIME;
            let in_period = |row: usize| {
                dated(row) && {
                    let d = Day::from_timestamp(dates[row]);
                    period.from <= d && d <= period.to
                }
            };
            // Note n's rows that `keep`, summed for `metric` (0 for a
            // metric the file lacks).
            let sum = |n: u32, metric: Metric, keep: &dyn Fn(usize) -> bool| -> f64 {
                let Some(values) = notes.numbers(metric.field()) else { return 0.0 };
                (0..notes.rows)
                    .filter(|&r| codes[r] == n && keep(r))
                    .map(|r| values[r])
                    .filter(|v| !v.is_nan())
                    .sum()
            };
            let undated_rows = (0..notes.rows).any(|r| !dated(r));
            proptest::prop_assert_eq!(p.undated.is_some(), undated_rows);
            let mut all_notes = [0.0; 2];
            for n in 0..p.note_count() as u32 {
                let bounds = p.series.bounds(n, &period);
                for metric in Metric::ALL {
                    let expected = sum(n, metric, &in_period);
                    proptest::prop_assert_eq!(p.series.sum(n, bounds, metric), expected);
                    match metric {
                        Metric::Impressions => all_notes[0] += expected,
                        Metric::Likes | Metric::Saves | Metric::Comments => all_notes[1] += expected,
                        _ => {}
                    }
                    if let Some(undated) = &p.undated {
                        let expected = sum(n, metric, &|r| !dated(r));
                        proptest::prop_assert_eq!(undated[n as usize][metric as usize], expected);
                    }
                }
            }
            // Kept whenever the counts are whole and some row has a day.
            let both = p.series.all_notes_between(period.from.0, period.to.0);
            if whole && (0..notes.rows).any(dated) {
                proptest::prop_assert_eq!(both, Some(all_notes));
            }
        }
    }

    #[test]
    fn rows_of_one_note_and_day_appended_without_dedup_are_merged() {
        let mut notes = table("note_id,date,views\na,2026-03-02,2\n");
        notes.append(&table(
            "note_id,date,views\na,2026-03-01,1\na,2026-03-02,3\n",
        ));
        let p = Prepared::new(
            &Dataset {
                notes: Some(notes),
                ..Dataset::default()
            },
            &RoiSettings::default(),
        );
        assert_eq!(p.daily_rows(), 2);
        let b = p.series.bounds(0, &Period::between(day(3, 2), day(3, 2)));
        assert_eq!(p.series.sum(0, b, Metric::Views), 5.0);
        let first = p.series.bounds(0, &Period::between(day(3, 1), day(3, 1)));
        assert_eq!(p.series.sum(0, first, Metric::Views), 1.0);
    }

    #[test]
    fn period_sums_equal_row_sums_with_and_without_gaps_in_the_days() {
        // `dense` has a row every day; `gappy` skips days, so its bounds
        // come from a binary search, dense ones from arithmetic.
        let rows = [
            ("dense", 1, 10.0),
            ("dense", 2, 20.0),
            ("dense", 3, 40.0),
            ("dense", 4, 80.0),
            ("gappy", 2, 1.0),
            ("gappy", 5, 2.0),
            ("gappy", 6, 4.0),
            ("gappy", 9, 8.0),
        ];
        let mut text = String::from("note_id,date,views\n");
        for (id, d, v) in rows {
            text.push_str(&format!("{id},2026-03-{d:02},{v}\n"));
        }
        let p = Prepared::new(
            &Dataset {
                notes: Some(table(&text)),
                ..Dataset::default()
            },
            &RoiSettings::default(),
        );
        assert_ne!(
            p.series.dense_from[p.note_lookup["dense"] as usize],
            i32::MIN
        );
        assert_eq!(
            p.series.dense_from[p.note_lookup["gappy"] as usize],
            i32::MIN
        );
        for from in 0..=11 {
            for to in from..=11 {
                let period = Period::between(day(2, 28).add_days(from), day(2, 28).add_days(to));
                for id in ["dense", "gappy"] {
                    let n = p.note_lookup[id];
                    let expected: f64 = rows
                        .iter()
                        .filter(|(i, d, _)| *i == id && period.contains(day(3, *d)))
                        .map(|r| r.2)
                        .sum();
                    let got = p.series.sum(n, p.series.bounds(n, &period), Metric::Views);
                    assert_eq!(got, expected, "{id} {from}..{to}");
                }
            }
        }
    }

    #[test]
    fn fractional_metrics_keep_exact_real_totals() {
        let notes = table("note_id,date,views\na,2026-03-01,1.5\na,2026-03-02,2.25\n");
        let p = Prepared::new(
            &Dataset {
                notes: Some(notes),
                ..Dataset::default()
            },
            &RoiSettings::default(),
        );
        assert!(matches!(p.series.totals, RunningTotals::Real(_)));
        let b = p.series.bounds(0, &Period::between(day(3, 2), day(3, 2)));
        assert_eq!(p.series.sum(0, b, Metric::Views), 2.25);
    }

    #[test]
    fn promo_code_orders_go_to_the_creators_notes_by_views() {
        let data = Dataset {
            notes: Some(table(
                "note_id,date,account,views\n\
                 n1,2026-03-01,Luna,300\n\
                 n2,2026-03-01,Luna,100\n\
                 n3,2026-03-01,Coco,100\n",
            )),
            orders: Some(table(
                "order_id,time,revenue,promo_code,utm_source\n\
                 o1,2026-03-02,400,XHS001,\n\
                 o2,2026-03-02,80,,xhs\n",
            )),
            kols: Some(table("account,followers,promo_code\nLuna,60000,xhs001\n")),
            ..Dataset::default()
        };
        let p = Prepared::new(&data, &RoiSettings::default());
        let all = Period::everything(day(3, 1), day(3, 2));
        let n1 = p.credits.notes.sum(p.note_lookup["n1"], &all);
        let n2 = p.credits.notes.sum(p.note_lookup["n2"], &all);
        assert_eq!(n1.revenue, 300.0);
        assert_eq!(n1.orders, 0.75);
        assert_eq!(n2.revenue, 100.0);
        assert_eq!(p.credits.notes.sum(p.note_lookup["n3"], &all).revenue, 0.0);
        assert_eq!(p.credits.general.sum(0, &all).revenue, 80.0);
    }
}
