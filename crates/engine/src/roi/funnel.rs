//! The funnel from impressions to orders, with the drop-off at each stage,
//! overall and per format and campaign.

use serde::Serialize;

use super::breakdown::{breakdown, GroupBy};
use super::figures::Figures;
use super::period::Period;
use super::prepared::Prepared;
use super::settings::RoiSettings;
use crate::report::ratio;

/// A stage of the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelStage {
    Impressions,
    Views,
    /// likes + saves + comments.
    Interactions,
    ProductClicks,
    Orders,
}

impl FunnelStage {
    pub const ALL: [FunnelStage; 5] = [
        FunnelStage::Impressions,
        FunnelStage::Views,
        FunnelStage::Interactions,
        FunnelStage::ProductClicks,
        FunnelStage::Orders,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FunnelStage::Impressions => "impressions",
            FunnelStage::Views => "views",
            FunnelStage::Interactions => "interactions",
            FunnelStage::ProductClicks => "product_clicks",
            FunnelStage::Orders => "orders",
        }
    }
}

/// One stage: how many reached it, and the share of the stage before.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FunnelStep {
    pub stage: FunnelStage,
    pub count: f64,
    /// count / the previous stage's count (`None` at the first stage or
    /// when the previous stage is 0). Stages are not strictly nested (a
    /// click needs no like), so it can exceed 1.
    pub rate: Option<f64>,
    /// 1 - rate.
    pub drop_off: Option<f64>,
}

/// Five steps and the overall conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub steps: Vec<FunnelStep>,
    /// orders / impressions.
    pub overall: Option<f64>,
}

impl Funnel {
    pub fn from_figures(f: &Figures) -> Funnel {
        let counts = [
            f.impressions,
            f.views,
            f.interactions,
            f.product_clicks,
            f.orders,
        ];
        let steps = FunnelStage::ALL
            .iter()
            .enumerate()
            .map(|(i, &stage)| {
                // A stage the files cannot tell (NaN) has no rate, nor has the next.
                let rate = i
                    .checked_sub(1)
                    .and_then(|previous| ratio(counts[i], counts[previous]));
                FunnelStep {
                    stage,
                    count: counts[i],
                    rate,
                    drop_off: rate.map(|r| 1.0 - r),
                }
            })
            .collect();
        Funnel {
            steps,
            overall: ratio(f.orders, f.impressions),
        }
    }
}

/// The funnel of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelGroup {
    pub key: String,
    pub funnel: Funnel,
}

/// The funnel overall and per format and campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelReport {
    pub period: Period,
    /// Orders: every credited Xiaohongshu order the filters keep.
    pub overall: Funnel,
    /// Orders: those credited to the group's notes (and, for campaigns,
    /// to the campaign itself); orders tied to nothing of the kind are in
    /// the overall funnel only.
    pub by_format: Vec<FunnelGroup>,
    pub by_campaign: Vec<FunnelGroup>,
}

impl FunnelReport {
    /// One line per group and stage: `group` (`overall`, `format` or
    /// `campaign`), `key`, `stage`, `count`, `rate`, `drop_off`.
    pub fn csv(&self) -> String {
        use crate::csv_out::{write_table, Cell};
        let mut lines = Vec::new();
        let mut add = |group: &str, key: &str, funnel: &Funnel| {
            for step in &funnel.steps {
                lines.push(vec![
                    Cell::from(group),
                    Cell::from(key),
                    Cell::from(step.stage.name()),
                    Cell::from(step.count),
                    Cell::from(step.rate),
                    Cell::from(step.drop_off),
                ]);
            }
        };
        add("overall", "", &self.overall);
        for g in &self.by_format {
            add("format", &g.key, &g.funnel);
        }
        for g in &self.by_campaign {
            add("campaign", &g.key, &g.funnel);
        }
        write_table(
            &["group", "key", "stage", "count", "rate", "drop_off"],
            lines,
        )
    }
}

/// The funnel for the settings' period and filters.
pub fn funnel(prepared: &Prepared, settings: &RoiSettings) -> FunnelReport {
    let formats = breakdown(prepared, settings, GroupBy::Format);
    let campaigns = breakdown(prepared, settings, GroupBy::Campaign);
    let groups = |b: &super::breakdown::Breakdown| {
        b.rows
            .iter()
            .map(|r| FunnelGroup {
                key: r.key.clone(),
                funnel: Funnel::from_figures(&r.figures),
            })
            .collect()
    };
    FunnelReport {
        period: formats.period,
        overall: Funnel::from_figures(&formats.totals),
        by_format: groups(&formats),
        by_campaign: groups(&campaigns),
    }
}

#[cfg(test)]
mod tests {
    use super::super::figures::Known;
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn each_stage_keeps_a_share_of_the_one_before() {
        let r = funnel(
            &Prepared::new(&sample(), &RoiSettings::default()),
            &RoiSettings::default(),
        );
        let counts: Vec<f64> = r.overall.steps.iter().map(|s| s.count).collect();
        // 3,900 impressions, 390 views, 39 interactions, 12 clicks, 4 orders.
        assert_eq!(counts, vec![3900.0, 390.0, 39.0, 12.0, 4.0]);
        let views = &r.overall.steps[1];
        assert_eq!(views.rate, Some(0.1));
        assert_eq!(views.drop_off, Some(0.9));
        assert_eq!(r.overall.steps[0].rate, None);
        assert_eq!(r.overall.steps[4].rate, Some(4.0 / 12.0));
        assert_eq!(r.overall.overall, Some(4.0 / 3900.0));
    }

    #[test]
    fn group_funnels_count_their_own_notes_and_orders() {
        let r = funnel(
            &Prepared::new(&sample(), &RoiSettings::default()),
            &RoiSettings::default(),
        );
        let video = r.by_format.iter().find(|g| g.key == "video").unwrap();
        // n1: 1,500 impressions, 150 views, 15 interactions, 7 clicks, o1.
        let counts: Vec<f64> = video.funnel.steps.iter().map(|s| s.count).collect();
        assert_eq!(counts, vec![1500.0, 150.0, 15.0, 7.0, 1.0]);
        let summer = r.by_campaign.iter().find(|g| g.key == "summer").unwrap();
        // n3's 40 views and o4, credited to the campaign itself.
        assert_eq!(summer.funnel.steps[1].count, 40.0);
        assert_eq!(summer.funnel.steps[4].count, 1.0);
    }

    #[test]
    fn funnel_csv_has_a_line_per_group_and_stage() {
        let r = funnel(
            &Prepared::new(&sample(), &RoiSettings::default()),
            &RoiSettings::default(),
        );
        let csv = r.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "group,key,stage,count,rate,drop_off");
        assert_eq!(lines[1], "overall,,impressions,3900,,");
        assert_eq!(lines[2], "overall,,views,390,0.1,0.9");
        // Overall, two formats and two campaigns, five stages each.
        assert_eq!(lines.len(), 1 + 5 * 5);
    }

    #[test]
    fn a_stage_after_zero_has_no_rate() {
        let f = Funnel::from_figures(&Figures::new(
            &Default::default(),
            &RoiSettings::default(),
            Known::ALL,
        ));
        assert!(f.steps.iter().all(|s| s.rate.is_none()));
        assert_eq!(f.overall, None);
    }
}
