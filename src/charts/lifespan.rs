//! Content lifespan: the cumulative share of a note's engagement by its age
//! in days (0 is the day of publication), for one average curve or several
//! notes, with a marker at the evergreen age (day 30).
//!
//! From the engine: `roi::lifespan(..).curve` gives the average curve as
//! `AgePoint { age, cumulative_share, .. }`, one per age from 0.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use xhs_roi_engine::format::Locale;

use super::hits::HitMaker;
use super::{
    exact, Hits, Legend, LegendMark, Metrics, Unit, AXIS, FONT, GRID, INK, MUTED, PALETTE,
};

/// One curve: its name and the cumulative share (0 to 1) at each age from
/// day 0 (NaN: no value).
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub label: String,
    pub shares: Vec<f64>,
}

pub struct Lifespan {
    /// Curves in `PALETTE` order (the first in the brand red). More than
    /// six get no legend; their tooltips still name them.
    pub curves: Vec<Curve>,
    /// The age marked by a vertical line (the evergreen age, 30), if any.
    pub marker_day: Option<u32>,
    pub locale: Locale,
}

/// The most curves the legend lists.
const LEGEND_MAX: usize = 6;

/// Draws the chart; one hit per age (the full height of its column) with
/// every curve's share at that age.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &Lifespan,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let ages = data
        .curves
        .iter()
        .map(|c| c.shares.len())
        .max()
        .unwrap_or(0);
    if ages == 0 {
        return Ok(Vec::new());
    }
    let texts = super::texts::chart_texts(data.locale);
    let last = (ages - 1).max(1) as f64;
    let label_font = (FONT, m.font(11.0)).into_font().color(&MUTED);
    let colour = |i: usize| PALETTE[i % PALETTE.len()];
    let items: Vec<(&str, LegendMark)> = if data.curves.len() <= LEGEND_MAX {
        data.curves
            .iter()
            .enumerate()
            .map(|(i, c)| (c.label.as_str(), LegendMark::Line(colour(i))))
            .collect()
    } else {
        Vec::new()
    };
    let (margin_left, y_labels) = (m.px(4.0), m.px(48.0));
    // From the plot's left edge, as wide as the chart allows.
    let legend = Legend::over_plot(area, &items, margin_left, y_labels, &m)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(if items.is_empty() {
            m.px(22.0)
        } else {
            legend.margin_top(&m)
        })
        .margin_right(m.px(18.0))
        .margin_left(margin_left)
        .margin_bottom(m.px(4.0))
        .x_label_area_size(m.px(40.0))
        .y_label_area_size(y_labels)
        .build_cartesian_2d(-0.5f64..last + 0.5, 0f64..1.05)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .label_style(label_font.clone())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(m.px(1.0)))
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()?;

    if let Some(day) = data.marker_day.filter(|&d| (d as usize) < ages) {
        let x = f64::from(day);
        chart.draw_series(DashedLineSeries::new(
            [(x, 0.0), (x, 1.05)],
            m.px(5.0),
            m.px(4.0),
            INK.mix(0.5).stroke_width(m.px(1.0)),
        ))?;
        let (px, py) = chart.backend_coord(&(x, 1.05));
        area.draw(&Text::new(
            (texts.day)(day),
            (px + m.px(4.0) as i32, py + m.px(2.0) as i32),
            label_font.clone().pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }

    for (i, curve) in data.curves.iter().enumerate() {
        let width = if i == 0 { 2.5 } else { 1.5 };
        let stroke = colour(i).stroke_width(m.px(width));
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (age, &share) in curve.shares.iter().enumerate() {
            if share.is_finite() {
                run.push((age as f64, share.clamp(0.0, 1.05)));
            } else if !run.is_empty() {
                chart.draw_series(LineSeries::new(std::mem::take(&mut run), stroke))?;
            }
        }
        if run.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(
                run[0],
                m.px(2.5),
                colour(i).filled(),
            )))?;
        } else if !run.is_empty() {
            chart.draw_series(LineSeries::new(run, stroke))?;
        }
    }

    // Day labels at round steps (weeks, months) rather than plotters' picks.
    let step = nice_step(last) as usize;
    let days = (0..ages).step_by(step).map(|d| (d as f64, d.to_string()));
    super::group_labels(area, &chart, days, &m)?;

    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    area.draw(&Text::new(
        texts.age_axis.to_string(),
        (plot_x.end, plot_y.end + m.px(22.0) as i32),
        label_font.pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    legend.draw(area, m.px(4.0) as i32, &m)?;

    let maker = HitMaker::new(area, scale);
    Ok((0..ages)
        .map(|age| {
            let lines =
                std::iter::once((texts.day)(age as u32)).chain(data.curves.iter().map(|c| {
                    let share = c.shares.get(age).copied().unwrap_or(f64::NAN);
                    (texts.pair)(&c.label, &exact(share, Unit::Fraction))
                }));
            let x = age as f64;
            maker.rect(
                chart.backend_coord(&(x - 0.5, 1.05)),
                chart.backend_coord(&(x + 0.5, 0.0)),
                lines.collect::<Vec<_>>().join("\n"),
            )
        })
        .collect())
}

/// A round step for about six day labels over `0..=last`.
fn nice_step(last: f64) -> f64 {
    let raw = (last / 6.0).max(1.0);
    [
        1.0, 2.0, 5.0, 7.0, 10.0, 14.0, 15.0, 30.0, 60.0, 90.0, 180.0, 365.0,
    ]
    .into_iter()
    .find(|&s| s >= raw)
    .unwrap_or_else(|| (raw / 365.0).ceil() * 365.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, hex, svg, svg_hits, text_boxes, texts};
    use crate::charts::RED;

    /// A curve that reaches `at_30` of its total by day 30 and all of it by
    /// the last day.
    fn curve(label: &str, days: usize, at_30: f64) -> Curve {
        Curve {
            label: label.into(),
            shares: (0..days)
                .map(|d| {
                    if d <= 30 {
                        at_30 * d as f64 / 30.0
                    } else {
                        at_30 + (1.0 - at_30) * (d - 30) as f64 / (days - 31) as f64
                    }
                })
                .collect(),
        }
    }

    fn data(curves: Vec<Curve>) -> Lifespan {
        Lifespan {
            curves,
            marker_day: Some(30),
            locale: Locale::En,
        }
    }

    #[test]
    fn curves_marker_axis_and_legend() {
        let chart = data(vec![curve("All notes", 91, 0.8), curve("N260012", 91, 0.5)]);
        let (out, hits) = svg_hits(720, 320, |area| draw(area, &chart, 1.0).unwrap());
        let texts = texts(&out);
        for t in [
            "All notes",
            "N260012",
            "Day 30",
            "Days since publication",
            "100%",
            "40%",
            "0",
            "90",
        ] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
        // The average in red, the note in the palette's second colour.
        assert!(count(&out, &format!("stroke=\"{}\"", hex(RED))) >= 2);
        assert!(count(&out, &format!("stroke=\"{}\"", hex(PALETTE[1]))) >= 2);
        assert_eq!(hits.len(), 91);
        assert_eq!(hits[30].label, "Day 30\nAll notes: 80.0%\nN260012: 50.0%");
        assert_eq!(hits[0].label, "Day 0\nAll notes: 0.00%\nN260012: 0.00%");
        for pair in hits.windows(2) {
            assert!((pair[0].x1 - pair[1].x0).abs() <= 1.0);
        }
    }

    #[test]
    fn the_curve_rises_left_to_right() {
        let chart = data(vec![curve("All notes", 61, 0.7)]);
        let out = svg(720, 320, |area| {
            draw(area, &chart, 1.0).unwrap();
        });
        // The one red polyline that has many points is the curve.
        let points = out
            .split("<polyline")
            .filter(|p| p.contains(&format!("stroke=\"{}\"", hex(RED))))
            .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
            .map(|p| {
                p.split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',').unwrap();
                        (x.parse::<f64>().unwrap(), y.parse::<f64>().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
            .max_by_key(Vec::len)
            .unwrap();
        assert_eq!(points.len(), 61);
        for pair in points.windows(2) {
            assert!(pair[1].0 > pair[0].0);
            assert!(pair[1].1 <= pair[0].1, "screen y falls as the share rises");
        }
    }

    #[test]
    fn many_notes_have_no_legend_but_named_tooltips_and_chinese_text() {
        let curves: Vec<Curve> = (0..9)
            .map(|i| curve(&format!("N{i}"), 40, 0.1 * i as f64))
            .collect();
        let mut chart = data(curves);
        chart.locale = Locale::Zh;
        let (out, hits) = svg_hits(720, 320, |area| draw(area, &chart, 1.0).unwrap());
        let texts = texts(&out);
        assert!(!texts.contains(&"N0".to_string()), "{texts:?}");
        assert!(texts.contains(&"第 30 天".to_string()), "{texts:?}");
        assert!(texts.contains(&"发布后天数".to_string()));
        assert_eq!(hits[35].label.lines().count(), 10);
        assert!(
            hits[35].label.starts_with("第 35 天\nN0："),
            "{}",
            hits[35].label
        );
    }

    #[test]
    fn short_or_empty_curves() {
        // Younger than the marker: no marker; one day: a dot.
        let chart = data(vec![Curve {
            label: "New".into(),
            shares: vec![1.0],
        }]);
        let (out, hits) = svg_hits(400, 200, |area| draw(area, &chart, 1.0).unwrap());
        assert!(!texts(&out).contains(&"Day 30".to_string()));
        assert_eq!(count(&out, "<circle"), 1);
        assert_eq!(hits.len(), 1);
        let (_, hits) = svg_hits(400, 200, |area| draw(area, &data(Vec::new()), 1.0).unwrap());
        assert!(hits.is_empty());
        assert_eq!(nice_step(90.0), 15.0);
        assert_eq!(nice_step(365.0), 90.0);
        assert_eq!(nice_step(3.0), 1.0);
    }

    #[test]
    fn note_titles_wrap_onto_rows_above_the_curves_on_a_phone() {
        let chart = data(vec![
            curve("All notes", 91, 0.8),
            curve("28天实测VC精华，暗沉真的亮了吗", 91, 0.5),
            curve("油皮夏天的焕亮精华正确打开方式", 91, 0.6),
        ]);
        let (out, hits) = svg_hits(322, 300, |area| draw(area, &chart, 1.0).unwrap());
        let boxes = text_boxes(&out);
        for b in &boxes {
            assert!(b.left >= 0.0 && b.right <= 322.0, "{b:?} runs off");
        }
        // The legend is drawn last.
        let legend = &boxes[boxes.len() - 3..];
        assert_eq!(legend[0].text, "All notes");
        assert!(legend[1].text.starts_with("28天实测"), "{legend:?}");
        assert!(legend[2].top > legend[0].top, "{legend:?}");
        let bottom = legend.iter().map(|b| b.bottom).fold(0.0, f64::max);
        assert!(hits.iter().all(|h| h.y0 > bottom), "the plot starts below");
    }
}
