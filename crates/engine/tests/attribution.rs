//! Attribution: hand-worked examples for every model, the hand-solved Markov
//! examples, and properties (credits sum to totals, renaming channels renames
//! credit, one channel takes everything, Shapley's closed form equals its
//! definition, the bootstrap is deterministic per seed).

use proptest::prelude::*;
use xhs_roi_engine::attribution::{
    attribute, shapley, Attribution, JourneyBuilder, Journeys, Model, PositionWeights, Settings,
};
use xhs_roi_engine::{import, ImportOptions, Kind};

const DAY: u32 = 86_400;

/// Journeys from `(path, conversions, value, nulls)`.
fn journeys(rows: &[(&[&str], f64, f64, f64)]) -> Journeys {
    let mut b = JourneyBuilder::new(false);
    for (path, c, v, u) in rows {
        b.push_names(path, *c, *v, *u).unwrap();
    }
    b.finish()
}

fn run(j: &Journeys, settings: &Settings) -> Attribution {
    attribute(j, settings).unwrap()
}

fn only(model: Model) -> Settings {
    Settings {
        models: vec![model],
        ..Settings::default()
    }
}

/// `(channel, conversions, value)` of one model, in channel order.
fn credits(a: &Attribution, model: Model) -> Vec<(String, f64, f64)> {
    a.model(model)
        .unwrap()
        .credits
        .iter()
        .map(|c| (c.channel.clone(), c.conversions, c.value))
        .collect()
}

#[track_caller]
fn assert_credits(a: &Attribution, model: Model, want: &[(&str, f64, f64)]) {
    let got = credits(a, model);
    assert_eq!(got.len(), want.len(), "{model}: {got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0, "{model}: {got:?}");
        let tol = |x: f64| 1e-12 * x.abs().max(1.0);
        assert!(
            (g.1 - w.1).abs() <= tol(w.1),
            "{model} conversions: {got:?} vs {want:?}"
        );
        assert!(
            (g.2 - w.2).abs() <= tol(w.2),
            "{model} value: {got:?} vs {want:?}"
        );
    }
}

// ---------------------------------------------------------------- rule-based

/// Three converting journeys and one without conversion:
///   xhs > wechat > xhs > tmall   1 conversion, value 100
///   xhs                           1 conversion, value 40
///   douyin > tmall                2 conversions, value 60
///   xhs > douyin                  no conversion (3 nulls)
fn sample() -> Journeys {
    journeys(&[
        (&["xhs", "wechat", "xhs", "tmall"], 1.0, 100.0, 0.0),
        (&["xhs"], 1.0, 40.0, 0.0),
        (&["douyin", "tmall"], 2.0, 60.0, 0.0),
        (&["xhs", "douyin"], 0.0, 0.0, 3.0),
    ])
}

#[test]
fn first_touch_gives_everything_to_the_first_channel() {
    let a = run(&sample(), &only(Model::FirstTouch));
    assert_credits(
        &a,
        Model::FirstTouch,
        &[
            ("douyin", 2.0, 60.0),
            ("tmall", 0.0, 0.0),
            ("wechat", 0.0, 0.0),
            ("xhs", 2.0, 140.0),
        ],
    );
}

#[test]
fn last_touch_gives_everything_to_the_last_channel() {
    let a = run(&sample(), &only(Model::LastTouch));
    assert_credits(
        &a,
        Model::LastTouch,
        &[
            ("douyin", 0.0, 0.0),
            ("tmall", 3.0, 160.0),
            ("wechat", 0.0, 0.0),
            ("xhs", 1.0, 40.0),
        ],
    );
}

#[test]
fn linear_splits_evenly_and_a_repeated_channel_collects_each_touch() {
    // Journey 1: 1/4 each, xhs twice = 1/2 (value 50); journey 2: xhs 1 (40);
    // journey 3: 1 each to douyin and tmall (value 30 each).
    let a = run(&sample(), &only(Model::Linear));
    assert_credits(
        &a,
        Model::Linear,
        &[
            ("douyin", 1.0, 30.0),
            ("tmall", 1.25, 55.0),
            ("wechat", 0.25, 25.0),
            ("xhs", 1.5, 90.0),
        ],
    );
}

#[test]
fn position_based_gives_everything_to_a_single_touch() {
    let j = journeys(&[(&["kol"], 1.0, 10.0, 0.0)]);
    assert_credits(
        &run(&j, &only(Model::PositionBased)),
        Model::PositionBased,
        &[("kol", 1.0, 10.0)],
    );
}

#[test]
fn position_based_gives_half_each_on_two_touches() {
    let j = journeys(&[(&["a", "b"], 1.0, 10.0, 0.0)]);
    assert_credits(
        &run(&j, &only(Model::PositionBased)),
        Model::PositionBased,
        &[("a", 0.5, 5.0), ("b", 0.5, 5.0)],
    );
}

#[test]
fn position_based_gives_40_20_40_with_the_middle_shared() {
    // a > b > c > a: first a 0.4, last a 0.4, b and c 0.1 each.
    let j = journeys(&[(&["a", "b", "c", "a"], 2.0, 100.0, 0.0)]);
    assert_credits(
        &run(&j, &only(Model::PositionBased)),
        Model::PositionBased,
        &[("a", 1.6, 80.0), ("b", 0.2, 10.0), ("c", 0.2, 10.0)],
    );
}

#[test]
fn position_based_presets_weight_first_and_last_and_split_two_touches_in_proportion() {
    let j_shaped = Settings {
        position_weights: PositionWeights::J_SHAPED,
        ..only(Model::PositionBased)
    };
    let three = journeys(&[(&["a", "b", "c"], 1.0, 10.0, 0.0)]);
    assert_credits(
        &run(&three, &j_shaped),
        Model::PositionBased,
        &[("a", 0.2, 2.0), ("b", 0.2, 2.0), ("c", 0.6, 6.0)],
    );
    // Two touches: first and last weights rescaled to sum to 1 (20:60 -> 25:75).
    let two = journeys(&[(&["a", "b"], 1.0, 10.0, 0.0)]);
    assert_credits(
        &run(&two, &j_shaped),
        Model::PositionBased,
        &[("a", 0.25, 2.5), ("b", 0.75, 7.5)],
    );
    let inverse = Settings {
        position_weights: PositionWeights::preset("inverse_j").unwrap(),
        ..only(Model::PositionBased)
    };
    assert_credits(
        &run(&three, &inverse),
        Model::PositionBased,
        &[("a", 0.6, 6.0), ("b", 0.2, 2.0), ("c", 0.2, 2.0)],
    );
}

#[test]
fn position_weights_that_do_not_sum_to_one_are_refused() {
    let bad = Settings {
        position_weights: PositionWeights {
            first: 0.5,
            middle: 0.2,
            last: 0.5,
        },
        ..Settings::default()
    };
    let err = attribute(&sample(), &bad).unwrap_err();
    assert!(err.to_string().contains("sum to 1"), "{err}");
}

#[test]
fn time_decay_halves_the_weight_per_half_life_before_the_conversion() {
    // Touches 14, 7 and 0 days before the conversion: weights 1/4, 1/2, 1.
    let mut b = JourneyBuilder::new(true);
    b.push_timed(&[("a", 14 * DAY), ("b", 7 * DAY), ("c", 0)], 1.0, 70.0, 0.0)
        .unwrap();
    let j = b.finish();
    assert_credits(
        &run(&j, &only(Model::TimeDecay)),
        Model::TimeDecay,
        &[
            ("a", 1.0 / 7.0, 10.0),
            ("b", 2.0 / 7.0, 20.0),
            ("c", 4.0 / 7.0, 40.0),
        ],
    );
    // A one-day half-life: 2^-14, 2^-7, 1.
    let short = Settings {
        half_life_days: 1.0,
        ..only(Model::TimeDecay)
    };
    let sum = 2f64.powi(-14) + 2f64.powi(-7) + 1.0;
    assert_credits(
        &run(&j, &short),
        Model::TimeDecay,
        &[
            ("a", 2f64.powi(-14) / sum, 70.0 * 2f64.powi(-14) / sum),
            ("b", 2f64.powi(-7) / sum, 70.0 * 2f64.powi(-7) / sum),
            ("c", 1.0 / sum, 70.0 / sum),
        ],
    );
}

#[test]
fn time_decay_on_paths_counts_steps_before_the_conversion() {
    let j = journeys(&[(&["a", "b"], 3.0, 0.0, 0.0)]);
    // Half-life 1 step: weights 1/2 and 1.
    assert_credits(
        &run(&j, &only(Model::TimeDecay)),
        Model::TimeDecay,
        &[("a", 1.0, 0.0), ("b", 2.0, 0.0)],
    );
    let slow = Settings {
        half_life_steps: 2.0,
        ..only(Model::TimeDecay)
    };
    let w = 2f64.powf(-0.5);
    assert_credits(
        &run(&j, &slow),
        Model::TimeDecay,
        &[("a", 3.0 * w / (1.0 + w), 0.0), ("b", 3.0 / (1.0 + w), 0.0)],
    );
}

#[test]
fn journeys_without_conversion_earn_no_rule_based_credit() {
    let j = journeys(&[(&["a", "b"], 0.0, 0.0, 5.0), (&["b"], 1.0, 9.0, 0.0)]);
    for model in [
        Model::FirstTouch,
        Model::LastTouch,
        Model::Linear,
        Model::PositionBased,
        Model::TimeDecay,
        Model::Shapley,
    ] {
        assert_credits(
            &run(&j, &only(model)),
            model,
            &[("a", 0.0, 0.0), ("b", 1.0, 9.0)],
        );
    }
}

// ------------------------------------------------------------------ Shapley

#[test]
fn shapley_splits_each_journey_equally_over_its_distinct_channels() {
    // Journey 1: {xhs, wechat, tmall}: 1/3 each (value 100/3);
    // journey 2: {xhs}: 1 (40); journey 3: {douyin, tmall}: 1 each (30).
    let a = run(&sample(), &only(Model::Shapley));
    assert_credits(
        &a,
        Model::Shapley,
        &[
            ("douyin", 1.0, 30.0),
            ("tmall", 1.0 + 1.0 / 3.0, 30.0 + 100.0 / 3.0),
            ("wechat", 1.0 / 3.0, 100.0 / 3.0),
            ("xhs", 1.0 + 1.0 / 3.0, 40.0 + 100.0 / 3.0),
        ],
    );
}

#[test]
fn shapley_closed_form_equals_the_exponential_definition_for_ten_channels() {
    let names: Vec<String> = (0..10).map(|i| format!("ch{i}")).collect();
    let mut b = JourneyBuilder::new(false);
    let mut x = 7u64;
    for _ in 0..400 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let len = 1 + (x >> 59) as usize % 6;
        let path: Vec<&str> = (0..len)
            .map(|i| names[((x >> (i * 7)) % 10) as usize].as_str())
            .collect();
        b.push_names(&path, ((x >> 50) % 3) as f64, ((x >> 40) % 100) as f64, 1.0)
            .unwrap();
    }
    let j = b.finish();
    let a = run(&j, &only(Model::Shapley));
    let (conv, value) = shapley::exact(j.view()).unwrap();
    for (i, c) in a.model(Model::Shapley).unwrap().credits.iter().enumerate() {
        assert!(
            (c.conversions - conv[i]).abs() < 1e-9,
            "{} {} {}",
            c.channel,
            c.conversions,
            conv[i]
        );
        assert!(
            (c.value - value[i]).abs() < 1e-7,
            "{} {} {}",
            c.channel,
            c.value,
            value[i]
        );
    }
}

// ------------------------------------------------------------------- Markov

/// The classic three-path example (Anderl et al.; the ChannelAttribution
/// tutorials):
///
/// ```text
///   C1 > C2 > C3   conversion
///   C1             null
///   C2 > C3        null
/// ```
///
/// Transitions: start->C1 2/3, start->C2 1/3; C1->C2 1/2, C1->null 1/2;
/// C2->C3 1; C3->conv 1/2, C3->null 1/2.
/// P(conv) = 2/3 * 1/2 * 1 * 1/2 + 1/3 * 1 * 1/2 = 1/6 + 1/6 = 1/3.
/// Without C1: 1/3 * 1/2 = 1/6, RE = 1 - (1/6)/(1/3) = 1/2.
/// Without C2 or C3: no path converts, RE = 1.
/// Credit (1 conversion): 0.5/2.5 = 0.2, 1/2.5 = 0.4, 0.4.
fn classic() -> Journeys {
    journeys(&[
        (&["C1", "C2", "C3"], 1.0, 100.0, 0.0),
        (&["C1"], 0.0, 0.0, 1.0),
        (&["C2", "C3"], 0.0, 0.0, 1.0),
    ])
}

#[test]
fn markov_removal_effects_match_the_hand_solved_classic_example() {
    let a = run(&classic(), &only(Model::Markov));
    assert_credits(
        &a,
        Model::Markov,
        &[("C1", 0.2, 20.0), ("C2", 0.4, 40.0), ("C3", 0.4, 40.0)],
    );
    let m = a.model(Model::Markov).unwrap();
    let re: Vec<f64> = m
        .removal_effects
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.conversions)
        .collect();
    for (got, want) in re.iter().zip([0.5, 1.0, 1.0]) {
        assert!((got - want).abs() < 1e-15, "{re:?}");
    }
    let info = m.markov.as_ref().unwrap();
    assert!((info.conversion_probability - 1.0 / 3.0).abs() < 1e-15);
    assert_eq!(info.states, 3);
}

#[test]
fn markov_order_two_on_the_classic_example_uses_channel_pairs() {
    // States (C1,C2), (C2,C3), (C1). start -> each 1/3; (C1,C2) -> (C2,C3);
    // (C2,C3) -> conv 1/2, null 1/2; (C1) -> null. P = 1/3 * 1/2 + 1/3 * 1/2 = 1/3.
    // Without C1 (both states holding it): 1/6, RE 1/2; without C2 or C3: 0, RE 1.
    let settings = Settings {
        markov_order: 2,
        ..only(Model::Markov)
    };
    let a = run(&classic(), &settings);
    assert_credits(
        &a,
        Model::Markov,
        &[("C1", 0.2, 20.0), ("C2", 0.4, 40.0), ("C3", 0.4, 40.0)],
    );
    assert_eq!(
        a.model(Model::Markov)
            .unwrap()
            .markov
            .as_ref()
            .unwrap()
            .states,
        3
    );
}

/// Value removal effects differ from conversion ones when conversions end in
/// different states with different values:
///
/// ```text
///   a        conversion, value 10
///   b        conversion, value 40
///   a > b    null
/// ```
///
/// start->a 2/3, start->b 1/3; a->conv 1/2, a->b 1/2; b->conv 1/2, b->null 1/2.
/// P_b = 1/2, P_a = 1/2 + 1/4 = 3/4, P = 2/3*3/4 + 1/3*1/2 = 2/3.
/// Without a: 1/3*1/2 = 1/6, RE_a = 3/4. Without b: 2/3*1/2 = 1/3, RE_b = 1/2.
/// Conversions (2): a = 2*(3/4)/(5/4) = 1.2, b = 0.8.
/// Mean values: 10 after a, 40 after b. E_b = 20, E_a = 5 + 10 = 15,
/// E = 2/3*15 + 1/3*20 = 50/3. Without a: 20/3, REV_a = 3/5. Without b:
/// 2/3*5 = 10/3, REV_b = 4/5. Value (50): a = 50*(3/5)/(7/5) = 150/7,
/// b = 200/7.
#[test]
fn markov_value_credit_uses_value_removal_effects() {
    let j = journeys(&[
        (&["a"], 1.0, 10.0, 0.0),
        (&["b"], 1.0, 40.0, 0.0),
        (&["a", "b"], 0.0, 0.0, 1.0),
    ]);
    let a = run(&j, &only(Model::Markov));
    assert_credits(
        &a,
        Model::Markov,
        &[("a", 1.2, 150.0 / 7.0), ("b", 0.8, 200.0 / 7.0)],
    );
    let m = a.model(Model::Markov).unwrap();
    let re = m.removal_effects.as_ref().unwrap();
    assert!((re[0].conversions - 0.75).abs() < 1e-15 && (re[1].conversions - 0.5).abs() < 1e-15);
    assert!(
        (re[0].value - 0.6).abs() < 1e-15 && (re[1].value - 0.8).abs() < 1e-15,
        "{re:?}"
    );
    assert!((m.markov.as_ref().unwrap().expected_value - 50.0 / 3.0).abs() < 1e-13);
}

#[test]
fn markov_credits_a_channel_seen_only_in_null_journeys_with_nothing() {
    let j = journeys(&[(&["a"], 1.0, 5.0, 0.0), (&["b"], 0.0, 0.0, 4.0)]);
    let a = run(&j, &only(Model::Markov));
    assert_credits(&a, Model::Markov, &[("a", 1.0, 5.0), ("b", 0.0, 0.0)]);
}

#[test]
fn markov_orders_above_three_are_refused() {
    let s = Settings {
        markov_order: 4,
        ..Settings::default()
    };
    assert!(attribute(&classic(), &s).is_err());
}

// ---------------------------------------------------------------- bootstrap

#[test]
fn bootstrap_gives_the_same_intervals_for_the_same_seed() {
    let mut s = Settings::default();
    s.bootstrap.replicates = 50;
    s.bootstrap.seed = 42;
    let j = sample();
    let a = run(&j, &s);
    let b = run(&j, &s);
    assert_eq!(a, b);
    s.bootstrap.seed = 43;
    let c = run(&j, &s);
    assert_ne!(
        a.model(Model::Markov).unwrap().intervals,
        c.model(Model::Markov).unwrap().intervals
    );
    for model in [Model::Markov, Model::Shapley] {
        let intervals = a.model(model).unwrap().intervals.as_ref().unwrap();
        for i in intervals {
            assert!(
                i.conversions.low <= i.conversions.mean && i.conversions.mean <= i.conversions.high
            );
            assert!(i.value.low <= i.value.high);
        }
    }
    assert!(a.model(Model::Linear).unwrap().intervals.is_none());
}

#[test]
fn bootstrap_of_a_single_path_world_has_no_spread() {
    let j = journeys(&[(&["a", "b"], 3.0, 30.0, 2.0)]);
    let mut s = only(Model::Shapley);
    s.bootstrap.replicates = 20;
    let a = run(&j, &s);
    let i = &a.model(Model::Shapley).unwrap().intervals.as_ref().unwrap()[0];
    // 5 units drawn, each converting with probability 3/5: credit varies
    // with the number of converting units, value per unit is always 10.
    assert!(i.conversions.low >= 0.0 && i.conversions.high <= 2.5);
    assert!(i.value.high <= 25.0 + 1e-12);
}

// --------------------------------------------------------- from a CSV file

#[test]
fn touchpoint_csv_becomes_journeys_and_credits() {
    let csv = "person_id,time,channel,campaign,note_id,event,value\n\
               u1,2026-03-01 10:00:00,xhs_note,,,click,\n\
               u1,2026-03-02 10:00:00,wechat,,,click,\n\
               u1,2026-03-03 10:00:00,tmall,,,purchase,199\n\
               u2,2026-03-01 09:00:00,xhs_search,,,click,\n\
               u2,2026-03-05 09:00:00,jd,,,转化,\n\
               u3,2026-01-01 09:00:00,douyin,,,click,\n\
               u3,2026-03-05 09:00:00,xhs_note,,,click,\n";
    let imported = import(
        "touchpoints.csv",
        csv.as_bytes(),
        &ImportOptions {
            kind: Some(Kind::Touchpoints),
            ..Default::default()
        },
    )
    .unwrap();
    let j = Journeys::from_touchpoints(&imported.table, &Settings::default()).unwrap();
    assert_eq!(j.len(), 3);
    assert_eq!(j.names(0), ["xhs_note", "wechat", "tmall"]);
    assert_eq!(j.names(1), ["xhs_search", "jd"]);
    // u3 never converts: all their touches form one null journey.
    assert_eq!(j.names(2), ["douyin", "xhs_note"]);
    let a = run(&j, &Settings::default());
    assert_eq!(a.total_conversions, 2.0);
    assert_eq!(a.total_value, 199.0);
    assert_eq!(a.total_nulls, 1.0);
    assert_credits(
        &a,
        Model::LastTouch,
        &[
            ("douyin", 0.0, 0.0),
            ("jd", 1.0, 0.0),
            ("tmall", 1.0, 199.0),
            ("wechat", 0.0, 0.0),
            ("xhs_note", 0.0, 0.0),
            ("xhs_search", 0.0, 0.0),
        ],
    );
}

#[test]
fn paths_csv_in_the_channelattribution_layout_is_read() {
    let csv = "path,total_conversions,total_conversion_value,total_null\n\
               C1 > C2 > C3,1,100,0\n\
               C1,0,0,1\n\
               C2 > C3,0,0,1\n";
    let imported = import(
        "paths.csv",
        csv.as_bytes(),
        &ImportOptions {
            kind: Some(Kind::Paths),
            ..Default::default()
        },
    )
    .unwrap();
    let j = Journeys::from_paths(&imported.table).unwrap();
    let a = run(&j, &only(Model::Markov));
    assert_credits(
        &a,
        Model::Markov,
        &[("C1", 0.2, 20.0), ("C2", 0.4, 40.0), ("C3", 0.4, 40.0)],
    );
}

#[test]
fn demo_touchpoints_attribute_with_every_model_summing_to_totals() {
    let demo = xhs_roi_engine::demo::generate(xhs_roi_engine::demo::DEMO_SEED);
    let imported = import(
        "touchpoints.csv",
        demo.touchpoints.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();
    let j = Journeys::from_touchpoints(&imported.table, &Settings::default()).unwrap();
    let a = run(&j, &Settings::default());
    assert!(a.total_conversions > 50.0, "{}", a.total_conversions);
    assert_sums(&a);
}

#[test]
fn results_serialise_to_json_with_model_names() {
    let a = run(&classic(), &Settings::default());
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["models"][0]["model"], "first_touch");
    assert_eq!(json["models"][5]["model"], "markov");
    assert!(json["models"][5]["removal_effects"].is_array());
    assert!(json["models"][0].get("removal_effects").is_none());
    assert_eq!(json["channels"], serde_json::json!(["C1", "C2", "C3"]));
    // Settings load from partial JSON with defaults for the rest.
    let s: Settings =
        serde_json::from_str(r#"{"markov_order": 2, "models": ["markov", "shapley"]}"#).unwrap();
    assert_eq!(s.markov_order, 2);
    assert_eq!(s.models, [Model::Markov, Model::Shapley]);
    assert_eq!(s.lookback_days, 30.0);
}

// --------------------------------------------------------------- properties

#[track_caller]
fn assert_sums(a: &Attribution) {
    for m in &a.models {
        let c: f64 = m.credits.iter().map(|c| c.conversions).sum();
        let v: f64 = m.credits.iter().map(|c| c.value).sum();
        let tol = |t: f64| 1e-9 * t.abs().max(1.0);
        assert!(
            (c - a.total_conversions).abs() <= tol(a.total_conversions),
            "{}: {c} vs {}",
            m.model,
            a.total_conversions
        );
        assert!(
            (v - a.total_value).abs() <= tol(a.total_value),
            "{}: {v} vs {}",
            m.model,
            a.total_value
        );
    }
}

type Row = (Vec<u8>, f64, f64, f64);

/// Journeys over up to `channels` channels: paths of 1-6 touches, integer or
/// fractional conversions, value only with conversions, nulls.
fn rows(channels: u8) -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            prop::collection::vec(0..channels, 1..7),
            prop_oneof![Just(0.0), Just(1.0), 0.0f64..4.0],
            0.0f64..500.0,
            prop_oneof![Just(0.0), Just(1.0), 0.0f64..3.0],
        )
            .prop_map(|(p, c, v, u)| (p, c, if c > 0.0 { v } else { 0.0 }, u)),
        1..40,
    )
}

fn build(rows: &[Row], name: impl Fn(u8) -> String) -> Journeys {
    let mut b = JourneyBuilder::new(false);
    for (path, c, v, u) in rows {
        let names: Vec<String> = path.iter().map(|&i| name(i)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        b.push_names(&refs, *c, *v, *u).unwrap();
    }
    b.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_model_credits_sum_to_total_conversions_and_value(rows in rows(6), order in 1u8..=3) {
        let j = build(&rows, |i| format!("c{i}"));
        let s = Settings { markov_order: order, ..Settings::default() };
        let a = attribute(&j, &s).unwrap();
        prop_assume!(a.total_conversions > 0.0);
        assert_sums(&a);
        for re in a.model(Model::Markov).unwrap().removal_effects.as_ref().unwrap() {
            prop_assert!((-1e-12..=1.0 + 1e-12).contains(&re.conversions), "{re:?}");
        }
    }

    #[test]
    fn renaming_channels_renames_their_credit(rows in rows(5), order in 1u8..=3) {
        let s = Settings { markov_order: order, ..Settings::default() };
        let a = attribute(&build(&rows, |i| format!("c{i}")), &s).unwrap();
        // Another name order: z4..z0 sort the other way round.
        let b = attribute(&build(&rows, |i| format!("z{}", 9 - i)), &s).unwrap();
        for (ma, mb) in a.models.iter().zip(&b.models) {
            for ca in &ma.credits {
                let i: u8 = ca.channel[1..].parse().unwrap();
                let cb = mb.credit(&format!("z{}", 9 - i)).unwrap();
                let tol = |x: f64| 1e-9 * x.abs().max(1.0);
                prop_assert!((ca.conversions - cb.conversions).abs() <= tol(ca.conversions), "{} {ca:?} {cb:?}", ma.model);
                prop_assert!((ca.value - cb.value).abs() <= tol(ca.value), "{} {ca:?} {cb:?}", ma.model);
            }
        }
    }

    #[test]
    fn a_single_channel_world_gives_that_channel_everything(rows in rows(1), order in 1u8..=3) {
        let j = build(&rows, |_| "only".to_string());
        let s = Settings { markov_order: order, ..Settings::default() };
        let a = attribute(&j, &s).unwrap();
        prop_assume!(a.total_conversions > 0.0);
        for m in &a.models {
            prop_assert_eq!(m.credits.len(), 1);
            let tol = |x: f64| 1e-9 * x.abs().max(1.0);
            prop_assert!((m.credits[0].conversions - a.total_conversions).abs() <= tol(a.total_conversions));
            prop_assert!((m.credits[0].value - a.total_value).abs() <= tol(a.total_value));
        }
    }

    #[test]
    fn shapley_closed_form_equals_the_exponential_definition(rows in rows(8)) {
        let j = build(&rows, |i| format!("c{i}"));
        let a = attribute(&j, &only(Model::Shapley)).unwrap();
        let (conv, value) = shapley::exact(j.view()).unwrap();
        for (i, c) in a.model(Model::Shapley).unwrap().credits.iter().enumerate() {
            prop_assert!((c.conversions - conv[i]).abs() <= 1e-9 * conv[i].abs().max(1.0));
            prop_assert!((c.value - value[i]).abs() <= 1e-9 * value[i].abs().max(1.0));
        }
    }

    #[test]
    fn bootstrap_is_deterministic_per_seed(rows in rows(4), seed in any::<u64>()) {
        let mut s = Settings {
            models: vec![Model::Markov, Model::Shapley],
            ..Settings::default()
        };
        s.bootstrap.replicates = 8;
        s.bootstrap.seed = seed;
        let j = build(&rows, |i| format!("c{i}"));
        prop_assert_eq!(attribute(&j, &s).unwrap(), attribute(&j, &s).unwrap());
    }
}

#[test]
fn csv_has_one_row_per_model_and_channel_sorted_with_removal_effect_rows() {
    let s = Settings {
        models: vec![Model::Markov, Model::FirstTouch],
        ..Settings::default()
    };
    let a = run(&classic(), &s);
    assert_eq!(
        a.to_csv(true),
        "model,channel,conversions,value\n\
         first_touch,C1,1,100\n\
         first_touch,C2,0,0\n\
         first_touch,C3,0,0\n\
         markov,C1,0.2,20\n\
         markov,C2,0.4,40\n\
         markov,C3,0.4,40\n\
         markov_removal_effect,C1,0.5,0.5\n\
         markov_removal_effect,C2,1,1\n\
         markov_removal_effect,C3,1,1\n"
    );
    assert!(!a.to_csv(false).contains("removal"));
    let mut b = s.clone();
    b.bootstrap.replicates = 5;
    let csv = run(&classic(), &b).to_csv(false);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,channel,conversions,value,conversions_mean,conversions_low,conversions_high,value_mean,value_low,value_high"
    );
    assert!(lines.next().unwrap().ends_with(",,,,,,"), "{csv}");
    assert_eq!(lines.last().unwrap().split(',').count(), 10);
}

#[test]
fn channel_names_with_commas_are_quoted_in_csv() {
    let j = journeys(&[(&["a,b", "c\"d"], 1.0, 1.0, 0.0)]);
    let csv = run(&j, &only(Model::LastTouch)).to_csv(false);
    assert!(csv.contains("last_touch,\"a,b\",0,0\n"), "{csv}");
    assert!(csv.contains("last_touch,\"c\"\"d\",1,1\n"), "{csv}");
}

#[test]
fn progress_reports_each_stage_and_every_bootstrap_resample() {
    use xhs_roi_engine::attribution::{attribute_observed, BootstrapSettings, Stage};
    let settings = Settings {
        bootstrap: BootstrapSettings {
            replicates: 3,
            seed: 1,
        },
        ..Settings::default()
    };
    let mut stages = Vec::new();
    let observed = attribute_observed(&sample(), &settings, &mut |s| stages.push(s)).unwrap();
    assert_eq!(
        stages,
        vec![
            Stage::RuleModels,
            Stage::Markov,
            Stage::Bootstrap { done: 0, of: 3 },
            Stage::Bootstrap { done: 1, of: 3 },
            Stage::Bootstrap { done: 2, of: 3 },
            Stage::Bootstrap { done: 3, of: 3 },
        ]
    );
    assert_eq!(observed, run(&sample(), &settings));
}

#[test]
fn a_channel_named_like_a_formula_is_defused_in_the_csv() {
    let j = journeys(&[(&["=HYPERLINK(1)", "xhs_note"], 1.0, 10.0, 0.0)]);
    let csv = run(&j, &only(Model::FirstTouch)).to_csv(false);
    assert!(csv.contains("first_touch,'=HYPERLINK(1),1,10"), "{csv}");
}
