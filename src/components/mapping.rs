use leptos::ev;
use leptos::prelude::*;
use xhs_roi_engine::csv::{Encoding, DELIMITERS};
use xhs_roi_engine::import::{ImportOptions, OrderBasis, Sniffed};
use xhs_roi_engine::value::DayOrder;
use xhs_roi_engine::Kind;

use crate::loader;
use crate::state::{AppState, Pending, PendingStatus};

/// Rows of the preview table.
const PREVIEW_ROWS: usize = 8;

/// The mapping screen: for each dropped file, what was detected (kind,
/// encoding, delimiter, header row, date order, which column is which
/// field) and a preview; everything can be changed before importing.
#[component]
pub fn MappingScreen() -> impl IntoView {
    let state = AppState::expect();
    let count = move || {
        state.pending.with(|p| {
            p.iter()
                .filter(|f| matches!(f.status, PendingStatus::Ready(_)))
                .count()
        })
    };
    view! {
        <Show when=move || state.pending.with(|p| !p.is_empty())>
            <section class="panel mapping" data-testid="mapping-screen" aria-labelledby="mapping-title">
                <header class="mapping-head">
                    <div>
                        <h2 class="panel-title" id="mapping-title">{move || state.texts().mapping_title}</h2>
                        <p class="panel-caption">{move || state.texts().mapping_hint}</p>
                    </div>
                    <div class="mapping-actions">
                        <button type="button" class="button" on:click=move |_| loader::discard_pending(state)>
                            {move || state.texts().discard_all}
                        </button>
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid="confirm-import"
                            disabled=move || count() == 0 || state.busy.get()
                            on:click=move |_| loader::import_pending(state)
                        >
                            {move || (state.texts().import_files)(count())}
                        </button>
                    </div>
                </header>
                <For
                    each=move || state.pending.get()
                    key=|p| (p.id, p.revision, p.remembered)
                    children=move |pending| view! { <PendingFile pending=pending/> }
                />
            </section>
        </Show>
    }
}

fn size_text(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KB", (bytes / 1024.0).max(1.0))
    }
}

#[component]
fn PendingFile(pending: Pending) -> impl IntoView {
    let state = AppState::expect();
    let id = pending.id;
    let body = match pending.status.clone() {
        PendingStatus::Sniffing => view! { <p class="muted">{move || state.texts().sniffing}</p> }.into_any(),
        PendingStatus::Failed(error) => view! {
            <p class="notice notice-error" role="alert" data-testid="import-error">{move || error.describe(state.texts())}</p>
        }
        .into_any(),
        PendingStatus::Ready(sniffed) => {
            let sheet = sniffed.sheet;
            view! { <PlanEditor id=id sniffed=*sniffed current_sheet=sheet/> }.into_any()
        }
    };
    view! {
        <article class="pending-file" data-testid="pending-file">
            <header class="pending-head">
                <span class="import-file">{pending.name.clone()}</span>
                <span class="muted">{size_text(pending.size)}</span>
                {pending.remembered.then(|| view! { <span class="badge badge-files">{move || state.texts().remembered}</span> })}
                <button type="button" class="button button-small" on:click=move |_| loader::remove_pending(state, id)>
                    {move || state.texts().remove}
                </button>
            </header>
            {body}
        </article>
    }
}

#[component]
fn PlanEditor(id: u32, sniffed: Sniffed, current_sheet: usize) -> impl IntoView {
    let state = AppState::expect();
    let plan = sniffed.plan.clone();
    let kind = plan.kind;

    let on_kind = move |e: ev::Event| {
        if let Some(k) = Kind::from_name(&event_target_value(&e)) {
            loader::change_options(state, id, |o, _| {
                o.kind = Some(k);
                o.fields = None;
            });
        }
    };
    let on_encoding = move |e: ev::Event| {
        if let Some(enc) = Encoding::from_name(&event_target_value(&e)) {
            loader::change_options(state, id, |o, _| o.encoding = Some(enc));
        }
    };
    let on_delimiter = move |e: ev::Event| {
        if let Ok(d) = event_target_value(&e).parse::<u8>() {
            loader::change_options(state, id, |o, _| {
                o.delimiter = Some(d);
                o.fields = None;
            });
        }
    };
    let on_header = move |e: ev::Event| {
        if let Ok(line) = event_target_value(&e).parse::<u64>() {
            if line >= 1 {
                loader::change_options(state, id, |o, _| {
                    o.header_line = Some(line);
                    o.fields = None;
                });
            }
        }
    };
    let on_sheet = move |e: ev::Event| {
        if let Ok(sheet) = event_target_value(&e).parse::<usize>() {
            loader::change_options(state, id, |o, _| {
                // Another sheet is another table: detect everything again.
                *o = ImportOptions {
                    sheet: Some(sheet),
                    ..ImportOptions::default()
                };
            });
        }
    };
    let on_day_order = move |e: ev::Event| {
        let order = match event_target_value(&e).as_str() {
            "month_first" => DayOrder::MonthFirst,
            _ => DayOrder::DayFirst,
        };
        loader::change_options(state, id, |o, _| o.day_order = Some(order));
    };
    let on_field = move |column: usize| {
        move |e: ev::Event| {
            let chosen = event_target_value(&e);
            loader::change_options(state, id, |o, sniffed| {
                let mut fields: Vec<Option<String>> = sniffed
                    .plan
                    .columns()
                    .into_iter()
                    .map(|c| c.field.map(String::from))
                    .collect();
                // A field belongs to one column: choosing it here frees it elsewhere.
                for f in fields.iter_mut() {
                    if f.as_deref() == Some(chosen.as_str()) {
                        *f = None;
                    }
                }
                if let Some(slot) = fields.get_mut(column) {
                    *slot = (!chosen.is_empty()).then_some(chosen);
                }
                o.fields = Some(fields);
            });
        }
    };

    let texts = move || state.texts();
    let kind_options = Kind::ALL
        .iter()
        .map(|&k| {
            view! { <option value=k.name() selected=k == kind>{move || texts().kind_name(k)}</option> }
        })
        .collect_view();
    let encoding_options = Encoding::ALL
        .iter()
        .map(|&e| view! { <option value=e.name() selected=e == plan.encoding>{e.name()}</option> })
        .collect_view();
    let delimiter_options = DELIMITERS
        .iter()
        .enumerate()
        .map(|(i, &d)| view! { <option value=d.to_string() selected=d == plan.delimiter>{move || texts().delimiter_names[i]}</option> })
        .collect_view();
    let sheet_control = (!sniffed.sheets.is_empty()).then(|| {
        let chosen = current_sheet;
        let options = sniffed
            .sheets
            .iter()
            .enumerate()
            .map(|(i, name)| view! { <option value=i.to_string() selected=i == chosen>{name.clone()}</option> })
            .collect_view();
        view! {
            <label class="field">
                <span>{move || texts().sheet_label}</span>
                <select on:change=on_sheet data-testid="sheet-select">{options}</select>
            </label>
        }
    });
    let date_order = plan.date_orders.first().cloned();
    let date_control = date_order.map(|o| {
        let basis = o.basis;
        view! {
            <label class="field">
                <span>{move || texts().dates_label}</span>
                <select on:change=on_day_order data-testid="day-order">
                    <option value="day_first" selected=o.order == DayOrder::DayFirst>{move || texts().day_first}</option>
                    <option value="month_first" selected=o.order == DayOrder::MonthFirst>{move || texts().month_first}</option>
                </select>
                <span class="muted">{move || match basis {
                    OrderBasis::Data => texts().from_data,
                    OrderBasis::Default => texts().assumed,
                    OrderBasis::Chosen => "",
                }}</span>
            </label>
        }
    });
    let title_lines = (!sniffed.above_header.is_empty()).then(|| {
        let lines: Vec<String> = sniffed
            .above_header
            .iter()
            .map(|(_, cells)| cells.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" "))
            .collect();
        view! { <p class="muted title-lines">{move || texts().title_lines} ": " {lines.join(" · ")}</p> }
    });

    let headers = plan.headers.clone();
    let columns = plan.columns();
    let head = headers
        .iter()
        .enumerate()
        .map(|(column, header)| {
            let current = columns[column].field;
            let field_options = kind
                .fields()
                .iter()
                .map(|f| {
                    let name = f.name;
                    view! { <option value=name selected=current == Some(name)>{move || texts().field_label(name)}</option> }
                })
                .collect_view();
            view! {
                <th class:unused=current.is_none()>
                    <span class="column-header">{header.clone()}</span>
                    <select on:change=on_field(column) data-testid="column-field" aria-label=header.clone()>
                        <option value="" selected=current.is_none()>{move || texts().not_used}</option>
                        {field_options}
                    </select>
                </th>
            }
        })
        .collect_view();
    let rows = sniffed
        .preview
        .iter()
        .take(PREVIEW_ROWS)
        .map(|(line, cells)| {
            let tds = (0..headers.len())
                .map(|i| {
                    let used = columns[i].field.is_some();
                    view! { <td class:unused=!used>{cells.get(i).cloned().unwrap_or_default()}</td> }
                })
                .collect_view();
            view! { <tr><th class="line-number">{*line}</th>{tds}</tr> }
        })
        .collect_view();

    view! {
        <div class="plan-controls">
            {sheet_control}
            <label class="field">
                <span>{move || texts().kind_label}</span>
                <select on:change=on_kind data-testid="kind-select">{kind_options}</select>
            </label>
            <label class="field">
                <span>{move || texts().encoding_label}</span>
                <select on:change=on_encoding data-testid="encoding-select">{encoding_options}</select>
            </label>
            <label class="field">
                <span>{move || texts().delimiter_label}</span>
                <select on:change=on_delimiter>{delimiter_options}</select>
            </label>
            <label class="field">
                <span>{move || texts().header_row_label}</span>
                <input type="number" min="1" value=plan.header_line.to_string() on:change=on_header data-testid="header-line"/>
            </label>
            {date_control}
        </div>
        {title_lines}
        <div class="preview-scroll">
            <table class="preview" data-testid="preview">
                <thead><tr><th class="line-number">"#"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
