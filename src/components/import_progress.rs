use std::time::Duration;

use leptos::prelude::*;
use xhs_roi_engine::format;

use super::focus::focus_later_if_lost;
use crate::loader;
use crate::state::AppState;

/// How long files are read before the bar shows. Most files are read in
/// less: a bar flashing for a moment reads as a glitch, and laying out and
/// painting it would take the core the import's parse shares with the page
/// on a two-core machine.
const SHOW_AFTER: Duration = Duration::from_millis(250);

/// The import under way: a bar with percent, rows and rows per second, and
/// a cancel button, shown once reading has taken [`SHOW_AFTER`].
#[component]
pub fn ImportProgress() -> impl IntoView {
    let state = AppState::expect();
    // Each stretch of reading (one or several files) is a run; the bar
    // shows for the run that has lasted long enough.
    let run = StoredValue::new(0u32);
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    let shown = RwSignal::new(false);
    Effect::new(move |was_busy: Option<bool>| {
        let busy = state.busy.get();
        if busy && was_busy != Some(true) {
            run.update_value(|r| *r += 1);
            let this_run = run.get_value();
            // Drawn anew in the middle of reading, the bar comes back at
            // once rather than after another wait.
            let reading_for = state
                .progress
                .with_untracked(|p| p.as_ref().map(|p| js_sys::Date::now() - p.started))
                .unwrap_or(0.0);
            let wait =
                SHOW_AFTER.saturating_sub(Duration::from_millis(reading_for.max(0.0) as u64));
            // The dashboard may be drawn anew meanwhile (another
            // scenario's settings): this one's values are gone then.
            set_timeout(
                move || {
                    // A user's files (the demo and a restored copy are read
                    // without a bar).
                    let importing = state.progress.with_untracked(Option::is_some);
                    if run.try_get_value() == Some(this_run)
                        && state.busy.get_untracked()
                        && importing
                    {
                        shown.try_set(true);
                        // The import button the user pressed is disabled
                        // while files are read, and lost the focus: the
                        // cancel button takes it.
                        focus_later_if_lost(cancel_ref);
                    }
                },
                wait,
            );
        } else if !busy {
            shown.set(false);
        }
        busy
    });
    let line = move || {
        if !shown.get() {
            return None;
        }
        state.progress.get().map(|p| {
            let percent = if p.total > 0.0 {
                p.bytes / p.total * 100.0
            } else {
                0.0
            };
            let seconds = ((js_sys::Date::now() - p.started) / 1000.0).max(0.001);
            let locale = state.locale.get();
            let texts = state.texts();
            // Read whole: what is left is setting out the columns.
            let detail = if p.total > 0.0 && p.bytes >= p.total {
                texts.preparing.to_string()
            } else {
                (texts.progress_line)(
                    percent,
                    &format::count(p.rows, locale),
                    &format::count(p.rows / seconds, locale),
                )
            };
            ((texts.reading)(&p.file), percent, detail)
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
                <button type="button" class="button" data-testid="cancel-import" node_ref=cancel_ref on:click=move |_| loader::cancel_import(state)>
                    {move || state.texts().cancel}
                </button>
            </section>
        })}
    }
}
