//! Whether an element is in (or near) the viewport, from an
//! `IntersectionObserver`: what a change must repaint in its own frame and
//! what can follow after it.

use leptos::prelude::*;
use leptos::tachys::html::element::ElementType;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// True while the element behind `node` intersects the viewport grown by
/// `margin` (CSS `rootMargin` syntax, e.g. `"0px"` or `"300px 0px"`).
/// False until the observer first reports; true for good where the browser
/// has no `IntersectionObserver`.
pub fn in_view<E>(node: NodeRef<E>, margin: &'static str) -> Signal<bool>
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    let seen = RwSignal::new(false);
    let watcher = StoredValue::new_local(
        None::<(
            web_sys::IntersectionObserver,
            Closure<dyn FnMut(js_sys::Array)>,
        )>,
    );
    node.on_load(move |element| {
        let element: web_sys::Element = element.unchecked_into();
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The last entry is the newest state.
            if let Some(entry) = entries
                .iter()
                .rev()
                .find_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
            {
                if seen.try_get_untracked() == Some(!entry.is_intersecting()) {
                    seen.try_set(entry.is_intersecting());
                }
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(margin);
        match web_sys::IntersectionObserver::new_with_options(
            on_change.as_ref().unchecked_ref(),
            &options,
        ) {
            Ok(observer) => {
                observer.observe(&element);
                watcher.set_value(Some((observer, on_change)));
            }
            Err(_) => seen.set(true),
        }
    });
    on_cleanup(move || {
        watcher.update_value(|w| {
            if let Some((observer, _)) = w.take() {
                observer.disconnect();
            }
        })
    });
    seen.into()
}
