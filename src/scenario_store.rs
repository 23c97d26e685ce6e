//! Scenarios in the browser's localStorage, behind one module.
//!
//! Keys (docs/scenarios.md):
//!
//! - `xhs-roi.scenario.v3.<id>`: one scenario, as the engine's stored entry
//!   (`{"schema_version":3,"scenario":{...}}`). One `setItem` per scenario
//!   is atomic, so a save is whole or not at all. The `v3` is the schema
//!   version; keys of an older version are migrated on load and rewritten
//!   under the current one (the old key is removed only after the new one is
//!   written). Keys of a newer version belong to a newer app in another tab
//!   and are left alone.
//! - `xhs-roi.scenarios.active`: the id of the scenario in use (JSON string).
//! - `xhs-roi.corrupt.<original key>`: an entry that could not be read, moved
//!   aside verbatim so it stops failing every load and can be downloaded.
//!
//! Rules: a full storage (quota) is an error that leaves the previous value
//! in place; a corrupt entry never stops the others from loading; the later
//! save wins, and the tab that overwrote another tab's change is told
//! ([`Saved::ReplacedOtherTab`]); other tabs' saves arrive through
//! [`subscribe`] (the window's `storage` event).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::{Rc, Weak};

use gloo_storage::errors::StorageError;
use gloo_storage::{LocalStorage, Storage};
use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use xhs_roi_engine::format::Locale;
use xhs_roi_engine::scenario::{self, EntryRef, Scenario, SCHEMA_VERSION};

/// Every key this app writes starts with this.
pub const APP_PREFIX: &str = "xhs-roi.";
/// The key of the active scenario's id.
pub const ACTIVE_KEY: &str = "xhs-roi.scenarios.active";
/// Entries set aside: this prefix, then the original key.
pub const CORRUPT_PREFIX: &str = "xhs-roi.corrupt.";
/// Written and removed at once by [`ScenarioStore::forget_everything`], so
/// other tabs hear of it ([`Change::Forgotten`]) and do not save their
/// scenario back.
const FORGOTTEN_KEY: &str = "xhs-roi.forgotten";
/// Whether the user chose to keep their data on this device (`"true"`).
pub const REMEMBER_DATA_KEY: &str = "xhs-roi.remember-data";
const ENTRY_STEM: &str = "xhs-roi.scenario.v";

/// The storage key of scenario `id` at the current schema version.
pub fn entry_key(id: &str) -> String {
    format!("{ENTRY_STEM}{SCHEMA_VERSION}.{id}")
}

/// `(version, id)` of a scenario entry key.
fn parse_entry_key(key: &str) -> Option<(u32, &str)> {
    let rest = key.strip_prefix(ENTRY_STEM)?;
    let (version, id) = rest.split_once('.')?;
    let version: u32 = version.parse().ok().filter(|v| *v >= 1)?;
    Some((version, id))
}

/// A scenario entry that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    /// The key it was stored under (`xhs-roi.scenario.v3.<id>`).
    pub key: String,
    /// Where its raw text is kept now (`xhs-roi.corrupt.<key>`); equal to
    /// `key` if it could not be moved (storage full).
    pub stored_as: String,
    /// The text exactly as it was stored, for download.
    pub raw: String,
    /// Why it could not be read (the engine's message, with the field path).
    pub reason: String,
}

impl SetAside {
    /// A file name for downloading the raw text.
    pub fn file_name(&self) -> String {
        let safe: String = self
            .key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{safe}.json")
    }
}

/// What [`ScenarioStore::load_all`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// Every readable scenario, oldest first.
    pub scenarios: Vec<Scenario>,
    /// Every entry set aside, this time or before, until discarded.
    pub set_aside: Vec<SetAside>,
    /// Entries of a newer schema version (a newer app in another tab); not
    /// shown and not touched.
    pub newer: usize,
    /// Entries of an older version migrated (and rewritten when there was
    /// room).
    pub migrated: usize,
    /// The active scenario's id, if it is among `scenarios`.
    pub active: Option<String>,
}

/// How a save went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Saved {
    /// Written over this tab's own last version (or a new scenario).
    Clean,
    /// Written over a version another tab saved after this tab last saw
    /// the scenario: the later save won; the UI should say so.
    ReplacedOtherTab { their_updated_ms: f64 },
    /// Another tab had deleted it; this save brought it back.
    RestoredAfterDelete,
}

/// Why storage failed. Nothing was changed.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The browser's storage for this site is full.
    QuotaExceeded,
    /// localStorage is disabled or blocked for this site.
    Unavailable,
    /// The scenario is not valid (the engine's message); saving it would
    /// make an entry that cannot load.
    Invalid(String),
    /// Any other refusal by the browser (its error name and message).
    Browser(String),
}

impl StoreError {
    /// The message for the user, in the interface language.
    pub fn describe(&self, locale: Locale) -> String {
        let texts = StoreTexts::of(locale);
        match self {
            StoreError::QuotaExceeded => texts.quota_exceeded.to_string(),
            StoreError::Unavailable => texts.unavailable.to_string(),
            StoreError::Invalid(reason) => format!("{}: {reason}", texts.invalid),
            StoreError::Browser(reason) => format!("{}: {reason}", texts.browser),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Locale::En))
    }
}

impl std::error::Error for StoreError {}

/// The strings of this module, per language. They live here (not in
/// `i18n.rs`) until the scenarios UI joins them there.
#[derive(Debug)]
pub struct StoreTexts {
    pub quota_exceeded: &'static str,
    pub unavailable: &'static str,
    pub invalid: &'static str,
    pub browser: &'static str,
    /// After [`Saved::ReplacedOtherTab`] or an incoming change to the open
    /// scenario.
    pub changed_in_other_tab: &'static str,
    pub restored_after_delete: &'static str,
    /// Before a set-aside entry's key and reason.
    pub set_aside: &'static str,
    pub download_raw: &'static str,
    pub newer_entries: &'static str,
}

pub const EN: StoreTexts = StoreTexts {
    quota_exceeded: "Not saved: the browser's storage for this site is full. The last saved version is kept. Delete scenarios you no longer need, or export them to a file.",
    unavailable: "Not saved: this browser does not let the app store anything (storage is off or blocked for this site).",
    invalid: "Not saved, the scenario is not valid",
    browser: "Not saved, the browser refused",
    changed_in_other_tab: "This scenario was also changed in another tab; the later change is the one kept.",
    restored_after_delete: "This scenario had been deleted in another tab; saving brought it back.",
    set_aside: "A saved scenario could not be read and was set aside",
    download_raw: "Download its text",
    newer_entries: "Some scenarios were saved by a newer version of the app and are not shown here.",
};

pub const ZH: StoreTexts = StoreTexts {
    quota_exceeded: "未保存：浏览器为本站提供的存储空间已满，已保留上次保存的版本。请删除不再需要的方案，或导出为文件。",
    unavailable: "未保存：此浏览器不允许本应用存储数据（本站的存储已关闭或被阻止）。",
    invalid: "未保存，方案无效",
    browser: "未保存，浏览器拒绝了写入",
    changed_in_other_tab: "此方案也在另一个标签页中被修改；保留的是较晚的修改。",
    restored_after_delete: "此方案已在另一个标签页中被删除；本次保存将其恢复。",
    set_aside: "一个已保存的方案无法读取，已被单独存放",
    download_raw: "下载其原文",
    newer_entries: "部分方案由更新版本的应用保存，此处不显示。",
};

impl StoreTexts {
    pub fn of(locale: Locale) -> &'static StoreTexts {
        match locale {
            Locale::En => &EN,
            Locale::Zh => &ZH,
        }
    }
}

/// localStorage, or `Unavailable` (gloo's own accessor panics instead).
fn storage() -> Result<web_sys::Storage, StoreError> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or(StoreError::Unavailable)
}

fn is_quota(name: &str) -> bool {
    // Firefox before 2020 said NS_ERROR_DOM_QUOTA_REACHED.
    name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED"
}

fn from_gloo(error: StorageError) -> StoreError {
    match error {
        StorageError::JsError(e) if is_quota(&e.name) => StoreError::QuotaExceeded,
        StorageError::JsError(e) => StoreError::Browser(format!("{}: {}", e.name, e.message)),
        other => StoreError::Browser(other.to_string()),
    }
}

fn from_js(error: JsValue) -> StoreError {
    let field = |name: &str| {
        js_sys::Reflect::get(&error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let name = field("name");
    if is_quota(&name) {
        StoreError::QuotaExceeded
    } else {
        StoreError::Browser(format!("{name}: {}", field("message")))
    }
}

/// Writes text verbatim (set-aside copies).
fn set_raw(key: &str, text: &str) -> Result<(), StoreError> {
    storage()?.set_item(key, text).map_err(from_js)
}

fn get_raw(key: &str) -> Option<String> {
    storage().ok()?.get_item(key).ok()?
}

fn keys() -> Result<Vec<String>, StoreError> {
    let storage = storage()?;
    let length = storage.length().map_err(from_js)?;
    Ok((0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect())
}

/// Moves a broken entry to `xhs-roi.corrupt.<key>` (or `<key>~2`, ...,
/// when that is taken by different text). On failure (storage full) it stays
/// where it is.
fn set_aside(key: &str, raw: &str, reason: String) -> SetAside {
    let base = format!("{CORRUPT_PREFIX}{key}");
    let mut target = base.clone();
    let mut n = 1;
    while let Some(existing) = get_raw(&target) {
        if existing == raw {
            break;
        }
        n += 1;
        target = format!("{base}~{n}");
    }
    let stored_as = match set_raw(&target, raw) {
        Ok(()) => {
            LocalStorage::delete(key);
            target
        }
        Err(_) => key.to_string(),
    };
    SetAside {
        key: key.to_string(),
        stored_as,
        raw: raw.to_string(),
        reason,
    }
}

/// The original key of a set-aside copy.
fn original_key(corrupt_key: &str) -> String {
    let rest = corrupt_key
        .strip_prefix(CORRUPT_PREFIX)
        .unwrap_or(corrupt_key);
    match rest.rsplit_once('~') {
        Some((key, n)) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => key.to_string(),
        _ => rest.to_string(),
    }
}

/// Reads an entry stored under `key` whose id is `id`.
fn read_entry(id: &str, raw: &str) -> Result<scenario::ParsedEntry, String> {
    let parsed = scenario::parse_entry(raw).map_err(|e| e.to_string())?;
    if parsed.scenario.id != id {
        return Err(format!(
            "scenario.id: {:?} does not match the key's id {id:?}",
            parsed.scenario.id
        ));
    }
    Ok(parsed)
}

/// Milliseconds since the epoch, as scenarios record them.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A new scenario id: time and randomness in base 36 (`s` + 8 + 7 chars).
pub fn new_id() -> String {
    fn base36(mut n: u64) -> String {
        let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut out = Vec::new();
        loop {
            out.push(digits[(n % 36) as usize]);
            n /= 36;
            if n == 0 {
                break;
            }
        }
        out.reverse();
        String::from_utf8(out).expect("ASCII")
    }
    let random = (js_sys::Math::random() * 78_364_164_096.0) as u64; // 36^7
    format!("s{}{:0>7}", base36(now_ms() as u64), base36(random))
}

/// The scenarios of this tab. Cheap to clone (shared state); one per tab.
///
/// It remembers the `updated_ms` of each scenario as this tab last loaded or
/// saved it, to notice a save from another tab in between.
#[derive(Clone, Default)]
pub struct ScenarioStore {
    seen: Rc<RefCell<HashMap<String, f64>>>,
}

impl ScenarioStore {
    pub fn new() -> ScenarioStore {
        ScenarioStore::default()
    }

    /// Every stored scenario. Older entries are migrated and rewritten; an
    /// entry that cannot be read is set aside and reported, and the others
    /// load. Fails only when there is no localStorage at all.
    pub fn load_all(&self) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded::default();
        // Every readable entry per id: normally one, two when a migration
        // was cut short (or an older app kept writing its old key).
        let mut found: HashMap<String, Vec<(String, scenario::ParsedEntry)>> = HashMap::new();
        for key in keys()? {
            if key.starts_with(CORRUPT_PREFIX) {
                if let Some(raw) = get_raw(&key) {
                    let original = original_key(&key);
                    let reason = match parse_entry_key(&original) {
                        Some((_, id)) => read_entry(id, &raw).err(),
                        None => scenario::parse_entry(&raw).err().map(|e| e.to_string()),
                    }
                    .unwrap_or_else(|| "set aside earlier".to_string());
                    loaded.set_aside.push(SetAside {
                        key: original,
                        stored_as: key.clone(),
                        raw,
                        reason,
                    });
                }
                continue;
            }
            let Some((version, id)) = parse_entry_key(&key) else {
                continue;
            };
            if version > SCHEMA_VERSION {
                loaded.newer += 1;
                continue;
            }
            let Some(raw) = get_raw(&key) else {
                continue;
            };
            match read_entry(id, &raw) {
                Ok(parsed) => found
                    .entry(id.to_string())
                    .or_default()
                    .push((key.clone(), parsed)),
                Err(reason) => loaded.set_aside.push(set_aside(&key, &raw, reason)),
            }
        }
        let mut scenarios = Vec::with_capacity(found.len());
        for (id, mut entries) in found {
            // The latest edit wins; on a tie, the newer schema.
            entries.sort_by(|(_, a), (_, b)| {
                a.scenario
                    .updated_ms
                    .total_cmp(&b.scenario.updated_ms)
                    .then(a.version.cmp(&b.version))
            });
            let current = entry_key(&id);
            let (best_key, best) = entries.last().expect("at least one entry");
            let up_to_date = *best_key == current && !best.migrated();
            // Migration: write the current entry first, then remove the
            // other keys. A full storage keeps the old entry for next time.
            let written = up_to_date || {
                loaded.migrated += 1;
                LocalStorage::set(&current, EntryRef::new(&best.scenario)).is_ok()
            };
            if written {
                for (key, _) in &entries {
                    if *key != current {
                        LocalStorage::delete(key);
                    }
                }
            }
            scenarios.push(entries.pop().expect("at least one entry").1.scenario);
        }
        scenarios.sort_by(|a, b| {
            a.created_ms
                .total_cmp(&b.created_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        *self.seen.borrow_mut() = scenarios
            .iter()
            .map(|s| (s.id.clone(), s.updated_ms))
            .collect();
        loaded.active = active().filter(|id| scenarios.iter().any(|s| &s.id == id));
        loaded.scenarios = scenarios;
        Ok(loaded)
    }

    /// Saves one scenario in one write. A full storage returns
    /// [`StoreError::QuotaExceeded`] and the previous version stays. If
    /// another tab saved it since this tab last saw it, this save still
    /// wins and says so.
    pub fn save(&self, scenario: &Scenario) -> Result<Saved, StoreError> {
        scenario
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        storage()?;
        let key = entry_key(&scenario.id);
        let seen = self.seen.borrow().get(&scenario.id).copied();
        let outcome = match get_raw(&key) {
            None if seen.is_some() => Saved::RestoredAfterDelete,
            None => Saved::Clean,
            Some(raw) => match read_entry(&scenario.id, &raw) {
                Ok(stored) if Some(stored.scenario.updated_ms) == seen => Saved::Clean,
                Ok(stored) => Saved::ReplacedOtherTab {
                    their_updated_ms: stored.scenario.updated_ms,
                },
                Err(reason) => {
                    // Never overwrite unreadable text without keeping it.
                    let aside = set_aside(&key, &raw, reason);
                    if aside.stored_as == key {
                        return Err(StoreError::QuotaExceeded);
                    }
                    Saved::Clean
                }
            },
        };
        LocalStorage::set(&key, EntryRef::new(scenario)).map_err(from_gloo)?;
        self.seen
            .borrow_mut()
            .insert(scenario.id.clone(), scenario.updated_ms);
        Ok(outcome)
    }

    /// Takes an incoming version from another tab as this tab's own (after
    /// the UI shows it), so the next save is not flagged.
    pub fn mark_seen(&self, scenario: &Scenario) {
        self.seen
            .borrow_mut()
            .insert(scenario.id.clone(), scenario.updated_ms);
    }

    /// Deletes a scenario and returns it, so the UI can offer undo (save it
    /// again). Clears the active id if it was this one.
    pub fn delete(&self, id: &str) -> Result<Option<Scenario>, StoreError> {
        storage()?;
        let key = entry_key(id);
        let previous = get_raw(&key).and_then(|raw| read_entry(id, &raw).ok());
        LocalStorage::delete(&key);
        self.seen.borrow_mut().remove(id);
        if active().as_deref() == Some(id) {
            LocalStorage::delete(ACTIVE_KEY);
        }
        Ok(previous.map(|p| p.scenario))
    }

    /// Removes a set-aside copy (after the user downloaded or dismissed it).
    pub fn discard_set_aside(&self, stored_as: &str) {
        if stored_as.starts_with(CORRUPT_PREFIX) && storage().is_ok() {
            LocalStorage::delete(stored_as);
        }
    }

    /// Removes every key this app wrote (scenarios, set-aside entries, the
    /// active id, remembered column mappings). Other sites' and other apps'
    /// keys on the same origin are kept.
    pub fn forget_everything(&self) -> Result<(), StoreError> {
        storage()?;
        for key in keys()? {
            if key.starts_with(APP_PREFIX) {
                LocalStorage::delete(&key);
            }
        }
        self.seen.borrow_mut().clear();
        // Tell the other tabs; nothing stays behind.
        if set_raw(FORGOTTEN_KEY, &now_ms().to_string()).is_ok() {
            LocalStorage::delete(FORGOTTEN_KEY);
        }
        Ok(())
    }
}

/// Whether the user chose to keep their data on this device (off unless
/// they turned it on).
pub fn remember_data() -> bool {
    get_raw(REMEMBER_DATA_KEY).as_deref() == Some("true")
}

/// Turns "remember my data" on or off (the flag only; the tables are in
/// [`device_data`]).
pub fn set_remember_data(on: bool) -> Result<(), StoreError> {
    if on {
        set_raw(REMEMBER_DATA_KEY, "true")
    } else {
        storage()?.remove_item(REMEMBER_DATA_KEY).map_err(from_js)
    }
}

/// The id of the scenario in use, as last set by any tab.
pub fn active() -> Option<String> {
    storage().ok()?;
    LocalStorage::get::<String>(ACTIVE_KEY).ok()
}

/// Switches the scenario in use (`None`: none).
pub fn set_active(id: Option<&str>) -> Result<(), StoreError> {
    storage()?;
    match id {
        Some(id) => LocalStorage::set(ACTIVE_KEY, id).map_err(from_gloo),
        None => {
            LocalStorage::delete(ACTIVE_KEY);
            Ok(())
        }
    }
}

/// Offers scenarios as a file (the engine's format) for download.
pub fn download_file(file_name: &str, scenarios: &[Scenario]) {
    download_json(file_name, &scenario::to_file(scenarios));
}

/// Offers a set-aside entry's raw text for download.
pub fn download_set_aside(entry: &SetAside) {
    download_json(&entry.file_name(), &entry.raw);
}

/// Saves `text` as a JSON file. The object URL is revoked a minute later,
/// not at once, so a download the browser starts after this task still
/// finds it (a scenario file must not come out empty).
fn download_json(file_name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// A change made in another tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A scenario was saved (already migrated if it came from an older app).
    Saved(Box<Scenario>),
    /// A scenario was deleted.
    Deleted { id: String },
    /// A scenario entry was written that cannot be read; the next load
    /// sets it aside.
    Unreadable(SetAside),
    /// The active scenario changed.
    Active(Option<String>),
    /// Everything was cleared (`localStorage.clear()`): reload.
    Cleared,
    /// Another tab chose "forget everything on this device": reload, and
    /// save nothing before.
    Forgotten,
}

/// Turns one `storage` event into a change, if it is one of ours.
fn change_of(key: Option<String>, new_value: Option<String>) -> Option<Change> {
    let Some(key) = key else {
        return Some(Change::Cleared);
    };
    if key == FORGOTTEN_KEY {
        return new_value.map(|_| Change::Forgotten);
    }
    if key == ACTIVE_KEY {
        let id = new_value.and_then(|text| serde_json::from_str::<String>(&text).ok());
        return Some(Change::Active(id));
    }
    let (version, id) = parse_entry_key(&key)?;
    if version > SCHEMA_VERSION {
        return None;
    }
    match new_value {
        // An old key removed is a migration, not a deletion.
        None if version < SCHEMA_VERSION => None,
        None => Some(Change::Deleted { id: id.to_string() }),
        Some(raw) => Some(match read_entry(id, &raw) {
            Ok(parsed) => Change::Saved(Box::new(parsed.scenario)),
            Err(reason) => Change::Unreadable(SetAside {
                stored_as: key.clone(),
                key,
                raw,
                reason,
            }),
        }),
    }
}

/// Listening to other tabs; dropping it stops.
pub struct Subscription {
    window: web_sys::Window,
    listener: Closure<dyn FnMut(web_sys::StorageEvent)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("storage", self.listener.as_ref().unchecked_ref());
    }
}

/// Calls `callback` with every change another tab (or window) makes to our
/// keys. The browser fires the `storage` event only in the other documents,
/// never in the one that wrote.
pub fn subscribe(callback: impl Fn(Change) + 'static) -> Option<Subscription> {
    let window = web_sys::window()?;
    let listener =
        Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            if let Some(change) = change_of(event.key(), event.new_value()) {
                callback(change);
            }
        });
    window
        .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref())
        .ok()?;
    Some(Subscription { window, listener })
}

/// What a finished autosave reports.
pub type AutosaveResult = Box<dyn Fn(&Scenario, Result<Saved, StoreError>)>;

struct AutosaveInner {
    store: ScenarioStore,
    delay_ms: u32,
    pending: RefCell<Option<Scenario>>,
    timer: RefCell<Option<Timeout>>,
    on_result: AutosaveResult,
}

impl AutosaveInner {
    fn flush(&self) {
        let Some(scenario) = self.pending.borrow_mut().take() else {
            return;
        };
        let result = self.store.save(&scenario);
        (self.on_result)(&scenario, result);
    }
}

/// Saves a moment after the last change: each [`Autosave::schedule`]
/// restarts the wait, so typing a name writes once.
#[derive(Clone)]
pub struct Autosave {
    inner: Rc<AutosaveInner>,
}

impl Autosave {
    /// The wait after the last change.
    pub const DELAY_MS: u32 = 500;

    pub fn new(
        store: ScenarioStore,
        on_result: impl Fn(&Scenario, Result<Saved, StoreError>) + 'static,
    ) -> Autosave {
        Autosave::with_delay(store, Self::DELAY_MS, on_result)
    }

    pub fn with_delay(
        store: ScenarioStore,
        delay_ms: u32,
        on_result: impl Fn(&Scenario, Result<Saved, StoreError>) + 'static,
    ) -> Autosave {
        Autosave {
            inner: Rc::new(AutosaveInner {
                store,
                delay_ms,
                pending: RefCell::new(None),
                timer: RefCell::new(None),
                on_result: Box::new(on_result),
            }),
        }
    }

    /// Saves `scenario` after the delay unless another change comes first.
    /// A pending change to a different scenario is saved at once.
    pub fn schedule(&self, scenario: Scenario) {
        let other = self
            .inner
            .pending
            .borrow()
            .as_ref()
            .is_some_and(|p| p.id != scenario.id);
        if other {
            self.inner.flush();
        }
        *self.inner.pending.borrow_mut() = Some(scenario);
        let weak: Weak<AutosaveInner> = Rc::downgrade(&self.inner);
        // Replacing the timer drops (cancels) the previous one.
        *self.inner.timer.borrow_mut() = Some(Timeout::new(self.inner.delay_ms, move || {
            if let Some(inner) = weak.upgrade() {
                inner.flush();
            }
        }));
    }

    /// Saves the pending change now (before switching scenario, on
    /// `pagehide`).
    pub fn flush(&self) {
        self.inner.timer.borrow_mut().take();
        self.inner.flush();
    }

    /// Drops the pending change (another tab's version was taken instead)
    /// and returns it.
    pub fn cancel(&self) -> Option<Scenario> {
        self.inner.timer.borrow_mut().take();
        self.inner.pending.borrow_mut().take()
    }

    pub fn is_pending(&self) -> bool {
        self.inner.pending.borrow().is_some()
    }
}

/// "Remember my data": the user's tables in IndexedDB (not localStorage,
/// whose few megabytes are for settings), so a reload does not need the
/// files again. Off unless the user turns it on ([`remember_data`]).
///
/// One database, `xhs-roi`, with one object store, `data`: a record per
/// table kind (`notes`, `costs`, `orders`, `kols`, `surveys`; the engine's
/// binary table codec as bytes) and `files` (what each file contributed, as
/// JSON). A save replaces every record in one transaction, so a reload sees
/// the old dataset or the new one, never a mix. Touchpoint and path tables
/// stay in the import worker and are not kept.
pub mod device_data {
    use js_sys::{Promise, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};
    use xhs_roi_engine::{codec, Dataset, Kind, Table};

    pub const DB_NAME: &str = "xhs-roi";
    const STORE: &str = "data";
    const FILES: &str = "files";
    const JOURNEYS: &str = "journeys";
    /// The kinds kept, with their record keys.
    const KINDS: [(Kind, &str); 5] = [
        (Kind::Notes, "notes"),
        (Kind::Costs, "costs"),
        (Kind::Orders, "orders"),
        (Kind::Kols, "kols"),
        (Kind::Surveys, "surveys"),
    ];

    fn table(dataset: &Dataset, kind: Kind) -> Option<&Table> {
        match kind {
            Kind::Notes => dataset.notes.as_ref(),
            Kind::Costs => dataset.costs.as_ref(),
            Kind::Orders => dataset.orders.as_ref(),
            Kind::Kols => dataset.kols.as_ref(),
            _ => dataset.surveys.as_ref(),
        }
    }

    fn slot(dataset: &mut Dataset, kind: Kind) -> &mut Option<Table> {
        match kind {
            Kind::Notes => &mut dataset.notes,
            Kind::Costs => &mut dataset.costs,
            Kind::Orders => &mut dataset.orders,
            Kind::Kols => &mut dataset.kols,
            _ => &mut dataset.surveys,
        }
    }

    /// A browser error as one line (`QuotaExceededError: ...`).
    fn describe(error: &JsValue) -> String {
        let field = |name: &str| {
            js_sys::Reflect::get(error, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        match (field("name"), field("message")) {
            (name, message) if !name.is_empty() => format!("{name}: {message}"),
            _ => error
                .as_string()
                .unwrap_or_else(|| "IndexedDB failed".to_string()),
        }
    }

    fn request_error(request: &IdbRequest) -> JsValue {
        request
            .error()
            .ok()
            .flatten()
            .map_or(JsValue::from_str("IndexedDB request failed"), JsValue::from)
    }

    /// The request's result once it succeeds.
    async fn wait(request: &IdbRequest) -> Result<JsValue, String> {
        let promise = Promise::new(&mut |resolve, reject| {
            let r = request.clone();
            let ok = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::UNDEFINED, &r.result().unwrap_or_default());
            });
            let r = request.clone();
            let failed = Closure::once_into_js(move || {
                let _ = reject.call1(&JsValue::UNDEFINED, &request_error(&r));
            });
            request.set_onsuccess(Some(ok.unchecked_ref()));
            request.set_onerror(Some(failed.unchecked_ref()));
        });
        JsFuture::from(promise).await.map_err(|e| describe(&e))
    }

    /// Until the transaction commits (or fails: nothing of it is kept).
    async fn committed(tx: &IdbTransaction) -> Result<(), String> {
        let promise = Promise::new(&mut |resolve, reject| {
            let ok = Closure::once_into_js(move || {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            let t = tx.clone();
            let failed = Closure::once_into_js(move || {
                let error = t.error().map_or(
                    JsValue::from_str("IndexedDB transaction aborted"),
                    JsValue::from,
                );
                let _ = reject.call1(&JsValue::UNDEFINED, &error);
            });
            tx.set_oncomplete(Some(ok.unchecked_ref()));
            tx.set_onabort(Some(failed.unchecked_ref()));
        });
        JsFuture::from(promise)
            .await
            .map(drop)
            .map_err(|e| describe(&e))
    }

    fn factory() -> Result<web_sys::IdbFactory, String> {
        web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| "IndexedDB is not available in this browser".to_string())
    }

    async fn open() -> Result<IdbDatabase, String> {
        let request = factory()?
            .open_with_u32(DB_NAME, 1)
            .map_err(|e| describe(&e))?;
        let r = request.clone();
        let upgrade = Closure::once_into_js(move || {
            if let Ok(db) = r.result() {
                let db: IdbDatabase = db.unchecked_into();
                let _ = db.create_object_store(STORE);
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db: IdbDatabase = wait(&request).await?.unchecked_into();
        // Another tab deleting the database ("forget everything") must not
        // wait for this one.
        let d = db.clone();
        let close = Closure::once_into_js(move || d.close());
        db.set_onversionchange(Some(close.unchecked_ref()));
        Ok(db)
    }

    /// Replaces what is kept with these tables and file summaries (JSON).
    pub async fn save(dataset: &Dataset, files_json: &str) -> Result<(), String> {
        let db = open().await?;
        let result = async {
            let tx = db
                .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
                .map_err(|e| describe(&e))?;
            let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
            store.clear().map_err(|e| describe(&e))?;
            for (kind, key) in KINDS {
                if let Some(table) = table(dataset, kind) {
                    let bytes = Uint8Array::from(&codec::encode_table(table)[..]);
                    store
                        .put_with_key(&bytes, &JsValue::from_str(key))
                        .map_err(|e| describe(&e))?;
                }
            }
            store
                .put_with_key(&JsValue::from_str(files_json), &JsValue::from_str(FILES))
                .map_err(|e| describe(&e))?;
            committed(&tx).await
        }
        .await;
        db.close();
        result
    }

    /// Keeps the journeys the import worker holds (a touchpoint log or a
    /// paths table, the engine's table codec) beside the tables; `None`
    /// removes them. Call after [`save`], which clears the store.
    pub async fn save_journeys(bytes: Option<&[u8]>) -> Result<(), String> {
        let db = open().await?;
        let result = async {
            let tx = db
                .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
                .map_err(|e| describe(&e))?;
            let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
            let key = JsValue::from_str(JOURNEYS);
            match bytes {
                Some(bytes) => store
                    .put_with_key(&Uint8Array::from(bytes), &key)
                    .map(|_| ())
                    .map_err(|e| describe(&e))?,
                None => store.delete(&key).map(|_| ()).map_err(|e| describe(&e))?,
            }
            committed(&tx).await
        }
        .await;
        db.close();
        result
    }

    /// The kept journeys' bytes, if any.
    pub async fn load_journeys() -> Result<Option<Vec<u8>>, String> {
        let db = open().await?;
        let result = async {
            let tx = db.transaction_with_str(STORE).map_err(|e| describe(&e))?;
            let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
            let request = store
                .get(&JsValue::from_str(JOURNEYS))
                .map_err(|e| describe(&e))?;
            let value = wait(&request).await?;
            Ok(value.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec()))
        }
        .await;
        db.close();
        result
    }

    /// The kept tables and file summaries, if any. A record that cannot be
    /// read is an error (the caller shows it and loads the demo).
    pub async fn load() -> Result<Option<(Dataset, String)>, String> {
        let db = open().await?;
        let result = async {
            let tx = db.transaction_with_str(STORE).map_err(|e| describe(&e))?;
            let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
            // Every request is made before the first wait, while the
            // transaction is surely active.
            let files = store
                .get(&JsValue::from_str(FILES))
                .map_err(|e| describe(&e))?;
            let tables = KINDS
                .iter()
                .map(|&(kind, key)| {
                    store
                        .get(&JsValue::from_str(key))
                        .map(|r| (kind, key, r))
                        .map_err(|e| describe(&e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let Some(files) = wait(&files).await?.as_string() else {
                return Ok(None);
            };
            let mut dataset = Dataset::default();
            for (kind, key, request) in tables {
                let value = wait(&request).await?;
                if value.is_undefined() {
                    continue;
                }
                let bytes = value
                    .dyn_into::<Uint8Array>()
                    .map_err(|_| format!("{key}: not a table"))?
                    .to_vec();
                let table = codec::decode_table(&bytes).map_err(|e| format!("{key}: {e}"))?;
                if table.kind != kind {
                    return Err(format!("{key}: holds a {} table", table.kind.name()));
                }
                *slot(&mut dataset, kind) = Some(table);
            }
            Ok(Some((dataset, files)))
        }
        .await;
        db.close();
        result
    }

    /// Deletes the database. Resolves when it is gone, or when another tab
    /// still holds it open (the deletion then completes when it closes).
    pub async fn clear() -> Result<(), String> {
        let request = factory()?
            .delete_database(DB_NAME)
            .map_err(|e| describe(&e))?;
        let promise = Promise::new(&mut |resolve, reject| {
            let done = Closure::once_into_js({
                let resolve = resolve.clone();
                move || {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            });
            let blocked = Closure::once_into_js(move || {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            let r = request.clone();
            let failed = Closure::once_into_js(move || {
                let _ = reject.call1(&JsValue::UNDEFINED, &request_error(&r));
            });
            request.set_onsuccess(Some(done.unchecked_ref()));
            request.set_onblocked(Some(blocked.unchecked_ref()));
            request.set_onerror(Some(failed.unchecked_ref()));
        });
        JsFuture::from(promise)
            .await
            .map(drop)
            .map_err(|e| describe(&e))
    }
}

/// Browser-side tests against the real localStorage of headless Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use xhs_roi_engine::scenario::ScenarioSettings;

    wasm_bindgen_test_configure!(run_in_browser);

    type AutosaveRecord = (String, Result<Saved, StoreError>);

    fn raw() -> web_sys::Storage {
        storage().unwrap()
    }

    fn fresh() -> ScenarioStore {
        let store = ScenarioStore::new();
        store.forget_everything().unwrap();
        store
    }

    fn scenario(id: &str, name: &str, updated_ms: f64) -> Scenario {
        let mut s = Scenario::new(id, name, 1_000.0, ScenarioSettings::default());
        s.updated_ms = updated_ms;
        s
    }

    fn our_keys() -> Vec<String> {
        let mut keys: Vec<String> = keys()
            .unwrap()
            .into_iter()
            .filter(|k| k.starts_with(APP_PREFIX))
            .collect();
        keys.sort();
        keys
    }

    #[wasm_bindgen_test]
    fn saved_scenarios_load_back_with_the_active_one() {
        let store = fresh();
        let mut a = scenario("a", "Base", 1_000.0);
        a.settings.roi.margin.rate = 0.35;
        let mut b = scenario("b", "双十一", 2_000.0);
        b.created_ms = 2_000.0;
        b.settings.attribution.markov_order = 3;
        assert_eq!(store.save(&a), Ok(Saved::Clean));
        assert_eq!(store.save(&b), Ok(Saved::Clean));
        set_active(Some("b")).unwrap();
        assert_eq!(
            our_keys(),
            vec![
                "xhs-roi.scenario.v3.a".to_string(),
                "xhs-roi.scenario.v3.b".to_string(),
                ACTIVE_KEY.to_string(),
            ]
        );

        let loaded = ScenarioStore::new().load_all().unwrap();
        assert_eq!(loaded.scenarios, vec![a.clone(), b]);
        assert_eq!(loaded.active.as_deref(), Some("b"));
        assert!(loaded.set_aside.is_empty());

        // Delete returns the scenario for undo; saving it again restores it.
        let removed = store.delete("a").unwrap().unwrap();
        assert_eq!(removed, a);
        assert_eq!(store.load_all().unwrap().scenarios.len(), 1);
        assert_eq!(store.save(&removed), Ok(Saved::Clean));
        assert_eq!(store.load_all().unwrap().scenarios.len(), 2);
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn a_corrupt_entry_is_set_aside_with_its_raw_text_and_the_others_load() {
        let store = fresh();
        store.save(&scenario("good", "Good", 1.0)).unwrap();
        let bad_json = r#"{"schema_version":3,"scenario":{"id":"cut","#;
        let bad_shape = r#"{"schema_version":3,"scenario":{"id":"shape","name":"S","settings":{"attribution":{"markov_order":"2"}}}}"#;
        raw().set_item("xhs-roi.scenario.v3.cut", bad_json).unwrap();
        raw()
            .set_item("xhs-roi.scenario.v3.shape", bad_shape)
            .unwrap();

        let loaded = store.load_all().unwrap();
        assert_eq!(loaded.scenarios.len(), 1);
        assert_eq!(loaded.scenarios[0].id, "good");
        let mut aside = loaded.set_aside.clone();
        aside.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(aside.len(), 2);
        assert_eq!(aside[0].key, "xhs-roi.scenario.v3.cut");
        assert_eq!(
            aside[0].stored_as,
            "xhs-roi.corrupt.xhs-roi.scenario.v3.cut"
        );
        assert_eq!(aside[0].raw, bad_json);
        assert!(
            aside[0].reason.starts_with("not valid JSON"),
            "{}",
            aside[0].reason
        );
        assert_eq!(aside[1].raw, bad_shape);
        assert_eq!(
            aside[1].reason,
            r#"scenario.settings.attribution.markov_order: invalid type: string "2", expected u8"#
        );
        // Moved, verbatim: the next load does not fail on them again but
        // still lists them, for download.
        assert_eq!(raw().get_item("xhs-roi.scenario.v3.cut").unwrap(), None);
        assert_eq!(
            raw()
                .get_item("xhs-roi.corrupt.xhs-roi.scenario.v3.shape")
                .unwrap()
                .as_deref(),
            Some(bad_shape)
        );
        let again = store.load_all().unwrap();
        assert_eq!(again.scenarios.len(), 1);
        assert_eq!(again.set_aside.len(), 2);
        assert!(again
            .set_aside
            .iter()
            .any(|s| s.key == "xhs-roi.scenario.v3.shape"
                && s.raw == bad_shape
                && s.reason == aside[1].reason));
        assert_eq!(aside[0].file_name(), "xhs-roi_scenario_v3_cut.json");

        // A second corrupt entry under the same key does not overwrite the first copy.
        raw()
            .set_item("xhs-roi.scenario.v3.cut", "garbage")
            .unwrap();
        let third = store.load_all().unwrap();
        assert_eq!(third.set_aside.len(), 3);
        assert_eq!(
            raw()
                .get_item("xhs-roi.corrupt.xhs-roi.scenario.v3.cut~2")
                .unwrap()
                .as_deref(),
            Some("garbage")
        );
        for entry in &third.set_aside {
            store.discard_set_aside(&entry.stored_as);
        }
        assert!(store.load_all().unwrap().set_aside.is_empty());
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn a_v1_entry_is_migrated_and_rewritten_under_the_current_key() {
        let store = fresh();
        let v1 = include_str!("../tests/fixtures/scenarios/v1-entry.json");
        raw().set_item("xhs-roi.scenario.v1.spring", v1).unwrap();
        // A key of a newer app is left alone.
        raw()
            .set_item("xhs-roi.scenario.v4.later", "{\"schema_version\":4}")
            .unwrap();

        let loaded = store.load_all().unwrap();
        assert_eq!(loaded.migrated, 1);
        assert_eq!(loaded.newer, 1);
        assert!(loaded.set_aside.is_empty());
        let s = &loaded.scenarios[0];
        assert_eq!(s.id, "spring");
        assert_eq!(s.settings.roi.margin.rate, 0.48);
        assert_eq!(s.settings.attribution.bootstrap.replicates, 100);
        assert!(!s.settings.bootstrap_auto);

        assert_eq!(raw().get_item("xhs-roi.scenario.v1.spring").unwrap(), None);
        let rewritten = raw()
            .get_item("xhs-roi.scenario.v3.spring")
            .unwrap()
            .unwrap();
        let parsed = scenario::parse_entry(&rewritten).unwrap();
        assert!(!parsed.migrated());
        assert_eq!(&parsed.scenario, s);
        assert!(raw()
            .get_item("xhs-roi.scenario.v4.later")
            .unwrap()
            .is_some());

        // Loading again changes nothing.
        let again = store.load_all().unwrap();
        assert_eq!(again.migrated, 0);
        assert_eq!(again.scenarios, loaded.scenarios);

        // A migration cut short leaves both keys: the current entry wins
        // and the old key goes.
        raw().set_item("xhs-roi.scenario.v1.spring", v1).unwrap();
        let third = store.load_all().unwrap();
        assert_eq!(third.migrated, 0);
        assert_eq!(third.scenarios, loaded.scenarios);
        assert_eq!(raw().get_item("xhs-roi.scenario.v1.spring").unwrap(), None);
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn a_v2_entry_is_migrated_into_roi_and_rewritten() {
        let store = fresh();
        let v2 = include_str!("../tests/fixtures/scenarios/v2-entry.json");
        raw().set_item("xhs-roi.scenario.v2.q3-plan", v2).unwrap();
        let loaded = store.load_all().unwrap();
        assert_eq!(loaded.migrated, 1);
        let s = &loaded.scenarios[0];
        assert_eq!(s.settings.roi.margin.rate, 0.55);
        assert!(!s.settings.roi.margin.use_order_cogs);
        assert_eq!(raw().get_item("xhs-roi.scenario.v2.q3-plan").unwrap(), None);
        let rewritten = raw()
            .get_item("xhs-roi.scenario.v3.q3-plan")
            .unwrap()
            .unwrap();
        assert!(!rewritten.contains("\"report\""));
        assert_eq!(&scenario::parse_entry(&rewritten).unwrap().scenario, s);
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn remember_data_is_a_flag_that_forget_everything_clears() {
        let store = fresh();
        assert!(!remember_data(), "off by default");
        set_remember_data(true).unwrap();
        assert!(remember_data());
        set_remember_data(false).unwrap();
        assert!(!remember_data());
        set_remember_data(true).unwrap();
        store.forget_everything().unwrap();
        assert!(!remember_data());
        assert!(our_keys().is_empty());
    }

    #[wasm_bindgen_test]
    async fn device_data_keeps_the_tables_until_cleared() {
        use xhs_roi_engine::{import::import, Dataset, ImportOptions};
        device_data::clear().await.unwrap();
        assert!(device_data::load().await.unwrap().is_none());
        let table = |text: &str| {
            import("t.csv", text.as_bytes(), &ImportOptions::default())
                .unwrap()
                .table
        };
        let dataset = Dataset {
            notes: Some(table(
                "note_id,date,impressions,views,likes\nn1,2026-03-01,1.2万,300,12\nn2,2026-03-02,800,90,3\n",
            )),
            orders: Some(table(
                "order_id,time,revenue,utm_source\nSO1,2026-03-01 10:00,99.5,xhs\n",
            )),
            ..Dataset::default()
        };
        device_data::save(&dataset, "[1]").await.unwrap();
        let (back, files) = device_data::load().await.unwrap().unwrap();
        assert_eq!(
            (&back.notes, &back.orders),
            (&dataset.notes, &dataset.orders)
        );
        assert!(back.costs.is_none() && back.kols.is_none() && back.surveys.is_none());
        assert_eq!(files, "[1]");
        // A second save replaces the first whole.
        let smaller = Dataset {
            orders: dataset.orders.clone(),
            ..Dataset::default()
        };
        device_data::save(&smaller, "[]").await.unwrap();
        let back = device_data::load().await.unwrap().unwrap().0;
        assert_eq!((back.notes, back.orders), (None, smaller.orders));
        device_data::clear().await.unwrap();
        assert!(device_data::load().await.unwrap().is_none());
    }

    #[wasm_bindgen_test]
    fn quota_exceeded_is_reported_and_the_previous_version_stays() {
        let store = fresh();
        let small = scenario("q", "Before", 1.0);
        store.save(&small).unwrap();
        let before = raw().get_item("xhs-roi.scenario.v3.q").unwrap().unwrap();

        // Fill the origin's storage: big strings, then smaller ones.
        let mut filler = Vec::new();
        for size in [1 << 20, 1 << 16, 1 << 12, 1 << 8, 16] {
            let text = "x".repeat(size);
            loop {
                let key = format!("test-fill.{}", filler.len());
                if raw().set_item(&key, &text).is_err() {
                    break;
                }
                filler.push(key);
                assert!(filler.len() < 10_000, "storage never filled");
            }
        }
        assert!(!filler.is_empty());

        let mut bigger = small.clone();
        bigger.update(
            {
                let mut settings = small.settings.clone();
                settings.attribution.conversion_events = vec!["购买".repeat(100); 100];
                settings
            },
            2.0,
        );
        let result = store.save(&bigger);
        let after = raw().get_item("xhs-roi.scenario.v3.q").unwrap().unwrap();
        for key in &filler {
            raw().remove_item(key).unwrap();
        }
        assert_eq!(result, Err(StoreError::QuotaExceeded));
        assert!(result.unwrap_err().to_string().contains("full"));
        assert_eq!(after, before, "the previous version is intact");
        // With room again, the same save goes through.
        assert_eq!(store.save(&bigger), Ok(Saved::Clean));
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn the_later_save_wins_and_the_tab_that_overwrote_is_told() {
        fresh();
        let tab_a = ScenarioStore::new();
        let tab_b = ScenarioStore::new();
        assert_eq!(tab_a.save(&scenario("x", "X", 10.0)), Ok(Saved::Clean));
        tab_b.load_all().unwrap();
        // A edits again: its own last version is underneath.
        assert_eq!(tab_a.save(&scenario("x", "X by A", 20.0)), Ok(Saved::Clean));
        // B still holds version 10: its save wins, and says so.
        assert_eq!(
            tab_b.save(&scenario("x", "X by B", 30.0)),
            Ok(Saved::ReplacedOtherTab {
                their_updated_ms: 20.0
            })
        );
        assert_eq!(
            ScenarioStore::new().load_all().unwrap().scenarios[0].name,
            "X by B"
        );
        // A, taking B's version first, saves cleanly over it.
        let incoming = ScenarioStore::new().load_all().unwrap().scenarios[0].clone();
        tab_a.mark_seen(&incoming);
        assert_eq!(
            tab_a.save(&scenario("x", "X by A again", 40.0)),
            Ok(Saved::Clean)
        );
        // A deletes it; B, still editing, brings it back and is told.
        tab_a.delete("x").unwrap();
        assert_eq!(
            tab_b.save(&scenario("x", "X kept by B", 50.0)),
            Ok(Saved::RestoredAfterDelete)
        );
        tab_a.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn an_entry_under_another_ids_key_is_set_aside() {
        let store = fresh();
        let text = scenario::to_entry(&scenario("good", "Good", 1.0));
        raw()
            .set_item("xhs-roi.scenario.v3.elsewhere", &text)
            .unwrap();
        let loaded = store.load_all().unwrap();
        assert!(loaded.scenarios.is_empty());
        assert_eq!(loaded.set_aside.len(), 1);
        let expected = r#"scenario.id: "good" does not match the key's id "elsewhere""#;
        assert_eq!(loaded.set_aside[0].reason, expected);
        // The reason is the same when it is listed again.
        assert_eq!(store.load_all().unwrap().set_aside[0].reason, expected);
        store.forget_everything().unwrap();
    }

    #[wasm_bindgen_test]
    fn invalid_scenarios_are_refused_before_anything_is_written() {
        let store = fresh();
        let mut s = scenario("v", "V", 1.0);
        s.settings.roi.margin.rate = 2.0;
        assert_eq!(
            store.save(&s),
            Err(StoreError::Invalid(
                "settings.roi.margin.rate: margin must be between 0 and 1, got 2".into()
            ))
        );
        assert!(our_keys().is_empty());
    }

    #[wasm_bindgen_test]
    fn forget_everything_removes_only_our_keys() {
        let store = fresh();
        store.save(&scenario("f", "F", 1.0)).unwrap();
        raw().set_item("xhs-roi.mapping.v1.0011", "aa").unwrap();
        raw().set_item("someone-else", "keep").unwrap();
        store.forget_everything().unwrap();
        assert!(our_keys().is_empty());
        assert_eq!(
            raw().get_item("someone-else").unwrap().as_deref(),
            Some("keep")
        );
        raw().remove_item("someone-else").unwrap();
    }

    #[wasm_bindgen_test]
    fn new_ids_are_valid_and_distinct() {
        let a = new_id();
        let b = new_id();
        assert!(scenario::valid_id(&a), "{a}");
        assert_ne!(a, b);
    }

    #[wasm_bindgen_test]
    fn storage_event_turns_into_changes() {
        let s = scenario("ev", "From another tab", 5.0);
        let key = entry_key("ev");
        assert_eq!(
            change_of(Some(key.clone()), Some(scenario::to_entry(&s))),
            Some(Change::Saved(Box::new(s)))
        );
        assert_eq!(
            change_of(Some(key.clone()), None),
            Some(Change::Deleted { id: "ev".into() })
        );
        assert_eq!(change_of(Some("xhs-roi.scenario.v1.ev".into()), None), None);
        assert_eq!(
            change_of(Some("xhs-roi.scenario.v9.ev".into()), Some("{}".into())),
            None
        );
        assert_eq!(
            change_of(Some(ACTIVE_KEY.into()), Some("\"ev\"".into())),
            Some(Change::Active(Some("ev".into())))
        );
        assert_eq!(change_of(None, None), Some(Change::Cleared));
        assert_eq!(
            change_of(Some(FORGOTTEN_KEY.into()), Some("1".into())),
            Some(Change::Forgotten)
        );
        assert_eq!(change_of(Some(FORGOTTEN_KEY.into()), None), None);
        assert_eq!(change_of(Some("other".into()), Some("x".into())), None);
        assert!(matches!(
            change_of(Some(key), Some("{".into())),
            Some(Change::Unreadable(SetAside { .. }))
        ));
    }

    #[wasm_bindgen_test]
    async fn a_save_in_another_document_reaches_subscribers() {
        fresh();
        let received: Rc<RefCell<Vec<Change>>> = Rc::default();
        let sink = received.clone();
        let subscription = subscribe(move |change| sink.borrow_mut().push(change)).unwrap();

        // Another document of the same origin: an about:blank iframe.
        let document = web_sys::window().unwrap().document().unwrap();
        let frame: web_sys::HtmlIFrameElement =
            document.create_element("iframe").unwrap().unchecked_into();
        document.body().unwrap().append_child(&frame).unwrap();
        let other = frame
            .content_window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap();

        let s = scenario("remote", "Saved elsewhere", 7.0);
        other
            .set_item(&entry_key("remote"), &scenario::to_entry(&s))
            .unwrap();
        for _ in 0..50 {
            if !received.borrow().is_empty() {
                break;
            }
            TimeoutFuture::new(20).await;
        }
        other.remove_item(&entry_key("remote")).unwrap();
        for _ in 0..50 {
            if received.borrow().len() >= 2 {
                break;
            }
            TimeoutFuture::new(20).await;
        }
        frame.remove();
        drop(subscription);
        assert_eq!(
            *received.borrow(),
            vec![
                Change::Saved(Box::new(s)),
                Change::Deleted {
                    id: "remote".into()
                }
            ]
        );
    }

    #[wasm_bindgen_test]
    async fn autosave_writes_once_after_the_last_change() {
        let store = fresh();
        let results: Rc<RefCell<Vec<AutosaveRecord>>> = Rc::default();
        let sink = results.clone();
        let autosave = Autosave::with_delay(store.clone(), 60, move |s, r| {
            sink.borrow_mut().push((s.name.clone(), r))
        });
        for (i, name) in ["T", "Ty", "Typ", "Typed"].iter().enumerate() {
            autosave.schedule(scenario("auto", name, i as f64));
            TimeoutFuture::new(10).await;
        }
        assert!(autosave.is_pending());
        assert_eq!(raw().get_item(&entry_key("auto")).unwrap(), None);
        TimeoutFuture::new(200).await;
        assert!(!autosave.is_pending());
        assert_eq!(
            *results.borrow(),
            vec![("Typed".to_string(), Ok(Saved::Clean))]
        );
        assert_eq!(store.load_all().unwrap().scenarios[0].name, "Typed");

        // Switching to another scenario saves the pending one at once.
        autosave.schedule(scenario("auto", "Edited", 10.0));
        autosave.schedule(scenario("other", "Other", 11.0));
        assert_eq!(results.borrow().len(), 2);
        assert_eq!(results.borrow()[1].0, "Edited");
        assert_eq!(autosave.cancel().map(|s| s.name), Some("Other".to_string()));
        TimeoutFuture::new(120).await;
        assert_eq!(results.borrow().len(), 2, "cancelled: nothing more saved");
        store.forget_everything().unwrap();
    }
}
