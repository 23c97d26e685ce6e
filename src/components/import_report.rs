use leptos::prelude::*;

use super::focus::focus_later_if_lost;
use crate::i18n::Texts;
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
    // Nothing to sum before any file is read (or when the demo failed).
    let heading = move || {
        let files = files();
        let problems: usize = files.iter().map(|f| f.problem_count).sum();
        let rejected: usize = files.iter().map(|f| f.rows_rejected).sum();
        (!files.is_empty()).then(|| {
            let line = (texts().import_summary)(files.len(), problems, rejected);
            view! {
                <span class="import-summary" class:import-summary-warn={problems > 0} data-testid="import-summary">
                    {line}
                </span>
            }
        })
    };

    // Once files are read the mapping screen and the progress bar are
    // gone, and with them the focus: the report's heading, which says what
    // was read, takes it.
    let summary_ref = NodeRef::<leptos::html::Summary>::new();
    Effect::new(move |was_reading: Option<bool>| {
        let reading = state.progress.with(Option::is_some);
        if was_reading == Some(true) && !reading {
            focus_later_if_lost(summary_ref);
        }
        reading
    });

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
            <summary node_ref=summary_ref>
                {move || texts().import_title}
                {heading}
            </summary>
            <div class="import-files">
                // The texts are read here, so a language switch redraws the cards.
                {move || {
                    let texts = texts();
                    files().into_iter().map(|f| view! { <FileReport file=f texts=texts /> }).collect_view()
                }}
            </div>
        </details>
    }
}

/// One file's counts, its first problems and the download of all of them.
#[component]
fn FileReport(
    /// What was read from the file.
    file: FileSummary,
    /// The texts of the language shown.
    texts: &'static Texts,
) -> impl IntoView {
    // Comments are read and checked, but no panel shows them yet.
    let used = file.kind != xhs_roi_engine::Kind::Comments;
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
        let label = format!("{} · {name}", texts.download_problems);
        view! {
            <button type="button" class="button button-small" data-testid="download-problems" aria-label=label on:click=move |_| {
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
                    // Plain, as the messages and the download write line numbers.
                    <td class="number">{p.line}</td>
                    <td>{p.column.clone()}</td>
                    <td class="import-value">{value}</td>
                    <td class="import-reason">{(texts.problem_reason)(&p.reason)}</td>
                </tr>
            }
        })
        .collect_view();
    let table = (file.problem_count > 0).then(|| {
        let [line, column, value, problem] = texts.problem_columns;
        let label = format!("{} · {}", texts.import_title, file.file);
        view! {
            <div class="table-scroll">
                <table class="data-table import-problems" aria-label=label>
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
