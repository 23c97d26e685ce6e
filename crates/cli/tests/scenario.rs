//! `--scenario FILE [--scenario-name NAME]` on `xhs-roi report` and
//! `xhs-roi attribute`: the scenario's settings apply, explicit flags win.

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo(file: &str) -> String {
    repo().join("public/demo").join(file).display().to_string()
}

fn fixture(file: &str) -> String {
    repo()
        .join("tests/fixtures/scenarios")
        .join(file)
        .display()
        .to_string()
}

/// A file in a folder of this test's own.
fn temp_file(test: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("xhs-roi-scenario-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn xhs_roi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xhs-roi"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = xhs_roi(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = xhs_roi(args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// A version 2 file (margin and source rules under `report`): migrated on
/// reading, it must give the numbers it gave before version 3.
fn scenarios_file(scenarios: &str) -> String {
    format!(r#"{{"format": "xhs-roi-scenarios", "schema_version": 2, "scenarios": [{scenarios}]}}"#)
}

/// A file of the current version.
fn v3_file(scenarios: &str) -> String {
    format!(r#"{{"format": "xhs-roi-scenarios", "schema_version": 3, "scenarios": [{scenarios}]}}"#)
}

const PATHS: &str = "path,conversions,value,nulls\n\
                     xhs > tmall,3,300,1\n\
                     xhs,2,100,4\n\
                     douyin > xhs > tmall,1,50,2\n\
                     douyin > tmall,2,180,3\n";

#[test]
fn report_takes_the_scenarios_margin_and_equals_the_same_flag() {
    let file = temp_file(
        "margin",
        "s.json",
        &scenarios_file(
            r#"{"id": "m", "name": "Low margin", "settings": {"report": {"margin": 0.3}}}"#,
        ),
    );
    let inputs = [
        "report",
        "--costs",
        &demo("costs.csv"),
        "--orders",
        &demo("orders.csv"),
        "--json",
    ];
    let with_scenario = ok(&[&inputs[..], &["--scenario", &file]].concat());
    let with_flag = ok(&[&inputs[..], &["--margin", "0.3"]].concat());
    let default = ok(&inputs);
    assert_eq!(with_scenario, with_flag);
    assert_ne!(with_scenario, default);
    let k = json(&with_scenario);
    let expected = k["revenue"].as_f64().unwrap() * 0.3 - k["cost_total"].as_f64().unwrap();
    assert!((k["net_profit"].as_f64().unwrap() - expected).abs() < 1e-6);
}

#[test]
fn an_explicit_flag_wins_over_the_scenario() {
    let file = temp_file(
        "flag-wins",
        "s.json",
        &scenarios_file(
            r#"{"id": "m", "name": "Low margin", "settings": {"report": {"margin": 0.3}}}"#,
        ),
    );
    let inputs = [
        "report",
        "--costs",
        &demo("costs.csv"),
        "--orders",
        &demo("orders.csv"),
        "--json",
    ];
    assert_eq!(
        ok(&[&inputs[..], &["--scenario", &file, "--margin", "0.5"]].concat()),
        ok(&[&inputs[..], &["--margin", "0.5"]].concat())
    );
}

#[test]
fn report_applies_the_scenarios_order_source_rules() {
    // Only promo codes starting with XHS count: less revenue than the defaults.
    let file = temp_file(
        "rules",
        "s.json",
        &scenarios_file(
            r#"{"id": "r", "name": "Codes only", "settings": {"report": {"source_rules":
                {"utm_sources": [], "promo_prefixes": ["XHS"], "landing_fragments": [], "qr_prefixes": []}}}}"#,
        ),
    );
    let inputs = ["report", "--orders", &demo("orders.csv"), "--json"];
    let codes_only = json(&ok(&[&inputs[..], &["--scenario", &file]].concat()));
    let default = json(&ok(&inputs));
    let (a, b) = (
        codes_only["revenue"].as_f64().unwrap(),
        default["revenue"].as_f64().unwrap(),
    );
    assert!(a > 0.0 && a < b, "{a} {b}");
}

#[test]
fn attribute_with_a_scenario_equals_the_same_flags() {
    let paths = temp_file("attribute", "paths.csv", PATHS);
    let file = temp_file(
        "attribute",
        "s.json",
        &scenarios_file(
            r#"{"id": "a", "name": "Markov 2", "settings": {"attribution": {
                "models": ["markov", "position_based", "time_decay"], "markov_order": 2,
                "half_life_steps": 2, "position_weights": {"first": 0.6, "middle": 0.2, "last": 0.2},
                "bootstrap": {"replicates": 3, "seed": 9}}, "bootstrap_auto": false}}"#,
        ),
    );
    let from_scenario = ok(&["attribute", "--paths", &paths, "--scenario", &file]);
    let from_flags = ok(&[
        "attribute",
        "--paths",
        &paths,
        "--models",
        "markov,position_based,time_decay",
        "--markov-order",
        "2",
        "--half-life-steps",
        "2",
        "--position-weights",
        "inverse_j",
        "--bootstrap",
        "3",
        "--seed",
        "9",
    ]);
    assert_eq!(from_scenario, from_flags);
    // A flag wins: the scenario's models, but first order.
    let overridden = ok(&[
        "attribute",
        "--paths",
        &paths,
        "--scenario",
        &file,
        "--markov-order",
        "1",
    ]);
    assert_ne!(overridden, from_scenario);
}

#[test]
fn automatic_bootstrap_in_a_scenario_takes_the_apps_rule_unless_a_number_is_given() {
    let paths = temp_file("auto", "paths.csv", PATHS);
    let file = temp_file(
        "auto",
        "s.json",
        &scenarios_file(
            r#"{"id": "a", "name": "Auto", "settings": {"attribution": {"models": ["markov"]}, "bootstrap_auto": true}}"#,
        ),
    );
    let auto = json(&ok(&[
        "attribute",
        "--paths",
        &paths,
        "--scenario",
        &file,
        "--format",
        "json",
    ]));
    assert_eq!(auto["bootstrap"]["replicates"], 200);
    let fixed = json(&ok(&[
        "attribute",
        "--paths",
        &paths,
        "--scenario",
        &file,
        "--format",
        "json",
        "--bootstrap",
        "0",
    ]));
    assert!(fixed.get("bootstrap").is_none(), "{fixed}");
}

#[test]
fn a_file_of_several_scenarios_needs_a_name_or_id() {
    let file = temp_file(
        "several",
        "s.json",
        &scenarios_file(
            r#"{"id": "low", "name": "Low", "settings": {"report": {"margin": 0.3}}},
               {"id": "high", "name": "High", "settings": {"report": {"margin": 0.9}}}"#,
        ),
    );
    let inputs = [
        "report",
        "--costs",
        &demo("costs.csv"),
        "--orders",
        &demo("orders.csv"),
        "--json",
    ];
    let error = fails(&[&inputs[..], &["--scenario", &file]].concat());
    assert!(
        error.contains(
            r#"the file holds 2 scenarios; choose one with --scenario-name: "Low", "High""#
        ),
        "{error}"
    );
    let by_name = ok(&[
        &inputs[..],
        &["--scenario", &file, "--scenario-name", "High"],
    ]
    .concat());
    let by_id = ok(&[
        &inputs[..],
        &["--scenario", &file, "--scenario-name", "high"],
    ]
    .concat());
    assert_eq!(by_name, by_id);
    assert_eq!(by_name, ok(&[&inputs[..], &["--margin", "0.9"]].concat()));
    let error = fails(
        &[
            &inputs[..],
            &["--scenario", &file, "--scenario-name", "Mid"],
        ]
        .concat(),
    );
    assert!(
        error.contains(r#"no scenario named "Mid"; the file holds "Low", "High""#),
        "{error}"
    );
    // --scenario-name alone is refused by the parser.
    fails(&[&inputs[..], &["--scenario-name", "High"]].concat());
}

#[test]
fn an_invalid_scenario_file_fails_with_the_path_of_the_field() {
    let bad = fixture("bad-wrong-type-deep.json");
    let error = fails(&["report", "--costs", &demo("costs.csv"), "--scenario", &bad]);
    assert_eq!(
        error.trim_end(),
        format!(
            r#"xhs-roi: {bad}: scenarios[1].settings.attribution.markov_order: invalid type: string "2", expected u8"#
        )
    );
    let newer = fixture("bad-newer-version.json");
    let error = fails(&[
        "attribute",
        "--paths",
        &demo("costs.csv"),
        "--scenario",
        &newer,
    ]);
    assert!(error.contains("schema version 4 is newer"), "{error}");
    let missing = fails(&[
        "report",
        "--costs",
        &demo("costs.csv"),
        "--scenario",
        "/nonexistent/s.json",
    ]);
    assert!(
        missing.starts_with("xhs-roi: /nonexistent/s.json: "),
        "{missing}"
    );
}

#[test]
fn a_version_1_file_is_migrated_on_the_command_line() {
    let inputs = [
        "report",
        "--costs",
        &demo("costs.csv"),
        "--orders",
        &demo("orders.csv"),
        "--json",
    ];
    let v1 = fixture("v1-file.json");
    assert_eq!(
        ok(&[
            &inputs[..],
            &["--scenario", &v1, "--scenario-name", "Default"]
        ]
        .concat()),
        ok(&[&inputs[..], &["--margin", "0.6"]].concat())
    );
}

#[test]
fn the_scenarios_column_mapping_applies_to_files_with_its_headers() {
    // Detection takes `amount`; the user chose the gross column instead.
    let costs = temp_file(
        "mapping",
        "ledger.csv",
        "date,category,amount,gross\n2026-03-01,kol,100,120\n2026-03-02,paid,50.5,60\n",
    );
    let file = temp_file(
        "mapping",
        "s.json",
        &scenarios_file(
            r#"{"id": "m", "name": "Gross", "settings": {"mappings": [{"signature": "date|category|amount|gross",
                "kind": "costs", "fields": ["date", "category", null, "amount"]}]}}"#,
        ),
    );
    let detected = json(&ok(&["report", "--costs", &costs, "--json"]));
    assert_eq!(detected["cost_total"], 150.5);
    let mapped = json(&ok(&[
        "report",
        "--costs",
        &costs,
        "--scenario",
        &file,
        "--json",
    ]));
    assert_eq!(mapped["cost_total"], 180.0);
    assert_eq!(mapped["cost_by_category"]["kol"], 120.0);
    // Files with other headers are detected as before.
    let demo_costs = ok(&["report", "--costs", &demo("costs.csv"), "--json"]);
    assert_eq!(
        ok(&[
            "report",
            "--costs",
            &demo("costs.csv"),
            "--scenario",
            &file,
            "--json"
        ]),
        demo_costs
    );
}

/// The demo inputs with absolute paths, then `extra`.
fn full_report(extra: &[&str]) -> String {
    let notes = demo("notes.csv");
    let costs = demo("costs.csv");
    let orders = demo("orders.csv");
    let kols = demo("kols.csv");
    let mut args = vec![
        "report", "--notes", &notes, "--costs", &costs, "--orders", &orders, "--kols", &kols,
        "--json",
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

#[test]
fn report_applies_every_roi_setting_of_a_version_3_scenario() {
    let file = temp_file(
        "v3-full",
        "s.json",
        &v3_file(
            r#"{"id": "q2", "name": "Q2 in dollars", "settings": {"roi": {
                "objective": "community",
                "range": {"from": "2026-04-01", "to": "2026-05-31"},
                "baseline": {"from": "2026-03-01", "to": "2026-03-31"},
                "filters": {"formats": ["video"]},
                "margin": {"rate": 0.45, "use_order_cogs": false},
                "emv": {"image": {"cpm": 30, "cpe": 2}, "video": {"cpm": 60, "cpe": 5}},
                "clv": {"purchases_per_year": 3, "years": 2, "discount": 0.1},
                "weights": {"brand": 0.25, "future": 0.5},
                "currency": {"code": "USD", "cny_per_unit": 7.2},
                "cost_multipliers": {"kol": 1.2}}}}"#,
        ),
    );
    let from_scenario = full_report(&["--scenario", &file]);
    let from_flags = full_report(&[
        "--objective",
        "community",
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-31",
        "--baseline-from",
        "2026-03-01",
        "--baseline-to",
        "2026-03-31",
        "--format",
        "video",
        "--margin",
        "0.45",
        "--emv-cpm-image",
        "30",
        "--emv-cpe-image",
        "2",
        "--emv-cpm-video",
        "60",
        "--emv-cpe-video",
        "5",
        "--clv-purchases-per-year",
        "3",
        "--clv-years",
        "2",
        "--weight-brand",
        "0.25",
        "--weight-future",
        "0.5",
        "--currency",
        "USD",
        "--rate",
        "7.2",
        "--cost-multiplier",
        "kol=1.2",
    ]);
    assert_eq!(from_scenario, from_flags);
    let k = json(&from_scenario);
    assert_eq!(k["objective"], "community");
    assert_eq!(k["currency"]["code"], "USD");
    assert_ne!(from_scenario, full_report(&[]));
}

#[test]
fn a_flag_wins_over_a_version_3_scenario_and_hand_entered_costs_count() {
    let file = temp_file(
        "v3-flags",
        "s.json",
        &v3_file(
            r#"{"id": "m", "name": "Retainer", "settings": {"roi": {
                "margin": {"rate": 0.3},
                "manual_costs": [{"category": "agency", "amount": 1000}]}}}"#,
        ),
    );
    let base = json(&full_report(&["--margin", "0.5"]));
    let with = json(&full_report(&["--scenario", &file, "--margin", "0.5"]));
    let cost = |k: &serde_json::Value| k["cost_total"].as_f64().unwrap();
    assert!((cost(&with) - cost(&base) - 1000.0).abs() < 1e-6);
    assert_eq!(with["revenue"], base["revenue"]);
    let expected = with["revenue"].as_f64().unwrap() * 0.5 - cost(&with);
    assert!((with["net_profit"].as_f64().unwrap() - expected).abs() < 1e-6);
}

#[test]
fn a_version_2_file_gives_the_numbers_it_gave_before() {
    // v2 counted the margin for every order; the migration keeps that.
    let file = temp_file(
        "v2-same",
        "s.json",
        &scenarios_file(r#"{"id": "m", "name": "M", "settings": {"report": {"margin": 0.42}}}"#),
    );
    assert_eq!(
        full_report(&["--scenario", &file]),
        full_report(&["--margin", "0.42", "--no-order-cogs"])
    );
}
