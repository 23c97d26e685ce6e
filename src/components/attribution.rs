use leptos::prelude::*;
use xhs_roi_engine::attribution::Model;
use xhs_roi_engine::format;

use crate::charts::attribution::{draw, model_colour, Bars, ModelSeries};
use crate::charts::canvas::{ChartCanvas, MeasuredCanvas};
use crate::state::AppState;

/// The models in the order a marketer reads them: the rules, then the data-driven ones.
const MODELS: [Model; 7] = [
    Model::FirstTouch,
    Model::LastTouch,
    Model::Linear,
    Model::PositionBased,
    Model::TimeDecay,
    Model::Markov,
    Model::Shapley,
];

/// Channels that are Xiaohongshu's own (highlighted: the question is what
/// the platform is worth).
pub fn is_xiaohongshu(channel: &str) -> bool {
    let c = channel.to_ascii_lowercase();
    c.starts_with("xhs")
        || c.starts_with("kol")
        || c.contains("juguang")
        || c.contains("xiaohongshu")
        || channel.contains("小红书")
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

fn paint_chart(
    area: &plotters::drawing::DrawingArea<MeasuredCanvas, plotters::coord::Shift>,
    scale: f64,
) {
    let state = AppState::expect();
    let texts = state.texts();
    let locale = state.locale.get();
    let Some(result) = state.attribution.get() else {
        return;
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
    let _ = draw(area, &bars, scale);
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
                                    view! { <span class="interval" title=texts.interval_help>{text}</span> }
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
                <ChartCanvas
                    name="attribution"
                    label=Signal::derive(move || state.texts().attribution_title.to_string())
                    paint=paint_chart
                />
                <div class="table-scroll">
                    <table class="data-table" data-testid="attribution-table">
                        <thead>
                            <tr><th scope="col">{texts.channel_label}</th>{head}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr><th scope="row">{texts.total_label}</th>{totals}</tr></tfoot>
                    </table>
                </div>
            }
        })
    };
    view! {
        <section class="panel attribution" data-testid="attribution">
            <h2 class="panel-title">{move || texts().attribution_title}</h2>
            {move || body().map_or_else(
                || view! { <p class="empty">{texts().attribution_empty}</p> }.into_any(),
                |v| v.into_any(),
            )}
        </section>
    }
}
