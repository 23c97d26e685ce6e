use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::focus::{focus_is_lost, focus_later};
use crate::loader;
use crate::state::{AppState, Source};

/// Where files come in: drag and drop anywhere on the zone, or the file
/// picker (keyboard reachable). Also the margin setting and the way back to
/// the demo, which keeps the user's files aside until it is undone or
/// dismissed.
#[component]
pub fn DropZone() -> impl IntoView {
    let state = AppState::expect();
    let input_ref = NodeRef::<html::Input>::new();
    let dragging = RwSignal::new(false);

    let take_files = move |list: Option<web_sys::FileList>| {
        let files: Vec<web_sys::File> = list
            .map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect())
            .unwrap_or_default();
        loader::choose_files(state, files);
    };
    let on_change = move |_| {
        if let Some(input) = input_ref.get() {
            take_files(input.files());
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        }
    };
    let on_drop = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        take_files(event.data_transfer().and_then(|d| d.files()));
    };
    let on_drag_over = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(true);
    };

    let margin_percent = move || format!("{:.0}", state.margin() * 100.0);
    let on_margin = move |event: ev::Event| {
        if let Ok(value) = event_target_value(&event).trim().parse::<f64>() {
            if (0.0..=100.0).contains(&value) {
                state.set_margin(value / 100.0);
            }
        }
    };
    let showing_files = move || {
        state
            .loaded
            .with(|l| l.as_ref().map(|l| l.source) == Some(Source::Files))
    };
    // The user's files set aside while the demo is shown: how many.
    let swapped = Memo::new(move |_| {
        let demo = state
            .loaded
            .with(|l| l.as_ref().map(|l| l.source) == Some(Source::Demo));
        state
            .demo_swap
            .with(|swap| swap.as_ref().filter(|_| demo).map(|s| s.loaded.files.len()))
    });
    let message = move || swapped.get().map(|files| (state.texts().demo_swap)(files));
    let undo_ref = NodeRef::<html::Button>::new();
    let back_ref = NodeRef::<html::Button>::new();
    // The "back" button that had the focus is gone with the user's files:
    // the undo takes it, unless the user has put the focus elsewhere while
    // the demo loaded. The undo is described by the message, so the live
    // region then stays quiet: a screen reader would read it twice. Only
    // this effect writes the region, after deciding, so it never holds
    // the message for a moment first.
    let announced = RwSignal::new(None::<String>);
    Effect::new(move |was: Option<bool>| {
        let now = swapped.with(Option::is_some);
        if now && was == Some(false) {
            if focus_is_lost() {
                focus_later(undo_ref);
            } else {
                announced.set(untrack(message));
            }
        } else if !now {
            announced.set(None);
        }
        now
    });

    view! {
        <section
            class="drop-zone"
            class:dragging=move || dragging.get()
            class:busy=move || state.busy.get()
            data-testid="drop-zone"
            on:dragenter=on_drag_over
            on:dragover=on_drag_over
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="drop-icon" aria-hidden="true">"⇪"</div>
            <div class="drop-text">
                <p class="drop-title">{move || state.texts().drop_title}</p>
                <p class="drop-hint">{move || state.texts().drop_hint}</p>
            </div>
            <div class="drop-actions">
                <label class="button button-primary">
                    {move || state.texts().choose_files}
                    <input
                        type="file"
                        class="visually-hidden"
                        data-testid="file-input"
                        accept=".csv,.tsv,.txt,text/csv"
                        multiple
                        node_ref=input_ref
                        on:change=on_change
                    />
                </label>
                <Show when=showing_files>
                    <button
                        type="button"
                        class="button"
                        data-testid="back-to-demo"
                        node_ref=back_ref
                        disabled=move || state.busy.get()
                        on:click=move |_| loader::back_to_demo(state)
                    >
                        {move || state.texts().back_to_demo}
                    </button>
                </Show>
                <a class="link" href="demo/notes.csv" download>{move || state.texts().download_demo}</a>
            </div>
            <label class="margin-setting" title=move || state.texts().margin_help>
                <span>{move || state.texts().margin_label}</span>
                <input
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    data-testid="margin-input"
                    prop:value=margin_percent
                    on:change=on_margin
                />
                <span aria-hidden="true">"%"</span>
            </label>
        </section>
        // Announced from a region that is always there (one inserted with
        // its text already in it is often not read out).
        <p class="visually-hidden" role="status" aria-live="polite">
            {announced}
        </p>
        <Show when=move || swapped.get().is_some()>
            <div class="notice notice-info demo-swap" data-testid="demo-swap">
                <span id="demo-swap-message">
                    {message}
                </span>
                <span class="notice-actions">
                    <button
                        type="button"
                        class="button button-small"
                        data-testid="undo-back-to-demo"
                        aria-describedby="demo-swap-message"
                        disabled=move || state.busy.get()
                        node_ref=undo_ref
                        on:click=move |_| {
                            loader::undo_back_to_demo(state);
                            // Where the focus was before going to the demo.
                            focus_later(back_ref);
                        }
                    >
                        {move || state.texts().undo}
                    </button>
                    <button
                        type="button"
                        class="button button-small"
                        aria-describedby="demo-swap-message"
                        on:click=move |_| {
                            loader::dismiss_demo_swap(state);
                            focus_later(input_ref);
                        }
                    >
                        {move || state.texts().dismiss}
                    </button>
                </span>
            </div>
        </Show>
    }
}
