//! Cost per period, stacked by category: one column per period bucket, the
//! five categories in the colours of the cost chart (`cost::category_colour`),
//! content at the bottom.

use plotters::coord::Shift;
use plotters::prelude::*;
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::CostCategory;

use super::cost::category_colour;
use super::hits::HitMaker;
use super::{exact, Hits, Legend, LegendMark, Metrics, Unit};

pub struct StackedCost<'a> {
    /// One column per period, oldest first: its axis label and the amount of
    /// each category in `CostCategory::ALL` order.
    pub periods: Vec<(String, [f64; 5])>,
    /// A category's name in the interface language.
    pub category: &'a dyn Fn(CostCategory) -> &'a str,
    pub locale: Locale,
    pub currency: &'a str,
}

/// Draws the chart; one hit per non-zero segment with the period, the
/// category's exact amount and the period's total. Negative and missing
/// amounts are left out of the stack.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &StackedCost<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let amount = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let totals: Vec<f64> = data
        .periods
        .iter()
        .map(|(_, a)| a.iter().map(|&v| amount(v)).sum())
        .collect();
    let top = totals.iter().copied().fold(0.0f64, f64::max);
    let n = data.periods.len();
    if n == 0 || top <= 0.0 {
        return Ok(Vec::new());
    }
    let top = top * 1.1;
    let (margin_left, y_labels) = (m.px(4.0), m.px(52.0));
    let items: Vec<(&str, LegendMark)> = CostCategory::ALL
        .iter()
        .map(|&c| ((data.category)(c), LegendMark::Bar(category_colour(c))))
        .collect();
    // From the plot's left edge, as wide as the chart allows.
    let legend = Legend::over_plot(area, &items, margin_left, y_labels, &m)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(legend.margin_top(&m))
        .margin_right(m.px(14.0))
        .margin_left(margin_left)
        .margin_bottom(m.px(4.0))
        .x_label_area_size(m.px(26.0))
        .y_label_area_size(y_labels)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
    super::value_mesh(&mut chart, &m, data.locale)?;

    let texts = super::texts::chart_texts(data.locale);
    let maker = HitMaker::new(area, scale);
    let mut hits = Vec::new();
    let width = if n > 40 { 0.9 } else { 0.7 };
    for (i, ((label, amounts), total)) in data.periods.iter().zip(&totals).enumerate() {
        let x0 = i as f64 + (1.0 - width) / 2.0;
        let x1 = x0 + width;
        let mut base = 0.0;
        for (k, &category) in CostCategory::ALL.iter().enumerate() {
            let v = amount(amounts[k]);
            if v <= 0.0 {
                continue;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, base), (x1, base + v)],
                category_colour(category).filled(),
            )))?;
            let name = (data.category)(category);
            hits.push(
                maker.rect(
                    chart.backend_coord(&(x0, base + v)),
                    chart.backend_coord(&(x1, base)),
                    [
                        label.clone(),
                        (texts.pair)(name, &exact(v, Unit::Money(data.currency))),
                        (texts.of_total)(&format::percent(v / total)),
                        (texts.pair)(texts.total, &exact(*total, Unit::Money(data.currency))),
                    ]
                    .join("\n"),
                ),
            );
            base += v;
        }
    }

    super::period_labels(area, &chart, data.periods.iter().map(|p| p.0.as_str()), &m)?;
    legend.draw(area, m.px(4.0) as i32, &m)?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{
        count, hex, rects, rows_of, svg_hits, text_boxes, texts, TextBox,
    };

    fn draw_svg(
        locale: Locale,
        periods: Vec<(String, [f64; 5])>,
    ) -> (String, Vec<crate::charts::Hit>) {
        draw_sized(locale, periods, 800)
    }

    fn draw_sized(
        locale: Locale,
        periods: Vec<(String, [f64; 5])>,
        width: u32,
    ) -> (String, Vec<crate::charts::Hit>) {
        let texts = crate::i18n::texts(locale);
        let name = |c| texts.cost_category(c);
        let data = StackedCost {
            periods,
            category: &name,
            locale,
            currency: "¥",
        };
        svg_hits(width, 300, |area| draw(area, &data, 1.0).unwrap())
    }

    fn months() -> Vec<(String, [f64; 5])> {
        vec![
            (
                "Mar 2026".into(),
                [10_000.0, 50_000.0, 20_000.0, 9_000.0, 1_000.0],
            ),
            (
                "Apr 2026".into(),
                [12_000.0, 80_000.0, 0.0, 9_000.0, 1_000.0],
            ),
            (
                "May 2026".into(),
                [8_000.0, 30_000.0, 15_500.5, 9_000.0, 1_000.0],
            ),
        ]
    }

    #[test]
    fn a_segment_per_category_and_period_in_the_cost_colours_with_a_legend() {
        let (out, _) = draw_svg(Locale::En, months());
        for category in CostCategory::ALL {
            let segments = if category == CostCategory::Paid { 2 } else { 3 };
            let fill = format!("fill=\"{}\"", hex(category_colour(category)));
            assert_eq!(count(&out, &fill), segments + 1, "{category:?}");
        }
        let texts = texts(&out);
        for t in [
            "Content creation",
            "KOL / KOC fees",
            "Paid promotion",
            "Agency & staff",
            "Technology",
            "Mar 2026",
            "May 2026",
            "100k",
        ] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
    }

    #[test]
    fn segments_stack_without_gaps_and_the_column_is_the_total() {
        let (out, hits) = draw_svg(Locale::En, months());
        assert_eq!(hits.len(), 14);
        // March: five segments, content at the bottom, each on the one below.
        let march = &hits[..5];
        for pair in march.windows(2) {
            assert!((pair[0].y0 - pair[1].y1).abs() <= 2.0, "{pair:?}");
        }
        assert!(march[0].y1 > march[4].y1);
        // The KOL segment is the tallest of March's.
        let height = |h: &crate::charts::Hit| h.y1 - h.y0;
        assert!(march.iter().all(|h| height(h) <= height(&march[1])));
        // April (the largest total) is the tallest column.
        let column = |fill: RGBColor, i: usize| {
            rects(&out)
                .into_iter()
                .filter(|r| r.fill == hex(fill) && r.height > 10.0)
                .nth(i)
                .unwrap()
        };
        let kol = category_colour(CostCategory::Kol);
        assert!(column(kol, 1).height > column(kol, 0).height);
        assert_eq!(
            hits[1].label,
            "Mar 2026\nKOL / KOC fees: ¥50,000\n55.6% of the total\nTotal: ¥90,000"
        );
        assert_eq!(
            hits[11].label,
            "May 2026\nPaid promotion: ¥15,500.50\n24.4% of the total\nTotal: ¥63,500.50"
        );
    }

    #[test]
    fn chinese_labels_and_nothing_for_no_cost() {
        let (out, hits) = draw_svg(Locale::Zh, months());
        let texts = texts(&out);
        assert!(texts.contains(&"达人合作".to_string()), "{texts:?}");
        assert!(
            hits[1].label.contains("达人合作：¥50,000"),
            "{}",
            hits[1].label
        );
        let (out, hits) = draw_svg(Locale::En, vec![("Mar".into(), [0.0; 5])]);
        assert!(hits.is_empty());
        assert!(!out.contains("<text"));
        let (_, hits) = draw_svg(Locale::En, Vec::new());
        assert!(hits.is_empty());
    }

    /// The boxes of the five category names in the legend.
    fn legend_boxes(out: &str) -> Vec<TextBox> {
        let texts = crate::i18n::texts(Locale::En);
        let names: Vec<&str> = CostCategory::ALL
            .iter()
            .map(|&c| texts.cost_category(c))
            .collect();
        text_boxes(out)
            .into_iter()
            .filter(|b| names.contains(&b.text.as_str()))
            .collect()
    }

    #[test]
    fn legend_wraps_to_a_second_row_when_the_entries_do_not_fit() {
        // A phone: the canvas is 322 px wide.
        let (out, hits) = draw_sized(Locale::En, months(), 322);
        let legend = legend_boxes(&out);
        assert_eq!(legend.len(), 5, "{legend:?}");
        assert!(rows_of(&legend) >= 2, "{legend:?}");
        // Every name whole and inside the canvas, none on another.
        for b in text_boxes(&out) {
            assert!(b.left >= 0.0 && b.right <= 322.0, "{b:?} runs off");
        }
        for b in &legend {
            for other in text_boxes(&out).iter().filter(|o| *o != b) {
                assert!(!b.overlaps(other), "{b:?} on {other:?}");
            }
        }
        // The plot starts below the last row: every column and axis label.
        let bottom = legend.iter().map(|b| b.bottom).fold(0.0, f64::max);
        assert!(hits.iter().all(|h| h.y0 > bottom), "{hits:?}");
        let axis = text_boxes(&out)
            .into_iter()
            .filter(|b| !legend.contains(b))
            .map(|b| b.top)
            .fold(f64::MAX, f64::min);
        assert!(axis > bottom, "{axis} vs {bottom}");
    }

    #[test]
    fn a_legend_that_fits_stays_on_one_row_where_it_was() {
        let (out, _) = draw_svg(Locale::En, months());
        let legend = legend_boxes(&out);
        assert_eq!(legend.len(), 5);
        // One row, from just right of the value axis labels.
        assert!(legend.iter().all(|b| b.top == legend[0].top), "{legend:?}");
        assert_eq!(legend[0].left, 80.0);
        assert!(out.contains(r#"<text x="80" y="12" dy="0.5ex""#), "{out}");
    }
}
