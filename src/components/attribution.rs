use leptos::prelude::*;
use xhs_roi_engine::attribution::survey::Platform;
use xhs_roi_engine::attribution::Model;
use xhs_roi_engine::format;

use crate::charts::attribution::{draw, model_colour, Bars, ModelSeries};
use crate::charts::interactive::InteractiveChart;
use crate::state::AppState;

/// The models in the order a marketer reads them: the rules, then the data-driven ones.
const MODELS: [Model; 7] = Model::ALL;

/// Channels that are Xiaohongshu's own (highlighted: the question is what
/// the platform is worth).
pub fn is_xiaohongshu(channel: &str) -> bool {
    Platform::of_channel(channel) == Platform::Xiaohongshu
}

/// Channels in the order the panel shows them: most Markov credit first.
fn channel_order(result: &xhs_roi_engine::attribution::Attribution) -> Vec<String> {
    let credit = |channel: &str| {
        result
            .model(Model::Markov)
            .and_then(|r| r.credit(channel))
            .map_or(0.0, |c| c.conversions)
    };
    let mut channels = result.channels.clone();
    channels.sort_by(|a, b| credit(b).total_cmp(&credit(a)));
    channels
}

fn paint_chart(area: &crate::charts::canvas::Area, scale: f64) -> Vec<crate::charts::Hit> {
    let state = AppState::expect();
    let texts = state.texts();
    let locale = state.locale.get();
    let Some(result) = state.attribution.get() else {
        return Vec::new();
    };
    let channels = channel_order(&result);
    let models = MODELS
        .iter()
        .filter_map(|&m| {
            let r = result.model(m)?;
            let pick = |c: &str| r.credit(c).map_or(0.0, |x| x.conversions);
            let intervals = r.intervals.as_ref().map(|list| {
                channels
                    .iter()
                    .map(|c| {
                        list.iter()
                            .find(|i| &i.channel == c)
                            .map_or((0.0, 0.0), |i| (i.conversions.low, i.conversions.high))
                    })
                    .collect()
            });
            Some(ModelSeries {
                label: texts.model_names[MODELS.iter().position(|&x| x == m).unwrap_or(0)],
                colour: model_colour(m.name()),
                values: channels.iter().map(|c| pick(c)).collect(),
                intervals,
            })
        })
        .collect();
    let bars = Bars {
        channels: channels.iter().map(|c| texts.channel_name(c)).collect(),
        models,
        locale,
    };
    draw(area, &bars, scale).unwrap_or_default()
}

/// Every attribution model side by side per channel, with each model's
/// change against last touch.
#[component]
pub fn AttributionPanel() -> impl IntoView {
    let state = AppState::expect();
    let texts = move || state.texts();
    let body = move || {
        let locale = state.locale.get();
        let texts = texts();
        state.attribution.get().map(|result| {
            let model_index = |m: Model| MODELS.iter().position(|&x| x == m).unwrap_or(0);
            let credit = |m: Model, channel: &str| {
                result.model(m).and_then(|r| r.credit(channel)).map_or(0.0, |c| c.conversions)
            };
            let channels = channel_order(&result);
            let interval_help = (texts.interval_help)(result.bootstrap.map_or(0, |b| b.replicates));
            let head = MODELS
                .iter()
                .filter(|&&m| result.model(m).is_some())
                .map(|&m| view! { <th scope="col" class="number">{texts.model_names[model_index(m)]}</th> })
                .collect_view();
            let rows = channels
                .iter()
                .map(|channel| {
                    let xhs = is_xiaohongshu(channel);
                    let last = credit(Model::LastTouch, channel);
                    let cells = MODELS
                        .iter()
                        .filter(|&&m| result.model(m).is_some())
                        .map(|&m| {
                            let value = credit(m, channel);
                            let delta = value - last;
                            let delta_text = (m != Model::LastTouch && delta.abs() >= 0.05).then(|| {
                                let sign = if delta > 0.0 { "+" } else { "" };
                                let class = if delta > 0.0 { "delta positive" } else { "delta negative" };
                                view! {
                                    <span class=class title=texts.vs_last_touch>
                                        {format!("{sign}{}", format::grouped(delta, 1))}
                                    </span>
                                }
                            });
                            let interval = result
                                .model(m)
                                .and_then(|r| r.intervals.as_ref())
                                .and_then(|i| i.iter().find(|c| &c.channel == channel))
                                .map(|c| {
                                    let text = format!(
                                        "{}–{}",
                                        format::grouped(c.conversions.low, 1),
                                        format::grouped(c.conversions.high, 1)
                                    );
                                    view! { <span class="interval" title=interval_help.clone()>{text}</span> }
                                });
                            view! {
                                <td class="number" data-model=m.name() data-channel=channel.clone() data-value=value.to_string()>
                                    {format::grouped(value, 1)}
                                    {interval}
                                    {delta_text}
                                </td>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr class:xhs=xhs>
                            <th scope="row">
                                {texts.channel_name(channel)}
                                {xhs.then(|| view! { <span class="tag">{texts.xhs_tag}</span> })}
                            </th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view();
            let totals = MODELS
                .iter()
                .filter(|&&m| result.model(m).is_some())
                .map(|&m| {
                    let total: f64 = result.model(m).map_or(0.0, |r| r.credits.iter().map(|c| c.conversions).sum());
                    view! { <td class="number">{format::grouped(total, 1)}</td> }
                })
                .collect_view();
            let caption = (texts.attribution_caption)(
                &format::count(result.journeys as f64, locale),
                &format::count(result.total_conversions, locale),
            );
            view! {
                <p class="panel-caption">{caption}</p>
                <InteractiveChart
                    name="attribution"
                    label=Signal::derive(move || state.texts().attribution_title.to_string())
                    paint=paint_chart
                />
                <div class="table-actions">
                    <button type="button" class="button button-small" data-testid="export-attribution" on:click=move |_| {
                        if let Some(result) = state.attribution.get_untracked() {
                            crate::download::download_text("xhs-roi-attribution.csv", "text/csv;charset=utf-8", &result.to_csv(true));
                        }
                    }>{crate::i18n_roi::roi_texts(locale).export_csv}</button>
                </div>
                <div class="table-scroll">
                    <table class="data-table" data-testid="attribution-table">
                        <thead>
                            <tr><th scope="col">{texts.channel_label}</th>{head}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr><th scope="row">{texts.total_label}</th>{totals}</tr></tfoot>
                    </table>
                </div>
                <RemovalEffects/>
                <SurveyComparison/>
            }
        })
    };
    view! {
        <section class="panel attribution" data-testid="attribution">
            <h2 class="panel-title">{move || texts().attribution_title}</h2>
            <AttributionSettings/>
            <crate::components::channel_rules::ChannelRulesEditor/>
            <AttributionProgressBar/>
            {move || body().map_or_else(
                || view! { <p class="empty">{texts().attribution_empty}</p> }.into_any(),
                |v| v.into_any(),
            )}
        </section>
    }
}

/// Top converting paths, journey lengths and time to conversion.
#[component]
pub fn PathExplorerPanel() -> impl IntoView {
    let state = AppState::expect();
    let body = move || {
        let locale = state.locale.get();
        let texts = state.texts();
        state.paths.get().map(|explorer| {
            let total: f64 = explorer.lengths.iter().map(|l| l.conversions).sum();
            let share = move |x: f64| if total > 0.0 { format::percent(x / total) } else { format::MISSING.to_string() };
            let top = explorer
                .top_paths
                .iter()
                .map(|p| {
                    let steps = p
                        .path
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let xhs = is_xiaohongshu(c);
                            // A wrapped path breaks before an arrow, never after.
                            view! {
                                <span class="hop">
                                    {(i > 0).then(|| view! { <span class="arrow" aria-hidden="true">"→"</span> })}
                                    <span class="step" class:xhs=xhs>{texts.channel_name(c)}</span>
                                </span>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr data-testid="top-path">
                            <td class="path">{steps}</td>
                            <td class="number">{format::grouped(p.conversions, 0)}</td>
                            <td class="number">{share(p.conversions)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let max_journeys = explorer.lengths.iter().map(|l| l.journeys).fold(0.0, f64::max).max(1.0);
            let last = explorer.lengths.len();
            let lengths = explorer
                .lengths
                .iter()
                .map(|l| {
                    let width = format!("{:.1}%", l.journeys / max_journeys * 100.0);
                    view! {
                        <li>
                            <span class="bar-label">{(texts.touches_label)(l.touches, l.touches == last)}</span>
                            <span class="bar-track"><span class="bar-fill" style:width=width></span></span>
                            <span class="bar-value">{format::count(l.journeys, locale)} " · " {format::grouped(l.conversions, 0)}</span>
                        </li>
                    }
                })
                .collect_view();
            let max_time = explorer.time_to_conversion.iter().map(|t| t.conversions).fold(0.0, f64::max).max(1.0);
            let times = explorer
                .time_to_conversion
                .iter()
                .map(|t| {
                    let width = format!("{:.1}%", t.conversions / max_time * 100.0);
                    view! {
                        <li>
                            <span class="bar-label">{(texts.days_label)(t.from_days, t.to_days)}</span>
                            <span class="bar-track"><span class="bar-fill" style:width=width></span></span>
                            <span class="bar-value">{format::grouped(t.conversions, 0)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="explorer">
                    <div>
                        <h3 class="subtitle">{texts.top_paths_title}</h3>
                        <table class="data-table" data-testid="top-paths">
                            <thead><tr>
                                <th scope="col">{texts.path_label}</th>
                                <th scope="col" class="number">{texts.conversions_label}</th>
                                <th scope="col" class="number">{texts.share_label}</th>
                            </tr></thead>
                            <tbody>{top}</tbody>
                        </table>
                    </div>
                    <div class="distributions">
                        <h3 class="subtitle">{texts.lengths_title}</h3>
                        <p class="panel-caption">{texts.journeys_label} " · " {texts.conversions_label}</p>
                        <ul class="bars" data-testid="path-lengths">{lengths}</ul>
                        {(!explorer.time_to_conversion.is_empty()).then(|| view! {
                            <h3 class="subtitle">{texts.time_title}</h3>
                            <ul class="bars" data-testid="time-to-conversion">{times}</ul>
                        })}
                    </div>
                </div>
            }
        })
    };
    view! {
        <Show when=move || state.paths.with(Option::is_some)>
            <section class="panel" data-testid="path-explorer">
                <h2 class="panel-title">{move || state.texts().paths_title}</h2>
                {body}
            </section>
        </Show>
    }
}

/// The settings that change attribution's numbers: lookback, half-life,
/// position weights (a preset or custom), Markov order and the bootstrap.
/// A change reruns the models in the worker.
#[component]
pub fn AttributionSettings() -> impl IntoView {
    use xhs_roi_engine::attribution::{PositionWeights, Settings};
    let state = AppState::expect();
    let texts = move || state.texts();
    let settings = state.attribution_settings;
    let change = move |update: Box<dyn FnOnce(&mut Settings)>| {
        settings.update(|s| update(s));
        crate::loader::refresh_attribution(state);
    };
    let presets = [
        PositionWeights::U_SHAPED,
        PositionWeights::J_SHAPED,
        PositionWeights::INVERSE_J,
    ];
    let days_select = move |values: &'static [u32], current: f64, on: fn(&mut Settings, f64)| {
        let options = values
            .iter()
            .map(|&d| view! { <option value=d.to_string() selected=f64::from(d) == current>{move || (texts().days)(d)}</option> })
            .collect_view();
        view! {
            <select on:change=move |e| {
                if let Ok(d) = event_target_value(&e).parse::<f64>() {
                    change(Box::new(move |s| on(s, d)));
                }
            }>{options}</select>
        }
    };
    let current = settings.get_untracked();
    let preset_index = presets
        .iter()
        .position(|p| *p == current.position_weights)
        .unwrap_or(presets.len());
    let custom = RwSignal::new(preset_index == presets.len());
    let percent = |w: f64| format!("{}", (w * 1000.0).round() / 10.0);
    let parts = [
        RwSignal::new(percent(current.position_weights.first)),
        RwSignal::new(percent(current.position_weights.middle)),
        RwSignal::new(percent(current.position_weights.last)),
    ];
    // The three percentages as weights, when they are valid.
    let custom_weights = move || {
        let values: Vec<f64> = parts
            .iter()
            .filter_map(|p| p.get().trim().parse::<f64>().ok())
            .collect();
        let [first, middle, last] = values[..] else {
            return None;
        };
        let valid = values.iter().all(|v| (0.0..=100.0).contains(v))
            && (first + middle + last - 100.0).abs() < 1e-6;
        valid
            .then(|| PositionWeights {
                first: first / 100.0,
                middle: middle / 100.0,
                // Exactly 1 in total, whatever the rounding of the parts.
                last: 1.0 - first / 100.0 - middle / 100.0,
            })
            .filter(|_| last >= 0.0)
    };
    let apply_custom = move || {
        if let Some(w) = custom_weights() {
            if settings.with_untracked(|s| s.position_weights != w) {
                change(Box::new(move |s| s.position_weights = w));
            }
        }
    };
    let custom_inputs = move || {
        custom.get().then(|| {
            let inputs = parts
                .iter()
                .enumerate()
                .map(|(i, &part)| {
                    view! {
                        <label class="field narrow">
                            <span>{move || texts().position_parts[i]}</span>
                            <input type="number" min="0" max="100" step="any" inputmode="decimal"
                                data-testid=format!("position-weight-{i}")
                                prop:value=move || part.get()
                                on:input=move |e| {
                                    part.set(event_target_value(&e));
                                    apply_custom();
                                }/>
                        </label>
                    }
                })
                .collect_view();
            view! {
                {inputs}
                <Show when=move || custom_weights().is_none()>
                    <p class="field-error" role="alert">{move || texts().position_invalid}</p>
                </Show>
            }
        })
    };
    let bootstrap_value = move || {
        if state.bootstrap_auto.get() {
            "auto".to_string()
        } else {
            settings.with(|s| s.bootstrap.replicates.to_string())
        }
    };
    view! {
        <div class="plan-controls attribution-settings" data-testid="attribution-settings">
            <label class="field">
                <span>{move || texts().lookback_label}</span>
                {days_select(&[7, 14, 30, 60, 90], current.lookback_days, |s, d| s.lookback_days = d)}
            </label>
            <label class="field">
                <span>{move || texts().half_life_label}</span>
                {days_select(&[1, 3, 7, 14, 30], current.half_life_days, |s, d| s.half_life_days = d)}
            </label>
            <label class="field">
                <span>{move || texts().position_label}</span>
                <select data-testid="position-preset" on:change=move |e| {
                    let Ok(i) = event_target_value(&e).parse::<usize>() else { return };
                    match presets.get(i) {
                        Some(&w) => {
                            custom.set(false);
                            change(Box::new(move |s| s.position_weights = w));
                        }
                        None => custom.set(true),
                    }
                }>
                    {(0..4).map(|i| view! { <option value=i.to_string() selected=i == preset_index>{move || texts().position_presets[i]}</option> }).collect_view()}
                </select>
            </label>
            {custom_inputs}
            <label class="field">
                <span>{move || texts().markov_order_label}</span>
                <select data-testid="markov-order" on:change=move |e| {
                    if let Ok(k) = event_target_value(&e).parse::<u8>() {
                        change(Box::new(move |s| s.markov_order = k));
                    }
                }>
                    {(1u8..=3).map(|k| view! { <option value=k.to_string() selected=k == current.markov_order>{k}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{move || texts().bootstrap_label}</span>
                <select data-testid="bootstrap" prop:value=bootstrap_value on:change=move |e| {
                    let value = event_target_value(&e);
                    let replicates = value.parse::<u32>().ok();
                    state.bootstrap_auto.set(replicates.is_none());
                    change(Box::new(move |s| s.bootstrap.replicates = replicates.unwrap_or(0)));
                }>
                    <option value="auto">{move || texts().bootstrap_auto}</option>
                    <option value="0">{move || texts().bootstrap_off}</option>
                    {[100u32, 200, 500, 1000].map(|n| view! { <option value=n.to_string()>{move || (texts().resamples)(n)}</option> }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// Where a running attribution is, as a labelled bar.
#[component]
fn AttributionProgressBar() -> impl IntoView {
    use crate::import_client::AttributionProgress;
    let state = AppState::expect();
    move || {
        state.attribution_progress.get().map(|p| {
            let (stage, done, of) = match p {
                AttributionProgress::Journeys => (0, 0, 0),
                AttributionProgress::RuleModels => (1, 0, 0),
                AttributionProgress::Markov => (2, 0, 0),
                AttributionProgress::Bootstrap { done, of } => (3, done, of),
            };
            let label = (state.texts().attribution_stage)(stage, done, of);
            view! {
                <div class="attribution-progress" role="status" aria-live="polite" data-testid="attribution-progress">
                    <span>{label}</span>
                    <progress max="100" value=format!("{:.0}", p.fraction() * 100.0)></progress>
                </div>
            }
        })
    }
}

/// The Markov removal effects: the share of conversions (and of conversion
/// value) that would be lost without each channel.
#[component]
fn RemovalEffects() -> impl IntoView {
    let state = AppState::expect();
    move || {
        let texts = state.texts();
        let result = state.attribution.get()?;
        let markov = result.model(Model::Markov)?;
        let mut effects = markov.removal_effects.clone()?;
        effects.sort_by(|a, b| b.conversions.total_cmp(&a.conversions));
        let max = effects
            .iter()
            .map(|e| e.conversions)
            .fold(0.0, f64::max)
            .max(1e-12);
        let rows = effects
            .into_iter()
            .map(|e| {
                let width = format!("{:.1}%", e.conversions / max * 100.0);
                let xhs = is_xiaohongshu(&e.channel);
                view! {
                    <li data-channel=e.channel.clone() data-value=e.conversions.to_string()>
                        <span class="bar-label">{texts.channel_name(&e.channel)}</span>
                        <span class="bar-track"><span class="bar-fill" class:muted=!xhs style:width=width></span></span>
                        <span class="bar-value">{format::percent(e.conversions)} " · " {format::percent(e.value)}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="removal-effects">
                <h3 class="subtitle">{texts.removal_title}</h3>
                <p class="panel-caption">{texts.removal_caption}</p>
                <ul class="bars" data-testid="removal-effects">{rows}</ul>
            </div>
        })
    }
}

/// Each platform's share of conversions under every model, beside the share
/// of survey answers that name it.
#[component]
pub fn SurveyComparison() -> impl IntoView {
    use xhs_roi_engine::attribution::survey::{self, Platform};
    let state = AppState::expect();
    move || {
        let texts = state.texts();
        let result = state.attribution.get()?;
        let Some(counts) = state.surveys.get() else {
            return Some(
                view! { <p class="panel-caption survey-hint">{texts.survey_hint}</p> }.into_any(),
            );
        };
        let locale = state.locale.get();
        let rows = survey::compare(&counts, &result);
        let model_index = |m: Model| MODELS.iter().position(|&x| x == m).unwrap_or(0);
        let head = result
            .models
            .iter()
            .map(|r| view! { <th scope="col" class="number">{texts.model_names[model_index(r.model)]}</th> })
            .collect_view();
        let body = rows
            .iter()
            .map(|row| {
                let xhs = row.platform == Platform::Xiaohongshu;
                let survey = row.survey.unwrap_or(0.0);
                let cells = row
                    .models
                    .iter()
                    .map(|m| {
                        view! {
                            <td class="number" data-model=m.model.name() data-value=m.share.to_string()>
                                {format::percent(m.share)}
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr class:xhs=xhs data-platform=row.platform.name()>
                        <th scope="row">{texts.platform_names[row.platform as usize]}</th>
                        <td class="number survey-share" data-value=survey.to_string()>{format::or_missing(row.survey, format::percent)}</td>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let unrecognised = (!counts.unrecognised.is_empty()).then(|| {
            let list = counts
                .unrecognised
                .iter()
                .map(|(answer, n)| format!("{answer} ({})", format::count(*n as f64, locale)))
                .collect::<Vec<_>>()
                .join(", ");
            view! { <p class="panel-caption">{(texts.survey_unrecognised)(&list)}</p> }
        });
        Some(view! {
            <div class="survey-comparison" data-testid="survey-comparison">
                <h3 class="subtitle">{texts.survey_title}</h3>
                <p class="panel-caption">{(texts.survey_caption)(&format::count(counts.total() as f64, locale))}</p>
                <div class="table-scroll">
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{texts.platform_label}</th>
                            <th scope="col" class="number">{texts.survey_column}</th>
                            {head}
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                {unrecognised}
            </div>
        }.into_any())
    }
}
