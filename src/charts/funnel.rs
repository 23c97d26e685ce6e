//! The funnel: one centred horizontal bar per stage (impressions -> views ->
//! interactions -> product clicks -> orders), on a log or square-root scale
//! so the last stages stay visible beside the first, with the count and the
//! share kept from the stage before.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use xhs_roi_engine::format::{self, Locale};

use super::hits::HitMaker;
use super::{exact, Hits, Metrics, Unit, FONT, INK, MUTED, RED, RED_SOFT};

/// How counts become bar lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelScale {
    /// ln(1 + count): orders beside millions of impressions still show.
    Log,
    /// The square root: nearer the true ratios, small stages thinner.
    Sqrt,
}

impl FunnelScale {
    /// The bar length of `value` as a fraction of the widest (`max`'s): 0 for
    /// nothing, at least 1% for anything.
    pub fn fraction(self, value: f64, max: f64) -> f64 {
        if !(value.is_finite() && value > 0.0 && max > 0.0) {
            return 0.0;
        }
        let f = |v: f64| match self {
            FunnelScale::Log => v.ln_1p(),
            FunnelScale::Sqrt => v.sqrt(),
        };
        (f(value) / f(max.max(value))).clamp(0.01, 1.0)
    }
}

pub struct Funnel<'a> {
    /// Stage names (in the interface language) and counts, top stage first.
    pub stages: Vec<(&'a str, f64)>,
    pub scale: FunnelScale,
    pub locale: Locale,
}

/// The colour of stage `i` of `n`: from the soft red of reach to the brand
/// red of orders.
fn stage_colour(i: usize, n: usize) -> RGBColor {
    let t = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        1.0
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        mix(RED_SOFT.0, RED.0),
        mix(RED_SOFT.1, RED.1),
        mix(RED_SOFT.2, RED.2),
    )
}

/// Draws the funnel; one hit per stage (its whole row) with the exact count,
/// the share of the stage before and, from the third stage, of the first.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    funnel: &Funnel<'_>,
    scale: f64,
) -> Hits<DB> {
    let m = Metrics { scale };
    area.fill(&WHITE)?;
    let n = funnel.stages.len();
    let max = funnel
        .stages
        .iter()
        .map(|s| s.1)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    if n == 0 || max <= 0.0 {
        return Ok(Vec::new());
    }
    let rows = n as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(m.px(8.0))
        .y_label_area_size(m.px(104.0))
        .right_y_label_area_size(m.px(128.0))
        .x_label_area_size(0)
        .build_cartesian_2d(-1f64..1f64, 0f64..rows)?;

    let texts = super::texts::chart_texts(funnel.locale);
    let maker = HitMaker::new(area, scale);
    let name_font = (FONT, m.font(12.0)).into_font().color(&INK);
    let value_font = (FONT, m.font(12.0)).into_font().color(&INK);
    let kept_font = (FONT, m.font(11.0)).into_font().color(&MUTED);
    let gap = m.px(8.0) as i32;
    let area_right = area.get_base_pixel().0 + area.dim_in_pixel().0 as i32;
    let mut hits = Vec::with_capacity(n);
    for (i, &(name, value)) in funnel.stages.iter().enumerate() {
        let y0 = rows - i as f64 - 1.0;
        let half = funnel.scale.fraction(value, max);
        if half > 0.0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(-half, y0 + 0.14), (half, y0 + 0.86)],
                stage_colour(i, n).filled(),
            )))?;
        }
        let (left, centre) = chart.backend_coord(&(-1.0, y0 + 0.5));
        let (right, _) = chart.backend_coord(&(1.0, y0 + 0.5));
        area.draw(&Text::new(
            name.to_string(),
            (left - gap, centre),
            name_font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let count = format::count(value, funnel.locale);
        let kept = (i > 0)
            .then(|| funnel.stages[i - 1].1)
            .filter(|&before| before > 0.0 && value.is_finite())
            .map(|before| value / before);
        area.draw(&Text::new(
            count.clone(),
            (right + gap, centre),
            value_font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        if let Some(kept) = kept {
            let (width, _) = area.estimate_text_size(&count, &value_font)?;
            area.draw(&Text::new(
                format!("· {}", format::percent(kept)),
                (right + gap * 2 + width as i32, centre),
                kept_font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }

        let mut lines = vec![name.to_string(), exact(value, Unit::Count)];
        if let Some(kept) = kept {
            lines.push((texts.share_of)(
                &format::percent(kept),
                funnel.stages[i - 1].0,
            ));
        }
        let (first_name, first) = funnel.stages[0];
        if i > 1 && first > 0.0 && value.is_finite() {
            lines.push((texts.share_of)(
                &format::percent(value / first),
                first_name,
            ));
        }
        let (_, top) = chart.backend_coord(&(0.0, y0 + 1.0));
        let (_, bottom) = chart.backend_coord(&(0.0, y0));
        hits.push(maker.rect(
            (area.get_base_pixel().0, top),
            (area_right, bottom),
            lines.join("\n"),
        ));
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{rects, svg_hits, texts, Rect};

    fn funnel(scale: FunnelScale, locale: Locale) -> Funnel<'static> {
        let names = crate::i18n_roi::roi_texts(locale).funnel_stages;
        Funnel {
            stages: vec![
                (names[0], 1_000_000.0),
                (names[1], 400_000.0),
                (names[2], 30_000.0),
                (names[3], 2_000.0),
                (names[4], 120.4),
            ],
            scale,
            locale,
        }
    }

    fn bars(svg: &str) -> Vec<Rect> {
        rects(svg)
            .into_iter()
            .filter(|r| r.fill != "#FFFFFF")
            .collect()
    }

    #[test]
    fn a_centred_bar_per_stage_narrowing_down_with_names_counts_and_kept_shares() {
        let (out, hits) = svg_hits(640, 260, |area| {
            draw(area, &funnel(FunnelScale::Log, Locale::En), 1.0).unwrap()
        });
        let bars = bars(&out);
        assert_eq!(bars.len(), 5, "{bars:?}");
        for pair in bars.windows(2) {
            assert!(pair[0].width > pair[1].width, "{pair:?}");
            assert!(pair[0].y < pair[1].y, "top stage first");
            let centre = |r: &Rect| r.x + r.width / 2.0;
            assert!((centre(&pair[0]) - centre(&pair[1])).abs() <= 1.0);
        }
        // The reach end is soft, the orders end the brand red.
        assert_eq!(bars[0].fill, "#FFC4CC");
        assert_eq!(bars[4].fill, "#FF2442");
        let texts = texts(&out);
        for t in [
            "Impressions",
            "Orders",
            "1,000,000",
            "400,000",
            "· 40.0%",
            "· 7.5%",
            "120",
            "· 6.0%",
        ] {
            assert!(texts.contains(&t.to_string()), "{t} missing in {texts:?}");
        }
        assert_eq!(hits.len(), 5);
        assert_eq!(hits[1].label, "Views\n400,000\n40.0% of Impressions");
        assert_eq!(
            hits[4].label,
            "Orders\n120.4\n6.0% of Product clicks\n0.01% of Impressions"
        );
        for pair in hits.windows(2) {
            assert!(pair[0].y1 <= pair[1].y0 + 1.0);
        }
    }

    #[test]
    fn a_stage_the_files_cannot_tell_has_a_dash_and_no_bar_or_share() {
        // Notes without product clicks, no orders loaded.
        let mut funnel = funnel(FunnelScale::Log, Locale::En);
        funnel.stages[3].1 = f64::NAN;
        funnel.stages[4].1 = f64::NAN;
        let (out, hits) = svg_hits(640, 260, |area| draw(area, &funnel, 1.0).unwrap());
        assert_eq!(bars(&out).len(), 3);
        let texts = texts(&out);
        assert_eq!(texts.iter().filter(|t| *t == "—").count(), 2, "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("NaN")), "{texts:?}");
        assert_eq!(hits.len(), 5);
        assert_eq!(hits[3].label, "Product clicks\n—");
        assert_eq!(hits[4].label, "Orders\n—");
    }

    #[test]
    fn log_keeps_small_stages_wider_than_sqrt() {
        let width_of_orders = |scale| {
            let (out, _) = svg_hits(640, 260, |area| {
                draw(area, &funnel(scale, Locale::En), 1.0).unwrap()
            });
            let bars = bars(&out);
            (bars[0].width, bars[4].width)
        };
        let (log_top, log_orders) = width_of_orders(FunnelScale::Log);
        let (sqrt_top, sqrt_orders) = width_of_orders(FunnelScale::Sqrt);
        assert_eq!(log_top, sqrt_top);
        assert!(log_orders > 3.0 * sqrt_orders, "{log_orders} {sqrt_orders}");
        assert!(sqrt_orders >= 1.0);
        assert!((FunnelScale::Sqrt.fraction(250.0, 1_000.0) - 0.5).abs() < 1e-12);
        assert_eq!(FunnelScale::Log.fraction(0.0, 1_000.0), 0.0);
        assert_eq!(FunnelScale::Log.fraction(f64::NAN, 1_000.0), 0.0);
        assert_eq!(FunnelScale::Sqrt.fraction(1.0, 1e12), 0.01);
    }

    #[test]
    fn chinese_stage_names_and_a_missing_stage() {
        let mut data = funnel(FunnelScale::Log, Locale::Zh);
        data.stages[3].1 = 0.0;
        let (out, hits) = svg_hits(640, 260, |area| draw(area, &data, 1.0).unwrap());
        let texts = texts(&out);
        assert!(texts.contains(&"曝光".to_string()), "{texts:?}");
        assert!(texts.contains(&"100.00万".to_string()), "{texts:?}");
        // No bar for zero clicks, and no share of zero for the orders.
        assert_eq!(bars(&out).len(), 4);
        assert_eq!(hits[4].label, "订单\n120.4\n为曝光的 0.01%");
        let (_, none) = svg_hits(640, 260, |area| {
            draw(
                area,
                &Funnel {
                    stages: vec![("a", 0.0)],
                    scale: FunnelScale::Log,
                    locale: Locale::En,
                },
                1.0,
            )
            .unwrap()
        });
        assert!(none.is_empty());
    }
}
