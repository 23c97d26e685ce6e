//! Costs entered by hand: the part of the ledger no export has (a shoot
//! paid in cash, a retainer, a tool subscription). They live in the ROI
//! settings, so a scenario keeps them and `xhs-roi report --settings` reads
//! them; every change recomputes the view.

use leptos::prelude::*;
use xhs_roi_engine::roi::{CostEntry, PayKind, RoiSettings};
use xhs_roi_engine::time::Day;
use xhs_roi_engine::CostCategory;

use crate::state::AppState;

/// The words of the editor in both languages.
struct LedgerTexts {
    title: &'static str,
    caption: &'static str,
    date: &'static str,
    end: &'static str,
    category: &'static str,
    amount: &'static str,
    pay_kind: &'static str,
    /// In `PayKind::ALL` order, after "none".
    pay_kinds: [&'static str; 6],
    note: &'static str,
    account: &'static str,
    campaign: &'static str,
    description: &'static str,
    add: &'static str,
    delete: &'static str,
    deleted: &'static str,
    undo: &'static str,
    empty: &'static str,
    multipliers: &'static str,
}

static EN: LedgerTexts = LedgerTexts {
    title: "Costs entered by hand",
    caption: "Add what no export holds; a cost with an end date spreads evenly over its days. They count with the cost table's rows in every figure.",
    date: "Date",
    end: "Until",
    category: "Category",
    amount: "Amount ¥",
    pay_kind: "KOL pay",
    pay_kinds: ["—", "Flat fee", "Product gift", "Commission", "Platform fee", "Other"],
    note: "Note ID",
    account: "Account",
    campaign: "Campaign",
    description: "Description",
    add: "Add a cost",
    delete: "Delete",
    deleted: "Cost deleted.",
    undo: "Undo",
    empty: "No costs entered by hand.",
    multipliers: "Scenario: each category's costs ×",
};

static ZH: LedgerTexts = LedgerTexts {
    title: "手工录入的成本",
    caption:
        "录入导出文件中没有的成本；填写结束日期的成本会按天平均分摊，并与成本表一起计入所有指标。",
    date: "日期",
    end: "至",
    category: "类别",
    amount: "金额 ¥",
    pay_kind: "达人结算方式",
    pay_kinds: ["—", "一口价", "产品置换", "佣金", "平台服务费", "其他"],
    note: "笔记 ID",
    account: "账号",
    campaign: "活动",
    description: "说明",
    add: "添加成本",
    delete: "删除",
    deleted: "已删除一条成本。",
    undo: "撤销",
    empty: "暂无手工录入的成本。",
    multipliers: "情景：各类别成本 ×",
};

fn texts(state: AppState) -> &'static LedgerTexts {
    match state.locale.get() {
        xhs_roi_engine::format::Locale::Zh => &ZH,
        _ => &EN,
    }
}

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The hand-entered costs as an editable table, and the per-category
/// multipliers of a what-if scenario.
#[component]
pub fn CostLedgerPanel() -> impl IntoView {
    let state = AppState::expect();
    let settings = state.roi_settings;
    let deleted: RwSignal<Option<(usize, CostEntry)>> = RwSignal::new(None);
    let count = Memo::new(move |_| settings.with(|s| s.manual_costs.len()));
    let edit = move |i: usize, update: Box<dyn FnOnce(&mut CostEntry)>| {
        settings.update(|s| {
            if let Some(entry) = s.manual_costs.get_mut(i) {
                update(entry);
            }
        })
    };
    let entry = move |i: usize| settings.with(|s| s.manual_costs.get(i).cloned());

    let text_cell = move |i: usize,
                          label: fn(&LedgerTexts) -> &'static str,
                          get: fn(&CostEntry) -> Option<String>,
                          set: fn(&mut CostEntry, Option<String>)| {
        view! {
            <td>
                <input type="text" aria-label=move || label(texts(state))
                    prop:value=move || entry(i).and_then(|e| get(&e)).unwrap_or_default()
                    on:change=move |e| {
                        let value = optional(event_target_value(&e));
                        edit(i, Box::new(move |c| set(c, value)));
                    }/>
            </td>
        }
    };
    let date_cell = move |i: usize,
                          label: fn(&LedgerTexts) -> &'static str,
                          get: fn(&CostEntry) -> Option<Day>,
                          set: fn(&mut CostEntry, Option<Day>)| {
        view! {
            <td>
                <input type="date" aria-label=move || label(texts(state))
                    prop:value=move || entry(i).and_then(|e| get(&e)).map(Day::iso).unwrap_or_default()
                    on:change=move |e| {
                        let day = Day::parse_iso(&event_target_value(&e));
                        edit(i, Box::new(move |c| set(c, day)));
                    }/>
            </td>
        }
    };
    let row = move |i: usize| {
        let texts_now = move || texts(state);
        view! {
            <tr data-testid="manual-cost">
                {date_cell(i, |t| t.date, |e| e.date, |c, d| c.date = d)}
                {date_cell(i, |t| t.end, |e| e.end, |c, d| c.end = d)}
                <td>
                    <select aria-label=move || texts_now().category
                        prop:value=move || entry(i).map(|e| e.category.name().to_string()).unwrap_or_default()
                        on:change=move |e| {
                            if let Some(category) = CostCategory::parse(&event_target_value(&e)) {
                                edit(i, Box::new(move |c| c.category = category));
                            }
                        }>
                        {CostCategory::ALL.map(|c| view! { <option value=c.name()>{move || state.texts().cost_category(c)}</option> }).collect_view()}
                    </select>
                </td>
                <td class="number">
                    <input type="number" step="any" min="0" inputmode="decimal" class="amount" aria-label=move || texts_now().amount
                        data-testid="manual-cost-amount"
                        prop:value=move || entry(i).map(|e| e.amount.to_string()).unwrap_or_default()
                        on:change=move |e| {
                            if let Ok(amount) = event_target_value(&e).trim().parse::<f64>() {
                                if amount.is_finite() && amount >= 0.0 {
                                    edit(i, Box::new(move |c| c.amount = amount));
                                }
                            }
                        }/>
                </td>
                <td>
                    <select aria-label=move || texts_now().pay_kind
                        prop:value=move || entry(i).and_then(|e| e.pay_kind).map(|k| k.name().to_string()).unwrap_or_default()
                        on:change=move |e| {
                            let kind = PayKind::ALL.into_iter().find(|k| k.name() == event_target_value(&e));
                            edit(i, Box::new(move |c| c.pay_kind = kind));
                        }>
                        <option value="">{move || texts_now().pay_kinds[0]}</option>
                        {PayKind::ALL.iter().enumerate().map(|(k, kind)| view! {
                            <option value=kind.name()>{move || texts_now().pay_kinds[k + 1]}</option>
                        }).collect_view()}
                    </select>
                </td>
                {text_cell(i, |t| t.note, |e| e.note_id.clone(), |c, v| c.note_id = v)}
                {text_cell(i, |t| t.account, |e| e.account.clone(), |c, v| c.account = v)}
                {text_cell(i, |t| t.campaign, |e| e.campaign.clone(), |c, v| c.campaign = v)}
                {text_cell(i, |t| t.description, |e| e.description.clone(), |c, v| c.description = v)}
                <td>
                    <button type="button" class="icon-button" title=move || texts_now().delete aria-label=move || texts_now().delete
                        on:click=move |_| {
                            if let Some(removed) = entry(i) {
                                deleted.set(Some((i, removed)));
                                settings.update(|s| { s.manual_costs.remove(i); });
                            }
                        }>"×"</button>
                </td>
            </tr>
        }
    };
    let multiplier = move |category: CostCategory| {
        let get = move |s: &RoiSettings| s.cost_multipliers.get(category);
        view! {
            <label class="field narrow">
                <span>{move || state.texts().cost_category(category)}</span>
                <input type="number" min="0" step="0.05" inputmode="decimal"
                    data-testid=format!("multiplier-{}", category.name())
                    prop:value=move || settings.with(|s| get(s).to_string())
                    on:change=move |e| {
                        if let Ok(v) = event_target_value(&e).trim().parse::<f64>() {
                            if v.is_finite() && v >= 0.0 {
                                settings.update(|s| s.cost_multipliers.set(category, v));
                            }
                        }
                    }/>
            </label>
        }
    };
    view! {
        <section class="panel cost-ledger-panel" data-testid="cost-ledger">
            <div class="panel-head">
                <h2 class="panel-title">{move || texts(state).title}</h2>
                <button type="button" class="button button-small" data-testid="add-manual-cost" on:click=move |_| {
                    settings.update(|s| s.manual_costs.push(CostEntry::new(CostCategory::Content, 0.0)));
                }>{move || texts(state).add}</button>
            </div>
            <p class="panel-caption">{move || texts(state).caption}</p>
            <Show when=move || { count.get() > 0 } fallback=move || view! { <p class="empty">{move || texts(state).empty}</p> }>
                <div class="table-scroll">
                    <table class="data-table ledger-table">
                        <thead><tr>
                            <th scope="col">{move || texts(state).date}</th>
                            <th scope="col">{move || texts(state).end}</th>
                            <th scope="col">{move || texts(state).category}</th>
                            <th scope="col" class="number">{move || texts(state).amount}</th>
                            <th scope="col">{move || texts(state).pay_kind}</th>
                            <th scope="col">{move || texts(state).note}</th>
                            <th scope="col">{move || texts(state).account}</th>
                            <th scope="col">{move || texts(state).campaign}</th>
                            <th scope="col">{move || texts(state).description}</th>
                            <th scope="col"><span class="visually-hidden">{move || texts(state).delete}</span></th>
                        </tr></thead>
                        <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
                    </table>
                </div>
            </Show>
            {move || deleted.get().map(|(at, entry)| view! {
                <p class="undo" role="status">
                    {texts(state).deleted}
                    <button type="button" class="link-button" data-testid="undo-manual-cost" on:click=move |_| {
                        let entry = entry.clone();
                        deleted.set(None);
                        settings.update(|s| {
                            let at = at.min(s.manual_costs.len());
                            s.manual_costs.insert(at, entry);
                        });
                    }>{texts(state).undo}</button>
                </p>
            })}
            <div class="plan-controls multipliers" role="group" aria-label=move || texts(state).multipliers>
                <span class="field-label">{move || texts(state).multipliers}</span>
                {CostCategory::ALL.map(multiplier).collect_view()}
            </div>
        </section>
    }
}
