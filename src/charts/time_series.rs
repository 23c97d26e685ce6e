//! One or two series over time, by day, week or month: bars or a line each,
//! the second on its own right-hand axis unless the two share one.
//!
//! The chart takes points already bucketed (the engine's
//! `roi::engagement_series` and `roi::series` make them) and labelled;
//! [`bucket_label`] writes a bucket's axis label.

use plotters::coord::Shift;
use plotters::prelude::*;
use xhs_roi_engine::format::Locale;
pub use xhs_roi_engine::roi::Granularity;
use xhs_roi_engine::time::Day;

use super::hits::{axis_label, HitMaker};
use super::{exact, Hits, Legend, LegendMark, Metrics, Unit, AXIS, FONT, MUTED};

/// A bucket's axis label: `Mar 2` (`3/2`) for days and weeks, `Mar 2026`
/// (`2026年3月`) for months.
pub fn bucket_label(start: Day, granularity: Granularity, locale: Locale) -> String {
    let texts = super::texts::chart_texts(locale);
    let (y, m, d) = start.ymd();
    match granularity {
        Granularity::Day | Granularity::Week => (texts.day_label)(m, d),
        Granularity::Month => (texts.month_label)(y, m),
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Bars,
    Line,
}

/// One series: its name (in the interface language), unit, mark and colour.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub label: &'a str,
    pub unit: Unit<'a>,
    pub mark: Mark,
    pub colour: RGBColor,
}

pub struct TimeSeries<'a> {
    pub granularity: Granularity,
    /// One point per bucket, oldest first: its axis label (see
    /// [`bucket_label`]) and one value per series (NaN: no value).
    pub points: Vec<(String, Vec<f64>)>,
    /// One or two series. The first is read on the left axis; the second on
    /// a right-hand axis, or on the left too when `shared_axis` (two amounts
    /// of the same kind, such as cost and revenue).
    pub series: Vec<Series<'a>>,
    pub shared_axis: bool,
    pub locale: Locale,
}

/// Draws the chart; one hit per point (the full height of its column) with
/// every series' exact value, the bucket named in the first line.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &TimeSeries<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let n = data.points.len();
    let count = data.series.len().min(2);
    if n == 0 || count == 0 {
        return Ok(Vec::new());
    }
    let value = |p: &(String, Vec<f64>), s: usize| p.1.get(s).copied().unwrap_or(f64::NAN);
    let range = |series: &[usize]| {
        let (low, high) = data
            .points
            .iter()
            .flat_map(|p| series.iter().map(move |&s| value(p, s)))
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let high = if high <= low { low + 1.0 } else { high };
        (low * 1.12, high + (high - low) * 0.12)
    };
    let two_axes = count == 2 && !data.shared_axis;
    let left = if two_axes {
        range(&[0])
    } else {
        range(&[0, 1][..count])
    };
    let right = if two_axes { range(&[1]) } else { left };
    let x_range = 0f64..n as f64;

    let items: Vec<(&str, LegendMark)> = data.series[..count]
        .iter()
        .map(|s| {
            let mark = match s.mark {
                Mark::Bars => LegendMark::Bar(s.colour),
                Mark::Line => LegendMark::Line(s.colour),
            };
            (s.label, mark)
        })
        .collect();
    let (margin_left, y_labels) = (m.px(4.0), m.px(52.0));
    // From the plot's left edge, as wide as the chart allows.
    let legend = Legend::over_plot(area, &items, margin_left, y_labels, &m)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(legend.margin_top(&m))
        .margin_right(m.px(if two_axes { 6.0 } else { 14.0 }))
        .margin_left(margin_left)
        .margin_bottom(m.px(4.0))
        .x_label_area_size(m.px(26.0))
        .y_label_area_size(y_labels)
        .right_y_label_area_size(if two_axes { m.px(52.0) } else { 0 })
        .build_cartesian_2d(x_range.clone(), left.0..left.1)?
        .set_secondary_coord(x_range, right.0..right.1);

    let label_font = (FONT, m.font(11.0)).into_font().color(&MUTED);
    let left_unit = data.series[0].unit;
    let locale = data.locale;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|y| axis_label(*y, left_unit, locale))
        .y_label_style(label_font.clone())
        .light_line_style(TRANSPARENT)
        .bold_line_style(super::GRID.stroke_width(m.px(1.0)))
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()?;
    if two_axes {
        let right_unit = data.series[1].unit;
        chart
            .configure_secondary_axes()
            .y_labels(5)
            .y_label_formatter(&|y| axis_label(*y, right_unit, locale))
            .label_style(label_font)
            .axis_style(AXIS.stroke_width(m.px(1.0)))
            .draw()?;
    }

    // Bars first, side by side when both series are bars; lines over them.
    let bar_series: Vec<usize> = (0..count)
        .filter(|&s| data.series[s].mark == Mark::Bars)
        .collect();
    let slot = 0.72 / bar_series.len().max(1) as f64;
    for (k, &s) in bar_series.iter().enumerate() {
        let colour = data.series[s].colour;
        let bars = data.points.iter().enumerate().filter_map(|(i, p)| {
            let v = value(p, s);
            v.is_finite().then(|| {
                let x = i as f64 + 0.14 + k as f64 * slot;
                Rectangle::new([(x, 0.0), (x + slot * 0.92, v)], colour.filled())
            })
        });
        if s == 1 && two_axes {
            chart.draw_secondary_series(bars)?;
        } else {
            chart.draw_series(bars)?;
        }
    }
    for s in (0..count).filter(|&s| data.series[s].mark == Mark::Line) {
        let colour = data.series[s].colour;
        let stroke = colour.stroke_width(m.px(2.0));
        // A missing value breaks the line.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, p) in data.points.iter().enumerate() {
            let v = value(p, s);
            if v.is_finite() {
                if let Some(run) = runs.last_mut() {
                    run.push((i as f64 + 0.5, v));
                }
            } else if runs.last().is_some_and(|r| !r.is_empty()) {
                runs.push(Vec::new());
            }
        }
        let dots = n <= 60;
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            let circles: Vec<Circle<(f64, f64), u32>> = if dots || run.len() == 1 {
                run.iter()
                    .map(|&p| Circle::new(p, m.px(2.5), colour.filled()))
                    .collect()
            } else {
                Vec::new()
            };
            if s == 1 && two_axes {
                chart.draw_secondary_series(LineSeries::new(run, stroke))?;
                chart.draw_secondary_series(circles)?;
            } else {
                chart.draw_series(LineSeries::new(run, stroke))?;
                chart.draw_series(circles)?;
            }
        }
    }

    super::period_labels(area, &chart, data.points.iter().map(|p| p.0.as_str()), &m)?;
    legend.draw(area, m.px(4.0) as i32, &m)?;

    let texts = super::texts::chart_texts(locale);
    let maker = HitMaker::new(area, scale);
    Ok(data
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let head = match data.granularity {
                Granularity::Week => (texts.week_of)(&p.0),
                Granularity::Day | Granularity::Month => p.0.clone(),
            };
            let lines =
                std::iter::once(head).chain(data.series[..count].iter().enumerate().map(
                    |(s, series)| (texts.pair)(series.label, &exact(value(p, s), series.unit)),
                ));
            maker.rect(
                chart.backend_coord(&(i as f64, left.1)),
                chart.backend_coord(&(i as f64 + 1.0, left.0)),
                lines.collect::<Vec<_>>().join("\n"),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{count, font_sizes, hex, rects, svg, svg_hits, texts};
    use crate::charts::{RED, RED_SOFT};

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn bucket_labels_follow_the_language() {
        let d = day(2026, 3, 2);
        assert_eq!(bucket_label(d, Granularity::Week, Locale::En), "Mar 2");
        assert_eq!(bucket_label(d, Granularity::Day, Locale::Zh), "3/2");
        assert_eq!(bucket_label(d, Granularity::Month, Locale::En), "Mar 2026");
        assert_eq!(bucket_label(d, Granularity::Month, Locale::Zh), "2026年3月");
        for g in Granularity::ALL {
            assert_eq!(Granularity::parse(g.name()), Some(g));
        }
    }

    fn weekly(points: usize, second: Mark) -> TimeSeries<'static> {
        let monday = day(2026, 3, 2);
        TimeSeries {
            granularity: Granularity::Week,
            points: (0..points)
                .map(|i| {
                    (
                        bucket_label(monday.add_days(7 * i as i32), Granularity::Week, Locale::En),
                        vec![1_000.0 * (i + 1) as f64, 12.5 + i as f64],
                    )
                })
                .collect(),
            series: vec![
                Series {
                    label: "Impressions",
                    unit: Unit::Count,
                    mark: Mark::Bars,
                    colour: RED_SOFT,
                },
                Series {
                    label: "Revenue",
                    unit: Unit::Money("¥"),
                    mark: second,
                    colour: RED,
                },
            ],
            shared_axis: false,
            locale: Locale::En,
        }
    }

    #[test]
    fn draws_bars_a_line_labels_and_one_hit_per_point() {
        let (out, hits) = svg_hits(800, 320, |area| {
            draw(area, &weekly(6, Mark::Line), 1.0).unwrap()
        });
        // Six bars and the legend swatch.
        assert_eq!(count(&out, &format!("fill=\"{}\"", hex(RED_SOFT))), 7);
        let red_lines = |svg: &str| count(svg, &format!("stroke=\"{}\"", hex(RED)));
        assert_eq!(red_lines(&out), 1 + 1, "the line and its legend");
        let texts = texts(&out);
        for t in ["Impressions", "Revenue", "Mar 2", "Apr 6", "6k"] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
        // The right axis reads the revenue (12.5 to 17.5).
        assert!(texts.iter().any(|t| t == "10" || t == "15"), "{texts:?}");
        assert_eq!(hits.len(), 6);
        assert_eq!(
            hits[1].label,
            "Week of Mar 9\nImpressions: 2,000\nRevenue: ¥13.50"
        );
        for pair in hits.windows(2) {
            assert!(pair[0].x0 < pair[1].x0);
        }
    }

    #[test]
    fn the_tallest_bar_is_the_largest_value() {
        let out = svg(800, 320, |area| {
            draw(area, &weekly(6, Mark::Line), 1.0).unwrap();
        });
        let bars: Vec<_> = rects(&out)
            .into_iter()
            .filter(|r| r.fill == hex(RED_SOFT) && r.height > 14.0)
            .collect();
        assert_eq!(bars.len(), 6, "{bars:?}");
        for pair in bars.windows(2) {
            assert!(pair[0].height < pair[1].height, "{pair:?}");
            assert!(pair[0].x < pair[1].x);
        }
    }

    #[test]
    fn two_bar_series_stand_side_by_side_and_a_shared_axis_has_no_right_labels() {
        let mut data = weekly(4, Mark::Bars);
        data.shared_axis = true;
        let out = svg(800, 320, |area| {
            draw(area, &data, 1.0).unwrap();
        });
        assert_eq!(count(&out, &format!("fill=\"{}\"", hex(RED))), 4 + 1);
        assert_eq!(count(&out, &format!("fill=\"{}\"", hex(RED_SOFT))), 4 + 1);
        assert_eq!(count(&out, &format!("stroke=\"{}\"", hex(RED))), 0);
        // Only one axis of labels: 4k is the left axis' top, nothing else
        // reads like the revenue's small numbers.
        let texts = texts(&out);
        assert!(texts.contains(&"4k".to_string()), "{texts:?}");
        assert!(!texts.iter().any(|t| t == "10" || t == "15"), "{texts:?}");
    }

    #[test]
    fn a_missing_value_breaks_the_line_and_reads_as_a_dash() {
        let mut data = weekly(5, Mark::Line);
        data.points[2].1[1] = f64::NAN;
        let (out, hits) = svg_hits(800, 320, |area| draw(area, &data, 1.0).unwrap());
        assert_eq!(count(&out, &format!("stroke=\"{}\"", hex(RED))), 2 + 1);
        assert!(hits[2].label.ends_with("Revenue: —"), "{}", hits[2].label);
    }

    #[test]
    fn many_days_get_sparse_labels_and_a_single_series_works() {
        let start = day(2026, 1, 1);
        let data = TimeSeries {
            granularity: Granularity::Day,
            points: (0..120)
                .map(|i| {
                    (
                        bucket_label(start.add_days(i), Granularity::Day, Locale::Zh),
                        vec![f64::from(i)],
                    )
                })
                .collect(),
            series: vec![Series {
                label: "互动量",
                unit: Unit::Count,
                mark: Mark::Line,
                colour: RED,
            }],
            shared_axis: false,
            locale: Locale::Zh,
        };
        let (out, hits) = svg_hits(600, 300, |area| draw(area, &data, 1.0).unwrap());
        let texts = texts(&out);
        assert!(texts.contains(&"1/1".to_string()), "{texts:?}");
        let day_labels = texts.iter().filter(|t| t.contains('/')).count();
        assert!((3..=10).contains(&day_labels), "{texts:?}");
        assert_eq!(hits.len(), 120);
        assert_eq!(hits[31].label, "2/1\n互动量：31");
        // No dots on a long line.
        assert_eq!(count(&out, "<circle"), 0);
    }

    #[test]
    fn nothing_to_draw_is_not_an_error() {
        let mut data = weekly(0, Mark::Line);
        let (_, hits) = svg_hits(400, 200, |area| draw(area, &data, 1.0).unwrap());
        assert!(hits.is_empty());
        data = weekly(3, Mark::Line);
        data.series.clear();
        let (_, hits) = svg_hits(400, 200, |area| draw(area, &data, 1.0).unwrap());
        assert!(hits.is_empty());
    }

    #[test]
    fn text_scales_with_the_device_pixel_ratio() {
        let largest = |scale: f64| {
            let size = (800.0 * scale) as u32;
            let out = svg(size, size / 2, |area| {
                draw(area, &weekly(6, Mark::Line), scale).unwrap();
            });
            font_sizes(&out).into_iter().fold(0.0, f64::max)
        };
        assert!((largest(2.0) - 2.0 * largest(1.0)).abs() < 1e-9);
    }
}
