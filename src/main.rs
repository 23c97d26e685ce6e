//! xhs-roi web app: a Leptos shell over the engine. `main` installs the panic
//! hook and mounts; everything else lives in the modules below.

mod app;
mod charts;
mod components;
mod dashboard;
mod download;
mod i18n;
mod i18n_roi;
mod import_client;
mod loader;
mod panic;
mod scenario_store;
mod scenarios;
mod state;
mod storage;
mod visibility;

fn main() {
    panic::install();
    leptos::mount::mount_to_body(app::App);
}
