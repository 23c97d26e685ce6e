//! xhs-roi web app: a Leptos shell over the engine. `main` installs the panic
//! hook and mounts; everything else lives in the modules below.

mod app;
mod charts;
mod components;
mod dashboard;
mod i18n;
mod loader;
mod panic;
mod state;

fn main() {
    panic::install();
    leptos::mount::mount_to_body(app::App);
}
