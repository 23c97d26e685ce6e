use leptos::prelude::*;
use xhs_roi_engine::format;

use crate::loader;
use crate::state::AppState;

/// The import under way: a bar with percent, rows and rows per second, and
/// a cancel button.
#[component]
pub fn ImportProgress() -> impl IntoView {
    let state = AppState::expect();
    let line = move || {
        state.progress.get().map(|p| {
            let percent = if p.total > 0.0 {
                p.bytes / p.total * 100.0
            } else {
                0.0
            };
            let seconds = ((js_sys::Date::now() - p.started) / 1000.0).max(0.001);
            let locale = state.locale.get();
            let texts = state.texts();
            (
                (texts.reading)(&p.file),
                percent,
                (texts.progress_line)(
                    percent,
                    &format::count(p.rows, locale),
                    &format::count(p.rows / seconds, locale),
                ),
            )
        })
    };
    view! {
        {move || line().map(|(title, percent, detail)| view! {
            <section class="panel progress-panel" data-testid="import-progress" aria-live="polite">
                <div class="progress-text">
                    <strong>{title}</strong>
                    <span class="muted">{detail}</span>
                </div>
                <progress max="100" value=format!("{percent:.1}")></progress>
                <button type="button" class="button" data-testid="cancel-import" on:click=move |_| loader::cancel_import(state)>
                    {move || state.texts().cancel}
                </button>
            </section>
        })}
    }
}
