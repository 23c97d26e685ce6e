//! Scenarios in the app: the controller between [`AppState`] and the
//! scenario store (`scenario_store.rs`). docs/scenarios.md has the rules.
//!
//! A scenario's settings are read from the state's signals
//! (`roi_settings`, `attribution_settings`, `bootstrap_auto`) and applied
//! back to them. The in-memory list always holds the active scenario as it
//! is on screen: an `Effect` watching those signals updates it and
//! schedules the store's autosave; switching, creating, exporting and
//! leaving the page (`pagehide`) save the pending change first. Another
//! tab's save of the active scenario is applied here and announced; one of
//! another scenario only updates the list.
//!
//! Column mappings: a mapping the user confirms on the mapping screen goes
//! into the active scenario (through `AppState::confirmed_mappings`,
//! replacing one for the same headers) and is remembered on this device
//! (`storage.rs`); applying a scenario remembers its mappings on this
//! device, so files with those headers are read the same way, and the CLI
//! applies them with `--scenario`.
//!
//! "Remember my data" (off by default) keeps the user's tables in IndexedDB
//! ([`device_data`]) and loads them on start instead of the demo.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use xhs_roi_engine::format::Locale;
use xhs_roi_engine::scenario::{self, Scenario, ScenarioError, ScenarioSettings, MAX_NAME_LEN};
use xhs_roi_engine::{Dataset, Kind};

use crate::scenario_store::{
    self as store, device_data, Autosave, Change, Saved, ScenarioStore, SetAside, StoreError,
    Subscription,
};
use crate::state::{AppState, FileSummary, Loaded, Source};

/// The id of the scenario made on the first start. Fixed, so two tabs
/// opened on an empty storage make the same one rather than two.
pub const FIRST_ID: &str = "default";

/// How long the undo of a deletion is offered.
const UNDO_MS: u32 = 12_000;

/// The strings of the scenario bar and the compare panel.
pub struct ScenarioTexts {
    pub label: &'static str,
    pub new: &'static str,
    pub duplicate: &'static str,
    pub rename: &'static str,
    pub save_name: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub export_this: &'static str,
    pub export_all: &'static str,
    pub import: &'static str,
    pub compare: &'static str,
    pub close: &'static str,
    pub device: &'static str,
    pub remember: &'static str,
    pub remember_help: &'static str,
    pub forget: &'static str,
    pub forget_text: &'static str,
    pub forget_confirm: &'static str,
    pub default_name: &'static str,
    pub new_name: fn(usize) -> String,
    pub copy_suffix: &'static str,
    pub imported_suffix: &'static str,
    pub deleted: fn(&str) -> String,
    pub undo: &'static str,
    pub dismiss: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub deleted_in_other_tab: &'static str,
    pub imported: fn(usize) -> String,
    pub import_failed: fn(&str) -> String,
    pub data_failed: &'static str,
    pub compare_title: &'static str,
    pub compare_pick: &'static str,
    pub compare_note: &'static str,
    pub no_data: &'static str,
    pub cost: &'static str,
    pub revenue: &'static str,
    pub net_profit: &'static str,
    pub roi: &'static str,
    pub blended_roi: &'static str,
    pub roas: &'static str,
    pub roi_chart: &'static str,
    pub top_channels: fn(&str) -> String,
    pub name_label: &'static str,
}

pub const EN: ScenarioTexts = ScenarioTexts {
    label: "Scenario",
    new: "New",
    duplicate: "Duplicate",
    rename: "Rename",
    save_name: "Save",
    cancel: "Cancel",
    delete: "Delete",
    export_this: "Export this",
    export_all: "Export all",
    import: "Import…",
    compare: "Compare",
    close: "Close",
    device: "This device",
    remember: "Remember my data on this device",
    remember_help: "Keeps the tables you load in this browser (IndexedDB), so a reload does not need the files again. Off by default; nothing leaves the device either way.",
    forget: "Forget everything on this device",
    forget_text: "This deletes every scenario, remembered column mapping and kept data table in this browser, then reloads the app. Export your scenarios first to keep them.",
    forget_confirm: "Forget everything",
    default_name: "Default",
    new_name: |n| format!("Scenario {n}"),
    copy_suffix: " (copy)",
    imported_suffix: " (imported)",
    deleted: |name| format!("Deleted “{name}”."),
    undo: "Undo",
    dismiss: "Dismiss",
    saving: "Saving…",
    saved: "Saved",
    deleted_in_other_tab: "This scenario was deleted in another tab. It stays open here, and any change saves it again.",
    imported: |n| match n {
        1 => "Imported 1 scenario.".to_string(),
        n => format!("Imported {n} scenarios."),
    },
    import_failed: |file| format!("{file} was not imported; nothing was changed:"),
    data_failed: "Your data could not be kept on this device",
    compare_title: "Compare scenarios",
    compare_pick: "Pick two or more scenarios to compare.",
    compare_note: "Each scenario's figures on the data loaded now; differences are against the first column.",
    no_data: "Load data to compare scenarios.",
    cost: "Total cost",
    revenue: "Revenue",
    net_profit: "Net profit",
    roi: "ROI",
    blended_roi: "Blended ROI",
    roas: "ROAS",
    roi_chart: "ROI by scenario",
    top_channels: |model| format!("Top channels by credit ({model})"),
    name_label: "Scenario name",
};

pub const ZH: ScenarioTexts = ScenarioTexts {
    label: "方案",
    new: "新建",
    duplicate: "复制",
    rename: "重命名",
    save_name: "保存",
    cancel: "取消",
    delete: "删除",
    export_this: "导出此方案",
    export_all: "导出全部",
    import: "导入…",
    compare: "对比",
    close: "关闭",
    device: "本设备",
    remember: "在本设备上记住我的数据",
    remember_help: "将你载入的数据表保存在此浏览器中（IndexedDB），刷新后无需再次选择文件。默认关闭；数据都不会离开本设备。",
    forget: "清除本设备上的全部数据",
    forget_text: "这将删除此浏览器中的所有方案、记住的列映射和保存的数据表，然后重新载入应用。如需保留方案，请先导出。",
    forget_confirm: "全部清除",
    default_name: "默认方案",
    new_name: |n| format!("方案 {n}"),
    copy_suffix: "（副本）",
    imported_suffix: "（导入）",
    deleted: |name| format!("已删除“{name}”。"),
    undo: "撤销",
    dismiss: "关闭",
    saving: "保存中…",
    saved: "已保存",
    deleted_in_other_tab: "此方案已在另一个标签页中被删除。它在这里仍然打开，任何修改都会重新保存它。",
    imported: |n| format!("已导入 {n} 个方案。"),
    import_failed: |file| format!("{file} 未导入，未做任何更改："),
    data_failed: "无法在本设备上保存你的数据",
    compare_title: "方案对比",
    compare_pick: "请选择两个或更多方案进行对比。",
    compare_note: "各方案基于当前载入数据的结果；差异相对于第一列。",
    no_data: "载入数据后即可对比方案。",
    cost: "总成本",
    revenue: "收入",
    net_profit: "净利润",
    roi: "ROI",
    blended_roi: "综合 ROI",
    roas: "ROAS",
    roi_chart: "各方案 ROI",
    top_channels: |model| format!("归因最多的渠道（{model}）"),
    name_label: "方案名称",
};

pub fn texts(locale: Locale) -> &'static ScenarioTexts {
    match locale {
        Locale::En => &EN,
        Locale::Zh => &ZH,
    }
}

/// A passing message under the scenario bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Another tab saved the open scenario (applied here), or this tab's
    /// save replaced another tab's unseen change.
    ChangedInOtherTab,
    /// Another tab had deleted it; this tab's save brought it back.
    RestoredAfterDelete,
    DeletedInOtherTab,
    Imported(usize),
}

/// A scenarios file that could not be imported, with every problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportFailure {
    pub file: String,
    pub problems: Vec<String>,
}

/// A deletion that can still be undone.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted {
    pub scenario: Scenario,
    pub was_active: bool,
}

/// The scenarios of this tab, in context. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Scenarios {
    state: AppState,
    /// Every scenario, oldest first; the active one as it is on screen.
    pub list: RwSignal<Vec<Scenario>>,
    /// The id of the scenario in use.
    pub active: RwSignal<String>,
    pub set_aside: RwSignal<Vec<SetAside>>,
    /// Entries of a newer app version, left alone.
    pub newer: RwSignal<usize>,
    /// The last save failed (storage full, unavailable, invalid).
    pub error: RwSignal<Option<StoreError>>,
    pub notice: RwSignal<Option<Notice>>,
    pub import_failure: RwSignal<Option<ImportFailure>>,
    pub deleted: RwSignal<Option<Deleted>>,
    /// A change waits for the autosave.
    pub saving: RwSignal<bool>,
    /// "Remember my data" is on.
    pub remember: RwSignal<bool>,
    /// Keeping the data on the device failed (IndexedDB's message).
    pub data_error: RwSignal<Option<String>>,
    /// Bumped when applying a scenario changed the attribution settings:
    /// the widgets that read them once are drawn again.
    pub epoch: RwSignal<u32>,
    store: StoredValue<ScenarioStore, LocalStorage>,
    autosave: StoredValue<Option<Autosave>, LocalStorage>,
    subscription: StoredValue<Option<Subscription>, LocalStorage>,
    /// The dataset last written to the device, so it is written once.
    kept: StoredValue<Option<Arc<Dataset>>, LocalStorage>,
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// `name` + `suffix`, within the longest name allowed.
fn with_suffix(name: &str, suffix: &str) -> String {
    let room = MAX_NAME_LEN.saturating_sub(suffix.chars().count());
    let mut out: String = name.chars().take(room).collect();
    out.push_str(suffix);
    out
}

/// A file name from a scenario name: letters and digits (any script) kept.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let stem = stem.trim_matches('-').to_string();
    if stem.is_empty() {
        "scenario".to_string()
    } else {
        stem
    }
}

fn files_json(files: &[FileSummary]) -> String {
    let list: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            serde_json::json!({
                "file": f.file,
                "kind": f.kind.name(),
                "rows_read": f.rows_read,
                "rows_rejected": f.rows_rejected,
                "rows_with_problems": f.rows_with_problems,
                "rows_duplicate": f.rows_duplicate,
                "problem_count": f.problem_count,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The file summaries kept with the data. The problems themselves are not
/// kept, only their counts.
fn files_from_json(text: &str) -> Vec<FileSummary> {
    let Ok(serde_json::Value::Array(list)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|f| {
            let count = |key: &str| f.get(key).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
            Some(FileSummary {
                file: f.get("file")?.as_str()?.to_string(),
                kind: Kind::from_name(f.get("kind")?.as_str()?)?,
                rows_read: count("rows_read"),
                rows_rejected: count("rows_rejected"),
                rows_with_problems: count("rows_with_problems"),
                rows_duplicate: count("rows_duplicate"),
                problem_count: count("problem_count"),
                problems: Arc::new(Vec::new()),
                date_orders: Vec::new(),
            })
        })
        .collect()
}

impl Scenarios {
    /// Loads the scenarios, applies the active one (before the dashboard is
    /// drawn), and starts autosave, the other-tabs listener and "remember
    /// my data". Call once, in the root component.
    pub fn start(state: AppState) -> Scenarios {
        let ctrl = Scenarios {
            state,
            list: RwSignal::new(Vec::new()),
            active: RwSignal::new(String::new()),
            set_aside: RwSignal::new(Vec::new()),
            newer: RwSignal::new(0),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            import_failure: RwSignal::new(None),
            deleted: RwSignal::new(None),
            saving: RwSignal::new(false),
            remember: RwSignal::new(store::remember_data()),
            data_error: RwSignal::new(None),
            epoch: RwSignal::new(0),
            store: StoredValue::new_local(ScenarioStore::new()),
            autosave: StoredValue::new_local(None),
            subscription: StoredValue::new_local(None),
            kept: StoredValue::new_local(None),
        };
        let autosave = Autosave::new(ctrl.store(), move |s, result| ctrl.saved(s, result));
        ctrl.autosave.set_value(Some(autosave));
        ctrl.load();
        ctrl.subscription
            .set_value(store::subscribe(move |change| ctrl.on_change(change)));
        ctrl.watch_settings();
        ctrl.flush_on_pagehide();
        ctrl.watch_data();
        provide_context(ctrl);
        ctrl
    }

    pub fn expect() -> Scenarios {
        expect_context::<Scenarios>()
    }

    fn store(self) -> ScenarioStore {
        self.store.get_value()
    }

    fn autosave(self) -> Option<Autosave> {
        self.autosave.get_value()
    }

    /// Saves the pending change now.
    pub fn flush(self) {
        if let Some(autosave) = self.autosave() {
            autosave.flush();
        }
    }

    fn texts(self) -> &'static ScenarioTexts {
        texts(self.state.locale.get_untracked())
    }

    /// The active scenario as it is on screen.
    pub fn active_scenario(self) -> Option<Scenario> {
        let id = self.active.get_untracked();
        self.list
            .with_untracked(|l| l.iter().find(|s| s.id == id).cloned())
    }

    /// The settings on screen, with these mappings.
    fn current_settings(self, mappings: Vec<scenario::SavedMapping>) -> ScenarioSettings {
        ScenarioSettings {
            roi: self.state.roi_settings.get_untracked(),
            attribution: self.state.attribution_settings.get_untracked(),
            bootstrap_auto: self.state.bootstrap_auto.get_untracked(),
            mappings,
        }
    }

    fn load(self) {
        let texts = self.texts();
        let loaded = match self.store().load_all() {
            Ok(loaded) => loaded,
            Err(e) => {
                // No storage at all: one scenario in memory, and the reason.
                self.error.set(Some(e));
                let s = Scenario::new(
                    FIRST_ID,
                    texts.default_name,
                    store::now_ms(),
                    self.current_settings(Vec::new()),
                );
                self.active.set(s.id.clone());
                self.list.set(vec![s]);
                return;
            }
        };
        self.set_aside.set(loaded.set_aside);
        self.newer.set(loaded.newer);
        let mut scenarios = loaded.scenarios;
        if scenarios.is_empty() {
            let s = Scenario::new(
                FIRST_ID,
                texts.default_name,
                store::now_ms(),
                self.current_settings(Vec::new()),
            );
            if let Err(e) = self.store().save(&s) {
                self.error.set(Some(e));
            }
            scenarios.push(s);
        }
        let active = loaded.active.unwrap_or_else(|| scenarios[0].id.clone());
        if store::active().as_deref() != Some(active.as_str()) {
            let _ = store::set_active(Some(&active));
        }
        let settings = scenarios
            .iter()
            .find(|s| s.id == active)
            .map(|s| s.settings.clone())
            .unwrap_or_default();
        self.list.set(scenarios);
        self.active.set(active);
        self.apply(&settings, false);
    }

    /// Puts a scenario's settings on screen. `rerun`: run attribution again
    /// when its settings changed (not on start: the journeys are not loaded
    /// yet, and the loader runs it when they are).
    fn apply(self, settings: &ScenarioSettings, rerun: bool) {
        let state = self.state;
        if state.roi_settings.with_untracked(|r| *r != settings.roi) {
            state.roi_settings.set(settings.roi.clone());
        }
        let attribution_changed = state
            .attribution_settings
            .with_untracked(|a| *a != settings.attribution)
            || state.bootstrap_auto.get_untracked() != settings.bootstrap_auto;
        if attribution_changed {
            state.attribution_settings.set(settings.attribution.clone());
            state.bootstrap_auto.set(settings.bootstrap_auto);
            self.epoch.update(|n| *n += 1);
            if rerun {
                crate::loader::refresh_attribution(state);
            }
        }
        for mapping in &settings.mappings {
            crate::storage::remember_mapping(&mapping.signature, &mapping.to_options());
        }
    }

    /// Replaces a scenario in the list (by id), or adds it in order.
    fn put(self, scenario: Scenario) {
        self.list
            .update(|l| match l.iter_mut().find(|s| s.id == scenario.id) {
                Some(slot) => *slot = scenario,
                None => {
                    l.push(scenario);
                    l.sort_by(|a, b| {
                        a.created_ms
                            .total_cmp(&b.created_ms)
                            .then_with(|| a.id.cmp(&b.id))
                    });
                }
            });
    }

    /// Every change of the settings on screen updates the active scenario
    /// and schedules its autosave. Applying a scenario changes nothing
    /// here: its settings are then equal to the scenario's.
    fn watch_settings(self) {
        let state = self.state;
        Effect::new(move |_| {
            let roi = state.roi_settings.get();
            let attribution = state.attribution_settings.get();
            let bootstrap_auto = state.bootstrap_auto.get();
            let confirmed = state.confirmed_mappings.get();
            let Some(mut scenario) = self.active_scenario() else {
                return;
            };
            let mut mappings = scenario.settings.mappings.clone();
            for mapping in &confirmed {
                mappings.retain(|m| m.signature != mapping.signature);
                mappings.push(mapping.clone());
            }
            if !confirmed.is_empty() {
                // Taken in: the next scenario does not inherit them.
                state.confirmed_mappings.set(Vec::new());
            }
            let settings = ScenarioSettings {
                roi,
                attribution,
                bootstrap_auto,
                mappings,
            };
            if settings == scenario.settings {
                return;
            }
            scenario.update(settings, store::now_ms());
            if let Err(e) = scenario.validate() {
                self.error.set(Some(StoreError::Invalid(e.to_string())));
                return;
            }
            self.put(scenario.clone());
            self.schedule(scenario);
        });
    }

    fn schedule(self, scenario: Scenario) {
        if let Some(autosave) = self.autosave() {
            autosave.schedule(scenario);
            self.saving.set(true);
        }
    }

    /// What the autosave reports.
    fn saved(self, scenario: &Scenario, result: Result<Saved, StoreError>) {
        self.saving.set(false);
        match result {
            Ok(Saved::Clean) => self.error.set(None),
            Ok(Saved::ReplacedOtherTab { .. }) => {
                self.error.set(None);
                self.notice.set(Some(Notice::ChangedInOtherTab));
            }
            Ok(Saved::RestoredAfterDelete) => {
                self.error.set(None);
                self.notice.set(Some(Notice::RestoredAfterDelete));
                self.put(scenario.clone());
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    fn flush_on_pagehide(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let listener = Closure::<dyn FnMut()>::new(move || self.flush());
        let _ =
            window.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
        // For the page's whole life.
        listener.forget();
    }

    /// A change another tab made.
    fn on_change(self, change: Change) {
        match change {
            Change::Saved(incoming) => {
                let incoming = *incoming;
                let is_active = incoming.id == self.active.get_untracked();
                if is_active && self.autosave().is_some_and(|a| a.is_pending()) {
                    // This tab's change is saved after theirs and wins; the
                    // save says so (Saved::ReplacedOtherTab).
                    return;
                }
                self.store().mark_seen(&incoming);
                let settings = incoming.settings.clone();
                self.put(incoming);
                if is_active {
                    self.apply(&settings, true);
                    self.notice.set(Some(Notice::ChangedInOtherTab));
                }
            }
            Change::Deleted { id } => {
                if id == self.active.get_untracked() {
                    self.notice.set(Some(Notice::DeletedInOtherTab));
                } else {
                    self.list.update(|l| l.retain(|s| s.id != id));
                }
            }
            Change::Unreadable(entry) => self.set_aside.update(|list| {
                if !list
                    .iter()
                    .any(|e| e.key == entry.key && e.raw == entry.raw)
                {
                    list.push(entry);
                }
            }),
            // Each tab keeps its own scenario open; the stored id is only
            // what the next start opens.
            Change::Active(_) => {}
            Change::Cleared | Change::Forgotten => {
                if let Some(autosave) = self.autosave() {
                    autosave.cancel();
                }
                reload();
            }
        }
    }

    /// Opens another scenario, saving the pending change first.
    pub fn switch(self, id: &str) {
        if self.active.get_untracked() == id {
            return;
        }
        self.flush();
        self.activate(id);
    }

    fn activate(self, id: &str) {
        let Some(settings) = self
            .list
            .with_untracked(|l| l.iter().find(|s| s.id == id).map(|s| s.settings.clone()))
        else {
            return;
        };
        self.active.set(id.to_string());
        if let Err(e) = store::set_active(Some(id)) {
            self.error.set(Some(e));
        }
        self.notice.set(None);
        self.apply(&settings, true);
    }

    /// Saves a new scenario and opens it.
    fn add(self, scenario: Scenario) {
        self.flush();
        match self.store().save(&scenario) {
            Ok(_) => {
                let id = scenario.id.clone();
                self.put(scenario);
                self.activate(&id);
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// A name not in use: "Scenario 2", "Scenario 3"...
    fn fresh_name(self) -> String {
        let texts = self.texts();
        let names: HashSet<String> = self
            .list
            .with_untracked(|l| l.iter().map(|s| s.name.clone()).collect());
        (2..)
            .map(texts.new_name)
            .find(|n| !names.contains(n))
            .expect("a free name")
    }

    /// A new scenario with the default settings.
    pub fn create(self) {
        let name = self.fresh_name();
        self.add(Scenario::new(
            &store::new_id(),
            &name,
            store::now_ms(),
            ScenarioSettings::default(),
        ));
    }

    /// A copy of the active scenario, opened.
    pub fn duplicate(self) {
        self.flush();
        let Some(active) = self.active_scenario() else {
            return;
        };
        let name = with_suffix(&active.name, self.texts().copy_suffix);
        self.add(active.duplicate(&store::new_id(), &name, store::now_ms()));
    }

    /// Renames the active scenario (blank names are ignored) and saves.
    pub fn rename(self, name: &str) {
        let name: String = name.trim().chars().take(MAX_NAME_LEN).collect();
        let Some(mut scenario) = self.active_scenario() else {
            return;
        };
        if name.is_empty() || name == scenario.name {
            return;
        }
        scenario.rename(&name, store::now_ms());
        self.put(scenario.clone());
        self.schedule(scenario);
        self.flush();
    }

    /// Deletes the active scenario and opens another (a new default one if
    /// it was the last); the deletion can be undone for a while.
    pub fn delete(self) {
        self.flush();
        let Some(in_memory) = self.active_scenario() else {
            return;
        };
        let id = in_memory.id.clone();
        let stored = match self.store().delete(&id) {
            Ok(stored) => stored,
            Err(e) => {
                self.error.set(Some(e));
                return;
            }
        };
        self.list.update(|l| l.retain(|s| s.id != id));
        self.deleted.set(Some(Deleted {
            scenario: stored.unwrap_or(in_memory),
            was_active: true,
        }));
        let deleted = self.deleted;
        gloo_timers::callback::Timeout::new(UNDO_MS, move || {
            if deleted.with_untracked(|d| d.as_ref().is_some_and(|d| d.scenario.id == id)) {
                deleted.set(None);
            }
        })
        .forget();
        match self
            .list
            .with_untracked(|l| l.first().map(|s| s.id.clone()))
        {
            Some(next) => self.activate(&next),
            None => {
                let texts = self.texts();
                self.add(Scenario::new(
                    &store::new_id(),
                    texts.default_name,
                    store::now_ms(),
                    ScenarioSettings::default(),
                ));
            }
        }
    }

    /// Brings the last deleted scenario back (and opens it if it was open).
    pub fn undo_delete(self) {
        let Some(deleted) = self.deleted.get_untracked() else {
            return;
        };
        self.deleted.set(None);
        self.flush();
        match self.store().save(&deleted.scenario) {
            Ok(_) => {
                let id = deleted.scenario.id.clone();
                self.put(deleted.scenario);
                if deleted.was_active {
                    self.activate(&id);
                }
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Downloads the active scenario, or all of them, as a scenarios file.
    pub fn export(self, all: bool) {
        self.flush();
        if all {
            let list = self.list.get_untracked();
            store::download_file("xhs-roi-scenarios.json", &list);
        } else if let Some(s) = self.active_scenario() {
            store::download_file(
                &format!("xhs-roi-scenario-{}.json", file_stem(&s.name)),
                &[s],
            );
        }
    }

    /// Adds the scenarios of a file. Nothing is added unless the whole file
    /// is valid; every problem is listed with its field path. A scenario
    /// whose id is taken gets a new id and " (imported)" after its name.
    pub fn import(self, file: &str, text: &str) {
        self.import_failure.set(None);
        let incoming = match scenario::parse_file(text) {
            Ok(list) => list,
            Err(error) => {
                let problems = match error {
                    ScenarioError::Invalid(errors) => {
                        errors.iter().map(ToString::to_string).collect()
                    }
                    other => vec![other.to_string()],
                };
                self.import_failure.set(Some(ImportFailure {
                    file: file.to_string(),
                    problems,
                }));
                return;
            }
        };
        self.flush();
        let suffix = self.texts().imported_suffix;
        let mut taken: HashSet<String> = self
            .list
            .with_untracked(|l| l.iter().map(|s| s.id.clone()).collect());
        let mut added = 0;
        for mut s in incoming {
            if taken.contains(&s.id) {
                s.id = store::new_id();
                s.name = with_suffix(&s.name, suffix);
            }
            if let Err(e) = self.store().save(&s) {
                self.error.set(Some(e));
                break;
            }
            taken.insert(s.id.clone());
            self.put(s);
            added += 1;
        }
        self.notice.set(Some(Notice::Imported(added)));
    }

    /// Removes a set-aside entry (after it was downloaded or dismissed).
    pub fn discard(self, entry: &SetAside) {
        self.store().discard_set_aside(&entry.stored_as);
        self.set_aside
            .update(|l| l.retain(|e| e.stored_as != entry.stored_as));
    }

    /// Wipes scenarios, mappings and kept data from this browser, tells the
    /// other tabs, and reloads.
    pub fn forget_everything(self) {
        if let Some(autosave) = self.autosave() {
            autosave.cancel();
        }
        self.subscription.set_value(None);
        if let Err(e) = self.store().forget_everything() {
            self.error.set(Some(e));
        }
        leptos::task::spawn_local(async move {
            let _ = device_data::clear().await;
            reload();
        });
    }

    /// Turns "remember my data" on (the data on screen is kept, and every
    /// new import) or off (what was kept is deleted).
    pub fn set_remember(self, on: bool) {
        if let Err(e) = store::set_remember_data(on) {
            self.error.set(Some(e));
            return;
        }
        self.remember.set(on);
        if !on {
            self.kept.set_value(None);
            self.data_error.set(None);
            leptos::task::spawn_local(async move {
                if let Err(e) = device_data::clear().await {
                    self.data_error.set(Some(e));
                }
            });
        }
    }

    /// While "remember my data" is on, the user's tables on screen are
    /// written to the device once each; going back to the demo deletes them
    /// once that can no longer be undone (dismissed, or other files read).
    fn watch_data(self) {
        let state = self.state;
        Effect::new(move |_| {
            if !self.remember.get() {
                return;
            }
            let Some(loaded) = state.loaded.get() else {
                return;
            };
            if loaded.source == Source::Demo {
                // Kept while the undo could still bring them back: a reload
                // meanwhile finds them.
                if state.demo_swap.with(Option::is_some) {
                    return;
                }
                if self.kept.with_value(Option::is_some) {
                    self.kept.set_value(None);
                    leptos::task::spawn_local(async move {
                        let _ = device_data::clear().await;
                    });
                }
                return;
            }
            let same = self
                .kept
                .with_value(|k| k.as_ref().is_some_and(|k| Arc::ptr_eq(k, &loaded.dataset)));
            if same {
                return;
            }
            self.kept.set_value(Some(loaded.dataset.clone()));
            let files = files_json(&loaded.files);
            leptos::task::spawn_local(async move {
                // The journeys live in the worker: asked for first, so the
                // request is ahead of any later change of them (a "back to
                // demo" while the tables are being written).
                let journeys = crate::import_client::kept_journeys().await;
                let saved = match device_data::save(&loaded.dataset, &files).await {
                    Ok(()) => device_data::save_journeys(journeys.as_deref()).await,
                    Err(e) => Err(e),
                };
                match saved {
                    Ok(()) => self.data_error.set(None),
                    Err(e) => {
                        self.kept.set_value(None);
                        self.data_error.set(Some(e));
                    }
                }
            });
        });
    }

    /// The data on start: what the user chose to keep on this device, else
    /// the demo.
    pub fn load_data(self) {
        let state = self.state;
        if !store::remember_data() {
            crate::loader::load_demo(state);
            return;
        }
        state.busy.set(true);
        leptos::task::spawn_local(async move {
            match device_data::load().await {
                Ok(Some((dataset, files))) => {
                    if let Ok(Some(journeys)) = device_data::load_journeys().await {
                        crate::import_client::restore_journeys(&journeys).await;
                        crate::loader::refresh_attribution(state);
                    }
                    let dataset = Arc::new(dataset);
                    self.kept.set_value(Some(dataset.clone()));
                    state.loaded.set(Some(Loaded {
                        dataset,
                        source: Source::Files,
                        files: files_from_json(&files),
                    }));
                    state.busy.set(false);
                }
                Ok(None) => crate::loader::load_demo(state),
                Err(e) => {
                    self.data_error.set(Some(e));
                    crate::loader::load_demo(state);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_keep_names_within_the_limit() {
        assert_eq!(with_suffix("Q3", " (imported)"), "Q3 (imported)");
        let long = "长".repeat(MAX_NAME_LEN);
        let named = with_suffix(&long, "（导入）");
        assert_eq!(named.chars().count(), MAX_NAME_LEN);
        assert!(named.ends_with("（导入）"));
    }

    #[test]
    fn file_stems_keep_letters_of_any_script() {
        assert_eq!(file_stem("高毛利 Q3/2026"), "高毛利-Q3-2026");
        assert_eq!(file_stem("  "), "scenario");
    }

    #[test]
    fn file_summaries_round_trip_without_their_problems() {
        let files = vec![FileSummary {
            file: "笔记.csv".into(),
            kind: Kind::Notes,
            rows_read: 10,
            rows_rejected: 1,
            rows_with_problems: 2,
            rows_duplicate: 3,
            problem_count: 4,
            problems: Arc::new(Vec::new()),
            date_orders: Vec::new(),
        }];
        assert_eq!(files_from_json(&files_json(&files)), files);
        assert!(files_from_json("not json").is_empty());
    }
}
