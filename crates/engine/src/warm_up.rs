//! Small, messy sample files for warming up the import code before a user
//! chooses a file.
//!
//! Why: a browser compiles WebAssembly in two tiers. Every function starts
//! in a quick baseline compile and is recompiled with the optimising
//! compiler only after it has done some work, in the background; a call
//! already running keeps the baseline code. An import is one long call per
//! slice, so the user's first file used to be read by baseline code at a
//! third of the speed, and its table encoded and decoded at a fifth. The
//! import worker reads these samples a few times while the app is idle;
//! the user's file then finds the optimised code ready.
//!
//! The samples take the paths real exports take: Chinese and English
//! headers, a title row, quoted fields, `万`, `%`, thousands separators,
//! currency signs, several date forms, missing values and unreadable
//! values (problems), and enough distinct ids to grow a dictionary.

use crate::import::{self, Import, ImportError, ImportOptions, Importer, Sniffed, SNIFF_BYTES};

/// One sample file: its name and its bytes.
pub struct Sample {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// Rows per sample: enough for every loop to run many times, few enough
/// that one round of all samples takes a few milliseconds.
const ROWS: usize = 300;

/// The samples, one per kind the import reads most: notes, touchpoints,
/// orders and costs.
pub fn samples() -> Vec<Sample> {
    vec![
        Sample {
            name: "warm-up-notes.csv",
            bytes: notes(),
        },
        Sample {
            name: "warm-up-touchpoints.csv",
            bytes: touchpoints(),
        },
        Sample {
            name: "warm-up-orders.csv",
            bytes: orders(),
        },
        Sample {
            name: "warm-up-costs.csv",
            bytes: costs(),
        },
    ]
}

/// Sniffs a sample the way the import worker sniffs a file: from its head.
pub fn sniff(sample: &Sample) -> Result<Sniffed, ImportError> {
    let head = &sample.bytes[..sample.bytes.len().min(SNIFF_BYTES)];
    import::sniff(sample.name, head, &ImportOptions::default())
}

/// Reads a sample the way the import worker reads a file: the plan from
/// its head, then the bytes in two slices (so a record crosses a slice's
/// end).
pub fn import(sample: &Sample) -> Result<Import, ImportError> {
    let bytes = &sample.bytes;
    let sniffed = sniff(sample)?;
    let mut importer = Importer::new(sample.name, sniffed.plan);
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    importer.feed(first);
    importer.reserve_for(bytes.len() as u64);
    importer.feed(rest);
    Ok(importer.finish())
}

/// A creator-centre style daily note export: a title row, Chinese headers,
/// `万` and `%` values, thousands separators quoted and not (an unquoted
/// one splits the cell: a row with too many fields), missing and
/// unreadable values.
fn notes() -> Vec<u8> {
    let mut out = String::from(
        "笔记数据明细,导出时间 2026-03-31\n\
         笔记ID,日期,笔记标题,首次发布时间,体裁,账号,曝光量,阅读量,点赞,收藏,评论,分享,涨粉,封面点击率,人均观看时长\n",
    );
    for row in 0..ROWS {
        let note = 100_000 + row / 5;
        let day = 1 + row % 28;
        let date = match row % 3 {
            0 => format!("2026-03-{day:02}"),
            1 => format!("2026/3/{day}"),
            _ => format!("2026年3月{day}日"),
        };
        let impressions = match row % 7 {
            0 => format!("{}.{:02}万", 1 + row % 9, row % 100),
            1 => format!("\"{},{:03}\"", 1 + row % 40, row % 1000),
            2 => format!("{},{:03}", 1 + row % 40, row % 1000),
            3 => "-".to_string(),
            _ => format!("{}", 500 + row * 37 % 9000),
        };
        let views = if row % 29 == 0 {
            "N/A".to_string()
        } else if row % 31 == 0 {
            "很多".to_string()
        } else {
            format!("{}", 40 + row * 13 % 4000)
        };
        let format = if row % 2 == 0 { "图文" } else { "视频" };
        out.push_str(&format!(
            "N{note},{date},\"早C晚A入门, 第{note}篇\",2026年02月{:02}日12时30分00秒,{format},达人{},{impressions},{views},{},{},{},{},{},{}.{}%,{}.{}\n",
            1 + row % 28,
            row % 50,
            row % 300,
            row % 150,
            row % 40,
            row % 15,
            row % 20,
            5 + row % 15,
            row % 10,
            10 + row % 50,
            row % 10,
        ));
    }
    out.into_bytes()
}

/// A site's event log: ISO times, hundreds of people, a few bad times.
fn touchpoints() -> Vec<u8> {
    let mut out = String::from("person_id,time,channel,campaign,note_id,event,value\n");
    let channels = ["kol_note", "search", "wechat", "paid_feed", "direct"];
    for row in 0..ROWS * 2 {
        let person = row * 7919 % 997;
        let time = if row % 97 == 0 {
            "yesterday".to_string()
        } else {
            format!(
                "2026-06-{:02} {:02}:{:02}:{:02}",
                1 + row % 28,
                row % 24,
                row % 60,
                row * 7 % 60
            )
        };
        let (event, value) = if row % 11 == 0 {
            ("purchase", format!("{}.{:02}", 99 + row % 400, row % 100))
        } else {
            ("click", String::new())
        };
        out.push_str(&format!(
            "user_{person:010x},{time},{},always-on-2026,N{},{event},{value}\n",
            channels[row % channels.len()],
            100_000 + row % 60,
        ));
    }
    out.into_bytes()
}

/// A shop's order export: Chinese headers, currency signs, yes/no in
/// Chinese, a repeated order id.
fn orders() -> Vec<u8> {
    let mut out = String::from("订单号,下单时间,实付金额,商品成本,买家ID,是否新客,utm_source\n");
    for row in 0..ROWS {
        // Every 50th order repeats the one before: a duplicate.
        let order = if row % 50 == 49 { row - 1 } else { row };
        out.push_str(&format!(
            "SO{order:07},2026/04/{:02} {:02}:{:02},¥{}.{:02},{}.00,C{:06},{},{}\n",
            1 + order % 28,
            order % 24,
            order % 60,
            100 + order * 31 % 900,
            order % 100,
            40 + order % 60,
            order * 13 % 700,
            if order % 3 == 0 { "是" } else { "否" },
            ["xiaohongshu", "wechat", "douyin"][order % 3],
        ));
    }
    out.into_bytes()
}

/// A cost ledger kept by hand: Chinese categories, amounts with codes,
/// negatives in parentheses, an amount not yet known.
fn costs() -> Vec<u8> {
    let mut out = String::from("日期,类别,金额,币种,活动,说明\n");
    let categories = ["内容制作", "达人合作", "投放", "代理", "技术"];
    for row in 0..ROWS {
        let amount = if row % 23 == 0 {
            "待定".to_string()
        } else if row % 17 == 0 {
            format!("(RMB {}.00)", 100 + row)
        } else {
            format!("RMB {},{:03}.50", 1 + row % 30, row % 1000)
        };
        out.push_str(&format!(
            "2026-03-{:02},{},\"{amount}\",CNY,spring-launch,第{row}笔\n",
            1 + row % 28,
            categories[row % categories.len()],
        ));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec;
    use crate::Kind;

    #[test]
    fn every_sample_is_read_as_the_kind_it_stands_for() {
        let kinds: Vec<Kind> = samples()
            .iter()
            .map(|s| import(s).expect("a table").kind)
            .collect();
        assert_eq!(
            kinds,
            [Kind::Notes, Kind::Touchpoints, Kind::Orders, Kind::Costs]
        );
    }

    #[test]
    fn every_sample_reads_most_rows_and_reports_some_problems() {
        for sample in samples() {
            let imported = import(&sample).expect("a table");
            assert!(imported.rows_read >= ROWS * 9 / 10, "{}", sample.name);
            assert!(imported.problem_count > 0, "{}", sample.name);
        }
    }

    #[test]
    fn notes_sample_takes_the_title_row_ten_thousands_and_percent_paths() {
        let imported = import(&samples()[0]).expect("a table");
        assert_eq!(imported.header_line, 2);
        let reasons: std::collections::HashSet<String> = imported
            .problems
            .iter()
            .map(|p| format!("{:?}", std::mem::discriminant(&p.reason)))
            .collect();
        assert!(reasons.len() >= 2, "problems of several reasons");
        let sum = |field| -> f64 {
            let values = imported.table.numbers(field).expect("a number field");
            values.iter().filter(|v| !v.is_nan()).sum()
        };
        assert!(sum("cover_ctr") > 0.0);
        assert!(sum("impressions") > 10_000.0);
    }

    #[test]
    fn every_sample_survives_the_codec() {
        for sample in samples() {
            let imported = import(&sample).expect("a table");
            let decoded = codec::decode_import(&codec::encode_import(&imported)).expect("decodes");
            assert_eq!(
                decoded.fingerprint(),
                imported.fingerprint(),
                "{}",
                sample.name
            );
        }
    }
}
