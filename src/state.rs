//! Shared application state: a small `Copy` struct of signals in context.
//!
//! The model types (datasets, KPIs) are the engine's plain structs; the
//! signals here only hold them. Derived figures are memos, so every card and
//! chart recomputes from one place when the data or a setting changes.

use std::sync::Arc;

use leptos::prelude::*;
use xhs_roi_engine::attribution::survey::SurveyCounts;
use xhs_roi_engine::format::Locale;
use xhs_roi_engine::roi::{self, Prepared, RoiReport, RoiSettings};
use xhs_roi_engine::{Dataset, ImportOptions, Kind, Kpis, Problem};

/// Runs `f` and records its duration as the User Timing measure `name`,
/// so benchmarks can tell which part of a repaint takes the time.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}-start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
    }
    out
}

/// Runs `f` after the next frame has been painted, in a task of its own
/// at background priority: a `requestAnimationFrame` callback runs just
/// before the frame's style, layout and paint, and the task it posts
/// (`scheduler.postTask` with `priority: "background"`, where the browser
/// has it, else a zero timeout) runs after them, behind any input or other
/// task of normal priority. Work a change does not need for what can be
/// seen goes here, so it never delays the frame that shows the change.
/// (While the tab is hidden, animation frames, and so `f`, wait until it
/// is shown again.)
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || background_task(f));
}

/// Posts `f` as a background-priority task (see [`after_next_paint`]).
fn background_task(f: impl FnOnce() + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::once_into_js(f);
    let scheduler = js_sys::Reflect::get(&window, &JsValue::from_str("scheduler"))
        .ok()
        .filter(JsValue::is_object);
    if let Some(scheduler) = scheduler {
        let post = js_sys::Reflect::get(&scheduler, &JsValue::from_str("postTask"))
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok());
        if let Some(post) = post {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &options,
                &JsValue::from_str("priority"),
                &JsValue::from_str("background"),
            );
            if post.call2(&scheduler, &callback, &options).is_ok() {
                return;
            }
        }
    }
    let _ = window.set_timeout_with_callback(callback.unchecked_ref());
}

/// The ROI settings a panel below the fold follows: the current ones
/// while `in_view` says the panel can be seen, otherwise a copy that takes
/// each change after the next paint ([`after_next_paint`]), each panel in a
/// task of its own. So a change paints what can be seen in its own frame,
/// and the panels out of view catch up right after, in short tasks, instead
/// of delaying that frame. The memo only notifies when the settings it
/// gives differ, so scrolling a panel in or out of view recomputes nothing.
pub fn settings_for_panel(state: AppState, in_view: Option<Signal<bool>>) -> Memo<RoiSettings> {
    let settings = state.roi_settings;
    let later = RwSignal::new(settings.get_untracked());
    let changes = StoredValue::new(0u64);
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        settings.track();
        changes.update_value(|n| *n += 1);
        // One catch-up per paint, with the latest settings.
        if !scheduled.get_value() {
            scheduled.set_value(true);
            catch_up_after_paint(settings, later, changes, scheduled);
        }
    });
    Memo::new(move |_| match in_view {
        Some(in_view) if in_view.get() => settings.get(),
        _ => later.get(),
    })
}

/// Copies `settings` into `later` after the next paint; if another change
/// came before that task ran, after the paint of that change instead, so
/// the catch-up of one change never delays the frame of the next.
fn catch_up_after_paint(
    settings: RwSignal<RoiSettings>,
    later: RwSignal<RoiSettings>,
    changes: StoredValue<u64>,
    scheduled: StoredValue<bool>,
) {
    let Some(seen) = changes.try_get_value() else {
        return;
    };
    after_next_paint(move || {
        // The panel may be gone by then (the dashboard drawn anew).
        let Some(count) = changes.try_get_value() else {
            return;
        };
        if count != seen {
            catch_up_after_paint(settings, later, changes, scheduled);
            return;
        }
        scheduled.set_value(false);
        let Some(now) = settings.try_get_untracked() else {
            return;
        };
        if later.try_with_untracked(|l| *l != now) == Some(true) {
            later.try_set(now);
        }
    });
}

/// Where the dashboard's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Demo,
    Files,
}

impl Source {
    /// The value of `#app[data-source]`, read by the end-to-end tests.
    pub fn attribute(self) -> &'static str {
        match self {
            Source::Demo => "demo",
            Source::Files => "files",
        }
    }
}

/// A file that could not be read at all. Shown as one sentence that names
/// it, in the interface language.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// A demo file did not arrive from the app's own site.
    Fetch { url: String },
    /// The engine could not read it as a table.
    Import(xhs_roi_engine::ImportError),
    /// The user stopped the import.
    Cancelled { file: String },
    /// Stopping an import restarted the worker, which lost the journeys
    /// read from this file before.
    JourneysDropped { file: String },
    /// The background reader failed (it could not start, or broke).
    Background { file: String },
}

impl LoadError {
    pub fn describe(&self, texts: &crate::i18n::Texts) -> String {
        match self {
            LoadError::Fetch { url } => format!("{url}: {}", texts.fetch_failed),
            LoadError::Import(e) => format!("{}: {}", e.file, (texts.read_error)(&e.reason)),
            LoadError::Cancelled { file } => (texts.cancelled)(file),
            LoadError::JourneysDropped { file } => (texts.journeys_dropped)(file),
            LoadError::Background { file } => format!("{file}: {}", texts.worker_broken),
        }
    }
}

/// What one file contributed, for the import report.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSummary {
    pub file: String,
    pub kind: Kind,
    pub rows_read: usize,
    pub rows_rejected: usize,
    pub rows_with_problems: usize,
    pub rows_duplicate: usize,
    pub problem_count: usize,
    /// Every listed problem (for the CSV download); the screen shows a few.
    pub problems: Arc<Vec<Problem>>,
    pub date_orders: Vec<xhs_roi_engine::import::DateOrder>,
}

/// A file waiting on the mapping screen.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: u32,
    pub name: String,
    pub size: f64,
    pub file: web_sys::File,
    /// What the user changed; everything else is detected.
    pub options: ImportOptions,
    pub status: PendingStatus,
    /// The options came from a mapping confirmed earlier for these headers.
    pub remembered: bool,
    /// Bumped whenever a new sniff result arrives, so the card redraws.
    pub revision: u32,
}

#[derive(Debug, Clone)]
pub enum PendingStatus {
    Sniffing,
    Ready(Box<xhs_roi_engine::import::Sniffed>),
    Failed(LoadError),
}

/// An import under way.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub file: String,
    pub bytes: f64,
    pub total: f64,
    pub rows: f64,
    /// `Date.now()` when it started.
    pub started: f64,
}

/// The data behind the dashboard.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Arc<Dataset>,
    pub source: Source,
    pub files: Vec<FileSummary>,
}

/// The user's data while the demo replaces it, so that going back to the
/// demo can be undone (until they dismiss it or import other files). Their
/// journeys wait in the import worker ("stash").
#[derive(Debug, Clone)]
pub struct DemoSwap {
    pub loaded: Loaded,
}

/// Application-wide signals. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct AppState {
    pub locale: RwSignal<Locale>,
    pub loaded: RwSignal<Option<Loaded>, LocalStorage>,
    /// The user's data while the demo replaces it, for the undo.
    pub demo_swap: RwSignal<Option<DemoSwap>, LocalStorage>,
    /// Everything that changes the ROI figures: objective, periods,
    /// filters, margin, value settings, currency (what a scenario saves).
    pub roi_settings: RwSignal<RoiSettings>,
    /// The filter-independent index of the loaded data, rebuilt only when the
    /// data or the order rules change.
    pub prepared: Memo<Option<Arc<Prepared>>>,
    /// The ROI view for the current settings: every card, now, in the
    /// previous period and in the baseline.
    pub roi: Memo<Option<Arc<RoiReport>>>,
    /// Files that could not be read at all.
    pub import_errors: RwSignal<Vec<LoadError>>,
    /// True while files are being read.
    pub busy: RwSignal<bool>,
    /// Files on the mapping screen.
    pub pending: RwSignal<Vec<Pending>, LocalStorage>,
    pub progress: RwSignal<Option<Progress>>,
    next_id: StoredValue<u32>,
    /// Every attribution model's credit per channel, computed in the worker.
    pub attribution: RwSignal<Option<Arc<xhs_roi_engine::attribution::Attribution>>>,
    /// The attribution settings the user chose (the rest are defaults).
    pub attribution_settings: RwSignal<xhs_roi_engine::attribution::Settings>,
    /// Top paths, path lengths and time to conversion, from the worker.
    pub paths: RwSignal<Option<Arc<xhs_roi_engine::attribution::paths::PathExplorer>>>,
    /// Where a running attribution is; `None` when none runs.
    pub attribution_progress: RwSignal<Option<crate::import_client::AttributionProgress>>,
    /// The worker picks the number of bootstrap resamples by the input's
    /// size; off, the settings' own number (0: no intervals) is used.
    pub bootstrap_auto: RwSignal<bool>,
    /// Column mappings the user confirmed on the mapping screen since the
    /// active scenario last took them in (the scenarios controller moves
    /// them into it, so a scenario carries its mappings).
    pub confirmed_mappings: RwSignal<Vec<xhs_roi_engine::scenario::SavedMapping>>,
    /// Survey answers counted per platform, when a surveys table is loaded.
    pub surveys: Memo<Option<Arc<SurveyCounts>>>,
    pub kpis: Memo<Option<Kpis>>,
}

impl AppState {
    pub fn new(locale: Locale) -> AppState {
        let loaded: RwSignal<Option<Loaded>, LocalStorage> = RwSignal::new_local(None);
        let roi_settings = RwSignal::new(RoiSettings::default());
        // Only the order rules need a new index; a memo of them keeps other
        // settings from rebuilding it.
        let order_rules = Memo::new(move |_| {
            roi_settings.with(|s| (s.source_rules.clone(), s.order_links.clone()))
        });
        let prepared = Memo::new_with_compare(
            move |_| {
                let (source_rules, order_links) = order_rules.get();
                let settings = RoiSettings {
                    source_rules,
                    order_links,
                    ..RoiSettings::default()
                };
                loaded.with(|l| {
                    l.as_ref().map(|l| {
                        Arc::new(timed("xhs-roi-prepare", || {
                            Prepared::new(&l.dataset, &settings)
                        }))
                    })
                })
            },
            |old, new| match (old, new) {
                (Some(Some(a)), Some(Some(b))) => !Arc::ptr_eq(a, b),
                (Some(None), Some(None)) => false,
                _ => true,
            },
        );
        let roi = Memo::new(move |_| {
            let prepared = prepared.get()?;
            roi_settings.with(|s| {
                Some(Arc::new(timed("xhs-roi-report", || {
                    roi::report(&prepared, s)
                })))
            })
        });
        // The headline cards: the same figures `xhs-roi report --json` prints.
        let kpis = Memo::new(move |_| roi.with(|r| r.as_ref().map(|r| r.kpis())));
        let surveys = Memo::new(move |_| {
            loaded.with(|l| {
                let table = l.as_ref()?.dataset.surveys.as_ref()?;
                SurveyCounts::from_table(table).map(Arc::new)
            })
        });
        AppState {
            locale: RwSignal::new(locale),
            loaded,
            roi_settings,
            prepared,
            roi,
            demo_swap: RwSignal::new_local(None),
            import_errors: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
            pending: RwSignal::new_local(Vec::new()),
            progress: RwSignal::new(None),
            next_id: StoredValue::new(0),
            attribution: RwSignal::new(None),
            paths: RwSignal::new(None),
            attribution_settings: RwSignal::new(Default::default()),
            attribution_progress: RwSignal::new(None),
            confirmed_mappings: RwSignal::new(Vec::new()),
            bootstrap_auto: RwSignal::new(true),
            surveys,
            kpis,
        }
    }

    pub fn next_pending_id(&self) -> u32 {
        self.next_id.update_value(|n| *n += 1);
        self.next_id.get_value()
    }

    /// The sign of the currency figures are shown in (¥ by default).
    pub fn currency_symbol(&self) -> String {
        self.roi_settings
            .with(|s| xhs_roi_engine::format::currency_symbol(&s.currency.code))
    }

    /// Gross margin as a fraction.
    pub fn margin(&self) -> f64 {
        self.roi_settings.with(|s| s.margin.rate)
    }

    pub fn set_margin(&self, rate: f64) {
        self.roi_settings.update(|s| s.margin.rate = rate);
    }

    pub fn expect() -> AppState {
        expect_context::<AppState>()
    }

    /// The interface strings in the current language.
    pub fn texts(&self) -> &'static crate::i18n::Texts {
        crate::i18n::texts(self.locale.get())
    }
}
