//! Focus for keyboard and screen-reader users when the element that had
//! it goes away (a button replaced, a screen closed).

use leptos::prelude::*;

/// True when nothing has the focus (the element that had it was removed).
pub fn focus_is_lost() -> bool {
    let document = web_sys::window().and_then(|w| w.document());
    match document
        .as_ref()
        .and_then(web_sys::Document::active_element)
    {
        None => true,
        Some(active) => document
            .and_then(|d| d.body())
            .is_some_and(|body| *body == active),
    }
}

/// Focuses `target` once the view has caught up with the change just made
/// (the element may only appear with it).
pub fn focus_later<E>(target: NodeRef<E>)
where
    E: leptos::tachys::html::element::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    focus_when_drawn(target, false);
}

/// Focuses `target` once the view has caught up, if nothing has the focus
/// then: the element that had it may only go with that change (the
/// progress bar's Cancel button, when the files are read).
pub fn focus_later_if_lost<E>(target: NodeRef<E>)
where
    E: leptos::tachys::html::element::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    focus_when_drawn(target, true);
}

fn focus_when_drawn<E>(target: NodeRef<E>, only_if_lost: bool)
where
    E: leptos::tachys::html::element::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    request_animation_frame(move || {
        if only_if_lost && !focus_is_lost() {
            return;
        }
        if let Some(element) = target.get_untracked() {
            use wasm_bindgen::JsCast;
            if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}
