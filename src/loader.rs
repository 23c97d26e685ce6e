//! Getting bytes into the engine: the demo files from the app's own origin,
//! and files the user picks or drops. Nothing here talks to any other host.

use std::sync::Arc;

use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use xhs_roi_engine::{import, Dataset, Import, ImportOptions, Kind};

use crate::state::{AppState, FileSummary, LoadError, Loaded, Source};

/// The demo files, relative to the page so the app works from any sub-folder.
const DEMO_FILES: [(&str, Kind); 3] = [
    ("demo/notes.csv", Kind::Notes),
    ("demo/costs.csv", Kind::Costs),
    ("demo/orders.csv", Kind::Orders),
];

const PROBLEMS_SHOWN: usize = 5;

fn summary(imported: &Import) -> FileSummary {
    FileSummary {
        file: imported.file.clone(),
        kind: imported.kind,
        rows_read: imported.rows_read,
        rows_rejected: imported.rows_rejected,
        problem_count: imported.problem_count,
        first_problems: imported
            .problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .cloned()
            .collect(),
    }
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, LoadError> {
    let failed = || LoadError::Fetch {
        url: url.to_string(),
    };
    let window = web_sys::window().ok_or_else(failed)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| failed())?
        .unchecked_into();
    if !response.ok() {
        return Err(failed());
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| failed())?)
        .await
        .map_err(|_| failed())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, LoadError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| LoadError::Unreadable { file: file.name() })?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Loads the built-in demo dataset.
pub fn load_demo(state: AppState) {
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        let mut dataset = Dataset::default();
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (url, kind) in DEMO_FILES {
            let result = fetch_bytes(url).await.and_then(|bytes| {
                import(
                    url,
                    &bytes,
                    &ImportOptions {
                        kind: Some(kind),
                        ..ImportOptions::default()
                    },
                )
                .map_err(LoadError::Import)
            });
            match result {
                Ok(imported) => {
                    files.push(summary(&imported));
                    place(&mut dataset, imported);
                }
                Err(message) => errors.push(message),
            }
        }
        state.loaded.set(Some(Loaded {
            dataset: Arc::new(dataset),
            source: Source::Demo,
            files,
        }));
        state.import_errors.set(errors);
        state.busy.set(false);
    });
}

/// Reads files the user chose. Each kind found replaces that kind's table
/// (several files of one kind in one batch are appended); a file that cannot
/// be read leaves the dashboard as it was and says why.
pub fn load_files(state: AppState, chosen: Vec<web_sys::File>) {
    if chosen.is_empty() {
        return;
    }
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        let mut imports: Vec<Import> = Vec::new();
        let mut errors = Vec::new();
        for file in &chosen {
            let name = file.name();
            let result = file_bytes(file).await.and_then(|bytes| {
                import(&name, &bytes, &ImportOptions::default()).map_err(LoadError::Import)
            });
            match result {
                Ok(imported) => imports.push(imported),
                Err(message) => errors.push(message),
            }
        }
        if !imports.is_empty() {
            let previous = state.loaded.get_untracked();
            let (mut dataset, mut files) = match previous {
                Some(l) if l.source == Source::Files => (Dataset::clone(&l.dataset), l.files),
                _ => (Dataset::default(), Vec::new()),
            };
            let mut replaced: Vec<Kind> = Vec::new();
            for imported in imports {
                if !replaced.contains(&imported.kind) {
                    replaced.push(imported.kind);
                    clear(&mut dataset, imported.kind);
                    files.retain(|f| f.kind != imported.kind);
                }
                files.push(summary(&imported));
                place(&mut dataset, imported);
            }
            state.loaded.set(Some(Loaded {
                dataset: Arc::new(dataset),
                source: Source::Files,
                files,
            }));
        }
        state.import_errors.set(errors);
        state.busy.set(false);
    });
}

fn slot(dataset: &mut Dataset, kind: Kind) -> Option<&mut Option<xhs_roi_engine::Table>> {
    match kind {
        Kind::Notes => Some(&mut dataset.notes),
        Kind::Costs => Some(&mut dataset.costs),
        Kind::Orders => Some(&mut dataset.orders),
        _ => None,
    }
}

fn clear(dataset: &mut Dataset, kind: Kind) {
    if let Some(slot) = slot(dataset, kind) {
        *slot = None;
    }
}

/// Puts a table in its place, appending to one of the same kind.
fn place(dataset: &mut Dataset, imported: Import) {
    if let Some(slot) = slot(dataset, imported.kind) {
        match slot {
            Some(table) => table.append(&imported.table),
            None => *slot = Some(imported.table),
        }
    }
}
