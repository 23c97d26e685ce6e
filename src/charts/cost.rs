//! Cost by category: one horizontal bar per category, amount at its end.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::report::CostByCategory;
use xhs_roi_engine::CostCategory;

use super::hits::HitMaker;
use super::{exact, text_on, Hits, Metrics, Unit, AXIS, FONT, INK, MUTED};

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

    let amounts: Vec<String> = CostCategory::ALL
        .iter()
        .map(|&c| format::money(costs.get(c), labels.locale, labels.currency))
        .collect();
    let (margin, names) = (m.px(8.0), m.px(118.0));
    let plot = f64::from(margin + names)..f64::from(area.dim_in_pixel().0) - f64::from(margin);
    let scale_end = value_scale_end(area, costs, max, &amounts, &value_font, plot, &m)?;
    let mut chart = ChartBuilder::on(area)
        .margin(margin)
        // Room for the export button in the top-right corner.
        .margin_top(m.px(22.0))
        .y_label_area_size(names)
        .x_label_area_size(0)
        .build_cartesian_2d(0f64..scale_end, 0f64..rows)?;
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
        let text = &amounts[i];
        let (width, _) = area.estimate_text_size(text, &value_font)?;
        let outside = end + (m.px(6.0) + width) as i32 <= value_limit(area, &m);
        let inside = end - left >= (m.px(12.0) + width) as i32;
        if outside || !inside {
            area.draw(&Text::new(
                text.clone(),
                (end + m.px(6.0) as i32, centre),
                value_font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        } else {
            // No room right of the bar: at its end, inside it.
            area.draw(&Text::new(
                text.clone(),
                (end - m.px(6.0) as i32, centre),
                value_font
                    .clone()
                    .color(&text_on(category_colour(category)))
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        let (_, row_top) = chart.backend_coord(&(0.0, y0 + 1.0));
        let (right, row_bottom) = chart.backend_coord(&(scale_end, y0));
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

/// Where an amount's label must end: a little inside the canvas' right edge
/// (backend pixels).
fn value_limit<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, m: &Metrics) -> i32 {
    area.dim_in_pixel().0 as i32 - m.px(4.0) as i32
}

/// The amount at the plot's right edge: a third more than the largest, or
/// more where an amount's label would otherwise run past the canvas (a
/// narrow chart), but never so much that the longest bar is shorter than
/// 60% of the plot: labels still without room go inside their bars.
/// `max` is the largest cost, `amounts` the labels in `CostCategory::ALL`
/// order and `plot` the bars' span (backend pixels).
fn value_scale_end<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    costs: &CostByCategory,
    max: f64,
    amounts: &[String],
    font: &TextStyle<'_>,
    plot: std::ops::Range<f64>,
    m: &Metrics,
) -> Result<f64, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut end = max * 1.32;
    for (&category, text) in CostCategory::ALL.iter().zip(amounts) {
        let (width, _) = area.estimate_text_size(text, font)?;
        // From the bars' start to where this label must begin.
        let room = f64::from(value_limit(area, m)) - f64::from(m.px(6.0) + width) - plot.start;
        end = if room > 0.0 {
            end.max(costs.get(category) * (plot.end - plot.start) / room)
        } else {
            f64::INFINITY
        };
    }
    Ok(end.min(max / 0.6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, hex, rects, svg, svg_hits, text_boxes, texts};

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
        draw_sized(locale, costs, 480)
    }

    fn draw_sized(locale: Locale, costs: &CostByCategory, width: u32) -> String {
        let texts = crate::i18n::texts(locale);
        let name = |c| texts.cost_category(c);
        let labels = Labels {
            category: &name,
            locale,
            currency: "¥",
        };
        svg(width, 220, |area| draw(area, costs, &labels, 1.0).unwrap())
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

    /// The width of the bar in `colour`.
    fn bar_width(out: &str, colour: RGBColor) -> f64 {
        rects(out)
            .into_iter()
            .find(|r| r.fill == hex(colour))
            .unwrap()
            .width
    }

    #[test]
    fn the_largest_amount_stays_whole_inside_a_narrow_chart() {
        // A phone: the canvas is 322 px wide.
        let out = draw_sized(Locale::En, &costs(), 322);
        let boxes = text_boxes(&out);
        let largest = boxes.iter().find(|b| b.text == "¥563,991").unwrap();
        assert!(largest.right <= 322.0 - 4.0, "{largest:?}");
        for b in &boxes {
            assert!(b.left >= 0.0 && b.right <= 322.0, "{b:?} runs off");
        }
        // Still right of its bar, in grey.
        let kol = category_colour(CostCategory::Kol);
        let bar = rects(&out)
            .into_iter()
            .find(|r| r.fill == hex(kol))
            .unwrap();
        assert!(largest.left >= bar.x + bar.width, "{largest:?} {bar:?}");
        assert_eq!(largest.fill, hex(MUTED));
    }

    #[test]
    fn a_wide_chart_keeps_a_third_more_than_the_largest_cost() {
        // 480 px: the bars' span is 346 px and the longest bar 1/1.32 of it.
        let out = draw_svg(Locale::En, &costs());
        let kol = bar_width(&out, category_colour(CostCategory::Kol));
        assert!((kol - 346.0 / 1.32).abs() <= 2.0, "{kol}");
    }

    #[test]
    fn an_amount_without_room_beside_its_bar_goes_inside_it() {
        // So narrow that the longest bar keeps 60% of the plot: its amount
        // goes inside, in the colour that reads on the bar, and every
        // amount stays on the canvas.
        let out = draw_sized(Locale::En, &costs(), 250);
        let boxes = text_boxes(&out);
        let largest = boxes.iter().find(|b| b.text == "¥563,991").unwrap();
        let kol = category_colour(CostCategory::Kol);
        let bar = rects(&out)
            .into_iter()
            .find(|r| r.fill == hex(kol))
            .unwrap();
        assert!(largest.right <= bar.x + bar.width, "{largest:?} {bar:?}");
        assert!(largest.left >= bar.x, "{largest:?} {bar:?}");
        assert_eq!(largest.fill, hex(text_on(kol)));
        for b in &boxes {
            assert!(b.right <= 250.0, "{b:?} runs off");
        }
    }
}
