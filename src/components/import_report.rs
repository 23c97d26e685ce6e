use leptos::prelude::*;

use crate::state::{AppState, FileSummary};

/// Problems listed per file on screen; the download has them all.
const PROBLEMS_SHOWN: usize = 5;

/// Files that failed (one sentence each) and, per file read, rows read,
/// rejected and duplicated and the problems, the first few in a table.
/// The report's heading says how many problems there are, so a marketer
/// sees them without opening it.
#[component]
pub fn ImportReport() -> impl IntoView {
    let state = AppState::expect();
    let errors = move || state.import_errors.get();
    let files = move || {
        state
            .loaded
            .with(|l| l.as_ref().map(|l| l.files.clone()).unwrap_or_default())
    };
    let texts = move || state.texts();
    let heading = move || {
        let files = files();
        let problems = files.iter().map(|f| f.problem_count).sum();
        let rejected = files.iter().map(|f| f.rows_rejected).sum();
        let line = (texts().import_summary)(files.len(), problems, rejected);
        (line, problems > 0)
    };

    view! {
        <Show when=move || !errors().is_empty()>
            <div class="notice notice-error" role="alert" data-testid="import-error">
                <ul>
                    {move || errors().into_iter().map(|e| view! { <li>{e.describe(texts())}</li> }).collect_view()}
                </ul>
                <button type="button" class="button button-small" on:click=move |_| state.import_errors.set(Vec::new())>
                    {move || texts().dismiss}
                </button>
            </div>
        </Show>
        <details class="import-report" data-testid="import-report">
            <summary>
                {move || texts().import_title}
                {move || {
                    let (line, warn) = heading();
                    view! {
                        <span class="import-summary" class:import-summary-warn=warn data-testid="import-summary">
                            {line}
                        </span>
                    }
                }}
            </summary>
            <div class="import-files">
                {move || files().into_iter().map(|f| view! { <FileReport file=f /> }).collect_view()}
            </div>
        </details>
    }
}

/// One file's counts, its first problems and the download of all of them.
#[component]
fn FileReport(
    /// What was read from the file.
    file: FileSummary,
) -> impl IntoView {
    let state = AppState::expect();
    let texts = state.texts();
    let used = matches!(
        file.kind,
        xhs_roi_engine::Kind::Notes | xhs_roi_engine::Kind::Costs | xhs_roi_engine::Kind::Orders
    );
    let counts = (texts.import_row)(
        file.rows_read,
        file.rows_with_problems,
        file.rows_rejected,
        file.rows_duplicate,
        file.problem_count,
    );
    let more = (file.problem_count > PROBLEMS_SHOWN).then(|| {
        let listed = (file.problem_count > file.problems.len()).then_some(file.problems.len());
        (texts.problems_more)(file.problem_count - PROBLEMS_SHOWN, listed)
    });
    let download = (file.problem_count > 0).then(|| {
        let problems = file.problems.clone();
        let name = file.file.clone();
        view! {
            <button type="button" class="button button-small" data-testid="download-problems" on:click=move |_| {
                let csv = xhs_roi_engine::import::problems_csv(&name, &problems);
                crate::download::download_text(&format!("{name}.problems.csv"), "text/csv;charset=utf-8", &csv);
            }>
                {texts.download_problems}
            </button>
        }
    });
    let rows = file
        .problems
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|p| {
            // A whole row's problem (a field count, a duplicate) has no cell.
            let value = (!p.value.is_empty()).then(|| format!("“{}”", p.value));
            view! {
                <tr>
                    <td class="number">{xhs_roi_engine::format::grouped(p.line as f64, 0)}</td>
                    <td>{p.column.clone()}</td>
                    <td class="import-value">{value}</td>
                    <td class="import-reason">{(texts.problem_reason)(&p.reason)}</td>
                </tr>
            }
        })
        .collect_view();
    let table = (file.problem_count > 0).then(|| {
        let [line, column, value, problem] = texts.problem_columns;
        view! {
            <div class="table-scroll">
                <table class="data-table import-problems">
                    <thead>
                        <tr>
                            <th scope="col" class="number">{line}</th>
                            <th scope="col">{column}</th>
                            <th scope="col">{value}</th>
                            <th scope="col">{problem}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <section class="import-file-report">
            <div class="import-file-head">
                <span class="import-file">{file.file.clone()}</span>
                <span class="badge badge-kind">{texts.kind_name(file.kind)}</span>
                {(!used).then(|| view! { <span class="muted">{texts.unused_kind}</span> })}
                <span class="import-file-actions">{download}</span>
            </div>
            <p class="import-counts">{counts}</p>
            {table}
            {more.map(|more| view! { <p class="muted import-more" data-testid="problems-more">{more}</p> })}
        </section>
    }
}
