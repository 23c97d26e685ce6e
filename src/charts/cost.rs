//! Cost by category: one horizontal bar per category, amount at its end.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::report::CostByCategory;
use xhs_roi_engine::CostCategory;

use super::hits::HitMaker;
use super::{exact, Hits, Metrics, Unit, AXIS, FONT, INK, MUTED};

/// One colour per category, the same wherever the category appears.
pub fn category_colour(category: CostCategory) -> RGBColor {
    match category {
        CostCategory::Content => RGBColor(99, 102, 241),
        CostCategory::Kol => RGBColor(255, 36, 66),
        CostCategory::Paid => RGBColor(245, 158, 11),
        CostCategory::Agency => RGBColor(16, 185, 129),
        CostCategory::Technology => RGBColor(100, 116, 139),
    }
}

pub struct Labels<'a> {
    pub category: &'a dyn Fn(CostCategory) -> &'a str,
    pub locale: Locale,
    pub currency: &'a str,
}

/// Draws the chart; one hit per category (its whole row, name included)
/// with the exact amount and its share of the total.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    costs: &CostByCategory,
    labels: &Labels<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let max = CostCategory::ALL
        .iter()
        .map(|&c| costs.get(c))
        .fold(0.0f64, f64::max);
    if max <= 0.0 {
        return Ok(Vec::new());
    }
    let total: f64 = CostCategory::ALL.iter().map(|&c| costs.get(c)).sum();
    let texts = super::texts::chart_texts(labels.locale);
    let maker = HitMaker::new(area, scale);
    let mut hits = Vec::new();
    let rows = CostCategory::ALL.len() as f64;
    let name_font = (FONT, m.font(12.0)).into_font().color(&INK);
    let value_font = (FONT, m.font(12.0)).into_font().color(&MUTED);

    let mut chart = ChartBuilder::on(area)
        .margin(m.px(8.0))
        // Room for the export button in the top-right corner.
        .margin_top(m.px(22.0))
        .y_label_area_size(m.px(118.0))
        .x_label_area_size(0)
        .build_cartesian_2d(0f64..max * 1.32, 0f64..rows)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()?;

    for (i, &category) in CostCategory::ALL.iter().enumerate() {
        // First category at the top.
        let y0 = rows - i as f64 - 1.0;
        let amount = costs.get(category);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y0 + 0.2), (amount, y0 + 0.8)],
            category_colour(category).filled(),
        )))?;
        let (left, centre) = chart.backend_coord(&(0.0, y0 + 0.5));
        area.draw(&Text::new(
            (labels.category)(category).to_string(),
            (left - m.px(8.0) as i32, centre),
            name_font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let (end, _) = chart.backend_coord(&(amount, y0 + 0.5));
        area.draw(&Text::new(
            format::money(amount, labels.locale, labels.currency),
            (end + m.px(6.0) as i32, centre),
            value_font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let (_, row_top) = chart.backend_coord(&(0.0, y0 + 1.0));
        let (right, row_bottom) = chart.backend_coord(&(max * 1.32, y0));
        hits.push(
            maker.rect(
                (area.get_base_pixel().0, row_top),
                (right, row_bottom),
                [
                    (labels.category)(category).to_string(),
                    exact(amount, Unit::Money(labels.currency)),
                    (texts.of_total)(&format::percent(amount / total)),
                ]
                .join("\n"),
            ),
        );
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, svg, svg_hits, texts};

    fn costs() -> CostByCategory {
        CostByCategory {
            content: 94_560.0,
            kol: 563_991.0,
            paid: 191_050.0,
            agency: 90_000.0,
            technology: 11_880.0,
        }
    }

    fn draw_svg(locale: Locale, costs: &CostByCategory) -> String {
        let texts = crate::i18n::texts(locale);
        let name = |c| texts.cost_category(c);
        let labels = Labels {
            category: &name,
            locale,
            currency: "¥",
        };
        svg(480, 260, |area| draw(area, costs, &labels, 1.0).unwrap())
    }

    #[test]
    fn draws_a_bar_and_an_amount_per_category() {
        let out = draw_svg(Locale::En, &costs());
        let texts = texts(&out);
        for name in [
            "Content creation",
            "KOL / KOC fees",
            "Paid promotion",
            "Agency & staff",
            "Technology",
            "¥563,991",
            "¥11,880",
        ] {
            assert!(
                texts.contains(&name.to_string()),
                "{name} missing in {texts:?}"
            );
        }
        assert_eq!(count(&out, "fill=\"#FF2442\""), 1);
    }

    #[test]
    fn one_hit_per_category_row_with_the_exact_amount() {
        let texts = crate::i18n::texts(Locale::Zh);
        let name = |c| texts.cost_category(c);
        let labels = Labels {
            category: &name,
            locale: Locale::Zh,
            currency: "¥",
        };
        let (_, hits) = svg_hits(480, 260, |area| draw(area, &costs(), &labels, 1.0).unwrap());
        assert_eq!(hits.len(), 5);
        // Every digit, not the 万 rounding the bar's own label uses.
        assert_eq!(hits[1].label, "达人合作\n¥563,991\n占合计 59.3%");
        // Rows top to bottom, each starting at the left edge (the name).
        for pair in hits.windows(2) {
            assert!(pair[0].y1 <= pair[1].y0 + 1.0, "{pair:?}");
        }
        assert!(hits.iter().all(|h| h.x0 <= 0.0 && h.x1 > 400.0));
    }

    #[test]
    fn chinese_amounts_use_wan() {
        let texts = texts(&draw_svg(Locale::Zh, &costs()));
        assert!(texts.contains(&"达人合作".to_string()), "{texts:?}");
        assert!(texts.contains(&"¥56.40万".to_string()), "{texts:?}");
    }

    #[test]
    fn the_longest_bar_is_the_largest_cost() {
        let out = draw_svg(Locale::En, &costs());
        let width_of = |colour: &str| -> f64 {
            let at = out.find(&format!("fill=\"{colour}\"")).unwrap();
            let tag_start = out[..at].rfind("<rect").unwrap();
            let tag = &out[tag_start..at];
            let w = tag
                .split("width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            w.parse().unwrap()
        };
        assert!(width_of("#FF2442") > width_of("#F59E0B"));
        assert!(width_of("#F59E0B") > width_of("#64748B"));
    }

    #[test]
    fn ledger_swatches_in_the_stylesheet_match_the_bar_colours() {
        let css = include_str!("../../style/main.css");
        for category in CostCategory::ALL {
            let c = category_colour(category);
            let rule = format!(
                ".swatch-{} {{ background: rgb({} {} {}); }}",
                category.name(),
                c.0,
                c.1,
                c.2
            );
            assert!(css.contains(&rule), "style/main.css lacks `{rule}`");
        }
    }

    #[test]
    fn no_costs_draws_nothing_but_the_background() {
        let out = draw_svg(Locale::En, &CostByCategory::default());
        assert!(!out.contains("<text"));
        let (_, hits) = svg_hits(480, 260, |area| {
            let name = |_| "";
            let labels = Labels {
                category: &name,
                locale: Locale::En,
                currency: "¥",
            };
            draw(area, &CostByCategory::default(), &labels, 1.0).unwrap()
        });
        assert!(hits.is_empty());
    }
}
