//! Weekly impressions (bars, left axis) and interactions (line, right axis).

use plotters::coord::Shift;
use plotters::prelude::*;
use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::report::WeekPoint;

use super::hits::HitMaker;
use super::{exact, Hits, Metrics, Unit, AXIS, FONT, MUTED, RED, RED_SOFT};

/// Text the chart needs, already in the interface language.
pub struct Labels<'a> {
    pub impressions: &'a str,
    pub interactions: &'a str,
    pub week_label: fn(u32, u32) -> String,
    pub locale: Locale,
}

/// Draws the chart; one hit per week (the full height of its column) with
/// both values.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weeks: &[WeekPoint],
    labels: &Labels<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    if weeks.is_empty() {
        return Ok(Vec::new());
    }
    let n = weeks.len() as f64;
    let top = |values: &mut dyn Iterator<Item = f64>| values.fold(0.0f64, f64::max).max(1.0) * 1.12;
    let max_impressions = top(&mut weeks.iter().map(|w| w.impressions));
    let max_interactions = top(&mut weeks.iter().map(|w| w.interactions));

    let label_font = (FONT, m.font(11.0)).into_font().color(&MUTED);
    let mut chart = ChartBuilder::on(area)
        // Room for the export button above the right axis.
        .margin_top(m.px(24.0))
        .margin_right(m.px(6.0))
        .margin_left(m.px(4.0))
        .margin_bottom(m.px(4.0))
        .x_label_area_size(m.px(26.0))
        .y_label_area_size(m.px(48.0))
        .right_y_label_area_size(m.px(44.0))
        .build_cartesian_2d(0f64..n, 0f64..max_impressions)?
        .set_secondary_coord(0f64..n, 0f64..max_interactions);

    let locale = labels.locale;
    super::value_mesh(&mut chart, &m, locale)?;
    chart
        .configure_secondary_axes()
        .y_labels(5)
        .y_label_formatter(&|y| format::compact(*y, locale))
        .label_style(label_font.clone())
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()?;

    // Week labels under the bars they name, every k-th so they never collide.
    let every = ((n / 8.0).ceil() as usize).max(1);
    let week_labels = weeks.iter().enumerate().step_by(every).map(|(i, w)| {
        let (_, month, day) = w.week.ymd();
        (i as f64 + 0.5, (labels.week_label)(month, day))
    });
    super::group_labels(area, &chart, week_labels, &m)?;

    chart.draw_series(weeks.iter().enumerate().map(|(i, w)| {
        let x = i as f64;
        Rectangle::new(
            [(x + 0.14, 0.0), (x + 0.86, w.impressions)],
            RED_SOFT.filled(),
        )
    }))?;

    let line = RED.stroke_width(m.px(2.0));
    chart.draw_secondary_series(LineSeries::new(
        weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (i as f64 + 0.5, w.interactions)),
        line,
    ))?;
    chart.draw_secondary_series(
        weeks
            .iter()
            .enumerate()
            .map(|(i, w)| Circle::new((i as f64 + 0.5, w.interactions), m.px(2.5), RED.filled())),
    )?;

    let (left, top) = chart.backend_coord(&(0.0, max_impressions));
    super::legend(
        area,
        &[
            (labels.impressions, super::LegendMark::Bar(RED_SOFT)),
            (labels.interactions, super::LegendMark::Line(RED)),
        ],
        (left + m.px(10.0) as i32, top + m.px(4.0) as i32),
        &m,
    )?;

    let texts = super::texts::chart_texts(labels.locale);
    let maker = HitMaker::new(area, scale);
    Ok(weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (_, month, day) = w.week.ymd();
            let label = [
                (texts.week_of)(&(labels.week_label)(month, day)),
                (texts.pair)(labels.impressions, &exact(w.impressions, Unit::Count)),
                (texts.pair)(labels.interactions, &exact(w.interactions, Unit::Count)),
            ]
            .join("\n");
            maker.rect(
                chart.backend_coord(&(i as f64, max_impressions)),
                chart.backend_coord(&(i as f64 + 1.0, 0.0)),
                label,
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, font_sizes, svg, svg_hits, texts};
    use xhs_roi_engine::time::Day;

    fn weeks() -> Vec<WeekPoint> {
        let monday = Day::from_ymd(2026, 3, 2).unwrap();
        (0..10)
            .map(|i| WeekPoint {
                week: monday.add_days(7 * i),
                impressions: 100_000.0 * (i + 1) as f64,
                interactions: 5_000.0 + 100.0 * i as f64,
            })
            .collect()
    }

    fn labels(locale: Locale) -> Labels<'static> {
        let texts = crate::i18n::texts(locale);
        Labels {
            impressions: texts.impressions,
            interactions: texts.interactions,
            week_label: texts.week_label,
            locale,
        }
    }

    #[test]
    fn draws_one_bar_per_week_and_the_legend() {
        let out = svg(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::En), 1.0).unwrap()
        });
        // 10 bars in the bar colour, plus the legend swatch.
        assert_eq!(count(&out, "fill=\"#FFC4CC\""), 11, "{out}");
        let texts = texts(&out);
        assert!(texts.contains(&"Impressions".to_string()), "{texts:?}");
        assert!(texts.contains(&"Interactions".to_string()));
        // A polyline for the interactions line.
        assert!(out.contains("<polyline"));
    }

    #[test]
    fn one_hit_per_week_with_both_exact_values() {
        let (_, hits) = svg_hits(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::En), 1.0).unwrap()
        });
        assert_eq!(hits.len(), 10);
        assert_eq!(
            hits[0].label,
            "Week of Mar 2\nImpressions: 100,000\nInteractions: 5,000"
        );
        assert_eq!(
            hits[9].label,
            "Week of May 4\nImpressions: 1,000,000\nInteractions: 5,900"
        );
        // Columns side by side, left to right, the plot's full height.
        for pair in hits.windows(2) {
            assert!((pair[0].x1 - pair[1].x0).abs() < 1.0, "{pair:?}");
            assert_eq!(pair[0].y0, pair[1].y0);
        }
        assert!(hits[0].y1 - hits[0].y0 > 200.0, "{:?}", hits[0]);
        // In CSS pixels whatever the device pixel ratio.
        let (_, sharp) = svg_hits(1600, 640, |area| {
            draw(area, &weeks(), &labels(Locale::En), 2.0).unwrap()
        });
        for (a, b) in hits.iter().zip(&sharp) {
            assert!((a.x0 - b.x0).abs() <= 1.0 && (a.y1 - b.y1).abs() <= 1.0);
        }
        let (_, zh) = svg_hits(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::Zh), 1.0).unwrap()
        });
        assert_eq!(zh[0].label, "3/2 当周\n曝光：100,000\n互动量：5,000");
    }

    #[test]
    fn week_labels_and_axes_follow_the_language() {
        let en = texts(&svg(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::En), 1.0).unwrap()
        }));
        assert!(en.contains(&"Mar 2".to_string()), "{en:?}");
        assert!(en.contains(&"1M".to_string()), "{en:?}");
        let zh = texts(&svg(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::Zh), 1.0).unwrap()
        }));
        assert!(zh.contains(&"3/2".to_string()), "{zh:?}");
        assert!(zh.contains(&"曝光".to_string()));
        assert!(zh.iter().any(|t| t.ends_with('万')), "{zh:?}");
    }

    #[test]
    fn an_empty_series_draws_a_blank_chart_without_error() {
        let out = svg(400, 200, |area| {
            draw(area, &[], &labels(Locale::En), 1.0).unwrap()
        });
        assert!(!out.contains("<polyline"));
    }

    #[test]
    fn text_scales_with_the_device_pixel_ratio() {
        let one = svg(800, 320, |area| {
            draw(area, &weeks(), &labels(Locale::En), 1.0).unwrap()
        });
        let two = svg(1600, 640, |area| {
            draw(area, &weeks(), &labels(Locale::En), 2.0).unwrap()
        });
        let largest = |svg: &str| font_sizes(svg).into_iter().fold(0.0, f64::max);
        assert!(largest(&one) > 0.0);
        assert!((largest(&two) - 2.0 * largest(&one)).abs() < 1e-9);
    }
}
