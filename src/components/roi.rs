//! The ROI view: the controls that change it (objective, period, baseline,
//! filters, currency, value settings), the objective's leading KPI cards
//! with their changes, the return in its three parts, the breakdown table
//! and the funnel. Every figure comes from `xhs_roi_engine::roi`, the same
//! functions `xhs-roi report` prints, so tests compare them to the digit.

use std::sync::Arc;

use leptos::prelude::*;
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::roi::{
    self, Breakdown, BreakdownRow, DateRange, Figures, GroupBy, KolTier, KpiId, KpiUnit, Objective,
    Prepared, RoiSettings,
};
use xhs_roi_engine::time::Day;

use crate::charts::{self, interactive::InteractiveChart};
use crate::components::kpi_card::{data_value, show, show_headline, whole_when_shortened};
use crate::i18n_roi::{group_label, kpi_label, objective_label, roi_texts, RoiTexts};
use crate::state::AppState;

/// A change: relative for amounts, in percentage points for rates; from
/// zero (no relative change exists) the amount itself, signed.
fn show_change(
    unit: KpiUnit,
    change: Option<roi::Change>,
    locale: Locale,
    symbol: &str,
) -> Option<(String, bool)> {
    let change = change?;
    let text = match (unit, change.relative) {
        (KpiUnit::Fraction, _) => format!("{:+.1} pt", change.absolute * 100.0),
        (_, Some(relative)) => format!("{:+.1}%", relative * 100.0),
        (_, None) => {
            let sign = if change.absolute < 0.0 { "-" } else { "+" };
            let amount = show(unit, Some(change.absolute.abs()), locale, symbol);
            format!("{sign}{amount}")
        }
    };
    Some((text, change.absolute >= 0.0))
}

fn texts(state: AppState) -> &'static RoiTexts {
    roi_texts(state.locale.get())
}

/// Objective, period, baseline, filters, currency and the value settings.
#[component]
pub fn RoiControls() -> impl IntoView {
    let state = AppState::expect();
    let settings = state.roi_settings;
    let edit = move |update: Box<dyn FnOnce(&mut RoiSettings)>| settings.update(|s| update(s));
    let span = move || state.prepared.with(|p| p.as_ref().and_then(|p| p.span()));
    let iso = |day: Option<Day>| day.map(Day::iso).unwrap_or_default();

    let date_input = move |label: fn(&RoiTexts) -> &'static str,
                           testid: &'static str,
                           get: fn(&RoiSettings) -> Option<Day>,
                           set: fn(&mut RoiSettings, Option<Day>)| {
        view! {
            <label class="field">
                <span>{move || label(texts(state))}</span>
                <input type="date" data-testid=testid
                    prop:value=move || settings.with(|s| iso(get(s)))
                    on:change=move |e| {
                        let day = Day::parse_iso(&event_target_value(&e));
                        edit(Box::new(move |s| set(s, day)));
                    }/>
            </label>
        }
    };
    let preset = move |days: Option<u32>| {
        move |_| {
            let range = match (days, span()) {
                (Some(n), Some((_, last))) => DateRange::between(last.add_days(1 - n as i32), last),
                _ => DateRange::all(),
            };
            edit(Box::new(move |s| s.range = range));
        }
    };
    let options = move |values: Vec<String>| {
        values
            .into_iter()
            .map(|v| view! { <option value=v.clone()>{v.clone()}</option> })
            .collect_view()
    };
    let filter = move |label: fn(&RoiTexts) -> &'static str,
                       testid: &'static str,
                       values: fn(&roi::Prepared) -> Vec<&str>,
                       get: fn(&RoiSettings) -> &Vec<String>,
                       set: fn(&mut RoiSettings, Vec<String>)| {
        let choices = move || {
            state.prepared.with(|p| {
                p.as_ref()
                    .map(|p| {
                        values(p)
                            .into_iter()
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        };
        view! {
            <label class="field">
                <span>{move || label(texts(state))}</span>
                <select data-testid=testid
                    prop:value=move || settings.with(|s| get(s).first().cloned().unwrap_or_default())
                    on:change=move |e| {
                        let value = event_target_value(&e);
                        let list = if value.is_empty() { Vec::new() } else { vec![value] };
                        edit(Box::new(move |s| set(s, list)));
                    }>
                    <option value="">{move || texts(state).any}</option>
                    {move || options(choices())}
                </select>
            </label>
        }
    };
    let number = move |label: fn(&RoiTexts) -> &'static str,
                       testid: &'static str,
                       get: fn(&RoiSettings) -> f64,
                       set: fn(&mut RoiSettings, f64)| {
        view! {
            <label class="field narrow">
                <span>{move || label(texts(state))}</span>
                <input type="number" min="0" step="any" inputmode="decimal" data-testid=testid
                    prop:value=move || settings.with(|s| get(s).to_string())
                    on:change=move |e| {
                        if let Ok(v) = event_target_value(&e).trim().parse::<f64>() {
                            if v.is_finite() && v >= 0.0 {
                                edit(Box::new(move |s| set(s, v)));
                            }
                        }
                    }/>
            </label>
        }
    };

    // A comma-separated list (ASCII or Chinese commas).
    let list_input = move |label: fn(&RoiTexts) -> &'static str,
                           testid: &'static str,
                           get: fn(&RoiSettings) -> &Vec<String>,
                           set: fn(&mut RoiSettings, Vec<String>)| {
        view! {
            <label class="field wide">
                <span>{move || label(texts(state))}</span>
                <input type="text" data-testid=testid
                    prop:value=move || settings.with(|s| get(s).join(", "))
                    on:change=move |e| {
                        let list: Vec<String> = event_target_value(&e)
                            .split([',', '，', '、'])
                            .map(str::trim)
                            .filter(|p| !p.is_empty())
                            .map(str::to_string)
                            .collect();
                        edit(Box::new(move |s| set(s, list)));
                    }/>
            </label>
        }
    };
    view! {
        <section class="panel roi-controls" data-testid="roi-controls" aria-label=move || texts(state).controls_title>
            <div class="plan-controls">
                <label class="field">
                    <span>{move || texts(state).objective_label}</span>
                    <select data-testid="objective"
                        prop:value=move || settings.with(|s| s.objective.name().to_string())
                        on:change=move |e| {
                            if let Some(o) = Objective::parse(&event_target_value(&e)) {
                                edit(Box::new(move |s| s.objective = o));
                            }
                        }>
                        {Objective::ALL.map(|o| view! { <option value=o.name()>{move || objective_label(o, state.locale.get())}</option> }).collect_view()}
                    </select>
                </label>
                {date_input(|t| t.from_label, "period-from", |s| s.range.from, |s, d| s.range.from = d)}
                {date_input(|t| t.to_label, "period-to", |s| s.range.to, |s, d| s.range.to = d)}
                <div class="preset-buttons" role="group" aria-label=move || texts(state).period_label>
                    <button type="button" class="button button-small" on:click=preset(None)>{move || texts(state).all_data}</button>
                    <button type="button" class="button button-small" on:click=preset(Some(30))>{move || (texts(state).last_days)(30)}</button>
                    <button type="button" class="button button-small" on:click=preset(Some(90))>{move || (texts(state).last_days)(90)}</button>
                </div>
                {date_input(|t| t.baseline_label, "baseline-from", |s| s.baseline.and_then(|b| b.from), |s, d| {
                    let mut b = s.baseline.unwrap_or_default();
                    b.from = d;
                    s.baseline = (!b.is_all()).then_some(b);
                })}
                {date_input(|_| "→", "baseline-to", |s| s.baseline.and_then(|b| b.to), |s, d| {
                    let mut b = s.baseline.unwrap_or_default();
                    b.to = d;
                    s.baseline = (!b.is_all()).then_some(b);
                })}
            </div>
            // A form of their own: the browser's autofill, which looks at every
            // control of the form a changed control belongs to (all the
            // page's controls outside any form), looks at these few.
            <form class="plan-controls filters" role="group" aria-label=move || texts(state).filters_label
                on:submit=|e| e.prevent_default()>
                {filter(|t| t.campaign_label, "filter-campaign", |p| p.campaigns(), |s| &s.filters.campaigns, |s, v| s.filters.campaigns = v)}
                {filter(|t| t.format_label, "filter-format", |p| p.formats(), |s| &s.filters.formats, |s, v| s.filters.formats = v)}
                {filter(|t| t.content_type_label, "filter-content-type", |p| p.content_types(), |s| &s.filters.content_types, |s, v| s.filters.content_types = v)}
                {filter(|t| t.account_label, "filter-account", |p| p.accounts(), |s| &s.filters.accounts, |s, v| s.filters.accounts = v)}
                <label class="field">
                    <span>{move || texts(state).tier_label}</span>
                    <select data-testid="filter-tier"
                        prop:value=move || settings.with(|s| s.filters.tiers.first().map(|t| t.name().to_string()).unwrap_or_default())
                        on:change=move |e| {
                            let tier = KolTier::parse(&event_target_value(&e));
                            edit(Box::new(move |s| s.filters.tiers = tier.into_iter().collect()));
                        }>
                        <option value="">{move || texts(state).any}</option>
                        {KolTier::ALL.iter().enumerate().map(|(i, t)| view! { <option value=t.name()>{move || texts(state).tiers[i]}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || texts(state).currency_label}</span>
                    <select data-testid="currency"
                        prop:value=move || settings.with(|s| s.currency.code.clone())
                        on:change=move |e| {
                            let code = event_target_value(&e);
                            edit(Box::new(move |s| {
                                if code == "CNY" { s.currency.cny_per_unit = 1.0; }
                                s.currency.code = code;
                            }));
                        }>
                        {["CNY", "USD", "EUR", "HKD", "GBP", "JPY"].map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || settings.with(|s| s.currency.code != "CNY")>
                    {number(|t| t.rate_label, "currency-rate", |s| s.currency.cny_per_unit, |s, v| if v > 0.0 { s.currency.cny_per_unit = v })}
                </Show>
            </form>
            <details class="value-settings">
                <summary>{move || texts(state).value_settings}</summary>
                <div class="plan-controls">
                    {number(|t| t.emv_image_cpm, "emv-image-cpm", |s| s.emv.image.cpm, |s, v| s.emv.image.cpm = v)}
                    {number(|t| t.emv_image_cpe, "emv-image-cpe", |s| s.emv.image.cpe, |s, v| s.emv.image.cpe = v)}
                    {number(|t| t.emv_video_cpm, "emv-video-cpm", |s| s.emv.video.cpm, |s, v| s.emv.video.cpm = v)}
                    {number(|t| t.emv_video_cpe, "emv-video-cpe", |s| s.emv.video.cpe, |s, v| s.emv.video.cpe = v)}
                    {number(|t| t.clv_purchases, "clv-purchases", |s| s.clv.purchases_per_year, |s, v| s.clv.purchases_per_year = v)}
                    {number(|t| t.clv_years, "clv-years", |s| s.clv.years, |s, v| s.clv.years = v)}
                    <label class="field narrow">
                        <span>{move || texts(state).clv_retention}</span>
                        <input type="number" min="0" max="0.99" step="0.05" inputmode="decimal" data-testid="clv-retention"
                            prop:value=move || settings.with(|s| s.clv.retention.map(|r| r.to_string()).unwrap_or_default())
                            on:change=move |e| {
                                let text = event_target_value(&e);
                                let retention = text.trim().parse::<f64>().ok().filter(|r| (0.0..1.0).contains(r));
                                if text.trim().is_empty() || retention.is_some() {
                                    edit(Box::new(move |s| s.clv.retention = retention));
                                }
                            }/>
                    </label>
                    {number(|t| t.clv_discount, "clv-discount", |s| s.clv.discount, |s, v| s.clv.discount = v)}
                    {number(|t| t.weight_brand, "weight-brand", |s| s.weights.brand, |s, v| s.weights.brand = v)}
                    {number(|t| t.weight_future, "weight-future", |s| s.weights.future, |s, v| s.weights.future = v)}
                </div>
            </details>
            <details class="value-settings">
                <summary>{move || texts(state).source_rules_title}</summary>
                <p class="panel-caption">{move || texts(state).source_rules_help}</p>
                <div class="plan-controls">
                    {list_input(|t| t.utm_sources_label, "rule-utm-sources", |s| &s.source_rules.utm_sources, |s, v| s.source_rules.utm_sources = v)}
                    {list_input(|t| t.promo_prefixes_label, "rule-promo-prefixes", |s| &s.source_rules.promo_prefixes, |s, v| s.source_rules.promo_prefixes = v)}
                    {list_input(|t| t.landing_fragments_label, "rule-landing", |s| &s.source_rules.landing_fragments, |s, v| s.source_rules.landing_fragments = v)}
                    {list_input(|t| t.qr_prefixes_label, "rule-qr-prefixes", |s| &s.source_rules.qr_prefixes, |s, v| s.source_rules.qr_prefixes = v)}
                </div>
            </details>
        </section>
    }
}

/// One card of the ROI view: value, and its change against the previous
/// period and the baseline. `data-card`/`data-value` carry the exact number.
/// The card stays while its KPI is shown; a change of settings only patches
/// its texts, value and classes.
fn card_view(state: AppState, id: KpiId) -> impl IntoView {
    let card = Memo::new(move |_| {
        state
            .roi
            .with(|r| r.as_ref().and_then(|r| r.card(id).cloned()))
    });
    let symbol = Memo::new(move |_| state.currency_symbol());
    let unit = id.unit();
    let value = move || {
        card.with(|c| {
            show_headline(
                unit,
                c.as_ref().and_then(|c| c.value),
                state.locale.get(),
                &symbol.read(),
            )
        })
    };
    let whole = move || {
        card.with(|c| {
            let value = c.as_ref().and_then(|c| c.value);
            whole_when_shortened(unit, value, state.locale.get(), &symbol.read())
        })
    };
    let change = move |label: fn(&RoiTexts) -> &'static str,
                       read: fn(&roi::Card) -> Option<roi::Change>| {
        let shown = Memo::new(move |_| {
            card.with(|c| {
                show_change(
                    unit,
                    c.as_ref().and_then(read),
                    state.locale.get(),
                    &symbol.read(),
                )
            })
        });
        let up = move || shown.with(|s| s.as_ref().is_some_and(|s| s.1));
        view! {
            <Show when=move || shown.with(Option::is_some)>
                <span class="change" class:up=up class:down=move || !up() title=move || label(texts(state))>
                    {move || shown.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default())}
                    " " <span class="muted">{move || label(texts(state))}</span>
                </span>
            </Show>
        }
    };
    view! {
        <article class="kpi-card roi-card" data-card=id.name()
            data-value=move || card.with(|c| c.as_ref().and_then(|c| c.value).map(|v| v.to_string()).unwrap_or_default())>
            <h3 class="kpi-label">{move || kpi_label(id, state.locale.get())}</h3>
            <p class="kpi-value" title=whole>{value}</p>
            {(!id.is_computed()).then(|| view! { <p class="kpi-help">{move || texts(state).not_computed}</p> })}
            {change(|t| t.vs_previous, |c| c.vs_previous)}
            {change(|t| t.vs_baseline, |c| c.vs_baseline)}
        </article>
    }
}

/// The cards the objective leads with, then every KPI on demand.
#[component]
pub fn LeadKpis() -> impl IntoView {
    let state = AppState::expect();
    // The other cards are built only while their list is open: forty cards
    // nobody looks at would slow every filter change.
    let all_open = RwSignal::new(false);
    // Which cards: they change with the objective, not with the figures.
    let lead = Memo::new(move |_| {
        state.roi.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.lead_kpis
                        .iter()
                        .copied()
                        .filter(|&id| r.card(id).is_some())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let rest = Memo::new(move |_| {
        if !all_open.get() {
            return Vec::new();
        }
        state.roi.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.cards
                        .iter()
                        .filter(|c| !r.lead_kpis.contains(&c.id) && c.id.is_computed())
                        .map(|c| c.id)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let objective = Memo::new(move |_| state.roi.with(|r| r.as_ref().map(|r| r.objective)));
    let period = move || {
        let t = texts(state);
        state.roi.with(|r| {
            r.as_ref().map(|r| {
                if r.dated {
                    (t.period_caption)(&r.period.from.iso(), &r.period.to.iso())
                } else {
                    t.period_undated.to_string()
                }
            })
        })
    };
    view! {
        <section class="panel lead-kpis" data-testid="lead-kpis"
            data-objective=move || objective.get().map(|o| o.name()).unwrap_or_default()>
            <h2 class="panel-title">{move || {
                let locale = state.locale.get();
                objective.get().map(|o| (texts(state).lead_title)(objective_label(o, locale)))
            }}</h2>
            <p class="panel-caption">{period}</p>
            <div class="kpi-grid roi-grid">
                <For each=move || lead.get() key=|id| *id children=move |id| card_view(state, id)/>
            </div>
            <details class="all-kpis" data-testid="all-kpis" prop:open=move || all_open.get()
                on:toggle=move |e| {
                    use wasm_bindgen::JsCast;
                    if let Some(details) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                        if details.open() != all_open.get_untracked() {
                            all_open.set(details.open());
                        }
                    }
                }>
                <summary>{move || texts(state).all_kpis}</summary>
                <div class="kpi-grid roi-grid">
                    <For each=move || rest.get() key=|id| *id children=move |id| card_view(state, id)/>
                </div>
            </details>
        </section>
    }
}

/// Direct net profit, weighted brand value and weighted future value, apart
/// and blended.
#[component]
pub fn ReturnsPanel() -> impl IntoView {
    let state = AppState::expect();
    move || {
        let report = state.roi.get()?;
        let locale = state.locale.get();
        let t = texts(state);
        let symbol = state.currency_symbol();
        let r = &report.current.returns;
        let money = |v: f64| format::money(v, locale, &symbol);
        let parts = [
            ("direct", t.direct_part.to_string(), r.direct_net_profit),
            (
                "brand",
                (t.brand_part)(&format::grouped(r.weight_brand, 2)),
                r.weight_brand * r.emv,
            ),
            (
                "future",
                (t.future_part)(&format::grouped(r.weight_future, 2)),
                r.weight_future * r.future_value,
            ),
        ];
        let max = parts
            .iter()
            .map(|p| p.2.abs())
            .fold(0.0, f64::max)
            .max(1e-9);
        let rows = parts
            .into_iter()
            .map(|(key, label, value)| {
                // No bar for a part the files cannot tell (no cost loaded).
                let share = if value.is_finite() { value.abs() / max } else { 0.0 };
                let width = format!("{:.1}%", share * 100.0);
                view! {
                    <li data-part=key data-value=data_value(value)>
                        <span class="bar-label">{label}</span>
                        <span class="bar-track"><span class="bar-fill" class:negative=value < 0.0 style:width=width></span></span>
                        <span class="bar-value">{money(value)}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="panel returns" data-testid="returns">
                <h2 class="panel-title">{t.returns_title}</h2>
                <p class="panel-caption">{t.returns_caption}</p>
                <ul class="bars returns-bars">{rows}</ul>
                <p class="returns-total">
                    <span>{t.blended_total} ": "</span>
                    <strong data-value=data_value(r.blended_total)>{money(r.blended_total)}</strong>
                    " · " {kpi_label(KpiId::BlendedRoi, locale)} " "
                    <strong data-testid="blended-roi" data-value=r.blended_roi.map(|v| v.to_string()).unwrap_or_default()>
                        {format::or_missing(r.blended_roi, format::percent)}
                    </strong>
                </p>
            </section>
        })
    }
}

/// Rows of a breakdown drawn before "show all".
const ROWS_SHOWN: usize = 50;

/// A breakdown column: its header, the value of a row and how it is written.
struct Column {
    kpi: KpiId,
    read: fn(&Figures) -> Option<f64>,
}

impl Column {
    /// The column's value, `None` when missing: a figure the files cannot
    /// tell is NaN in the engine (no notes, no costs, no orders).
    fn value(&self, f: &Figures) -> Option<f64> {
        (self.read)(f).filter(|v| !v.is_nan())
    }
}

const COLUMNS: [Column; 10] = [
    Column {
        kpi: KpiId::Impressions,
        read: |f| Some(f.impressions),
    },
    Column {
        kpi: KpiId::Views,
        read: |f| Some(f.views),
    },
    Column {
        kpi: KpiId::Interactions,
        read: |f| Some(f.interactions),
    },
    Column {
        kpi: KpiId::EngagementRate,
        read: |f| f.engagement_rate,
    },
    Column {
        kpi: KpiId::CostTotal,
        // Missing (NaN) when no cost is loaded.
        read: |f| f.value(KpiId::CostTotal),
    },
    Column {
        kpi: KpiId::Cpe,
        read: |f| f.cpe,
    },
    Column {
        kpi: KpiId::Cpv,
        read: |f| f.cpv,
    },
    Column {
        kpi: KpiId::Cpm,
        read: |f| f.cpm,
    },
    Column {
        kpi: KpiId::Revenue,
        // Missing (NaN) when no orders are loaded.
        read: |f| f.value(KpiId::Revenue),
    },
    Column {
        kpi: KpiId::Roi,
        read: |f| f.roi,
    },
];

/// Groups of the period: per note, KOL, tier, format, content type or
/// campaign; sortable, with the part no group claims and the totals.
#[component]
pub fn BreakdownPanel() -> impl IntoView {
    let state = AppState::expect();
    let by = RwSignal::new(GroupBy::Kol);
    // Column index (None: the name) and descending.
    let sort: RwSignal<(Option<usize>, bool)> = RwSignal::new((Some(4), true));
    // Thousands of creators make thousands of rows: the first ones are
    // drawn, the rest on request (the CSV always has them all).
    let show_all = RwSignal::new(false);
    let section = NodeRef::<leptos::html::Section>::new();
    let table: Memo<Option<Arc<Arc<Breakdown>>>> =
        below_the_fold(state, "xhs-roi-breakdown", section, move |p, s| {
            shared_breakdown(p, s, by.get())
        });
    let export = move |_| {
        if let Some(b) = table.get_untracked() {
            let name = format!("xhs-roi-by-{}.csv", b.by.name());
            crate::download::download_text(&name, "text/csv;charset=utf-8", &b.csv());
        }
    };
    let body = move || {
        let b = table.get()?;
        let locale = state.locale.get();
        let t = texts(state);
        let symbol = state.currency_symbol();
        let (column, descending) = sort.get();
        let mut rows: Vec<&BreakdownRow> = b.rows.iter().collect();
        let rows_total = rows.len();
        match column {
            Some(i) => rows.sort_by(|x, y| {
                let (a, b) = (COLUMNS[i].value(&x.figures), COLUMNS[i].value(&y.figures));
                // Missing values last whichever the direction.
                match (a, b) {
                    (Some(a), Some(b)) => {
                        if descending {
                            b.total_cmp(&a)
                        } else {
                            a.total_cmp(&b)
                        }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }),
            None => rows.sort_by(|x, y| {
                if descending {
                    y.key.cmp(&x.key)
                } else {
                    x.key.cmp(&y.key)
                }
            }),
        }
        let cells = |f: &Figures| {
            COLUMNS
                .iter()
                .map(|c| {
                    let v = c.value(f);
                    view! { <td class="number" data-value=v.map(|v| v.to_string()).unwrap_or_default()>{show(c.kpi.unit(), v, locale, &symbol)}</td> }
                })
                .collect_view()
        };
        let name = |row: &BreakdownRow| match (&row.title, b.by) {
            (Some(title), GroupBy::Note) => format!("{title} ({})", row.key),
            _ => match row.tier {
                Some(tier) if b.by == GroupBy::Tier => {
                    let i = KolTier::ALL.iter().position(|&x| x == tier).unwrap_or(0);
                    t.tiers[i].to_string()
                }
                _ => row.key.clone(),
            },
        };
        // Creators also show their followers and tier.
        let creators = b.by == GroupBy::Kol;
        let tier_name = |tier: Option<KolTier>| {
            tier.map(|tier| {
                let i = KolTier::ALL.iter().position(|&x| x == tier).unwrap_or(0);
                t.tiers[i]
            })
            .unwrap_or("")
        };
        let creator_cells = |row: &BreakdownRow| {
            creators.then(|| {
                view! {
                    <td class="number" data-value=row.followers.map(|v| v.to_string()).unwrap_or_default()>
                        {format::or_missing(row.followers, |v| format::count(v, locale))}
                    </td>
                    <td>{tier_name(row.tier)}</td>
                }
            })
        };
        let blank_creator_cells = move || creators.then(|| view! { <td></td><td></td> });
        let header = |label: String, index: Option<usize>| {
            let active = column == index;
            let arrow = if active {
                if descending {
                    " ↓"
                } else {
                    " ↑"
                }
            } else {
                ""
            };
            let aria = if active {
                if descending {
                    "descending"
                } else {
                    "ascending"
                }
            } else {
                "none"
            };
            view! {
                <th scope="col" class:number=index.is_some() aria-sort=aria>
                    <button type="button" class="sort-button" on:click=move |_| {
                        sort.update(|(c, d)| {
                            if *c == index { *d = !*d } else { *c = index; *d = index.is_some() }
                        })
                    }>{label}{arrow}</button>
                </th>
            }
        };
        let head = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| header(kpi_label(c.kpi, locale).to_string(), Some(i)))
            .collect_view();
        let hidden = if show_all.get() {
            0
        } else {
            rows.len().saturating_sub(ROWS_SHOWN)
        };
        let more = (hidden > 0).then(|| {
            view! {
                <tr class="more-rows">
                    <td colspan=(COLUMNS.len() + 3).to_string()>
                        <button type="button" class="link-button" data-testid="show-all-rows" on:click=move |_| show_all.set(true)>
                            {(t.show_all_rows)(&format::count(rows_total as f64, locale))}
                        </button>
                    </td>
                </tr>
            }
        });
        let body_rows = rows
            .iter()
            .take(rows.len() - hidden)
            .map(|row| {
                view! {
                    <tr data-key=row.key.clone()>
                        <th scope="row">{name(row)}</th>
                        {creator_cells(row)}
                        {cells(&row.figures)}
                    </tr>
                }
            })
            .collect_view();
        let unallocated = b.not_allocated.as_ref().map(|f| {
            view! {
                <tr class="not-allocated"><th scope="row">{t.not_allocated}</th>{blank_creator_cells()}{cells(f)}</tr>
            }
        });
        Some(view! {
            <div class="table-scroll">
                <table class="data-table breakdown-table" data-testid="breakdown-table" data-by=b.by.name()>
                    <thead><tr>
                        {header(t.name_column.to_string(), None)}
                        {creators.then(|| view! {
                            <th scope="col" class="number">{t.followers_column}</th>
                            <th scope="col">{t.tier_label}</th>
                        })}
                        {head}
                    </tr></thead>
                    <tbody>{body_rows}{more}{unallocated}</tbody>
                    <tfoot><tr data-key="total"><th scope="row">{t.total}</th>{blank_creator_cells()}{cells(&b.totals)}</tr></tfoot>
                </table>
            </div>
        })
    };
    view! {
        <section class="panel breakdown" data-testid="breakdown" node_ref=section>
            <div class="panel-head">
                <h2 class="panel-title">{move || texts(state).breakdown_title}</h2>
                <label class="field inline">
                    <span>{move || texts(state).group_label}</span>
                    <select data-testid="breakdown-by" prop:value=move || by.get().name().to_string()
                        on:change=move |e| {
                            if let Some(g) = GroupBy::parse(&event_target_value(&e)) {
                                by.set(g);
                            }
                        }>
                        {GroupBy::ALL.map(|g| view! { <option value=g.name()>{move || group_label(g, state.locale.get())}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button button-small" data-testid="export-breakdown" on:click=export>
                    {move || texts(state).export_csv}
                </button>
            </div>
            <p class="panel-caption">{move || texts(state).sort_hint}</p>
            {body}
        </section>
    }
}

/// Impressions to orders with the share kept at each step.
#[component]
pub fn FunnelPanel() -> impl IntoView {
    let state = AppState::expect();
    let paint = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        let t = roi_texts(locale);
        state.roi.with(|r| {
            r.as_ref()
                .and_then(|r| {
                    let f = &r.current;
                    let counts = [
                        f.impressions,
                        f.views,
                        f.interactions,
                        f.product_clicks,
                        f.orders,
                    ];
                    let funnel = charts::funnel::Funnel {
                        stages: t.funnel_stages.iter().copied().zip(counts).collect(),
                        scale: charts::funnel::FunnelScale::Log,
                        locale,
                    };
                    charts::funnel::draw(area, &funnel, scale).ok()
                })
                .unwrap_or_default()
        })
    };
    let stages = move || {
        state.roi.with(|r| {
            r.as_ref().map(|r| {
                let f = &r.current;
                [
                    f.impressions,
                    f.views,
                    f.interactions,
                    f.product_clicks,
                    f.orders,
                ]
                .iter()
                .enumerate()
                .map(
                    |(i, v)| view! { <li data-stage=i.to_string() data-value=data_value(*v)></li> },
                )
                .collect_view()
            })
        })
    };
    // Impressions are unknown without a notes table (and only then).
    let has_notes = move || {
        state
            .roi
            .with(|r| r.as_ref().is_none_or(|r| !r.current.impressions.is_nan()))
    };
    view! {
        <section class="panel chart-panel funnel" data-testid="funnel">
            <h2 class="panel-title">{move || texts(state).funnel_title}</h2>
            <p class="panel-caption">{move || texts(state).funnel_caption}</p>
            // The exact counts, for tests.
            <ul class="visually-hidden" data-testid="funnel-values">{stages}</ul>
            <Show
                when=has_notes
                fallback=move || view! { <p class="empty" data-testid="funnel-empty">{move || texts(state).funnel_no_notes}</p> }
            >
                <InteractiveChart name="funnel" label=Signal::derive(move || texts(state).funnel_title.to_string()) paint=paint/>
                <FunnelGroups/>
            </Show>
        </section>
    }
}

/// The funnel per format or per campaign: each stage's count and the share
/// kept from the stage before.
#[component]
fn FunnelGroups() -> impl IntoView {
    let state = AppState::expect();
    let by_campaign = RwSignal::new(false);
    let groups = NodeRef::<leptos::html::Div>::new();
    let report = below_the_fold(state, "xhs-roi-funnel", groups, |p, s| roi::funnel(p, s));
    let body = move || {
        let r = report.get()?;
        let locale = state.locale.get();
        let t = texts(state);
        let groups = if by_campaign.get() {
            &r.by_campaign
        } else {
            &r.by_format
        };
        let rows = groups
            .iter()
            .map(|g| {
                let cells = g
                    .funnel
                    .steps
                    .iter()
                    .map(|step| {
                        let kept = step.rate.map(format::percent);
                        view! {
                            <td class="number" data-value=data_value(step.count)>
                                {format::count(step.count, locale)}
                                {kept.map(|k| view! { <span class="interval">{k}</span> })}
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr data-key=g.key.clone()>
                        <th scope="row">{g.key.clone()}</th>
                        {cells}
                        <td class="number">{format::or_missing(g.funnel.overall, format::percent)}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <div class="table-scroll">
                <table class="data-table funnel-table" data-testid="funnel-groups">
                    <thead><tr>
                        <th scope="col">{if by_campaign.get() { t.campaign_label } else { t.format_label }}</th>
                        {t.funnel_stages.map(|s| view! { <th scope="col" class="number">{s}</th> }).collect_view()}
                        <th scope="col" class="number">{t.overall_conversion}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })
    };
    let export = move |_| {
        if let Some(r) = report.get_untracked() {
            crate::download::download_text(
                "xhs-roi-funnel.csv",
                "text/csv;charset=utf-8",
                &r.csv(),
            );
        }
    };
    view! {
        <div class="funnel-groups" node_ref=groups>
            <div class="panel-head">
            <div class="segmented" role="group" aria-label=move || texts(state).group_label>
                <button type="button" class="segment" class:active=move || !by_campaign.get()
                    aria-pressed=move || (!by_campaign.get()).to_string()
                    on:click=move |_| by_campaign.set(false)>{move || texts(state).format_label}</button>
                <button type="button" class="segment" class:active=move || by_campaign.get()
                    aria-pressed=move || by_campaign.get().to_string()
                    data-testid="funnel-by-campaign"
                    on:click=move |_| by_campaign.set(true)>{move || texts(state).campaign_label}</button>
            </div>
                <button type="button" class="button button-small" data-testid="export-funnel" on:click=export>
                    {move || texts(state).export_csv}
                </button>
            </div>
            {body}
        </div>
    }
}

/// A figure of a panel below the fold: computed from the index and the
/// settings the panel follows (`state::settings_for_panel`: a change's own
/// while the panel's element `panel` is in view, else after the next
/// paint), timed as `name`.
fn below_the_fold<T, E>(
    state: AppState,
    name: &'static str,
    panel: NodeRef<E>,
    compute: impl Fn(&Arc<Prepared>, &RoiSettings) -> T + Send + Sync + 'static,
) -> Memo<Option<Arc<T>>>
where
    T: PartialEq + Send + Sync + 'static,
    E: leptos::tachys::html::element::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    let in_view = crate::visibility::in_view(panel, "0px");
    let settings = crate::state::settings_for_panel(state, Some(in_view));
    Memo::new(move |_| {
        let prepared = state.prepared.get()?;
        settings.with(|s| {
            Some(Arc::new(crate::state::timed(name, || {
                compute(&prepared, s)
            })))
        })
    })
}

thread_local! {
    /// The breakdowns computed for the index and settings last asked
    /// about, by grouping. Two panels ask for the same one after every
    /// change (the breakdown table and the KOL scatter by KOL, the table
    /// and the rankings by note); the second gets the first's. Holding the
    /// index's `Arc` keeps its address from being reused by another.
    static BREAKDOWNS: std::cell::RefCell<Vec<SharedBreakdown>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A breakdown and the index and settings it was computed from.
type SharedBreakdown = (Arc<Prepared>, RoiSettings, Arc<Breakdown>);

/// `roi::breakdown`, shared by the panels that show one grouping.
fn shared_breakdown(
    prepared: &Arc<Prepared>,
    settings: &RoiSettings,
    by: GroupBy,
) -> Arc<Breakdown> {
    BREAKDOWNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Only the latest index and settings are worth keeping.
        cache.retain(|(p, s, _)| Arc::ptr_eq(p, prepared) && s == settings);
        if let Some((_, _, found)) = cache.iter().find(|(_, _, b)| b.by == by) {
            return found.clone();
        }
        let computed = Arc::new(roi::breakdown(prepared, settings, by));
        cache.push((prepared.clone(), settings.clone(), computed.clone()));
        computed
    })
}

/// Buttons choosing the length of a time series' points.
#[component]
pub fn GranularityPicker(
    /// The chosen granularity.
    value: RwSignal<roi::Granularity>,
    /// The choices offered, in order.
    choices: &'static [roi::Granularity],
) -> impl IntoView {
    let state = AppState::expect();
    let name = move |g: roi::Granularity| {
        let index = roi::Granularity::ALL
            .iter()
            .position(|&x| x == g)
            .unwrap_or(1);
        texts(state).granularities[index]
    };
    view! {
        <div class="segmented" role="group" aria-label=move || texts(state).granularity_label>
            {choices.iter().map(|&g| view! {
                <button type="button" class="segment" class:active=move || value.get() == g
                    aria-pressed=move || (value.get() == g).to_string()
                    data-testid=format!("granularity-{}", g.name())
                    on:click=move |_| value.set(g)>
                    {move || name(g)}
                </button>
            }).collect_view()}
        </div>
    }
}

/// Cost per category over the period, stacked, by month or week.
#[component]
pub fn CostTrendPanel() -> impl IntoView {
    use xhs_roi_engine::roi::Granularity;
    use xhs_roi_engine::CostCategory;
    let state = AppState::expect();
    let granularity = RwSignal::new(Granularity::Month);
    let section = NodeRef::<leptos::html::Section>::new();
    let points = below_the_fold(state, "xhs-roi-cost-series", section, move |p, s| {
        roi::series(p, s, granularity.get())
            .into_iter()
            .map(|point| {
                let costs = CostCategory::ALL.map(|c| point.figures.cost_by_category.get(c));
                (point.from, costs)
            })
            .collect::<Vec<_>>()
    });
    let paint = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        let texts = state.texts();
        let symbol = state.currency_symbol();
        let name = |c: CostCategory| texts.cost_category(c);
        let g = granularity.get();
        points.with(|points| {
            let points = points.as_deref().map_or(&[][..], Vec::as_slice);
            let chart = charts::stacked_cost::StackedCost {
                periods: points
                    .iter()
                    .map(|(day, costs)| {
                        (charts::time_series::bucket_label(*day, g, locale), *costs)
                    })
                    .collect(),
                category: &name,
                locale,
                currency: &symbol,
            };
            charts::stacked_cost::draw(area, &chart, scale).unwrap_or_default()
        })
    };
    view! {
        <section class="panel chart-panel" data-testid="cost-trend" node_ref=section>
            <div class="panel-head">
                <h2 class="panel-title">{move || texts(state).cost_trend_title}</h2>
                <GranularityPicker value=granularity choices=&[Granularity::Week, Granularity::Month]/>
            </div>
            <p class="panel-caption">{move || texts(state).cost_trend_caption}</p>
            <Show
                when=move || points.with(|p| {
                    // No cost loaded: every amount is missing (NaN), and nothing to draw.
                    p.as_ref().is_none_or(|p| p.iter().flat_map(|(_, costs)| costs).any(|&c| c.is_finite() && c != 0.0))
                })
                fallback=move || view! { <p class="empty" data-testid="cost-trend-empty">{move || state.texts().no_costs}</p> }
            >
                <InteractiveChart name="stacked-cost" label=Signal::derive(move || texts(state).cost_trend_title.to_string()) paint=paint/>
            </Show>
        </section>
    }
}

/// Each creator's cost against the revenue credited to them, with the
/// break-even line.
#[component]
pub fn KolScatterPanel() -> impl IntoView {
    let state = AppState::expect();
    let section = NodeRef::<leptos::html::Section>::new();
    let points = below_the_fold(state, "xhs-roi-kol-scatter", section, |p, s| {
        shared_breakdown(p, s, GroupBy::Kol)
            .rows
            .iter()
            // A creator is a point only where both sides are known (a
            // missing cost or revenue would leave the chart blank).
            .filter(|r| r.figures.cost_total.is_finite() && r.figures.revenue.is_finite())
            .filter(|r| r.figures.cost_total > 0.0 || r.figures.revenue > 0.0)
            .map(|r| (r.key.clone(), r.figures.cost_total, r.figures.revenue))
            .collect::<Vec<_>>()
    });
    let paint = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        let ct = charts::texts::chart_texts(locale);
        let symbol = state.currency_symbol();
        points.with(|points| {
            let points = points.as_deref().map_or(&[][..], Vec::as_slice);
            let chart = charts::scatter::Scatter {
                points: points
                    .iter()
                    .map(|(name, cost, value)| charts::scatter::Point {
                        name: name.clone(),
                        cost: *cost,
                        value: *value,
                    })
                    .collect(),
                label_top: 5,
                x_title: ct.cost,
                y_title: ct.revenue,
                currency: &symbol,
                locale,
            };
            charts::scatter::draw(area, &chart, scale).unwrap_or_default()
        })
    };
    view! {
        <section class="panel chart-panel" data-testid="kol-scatter" node_ref=section>
            <h2 class="panel-title">{move || texts(state).scatter_title}</h2>
            <p class="panel-caption">{move || texts(state).scatter_caption}</p>
            // Until the points are computed the chart stays, so nothing flashes.
            <Show
                when=move || points.with(|p| p.as_ref().is_none_or(|p| !p.is_empty()))
                fallback=move || view! { <p class="empty" data-testid="kol-scatter-empty">{move || texts(state).scatter_empty}</p> }
            >
                <InteractiveChart name="scatter" label=Signal::derive(move || texts(state).scatter_title.to_string()) paint=paint/>
            </Show>
        </section>
    }
}

/// The best and worst notes by ROI and by engagement rate.
#[component]
pub fn RankingsPanel() -> impl IntoView {
    let state = AppState::expect();
    let section = NodeRef::<leptos::html::Section>::new();
    let rankings = below_the_fold(state, "xhs-roi-rankings", section, |p, s| {
        roi::rank(
            &shared_breakdown(p, s, GroupBy::Note),
            5,
            MIN_VIEWS_FOR_ENGAGEMENT,
        )
    });
    let body = move || {
        let r = rankings.get()?;
        let locale = state.locale.get();
        let t = texts(state);
        let symbol = state.currency_symbol();
        let list = |testid: &'static str,
                    title: &'static str,
                    rows: &[BreakdownRow],
                    empty: &'static str,
                    kpi: KpiId,
                    read: fn(&Figures) -> Option<f64>| {
            let items = rows
                .iter()
                .map(|row| {
                    let value = read(&row.figures);
                    let name = row.title.clone().unwrap_or_else(|| row.key.clone());
                    let tooltip = name.clone();
                    view! {
                        <li data-key=row.key.clone() data-value=value.map(|v| v.to_string()).unwrap_or_default()>
                            <span class="rank-name" title=tooltip>{name}</span>
                            <span class="rank-account muted">{row.account.clone().unwrap_or_default()}</span>
                            <span class="rank-value">{show(kpi.unit(), value, locale, &symbol)}</span>
                        </li>
                    }
                })
                .collect_view();
            let none = rows
                .is_empty()
                .then(|| view! { <p class="muted inline-empty">{empty}</p> });
            view! {
                <div class="ranking">
                    <h3 class="subtitle">{title}</h3>
                    <ol class="rank-list" data-testid=testid>{items}</ol>
                    {none}
                </div>
            }
        };
        Some(view! {
            <div class="rank-grid">
                {list("top-roi", t.top_roi, &r.top_by_roi, t.rank_no_cost, KpiId::Roi, |f| f.roi)}
                {list("bottom-roi", t.bottom_roi, &r.bottom_by_roi, t.rank_no_cost, KpiId::Roi, |f| f.roi)}
                {list("top-engagement", t.top_engagement, &r.top_by_engagement, t.rank_no_views, KpiId::EngagementRate, |f| f.engagement_rate)}
                {list("bottom-engagement", t.bottom_engagement, &r.bottom_by_engagement, t.rank_no_views, KpiId::EngagementRate, |f| f.engagement_rate)}
            </div>
        })
    };
    view! {
        <section class="panel rankings" data-testid="rankings" node_ref=section>
            <h2 class="panel-title">{move || texts(state).rankings_title}</h2>
            <p class="panel-caption">{move || (texts(state).rankings_caption)(&format::count(MIN_VIEWS_FOR_ENGAGEMENT, state.locale.get()))}</p>
            {body}
        </section>
    }
}

/// A note seen a handful of times is not the most engaging note.
const MIN_VIEWS_FOR_ENGAGEMENT: f64 = 100.0;

/// How engagement builds up with a note's age: the evergreen share and the
/// old notes that still earn.
#[component]
pub fn LifespanPanel() -> impl IntoView {
    let state = AppState::expect();
    let section = NodeRef::<leptos::html::Section>::new();
    let life = below_the_fold(state, "xhs-roi-lifespan", section, |p, s| {
        roi::lifespan(p, s, &Default::default())
    });
    let paint_lifespan = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        life.with(|l| {
            l.as_ref()
                .and_then(|l| {
                    let chart = charts::lifespan::Lifespan {
                        curves: vec![charts::lifespan::Curve {
                            label: roi_texts(locale).cumulative_title.to_string(),
                            shares: l
                                .curve
                                .iter()
                                .map(|p| p.cumulative_share.unwrap_or(f64::NAN))
                                .collect(),
                        }],
                        marker_day: Some(l.options.evergreen_after_days),
                        locale,
                    };
                    charts::lifespan::draw(area, &chart, scale).ok()
                })
                .unwrap_or_default()
        })
    };
    // The section and the chart stay; the share and the table follow.
    let share = move || life.with(|l| l.as_ref().and_then(|l| l.evergreen_share));
    let still_earning = move || {
        let l = life.get()?;
        let locale = state.locale.get();
        let t = texts(state);
        let old = l
            .still_earning
            .iter()
            .take(10)
            .map(|n| view! {
                <tr data-key=n.note_id.clone()>
                    <th scope="row">{n.title.clone().unwrap_or_else(|| n.note_id.clone())}</th>
                    <td>{n.account.clone().unwrap_or_default()}</td>
                    <td class="number">{n.age_days}</td>
                    <td class="number">{format::count(n.interactions, locale)}</td>
                    <td class="number">{format::count(n.recent_interactions, locale)}</td>
                    <td class="number">{format::or_missing(n.evergreen_share, format::percent)}</td>
                </tr>
            })
            .collect_view();
        if l.still_earning.is_empty() {
            return Some(
                view! {
                    <h3 class="subtitle">{(t.still_earning_title)(0)}</h3>
                    <p class="muted inline-empty" data-testid="still-earning-none">{t.still_earning_none}</p>
                }
                .into_any(),
            );
        }
        Some(view! {
            <h3 class="subtitle">{(t.still_earning_title)(l.still_earning.len())}</h3>
            <div class="table-scroll">
                <table class="data-table" data-testid="still-earning">
                    <thead><tr>
                        <th scope="col">{t.note_column}</th>
                        <th scope="col">{t.account_label}</th>
                        <th scope="col" class="number">{t.age_column}</th>
                        <th scope="col" class="number">{kpi_label(KpiId::Interactions, locale)}</th>
                        <th scope="col" class="number">{t.recent_column}</th>
                        <th scope="col" class="number">{t.evergreen_column}</th>
                    </tr></thead>
                    <tbody>{old}</tbody>
                </table>
            </div>
        }
        .into_any())
    };
    view! {
        <section class="panel lifespan" data-testid="lifespan" node_ref=section>
            <div class="panel-head">
                <h2 class="panel-title">{move || texts(state).lifespan_title}</h2>
                <button type="button" class="button button-small" data-testid="export-lifespan" on:click=move |_| {
                    if let Some(l) = life.get_untracked() {
                        crate::download::download_text("xhs-roi-lifespan.csv", "text/csv;charset=utf-8", &l.notes_csv());
                    }
                }>{move || texts(state).export_csv}</button>
            </div>
            <p class="panel-caption">{move || texts(state).lifespan_caption}</p>
            <p class="evergreen">
                {move || texts(state).evergreen_label} " "
                <strong data-testid="evergreen-share" data-value=move || share().map(|v| v.to_string()).unwrap_or_default()>
                    {move || format::or_missing(share(), format::percent)}
                </strong>
            </p>
            <div class="explorer">
                <div>
                    <h3 class="subtitle">{move || texts(state).cumulative_title}</h3>
                    // Until the curve is computed the chart stays, so nothing flashes.
                    <Show
                        when=move || life.with(|l| l.as_ref().is_none_or(|l| l.curve.iter().any(|p| p.cumulative_share.is_some())))
                        fallback=move || view! { <p class="empty" data-testid="lifespan-empty">{move || texts(state).lifespan_empty}</p> }
                    >
                        <InteractiveChart name="lifespan" label=Signal::derive(move || texts(state).cumulative_title.to_string()) paint=paint_lifespan/>
                    </Show>
                </div>
                <div>{still_earning}</div>
            </div>
        </section>
    }
}
