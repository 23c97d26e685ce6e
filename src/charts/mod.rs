//! Chart drawing: one backend-generic `draw` function per chart.
//!
//! The functions know nothing of the browser: the app hands them a canvas
//! backend, tests hand them an SVG string and read it back. `scale` is the
//! device pixel ratio, so text and strokes keep their size on a sharp canvas.
//!
//! Every `draw` returns [`Hits`]: the region of each value in CSS pixels
//! and its tooltip text. `interactive::InteractiveChart` shows them on hover
//! and with the arrow keys.
//! Both put a PNG export button on the chart. Strings of the charts' own
//! are in `texts`.

pub mod attribution;
pub mod canvas;
pub mod cost;
pub mod hits;
pub mod texts;

// Charts and helpers not on a panel yet (the app is a binary crate, so an
// unused `pub` item is dead code). Tests use all of them; drop these
// `allow`s as the panels take them up.
#[cfg_attr(not(test), allow(dead_code))]
pub mod funnel;
#[cfg_attr(not(all(test, target_arch = "wasm32")), allow(dead_code))]
pub mod interactive;
#[cfg_attr(not(test), allow(dead_code))]
pub mod lifespan;
#[cfg_attr(not(test), allow(dead_code))]
pub mod scatter;
#[cfg_attr(not(test), allow(dead_code))]
pub mod stacked_cost;
#[cfg_attr(not(test), allow(dead_code))]
pub mod time_series;

#[cfg_attr(not(test), allow(unused_imports))]
pub use hits::{exact, Hit, Hits, Unit};

use plotters::style::RGBColor;

/// Font stack for chart text; the canvas resolves it like CSS.
pub const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

/// Xiaohongshu red, the brand colour marketers recognise.
pub const RED: RGBColor = RGBColor(255, 36, 66);
pub const RED_SOFT: RGBColor = RGBColor(255, 196, 204);
pub const INK: RGBColor = RGBColor(31, 41, 55);
pub const MUTED: RGBColor = RGBColor(107, 114, 128);
pub const GRID: RGBColor = RGBColor(237, 239, 242);
pub const AXIS: RGBColor = RGBColor(209, 213, 219);

/// Colours for series that have no colour of their own (several notes'
/// lifespan curves), in order; the first is the brand red.
#[cfg_attr(not(test), allow(dead_code))]
pub const PALETTE: [RGBColor; 8] = [
    RED,
    RGBColor(99, 102, 241),
    RGBColor(245, 158, 11),
    RGBColor(16, 185, 129),
    RGBColor(100, 116, 139),
    RGBColor(14, 165, 233),
    RGBColor(167, 139, 250),
    RGBColor(236, 72, 153),
];

/// Every how many of `n` evenly spaced x labels to write so that labels
/// `label_width` CSS pixels wide fit in `plot_width` backend pixels.
#[cfg_attr(not(test), allow(dead_code))]
pub fn label_every(n: usize, plot_width: i32, label_width: f64, m: &Metrics) -> usize {
    let room = (f64::from(plot_width.max(1)) / (label_width * m.scale))
        .floor()
        .max(1.0);
    ((n as f64 / room).ceil() as usize).max(1)
}

/// Pixel sizes at scale 1; multiplied by the device pixel ratio when drawn.
pub struct Metrics {
    pub scale: f64,
}

impl Metrics {
    pub fn px(&self, logical: f64) -> u32 {
        (logical * self.scale).round().max(1.0) as u32
    }

    pub fn font(&self, logical: f64) -> f64 {
        logical * self.scale
    }
}

/// The value chart's frame shared by the charts with groups along x: light
/// horizontal grid lines, compact value labels on the left, no x mesh (the
/// groups are labelled by [`group_labels`]).
pub fn value_mesh<DB: plotters::prelude::DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    m: &Metrics,
    locale: xhs_roi_engine::format::Locale,
) -> DrawResult<DB> {
    use plotters::prelude::*;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|y| xhs_roi_engine::format::compact(*y, locale))
        .y_label_style((FONT, m.font(11.0)).into_font().color(&MUTED))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(m.px(1.0)))
        .axis_style(AXIS.stroke_width(m.px(1.0)))
        .draw()
}

/// Text under the x axis, centred on each `(x, label)`.
pub fn group_labels<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    chart: &XyChart<'_, DB>,
    labels: impl IntoIterator<Item = (f64, String)>,
    m: &Metrics,
) -> DrawResult<DB> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let font = (FONT, m.font(11.0))
        .into_font()
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (x, text) in labels {
        let (px, py) = chart.backend_coord(&(x, 0.0));
        area.draw(&Text::new(text, (px, py + m.px(8.0) as i32), font.clone()))?;
    }
    Ok(())
}

/// The names of a chart's slots (periods, one per unit of x from 0) under
/// its axis, one every so many slots so that they never overlap.
pub fn period_labels<'s, DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    chart: &XyChart<'_, DB>,
    names: impl ExactSizeIterator<Item = &'s str>,
    m: &Metrics,
) -> DrawResult<DB> {
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let every = label_every(names.len(), plot_x.end - plot_x.start, 64.0, m);
    let labels = names
        .enumerate()
        .step_by(every)
        .map(|(i, name)| (i as f64 + 0.5, name.to_string()));
    group_labels(area, chart, labels, m)
}

/// A chart with `f64` on both axes.
pub type XyChart<'a, DB> = plotters::chart::ChartContext<
    'a,
    DB,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// How a legend entry is marked.
pub enum LegendMark {
    Bar(RGBColor),
    Line(RGBColor),
}

/// A one-row legend starting at `origin` (backend pixels).
///
/// Drawn by hand rather than with plotters' series labels: those measure text
/// through a DOM element with an inline style, which the CSP refuses. Widths
/// here come from the backend (`measureText` on a canvas).
pub fn legend<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    items: &[(&str, LegendMark)],
    origin: (i32, i32),
    m: &Metrics,
) -> DrawResult<DB> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let font = (FONT, m.font(12.0))
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let (mut x, y) = origin;
    let swatch = m.px(14.0) as i32;
    for (label, mark) in items {
        let centre = y + m.px(8.0) as i32;
        match mark {
            LegendMark::Bar(colour) => {
                let half = m.px(5.0) as i32;
                area.draw(&Rectangle::new(
                    [(x, centre - half), (x + swatch, centre + half)],
                    colour.filled(),
                ))?;
            }
            LegendMark::Line(colour) => {
                area.draw(&PathElement::new(
                    vec![(x, centre), (x + swatch, centre)],
                    colour.stroke_width(m.px(2.0)),
                ))?;
            }
        }
        x += swatch + m.px(6.0) as i32;
        area.draw(&Text::new(label.to_string(), (x, centre), font.clone()))?;
        let (width, _) = area.estimate_text_size(label, &font)?;
        x += width as i32 + m.px(18.0) as i32;
    }
    Ok(())
}

/// The error plotters returns for a backend.
pub type DrawResult<DB> = Result<
    (),
    plotters::drawing::DrawingAreaErrorKind<<DB as plotters::prelude::DrawingBackend>::ErrorType>,
>;

#[cfg(test)]
pub(crate) mod testing {
    use plotters::prelude::*;

    /// Draws with `f` into an SVG of the given size and returns the markup
    /// (whatever `f` returns, the hits, is dropped).
    pub fn svg<R>(
        width: u32,
        height: u32,
        f: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> R,
    ) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
            let _ = f(&area);
            area.present().expect("svg presents");
        }
        out
    }

    pub fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// The text of every `<text>` element, trimmed, with XML entities undone.
    pub fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|part| {
                let body = part.split_once('>')?.1.split("</text>").next()?;
                Some(
                    body.trim()
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">"),
                )
            })
            .collect()
    }

    /// One `<rect>` of an SVG.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Rect {
        pub x: f64,
        pub y: f64,
        pub width: f64,
        pub height: f64,
        pub fill: String,
    }

    /// Every `<rect>` of the SVG, in drawing order (the background first).
    pub fn rects(svg: &str) -> Vec<Rect> {
        svg.split("<rect")
            .skip(1)
            .filter_map(|part| {
                let tag = part.split('>').next()?;
                let attr = |name: &str| -> Option<String> {
                    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
                    Some(tag[at..].split('"').next()?.to_string())
                };
                let number = |name: &str| attr(name).and_then(|v| v.parse().ok());
                Some(Rect {
                    x: number("x")?,
                    y: number("y")?,
                    width: number("width")?,
                    height: number("height")?,
                    fill: attr("fill").unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The SVG colour of a plotters colour: `#FF2442`.
    pub fn hex(c: plotters::style::RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    /// Draws with `f` and returns the markup and the hits `f` returned.
    pub fn svg_hits(
        width: u32,
        height: u32,
        f: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Vec<super::Hit>,
    ) -> (String, Vec<super::Hit>) {
        let mut hits = Vec::new();
        let out = svg(width, height, |area| hits = f(area));
        (out, hits)
    }

    /// The `font-size` of every `<text>` element.
    pub fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|part| part.split('"').next()?.parse().ok())
            .collect()
    }
}
