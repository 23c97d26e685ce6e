//! The root component: creates the state, opens the saved scenario, keeps
//! `<html lang>` and the title in step with the language, and loads the
//! data (kept on this device, or the demo).

use leptos::prelude::*;
use xhs_roi_engine::format::Locale;

use crate::components::scenarios::ScenarioBar;
use crate::components::top_bar::TopBar;
use crate::dashboard::Dashboard;
use crate::panic;
use crate::scenarios::Scenarios;
use crate::state::AppState;

/// The browser's preferred language, English when it is not Chinese.
fn browser_locale() -> Locale {
    window()
        .navigator()
        .language()
        .map_or(Locale::En, |tag| Locale::from_tag(&tag))
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(browser_locale());
    provide_context(state);

    // Effects only sync with the outside world: the document's language and title.
    Effect::new(move |_| {
        let locale = state.locale.get();
        let document = document();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", locale.tag());
        }
        document.set_title(state.texts().document_title);
    });

    // The saved scenario in use is applied before anything is drawn; then
    // the data: kept on this device (if the user chose so), else the demo.
    let scenarios = Scenarios::start(state);
    scenarios.load_data();
    panic::schedule_test_panic();

    let ready = move || (state.kpis.with(Option::is_some) && !state.busy.get()).to_string();
    let source = move || {
        state
            .loaded
            .with(|l| l.as_ref().map(|l| l.source.attribute()).unwrap_or("none"))
    };
    view! {
        <div id="app" data-ready=ready data-source=source>
            <TopBar/>
            <main class="content">
                <ScenarioBar/>
                // Drawn again when a scenario changes the attribution
                // settings, which some widgets read once.
                {move || {
                    scenarios.epoch.track();
                    view! { <Dashboard/> }
                }}
            </main>
            <footer class="footer">
                <svg class="lock" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                    <path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 1 0-4 0z" fill="currentColor"></path>
                </svg>
                {move || state.texts().privacy_note}
            </footer>
        </div>
    }
}
