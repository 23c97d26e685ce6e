use leptos::prelude::*;

use super::language_switch::LanguageSwitch;
use crate::state::{AppState, Source};

/// App name, what data is on screen, and the language switch.
#[component]
pub fn TopBar() -> impl IntoView {
    let state = AppState::expect();
    let badge = move || {
        let texts = state.texts();
        state.loaded.with(|l| match l.as_ref().map(|l| l.source) {
            Some(Source::Demo) => Some(("badge badge-demo", texts.demo_badge)),
            Some(Source::Files) => Some(("badge badge-files", texts.files_badge)),
            None => None,
        })
    };
    view! {
        <header class="top-bar">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">"ROI"</span>
                <div>
                    <h1 class="brand-name">{move || state.texts().app_name}</h1>
                    <p class="brand-tagline">{move || state.texts().tagline}</p>
                </div>
            </div>
            <div class="top-bar-side">
                {move || badge().map(|(class, text)| view! {
                    <span class=class data-testid="dataset-status">{text}</span>
                })}
                <LanguageSwitch/>
            </div>
        </header>
    }
}
