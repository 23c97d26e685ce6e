use leptos::prelude::*;

use crate::state::AppState;

/// Problems listed per file on screen; the download has them all.
const PROBLEMS_SHOWN: usize = 5;

/// Files that failed (one sentence each) and, per file read, rows read,
/// rejected and problems, with the first problems listed.
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
            <summary>{move || texts().import_title}</summary>
            <ul class="import-files">
                {move || files().into_iter().map(|f| {
                    let texts = texts();
                    let used = matches!(f.kind, xhs_roi_engine::Kind::Notes | xhs_roi_engine::Kind::Costs | xhs_roi_engine::Kind::Orders);
                    view! {
                        <li>
                            <span class="import-file">{f.file.clone()}</span>
                            " · "
                            {(texts.import_row)(texts.kind_name(f.kind), f.rows_read, f.rows_with_problems, f.rows_rejected, f.problem_count)}
                            {(!used).then(|| view! { <span class="muted">" · " {texts.unused_kind}</span> })}
                            <ul class="import-problems">
                                {f.problems.iter().take(PROBLEMS_SHOWN).map(|p| view! {
                                    <li>{(texts.problem_line)(p.line, &p.column, &p.value, &(texts.problem_reason)(&p.reason))}</li>
                                }).collect_view()}
                                {(f.problem_count > PROBLEMS_SHOWN).then(|| view! {
                                    <li class="muted" data-testid="problems-more">{(texts.problems_more)(f.problem_count - PROBLEMS_SHOWN, (f.problem_count > f.problems.len()).then_some(f.problems.len()))}</li>
                                })}
                            </ul>
                            {(f.problem_count > 0).then(|| {
                                let problems = f.problems.clone();
                                let file = f.file.clone();
                                view! {
                                    <button type="button" class="button button-small" data-testid="download-problems" on:click=move |_| {
                                        let csv = xhs_roi_engine::import::problems_csv(&file, &problems);
                                        crate::download::download_text(&format!("{file}.problems.csv"), "text/csv;charset=utf-8", &csv);
                                    }>
                                        {texts.download_problems}
                                    </button>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
