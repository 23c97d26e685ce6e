//! Getting data into the engine: the demo files from the app's own origin,
//! and files the user picks or drops, which go through the mapping screen
//! and the import worker. Nothing here talks to any other host.

use std::sync::Arc;

use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use xhs_roi_engine::import::Sniffed;
use xhs_roi_engine::{Dataset, Import, ImportOptions, Kind, Problem, ProblemReason};

use crate::import_client::{self, AttributionProgress, WorkerEvent};
use crate::state::{
    AppState, DemoSwap, FileSummary, LoadError, Loaded, Pending, PendingStatus, Progress, Source,
};
use crate::storage;

/// The demo files, relative to the page so the app works from any sub-folder.
const DEMO_FILES: [(&str, Kind); 5] = [
    ("demo/notes.csv", Kind::Notes),
    ("demo/costs.csv", Kind::Costs),
    ("demo/orders.csv", Kind::Orders),
    ("demo/kols.csv", Kind::Kols),
    ("demo/surveys.csv", Kind::Surveys),
];

fn summary(imported: &Import) -> FileSummary {
    FileSummary {
        file: imported.file.clone(),
        kind: imported.kind,
        rows_read: imported.rows_read,
        rows_rejected: imported.rows_rejected,
        rows_with_problems: imported.rows_with_problems,
        rows_duplicate: imported.rows_duplicate,
        problem_count: imported.problem_count,
        problems: Arc::new(imported.problems.clone()),
        date_orders: imported.date_orders.clone(),
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

/// Loads the built-in demo dataset: fetched from the app's own origin and
/// read by the import worker, like any file (the page ships no parser).
pub fn load_demo(state: AppState) {
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        let mut fetched = Vec::new();
        let mut errors = Vec::new();
        for (url, kind) in DEMO_FILES {
            match fetch_bytes(url).await {
                Ok(bytes) => fetched.push((url, kind, bytes)),
                Err(error) => errors.push(error),
            }
        }
        demo_next(state, fetched, Dataset::default(), Vec::new(), errors);
    });
}

type DemoQueue = Vec<(&'static str, Kind, Vec<u8>)>;

fn file_from_bytes(bytes: &[u8], name: &str) -> Option<web_sys::File> {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).ok()
}

fn demo_next(
    state: AppState,
    mut queue: DemoQueue,
    mut dataset: Dataset,
    mut files: Vec<FileSummary>,
    mut errors: Vec<LoadError>,
) {
    if queue.is_empty() {
        state.loaded.set(Some(Loaded {
            dataset: Arc::new(dataset),
            source: Source::Demo,
            files,
        }));
        state.import_errors.set(errors);
        state.busy.set(false);
        load_demo_journeys(state);
        return;
    }
    let (url, kind, bytes) = queue.remove(0);
    let Some(file) = file_from_bytes(&bytes, url) else {
        errors.push(LoadError::Fetch {
            url: url.to_string(),
        });
        return demo_next(state, queue, dataset, files, errors);
    };
    let options = ImportOptions {
        kind: Some(kind),
        ..ImportOptions::default()
    };
    import_client::request(file, None, &options, true, move |event| {
        match event {
            WorkerEvent::Done(imported) => {
                files.push(summary(&imported));
                place(&mut dataset, imported);
            }
            WorkerEvent::Failed(error) => errors.push(LoadError::Import(error)),
            WorkerEvent::Broken => errors.push(LoadError::Background {
                file: url.to_string(),
            }),
            _ => return,
        }
        demo_next(
            state,
            std::mem::take(&mut queue),
            std::mem::take(&mut dataset),
            std::mem::take(&mut files),
            std::mem::take(&mut errors),
        );
    });
}

/// The demo journeys go to the worker, where attribution runs.
fn load_demo_journeys(state: AppState) {
    leptos::task::spawn_local(async move {
        let Ok(bytes) = fetch_bytes(DEMO_TOUCHPOINTS).await else {
            return;
        };
        // The user may have brought their own data back meanwhile, or be
        // reading files that replace the demo (the journeys would race).
        if !showing_demo(state) || state.busy.get_untracked() {
            return;
        }
        let Some(file) = file_from_bytes(&bytes, DEMO_TOUCHPOINTS) else {
            return;
        };
        let options = ImportOptions {
            kind: Some(Kind::Touchpoints),
            ..ImportOptions::default()
        };
        import_client::request(file, None, &options, true, move |event| {
            if matches!(event, WorkerEvent::Done(_)) && showing_demo(state) {
                refresh_attribution(state);
            }
        });
    });
}

/// The demo's touchpoint journeys.
const DEMO_TOUCHPOINTS: &str = "demo/touchpoints.csv";

/// Shows the demo instead of the user's files, keeping theirs aside (the
/// tables here, the journeys in the worker) so that [`undo_back_to_demo`]
/// can bring them back. Not while files are being read: the demo and an
/// import would race to replace the data.
pub fn back_to_demo(state: AppState) {
    // Nor while an undo is still bringing the journeys back.
    if state.busy.get_untracked() || UNSTASHING.get() {
        return;
    }
    let Some(loaded) = state
        .loaded
        .get_untracked()
        .filter(|l| l.source == Source::Files)
    else {
        return load_demo(state);
    };
    // Before the demo's requests: the worker takes them in order. The
    // user's attribution goes with their journeys until the demo's come.
    import_client::stash_journeys();
    clear_attribution(state);
    state.demo_swap.set(Some(DemoSwap { loaded }));
    load_demo(state);
}

/// Brings back the files [`back_to_demo`] set aside. Not while files are
/// being read (they would be added to the files brought back).
pub fn undo_back_to_demo(state: AppState) {
    if state.busy.get_untracked() {
        return;
    }
    let Some(swap) = state.demo_swap.try_update(Option::take).flatten() else {
        return;
    };
    // The tables first: the demo's journeys, if still on their way, are
    // then not sent (see `load_demo_journeys`), and an import of them
    // already in the worker keeps none once the stash is back.
    state.loaded.set(Some(swap.loaded));
    state.import_errors.set(Vec::new());
    clear_attribution(state);
    UNSTASHING.set(true);
    leptos::task::spawn_local(async move {
        let brought_back = import_client::unstash_journeys().await;
        UNSTASHING.set(false);
        if !brought_back {
            // The worker was restarted (it failed) and lost them: the
            // report must not list journeys the dashboard no longer has.
            drop_journey_files(state);
        }
        refresh_attribution(state);
    });
}

/// Takes the files of journeys the worker no longer has off the report.
fn drop_journey_files(state: AppState) {
    state.loaded.update(|l| {
        if let Some(l) = l {
            l.files.retain(|f| !f.kind.holds_journeys());
        }
    });
}

/// Clears the attribution shown when the journeys behind it change;
/// answers still on their way for the old ones are ignored.
fn clear_attribution(state: AppState) {
    next_attribution_round();
    state.attribution.set(None);
    state.paths.set(None);
    state.attribution_progress.set(None);
}

/// Drops the files [`back_to_demo`] set aside.
pub fn dismiss_demo_swap(state: AppState) {
    if state.demo_swap.try_update(Option::take).flatten().is_some() {
        import_client::drop_stashed_journeys();
    }
}

/// Asks the worker for every model's credit over the journeys it keeps.
pub fn refresh_attribution(state: AppState) {
    let settings = state.attribution_settings.get_untracked();
    let auto_bootstrap = state.bootstrap_auto.get_untracked();
    state
        .attribution_progress
        .set(Some(AttributionProgress::Journeys));
    mark("xhs-attribute-start");
    let round = next_attribution_round();
    import_client::attribute(&settings, auto_bootstrap, move |event| match event {
        // A later run, or a change of the data, makes this answer stale.
        _ if ATTRIBUTION_ROUND.get() != round => {}
        WorkerEvent::Attributing(progress) => state.attribution_progress.set(Some(progress)),
        WorkerEvent::Attributed(result, paths) => {
            state.attribution.set(Some(Arc::new(result)));
            state.paths.set(Some(Arc::new(paths)));
            state.attribution_progress.set(None);
            measure("xhs-attribute", "xhs-attribute-start", "xhs-attribute-end");
        }
        WorkerEvent::Unattributed => {
            state.attribution.set(None);
            state.paths.set(None);
            state.attribution_progress.set(None);
        }
        _ => state.attribution_progress.set(None),
    });
}

thread_local! {
    /// True while an undo waits for the worker to bring the journeys back.
    static UNSTASHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Counts attribution runs and changes of the data they are for.
    static ATTRIBUTION_ROUND: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Makes every attribution answer still on its way stale.
fn next_attribution_round() -> u64 {
    ATTRIBUTION_ROUND.set(ATTRIBUTION_ROUND.get() + 1);
    ATTRIBUTION_ROUND.get()
}

/// User Timing marks, so benchmarks can read how long each step took.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

fn measure(name: &str, start: &str, end: &str) {
    mark(end);
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

thread_local! {
    /// Files chosen and being sniffed, not yet on the mapping screen.
    static UNLISTED: std::cell::RefCell<Vec<Pending>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Files the user chose: each is sniffed (off the page) and shown on the
/// mapping screen, with a mapping confirmed before for the same headers
/// already applied. A file is listed when its sniff answers, or as "Reading
/// the first rows…" after `LIST_SNIFFING_AFTER` if it has not by then (a
/// workbook is read whole): listing it at once would have the page render
/// the screen, and draw it, while the answer, usually a few milliseconds
/// away, waits behind that work.
pub fn choose_files(state: AppState, chosen: Vec<web_sys::File>) {
    state.import_errors.set(Vec::new());
    for file in chosen {
        let pending = Pending {
            id: state.next_pending_id(),
            name: file.name(),
            size: file.size(),
            file: file.clone(),
            options: ImportOptions::default(),
            status: PendingStatus::Sniffing,
            remembered: false,
            revision: 0,
        };
        UNLISTED.with(|u| u.borrow_mut().push(pending.clone()));
        sniff(state, pending, true);
    }
    set_timeout(move || list_chosen(state, None), LIST_SNIFFING_AFTER);
}

/// How long a chosen file may go unlisted while its sniff runs: short
/// enough not to be noticed as a delay.
const LIST_SNIFFING_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// Puts the files chosen and not yet listed on the mapping screen, in the
/// order they were chosen: those up to `through`, or all.
fn list_chosen(state: AppState, through: Option<u32>) {
    let listed: Vec<Pending> = UNLISTED.with(|u| {
        let mut unlisted = u.borrow_mut();
        let end = match through {
            Some(id) => unlisted
                .iter()
                .position(|f| f.id == id)
                .map_or(0, |i| i + 1),
            None => unlisted.len(),
        };
        unlisted.drain(..end).collect()
    });
    if !listed.is_empty() {
        state.pending.update(|p| p.extend(listed));
    }
}

/// Re-reads the first rows of a pending file with its current options.
fn sniff_again(state: AppState, id: u32) {
    let pending = state
        .pending
        .with_untracked(|p| p.iter().find(|f| f.id == id).cloned());
    if let Some(pending) = pending {
        sniff(state, pending, false);
    }
}

/// True when the file `id` will be imported first of those waiting: the
/// first listed one not failed (`id` itself counts, being read again to be
/// fixed), else the first chosen and not yet listed.
fn is_first_waiting(state: AppState, id: u32) -> bool {
    let listed = state.pending.with_untracked(|pending| {
        pending
            .iter()
            .find(|f| f.id == id || !matches!(f.status, PendingStatus::Failed(_)))
            .map(|f| f.id)
    });
    listed.or_else(|| UNLISTED.with(|u| u.borrow().first().map(|f| f.id))) == Some(id)
}

/// Reads the first rows of a file with its pending options; the first time,
/// lists it when the answer comes (see `choose_files`).
fn sniff(state: AppState, pending: Pending, first_time: bool) {
    let id = pending.id;
    // The worker reads one file ahead while the mapping is checked: the one
    // imported first. A later file's slices would wait through the imports
    // before it, beside their columns.
    let read_ahead = is_first_waiting(state, id);
    mark("xhs-sniff-start");
    import_client::request(
        pending.file.clone(),
        read_ahead.then_some(id),
        &pending.options,
        false,
        move |event| {
            if first_time {
                list_chosen(state, Some(id));
            }
            let status = match event {
                WorkerEvent::Sniffed(sniffed) => {
                    measure("xhs-sniff", "xhs-sniff-start", "xhs-sniff-end");
                    if first_time {
                        if let Some(options) =
                            storage::remembered_mapping(&sniffed.plan.header_signature())
                        {
                            state.pending.update(|p| {
                                if let Some(f) = p.iter_mut().find(|f| f.id == id) {
                                    f.options = options;
                                    f.remembered = true;
                                }
                            });
                            sniff_again(state, id);
                            return;
                        }
                    }
                    PendingStatus::Ready(Box::new(sniffed))
                }
                WorkerEvent::Failed(error) => PendingStatus::Failed(LoadError::Import(error)),
                WorkerEvent::Broken => PendingStatus::Failed(LoadError::Background {
                    file: pending.name.clone(),
                }),
                WorkerEvent::Progress { .. }
                | WorkerEvent::Done(_)
                | WorkerEvent::Attributed(..)
                | WorkerEvent::Attributing(_)
                | WorkerEvent::Kept(_)
                | WorkerEvent::Restored
                | WorkerEvent::Unattributed => return,
            };
            if matches!(status, PendingStatus::Failed(_)) {
                // It will not be imported as it is: its slices need not wait.
                import_client::drop_read_ahead(id);
            }
            state.pending.update(|p| {
                if let Some(f) = p.iter_mut().find(|f| f.id == id) {
                    f.status = status;
                    f.revision += 1;
                }
            });
        },
    );
}

/// Changes how a pending file is read; the preview follows.
pub fn change_options(state: AppState, id: u32, change: impl FnOnce(&mut ImportOptions, &Sniffed)) {
    state.pending.update(|p| {
        if let Some(f) = p.iter_mut().find(|f| f.id == id) {
            if let PendingStatus::Ready(sniffed) = &f.status {
                // Pin what was detected, so one change does not re-detect the rest.
                let plan = &sniffed.plan;
                let o = &mut f.options;
                o.kind.get_or_insert(plan.kind);
                o.encoding.get_or_insert(plan.encoding);
                o.delimiter.get_or_insert(plan.delimiter);
                o.header_line.get_or_insert(plan.header_line);
                change(o, sniffed);
                f.remembered = false;
            }
        }
    });
    sniff_again(state, id);
}

pub fn remove_pending(state: AppState, id: u32) {
    state.pending.update(|p| p.retain(|f| f.id != id));
    import_client::drop_read_ahead(id);
}

pub fn discard_pending(state: AppState) {
    for pending in state.pending.get_untracked() {
        import_client::drop_read_ahead(pending.id);
    }
    state.pending.set(Vec::new());
}

/// Reads every confirmed file, one after another. Each kind found replaces
/// that kind's table (several files of one kind are appended).
pub fn import_pending(state: AppState) {
    let ready: Vec<Pending> = state
        .pending
        .get_untracked()
        .into_iter()
        .filter(|p| matches!(p.status, PendingStatus::Ready(_)))
        .collect();
    if ready.is_empty() {
        return;
    }
    state.busy.set(true);
    // Reading other files replaces what the undo would bring back (the
    // notice says so); a cancel, which restarts the worker, would lose
    // its journeys anyway.
    dismiss_demo_swap(state);
    if showing_demo(state) {
        // The user's files replace the demo: its journeys must not be
        // attributed beside their data.
        import_client::forget_journeys();
    }
    import_next(state, ready, Vec::new());
}

fn showing_demo(state: AppState) -> bool {
    state
        .loaded
        .with_untracked(|l| l.as_ref().is_some_and(|l| l.source == Source::Demo))
}

fn import_next(state: AppState, mut queue: Vec<Pending>, mut done: Vec<Import>) {
    if queue.is_empty() {
        let new_journeys = done.iter().any(|i| i.kind.holds_journeys());
        if new_journeys || (showing_demo(state) && !done.is_empty()) {
            refresh_attribution(state);
        }
        apply_imports(state, done);
        state.progress.set(None);
        state.busy.set(false);
        return;
    }
    let pending = queue.remove(0);
    let PendingStatus::Ready(sniffed) = &pending.status else {
        return;
    };
    // Import exactly what the preview showed.
    let plan = &sniffed.plan;
    let options = ImportOptions {
        kind: Some(plan.kind),
        encoding: Some(plan.encoding),
        delimiter: Some(plan.delimiter),
        header_line: Some(plan.header_line),
        fields: Some(
            plan.columns()
                .into_iter()
                .map(|c| c.field.map(String::from))
                .collect(),
        ),
        day_order: pending.options.day_order,
        sheet: (!sniffed.sheets.is_empty()).then_some(sniffed.sheet),
    };
    let signature = plan.header_signature();
    let started = js_sys::Date::now();
    state.progress.set(Some(Progress {
        file: pending.name.clone(),
        bytes: 0.0,
        total: pending.size,
        rows: 0.0,
        started,
    }));
    let id = pending.id;
    let name = pending.name.clone();
    let request_options = options.clone();
    mark("xhs-import-start");
    import_client::request(
        pending.file.clone(),
        Some(id),
        &request_options,
        true,
        move |event| match event {
            WorkerEvent::Progress { bytes, total, rows } => {
                state.progress.update(|p| {
                    if let Some(p) = p {
                        p.bytes = bytes;
                        p.total = total;
                        p.rows = rows;
                    }
                });
            }
            WorkerEvent::Done(imported) => {
                measure("xhs-import", "xhs-import-start", "xhs-import-end");
                storage::remember_mapping(&signature, &options);
                let mapping =
                    xhs_roi_engine::scenario::SavedMapping::from_options(&signature, &options);
                state.confirmed_mappings.update(|m| {
                    m.retain(|x| x.signature != mapping.signature);
                    m.push(mapping);
                });
                remove_pending(state, id);
                let mut done = std::mem::take(&mut done);
                done.push(imported);
                import_next(state, std::mem::take(&mut queue), done);
            }
            WorkerEvent::Failed(error) => {
                state
                    .import_errors
                    .update(|e| e.push(LoadError::Import(error)));
                import_next(state, std::mem::take(&mut queue), std::mem::take(&mut done));
            }
            WorkerEvent::Broken => {
                state
                    .import_errors
                    .update(|e| e.push(LoadError::Background { file: name.clone() }));
                import_next(state, std::mem::take(&mut queue), std::mem::take(&mut done));
            }
            WorkerEvent::Sniffed(_)
            | WorkerEvent::Attributed(..)
            | WorkerEvent::Attributing(_)
            | WorkerEvent::Kept(_)
            | WorkerEvent::Restored
            | WorkerEvent::Unattributed => {}
        },
    );
}

/// Stops the import under way. Nothing read so far is applied.
pub fn cancel_import(state: AppState) {
    import_client::cancel_all();
    if let Some(progress) = state.progress.get_untracked() {
        state.import_errors.update(|e| {
            e.push(LoadError::Cancelled {
                file: progress.file,
            })
        });
    }
    state.progress.set(None);
    state.busy.set(false);
    // The worker is stopped to cancel, and the journeys it kept go with it
    // (the refresh below makes answers for them stale).
    if showing_demo(state) {
        load_demo_journeys(state);
    } else {
        // The user's: said, and no longer listed as read.
        let dropped: Vec<LoadError> = state.loaded.with_untracked(|l| {
            l.iter()
                .flat_map(|l| &l.files)
                .filter(|f| f.kind.holds_journeys())
                .map(|f| LoadError::JourneysDropped {
                    file: f.file.clone(),
                })
                .collect()
        });
        if !dropped.is_empty() {
            // Only then: a change of the data rebuilds every view.
            drop_journey_files(state);
            state.import_errors.update(|e| e.extend(dropped));
        }
    }
    refresh_attribution(state);
}

fn apply_imports(state: AppState, imports: Vec<Import>) {
    if imports.is_empty() {
        return;
    }
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
        let mut file = summary(&imported);
        let repeated = place(&mut dataset, imported);
        if !repeated.is_empty() {
            // Overlapping monthly exports: each repeated row counted once.
            let mut problems = (*file.problems).clone();
            for &(line, first_line) in &repeated {
                let reason = ProblemReason::DuplicateAcrossFiles {
                    first_line: u64::from(first_line),
                };
                problems.push(Problem {
                    line: u64::from(line),
                    column: String::new(),
                    value: String::new(),
                    message: reason.to_string(),
                    reason,
                });
            }
            file.problems = Arc::new(problems);
            file.rows_read -= repeated.len();
            file.rows_duplicate += repeated.len();
            file.problem_count += repeated.len();
        }
        files.push(file);
    }
    state.loaded.set(Some(Loaded {
        dataset: Arc::new(dataset),
        source: Source::Files,
        files,
    }));
}

fn slot(dataset: &mut Dataset, kind: Kind) -> Option<&mut Option<xhs_roi_engine::Table>> {
    match kind {
        Kind::Notes => Some(&mut dataset.notes),
        Kind::Costs => Some(&mut dataset.costs),
        Kind::Orders => Some(&mut dataset.orders),
        Kind::Surveys => Some(&mut dataset.surveys),
        Kind::Kols => Some(&mut dataset.kols),
        _ => None,
    }
}

fn clear(dataset: &mut Dataset, kind: Kind) {
    if let Some(slot) = slot(dataset, kind) {
        *slot = None;
    }
}

/// Puts a table in its place, appending to one of the same kind; returns
/// the rows skipped as repeats of rows already there.
fn place(dataset: &mut Dataset, imported: Import) -> Vec<(u32, u32)> {
    match slot(dataset, imported.kind) {
        Some(Some(table)) => table.append_unique(&imported.table),
        Some(slot) => {
            *slot = Some(imported.table);
            Vec::new()
        }
        None => Vec::new(),
    }
}
