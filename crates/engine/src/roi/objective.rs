//! Campaign objectives and the KPI cards each one puts first (the table
//! "KPIs by objective" in the domain reference).

use serde::{Deserialize, Serialize};

/// What a campaign is for; decides which KPIs lead the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    BrandAwareness,
    Community,
    #[default]
    DirectSales,
    MarketResearch,
}

impl Objective {
    pub const ALL: [Objective; 4] = [
        Objective::BrandAwareness,
        Objective::Community,
        Objective::DirectSales,
        Objective::MarketResearch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Objective::BrandAwareness => "brand_awareness",
            Objective::Community => "community",
            Objective::DirectSales => "direct_sales",
            Objective::MarketResearch => "market_research",
        }
    }

    /// Reads `brand_awareness`, `brand-awareness`, `awareness`, `community`,
    /// `engagement`, `direct_sales`, `sales`, `market_research`, `research`.
    pub fn parse(text: &str) -> Option<Objective> {
        let key = crate::schema::normalize_header(text);
        Some(match key.as_str() {
            "brandawareness" | "awareness" | "brand" => Objective::BrandAwareness,
            "community" | "engagement" | "communityengagement" => Objective::Community,
            "directsales" | "sales" | "conversion" => Objective::DirectSales,
            "marketresearch" | "research" => Objective::MarketResearch,
            _ => return None,
        })
    }
}

/// How a KPI's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiUnit {
    Count,
    /// In the report's currency.
    Money,
    /// A fraction (0.25 is 25%).
    Fraction,
    /// A multiple such as ROAS (2.0 is 2x).
    Multiple,
}

/// Every KPI card the app can show. The serde names are the JSON keys of
/// `xhs-roi report --json` (`cards`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiId {
    Impressions,
    /// Change in impressions against the previous period of equal length.
    ImpressionsGrowth,
    Views,
    /// views / impressions.
    CoverCtr,
    Interactions,
    Likes,
    Saves,
    Comments,
    Shares,
    EngagementRate,
    SaveRate,
    NewFollowers,
    /// New followers / followers at the start of the period (accounts whose
    /// follower count the KOL table gives).
    FollowerGrowthRate,
    /// Views that came from search (search volume).
    SearchViews,
    /// search / (search + discovery) views.
    SearchShare,
    /// Notes published in the period: the brand's mention volume.
    BrandMentions,
    /// Of those, notes by creators rather than the brand's own accounts.
    UgcNotes,
    ProductClicks,
    /// product clicks / views (e-commerce CTR).
    EcommerceCtr,
    Orders,
    /// orders / views.
    ConversionRate,
    NewCustomers,
    /// cost / new customers.
    Cpa,
    Aov,
    Revenue,
    Roas,
    GrossProfit,
    NetProfit,
    Roi,
    CostTotal,
    CostContent,
    CostKol,
    CostPaid,
    CostAgency,
    CostTechnology,
    Cpe,
    Cpv,
    Cpm,
    /// cost / product clicks.
    Cpc,
    /// Earned media value.
    Emv,
    /// Lifetime value of one customer.
    Clv,
    /// Lifetime value of the period's new customers beyond their first order.
    FutureValue,
    BlendedRoi,
    /// Needs a comments export and text analysis: not computed yet.
    CommentSentiment,
    /// Needs a comments export and text analysis: not computed yet.
    CommentThemes,
    /// Needs keyword or search-term data: not computed yet.
    KeywordPerformance,
    /// Needs audience data: not computed yet.
    AudienceAlignment,
}

impl KpiId {
    pub const ALL: [KpiId; 47] = [
        KpiId::Impressions,
        KpiId::ImpressionsGrowth,
        KpiId::Views,
        KpiId::CoverCtr,
        KpiId::Interactions,
        KpiId::Likes,
        KpiId::Saves,
        KpiId::Comments,
        KpiId::Shares,
        KpiId::EngagementRate,
        KpiId::SaveRate,
        KpiId::NewFollowers,
        KpiId::FollowerGrowthRate,
        KpiId::SearchViews,
        KpiId::SearchShare,
        KpiId::BrandMentions,
        KpiId::UgcNotes,
        KpiId::ProductClicks,
        KpiId::EcommerceCtr,
        KpiId::Orders,
        KpiId::ConversionRate,
        KpiId::NewCustomers,
        KpiId::Cpa,
        KpiId::Aov,
        KpiId::Revenue,
        KpiId::Roas,
        KpiId::GrossProfit,
        KpiId::NetProfit,
        KpiId::Roi,
        KpiId::CostTotal,
        KpiId::CostContent,
        KpiId::CostKol,
        KpiId::CostPaid,
        KpiId::CostAgency,
        KpiId::CostTechnology,
        KpiId::Cpe,
        KpiId::Cpv,
        KpiId::Cpm,
        KpiId::Cpc,
        KpiId::Emv,
        KpiId::Clv,
        KpiId::FutureValue,
        KpiId::BlendedRoi,
        KpiId::CommentSentiment,
        KpiId::CommentThemes,
        KpiId::KeywordPerformance,
        KpiId::AudienceAlignment,
    ];

    /// The snake_case name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            KpiId::Impressions => "impressions",
            KpiId::ImpressionsGrowth => "impressions_growth",
            KpiId::Views => "views",
            KpiId::CoverCtr => "cover_ctr",
            KpiId::Interactions => "interactions",
            KpiId::Likes => "likes",
            KpiId::Saves => "saves",
            KpiId::Comments => "comments",
            KpiId::Shares => "shares",
            KpiId::EngagementRate => "engagement_rate",
            KpiId::SaveRate => "save_rate",
            KpiId::NewFollowers => "new_followers",
            KpiId::FollowerGrowthRate => "follower_growth_rate",
            KpiId::SearchViews => "search_views",
            KpiId::SearchShare => "search_share",
            KpiId::BrandMentions => "brand_mentions",
            KpiId::UgcNotes => "ugc_notes",
            KpiId::ProductClicks => "product_clicks",
            KpiId::EcommerceCtr => "ecommerce_ctr",
            KpiId::Orders => "orders",
            KpiId::ConversionRate => "conversion_rate",
            KpiId::NewCustomers => "new_customers",
            KpiId::Cpa => "cpa",
            KpiId::Aov => "aov",
            KpiId::Revenue => "revenue",
            KpiId::Roas => "roas",
            KpiId::GrossProfit => "gross_profit",
            KpiId::NetProfit => "net_profit",
            KpiId::Roi => "roi",
            KpiId::CostTotal => "cost_total",
            KpiId::CostContent => "cost_content",
            KpiId::CostKol => "cost_kol",
            KpiId::CostPaid => "cost_paid",
            KpiId::CostAgency => "cost_agency",
            KpiId::CostTechnology => "cost_technology",
            KpiId::Cpe => "cpe",
            KpiId::Cpv => "cpv",
            KpiId::Cpm => "cpm",
            KpiId::Cpc => "cpc",
            KpiId::Emv => "emv",
            KpiId::Clv => "clv",
            KpiId::FutureValue => "future_value",
            KpiId::BlendedRoi => "blended_roi",
            KpiId::CommentSentiment => "comment_sentiment",
            KpiId::CommentThemes => "comment_themes",
            KpiId::KeywordPerformance => "keyword_performance",
            KpiId::AudienceAlignment => "audience_alignment",
        }
    }

    pub fn unit(self) -> KpiUnit {
        use KpiId::*;
        match self {
            CoverCtr | EngagementRate | SaveRate | FollowerGrowthRate | SearchShare
            | EcommerceCtr | ConversionRate | Roi | BlendedRoi | ImpressionsGrowth
            | CommentSentiment => KpiUnit::Fraction,
            Roas => KpiUnit::Multiple,
            Cpa | Aov | Revenue | GrossProfit | NetProfit | CostTotal | CostContent | CostKol
            | CostPaid | CostAgency | CostTechnology | Cpe | Cpv | Cpm | Cpc | Emv | Clv
            | FutureValue => KpiUnit::Money,
            _ => KpiUnit::Count,
        }
    }

    /// False for the cards that need data the engine does not read yet
    /// (comment text, keywords, audience); their value is always `None`.
    pub fn is_computed(self) -> bool {
        !matches!(
            self,
            KpiId::CommentSentiment
                | KpiId::CommentThemes
                | KpiId::KeywordPerformance
                | KpiId::AudienceAlignment
        )
    }
}

/// The KPIs that lead the dashboard for an objective, most important first
/// (domain reference, "KPIs by objective"); the other cards follow them.
pub fn lead_kpis(objective: Objective) -> &'static [KpiId] {
    match objective {
        Objective::BrandAwareness => &[
            KpiId::ImpressionsGrowth,
            KpiId::FollowerGrowthRate,
            KpiId::BrandMentions,
            KpiId::SearchViews,
            KpiId::Impressions,
            KpiId::Emv,
        ],
        Objective::Community => &[
            KpiId::EngagementRate,
            KpiId::SaveRate,
            KpiId::CommentSentiment,
            KpiId::UgcNotes,
            KpiId::Interactions,
            KpiId::Comments,
        ],
        Objective::DirectSales => &[
            KpiId::EcommerceCtr,
            KpiId::ConversionRate,
            KpiId::Cpa,
            KpiId::Aov,
            KpiId::Roas,
            KpiId::Roi,
        ],
        Objective::MarketResearch => &[
            KpiId::CommentThemes,
            KpiId::CommentSentiment,
            KpiId::KeywordPerformance,
            KpiId::AudienceAlignment,
            KpiId::Comments,
            KpiId::SearchShare,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_sales_leads_with_the_domain_tables_sales_kpis() {
        assert_eq!(
            lead_kpis(Objective::DirectSales),
            &[
                KpiId::EcommerceCtr,
                KpiId::ConversionRate,
                KpiId::Cpa,
                KpiId::Aov,
                KpiId::Roas,
                KpiId::Roi
            ]
        );
    }

    #[test]
    fn every_objective_leads_with_distinct_kpis() {
        for objective in Objective::ALL {
            let lead = lead_kpis(objective);
            assert!(!lead.is_empty());
            let mut sorted = lead.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), lead.len(), "{objective:?}");
        }
    }

    #[test]
    fn kpi_names_are_their_serde_names_and_all_lists_every_one() {
        let mut names = std::collections::HashSet::new();
        for id in KpiId::ALL {
            assert_eq!(
                serde_json::to_value(id).unwrap(),
                serde_json::json!(id.name())
            );
            assert!(names.insert(id.name()));
        }
        assert_eq!(
            serde_json::from_str::<KpiId>("\"blended_roi\"").unwrap(),
            KpiId::BlendedRoi
        );
    }

    #[test]
    fn objectives_parse_from_cli_spellings() {
        assert_eq!(
            Objective::parse("brand-awareness"),
            Some(Objective::BrandAwareness)
        );
        assert_eq!(Objective::parse("SALES"), Some(Objective::DirectSales));
        assert_eq!(
            Objective::parse("research"),
            Some(Objective::MarketResearch)
        );
        assert_eq!(Objective::parse("fame"), None);
        for o in Objective::ALL {
            assert_eq!(Objective::parse(o.name()), Some(o));
        }
    }
}
