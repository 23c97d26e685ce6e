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
    let mut expected = vec![
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
