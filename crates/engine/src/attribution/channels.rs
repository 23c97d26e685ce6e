//! From raw sources to channel names by ordered, editable rules.
//!
//! A touch or an order often arrives with where it came from rather than a
//! channel: UTM tags, a referrer, a promo code, a QR code id, a landing page.
//! [`ChannelRules`] maps those to channel names: the first rule whose
//! conditions all hold names the channel; with no source at all the channel is
//! `direct`, with sources that no rule knows it is `other`. Matching is
//! case-insensitive and ignores surrounding spaces. The defaults know the
//! Xiaohongshu sources (notes, search, KOL notes through 蒲公英, 聚光 ads) and
//! the usual neighbours (WeChat, Tmall, JD, Douyin, offline stores), and use
//! the channel names of the demo data.

use serde::{Deserialize, Deserializer, Serialize};

/// Where a source value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceField {
    UtmSource,
    UtmMedium,
    UtmCampaign,
    Referrer,
    PromoCode,
    QrCode,
    LandingPage,
}

/// How a value is compared with the patterns (any pattern may match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    Equals(#[serde(deserialize_with = "one_or_many")] Vec<String>),
    Prefix(#[serde(deserialize_with = "one_or_many")] Vec<String>),
    Contains(#[serde(deserialize_with = "one_or_many")] Vec<String>),
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// One condition on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: SourceField,
    pub matches: Match,
}

/// `field matches pattern (and every further condition) -> channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRule {
    pub field: SourceField,
    pub matches: Match,
    /// Further conditions that must hold as well.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub and: Vec<Condition>,
    pub channel: String,
}

/// The raw sources of one touch or order; empty strings count as missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Source<'a> {
    pub utm_source: Option<&'a str>,
    pub utm_medium: Option<&'a str>,
    pub utm_campaign: Option<&'a str>,
    pub referrer: Option<&'a str>,
    pub promo_code: Option<&'a str>,
    pub qr_code: Option<&'a str>,
    pub landing_page: Option<&'a str>,
}

impl<'a> Source<'a> {
    pub fn get(&self, field: SourceField) -> Option<&'a str> {
        let v = match field {
            SourceField::UtmSource => self.utm_source,
            SourceField::UtmMedium => self.utm_medium,
            SourceField::UtmCampaign => self.utm_campaign,
            SourceField::Referrer => self.referrer,
            SourceField::PromoCode => self.promo_code,
            SourceField::QrCode => self.qr_code,
            SourceField::LandingPage => self.landing_page,
        };
        v.map(str::trim).filter(|s| !s.is_empty())
    }
}

/// An ordered rule list and the two fallbacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelRules {
    pub rules: Vec<ChannelRule>,
    /// Channel when some source is present but no rule matches.
    pub unmatched: String,
    /// Channel when no source is present.
    pub no_source: String,
}

impl Default for ChannelRules {
    fn default() -> Self {
        ChannelRules {
            rules: default_rules(),
            unmatched: "other".into(),
            no_source: "direct".into(),
        }
    }
}

impl ChannelRules {
    /// Lower-cases the patterns once, for classifying many sources.
    pub fn compile(&self) -> Classifier<'_> {
        let lower = |m: &Match| -> (Kind, Vec<String>) {
            let (kind, patterns) = match m {
                Match::Equals(p) => (Kind::Equals, p),
                Match::Prefix(p) => (Kind::Prefix, p),
                Match::Contains(p) => (Kind::Contains, p),
            };
            (
                kind,
                patterns.iter().map(|p| p.trim().to_lowercase()).collect(),
            )
        };
        Classifier {
            rules: self
                .rules
                .iter()
                .map(|r| {
                    let mut conditions = vec![(r.field, lower(&r.matches))];
                    conditions.extend(r.and.iter().map(|c| (c.field, lower(&c.matches))));
                    (conditions, r.channel.as_str())
                })
                .collect(),
            unmatched: &self.unmatched,
            no_source: &self.no_source,
        }
    }

    /// The channel of one source (compiles the rules; use [`Self::compile`]
    /// for many).
    pub fn classify(&self, source: &Source<'_>) -> String {
        self.compile().classify(source).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Equals,
    Prefix,
    Contains,
}

type CompiledCondition = (SourceField, (Kind, Vec<String>));

/// Rules ready to match.
#[derive(Debug, Clone)]
pub struct Classifier<'r> {
    rules: Vec<(Vec<CompiledCondition>, &'r str)>,
    unmatched: &'r str,
    no_source: &'r str,
}

const FIELDS: [SourceField; 7] = [
    SourceField::UtmSource,
    SourceField::UtmMedium,
    SourceField::UtmCampaign,
    SourceField::Referrer,
    SourceField::PromoCode,
    SourceField::QrCode,
    SourceField::LandingPage,
];

impl<'r> Classifier<'r> {
    pub fn classify(&self, source: &Source<'_>) -> &'r str {
        let values: Vec<Option<String>> = FIELDS
            .iter()
            .map(|&f| source.get(f).map(str::to_lowercase))
            .collect();
        if values.iter().all(Option::is_none) {
            return self.no_source;
        }
        let value =
            |f: SourceField| values[FIELDS.iter().position(|&x| x == f).expect("field")].as_deref();
        for (conditions, channel) in &self.rules {
            let holds = conditions.iter().all(|(field, (kind, patterns))| {
                value(*field).is_some_and(|v| {
                    patterns.iter().any(|p| match kind {
                        Kind::Equals => v == p,
                        Kind::Prefix => v.starts_with(p.as_str()),
                        Kind::Contains => v.contains(p.as_str()),
                    })
                })
            });
            if holds {
                return channel;
            }
        }
        self.unmatched
    }
}

fn rule(field: SourceField, matches: Match, channel: &str) -> ChannelRule {
    ChannelRule {
        field,
        matches,
        and: Vec::new(),
        channel: channel.into(),
    }
}

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// UTM sources that mean Xiaohongshu.
const XHS_SOURCES: [&str; 6] = ["xhs", "xiaohongshu", "redbook", "rednote", "小红书", "红书"];

/// The default rules, most specific first.
pub fn default_rules() -> Vec<ChannelRule> {
    use Match::{Contains, Equals, Prefix};
    use SourceField::*;
    let xhs = || Condition {
        field: UtmSource,
        matches: Equals(list(&XHS_SOURCES)),
    };
    vec![
        // 聚光: Xiaohongshu's ad platform.
        rule(
            UtmMedium,
            Contains(list(&["juguang", "聚光"])),
            "juguang_ads",
        ),
        rule(
            UtmSource,
            Contains(list(&["juguang", "聚光"])),
            "juguang_ads",
        ),
        rule(
            Referrer,
            Contains(list(&["ad.xiaohongshu.com"])),
            "juguang_ads",
        ),
        ChannelRule {
            and: vec![xhs()],
            ..rule(
                UtmMedium,
                Equals(list(&[
                    "cpc",
                    "cpm",
                    "ocpc",
                    "paid",
                    "ad",
                    "ads",
                    "paid_social",
                    "信息流",
                ])),
                "juguang_ads",
            )
        },
        // KOL notes: 蒲公英 (pgy) is Xiaohongshu's creator marketplace.
        rule(
            UtmMedium,
            Contains(list(&[
                "kol",
                "koc",
                "达人",
                "博主",
                "pgy",
                "蒲公英",
                "influencer",
            ])),
            "kol_note",
        ),
        rule(
            Referrer,
            Contains(list(&["pgy.xiaohongshu.com"])),
            "kol_note",
        ),
        rule(PromoCode, Prefix(list(&["kol", "达人"])), "kol_note"),
        // Xiaohongshu search, then any other Xiaohongshu source is a note.
        ChannelRule {
            and: vec![xhs()],
            ..rule(
                UtmMedium,
                Contains(list(&["search", "搜索", "sousuo"])),
                "xhs_search",
            )
        },
        rule(
            Referrer,
            Contains(list(&[
                "xiaohongshu.com/search",
                "xiaohongshu.com/search_result",
            ])),
            "xhs_search",
        ),
        rule(UtmSource, Equals(list(&XHS_SOURCES)), "xhs_note"),
        rule(
            Referrer,
            Contains(list(&["xiaohongshu.com", "xhslink.com", "xhscdn.com"])),
            "xhs_note",
        ),
        rule(
            PromoCode,
            Prefix(list(&["xhs", "小红书", "red"])),
            "xhs_note",
        ),
        rule(QrCode, Prefix(list(&["xhs"])), "xhs_note"),
        rule(
            LandingPage,
            Contains(list(&["/xhs", "xiaohongshu", "utm_source=xhs"])),
            "xhs_note",
        ),
        // Neighbours.
        rule(
            UtmSource,
            Equals(list(&[
                "wechat",
                "weixin",
                "wx",
                "微信",
                "公众号",
                "朋友圈",
                "视频号",
            ])),
            "wechat",
        ),
        rule(
            Referrer,
            Contains(list(&["weixin.qq.com", "servicewechat.com", "wechat.com"])),
            "wechat",
        ),
        rule(PromoCode, Prefix(list(&["wx", "wechat"])), "wechat"),
        rule(
            UtmSource,
            Equals(list(&["tmall", "taobao", "天猫", "淘宝"])),
            "tmall",
        ),
        rule(
            Referrer,
            Contains(list(&["tmall.com", "taobao.com"])),
            "tmall",
        ),
        rule(UtmSource, Equals(list(&["jd", "jingdong", "京东"])), "jd"),
        rule(Referrer, Contains(list(&["jd.com"])), "jd"),
        rule(UtmSource, Equals(list(&["douyin", "抖音"])), "douyin"),
        rule(
            Referrer,
            Contains(list(&["douyin.com", "iesdouyin.com"])),
            "douyin",
        ),
        rule(PromoCode, Prefix(list(&["dy", "douyin"])), "douyin"),
        rule(
            QrCode,
            Prefix(list(&["store", "shop", "门店", "offline"])),
            "offline_store",
        ),
        rule(
            UtmMedium,
            Equals(list(&["offline", "store", "门店", "线下"])),
            "offline_store",
        ),
        rule(PromoCode, Prefix(list(&["store", "门店"])), "offline_store"),
        rule(
            UtmMedium,
            Equals(list(&["direct", "(none)", "none"])),
            "direct",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(source: Source<'_>) -> String {
        ChannelRules::default().classify(&source)
    }

    #[test]
    fn xiaohongshu_sources_split_into_note_search_kol_and_ads() {
        let s = |src, medium| Source {
            utm_source: Some(src),
            utm_medium: Some(medium),
            ..Source::default()
        };
        assert_eq!(channel(s("xhs", "note")), "xhs_note");
        assert_eq!(channel(s("XiaoHongShu", "Search")), "xhs_search");
        assert_eq!(channel(s("小红书", "达人合作")), "kol_note");
        assert_eq!(channel(s("xhs", "CPC")), "juguang_ads");
        assert_eq!(channel(s("anything", "juguang_feed")), "juguang_ads");
        // cpc from another source is not 聚光.
        assert_eq!(channel(s("baidu", "cpc")), "other");
    }

    #[test]
    fn referrers_promo_and_qr_codes_map_to_channels() {
        let r = |url| Source {
            referrer: Some(url),
            ..Source::default()
        };
        assert_eq!(
            channel(r("https://www.xiaohongshu.com/explore/64f0")),
            "xhs_note"
        );
        assert_eq!(
            channel(r("https://www.xiaohongshu.com/search_result?k=面霜")),
            "xhs_search"
        );
        assert_eq!(channel(r("http://xhslink.com/a/AbC")), "xhs_note");
        assert_eq!(channel(r("https://mp.weixin.qq.com/s/x")), "wechat");
        assert_eq!(channel(r("https://detail.tmall.com/item.htm")), "tmall");
        assert_eq!(channel(r("https://item.jd.com/1.html")), "jd");
        assert_eq!(channel(r("https://v.douyin.com/x")), "douyin");
        let promo = Source {
            promo_code: Some(" KOL-LILY20 "),
            ..Source::default()
        };
        assert_eq!(channel(promo), "kol_note");
        let qr = Source {
            qr_code: Some("STORE-SH-01"),
            ..Source::default()
        };
        assert_eq!(channel(qr), "offline_store");
    }

    #[test]
    fn no_source_is_direct_and_unknown_is_other() {
        assert_eq!(channel(Source::default()), "direct");
        let blank = Source {
            utm_source: Some("  "),
            ..Source::default()
        };
        assert_eq!(channel(blank), "direct");
        let unknown = Source {
            utm_source: Some("newsletter"),
            ..Source::default()
        };
        assert_eq!(channel(unknown), "other");
    }

    #[test]
    fn the_first_matching_rule_wins_and_rules_are_editable() {
        let mut rules = ChannelRules::default();
        rules.rules.insert(
            0,
            rule(
                SourceField::UtmCampaign,
                Match::Prefix(vec!["618".into()]),
                "campaign_618",
            ),
        );
        let s = Source {
            utm_source: Some("xhs"),
            utm_campaign: Some("618_launch"),
            ..Source::default()
        };
        assert_eq!(rules.classify(&s), "campaign_618");
    }

    #[test]
    fn rules_round_trip_through_json_and_accept_a_single_pattern() {
        let rules = ChannelRules::default();
        let json = serde_json::to_string(&rules).unwrap();
        let back: ChannelRules = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
        let one: ChannelRule = serde_json::from_str(
            r#"{"field":"promo_code","matches":{"prefix":"vip"},"channel":"members"}"#,
        )
        .unwrap();
        assert_eq!(one.matches, Match::Prefix(vec!["vip".into()]));
        let partial: ChannelRules = serde_json::from_str(r#"{"unmatched":"unknown"}"#).unwrap();
        assert_eq!(partial.no_source, "direct");
        assert_eq!(partial.rules, default_rules());
    }
}
