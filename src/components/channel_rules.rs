//! The channel-rules editor: how a touch without a channel gets one from its
//! UTM tags, referrer, promo or QR code or landing page.
//!
//! The rules live in the attribution settings; every change reruns the
//! models in the worker. A deleted rule can be brought back.

use leptos::prelude::*;
use xhs_roi_engine::attribution::channels::{ChannelRule, ChannelRules, Match, SourceField};

use crate::state::AppState;

/// The source fields in the order the editor lists them.
const FIELDS: [SourceField; 7] = [
    SourceField::UtmSource,
    SourceField::UtmMedium,
    SourceField::UtmCampaign,
    SourceField::Referrer,
    SourceField::PromoCode,
    SourceField::QrCode,
    SourceField::LandingPage,
];

fn field_index(field: SourceField) -> usize {
    FIELDS.iter().position(|&f| f == field).unwrap_or(0)
}

/// `(0 equals | 1 starts with | 2 contains, patterns)`.
fn split(matches: &Match) -> (usize, &[String]) {
    match matches {
        Match::Equals(p) => (0, p),
        Match::Prefix(p) => (1, p),
        Match::Contains(p) => (2, p),
    }
}

fn join(kind: usize, patterns: Vec<String>) -> Match {
    match kind {
        1 => Match::Prefix(patterns),
        2 => Match::Contains(patterns),
        _ => Match::Equals(patterns),
    }
}

/// Comma-separated patterns (ASCII or Chinese commas), blanks dropped.
fn patterns_from(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Rules in order, each editable; a deleted rule can be restored.
#[component]
pub fn ChannelRulesEditor() -> impl IntoView {
    let state = AppState::expect();
    let texts = move || state.texts();
    let settings = state.attribution_settings;
    let deleted: RwSignal<Option<(usize, ChannelRule)>> = RwSignal::new(None);
    let edit = move |update: Box<dyn FnOnce(&mut ChannelRules)>| {
        settings.update(|s| update(&mut s.channel_rules));
        crate::loader::refresh_attribution(state);
    };
    let count = Memo::new(move |_| settings.with(|s| s.channel_rules.rules.len()));

    let row = move |i: usize| {
        let rule = move || settings.with(|s| s.channel_rules.rules.get(i).cloned());
        // Untracked: the list redraws when the number of rules changes, each
        // cell follows its own value.
        let exists = settings.with_untracked(|s| i < s.channel_rules.rules.len());
        exists.then(|| {
            let current = move || rule().unwrap_or_else(|| ChannelRule {
                field: SourceField::UtmSource,
                matches: Match::Equals(Vec::new()),
                and: Vec::new(),
                channel: String::new(),
            });
            let and_text = move || {
                let t = texts();
                current()
                    .and
                    .iter()
                    .map(|c| {
                        let (kind, patterns) = split(&c.matches);
                        (t.rule_and)(
                            t.source_fields[field_index(c.field)],
                            t.match_kinds[kind],
                            &patterns.join(", "),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            view! {
                <tr data-testid="channel-rule">
                    <td class="number rule-index">{i + 1}</td>
                    <td>
                        <select aria-label=move || texts().rule_field_label
                            prop:value=move || field_index(current().field).to_string()
                            on:change=move |e| {
                                if let Some(&field) = event_target_value(&e).parse::<usize>().ok().and_then(|f| FIELDS.get(f)) {
                                    edit(Box::new(move |r| r.rules[i].field = field));
                                }
                            }>
                            {(0..FIELDS.len()).map(|f| view! { <option value=f.to_string()>{move || texts().source_fields[f]}</option> }).collect_view()}
                        </select>
                    </td>
                    <td>
                        <select aria-label=move || texts().rule_match_label
                            prop:value=move || split(&current().matches).0.to_string()
                            on:change=move |e| {
                                let kind = event_target_value(&e).parse::<usize>().unwrap_or(0);
                                edit(Box::new(move |r| {
                                    let patterns = split(&r.rules[i].matches).1.to_vec();
                                    r.rules[i].matches = join(kind, patterns);
                                }));
                            }>
                            {(0..3).map(|k| view! { <option value=k.to_string()>{move || texts().match_kinds[k]}</option> }).collect_view()}
                        </select>
                    </td>
                    <td class="rule-patterns">
                        <input type="text" aria-label=move || texts().rule_patterns_label
                            prop:value=move || split(&current().matches).1.join(", ")
                            on:change=move |e| {
                                let patterns = patterns_from(&event_target_value(&e));
                                edit(Box::new(move |r| {
                                    let kind = split(&r.rules[i].matches).0;
                                    r.rules[i].matches = join(kind, patterns);
                                }));
                            }/>
                        <span class="rule-and">{and_text}</span>
                    </td>
                    <td>
                        <input type="text" class="rule-channel" aria-label=move || texts().rule_channel_label
                            prop:value=move || current().channel
                            on:change=move |e| {
                                let channel = event_target_value(&e).trim().to_string();
                                if !channel.is_empty() {
                                    edit(Box::new(move |r| r.rules[i].channel = channel));
                                }
                            }/>
                    </td>
                    <td class="rule-actions">
                        <button type="button" class="icon-button" title=move || texts().move_up aria-label=move || texts().move_up
                            disabled=move || i == 0
                            on:click=move |_| edit(Box::new(move |r| r.rules.swap(i - 1, i)))>"↑"</button>
                        <button type="button" class="icon-button" title=move || texts().move_down aria-label=move || texts().move_down
                            disabled=move || { i + 1 >= count.get() }
                            on:click=move |_| edit(Box::new(move |r| r.rules.swap(i, i + 1)))>"↓"</button>
                        <button type="button" class="icon-button" title=move || texts().delete_rule aria-label=move || texts().delete_rule
                            data-testid="delete-rule"
                            on:click=move |_| {
                                let removed = settings.with_untracked(|s| s.channel_rules.rules.get(i).cloned());
                                if let Some(rule) = removed {
                                    deleted.set(Some((i, rule)));
                                    edit(Box::new(move |r| { r.rules.remove(i); }));
                                }
                            }>"×"</button>
                    </td>
                </tr>
            }
        })
    };
    let fallback = move |label: fn(&crate::i18n::Texts) -> &'static str,
                         get: fn(&ChannelRules) -> String,
                         set: fn(&mut ChannelRules, String)| {
        view! {
            <label class="field">
                <span>{move || label(texts())}</span>
                <input type="text" class="rule-channel"
                    prop:value=move || settings.with(|s| get(&s.channel_rules))
                    on:change=move |e| {
                        let value = event_target_value(&e).trim().to_string();
                        if !value.is_empty() {
                            edit(Box::new(move |r| set(r, value)));
                        }
                    }/>
            </label>
        }
    };
    view! {
        <details class="channel-rules" data-testid="channel-rules">
            <summary>{move || texts().rules_title} " (" {move || count.get()} ")"</summary>
            <p class="panel-caption">{move || texts().rules_help}</p>
            <div class="table-scroll">
                <table class="data-table rules-table">
                    <thead><tr>
                        <th scope="col" class="number">"#"</th>
                        <th scope="col">{move || texts().rule_field_label}</th>
                        <th scope="col">{move || texts().rule_match_label}</th>
                        <th scope="col">{move || texts().rule_patterns_label}</th>
                        <th scope="col">{move || texts().rule_channel_label}</th>
                        <th scope="col"><span class="visually-hidden">{move || texts().rule_actions_label}</span></th>
                    </tr></thead>
                    <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
                </table>
            </div>
            <div class="plan-controls rules-footer">
                {fallback(|t| t.unmatched_label, |r| r.unmatched.clone(), |r, v| r.unmatched = v)}
                {fallback(|t| t.no_source_label, |r| r.no_source.clone(), |r, v| r.no_source = v)}
                <button type="button" class="button button-small" data-testid="add-rule" on:click=move |_| {
                    edit(Box::new(|r| r.rules.push(ChannelRule {
                        field: SourceField::UtmSource,
                        matches: Match::Equals(Vec::new()),
                        and: Vec::new(),
                        channel: "new_channel".into(),
                    })));
                }>{move || texts().add_rule}</button>
                <button type="button" class="button button-small" on:click=move |_| {
                    let before = settings.with_untracked(|s| s.channel_rules.clone());
                    if before != ChannelRules::default() {
                        edit(Box::new(|r| *r = ChannelRules::default()));
                    }
                }>{move || texts().restore_rules}</button>
                {move || deleted.get().map(|(at, rule)| {
                    let name = rule.channel.clone();
                    view! {
                        <span class="undo" role="status">
                            {(texts().rule_deleted)(&name)}
                            <button type="button" class="link-button" data-testid="undo-delete-rule" on:click=move |_| {
                                let rule = rule.clone();
                                deleted.set(None);
                                edit(Box::new(move |r| {
                                    let at = at.min(r.rules.len());
                                    r.rules.insert(at, rule);
                                }));
                            }>{texts().undo}</button>
                        </span>
                    }
                })}
            </div>
        </details>
    }
}
