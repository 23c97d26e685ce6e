//! One pass over a [`Prepared`] index for one period: every note, credited
//! order unit and cost entry the filters keep, handed to a visitor with its
//! attributes. The headline sums everything into one [`Tally`]; breakdowns
//! sum into one per group. Sharing the pass is what makes their totals agree.

use std::collections::HashMap;

use super::ledger::{LedgerItem, PayKind, PayKindCosts, Timing};
use super::period::Period;
use super::prepared::{
    format_class, match_key, Attrs, Metric, Names, NoteSums, OrderSums, Prepared, METRICS, NONE,
};
use super::settings::{KolTier, RoiSettings};
use crate::report::CostByCategory;
use crate::schema::CostCategory;

/// Everything a pass needs besides the period: the settings resolved
/// against the index (filters as code sets, hand-entered costs as ledger
/// items, tiers per account). Built once per settings change; cheap.
pub(crate) struct Context<'a> {
    pub p: &'a Prepared,
    pub s: &'a RoiSettings,
    /// Accounts and campaigns only hand-entered costs name; their codes
    /// follow the index's.
    pub extra_accounts: Names,
    pub extra_campaigns: Names,
    pub tiers: Vec<KolTier>,
    pub manual: Vec<LedgerItem>,
    pub overrides: HashMap<u32, Vec<(Timing, OrderSums)>>,
    pub video_format: Vec<bool>,
    filter: Filter,
    /// Cost entries in a currency that is neither CNY nor the settings'
    /// currency, counted as CNY.
    pub unconverted: usize,
}

#[derive(Default)]
struct Filter {
    accounts: Option<Vec<bool>>,
    campaigns: Option<Vec<bool>>,
    formats: Option<Vec<bool>>,
    content_types: Option<Vec<bool>>,
    tiers: Option<[bool; 6]>,
}

fn passes(set: &Option<Vec<bool>>, code: u32) -> bool {
    match set {
        None => true,
        Some(allowed) => code != NONE && allowed.get(code as usize).copied().unwrap_or(false),
    }
}

impl<'a> Context<'a> {
    /// What the files and the hand-entered costs can tell.
    pub fn known(&self) -> super::figures::Known {
        super::figures::Known {
            costs: self.p.known.costs || !self.manual.is_empty(),
            ..self.p.known
        }
    }

    pub fn new(p: &'a Prepared, s: &'a RoiSettings) -> Context<'a> {
        let mut ctx = Context {
            p,
            s,
            extra_accounts: Names::default(),
            extra_campaigns: Names::default(),
            tiers: Vec::new(),
            manual: Vec::new(),
            overrides: HashMap::new(),
            video_format: (0..p.formats.len() as u32)
                .map(|f| p.formats.label(f) == "video")
                .collect(),
            filter: Filter::default(),
            unconverted: 0,
        };
        for entry in &s.manual_costs {
            let own = Attrs {
                account: entry
                    .account
                    .as_deref()
                    .map_or(NONE, |a| ctx.account_code(a)),
                campaign: entry
                    .campaign
                    .as_deref()
                    .map_or(NONE, |c| ctx.campaign_code(c)),
                ..Attrs::EMPTY
            };
            let item = LedgerItem {
                category: entry.category,
                amount: entry.amount,
                commission_rate: entry
                    .commission_rate
                    .filter(|r| r.is_finite())
                    .unwrap_or(0.0),
                timing: Timing::new(entry.date, entry.end),
                attrs: p.resolve(entry.note_id.as_deref(), own),
                pay_kind: entry.pay_kind,
                currency: entry
                    .currency
                    .as_deref()
                    .filter(|c| !super::settings::Currency::is_cny(c))
                    .map(Box::from),
            };
            ctx.manual.push(item);
        }
        for o in &s.credit_overrides {
            if let Some(&note) = p.note_lookup.get(&match_key(&o.note_id)) {
                let sums = OrderSums {
                    revenue: o.revenue,
                    orders: o.orders,
                    ..OrderSums::default()
                };
                ctx.overrides
                    .entry(note)
                    .or_default()
                    .push((Timing::new(o.from, o.to), sums));
            }
        }
        let own: Vec<bool> = (0..ctx.account_count() as u32)
            .map(|a| {
                s.tiers
                    .own_accounts
                    .iter()
                    .any(|name| match_key(name) == match_key(ctx.account_label(a)))
            })
            .collect();
        ctx.tiers = (0..ctx.account_count() as u32)
            .map(|a| p.tier(a, &s.tiers, &own))
            .collect();
        ctx.filter = ctx.resolve_filter();
        for item in p.ledger.iter().chain(&ctx.manual) {
            if let Some(code) = &item.currency {
                if !code.eq_ignore_ascii_case(s.currency.code.trim()) {
                    ctx.unconverted += 1;
                }
            }
        }
        ctx
    }

    fn account_code(&mut self, name: &str) -> u32 {
        if let Some(code) = self.p.accounts.find(name) {
            return code;
        }
        self.extra_accounts
            .intern(name)
            .map_or(NONE, |c| c + self.p.accounts.len() as u32)
    }

    fn campaign_code(&mut self, name: &str) -> u32 {
        if let Some(code) = self.p.campaigns.find(name) {
            return code;
        }
        self.extra_campaigns
            .intern(name)
            .map_or(NONE, |c| c + self.p.campaigns.len() as u32)
    }

    pub fn account_count(&self) -> usize {
        self.p.accounts.len() + self.extra_accounts.len()
    }

    pub fn campaign_count(&self) -> usize {
        self.p.campaigns.len() + self.extra_campaigns.len()
    }

    pub fn account_label(&self, code: u32) -> &str {
        let known = self.p.accounts.len() as u32;
        if code < known {
            self.p.accounts.label(code)
        } else {
            self.extra_accounts.label(code - known)
        }
    }

    pub fn campaign_label(&self, code: u32) -> &str {
        let known = self.p.campaigns.len() as u32;
        if code < known {
            self.p.campaigns.label(code)
        } else {
            self.extra_campaigns.label(code - known)
        }
    }

    pub fn tier(&self, account: u32) -> KolTier {
        if account == NONE {
            return KolTier::Unknown;
        }
        self.tiers
            .get(account as usize)
            .copied()
            .unwrap_or(KolTier::Unknown)
    }

    pub fn followers(&self, account: u32) -> Option<f64> {
        self.p
            .account_info
            .get(account as usize)
            .and_then(|i| i.followers)
    }

    fn resolve_filter(&self) -> Filter {
        let f = &self.s.filters;
        let by_name = |names: &[String], count: usize, label: &dyn Fn(u32) -> String| {
            (!names.is_empty()).then(|| {
                let wanted: Vec<String> = names.iter().map(|n| match_key(n)).collect();
                (0..count as u32)
                    .map(|code| wanted.contains(&match_key(&label(code))))
                    .collect()
            })
        };
        let formats: Vec<String> = f
            .formats
            .iter()
            .map(|name| format_class(name).unwrap_or(name).to_string())
            .collect();
        Filter {
            accounts: by_name(&f.accounts, self.account_count(), &|c| {
                self.account_label(c).to_string()
            }),
            campaigns: by_name(&f.campaigns, self.campaign_count(), &|c| {
                self.campaign_label(c).to_string()
            }),
            formats: by_name(&formats, self.p.formats.len(), &|c| {
                self.p.formats.label(c).to_string()
            }),
            content_types: by_name(&f.content_types, self.p.content_types.len(), &|c| {
                self.p.content_types.label(c).to_string()
            }),
            tiers: (!f.tiers.is_empty()).then(|| {
                let mut allowed = [false; 6];
                for &t in &f.tiers {
                    allowed[t as usize] = true;
                }
                allowed
            }),
        }
    }

    /// Whether the filters keep something with these attributes: every
    /// active filter must see a matching value.
    /// Whether no filter is set, so every note is admitted.
    pub fn admits_every_note(&self) -> bool {
        let f = &self.filter;
        f.accounts.is_none()
            && f.campaigns.is_none()
            && f.formats.is_none()
            && f.content_types.is_none()
            && f.tiers.is_none()
    }

    pub fn admits(&self, a: &Attrs) -> bool {
        let f = &self.filter;
        passes(&f.accounts, a.account)
            && passes(&f.campaigns, a.campaign)
            && passes(&f.formats, a.format)
            && passes(&f.content_types, a.content_type)
            && f.tiers
                .is_none_or(|allowed| a.account != NONE && allowed[self.tier(a.account) as usize])
    }

    /// A note's credited orders in the period: overrides when it has any.
    pub fn note_credit(&self, note: u32, period: &Period) -> OrderSums {
        match self.overrides.get(&note) {
            Some(list) => {
                let mut out = OrderSums::default();
                for (timing, sums) in list {
                    out.add(&sums.scaled(timing.share_in(period)));
                }
                out
            }
            None => self.p.credits.notes.sum(note, period),
        }
    }

    /// Revenue credited (in the period) to what a cost is tied to: its
    /// note; its creator's notes (of its campaign, if it names one) and
    /// orders; its campaign's notes and orders; or all of Xiaohongshu's.
    fn credited_revenue(&self, a: &Attrs, period: &Period) -> f64 {
        let p = self.p;
        let notes_revenue = |notes: &[u32], campaign: u32| -> f64 {
            notes
                .iter()
                .filter(|&&n| campaign == NONE || p.notes.attrs[n as usize].campaign == campaign)
                .map(|&n| self.note_credit(n, period).revenue)
                .sum()
        };
        if a.note != NONE {
            self.note_credit(a.note, period).revenue
        } else if a.account != NONE {
            let residual = if a.campaign == NONE {
                p.credits.accounts.sum(a.account, period).revenue
            } else {
                0.0
            };
            residual + notes_revenue(p.notes_by_account.of(a.account), a.campaign)
        } else if a.campaign != NONE {
            p.credits.campaigns.sum(a.campaign, period).revenue
                + notes_revenue(p.notes_by_campaign.of(a.campaign), NONE)
        } else {
            let mut total = p.credits.general.sum(0, period).revenue;
            for k in 0..p.credits.accounts.keys() as u32 {
                total += p.credits.accounts.sum(k, period).revenue;
            }
            for k in 0..p.credits.campaigns.keys() as u32 {
                total += p.credits.campaigns.sum(k, period).revenue;
            }
            for n in 0..p.note_count() as u32 {
                total += self.note_credit(n, period).revenue;
            }
            total
        }
    }

    /// A ledger item's cost in the period, in CNY, after its multiplier.
    fn cost_of(&self, item: &LedgerItem, period: &Period) -> f64 {
        let mut amount = item.amount * item.timing.share_in(period);
        if item.commission_rate != 0.0 {
            if let Some(within) = item.timing.within(period) {
                amount += item.commission_rate * self.credited_revenue(&item.attrs, &within);
            }
        }
        if let Some(code) = &item.currency {
            if code.eq_ignore_ascii_case(self.s.currency.code.trim()) {
                amount *= self.s.currency.cny_per_unit;
            }
        }
        amount * self.s.cost_multipliers.get(item.category)
    }

    /// The EMV of a note's sums at its format's benchmarks (CNY).
    fn emv(&self, format: u32, sums: &NoteSums) -> f64 {
        let video = format != NONE && self.video_format.get(format as usize) == Some(&true);
        let b = if video {
            self.s.emv.video
        } else {
            self.s.emv.image
        };
        sums[Metric::Impressions as usize] / 1000.0 * b.cpm + interactions(sums) * b.cpe
    }

    /// Visits everything the filters keep in `period`.
    pub fn walk(&self, period: &Period, visit: &mut impl FnMut(&Attrs, Item<'_>)) {
        let p = self.p;
        // The KOL table's follower counts are current: followers at the
        // period's start are those minus what all the account's notes
        // (kept or not) gained since. Summed here, in note order, to read
        // the running totals sequentially.
        let since_start = if period.all {
            *period
        } else {
            Period::between(period.from, crate::time::Day(i32::MAX))
        };
        let mut gained = vec![0.0; self.account_count()];
        let mut seen = vec![false; self.account_count()];
        for n in 0..p.note_count() as u32 {
            let attrs = &p.notes.attrs[n as usize];
            let follower_base = attrs.account != NONE && self.followers(attrs.account).is_some();
            if follower_base {
                let b = p.series.bounds(n, &since_start);
                gained[attrs.account as usize] += p.series.sum(n, b, Metric::NewFollowers);
            }
            if !self.admits(attrs) {
                continue;
            }
            let bounds = p.series.bounds(n, period);
            let mut sums = p.series.sums(n, bounds);
            let mut active = bounds.1 > bounds.0;
            if period.all {
                if let Some(undated) = &p.undated {
                    let u = &undated[n as usize];
                    if u.iter().any(|&v| v != 0.0) {
                        active = true;
                    }
                    for (s, v) in sums.iter_mut().zip(u) {
                        *s += v;
                    }
                }
            }
            let credit = self.note_credit(n, period);
            let published_in = p.notes.published[n as usize].is_some_and(|d| period.contains(d));
            if follower_base {
                seen[attrs.account as usize] = true;
            }
            visit(
                attrs,
                Item::Note {
                    sums: &sums,
                    credit: &credit,
                    emv: self.emv(attrs.format, &sums),
                    active,
                    published_in,
                    own: self.tier(attrs.account) == KolTier::Brand,
                    follower_base,
                },
            );
        }
        for (account, _) in seen.iter().enumerate().filter(|(_, &s)| s) {
            if let Some(followers) = self.followers(account as u32) {
                let attrs = Attrs {
                    account: account as u32,
                    ..Attrs::EMPTY
                };
                visit(&attrs, Item::FollowersAtStart(followers - gained[account]));
            }
        }
        let units = [
            (&p.credits.accounts, 0u8),
            (&p.credits.campaigns, 1),
            (&p.credits.general, 2),
        ];
        for (keyed, kind) in units {
            for key in 0..keyed.keys() as u32 {
                let attrs = match kind {
                    0 => Attrs {
                        account: key,
                        ..Attrs::EMPTY
                    },
                    1 => Attrs {
                        campaign: key,
                        ..Attrs::EMPTY
                    },
                    _ => Attrs::EMPTY,
                };
                if !self.admits(&attrs) {
                    continue;
                }
                let sums = keyed.sum(key, period);
                if sums != OrderSums::default() {
                    visit(&attrs, Item::Credit(&sums));
                }
            }
        }
        for item in p.ledger.iter().chain(&self.manual) {
            if !self.admits(&item.attrs) {
                continue;
            }
            let amount = self.cost_of(item, period);
            if amount != 0.0 {
                visit(
                    &item.attrs,
                    Item::Cost {
                        category: item.category,
                        pay_kind: item.pay_kind,
                        amount,
                    },
                );
            }
        }
    }
}

/// likes + saves + comments.
pub(crate) fn interactions(sums: &NoteSums) -> f64 {
    sums[Metric::Likes as usize] + sums[Metric::Saves as usize] + sums[Metric::Comments as usize]
}

/// One thing a pass visits.
pub(crate) enum Item<'x> {
    Note {
        sums: &'x NoteSums,
        credit: &'x OrderSums,
        emv: f64,
        /// Has rows in the period.
        active: bool,
        published_in: bool,
        /// Posted by the brand's own account.
        own: bool,
        /// The account's follower count is known.
        follower_base: bool,
    },
    /// Orders credited to a creator, campaign or nothing more specific.
    Credit(&'x OrderSums),
    /// A creator's followers at the period's start.
    FollowersAtStart(f64),
    Cost {
        category: CostCategory,
        pay_kind: Option<PayKind>,
        amount: f64,
    },
}

/// Sums over what a pass visited (CNY).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub notes: f64,
    pub published: f64,
    pub ugc: f64,
    pub m: NoteSums,
    pub emv: f64,
    pub credit: OrderSums,
    pub cost: CostByCategory,
    pub kol_pay: PayKindCosts,
    /// Followers at the start and new followers in the period, of accounts
    /// with a known follower count.
    pub followers_at_start: f64,
    pub new_followers_of_known: f64,
    pub follower_accounts: f64,
}

impl Tally {
    pub fn add(&mut self, item: &Item<'_>) {
        match *item {
            Item::Note {
                sums,
                credit,
                emv,
                active,
                published_in,
                own,
                follower_base,
            } => {
                self.notes += f64::from(u8::from(active || published_in));
                self.published += f64::from(u8::from(published_in));
                self.ugc += f64::from(u8::from(published_in && !own));
                for (a, b) in self.m.iter_mut().zip(sums.iter()) {
                    *a += b;
                }
                if follower_base {
                    self.new_followers_of_known += sums[Metric::NewFollowers as usize];
                }
                self.emv += emv;
                self.credit.add(credit);
            }
            Item::Credit(sums) => self.credit.add(sums),
            Item::FollowersAtStart(f) => {
                self.followers_at_start += f;
                self.follower_accounts += 1.0;
            }
            Item::Cost {
                category,
                pay_kind,
                amount,
            } => {
                self.cost.add(category, amount);
                if category == CostCategory::Kol {
                    self.kol_pay.add(pay_kind, amount);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.notes == 0.0
            && self.m.iter().all(|&v| v == 0.0)
            && self.credit == OrderSums::default()
            && self.cost.total() == 0.0
    }

    pub fn metric(&self, m: Metric) -> f64 {
        self.m[m as usize]
    }
}

const _: () = assert!(METRICS == Metric::ALL.len());
