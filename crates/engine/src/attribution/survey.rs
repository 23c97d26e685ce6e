//! Self-reported sources ("how did you hear about us?") beside the modelled
//! shares.
//!
//! A survey answer names a platform ("小红书", "朋友圈", "Tmall"), never one
//! of our channels ("xhs_search" or "kol_note"), so both sides are compared
//! per [`Platform`]: a model's share for Xiaohongshu is the sum of its four
//! Xiaohongshu channels. Answers that name no platform we know count as
//! [`Platform::Other`] and are listed, so nothing is silently dropped.

use serde::Serialize;

use super::{Attribution, Model};
use crate::schema::normalize_header;
use crate::table::{Table, MISSING_TEXT};

/// Where a customer says they heard of the brand, and where channels live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Xiaohongshu,
    Wechat,
    Douyin,
    Tmall,
    Jd,
    Offline,
    Other,
}

impl Platform {
    pub const ALL: [Platform; 7] = [
        Platform::Xiaohongshu,
        Platform::Wechat,
        Platform::Douyin,
        Platform::Tmall,
        Platform::Jd,
        Platform::Offline,
        Platform::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Platform::Xiaohongshu => "xiaohongshu",
            Platform::Wechat => "wechat",
            Platform::Douyin => "douyin",
            Platform::Tmall => "tmall",
            Platform::Jd => "jd",
            Platform::Offline => "offline",
            Platform::Other => "other",
        }
    }

    /// The platform of a channel name from the default channel rules (or
    /// one a user wrote in the same spirit: `xhs_*`, `wechat_*`...).
    pub fn of_channel(channel: &str) -> Platform {
        let key = channel.to_lowercase();
        // KOL notes (蒲公英) and 聚光 ads are Xiaohongshu's own channels.
        if key.starts_with("kol") || key.contains("juguang") {
            return Platform::Xiaohongshu;
        }
        Platform::of_words(&key).unwrap_or(Platform::Other)
    }

    /// The platform a free-text survey answer names; anything else, including
    /// "a friend told me", is [`Platform::Other`].
    pub fn of_answer(answer: &str) -> Platform {
        Platform::of_words(&normalize_header(answer)).unwrap_or(Platform::Other)
    }

    fn of_words(text: &str) -> Option<Platform> {
        // Xiaohongshu first: "在小红书看到天猫链接" names the discovery place.
        const WORDS: [(Platform, &[&str]); 6] = [
            (
                Platform::Xiaohongshu,
                &[
                    "小红书",
                    "红书",
                    "xiaohongshu",
                    "xhs",
                    "rednote",
                    "redbook",
                    "聚光",
                    "蒲公英",
                ],
            ),
            (
                Platform::Wechat,
                &[
                    "微信",
                    "公众号",
                    "朋友圈",
                    "视频号",
                    "小程序",
                    "wechat",
                    "weixin",
                ],
            ),
            (Platform::Douyin, &["抖音", "douyin", "tiktok"]),
            (Platform::Tmall, &["天猫", "淘宝", "tmall", "taobao"]),
            (Platform::Jd, &["京东", "jd", "jingdong"]),
            (
                Platform::Offline,
                &["门店", "线下", "专柜", "商场", "offline", "store", "shop"],
            ),
        ];
        WORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| text.contains(w)))
            .map(|(platform, _)| *platform)
    }
}

/// The answers of one survey, counted per platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SurveyCounts {
    /// Answers per platform, in [`Platform::ALL`] order.
    pub counts: [u64; 7],
    /// Distinct answers that named no known platform, with their counts,
    /// most frequent first.
    pub unrecognised: Vec<(String, u64)>,
}

impl SurveyCounts {
    /// Counts the `answer` column of a surveys table (or `survey_answer` of
    /// orders); rows without an answer are not answers.
    pub fn from_table(table: &Table) -> Option<SurveyCounts> {
        let column = table
            .text("answer")
            .or_else(|| table.text("survey_answer"))?;
        let mut per_code = vec![0u64; column.dictionary().len()];
        for &code in column.codes() {
            if code != MISSING_TEXT {
                per_code[code as usize] += 1;
            }
        }
        let answers = column.dictionary().iter().zip(per_code);
        Some(SurveyCounts::from_answers(answers))
    }

    /// Counts `(answer, times given)` pairs.
    pub fn from_answers<'a>(answers: impl IntoIterator<Item = (&'a str, u64)>) -> SurveyCounts {
        let mut out = SurveyCounts::default();
        for (answer, n) in answers {
            if n == 0 || answer.trim().is_empty() {
                continue;
            }
            let platform = Platform::of_answer(answer);
            out.counts[platform as usize] += n;
            if platform == Platform::Other {
                out.unrecognised.push((answer.to_string(), n));
            }
        }
        out.unrecognised
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// One platform's self-reported share beside each model's share of
/// conversions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformShares {
    pub platform: Platform,
    /// Share of survey answers naming the platform; `None` without answers.
    pub survey: Option<f64>,
    /// Each model's share of conversions, in the result's model order.
    pub models: Vec<ModelShare>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelShare {
    pub model: Model,
    pub share: f64,
}

/// Survey shares and modelled shares per platform, for every platform that
/// either side mentions.
pub fn compare(survey: &SurveyCounts, attribution: &Attribution) -> Vec<PlatformShares> {
    let answers = survey.total() as f64;
    let platform_of: Vec<Platform> = attribution
        .channels
        .iter()
        .map(|c| Platform::of_channel(c))
        .collect();
    let mut model_shares: Vec<(Model, [f64; 7])> = Vec::new();
    for result in &attribution.models {
        let mut sums = [0.0f64; 7];
        let total: f64 = result.credits.iter().map(|c| c.conversions).sum();
        for (credit, platform) in result.credits.iter().zip(&platform_of) {
            sums[*platform as usize] += credit.conversions;
        }
        if total > 0.0 {
            sums.iter_mut().for_each(|s| *s /= total);
        }
        model_shares.push((result.model, sums));
    }
    Platform::ALL
        .iter()
        .filter(|&&p| survey.counts[p as usize] > 0 || platform_of.contains(&p))
        .map(|&p| PlatformShares {
            platform: p,
            survey: (answers > 0.0).then(|| survey.counts[p as usize] as f64 / answers),
            models: model_shares
                .iter()
                .map(|(m, sums)| ModelShare {
                    model: *m,
                    share: sums[p as usize],
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{attribute, JourneyBuilder, Settings};

    #[test]
    fn answers_in_chinese_and_english_name_their_platform() {
        assert_eq!(Platform::of_answer("小红书"), Platform::Xiaohongshu);
        assert_eq!(
            Platform::of_answer("在小红书上看到博主推荐"),
            Platform::Xiaohongshu
        );
        assert_eq!(
            Platform::of_answer("RED / Xiaohongshu"),
            Platform::Xiaohongshu
        );
        assert_eq!(Platform::of_answer("朋友圈广告"), Platform::Wechat);
        assert_eq!(Platform::of_answer("抖音直播"), Platform::Douyin);
        assert_eq!(Platform::of_answer("Tmall search"), Platform::Tmall);
        assert_eq!(Platform::of_answer("京东"), Platform::Jd);
        assert_eq!(Platform::of_answer("商场专柜"), Platform::Offline);
        assert_eq!(Platform::of_answer("朋友推荐"), Platform::Other);
    }

    #[test]
    fn default_channels_fall_on_their_platform() {
        for c in ["xhs_note", "xhs_search", "kol_note", "juguang_ads"] {
            assert_eq!(Platform::of_channel(c), Platform::Xiaohongshu, "{c}");
        }
        assert_eq!(Platform::of_channel("wechat"), Platform::Wechat);
        assert_eq!(Platform::of_channel("offline_store"), Platform::Offline);
        assert_eq!(Platform::of_channel("direct"), Platform::Other);
    }

    #[test]
    fn unrecognised_answers_count_as_other_and_are_listed() {
        let s = SurveyCounts::from_answers([("小红书", 3), ("朋友推荐", 2), ("忘了", 1), ("", 4)]);
        assert_eq!(s.counts[Platform::Xiaohongshu as usize], 3);
        assert_eq!(s.counts[Platform::Other as usize], 3);
        assert_eq!(s.total(), 6);
        assert_eq!(
            s.unrecognised,
            vec![("朋友推荐".to_string(), 2), ("忘了".to_string(), 1)]
        );
    }

    #[test]
    fn model_shares_sum_the_channels_of_a_platform() {
        // Two converting journeys: xhs_note > tmall and xhs_search.
        let mut b = JourneyBuilder::new(false);
        b.push_names(&["xhs_note", "tmall"], 1.0, 100.0, 0.0)
            .unwrap();
        b.push_names(&["xhs_search"], 1.0, 50.0, 0.0).unwrap();
        let journeys = b.finish();
        let settings = Settings {
            models: vec![Model::FirstTouch, Model::LastTouch, Model::Linear],
            ..Settings::default()
        };
        let a = attribute(&journeys, &settings).unwrap();
        // 3 of 4 answers say Xiaohongshu, 1 says Tmall.
        let survey = SurveyCounts::from_answers([("小红书", 3), ("天猫", 1)]);
        let rows = compare(&survey, &a);
        let platforms: Vec<Platform> = rows.iter().map(|r| r.platform).collect();
        assert_eq!(platforms, vec![Platform::Xiaohongshu, Platform::Tmall]);
        let xhs = &rows[0];
        assert_eq!(xhs.survey, Some(0.75));
        // First touch: both conversions start on Xiaohongshu. Last touch: one
        // ends on Tmall. Linear: 0.5 + 1 of 2.
        let shares: Vec<(Model, f64)> = xhs.models.iter().map(|m| (m.model, m.share)).collect();
        assert_eq!(
            shares,
            vec![
                (Model::FirstTouch, 1.0),
                (Model::LastTouch, 0.5),
                (Model::Linear, 0.75)
            ]
        );
        assert_eq!(rows[1].survey, Some(0.25));
    }
}
