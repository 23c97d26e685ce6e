use leptos::prelude::*;
use xhs_roi_engine::attribution::Model;
use xhs_roi_engine::format;

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
            // Most Markov credit first.
            let mut channels = result.channels.clone();
            channels.sort_by(|a, b| credit(Model::Markov, b).total_cmp(&credit(Model::Markov, a)));
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
                            view! {
                                <td class="number" data-model=m.name() data-channel=channel.clone() data-value=value.to_string()>
                                    {format::grouped(value, 1)}
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
