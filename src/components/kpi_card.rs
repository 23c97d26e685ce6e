use leptos::prelude::*;
use xhs_roi_engine::format::{self, Locale};

use crate::state::AppState;

/// How a KPI's number is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Count,
    Money,
    Percent,
    Multiple,
}

impl Style {
    pub fn format(self, value: Option<f64>, locale: Locale, symbol: &str) -> String {
        format::or_missing(value, |v| match self {
            Style::Count => format::count(v, locale),
            Style::Money => format::money(v, locale, symbol),
            Style::Percent => format::percent(v),
            Style::Multiple => format::multiple(v),
        })
    }

    /// As [`Style::format`], shortened where a count or an amount would
    /// not fit the card (`1.22B` for `1,219,827,123`).
    pub fn headline(self, value: Option<f64>, locale: Locale, symbol: &str) -> String {
        format::or_missing(value, |v| match self {
            Style::Count => format::headline_count(v, locale),
            Style::Money => format::headline_money(v, locale, symbol),
            Style::Percent | Style::Multiple => self.format(Some(v), locale, symbol),
        })
    }
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
    style: Style,
    /// Marks the figure as a headline (larger, accented).
    #[prop(optional)]
    accent: bool,
) -> impl IntoView {
    let state = AppState::expect();
    let tone = move || match (style, value.get()) {
        (Style::Percent | Style::Money, Some(v)) if key == "roi" || key == "net_profit" => {
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
                    let (locale, symbol) = (state.locale.get(), state.currency_symbol());
                    let full = style.format(value.get(), locale, &symbol);
                    (full != style.headline(value.get(), locale, &symbol)).then_some(full)
                }
            >
                {move || style.headline(value.get(), state.locale.get(), &state.currency_symbol())}
            </p>
            <p class="kpi-help">{move || help.get()}</p>
        </article>
    }
}
