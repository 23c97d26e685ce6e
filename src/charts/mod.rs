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

/// Text colour for writing on `fill`: ink or white, whichever contrasts
/// more (WCAG relative luminance).
pub fn text_on(fill: RGBColor) -> RGBColor {
    fn luminance(c: RGBColor) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
    }
    let fill = luminance(fill);
    let on_white = 1.05 / (fill + 0.05);
    let on_ink = (fill + 0.05) / (luminance(INK) + 0.05);
    if on_white >= on_ink {
        plotters::style::colors::WHITE
    } else {
        INK
    }
}
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

/// The distance between two legend rows (CSS pixels). A chart's top margin
/// holds one row; each further row moves the plot down by this much.
const LEGEND_ROW: f64 = 20.0;

/// A legend laid out in as many rows as its entries need to stay inside the
/// chart's width, every row starting at the same `left`.
///
/// Drawn by hand rather than with plotters' series labels: those measure text
/// through a DOM element with an inline style, which the CSP refuses. Widths
/// here come from the backend (`measureText` on a canvas).
///
/// A chart lays its legend out before building its plot, leaves
/// [`Legend::extra_height`] more at the top than for one row, and draws it
/// after the plot.
pub struct Legend<'a> {
    /// Each entry's row, x (backend pixels), label (shortened with an
    /// ellipsis if it is wider than a whole row) and mark.
    entries: Vec<(usize, i32, String, &'a LegendMark)>,
    rows: usize,
}

impl<'a> Legend<'a> {
    /// Lays `items` out left to right from `left` (backend pixels), moving
    /// to a new row when the next entry would run past the area's right
    /// edge.
    pub fn new<DB: plotters::prelude::DrawingBackend>(
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        items: &'a [(&str, LegendMark)],
        left: i32,
        m: &Metrics,
    ) -> AreaResult<Legend<'a>, DB> {
        let font = legend_font(m);
        let right = area.dim_in_pixel().0 as i32 - m.px(4.0) as i32;
        let mark = legend_mark_width(m);
        let gap = m.px(18.0) as i32;
        let (mut row, mut x) = (0, left);
        let mut entries = Vec::with_capacity(items.len());
        for (label, legend_mark) in items {
            let text_width = area.estimate_text_size(label, &font)?.0 as i32;
            if x > left && x + mark + text_width > right {
                row += 1;
                x = left;
            }
            let text = if x + mark + text_width > right {
                fit_text(area, label, &font, right - x - mark)?
            } else {
                label.to_string()
            };
            let text_width = area.estimate_text_size(&text, &font)?.0 as i32;
            entries.push((row, x, text, legend_mark));
            x += mark + text_width + gap;
        }
        Ok(Legend {
            rows: if items.is_empty() { 0 } else { row + 1 },
            entries,
        })
    }

    /// Lays `items` out from the left edge of a plot that starts
    /// `margin_left` and a `y_labels` wide label area in (backend pixels).
    pub fn over_plot<DB: plotters::prelude::DrawingBackend>(
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        items: &'a [(&str, LegendMark)],
        margin_left: u32,
        y_labels: u32,
        m: &Metrics,
    ) -> AreaResult<Legend<'a>, DB> {
        Legend::new(area, items, (margin_left + y_labels + m.px(4.0)) as i32, m)
    }

    /// The plot's top margin below a legend drawn from 4 px down.
    pub fn margin_top(&self, m: &Metrics) -> u32 {
        m.px(30.0) + self.extra_height(m)
    }

    /// How many rows the entries take.
    #[cfg(test)]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// How much further down the plot starts than below a one-row legend
    /// (backend pixels).
    pub fn extra_height(&self, m: &Metrics) -> u32 {
        self.rows.saturating_sub(1) as u32 * m.px(LEGEND_ROW)
    }

    /// Draws the legend, its first row's top at `top` (backend pixels).
    pub fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        top: i32,
        m: &Metrics,
    ) -> DrawResult<DB> {
        use plotters::prelude::*;
        let font = legend_font(m);
        let swatch = m.px(14.0) as i32;
        for (row, x, label, mark) in &self.entries {
            let centre = top + (*row as u32 * m.px(LEGEND_ROW) + m.px(8.0)) as i32;
            match mark {
                LegendMark::Bar(colour) => {
                    let half = m.px(5.0) as i32;
                    area.draw(&Rectangle::new(
                        [(*x, centre - half), (x + swatch, centre + half)],
                        colour.filled(),
                    ))?;
                }
                LegendMark::Line(colour) => {
                    area.draw(&PathElement::new(
                        vec![(*x, centre), (x + swatch, centre)],
                        colour.stroke_width(m.px(2.0)),
                    ))?;
                }
            }
            let text_x = x + legend_mark_width(m);
            area.draw(&Text::new(label.clone(), (text_x, centre), font.clone()))?;
        }
        Ok(())
    }
}

/// A legend entry's swatch or line and the space after it.
fn legend_mark_width(m: &Metrics) -> i32 {
    (m.px(14.0) + m.px(6.0)) as i32
}

fn legend_font(m: &Metrics) -> plotters::style::TextStyle<'static> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    (FONT, m.font(12.0))
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

/// `text` if it is at most `max` backend pixels wide in `font`, else as much
/// of its start as fits with an ellipsis (at least one character).
pub fn fit_text<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    text: &str,
    font: &plotters::style::TextStyle<'_>,
    max: i32,
) -> AreaResult<String, DB> {
    let fits =
        |t: &str| -> AreaResult<bool, DB> { Ok(area.estimate_text_size(t, font)?.0 as i32 <= max) };
    if fits(text)? {
        return Ok(text.to_string());
    }
    // Only whole clusters are kept: an emoji's skin tone, a joined family
    // or a flag cut in two draws as stray symbols.
    let cuts = cluster_ends(text);
    if cuts.is_empty() {
        return Ok(String::new());
    }
    let shortened = |n: usize| format!("{}…", text[..cuts[n]].trim_end());
    // The longest start that fits (binary search: widths grow with length).
    let (mut low, mut high) = (0, cuts.len() - 1);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if fits(&shortened(mid))? {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    Ok(shortened(low))
}

/// Byte offsets where `text` may be cut without splitting what a reader
/// sees as one character: after each character that the next one does not
/// continue (a combining mark, a variation selector, a skin tone, the
/// character after a zero-width joiner, the second half of a flag). Ends
/// at `text.len()` unless `text` is empty. Not the full Unicode rules,
/// which would bring their tables into the page for chart labels.
fn cluster_ends(text: &str) -> Vec<usize> {
    let continues = |c: char| {
        matches!(c,
            '\u{0300}'..='\u{036F}' // combining diacritical marks
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}' // combining marks for symbols, keycap
            | '\u{200D}' // zero-width joiner
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{1F3FB}'..='\u{1F3FF}' // skin tones
            | '\u{E0020}'..='\u{E007F}' // tags (subdivision flags)
            | '\u{E0100}'..='\u{E01EF}')
    };
    let is_flag_half = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    let mut ends = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut flag_halves = 0;
    while let Some((at, c)) = chars.next() {
        flag_halves = if is_flag_half(c) { flag_halves + 1 } else { 0 };
        let end = at + c.len_utf8();
        let cut_here = match chars.peek() {
            None => true,
            Some(&(_, next)) => {
                !continues(next) && c != '\u{200D}' && !(is_flag_half(next) && flag_halves % 2 == 1)
            }
        };
        if cut_here {
            ends.push(end);
        }
    }
    ends
}

/// How the names under a chart's groups are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameLayout {
    /// Level, one row: every name clears its neighbours.
    Across,
    /// Level, every other name one row lower: each clears the names two
    /// groups away.
    Staggered,
    /// Turned to read upwards, ending under its group; shortened with an
    /// ellipsis past [`UPRIGHT_MAX`]. For groups too narrow for level names.
    Upright,
}

/// The longest an upright group name may be (CSS pixels).
const UPRIGHT_MAX: f64 = 96.0;

/// Names under groups of bars (centred on `g + 0.5` for group `g`), laid
/// out so that no two overlap: level in one row when they fit, else on two
/// staggered rows, else upright (and only every so many when even upright
/// names are too close). Full names stay in the chart's tooltips.
///
/// Like [`Legend`], laid out before the plot is built (its
/// [`GroupNames::area_size`] is the x label area) and drawn after.
pub struct GroupNames {
    names: Vec<String>,
    layout: NameLayout,
    every: usize,
}

impl GroupNames {
    /// Fits `names` to groups `slot` backend pixels wide, the first starting
    /// at `left`, in an area `area` wide.
    pub fn new<DB: plotters::prelude::DrawingBackend>(
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        names: &[String],
        left: i32,
        slot: f64,
        m: &Metrics,
    ) -> AreaResult<GroupNames, DB> {
        let font = name_font(m);
        let widths = names
            .iter()
            .map(|n| Ok(f64::from(area.estimate_text_size(n, &font)?.0)))
            .collect::<AreaResult<Vec<f64>, DB>>()?;
        let width = f64::from(area.dim_in_pixel().0);
        let gap = f64::from(m.px(8.0));
        // Whether names `apart` groups from each other clear one another,
        // each kept inside the area as `draw` keeps it.
        let clear = |apart: usize| {
            let span = |g: usize| {
                let centre = f64::from(left) + (g as f64 + 0.5) * slot;
                let half = widths[g] / 2.0;
                let centre = centre.clamp(half, (width - half).max(half));
                (centre - half, centre + half)
            };
            (apart..widths.len()).all(|g| span(g - apart).1 + gap <= span(g).0)
        };
        // A name wider than the area can only go upright, shortened.
        let level = widths.iter().all(|&w| w + gap <= width);
        let (layout, names, every) = if level && clear(1) {
            (NameLayout::Across, names.to_vec(), 1)
        } else if level && clear(2) {
            (NameLayout::Staggered, names.to_vec(), 1)
        } else {
            let short = names
                .iter()
                .map(|n| fit_text(area, n, &font, m.px(UPRIGHT_MAX) as i32))
                .collect::<AreaResult<Vec<String>, DB>>()?;
            let line = f64::from(m.px(15.0));
            let every = (line / slot.max(1.0)).ceil().max(1.0) as usize;
            (NameLayout::Upright, short, every)
        };
        Ok(GroupNames {
            names,
            layout,
            every,
        })
    }

    #[cfg(test)]
    pub fn layout(&self) -> NameLayout {
        self.layout
    }

    /// The height the names need below the axis (backend pixels): the
    /// chart's x label area.
    pub fn area_size<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        m: &Metrics,
    ) -> AreaResult<u32, DB> {
        Ok(match self.layout {
            NameLayout::Across => m.px(30.0),
            NameLayout::Staggered => m.px(30.0) + m.px(14.0),
            NameLayout::Upright => {
                let font = name_font(m);
                let longest = self
                    .names
                    .iter()
                    .map(|n| area.estimate_text_size(n, &font).map(|s| s.0))
                    .try_fold(0, |a, w| w.map(|w| a.max(w)))?;
                m.px(8.0) + longest + m.px(6.0)
            }
        })
    }

    pub fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        chart: &XyChart<'_, DB>,
        m: &Metrics,
    ) -> DrawResult<DB> {
        use plotters::prelude::*;
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let font = name_font(m);
        let width = area.dim_in_pixel().0 as i32;
        for (g, name) in self.names.iter().enumerate().step_by(self.every) {
            let (px, py) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
            let top = py + m.px(8.0) as i32;
            if self.layout == NameLayout::Upright {
                let style = font
                    .clone()
                    .transform(FontTransform::Rotate270)
                    .pos(Pos::new(HPos::Right, VPos::Center));
                area.draw(&Text::new(name.clone(), (px, top), style))?;
                continue;
            }
            // Kept inside the canvas: the last name may be wider than the
            // room right of its group's centre.
            let half = area.estimate_text_size(name, &font)?.0 as i32 / 2;
            let x = px.clamp(half, (width - half).max(half));
            let y = if self.layout == NameLayout::Staggered && g % 2 == 1 {
                top + m.px(14.0) as i32
            } else {
                top
            };
            let style = font.clone().pos(Pos::new(HPos::Center, VPos::Top));
            area.draw(&Text::new(name.clone(), (x, y), style))?;
        }
        Ok(())
    }
}

fn name_font(m: &Metrics) -> plotters::style::TextStyle<'static> {
    use plotters::prelude::*;
    (FONT, m.font(11.0)).into_font().color(&MUTED)
}

/// A result of plotters' drawing area for a backend.
pub type AreaResult<T, DB> = Result<
    T,
    plotters::drawing::DrawingAreaErrorKind<<DB as plotters::prelude::DrawingBackend>::ErrorType>,
>;

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

    /// Where a `<text>` element lies, its width estimated as plotters
    /// estimates it for the SVG backend (so as the charts laid it out).
    #[derive(Debug, Clone, PartialEq)]
    pub struct TextBox {
        pub text: String,
        pub left: f64,
        pub right: f64,
        pub top: f64,
        pub bottom: f64,
        /// Turned to read upwards.
        pub upright: bool,
        pub fill: String,
    }

    impl TextBox {
        pub fn overlaps(&self, other: &TextBox) -> bool {
            self.left < other.right
                && other.left < self.right
                && self.top < other.bottom
                && other.top < self.bottom
        }
    }

    /// The attribution models' names, as their legend shows them.
    pub const MODEL_NAMES: [&str; 7] = [
        "First touch",
        "Last touch",
        "Linear",
        "Position-based",
        "Time decay",
        "Markov",
        "Shapley",
    ];

    /// Rows the boxes (a legend's entries) lie on.
    pub fn rows_of(boxes: &[TextBox]) -> usize {
        let mut tops: Vec<i64> = boxes.iter().map(|b| b.top.round() as i64).collect();
        tops.dedup();
        tops.len()
    }

    /// The box of every `<text>` element, in drawing order.
    pub fn text_boxes(svg: &str) -> Vec<TextBox> {
        let bodies = texts(svg);
        svg.split("<text")
            .skip(1)
            .zip(bodies)
            .filter_map(|(part, text)| {
                let tag = part.split('>').next()?;
                let attr = |name: &str| -> Option<&str> {
                    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
                    tag[at..].split('"').next()
                };
                let number = |name: &str| attr(name)?.parse::<f64>().ok();
                let (x, y, size) = (number("x")?, number("y")?, number("font-size")?);
                // plotters' naive font: 0.7 em per byte, the em 1/1.24 of
                // the SVG font size.
                let width = (size / 1.24 * 0.7 * text.len() as f64).round();
                let (start, end) = match attr("text-anchor")? {
                    "start" => (0.0, width),
                    "middle" => (-width / 2.0, width / 2.0),
                    _ => (-width, 0.0),
                };
                let (above, below) = match attr("dy")? {
                    "0.76em" => (0.0, size),
                    "0.5ex" => (size / 2.0, size / 2.0),
                    _ => (size, 0.0),
                };
                let upright = attr("transform").is_some_and(|t| t.starts_with("rotate(270"));
                let fill = attr("fill")?.to_string();
                Some(if upright {
                    // Turned a quarter left about (x, y): along the text is
                    // up the page, its height across it.
                    TextBox {
                        left: x - above,
                        right: x + below,
                        top: y - end,
                        bottom: y - start,
                        upright,
                        fill,
                        text,
                    }
                } else {
                    TextBox {
                        left: x + start,
                        right: x + end,
                        top: y - above,
                        bottom: y + below,
                        upright,
                        fill,
                        text,
                    }
                })
            })
            .collect()
    }

    /// The `font-size` of every `<text>` element.
    pub fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|part| part.split('"').next()?.parse().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{svg, text_boxes, MODEL_NAMES as MODELS};
    use super::*;
    use plotters::style::IntoFont;

    /// The rows of the seven models' legend drawn from x 48 in an area
    /// `width` wide, and the SVG.
    fn models_legend(width: u32) -> (usize, u32, String) {
        let items: Vec<(&str, LegendMark)> =
            MODELS.iter().map(|&l| (l, LegendMark::Bar(RED))).collect();
        let m = Metrics { scale: 1.0 };
        let mut rows = (0, 0);
        let out = svg(width, 120, |area| {
            let legend = Legend::new(area, &items, 48, &m).unwrap();
            rows = (legend.rows(), legend.extra_height(&m));
            legend.draw(area, 6, &m).unwrap();
        });
        (rows.0, rows.1, out)
    }

    #[test]
    fn legend_wraps_to_a_second_row_when_the_entries_do_not_fit() {
        let (rows, extra, out) = models_legend(1180);
        assert_eq!((rows, extra), (1, 0));
        let (rows, extra, out_narrow) = models_legend(600);
        assert_eq!((rows, extra), (2, 20));
        for b in text_boxes(&out_narrow) {
            assert!(b.right <= 600.0 - 4.0, "{b:?}");
        }
        // Rows start at the same x; a row's entries are where one long row
        // had them.
        let wide = text_boxes(&out);
        let narrow = text_boxes(&out_narrow);
        assert_eq!(wide[..6], narrow[..6]);
        assert_eq!(narrow[6].left, narrow[0].left);
        assert_eq!(narrow[6].top, narrow[0].top + 20.0);
    }

    #[test]
    fn every_row_stays_inside_a_phone_width_chart() {
        let (rows, extra, out) = models_legend(322);
        assert_eq!((rows, extra), (3, 40));
        let boxes = text_boxes(&out);
        assert_eq!(boxes.len(), 7);
        assert!(boxes.iter().all(|b| b.right <= 322.0 - 4.0), "{boxes:?}");
        assert!(boxes.iter().all(|b| !b.text.ends_with('…')), "{boxes:?}");
    }

    #[test]
    fn a_legend_entry_wider_than_a_row_ends_in_an_ellipsis() {
        let title =
            "A note title far too long to be written whole in the legend of a phone's chart";
        let items = [
            ("All notes", LegendMark::Line(RED)),
            (title, LegendMark::Line(PALETTE[1])),
        ];
        let m = Metrics { scale: 1.0 };
        let out = svg(322, 120, |area| {
            let legend = Legend::new(area, &items, 56, &m).unwrap();
            assert_eq!(legend.rows(), 2);
            legend.draw(area, 4, &m).unwrap();
        });
        let boxes = text_boxes(&out);
        assert_eq!(boxes[0].text, "All notes");
        assert!(boxes[1].text.starts_with("A note title far"), "{boxes:?}");
        assert!(boxes[1].text.ends_with('…'), "{boxes:?}");
        assert!(boxes[1].right <= 322.0 - 4.0, "{boxes:?}");
    }

    #[test]
    fn fit_text_keeps_what_fits_and_shortens_the_rest() {
        let font = (FONT, 12.0).into_font().color(&INK);
        let _ = svg(100, 100, |area| {
            assert_eq!(fit_text(area, "Tmall", &font, 100).unwrap(), "Tmall");
            let short = fit_text(area, "Xiaohongshu search", &font, 60).unwrap();
            assert!(short.starts_with("Xiao") && short.ends_with('…'), "{short}");
            assert!(area.estimate_text_size(&short, &font).unwrap().0 <= 60);
            // A space is not left before the ellipsis; one character at least.
            assert_eq!(fit_text(area, "KOL note", &font, 35).unwrap(), "KOL…");
            assert_eq!(fit_text(area, "小红书笔记", &font, 1).unwrap(), "小…");
            // Nothing to shorten, even with no room at all.
            assert_eq!(fit_text(area, "", &font, -5).unwrap(), "");
        });
    }

    #[test]
    fn fit_text_never_splits_an_emoji_or_an_accent() {
        let font = (FONT, 12.0).into_font().color(&INK);
        let _ = svg(100, 100, |area| {
            // With no room, one whole cluster is kept, however many
            // characters it is made of.
            for text in [
                "👍🏽 good",
                "👩\u{200D}💻 coder",
                "🇨🇳🇯🇵 flags",
                "e\u{0301}clat",
                "✨\u{FE0F} glow",
            ] {
                let kept = fit_text(area, text, &font, 1).unwrap();
                let first = cluster_ends(text)[0];
                assert_eq!(kept, format!("{}…", &text[..first]), "{text:?}");
            }
        });
    }

    #[test]
    fn cluster_ends_fall_between_whole_characters() {
        assert_eq!(cluster_ends(""), Vec::<usize>::new());
        assert_eq!(cluster_ends("ab"), vec![1, 2]);
        assert_eq!(cluster_ends("小红书"), vec![3, 6, 9]);
        // A skin tone and a variation selector stay with their emoji.
        assert_eq!(cluster_ends("👍🏽x"), vec![8, 9]);
        assert_eq!(cluster_ends("✨\u{FE0F}x"), vec![6, 7]);
        // The joiner and what it joins stay together.
        assert_eq!(cluster_ends("👩\u{200D}💻x"), vec![11, 12]);
        // Flags are pairs of halves: cut only between pairs.
        assert_eq!(cluster_ends("🇨🇳🇯🇵"), vec![8, 16]);
        assert_eq!(cluster_ends("🇨🇳🇯"), vec![8, 12]);
        // A combining accent stays with its letter.
        assert_eq!(cluster_ends("e\u{0301}x"), vec![3, 4]);
    }

    #[test]
    fn text_on_a_bar_takes_the_colour_that_contrasts_more() {
        assert_eq!(text_on(RGBColor(245, 158, 11)), INK, "amber");
        assert_eq!(text_on(RGBColor(16, 185, 129)), INK, "green");
        assert_eq!(
            text_on(RGBColor(100, 116, 139)),
            plotters::style::colors::WHITE,
            "slate"
        );
        assert_eq!(
            text_on(RGBColor(99, 102, 241)),
            plotters::style::colors::WHITE,
            "indigo"
        );
    }

    #[test]
    fn a_channel_name_wider_than_the_chart_goes_upright_even_with_two_groups() {
        let names = vec![
            "Tmall".to_string(),
            "A channel rule someone named at great length, for a campaign, a season and a city"
                .repeat(2),
        ];
        let m = Metrics { scale: 1.0 };
        let mut layout = None;
        svg(322, 200, |area| {
            layout = Some(
                GroupNames::new(area, &names, 48, 130.0, &m)
                    .unwrap()
                    .layout(),
            );
        });
        assert_eq!(layout, Some(NameLayout::Upright));
    }

    #[test]
    fn group_names_go_across_then_staggered_then_upright_as_groups_narrow() {
        let names: Vec<String> = [
            "Tmall",
            "Xiaohongshu note",
            "KOL note",
            "Xiaohongshu search",
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        let m = Metrics { scale: 1.0 };
        let layout = |slot: f64| {
            let mut layout = None;
            svg(1000, 100, |area| {
                layout = Some(
                    GroupNames::new(area, &names, 48, slot, &m)
                        .unwrap()
                        .layout(),
                );
            });
            layout.unwrap()
        };
        assert_eq!(layout(120.0), NameLayout::Across);
        assert_eq!(layout(60.0), NameLayout::Staggered);
        assert_eq!(layout(30.0), NameLayout::Upright);
    }
}
