use leptos::prelude::*;
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::roi::KpiUnit;

use crate::state::AppState;

/// A KPI value as people read it, in the report's currency.
pub fn show(unit: KpiUnit, value: Option<f64>, locale: Locale, symbol: &str) -> String {
    format::or_missing(value, |v| match unit {
        KpiUnit::Count => format::count(v, locale),
        KpiUnit::Money => format::money(v, locale, symbol),
        KpiUnit::Fraction => format::percent(v),
        KpiUnit::Multiple => format::multiple(v),
    })
}

/// [`show`] for a card: a count or an amount too long for it shortened
/// (`1.22B` for `1,219,827,123`).
pub fn show_headline(unit: KpiUnit, value: Option<f64>, locale: Locale, symbol: &str) -> String {
    format::or_missing(value, |v| match unit {
        KpiUnit::Count => format::headline_count(v, locale),
        KpiUnit::Money => format::headline_money(v, locale, symbol),
        KpiUnit::Fraction | KpiUnit::Multiple => show(unit, Some(v), locale, symbol),
    })
}

/// A card's tooltip: the whole figure, when [`show_headline`] shortened it.
pub fn whole_when_shortened(
    unit: KpiUnit,
    value: Option<f64>,
    locale: Locale,
    symbol: &str,
) -> Option<String> {
    let whole = show(unit, value, locale, symbol);
    (whole != show_headline(unit, value, locale, symbol)).then_some(whole)
}

/// A number for a `data-value` attribute: empty for a missing one (NaN),
/// as a card with no value has, so that tests read both as missing.
pub fn data_value(value: f64) -> String {
    if value.is_nan() {
        String::new()
    } else {
        value.to_string()
    }
}

/// One headline figure. `data-kpi` and `data-value` (the unrounded number)
/// let tests compare the screen with the CLI to the last digit; a figure
/// too long for the card is shortened, the whole one in its tooltip.
#[component]
pub fn KpiCard(
    /// The KPI's key, as in `xhs-roi report --json`.
    key: &'static str,
    /// Label in the current language.
    #[prop(into)]
    label: Signal<&'static str>,
    /// One-line definition in the current language.
    #[prop(into)]
    help: Signal<&'static str>,
    /// The value; `None` when it does not exist (a ratio over zero).
    #[prop(into)]
    value: Signal<Option<f64>>,
    /// How the value is written.
    unit: KpiUnit,
    /// Marks the figure as a headline (larger, accented).
    #[prop(optional)]
    accent: bool,
) -> impl IntoView {
    let state = AppState::expect();
    let tone = move || match (unit, value.get()) {
        (KpiUnit::Fraction | KpiUnit::Money, Some(v)) if key == "roi" || key == "net_profit" => {
            if v < 0.0 {
                "negative"
            } else {
                "positive"
            }
        }
        _ => "",
    };
    view! {
        <article
            class="kpi-card"
            class:accent=accent
            data-kpi=key
            data-value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
        >
            <h3 class="kpi-label">{move || label.get()}</h3>
            // A shortened figure keeps the whole one for its tooltip.
            <p
                class=move || format!("kpi-value {}", tone())
                title=move || {
                    whole_when_shortened(unit, value.get(), state.locale.get(), &state.currency_symbol())
                }
            >
                {move || show_headline(unit, value.get(), state.locale.get(), &state.currency_symbol())}
            </p>
            <p class="kpi-help">{move || help.get()}</p>
        </article>
    }
}
