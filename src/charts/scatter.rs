//! Cost (x) against return (y) per KOL, with the break-even line y = x
//! (ROAS 1): points above it earned more than they cost. The KOLs with the
//! largest return can be named on the chart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use xhs_roi_engine::format::{self, Locale};

use super::hits::HitMaker;
use super::{exact, Hits, Metrics, Unit, AXIS, FONT, GRID, INK, MUTED, RED};

/// Points below break-even.
pub const BELOW: RGBColor = RGBColor(100, 116, 139);

/// One KOL (or any group): its name, cost and return in the same currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub name: String,
    pub cost: f64,
    pub value: f64,
}

pub struct Scatter<'a> {
    pub points: Vec<Point>,
    /// Name the points with the largest return, this many (0: none).
    pub label_top: usize,
    /// The axes' names, e.g. `chart_texts(locale).cost` and `.revenue`.
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub currency: &'a str,
    pub locale: Locale,
}

/// Draws the scatter; one hit per point (a box around it), left to right,
/// with the name, both exact amounts and the ROAS. Points without a finite
/// cost and return are left out.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &Scatter<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let mut points: Vec<&Point> = data
        .points
        .iter()
        .filter(|p| p.cost.is_finite() && p.value.is_finite())
        .collect();
    if points.is_empty() {
        return Ok(Vec::new());
    }
    points.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.value.total_cmp(&b.value)));
    let span = |read: fn(&Point) -> f64| {
        let (lo, hi) = points
            .iter()
            .map(|p| read(p))
            .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let hi = if hi <= lo { lo + 1.0 } else { hi };
        let pad = (hi - lo) * 0.08;
        (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
    };
    let (x_lo, x_hi) = span(|p| p.cost);
    let (y_lo, y_hi) = span(|p| p.value);
    let locale = data.locale;
    let label_font = (FONT, m.font(11.0)).into_font().color(&MUTED);
    let mut chart = ChartBuilder::on(area)
        .margin_top(m.px(24.0))
        .margin_right(m.px(18.0))
        .margin_left(m.px(4.0))
        .margin_bottom(m.px(4.0))
        .x_label_area_size(m.px(40.0))
        .y_label_area_size(m.px(52.0))
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|v| format::compact(*v, locale))
        .y_label_formatter(&|v| format::compact(*v, locale))
        .label_style(label_font.clone())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(m.px(1.0)))
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()?;

    let texts = super::texts::chart_texts(locale);
    // Break-even: y = x where both axes have it.
    let (from, to) = (x_lo.max(y_lo), x_hi.min(y_hi));
    if to > from {
        chart.draw_series(DashedLineSeries::new(
            [(from, from), (to, to)],
            m.px(6.0),
            m.px(4.0),
            MUTED.stroke_width(m.px(1.0)),
        ))?;
        // Named a little past the middle of the line: its top end is where
        // the largest returns, which are named too, tend to sit.
        let at = from + (to - from) * 0.6;
        let (px, py) = chart.backend_coord(&(at, at));
        area.draw(&Text::new(
            texts.break_even.to_string(),
            (px - m.px(4.0) as i32, py - m.px(4.0) as i32),
            label_font.clone().pos(Pos::new(HPos::Right, VPos::Bottom)),
        ))?;
    }

    let radius = m.px(4.5);
    chart.draw_series(points.iter().map(|p| {
        let colour = if p.value >= p.cost { RED } else { BELOW };
        Circle::new((p.cost, p.value), radius, colour.mix(0.85).filled())
    }))?;

    // Names of the largest returns, right of their points, or left of
    // them where the name would run past the plot's right edge.
    let mut top: Vec<&&Point> = points.iter().collect();
    top.sort_by(|a, b| b.value.total_cmp(&a.value));
    let name_font = (FONT, m.font(11.0)).into_font().color(&INK);
    let right_edge = chart.plotting_area().get_pixel_range().0.end;
    let gap = radius as i32 + m.px(4.0) as i32;
    for p in top.into_iter().take(data.label_top) {
        let (px, py) = chart.backend_coord(&(p.cost, p.value));
        let width = area
            .estimate_text_size(&p.name, &name_font)
            .map_or(0, |(w, _)| w as i32);
        let (x, h) = if px + gap + width > right_edge {
            (px - gap, HPos::Right)
        } else {
            (px + gap, HPos::Left)
        };
        area.draw(&Text::new(
            p.name.clone(),
            (x, py),
            name_font.clone().pos(Pos::new(h, VPos::Center)),
        ))?;
    }

    // Axis titles: the x one at the right end under the axis, the y one
    // above the axis (no rotated text).
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    area.draw(&Text::new(
        data.x_title.to_string(),
        (plot_x.end, plot_y.end + m.px(22.0) as i32),
        label_font
            .clone()
            .color(&INK)
            .pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    area.draw(&Text::new(
        data.y_title.to_string(),
        (plot_x.start - m.px(4.0) as i32, m.px(6.0) as i32),
        label_font.color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;

    let maker = HitMaker::new(area, scale);
    let money = |v: f64| exact(v, Unit::Money(data.currency));
    Ok(points
        .iter()
        .map(|p| {
            let roas = (p.cost > 0.0).then(|| p.value / p.cost);
            let label = [
                p.name.clone(),
                (texts.pair)(data.x_title, &money(p.cost)),
                (texts.pair)(data.y_title, &money(p.value)),
                (texts.pair)(texts.roas, &format::or_missing(roas, format::multiple)),
            ]
            .join("\n");
            maker.around(chart.backend_coord(&(p.cost, p.value)), 7.0, label)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, svg, svg_hits, texts};
    use crate::charts::texts::chart_texts;

    fn kols() -> Vec<Point> {
        [
            ("Luna", 20_000.0, 64_000.0),
            ("Momo", 50_000.0, 30_000.0),
            ("Xiaoyu", 8_000.0, 8_800.0),
            ("Coco", 1_200.5, 0.0),
            ("Broken", f64::NAN, 10.0),
        ]
        .into_iter()
        .map(|(name, cost, value)| Point {
            name: name.into(),
            cost,
            value,
        })
        .collect()
    }

    fn scatter(locale: Locale, label_top: usize) -> Scatter<'static> {
        let t = chart_texts(locale);
        Scatter {
            points: kols(),
            label_top,
            x_title: t.cost,
            y_title: t.revenue,
            currency: "¥",
            locale,
        }
    }

    #[test]
    fn a_name_that_would_run_past_the_right_edge_ends_left_of_its_point() {
        let mut data = scatter(Locale::En, 4);
        // The right-most point, with a long name.
        data.points[1].name = "Momo beauty diary".into();
        let out = svg(640, 360, |area| draw(area, &data, 1.0).unwrap());
        // Its name ends at the point.
        let attributes_of = |name: &str| -> String {
            out.split("<text")
                .find_map(|part| {
                    let (attributes, body) = part.split_once('>')?;
                    (body.split("</text>").next()?.trim() == name).then(|| attributes.to_string())
                })
                .unwrap_or_else(|| panic!("{name} is not named in {out}"))
        };
        assert!(attributes_of("Momo beauty diary").contains("text-anchor=\"end\""));
        assert!(!attributes_of("Luna").contains("text-anchor=\"end\""));
    }

    #[test]
    fn a_point_per_kol_coloured_by_break_even_with_the_line_and_titles() {
        let (out, hits) = svg_hits(640, 360, |area| {
            draw(area, &scatter(Locale::En, 2), 1.0).unwrap()
        });
        assert_eq!(count(&out, "<circle"), 4);
        assert_eq!(
            count(&out, "fill=\"#FF2442\""),
            2,
            "Luna and Xiaoyu earn more than they cost"
        );
        assert_eq!(count(&out, "fill=\"#64748B\""), 2);
        let texts = texts(&out);
        for t in [
            "Cost",
            "Revenue",
            "Break-even (ROAS 1)",
            "Luna",
            "Momo",
            "60k",
            "50k",
        ] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
        // Only the two largest returns are named.
        assert!(!texts.contains(&"Xiaoyu".to_string()));
        assert!(!texts.contains(&"Coco".to_string()));
        // The dashed break-even line: several short segments.
        assert!(count(&out, "<polyline") >= 5, "{out}");

        let labels: Vec<&str> = hits.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Coco\nCost: ¥1,200.50\nRevenue: ¥0\nROAS: 0.00×",
                "Xiaoyu\nCost: ¥8,000\nRevenue: ¥8,800\nROAS: 1.10×",
                "Luna\nCost: ¥20,000\nRevenue: ¥64,000\nROAS: 3.20×",
                "Momo\nCost: ¥50,000\nRevenue: ¥30,000\nROAS: 0.60×",
            ]
        );
        // Boxes around the points: Luna is highest (smallest y), Momo right-most.
        assert!(hits[2].y0 < hits.iter().map(|h| h.y0).fold(f64::MAX, f64::min) + 0.5);
        assert!(hits[3].x0 > hits[2].x0);
        assert!(hits.iter().all(|h| (h.x1 - h.x0 - 14.0).abs() < 1e-9));
    }

    #[test]
    fn points_on_break_even_sit_on_the_line() {
        let data = Scatter {
            points: vec![
                Point {
                    name: "a".into(),
                    cost: 100.0,
                    value: 100.0,
                },
                Point {
                    name: "b".into(),
                    cost: 400.0,
                    value: 400.0,
                },
            ],
            ..scatter(Locale::En, 0)
        };
        let (_, hits) = svg_hits(500, 500, |area| draw(area, &data, 1.0).unwrap());
        // Same scale on both axes here: equal steps right and up.
        let centre = |h: &crate::charts::Hit| ((h.x0 + h.x1) / 2.0, (h.y0 + h.y1) / 2.0);
        let (ax, ay) = centre(&hits[0]);
        let (bx, by) = centre(&hits[1]);
        assert!(bx > ax && by < ay);
    }

    #[test]
    fn chinese_titles_and_negative_returns() {
        let mut data = scatter(Locale::Zh, 1);
        data.points[1].value = -5_000.0;
        let (out, hits) = svg_hits(640, 360, |area| draw(area, &data, 1.0).unwrap());
        let texts = texts(&out);
        for t in ["成本", "收入", "盈亏平衡线（ROAS 1）", "Luna"] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
        assert!(hits[3].label.contains("收入：-¥5,000"), "{}", hits[3].label);
        // The negative return is inside the plot: below Coco's zero.
        assert!(hits[3].y0 > hits[0].y0);
        let empty = svg(640, 360, |area| {
            let hits = draw(
                area,
                &Scatter {
                    points: Vec::new(),
                    ..scatter(Locale::En, 3)
                },
                1.0,
            )
            .unwrap();
            assert!(hits.is_empty());
        });
        assert!(!empty.contains("<circle"));
    }
}
