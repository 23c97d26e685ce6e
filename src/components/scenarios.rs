//! The scenario bar: the scenario in use with a switcher, new, duplicate,
//! rename, delete (with undo), export, import, compare, and this device's
//! choices (remember my data, forget everything); under it the messages
//! that keep a scenario from being lost silently (storage full, entries set
//! aside, changes from another tab, import problems). The compare panel
//! shows the headline figures of two or more scenarios side by side.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use xhs_roi_engine::attribution::{Attribution, Model, Settings as AttributionSettings};
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::roi::{self, KpiId, Prepared};

use crate::scenario_store::{self as store, StoreTexts};
use crate::scenarios::{texts, Notice, ScenarioTexts, Scenarios};
use crate::state::AppState;

#[component]
pub fn ScenarioBar() -> impl IntoView {
    let ctrl = Scenarios::expect();
    let state = AppState::expect();
    let t = move || texts(state.locale.get());
    let renaming = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let comparing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let name_ref = NodeRef::<html::Input>::new();
    let import_ref = NodeRef::<html::Input>::new();

    Effect::new(move |_| {
        if let Some(input) = name_ref.get() {
            let _ = input.focus();
            input.select();
        }
    });

    let options = move || {
        let active = ctrl.active.get();
        ctrl.list.with(|l| {
            l.iter()
                .map(|s| {
                    let selected = s.id == active;
                    view! { <option value=s.id.clone() prop:selected=selected>{s.name.clone()}</option> }
                })
                .collect_view()
        })
    };
    let start_rename = move |_| {
        draft.set(ctrl.active_scenario().map(|s| s.name).unwrap_or_default());
        renaming.set(true);
    };
    let commit_rename = move || {
        ctrl.rename(&draft.get_untracked());
        renaming.set(false);
    };
    let on_import = move |_| {
        let Some(input) = import_ref.get() else {
            return;
        };
        let file = input.files().and_then(|f| f.item(0));
        // Choosing the same file again must fire `change` again.
        input.set_value("");
        let Some(file) = file else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            ctrl.import(&file.name(), &text);
        });
    };

    view! {
        <section class="panel scenario-bar" data-testid="scenario-bar"
            data-active=move || ctrl.active.get()
            data-saved=move || (!ctrl.saving.get()).to_string()
            aria-label=move || t().label>
            <div class="scenario-row">
                <Show
                    when=move || renaming.get()
                    fallback=move || view! {
                        <label class="field scenario-pick">
                            <span>{move || t().label}</span>
                            <select data-testid="scenario-select" on:change=move |e| ctrl.switch(&event_target_value(&e))>
                                {options}
                            </select>
                        </label>
                    }
                >
                    <label class="field scenario-pick">
                        <span>{move || t().name_label}</span>
                        <input type="text" data-testid="scenario-name-input" maxlength="200" node_ref=name_ref
                            prop:value=move || draft.get()
                            on:input=move |e| draft.set(event_target_value(&e))
                            on:keydown=move |e| match e.key().as_str() {
                                "Enter" => commit_rename(),
                                "Escape" => renaming.set(false),
                                _ => {}
                            }/>
                    </label>
                    <button type="button" class="button button-small button-primary" data-testid="scenario-name-save"
                        on:click=move |_| commit_rename()>{move || t().save_name}</button>
                    <button type="button" class="button button-small" on:click=move |_| renaming.set(false)>
                        {move || t().cancel}
                    </button>
                </Show>
                <span class="scenario-status muted" role="status" data-testid="scenario-status">
                    {move || if ctrl.saving.get() { t().saving } else { t().saved }}
                </span>
                <div class="scenario-actions" role="group">
                    <button type="button" class="button button-small" data-testid="scenario-new" on:click=move |_| ctrl.create()>
                        {move || t().new}
                    </button>
                    <button type="button" class="button button-small" data-testid="scenario-duplicate" on:click=move |_| ctrl.duplicate()>
                        {move || t().duplicate}
                    </button>
                    <button type="button" class="button button-small" data-testid="scenario-rename" on:click=start_rename>
                        {move || t().rename}
                    </button>
                    <button type="button" class="button button-small" data-testid="scenario-delete" on:click=move |_| ctrl.delete()>
                        {move || t().delete}
                    </button>
                    <button type="button" class="button button-small" data-testid="scenario-export" on:click=move |_| ctrl.export(false)>
                        {move || t().export_this}
                    </button>
                    <button type="button" class="button button-small" data-testid="scenario-export-all" on:click=move |_| ctrl.export(true)>
                        {move || t().export_all}
                    </button>
                    <label class="button button-small file-button" data-testid="scenario-import">
                        {move || t().import}
                        <input type="file" accept=".json,application/json" class="visually-hidden"
                            data-testid="scenario-import-input" node_ref=import_ref on:change=on_import/>
                    </label>
                    <button type="button" class="button button-small" data-testid="scenario-compare"
                        aria-pressed=move || comparing.get().to_string()
                        on:click=move |_| comparing.update(|c| *c = !*c)>
                        {move || t().compare}
                    </button>
                </div>
                <details class="scenario-device">
                    <summary data-testid="scenario-device">{move || t().device}</summary>
                    <div class="scenario-device-body">
                        <label class="checkbox" title=move || t().remember_help>
                            <input type="checkbox" data-testid="remember-data"
                                prop:checked=move || ctrl.remember.get()
                                on:change=move |e| ctrl.set_remember(event_target_checked(&e))/>
                            " " {move || t().remember}
                        </label>
                        <p class="muted scenario-help">{move || t().remember_help}</p>
                        <button type="button" class="button button-small button-danger" data-testid="forget-everything"
                            on:click=move |_| confirming.set(true)>
                            {move || t().forget}
                        </button>
                    </div>
                </details>
            </div>
            <Show when=move || confirming.get()>
                <div class="notice notice-error scenario-confirm" role="alertdialog" aria-modal="false" data-testid="forget-dialog">
                    <p>{move || t().forget_text}</p>
                    <div class="scenario-actions">
                        <button type="button" class="button button-small button-danger" data-testid="forget-confirm"
                            on:click=move |_| ctrl.forget_everything()>
                            {move || t().forget_confirm}
                        </button>
                        <button type="button" class="button button-small" data-testid="forget-cancel"
                            on:click=move |_| confirming.set(false)>
                            {move || t().cancel}
                        </button>
                    </div>
                </div>
            </Show>
            <Messages/>
        </section>
        <Show when=move || comparing.get()>
            <ComparePanel on_close=Callback::new(move |_| comparing.set(false))/>
        </Show>
    }
}

/// Errors, set-aside entries, notices and the undo of a deletion.
#[component]
fn Messages() -> impl IntoView {
    let ctrl = Scenarios::expect();
    let state = AppState::expect();
    let t = move || texts(state.locale.get());
    let st = move || StoreTexts::of(state.locale.get());
    let error = move || {
        ctrl.error.get().map(|e| {
            view! {
                <div class="notice notice-error" role="alert" data-testid="scenario-error">
                    <span>{e.describe(state.locale.get())}</span>
                    <button type="button" class="button button-small" data-testid="scenario-error-dismiss" on:click=move |_| ctrl.error.set(None)>
                        {move || t().dismiss}
                    </button>
                </div>
            }
        })
    };
    let set_aside = move || {
        ctrl.set_aside
            .get()
            .into_iter()
            .map(|entry| {
                let download = entry.clone();
                let discard = entry.clone();
                view! {
                    <div class="notice notice-error" role="alert" data-testid="scenario-set-aside" data-key=entry.key.clone()>
                        <span>
                            {move || st().set_aside} ": " <code>{entry.key.clone()}</code>
                            <span class="set-aside-reason">{entry.reason.clone()}</span>
                        </span>
                        <span class="scenario-actions">
                            <button type="button" class="button button-small" data-testid="set-aside-download"
                                on:click=move |_| store::download_set_aside(&download)>
                                {move || st().download_raw}
                            </button>
                            <button type="button" class="button button-small" data-testid="set-aside-dismiss"
                                on:click=move |_| ctrl.discard(&discard)>
                                {move || t().dismiss}
                            </button>
                        </span>
                    </div>
                }
            })
            .collect_view()
    };
    let notice = move || {
        ctrl.notice.get().map(|n| {
            let text = match n {
                Notice::ChangedInOtherTab => st().changed_in_other_tab.to_string(),
                Notice::RestoredAfterDelete => st().restored_after_delete.to_string(),
                Notice::DeletedInOtherTab => t().deleted_in_other_tab.to_string(),
                Notice::Imported(count) => (t().imported)(count),
            };
            let kind = match n {
                Notice::ChangedInOtherTab => "other-tab",
                Notice::RestoredAfterDelete => "restored",
                Notice::DeletedInOtherTab => "deleted-elsewhere",
                Notice::Imported(_) => "imported",
            };
            view! {
                <div class="notice notice-info" role="status" data-testid="scenario-notice" data-kind=kind>
                    <span>{text}</span>
                    <button type="button" class="button button-small" data-testid="notice-dismiss" on:click=move |_| ctrl.notice.set(None)>
                        {move || t().dismiss}
                    </button>
                </div>
            }
        })
    };
    let import_failure = move || {
        ctrl.import_failure.get().map(|f| {
            let title = (t().import_failed)(&f.file);
            view! {
                <div class="notice notice-error" role="alert" data-testid="scenario-import-errors">
                    <div>
                        <p class="notice-title">{title}</p>
                        <ul>
                            {f.problems.into_iter().map(|p| view! { <li data-testid="import-problem">{p}</li> }).collect_view()}
                        </ul>
                    </div>
                    <button type="button" class="button button-small" data-testid="import-errors-dismiss" on:click=move |_| ctrl.import_failure.set(None)>
                        {move || t().dismiss}
                    </button>
                </div>
            }
        })
    };
    let data_error = move || {
        ctrl.data_error.get().map(|e| {
            view! {
                <div class="notice notice-error" role="alert" data-testid="data-error">
                    <span>{move || t().data_failed} ": " {e.clone()}</span>
                    <button type="button" class="button button-small" on:click=move |_| ctrl.data_error.set(None)>
                        {move || t().dismiss}
                    </button>
                </div>
            }
        })
    };
    let undo = move || {
        ctrl.deleted.get().map(|d| {
            view! {
                <div class="notice notice-info" role="status" data-testid="scenario-undo">
                    <span>{(t().deleted)(&d.scenario.name)}</span>
                    <button type="button" class="button button-small" data-testid="scenario-undo-button"
                        on:click=move |_| ctrl.undo_delete()>
                        {move || t().undo}
                    </button>
                </div>
            }
        })
    };
    let newer = move || {
        (ctrl.newer.get() > 0)
            .then(|| view! { <p class="muted scenario-help">{move || st().newer_entries}</p> })
    };
    view! {
        <div class="scenario-messages" aria-live="polite">
            {error}
            {set_aside}
            {data_error}
            {import_failure}
            {notice}
            {undo}
            {newer}
        </div>
    }
}

/// How a compared figure is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Money,
    Fraction,
    Multiple,
}

/// A figure's label in the interface language.
type Label = fn(&ScenarioTexts) -> &'static str;

/// The compared figures: key, label and unit.
const FIGURES: [(&str, Label, Unit); 6] = [
    ("cost_total", |t| t.cost, Unit::Money),
    ("revenue", |t| t.revenue, Unit::Money),
    ("net_profit", |t| t.net_profit, Unit::Money),
    ("roi", |t| t.roi, Unit::Fraction),
    ("blended_roi", |t| t.blended_roi, Unit::Fraction),
    ("roas", |t| t.roas, Unit::Multiple),
];

/// One scenario's headline figures, in the order of [`FIGURES`].
#[derive(Debug, Clone, PartialEq)]
struct Column {
    id: String,
    name: String,
    currency: String,
    values: [Option<f64>; 6],
}

fn show(unit: Unit, value: Option<f64>, locale: Locale, symbol: &str) -> String {
    format::or_missing(value, |v| match unit {
        Unit::Money => format::money(v, locale, symbol),
        Unit::Fraction => format::percent(v),
        Unit::Multiple => format::multiple(v),
    })
}

/// The difference from the first column: money in its currency, rates in
/// percentage points, multiples as they are.
fn show_difference(unit: Unit, diff: f64, locale: Locale, symbol: &str) -> String {
    let sign = if diff > 0.0 { "+" } else { "" };
    match unit {
        Unit::Money => format!("{sign}{}", format::money(diff, locale, symbol)),
        Unit::Fraction => format!("{sign}{} pt", format::grouped(diff * 100.0, 1)),
        Unit::Multiple => format!("{sign}{}", format::multiple(diff)),
    }
}

/// A scenario's attribution settings and its automatic-bootstrap choice.
type AttributionKey = (AttributionSettings, bool);

#[component]
fn ComparePanel(on_close: Callback<()>) -> impl IntoView {
    let ctrl = Scenarios::expect();
    let state = AppState::expect();
    let t = move || texts(state.locale.get());
    // Every scenario is picked at first.
    let picked = RwSignal::new(
        ctrl.list
            .with_untracked(|l| l.iter().map(|s| s.id.clone()).collect::<Vec<_>>()),
    );

    // Each picked scenario's report on the data loaded now. The index is
    // built again only for order rules that differ from the screen's.
    let columns = Memo::new(move |_| {
        let picked = picked.get();
        let current = state.prepared.get()?;
        let dataset = state
            .loaded
            .with(|l| l.as_ref().map(|l| l.dataset.clone()))?;
        let mut indexes: Vec<Arc<Prepared>> = vec![current];
        let columns = ctrl.list.with(|list| {
            list.iter()
                .filter(|s| picked.contains(&s.id))
                .map(|s| {
                    let settings = &s.settings.roi;
                    let prepared = match indexes.iter().find(|p| p.is_current(settings)) {
                        Some(p) => p.clone(),
                        None => {
                            let p = Arc::new(Prepared::new(&dataset, settings));
                            indexes.push(p.clone());
                            p
                        }
                    };
                    let f = roi::report(&prepared, settings).current;
                    Column {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        currency: settings.currency.code.clone(),
                        values: [
                            // Missing without a cost or without orders.
                            f.value(KpiId::CostTotal),
                            f.value(KpiId::Revenue),
                            f.value(KpiId::NetProfit),
                            f.roi,
                            f.returns.blended_roi,
                            f.roas,
                        ],
                    }
                })
                .collect::<Vec<_>>()
        });
        Some(columns)
    });

    // Each picked scenario's attribution, asked of the worker with that
    // scenario's attribution settings (the worker answers one at a time).
    let credits: RwSignal<Vec<(String, AttributionKey, Arc<Attribution>)>> =
        RwSignal::new(Vec::new());
    Effect::new(move |_| {
        let picked = picked.get();
        // Rerun when the journeys change (a new attribution on screen).
        state.attribution.track();
        let wanted: Vec<(String, AttributionKey)> = ctrl.list.with(|list| {
            list.iter()
                .filter(|s| picked.contains(&s.id))
                .map(|s| {
                    (
                        s.id.clone(),
                        (s.settings.attribution.clone(), s.settings.bootstrap_auto),
                    )
                })
                .collect()
        });
        for (id, key) in wanted {
            let known = credits.with_untracked(|c| c.iter().any(|(i, k, _)| *i == id && *k == key));
            if known {
                continue;
            }
            // Intervals are not shown here: no resamples.
            let mut settings = key.0.clone();
            settings.bootstrap.replicates = 0;
            crate::import_client::attribute(&settings, false, move |event| {
                if let crate::import_client::WorkerEvent::Attributed(result, _) = event {
                    let (id, key) = (id.clone(), key.clone());
                    credits.update(|c| {
                        c.retain(|(i, _, _)| *i != id);
                        c.push((id, key, Arc::new(result)));
                    });
                }
            });
        }
    });

    let picker = move || {
        ctrl.list.with(|list| {
            list.iter()
                .map(|s| {
                    let id = s.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || picked.with(|p| p.contains(&id))
                    };
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" data-testid="compare-pick" value=id.clone()
                                prop:checked=checked
                                on:change=move |e| {
                                    let on = event_target_checked(&e);
                                    let id = id.clone();
                                    picked.update(|p| {
                                        p.retain(|x| *x != id);
                                        if on {
                                            p.push(id);
                                        }
                                    });
                                }/>
                            " " {s.name.clone()}
                        </label>
                    }
                })
                .collect_view()
        })
    };

    let table = move || {
        let locale = state.locale.get();
        let t = t();
        let Some(columns) = columns.get() else {
            return view! { <p class="empty">{t.no_data}</p> }.into_any();
        };
        if columns.len() < 2 {
            return view! { <p class="empty" data-testid="compare-hint">{t.compare_pick}</p> }
                .into_any();
        }
        let first = columns[0].clone();
        let head = columns
            .iter()
            .map(|c| view! { <th scope="col" class="number" data-scenario=c.id.clone()>{c.name.clone()}</th> })
            .collect_view();
        let rows = FIGURES
            .iter()
            .enumerate()
            .map(|(i, &(key, label, unit))| {
                let cells = columns
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let symbol = format::currency_symbol(&c.currency);
                        let value = c.values[i];
                        let diff = match (j, value, first.values[i]) {
                            (0, _, _) => None,
                            // Money in two currencies does not subtract.
                            _ if unit == Unit::Money && c.currency != first.currency => None,
                            (_, Some(v), Some(f)) => Some(v - f),
                            _ => None,
                        };
                        let differs = j > 0 && (value != first.values[i]);
                        let diff_view = diff.filter(|d| d.abs() > 1e-12).map(|d| {
                            let (up, down) = (d > 0.0, d < 0.0);
                            view! {
                                <span class="delta" class:positive=up class:negative=down>
                                    {show_difference(unit, d, locale, &symbol)}
                                </span>
                            }
                        });
                        view! {
                            <td class="number" class:differs=differs data-scenario=c.id.clone() data-figure=key
                                data-value=value.map(|v| v.to_string()).unwrap_or_default()>
                                {show(unit, value, locale, &symbol)}
                                {diff_view}
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr data-figure=key>
                        <th scope="row">{label(t)}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let model_name = state.texts().model_names[Model::ALL
            .iter()
            .position(|&m| m == Model::Markov)
            .unwrap_or(0)];
        let top_cells = columns
            .iter()
            .map(|c| {
                let top = credits.with(|list| {
                    list.iter()
                        .find(|(id, _, _)| *id == c.id)
                        .and_then(|(_, _, a)| {
                            let model = a.model(Model::Markov).or_else(|| a.models.first())?;
                            let total: f64 = model.credits.iter().map(|x| x.conversions).sum();
                            let mut ranked = model.credits.clone();
                            ranked.sort_by(|x, y| y.conversions.total_cmp(&x.conversions));
                            Some(
                                ranked
                                    .into_iter()
                                    .take(3)
                                    .map(|x| {
                                        let share = if total > 0.0 {
                                            format::percent(x.conversions / total)
                                        } else {
                                            format::MISSING.to_string()
                                        };
                                        format!(
                                            "{} {share}",
                                            state.texts().channel_name(&x.channel)
                                        )
                                    })
                                    .collect::<Vec<_>>(),
                            )
                        })
                });
                let items = top.map(|names| {
                    names
                        .into_iter()
                        .map(|n| view! { <li>{n}</li> })
                        .collect_view()
                });
                view! {
                    <td class="number top-channels" data-scenario=c.id.clone()>
                        <ul>{items}</ul>
                    </td>
                }
            })
            .collect_view();
        let top_row = view! {
            <tr data-figure="top_channels">
                <th scope="row">{(t.top_channels)(model_name)}</th>
                {top_cells}
            </tr>
        };
        let max_roi = columns
            .iter()
            .filter_map(|c| c.values[3])
            .map(f64::abs)
            .fold(0.0, f64::max);
        let bars = columns
            .iter()
            .map(|c| {
                let roi = c.values[3];
                let width = match roi {
                    Some(v) if max_roi > 0.0 => format!("{:.1}%", v.abs() / max_roi * 100.0),
                    _ => "0%".to_string(),
                };
                let negative = roi.is_some_and(|v| v < 0.0);
                view! {
                    <li data-scenario=c.id.clone() data-value=roi.map(|v| v.to_string()).unwrap_or_default()>
                        <span class="bar-label" title=c.name.clone()>{c.name.clone()}</span>
                        <span class="bar-track"><span class="bar-fill" class:bar-negative=negative style:width=width></span></span>
                        <span class="bar-value">{format::or_missing(roi, format::percent)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="data-table compare-table" data-testid="compare-table">
                    <thead><tr><th scope="col"></th>{head}</tr></thead>
                    <tbody>{rows}{top_row}</tbody>
                </table>
            </div>
            <h3 class="subtitle compare-chart-title">{t.roi_chart}</h3>
            <ul class="bars compare-bars" data-testid="compare-roi-bars">{bars}</ul>
        }
        .into_any()
    };

    view! {
        <section class="panel scenario-compare" data-testid="compare-panel">
            <div class="panel-head">
                <h2 class="panel-title">{move || t().compare_title}</h2>
                <button type="button" class="button button-small" data-testid="compare-close"
                    on:click=move |_| on_close.run(())>
                    {move || t().close}
                </button>
            </div>
            <p class="panel-caption">{move || t().compare_note}</p>
            <div class="compare-picker" role="group">{picker}</div>
            {table}
        </section>
    }
}
