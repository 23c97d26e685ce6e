use leptos::prelude::*;
use xhs_roi_engine::format::Locale;

use crate::state::AppState;

/// English / 简体中文 toggle. The choice also sets `<html lang>`.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let state = AppState::expect();
    let option = move |locale: Locale, code: &'static str, name: &'static str| {
        view! {
            <button
                type="button"
                class="segment"
                data-lang=code
                lang=locale.tag()
                aria-pressed=move || (state.locale.get() == locale).to_string()
                on:click=move |_| state.locale.set(locale)
            >
                {name}
            </button>
        }
    };
    view! {
        <div class="segmented" role="group" aria-label=move || state.texts().language>
            {option(Locale::En, "en", "EN")}
            {option(Locale::Zh, "zh", "中文")}
        </div>
    }
}
