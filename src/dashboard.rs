//! The first screen: KPI cards by theme, the weekly trend and the cost ledger.

use leptos::prelude::*;
use xhs_roi_engine::roi::KpiUnit;
use xhs_roi_engine::{format, CostCategory, Kpis};

use crate::charts;
use crate::charts::interactive::InteractiveChart;
use crate::components::attribution::{AttributionPanel, PathExplorerPanel};
use crate::components::drop_zone::DropZone;
use crate::components::import_progress::ImportProgress;
use crate::components::import_report::ImportReport;
use crate::components::kpi_card::{data_value, KpiCard};
use crate::components::mapping::MappingScreen;
use crate::components::roi::{
    BreakdownPanel, CostTrendPanel, FunnelPanel, GranularityPicker, KolScatterPanel, LeadKpis,
    LifespanPanel, RankingsPanel, ReturnsPanel, RoiControls,
};
use crate::i18n::Texts;
use crate::state::AppState;

/// A card's value, read from the KPI memo.
fn kpi(state: AppState, read: fn(&Kpis) -> Option<f64>) -> Signal<Option<f64>> {
    // NaN: a figure the files cannot tell (no cost loaded), shown as missing.
    Signal::derive(move || {
        state
            .kpis
            .with(|k| k.as_ref().and_then(read))
            .filter(|v| !v.is_nan())
    })
}

fn text(state: AppState, read: fn(&Texts) -> &'static str) -> Signal<&'static str> {
    Signal::derive(move || read(state.texts()))
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let state = AppState::expect();
    view! {
        <DropZone/>
        <ImportProgress/>
        <MappingScreen/>
        <ImportReport/>
        <Show
            when=move || state.kpis.with(Option::is_some)
            fallback=move || view! { <p class="loading" aria-live="polite">{move || state.texts().loading}</p> }
        >
            <RoiControls/>
            <LeadKpis/>
            <KpiSections/>
            <div class="chart-row">
                <WeeklyChart/>
                <CostChart/>
            </div>
            <div class="chart-row">
                <CostTrendPanel/>
                <ReturnsPanel/>
            </div>
            <div class="chart-row">
                <FunnelPanel/>
                <KolScatterPanel/>
            </div>
            <crate::components::cost_ledger::CostLedgerPanel/>
            <BreakdownPanel/>
            <RankingsPanel/>
            <LifespanPanel/>
            <AttributionPanel/>
            <PathExplorerPanel/>
        </Show>
    }
}

/// The KPI cards, grouped by what they measure.
#[component]
fn KpiSections() -> impl IntoView {
    let state = AppState::expect();
    let card = move |key: &'static str,
                     label: fn(&Texts) -> &'static str,
                     help: fn(&Texts) -> &'static str,
                     read: fn(&Kpis) -> Option<f64>,
                     unit: KpiUnit,
                     accent: bool| {
        view! {
            <KpiCard
                key=key
                label=text(state, label)
                help=text(state, help)
                value=kpi(state, read)
                unit=unit
                accent=accent
            />
        }
    };
    let section = move |title: fn(&Texts) -> &'static str,
                        class: &'static str,
                        cards: AnyView,
                        footer: Option<AnyView>| {
        view! {
            <section class=format!("kpi-group {class}")>
                <h2 class="group-title">{move || title(state.texts())}</h2>
                <div class="kpi-grid">{cards}</div>
                {footer}
            </section>
        }
    };

    let reach = view! {
        {card("impressions", |t| t.impressions, |t| t.impressions_help, |k| Some(k.impressions), KpiUnit::Count, false)}
        {card("views", |t| t.views, |t| t.views_help, |k| Some(k.views), KpiUnit::Count, false)}
    }
    .into_any();
    let engagement = view! {
        {card("interactions", |t| t.interactions, |t| t.interactions_help, |k| Some(k.interactions), KpiUnit::Count, false)}
        {card("engagement_rate", |t| t.engagement_rate, |t| t.engagement_rate_help, |k| k.engagement_rate, KpiUnit::Fraction, false)}
        {card("save_rate", |t| t.save_rate, |t| t.save_rate_help, |k| k.save_rate, KpiUnit::Fraction, false)}
    }
    .into_any();
    let efficiency = view! {
        {card("cpe", |t| t.cpe, |t| t.cpe_help, |k| k.cpe, KpiUnit::Money, false)}
        {card("cpv", |t| t.cpv, |t| t.cpv_help, |k| k.cpv, KpiUnit::Money, false)}
        {card("cpm", |t| t.cpm, |t| t.cpm_help, |k| k.cpm, KpiUnit::Money, false)}
    }
    .into_any();
    let returns = view! {
        {card("cost_total", |t| t.cost_total, |t| t.cost_total_help, |k| Some(k.cost_total), KpiUnit::Money, false)}
        {card("revenue", |t| t.revenue, |t| t.revenue_help, |k| Some(k.revenue), KpiUnit::Money, false)}
        {card("roas", |t| t.roas, |t| t.roas_help, |k| k.roas, KpiUnit::Multiple, true)}
        {card("roi", |t| t.roi, |t| t.roi_help, |k| k.roi, KpiUnit::Fraction, true)}
    }
    .into_any();

    // Two rows of six cards: money first, because that is the question
    // a marketer brings; then what the platform itself reports.
    view! {
        <div class="kpi-row kpi-row-money">
            {section(|t| t.section_return, "group-return", returns, Some(view! { <ProfitLine/> }.into_any()))}
            {section(|t| t.section_reach, "group-reach", reach, None)}
        </div>
        <div class="kpi-row">
            {section(|t| t.section_engagement, "group-engagement", engagement, None)}
            {section(|t| t.section_efficiency, "group-efficiency", efficiency, None)}
        </div>
    }
}

/// Net profit, orders and AOV under the headline return cards.
#[component]
fn ProfitLine() -> impl IntoView {
    let state = AppState::expect();
    let line = move || {
        let locale = state.locale.get();
        state.kpis.with(|k| {
            k.as_ref().map(|k| {
                let texts = state.texts();
                let profit = format::money(k.net_profit, locale, &state.currency_symbol());
                let margin = format::percent(state.margin());
                (
                    k.net_profit,
                    profit,
                    (texts.at_margin)(&margin),
                    format!(
                        "{} {}",
                        texts.orders,
                        // The report's count: missing (not 0) without orders.
                        format::count(
                            state
                                .roi
                                .with(|r| r.as_ref().map_or(f64::NAN, |r| r.current.orders)),
                            locale
                        )
                    ),
                    format!(
                        "{} {}",
                        texts.aov,
                        format::or_missing(k.aov, |v| format::money(
                            v,
                            locale,
                            &state.currency_symbol()
                        ))
                    ),
                )
            })
        })
    };
    view! {
        {move || line().map(|(profit, profit_text, margin_text, orders, aov)| view! {
            <p class="profit-line">
                <span data-kpi="net_profit" data-value=data_value(profit)>
                    <span class="kpi-label">{state.texts().net_profit}</span>
                    " "
                    <span class=if profit.is_nan() { "kpi-value" } else if profit < 0.0 { "kpi-value negative" } else { "kpi-value positive" }>{profit_text}</span>
                </span>
                <span class="muted">" " {margin_text} " · " {orders} " · " {aov}</span>
            </p>
        })}
    }
}

/// Impressions (bars) and interactions (line) over the period, by day,
/// week or month, under the filters.
#[component]
fn WeeklyChart() -> impl IntoView {
    use xhs_roi_engine::roi::{self, Granularity};
    let state = AppState::expect();
    let granularity = RwSignal::new(Granularity::Week);
    // Under the headline cards: it follows a change in the change's own
    // frame only while it can be seen (the whole series is read again).
    let figure = NodeRef::<leptos::html::Figure>::new();
    let settings =
        crate::state::settings_for_panel(state, Some(crate::visibility::in_view(figure, "0px")));
    let points = Memo::new(move |_| {
        let Some(prepared) = state.prepared.get() else {
            return Vec::new();
        };
        let g = granularity.get();
        settings.with(|s| {
            crate::state::timed("xhs-roi-weekly", || roi::engagement_series(&prepared, s, g))
        })
    });
    let paint = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        let texts = state.texts();
        let g = granularity.get();
        points.with(|points| {
            let chart = charts::time_series::TimeSeries {
                granularity: g,
                points: points
                    .iter()
                    .map(|p| {
                        (
                            charts::time_series::bucket_label(p.from, g, locale),
                            vec![p.impressions, p.interactions],
                        )
                    })
                    .collect(),
                series: vec![
                    charts::time_series::Series {
                        label: texts.impressions,
                        unit: charts::Unit::Count,
                        mark: charts::time_series::Mark::Bars,
                        colour: charts::RED_SOFT,
                    },
                    charts::time_series::Series {
                        label: texts.interactions,
                        unit: charts::Unit::Count,
                        mark: charts::time_series::Mark::Line,
                        colour: charts::RED,
                    },
                ],
                shared_axis: false,
                locale,
            };
            charts::time_series::draw(area, &chart, scale).unwrap_or_default()
        })
    };
    view! {
            <figure class="panel chart-panel chart-wide" node_ref=figure>
                <figcaption class="panel-head">
                    <div>
                        <h2 class="panel-title">{move || state.texts().weekly_title}</h2>
                        <p class="panel-caption">{move || state.texts().weekly_caption}</p>
                    </div>
    <GranularityPicker value=granularity choices=&Granularity::ALL/>
                </figcaption>
                <Show
                    when=move || points.with(|p| !p.is_empty())
                    fallback=move || view! { <p class="empty">{move || state.texts().no_dated_rows}</p> }
                >
                    <InteractiveChart name="time-series" label=Signal::derive(move || state.texts().weekly_title.to_string()) paint=paint/>
                </Show>
            </figure>
        }
}

#[component]
fn CostChart() -> impl IntoView {
    let state = AppState::expect();
    let has_costs = move || {
        state
            .kpis
            .with(|k| k.as_ref().is_some_and(|k| k.cost_total > 0.0))
    };
    let paint = move |area: &crate::charts::canvas::Area, scale: f64| {
        let locale = state.locale.get();
        let texts = state.texts();
        let name = |c| texts.cost_category(c);
        let symbol = state.currency_symbol();
        let labels = charts::cost::Labels {
            category: &name,
            locale,
            currency: &symbol,
        };
        state.kpis.with(|k| {
            k.as_ref()
                .and_then(|k| charts::cost::draw(area, &k.cost_by_category, &labels, scale).ok())
                .unwrap_or_default()
        })
    };
    let ledger = move || {
        let locale = state.locale.get();
        let texts = state.texts();
        state.kpis.with(|k| {
            let costs = k.as_ref().map(|k| k.cost_by_category).unwrap_or_default();
            CostCategory::ALL
                .iter()
                .map(|&c| {
                    let amount = costs.get(c);
                    view! {
                        <li data-kpi=format!("cost_{}", c.name()) data-value=data_value(amount)>
                            <span class=format!("swatch swatch-{}", c.name())></span>
                            <span class="kpi-label">{texts.cost_category(c)}</span>
                            <span class="kpi-value">{format::money(amount, locale, &state.currency_symbol())}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    // KOL cost by how the creators were paid.
    let pay_kinds = move || {
        use xhs_roi_engine::roi::PayKind;
        let locale = state.locale.get();
        let t = crate::i18n_roi::roi_texts(locale);
        state.roi.with(|r| {
            let r = r.as_ref()?;
            let pay = &r.current.kol_pay;
            (r.current.cost_by_category.kol > 0.0).then(|| {
                let items = PayKind::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, &kind)| {
                        let amount = pay.get(kind);
                        view! {
                            <li data-pay-kind=kind.name() data-value=amount.to_string()>
                                <span class="kpi-label">{t.pay_kinds[i]}</span>
                                <span class="kpi-value">{format::money(amount, locale, &state.currency_symbol())}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h3 class="subtitle pay-kinds-title">{t.pay_kinds_title}</h3>
                    <ul class="cost-ledger pay-kinds" data-testid="kol-pay-kinds">{items}</ul>
                }
            })
        })
    };
    view! {
        <figure class="panel chart-panel">
            <figcaption>
                <h2 class="panel-title">{move || state.texts().cost_title}</h2>
                <p class="panel-caption">{move || state.texts().cost_caption}</p>
            </figcaption>
            <Show
                when=has_costs
                fallback=move || view! { <p class="empty">{move || state.texts().no_costs}</p> }
            >
                <InteractiveChart name="cost" label=Signal::derive(move || state.texts().cost_title.to_string()) paint=paint/>
            </Show>
            <ul class="cost-ledger">{ledger}</ul>
            {pay_kinds}
        </figure>
    }
}
