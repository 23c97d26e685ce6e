//! A panic must never leave a blank page: the hook logs it and paints a
//! plain-DOM error panel (the reactive system may be broken by then, so this
//! does not go through Leptos).

use wasm_bindgen::JsCast;
use xhs_roi_engine::format::Locale;

use crate::i18n;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal_error(&info.to_string());
    }));
}

fn show_fatal_error(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if document
        .query_selector("[data-testid=fatal-error]")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    // The page language is kept current by the app; use it for the message.
    let lang = document
        .document_element()
        .map(|e| e.get_attribute("lang").unwrap_or_default())
        .unwrap_or_default();
    let texts = i18n::texts(Locale::from_tag(&lang));

    let element = |tag: &str, class: &str, text: &str| {
        let e = document.create_element(tag).ok()?;
        e.set_class_name(class);
        e.set_text_content(Some(text));
        Some(e)
    };
    let Some(panel) = element("div", "fatal", "") else {
        return;
    };
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "fatal-error");
    let card = element("div", "fatal-card", "");
    let parts = [
        element("h2", "fatal-title", texts.fatal_title),
        element("p", "fatal-body", texts.fatal_body),
        element("pre", "fatal-detail", detail),
    ];
    let button = element("button", "button button-primary", texts.reload);
    if let Some(button) = &button {
        let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button
            .unchecked_ref::<web_sys::HtmlElement>()
            .add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        // The page is finished; the handler lives as long as it does.
        reload.forget();
    }
    if let Some(card) = card {
        for part in parts.into_iter().chain([button]).flatten() {
            let _ = card.append_child(&part);
        }
        let _ = panel.append_child(&card);
    }
    let _ = body.append_child(&panel);
}

/// `?panic-test` in the URL panics once the app is running: the end-to-end
/// suite uses it to prove a panic shows the error panel, not a blank page.
pub fn schedule_test_panic() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let asked = window
        .location()
        .search()
        .is_ok_and(|s| s.contains("panic-test"));
    if asked {
        let boom = wasm_bindgen::closure::Closure::once_into_js(move || {
            if asked {
                panic!("deliberate test panic (?panic-test)");
            }
        });
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(boom.unchecked_ref(), 300);
    }
}
