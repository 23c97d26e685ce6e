//! Attribution: one group of bars per channel, one bar per model, with the
//! bootstrap interval drawn on the models that have one.

use plotters::coord::Shift;
use plotters::prelude::*;
use xhs_roi_engine::format::Locale;

use super::hits::HitMaker;
use super::{exact, GroupNames, Hits, Legend, LegendMark, Metrics, Unit, INK};

/// One model's bars.
pub struct ModelSeries<'a> {
    pub label: &'a str,
    pub colour: RGBColor,
    /// Credit per channel, in `Bars::channels` order.
    pub values: Vec<f64>,
    /// 95% bootstrap interval per channel, when the model has one.
    pub intervals: Option<Vec<(f64, f64)>>,
}

pub struct Bars<'a> {
    /// Channel labels, in the interface language.
    pub channels: Vec<String>,
    pub models: Vec<ModelSeries<'a>>,
    pub locale: Locale,
}

/// The colour of a model wherever it appears.
pub fn model_colour(model: &str) -> RGBColor {
    match model {
        "first_touch" => RGBColor(148, 163, 184),
        "last_touch" => RGBColor(71, 85, 105),
        "linear" => RGBColor(167, 139, 250),
        "position_based" => RGBColor(96, 165, 250),
        "time_decay" => RGBColor(52, 211, 153),
        "markov" => RGBColor(255, 36, 66),
        _ => RGBColor(245, 158, 11),
    }
}

/// Draws the chart; one hit per bar with the channel, the model's credit
/// and its interval, left to right.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &Bars<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let groups = bars.channels.len();
    let series = bars.models.len();
    if groups == 0 || series == 0 {
        return Ok(Vec::new());
    }
    let texts = super::texts::chart_texts(bars.locale);
    let maker = HitMaker::new(area, scale);
    let mut hits = Vec::new();
    let top = bars
        .models
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .copied()
                .chain(s.intervals.iter().flatten().map(|&(_, high)| high))
        })
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.08;
    let (margin_left, margin_right, y_labels) = (m.px(4.0), m.px(8.0), m.px(44.0));
    let plot_left = (margin_left + y_labels) as i32;
    let items: Vec<(&str, LegendMark)> = bars
        .models
        .iter()
        .map(|s| (s.label, LegendMark::Bar(s.colour)))
        .collect();
    let legend = Legend::new(area, &items, plot_left, &m)?;
    let plot_width =
        f64::from(area.dim_in_pixel().0) - f64::from(margin_left + y_labels + margin_right);
    let names = GroupNames::new(
        area,
        &bars.channels,
        plot_left,
        plot_width / groups as f64,
        &m,
    )?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(m.px(34.0) + legend.extra_height(&m))
        .margin_right(margin_right)
        .margin_left(margin_left)
        .x_label_area_size(names.area_size(area, &m)?)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(0f64..groups as f64, 0f64..top)?;
    super::value_mesh(&mut chart, &m, bars.locale)?;

    let width = 0.84 / series as f64;
    for (k, model) in bars.models.iter().enumerate() {
        chart.draw_series(model.values.iter().enumerate().map(|(g, &v)| {
            let x = g as f64 + 0.08 + k as f64 * width;
            Rectangle::new([(x, 0.0), (x + width * 0.9, v)], model.colour.filled())
        }))?;
        for (g, &v) in model.values.iter().enumerate() {
            let x = g as f64 + 0.08 + k as f64 * width;
            let mut lines = vec![
                bars.channels.get(g).cloned().unwrap_or_default(),
                (texts.pair)(model.label, &exact(v, Unit::Count)),
            ];
            if let Some(&(low, high)) = model.intervals.as_ref().and_then(|i| i.get(g)) {
                let range = format!("{}–{}", exact(low, Unit::Count), exact(high, Unit::Count));
                lines.push((texts.pair)(texts.interval, &range));
            }
            hits.push(maker.rect(
                chart.backend_coord(&(x, v)),
                chart.backend_coord(&(x + width * 0.9, 0.0)),
                lines.join("\n"),
            ));
        }
        if let Some(intervals) = &model.intervals {
            for (g, &(low, high)) in intervals.iter().enumerate() {
                let x = g as f64 + 0.08 + (k as f64 + 0.45) * width;
                let stroke = INK.stroke_width(m.px(1.0));
                let (px, p_low) = chart.backend_coord(&(x, low));
                let (_, p_high) = chart.backend_coord(&(x, high));
                let cap = m.px(3.0) as i32;
                area.draw(&PathElement::new(vec![(px, p_low), (px, p_high)], stroke))?;
                area.draw(&PathElement::new(
                    vec![(px - cap, p_low), (px + cap, p_low)],
                    stroke,
                ))?;
                area.draw(&PathElement::new(
                    vec![(px - cap, p_high), (px + cap, p_high)],
                    stroke,
                ))?;
            }
        }
    }
    names.draw(area, &chart, &m)?;
    legend.draw(area, m.px(6.0) as i32, &m)?;
    hits.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{
        count, rows_of, svg, svg_hits, text_boxes, texts, TextBox, MODEL_NAMES as MODELS,
    };
    use crate::charts::PALETTE;

    fn bars() -> Bars<'static> {
        Bars {
            channels: vec!["Tmall".into(), "Xiaohongshu note".into(), "WeChat".into()],
            models: vec![
                ModelSeries {
                    label: "Last touch",
                    colour: model_colour("last_touch"),
                    values: vec![300.0, 0.0, 0.0],
                    intervals: None,
                },
                ModelSeries {
                    label: "Markov",
                    colour: model_colour("markov"),
                    values: vec![140.0, 43.0, 20.0],
                    intervals: Some(vec![(120.0, 160.0), (35.0, 50.0), (15.0, 26.0)]),
                },
            ],
            locale: Locale::En,
        }
    }

    #[test]
    fn draws_a_bar_per_model_and_channel_with_names_and_legend() {
        let out = svg(900, 320, |area| draw(area, &bars(), 1.0).unwrap());
        let texts = texts(&out);
        for name in [
            "Tmall",
            "Xiaohongshu note",
            "WeChat",
            "Last touch",
            "Markov",
        ] {
            assert!(
                texts.contains(&name.to_string()),
                "{name} missing in {texts:?}"
            );
        }
        // 3 Markov bars plus its legend swatch.
        assert_eq!(count(&out, "fill=\"#FF2442\""), 4);
        assert_eq!(count(&out, "fill=\"#475569\""), 4);
    }

    #[test]
    fn one_hit_per_bar_channel_by_channel() {
        let (_, hits) = svg_hits(900, 320, |area| draw(area, &bars(), 1.0).unwrap());
        let labels: Vec<&str> = hits.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Tmall\nLast touch: 300",
                "Tmall\nMarkov: 140\n95% interval: 120–160",
                "Xiaohongshu note\nLast touch: 0",
                "Xiaohongshu note\nMarkov: 43\n95% interval: 35–50",
                "WeChat\nLast touch: 0",
                "WeChat\nMarkov: 20\n95% interval: 15–26",
            ]
        );
        // The tallest bar's hit is the tallest; a zero bar still has a hit.
        let height = |h: &crate::charts::Hit| h.y1 - h.y0;
        assert!(height(&hits[0]) > height(&hits[1]));
        assert!(height(&hits[2]) >= 4.0);
    }

    #[test]
    fn intervals_become_error_bars() {
        let with = svg(900, 320, |area| draw(area, &bars(), 1.0).unwrap());
        let mut plain = bars();
        plain.models[1].intervals = None;
        let without = svg(900, 320, |area| draw(area, &plain, 1.0).unwrap());
        // Three lines per interval: the whisker and two caps.
        assert_eq!(count(&with, "<polyline") - count(&without, "<polyline"), 9);
    }

    const CHANNELS: [&str; 10] = [
        "Tmall",
        "Xiaohongshu note",
        "KOL note",
        "Xiaohongshu search",
        "JD",
        "WeChat",
        "Juguang ads",
        "Douyin",
        "Direct",
        "Offline store",
    ];

    /// The dashboard's chart: seven models over ten channels.
    fn every_model() -> Bars<'static> {
        Bars {
            channels: CHANNELS.iter().map(|c| c.to_string()).collect(),
            models: MODELS
                .iter()
                .enumerate()
                .map(|(k, &label)| ModelSeries {
                    label,
                    colour: PALETTE[k],
                    values: (0..10).map(|g| 300.0 / (g + k + 1) as f64).collect(),
                    intervals: (k == 5).then(|| (0..10).map(|g| (1.0, 20.0 + g as f64)).collect()),
                })
                .collect(),
            locale: Locale::En,
        }
    }

    /// The legend's and the channels' text boxes of the chart drawn `width`
    /// px wide (320 high, as on the page).
    fn boxes(width: u32, bars: &Bars<'_>) -> (Vec<TextBox>, Vec<TextBox>) {
        let out = svg(width, 320, |area| draw(area, bars, 1.0).unwrap());
        let all = text_boxes(&out);
        for b in &all {
            assert!(
                b.left >= 0.0 && b.right <= f64::from(width),
                "{b:?} runs off"
            );
        }
        let legend = all
            .iter()
            .filter(|b| MODELS.contains(&b.text.as_str()))
            .cloned()
            .collect();
        // Names, whole or shortened, under the axis.
        let names = all
            .into_iter()
            .filter(|b| {
                bars.channels
                    .iter()
                    .any(|c| c.starts_with(b.text.trim_end_matches('…')))
            })
            .collect();
        (legend, names)
    }

    fn assert_apart(names: &[TextBox]) {
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} on {b:?}");
            }
        }
    }

    #[test]
    fn a_wide_chart_keeps_its_one_row_legend_and_level_names() {
        // The desktop chart, 1180 px wide.
        let (legend, names) = boxes(1180, &every_model());
        assert_eq!(legend.len(), 7);
        assert_eq!(rows_of(&legend), 1);
        assert_eq!(legend[0].left, 48.0 + 20.0);
        let texts: Vec<&str> = names.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, CHANNELS);
        assert!(names.iter().all(|b| !b.upright && b.top == names[0].top));
        assert_apart(&names);
    }

    #[test]
    fn at_tablet_width_the_legend_wraps_and_the_names_stagger() {
        // (Widths here are plotters' estimates for SVG, narrower than a
        // browser's: in one the legend wraps at 768 px, the page's tablet.)
        let (legend, names) = boxes(620, &every_model());
        assert_eq!(legend.len(), 7, "Shapley is drawn: {legend:?}");
        assert_eq!(rows_of(&legend), 2);
        let texts: Vec<&str> = names.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, CHANNELS, "every name whole");
        assert!(names.iter().all(|b| !b.upright));
        assert!(names[1].top > names[0].top, "every other name lower");
        assert_eq!(names[2].top, names[0].top);
        assert_apart(&names);
        // The plot starts below the legend.
        let legend_bottom = legend.iter().map(|b| b.bottom).fold(0.0, f64::max);
        let out = svg(620, 320, |area| draw(area, &every_model(), 1.0).unwrap());
        let values = text_boxes(&out)
            .into_iter()
            .filter(|b| b.text.chars().all(|c| c.is_ascii_digit()));
        assert!(values.into_iter().all(|b| b.top > legend_bottom));
    }

    #[test]
    fn on_a_phone_channel_names_turn_upright_and_long_ones_end_in_an_ellipsis() {
        let mut bars = every_model();
        bars.channels[3] = "Xiaohongshu search, brand zone".into();
        let (legend, names) = boxes(322, &bars);
        assert_eq!(legend.len(), 7);
        assert!(rows_of(&legend) >= 3, "{legend:?}");
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(names.iter().all(|b| b.upright));
        assert_apart(&names);
        assert!(names[3].text.ends_with('…'), "{names:?}");
        assert!(names[3].bottom - names[3].top <= 96.0, "{names:?}");
        assert!(names.iter().any(|b| b.text == "Tmall"));
        // The legend's rows clear the bars: the tallest bar's hit starts
        // below the last row.
        let (_, hits) = svg_hits(322, 320, |area| draw(area, &bars, 1.0).unwrap());
        let legend_bottom = legend.iter().map(|b| b.bottom).fold(0.0, f64::max);
        assert!(hits.iter().all(|h| h.y0 > legend_bottom));
        // Full names stay in the tooltips.
        assert!(hits[0].label.starts_with("Tmall\n"));
        assert!(hits
            .iter()
            .any(|h| h.label.starts_with("Xiaohongshu search, brand zone\n")));
    }
}
