//! The chart with tooltips: a canvas with PNG export and sizing,
//! plus the hit regions its `paint` returns, shown on hover, touch and with
//! the arrow keys.

use leptos::prelude::*;
use xhs_roi_engine::format::Locale;

use super::canvas::{chart_frame, Area};
use super::hits::Hit;

/// A chart on a canvas with a tooltip for every value
/// (size from CSS, PNG export) plus:
///
/// - `paint` returns the chart's hit regions (every `charts::*::draw`
///   does: `draw(area, ..., scale).unwrap_or_default()`);
/// - moving the pointer over a region (or touching it) shows its text in a
///   `role="tooltip"` element beside the pointer (`chart-tip-NAME`), hidden
///   again when the pointer leaves;
/// - the canvas is focusable: the arrow keys step through the regions in
///   order (Home, End, Page Up/Down jump; Escape hides) and the tooltip,
///   a polite live region, says each value.
#[component]
pub fn InteractiveChart<F>(
    /// Names the chart in `data-chart`, its CSS class `chart-NAME`, its test
    /// ids and the exported file (`xhs-roi-NAME.png`). Unique on the page.
    name: &'static str,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    /// Draws the chart at the given device pixel ratio and returns its hit
    /// regions in CSS pixels. Signals it reads trigger a redraw.
    paint: F,
    /// The language of the button and the keyboard hint; the app's language
    /// (from `AppState`) when not given.
    #[prop(optional, into)]
    locale: Option<Signal<Locale>>,
) -> impl IntoView
where
    F: Fn(&Area, f64) -> Vec<Hit> + Send + Sync + 'static,
{
    chart_frame(name, label, locale, paint)
}
