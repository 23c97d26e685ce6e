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

fn scenarios_file(scenarios: &str) -> String {
    format!(r#"{{"format": "xhs-roi-scenarios", "schema_version": 2, "scenarios": [{scenarios}]}}"#)
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
    assert!(error.contains("schema version 3 is newer"), "{error}");
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
