//! The `xhs-roi` binary as a user runs it.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo(file: &str) -> String {
    repo().join("public/demo").join(file).display().to_string()
}

fn xhs_roi(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xhs-roi"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The keys `report --json` has always had; the browser suite compares them
/// with the page. New keys may be added beside them, never in their place.
const HEADLINE_KEYS: [&str; 20] = [
    "impressions",
    "views",
    "likes",
    "saves",
    "comments",
    "shares",
    "interactions",
    "engagement_rate",
    "save_rate",
    "cpe",
    "cpv",
    "cpm",
    "cost_total",
    "cost_by_category",
    "revenue",
    "orders",
    "aov",
    "roas",
    "net_profit",
    "roi",
];

/// Keys added by the ROI view.
const ROI_KEYS: [&str; 11] = [
    "objective",
    "lead_kpis",
    "currency",
    "period",
    "previous_period",
    "baseline_period",
    "cards",
    "figures",
    "previous",
    "baseline",
    "returns",
];

#[test]
fn report_json_has_exactly_the_documented_keys() {
    let out = xhs_roi(&[
        "report",
        "--notes",
        &demo("notes.csv"),
        "--costs",
        &demo("costs.csv"),
        "--orders",
        &demo("orders.csv"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = HEADLINE_KEYS.iter().chain(&ROI_KEYS).copied().collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let categories: Vec<&str> = json["cost_by_category"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(categories.len(), 5);
    for c in ["content", "kol", "paid", "agency", "technology"] {
        assert!(categories.contains(&c), "{c}");
    }
    // Rates are fractions, not percentages.
    let er = json["engagement_rate"].as_f64().unwrap();
    assert!(er > 0.0 && er < 1.0);
    assert!(json["impressions"].is_u64());
}

#[test]
fn margin_changes_net_profit_by_revenue_times_the_difference() {
    let run = |margin: &str| -> serde_json::Value {
        let out = xhs_roi(&[
            "report",
            "--costs",
            &demo("costs.csv"),
            "--orders",
            &demo("orders.csv"),
            "--margin",
            margin,
            "--json",
        ]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (a, b) = (run("0.6"), run("0.5"));
    let revenue = a["revenue"].as_f64().unwrap();
    let delta = a["net_profit"].as_f64().unwrap() - b["net_profit"].as_f64().unwrap();
    assert!((delta - revenue * 0.1).abs() < 1e-6 * revenue);
}

#[test]
fn a_missing_file_fails_with_one_line_naming_it() {
    let out = xhs_roi(&["report", "--notes", "no/such/file.csv", "--json"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no/such/file.csv"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_file_of_the_wrong_kind_is_refused() {
    let out = xhs_roi(&["report", "--notes", &demo("orders.csv"), "--json"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("expected a notes table"), "{stderr}");
}

#[test]
fn a_margin_outside_zero_to_one_is_refused() {
    let out = xhs_roi(&[
        "report",
        "--orders",
        &demo("orders.csv"),
        "--margin",
        "60",
        "--json",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("--margin"));
}

#[test]
fn a_pdf_renamed_csv_gets_one_clear_sentence() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("report.csv");
    std::fs::write(&pdf, b"%PDF-1.7\n...").unwrap();
    let out = xhs_roi(&["report", "--notes", pdf.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("report.csv: this is a PDF document, not a table"),
        "{stderr}"
    );
}

#[test]
fn undated_notes_report_no_period_instead_of_1970() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-undated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.csv");
    std::fs::write(&notes, "note_id,impressions,views\nn1,1000,100\n").unwrap();
    let notes = notes.to_str().unwrap();
    let text = xhs_roi(&["report", "--notes", notes]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("period: no dated rows"), "{text}");
    assert!(!text.contains("1970"), "{text}");
    let json = xhs_roi(&["report", "--notes", notes, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(json["period"].is_null());
    assert_eq!(json["impressions"], 1000.0);
}

#[test]
fn published_demo_files_match_the_seeded_generator() {
    let files = xhs_roi_engine::demo::generate(xhs_roi_engine::demo::DEMO_SEED);
    for (name, text) in files.files() {
        let published = std::fs::read_to_string(demo(name)).unwrap();
        assert!(
            published == text,
            "public/demo/{name} is out of date: run `cargo run -p xhs-roi-cli -- demo`"
        );
    }
}

#[test]
fn table_output_is_formatted_for_people() {
    let out = xhs_roi(&[
        "report",
        "--notes",
        &demo("notes.csv"),
        "--costs",
        &demo("costs.csv"),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("impressions"));
    assert!(text.contains("8,378,804"), "{text}");
    let zh = xhs_roi(&["report", "--notes", &demo("notes.csv"), "--lang", "zh"]);
    assert!(String::from_utf8(zh.stdout).unwrap().contains("837.88万"));
}

#[test]
fn import_json_reports_kind_columns_problems_and_totals() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("notes.csv");
    std::fs::write(
        &file,
        "导出于 2026-03-31\n笔记ID,曝光量,阅读量,心情\nn1,1.2万,100,ok\nn2,abc,50,\n",
    )
    .unwrap();
    let out = xhs_roi(&["import", file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "notes");
    assert_eq!(json["encoding"], "UTF-8");
    assert_eq!(json["delimiter"], ",");
    assert_eq!(json["header_line"], 2);
    assert_eq!(json["rows_read"], 2);
    assert_eq!(json["rows_rejected"], 0);
    assert_eq!(
        json["columns"][1],
        serde_json::json!({"header": "曝光量", "field": "impressions"})
    );
    assert_eq!(
        json["columns"][3],
        serde_json::json!({"header": "心情", "field": null})
    );
    assert_eq!(
        json["problems"][0],
        serde_json::json!({"line": 4, "column": "曝光量", "value": "abc", "message": "not a number"})
    );
    assert_eq!(json["totals"]["impressions"], serde_json::json!(12000.0));
    assert_eq!(json["totals"]["views"], serde_json::json!(150.0));
}

#[test]
fn import_of_a_file_that_is_not_a_table_fails_with_one_line() {
    let out = xhs_roi(&[
        "import",
        &demo("../favicon.svg"),
        "--kind",
        "notes",
        "--json",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no header row"), "{stderr}");
}

#[test]
fn import_reads_the_demo_touchpoints_without_a_problem() {
    let out = xhs_roi(&["import", &demo("touchpoints.csv"), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "touchpoints");
    assert_eq!(json["problem_count"], 0);
    assert!(json["rows_read"].as_u64().unwrap() > 10_000);
}

#[test]
fn docs_fields_md_matches_the_schema() {
    let published = std::fs::read_to_string(repo().join("docs/fields.md")).unwrap();
    assert!(
        published == xhs_roi_engine::schema::fields_markdown(),
        "docs/fields.md is out of date: run `cargo run -p xhs-roi-cli -- fields > docs/fields.md`"
    );
}

#[test]
fn import_reads_the_chosen_sheet_of_an_excel_workbook() {
    let book = repo().join("tests/fixtures/workbook-notes.xlsx");
    let out = xhs_roi(&["import", book.to_str().unwrap(), "--sheet", "2", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "notes");
    assert_eq!(json["rows_read"], 3);
    assert_eq!(json["totals"]["impressions"], serde_json::json!(55406.0));
}

fn report_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec![
        "report", "--notes", "NOTES", "--costs", "COSTS", "--orders", "ORDERS", "--kols", "KOLS",
        "--json",
    ];
    all.extend_from_slice(args);
    let (notes, costs, orders, kols) = (
        demo("notes.csv"),
        demo("costs.csv"),
        demo("orders.csv"),
        demo("kols.csv"),
    );
    let all: Vec<&str> = all
        .into_iter()
        .map(|a| match a {
            "NOTES" => notes.as_str(),
            "COSTS" => costs.as_str(),
            "ORDERS" => orders.as_str(),
            "KOLS" => kols.as_str(),
            other => other,
        })
        .collect();
    let out = xhs_roi(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs the report expecting bad input: one line on stderr, a failure code.
fn refused(args: &[&str]) -> String {
    let notes = demo("notes.csv");
    let mut all = vec!["report", "--notes", notes.as_str()];
    all.extend_from_slice(args);
    let out = xhs_roi(&all);
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn a_period_is_compared_with_the_previous_one_and_a_baseline() {
    let json = report_json(&[
        "--from",
        "2026-05-01",
        "--to",
        "2026-05-31",
        "--baseline-from",
        "2026-03-01",
        "--baseline-to",
        "2026-03-31",
    ]);
    assert_eq!(json["period"]["from"], "2026-05-01");
    assert_eq!(json["previous_period"]["from"], "2026-03-31");
    assert_eq!(json["previous_period"]["to"], "2026-04-30");
    assert_eq!(json["baseline_period"]["to"], "2026-03-31");
    let card = &json["cards"]["impressions"];
    let (now, before) = (
        card["value"].as_f64().unwrap(),
        card["previous"].as_f64().unwrap(),
    );
    assert_eq!(
        card["vs_previous"]["absolute"].as_f64().unwrap(),
        now - before
    );
    assert_eq!(json["impressions"].as_f64().unwrap(), now);
    assert_eq!(
        json["baseline"]["impressions"], card["baseline"],
        "the baseline's figures and the card agree"
    );
}

#[test]
fn campaign_filters_split_the_notes_without_losing_any() {
    let total = report_json(&[])["impressions"].as_f64().unwrap();
    let parts: f64 = ["spring-launch", "618-festival", "summer-glow"]
        .iter()
        .map(|c| {
            report_json(&["--campaign", c])["impressions"]
                .as_f64()
                .unwrap()
        })
        .sum();
    assert_eq!(parts, total);
    let two = report_json(&["--campaign", "spring-launch", "--campaign", "summer-glow"]);
    assert!(two["impressions"].as_f64().unwrap() < total);
    let mid = report_json(&["--tier", "mid"]);
    assert!(mid["cost_by_category"]["kol"].as_f64().unwrap() > 0.0);
    assert_eq!(mid["cost_by_category"]["agency"].as_f64().unwrap(), 0.0);
}

#[test]
fn money_can_be_shown_in_another_currency() {
    let cny = report_json(&[]);
    let usd = report_json(&["--currency", "usd", "--rate", "7.2"]);
    let (a, b) = (
        cny["cost_total"].as_f64().unwrap(),
        usd["cost_total"].as_f64().unwrap(),
    );
    assert!((a / 7.2 - b).abs() < 1e-6);
    assert_eq!(usd["roi"], cny["roi"]);
    assert_eq!(usd["currency"]["code"], "USD");
}

#[test]
fn roi_settings_flags_change_the_blend() {
    let base = report_json(&[]);
    let brand_only = report_json(&["--weight-future", "0", "--weight-brand", "1"]);
    let r = &brand_only["returns"];
    let cost = brand_only["cost_total"].as_f64().unwrap();
    let expected = (r["direct_net_profit"].as_f64().unwrap() + r["emv"].as_f64().unwrap()) / cost;
    assert!((r["blended_roi"].as_f64().unwrap() - expected).abs() < 1e-12);
    let more_kol = report_json(&["--cost-multiplier", "kol=1.2"]);
    let kol = base["cost_by_category"]["kol"].as_f64().unwrap();
    assert!((more_kol["cost_by_category"]["kol"].as_f64().unwrap() - kol * 1.2).abs() < 1e-6);
    let retention = report_json(&["--clv-retention", "0.5", "--clv-discount", "0"]);
    let f = &retention["figures"];
    // 0.5 / (1 + 0 - 0.5) = 1 year of margin: AOV x margin x 2 purchases.
    let aov = f["aov"].as_f64().unwrap();
    let margin = f["gross_profit"].as_f64().unwrap() / f["revenue"].as_f64().unwrap();
    assert!((f["clv"].as_f64().unwrap() - aov * margin * 2.0).abs() < 1e-6);
}

#[test]
fn bad_report_input_is_one_line_and_a_failure() {
    assert!(refused(&["--from", "2026-13-01"]).contains("--from: not a date"));
    assert!(
        refused(&["--from", "2026-05-01", "--to", "2026-04-01"]).contains("ends before it starts")
    );
    assert!(refused(&["--currency", "USD"]).contains("needs --rate"));
    assert!(refused(&["--rate", "7.2"]).contains("a rate needs another currency"));
    assert!(refused(&["--tier", "giant"]).contains("--tier"));
    assert!(refused(&["--objective", "fame"]).contains("--objective"));
    assert!(refused(&["--clv-retention", "1.5"]).contains("retention"));
    assert!(refused(&["--cost-multiplier", "kol"]).contains("--cost-multiplier"));
    assert!(refused(&["--baseline-from", "2026-03-01"]).contains("--baseline-to"));
    // A usage error from the argument parser is one line too.
    assert!(refused(&["--weight-brand", "heavy"]).contains("--weight-brand"));
}

#[test]
fn report_csv_lists_the_cards() {
    let notes = demo("notes.csv");
    let out = xhs_roi(&["report", "--notes", &notes, "--csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("kpi,value,previous,change_vs_previous,relative_change_vs_previous,baseline,change_vs_baseline,relative_change_vs_baseline")
    );
    assert!(text.contains("\nimpressions,8378804,"), "{text}");
}

#[test]
fn by_kol_csv_has_one_row_per_account_and_totals_matching_the_report() {
    let (notes, costs, orders, kols) = (
        demo("notes.csv"),
        demo("costs.csv"),
        demo("orders.csv"),
        demo("kols.csv"),
    );
    let args = [
        "report", "--notes", &notes, "--costs", &costs, "--orders", &orders, "--kols", &kols,
    ];
    let out = xhs_roi(&[&args[..], &["--by", "kol", "--csv"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..4], &["account", "tier", "followers", "notes"]);
    // 49 accounts in the KOL table, then the part not allocated and the total.
    assert_eq!(lines.len(), 1 + 49 + 2, "{csv}");
    let total: Vec<&str> = lines.last().unwrap().split(',').collect();
    assert_eq!(total[0], "(total)");
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let json = report_json(&[]);
    let cost: f64 = total[column("cost_total")].parse().unwrap();
    assert!((cost - json["cost_total"].as_f64().unwrap()).abs() < 1e-6);
    assert_eq!(total[column("impressions")], "8378804");
    let luna = lines
        .iter()
        .find(|l| l.starts_with("Luna皮肤管理,"))
        .unwrap();
    assert!(luna.starts_with("Luna皮肤管理,head,1249862,2,"), "{luna}");
}

#[test]
fn breakdown_csv_defuses_formulas_but_keeps_negative_numbers() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-formula-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.csv");
    std::fs::write(
        &notes,
        "note_id,date,account,campaign,impressions,views,likes\n\
         =cmd|' /C calc'!A0,2026-03-01,@evil,+camp,1000,100,10\n\
         n2,2026-03-01,-minus,+camp,500,50,5\n",
    )
    .unwrap();
    let costs = dir.join("costs.csv");
    std::fs::write(
        &costs,
        "date,category,amount,note_id\n2026-03-01,kol,250,n2\n",
    )
    .unwrap();
    // Orders loaded, none from Xiaohongshu: revenue is known to be nothing.
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        "order_id,time,revenue,utm_source\no1,2026-03-01 10:00,99,tmall\n",
    )
    .unwrap();
    let out = xhs_roi(&[
        "report",
        "--notes",
        notes.to_str().unwrap(),
        "--costs",
        costs.to_str().unwrap(),
        "--orders",
        orders.to_str().unwrap(),
        "--by",
        "note",
        "--by",
        "kol",
        "--csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains("\n'=cmd|' /C calc'!A0,,'@evil,'+camp,"),
        "{csv}"
    );
    assert!(csv.contains("\n'-minus,"), "{csv}");
    assert!(csv.contains("\n'@evil,"), "{csv}");
    // n2 costs 250 and brought nothing: net profit -250, ROI -1, as numbers.
    let n2 = csv.lines().find(|l| l.starts_with("n2,")).unwrap();
    assert!(n2.contains(",-250,-1,"), "{n2}");
    // Two tables, separated by an empty line.
    assert_eq!(csv.matches("\n\n").count(), 1);
    for line in csv.lines().filter(|l| !l.is_empty()) {
        let first = line.trim_start_matches('"');
        assert!(!first.starts_with(['=', '+', '-', '@']), "{line}");
    }
}

#[test]
fn by_note_json_has_the_breakdown_and_rankings() {
    let json = report_json(&["--by", "note", "--by", "campaign", "--top", "3"]);
    let notes = &json["breakdowns"]["note"];
    assert_eq!(notes["by"], "note");
    assert_eq!(notes["rows"].as_array().unwrap().len(), 78);
    assert_eq!(
        notes["totals"]["impressions"].as_f64(),
        json["impressions"].as_f64()
    );
    let campaigns: Vec<&str> = json["breakdowns"]["campaign"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(campaigns.len(), 3);
    let top = json["rankings"]["top_by_roi"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    let rois: Vec<f64> = top
        .iter()
        .map(|r| r["figures"]["roi"].as_f64().unwrap())
        .collect();
    assert!(rois.windows(2).all(|w| w[0] >= w[1]), "{rois:?}");
    assert!(refused(&["--by", "planet"]).contains("--by"));
}

#[test]
fn funnel_and_lifespan_join_the_json_report() {
    let json = report_json(&["--funnel", "--lifespan", "--recent-days", "14"]);
    let steps = json["funnel"]["overall"]["steps"].as_array().unwrap();
    let stages: Vec<&str> = steps.iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(
        stages,
        vec![
            "impressions",
            "views",
            "interactions",
            "product_clicks",
            "orders"
        ]
    );
    assert_eq!(steps[0]["count"].as_f64(), json["impressions"].as_f64());
    assert_eq!(json["funnel"]["by_campaign"].as_array().unwrap().len(), 3);
    let lifespan = &json["lifespan"];
    assert_eq!(lifespan["as_of"], "2026-08-31");
    assert_eq!(lifespan["options"]["recent_days"], 14);
    let share = lifespan["evergreen_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.5, "{share}");
    let curve = lifespan["curve"].as_array().unwrap();
    assert_eq!(
        curve.last().unwrap()["cumulative_share"].as_f64(),
        Some(1.0)
    );
    for note in lifespan["still_earning"].as_array().unwrap() {
        assert!(note["age_days"].as_i64().unwrap() >= 90);
        assert!(note["recent_interactions"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn a_saved_scenario_is_read_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("scenario.json");
    std::fs::write(
        &scenario,
        r#"{
            "objective": "brand_awareness",
            "margin": {"rate": 0.5},
            "manual_costs": [
                {"category": "content", "amount": 10000, "date": "2026-03-10", "description": "Extra shoot"}
            ]
        }"#,
    )
    .unwrap();
    let scenario = scenario.to_str().unwrap();
    let base = report_json(&[]);
    let json = report_json(&["--settings", scenario]);
    assert_eq!(json["objective"], "brand_awareness");
    assert_eq!(json["lead_kpis"][0], "impressions_growth");
    let content = |j: &serde_json::Value| j["cost_by_category"]["content"].as_f64().unwrap();
    assert!((content(&json) - content(&base) - 10_000.0).abs() < 1e-6);
    let revenue = json["revenue"].as_f64().unwrap();
    let cost = json["cost_total"].as_f64().unwrap();
    assert!((json["net_profit"].as_f64().unwrap() - (revenue * 0.5 - cost)).abs() < 1e-6);
    let overridden = report_json(&["--settings", scenario, "--margin", "0.7"]);
    let cost = overridden["cost_total"].as_f64().unwrap();
    assert!((overridden["net_profit"].as_f64().unwrap() - (revenue * 0.7 - cost)).abs() < 1e-6);
    // A file that is not a scenario is named in one line.
    let broken = dir.join("broken.json");
    std::fs::write(&broken, r#"{"margin": "high"}"#).unwrap();
    assert!(refused(&["--settings", broken.to_str().unwrap()]).contains("not valid settings"));
}

#[test]
fn attribute_json_puts_survey_shares_beside_the_models() {
    let out = xhs_roi(&[
        "attribute",
        "--touchpoints",
        &demo("touchpoints.csv"),
        "--surveys",
        &demo("surveys.csv"),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let surveys = &json["surveys"];
    // public/demo/surveys.csv: 203 answers, 109 of them name Xiaohongshu
    // (小红书 32, 小红书搜索 30, 在小红书上看到的 23, 小红书博主推荐 15, 小红书广告 9).
    assert_eq!(surveys["answers"], 203);
    let xhs = &surveys["platforms"][0];
    assert_eq!(xhs["platform"], "xiaohongshu");
    assert_eq!(xhs["survey"].as_f64().unwrap(), 109.0 / 203.0);
    assert_eq!(xhs["models"].as_array().unwrap().len(), 7);
    let unrecognised: Vec<&str> = surveys["unrecognised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[0].as_str().unwrap())
        .collect();
    assert_eq!(unrecognised, ["同事介绍", "忘记了", "其他", "朋友推荐"]);
}

#[test]
fn attribute_refuses_surveys_with_csv_output() {
    let out = xhs_roi(&[
        "attribute",
        "--touchpoints",
        &demo("touchpoints.csv"),
        "--surveys",
        &demo("surveys.csv"),
    ]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "xhs-roi: --surveys needs --format json"
    );
}

#[test]
fn attribute_classifies_sources_by_the_channel_rules_given() {
    let dir = std::env::temp_dir().join(format!("xhs-roi-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("touchpoints.csv");
    std::fs::write(
        &log,
        "person_id,time,utm_source,utm_medium,event,value\n\
         p1,2026-03-01 10:00,xiaohongshu,search,click,\n\
         p1,2026-03-02 10:00,weibo,social,purchase,80\n",
    )
    .unwrap();
    let rules = dir.join("rules.json");
    std::fs::write(
        &rules,
        r#"{"rules": [{"field": "utm_source", "matches": {"equals": "weibo"}, "channel": "weibo"}],
            "unmatched": "elsewhere"}"#,
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "attribute",
            "--touchpoints",
            log.to_str().unwrap(),
            "--models",
            "first_touch,last_touch",
        ];
        args.extend_from_slice(extra);
        let out = xhs_roi(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // Default rules: Xiaohongshu search first; weibo is known to none, so other.
    assert_eq!(
        run(&[]),
        "model,channel,conversions,value\n\
         first_touch,other,0,0\nfirst_touch,xhs_search,1,80\n\
         last_touch,other,1,80\nlast_touch,xhs_search,0,0\n"
    );
    // The user's rules replace them: only weibo is named, the rest is "elsewhere".
    assert_eq!(
        run(&["--channel-rules", rules.to_str().unwrap()]),
        "model,channel,conversions,value\n\
         first_touch,elsewhere,1,80\nfirst_touch,weibo,0,0\n\
         last_touch,elsewhere,0,0\nlast_touch,weibo,1,80\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}
