//! Hit regions: where on a drawn chart each value sits, and what its
//! tooltip says. Every `draw` function returns them; the canvas component
//! (`canvas::InteractiveChart`) finds the region under the pointer or moves
//! between them with the arrow keys.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters_backend::BackendCoord;
use xhs_roi_engine::format;

/// A region of a drawn chart and its tooltip text.
///
/// Coordinates are CSS pixels from the drawing area's top-left corner: the
/// backend's device pixels divided by the `scale` the chart was drawn at,
/// so they compare directly with a pointer's position over the canvas.
/// `label` may hold several lines (`\n`); the first names the point.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub label: String,
}

impl Hit {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    pub fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
}

/// What a `draw` function returns: the hit regions, in reading order (left
/// to right, then top to bottom), or plotters' error.
pub type Hits<DB> =
    Result<Vec<Hit>, plotters::drawing::DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The hit under `(x, y)`: of those containing the point, the one whose
/// centre is nearest (scatter points' boxes may overlap).
pub fn hit_at(hits: &[Hit], x: f64, y: f64) -> Option<usize> {
    hits.iter()
        .enumerate()
        .filter(|(_, h)| h.contains(x, y))
        .map(|(i, h)| {
            let (cx, cy) = h.centre();
            (i, (cx - x).powi(2) + (cy - y).powi(2))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// What a key does to the active hit among `count`: `Some(new)` when the
/// key is one the chart handles (arrows, Home, End, Page Up/Down, Escape),
/// `None` for any other key (left to the browser).
pub fn step(active: Option<usize>, count: usize, key: &str) -> Option<Option<usize>> {
    if count == 0 {
        return None;
    }
    let last = count - 1;
    let next = match (key, active) {
        ("Escape", _) => return Some(None),
        ("ArrowRight" | "ArrowDown", None) => 0,
        ("ArrowRight" | "ArrowDown", Some(i)) => (i + 1).min(last),
        ("ArrowLeft" | "ArrowUp", None) => last,
        ("ArrowLeft" | "ArrowUp", Some(i)) => i.saturating_sub(1),
        ("PageDown", i) => i.map_or(0, |i| (i + 10).min(last)),
        ("PageUp", i) => i.map_or(last, |i| i.saturating_sub(10)),
        ("Home", _) => 0,
        ("End", _) => last,
        _ => return None,
    };
    Some(Some(next))
}

/// Turns backend pixels into [`Hit`]s for one drawing area.
pub(crate) struct HitMaker {
    base: BackendCoord,
    scale: f64,
}

impl HitMaker {
    pub fn new<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scale: f64) -> HitMaker {
        HitMaker {
            base: area.get_base_pixel(),
            scale: scale.max(f64::MIN_POSITIVE),
        }
    }

    /// The rectangle between two backend-pixel corners (any order), at least
    /// `MIN` CSS pixels across each way so a zero-height bar can be found.
    pub fn rect(&self, a: BackendCoord, b: BackendCoord, label: String) -> Hit {
        const MIN: f64 = 4.0;
        let css = |v: i32, base: i32| f64::from(v - base) / self.scale;
        let (mut x0, mut x1) = (
            css(a.0.min(b.0), self.base.0),
            css(a.0.max(b.0), self.base.0),
        );
        let (mut y0, mut y1) = (
            css(a.1.min(b.1), self.base.1),
            css(a.1.max(b.1), self.base.1),
        );
        if x1 - x0 < MIN {
            let c = (x0 + x1) / 2.0;
            (x0, x1) = (c - MIN / 2.0, c + MIN / 2.0);
        }
        if y1 - y0 < MIN {
            let c = (y0 + y1) / 2.0;
            (y0, y1) = (c - MIN / 2.0, c + MIN / 2.0);
        }
        Hit {
            x0,
            y0,
            x1,
            y1,
            label,
        }
    }

    /// A square of `half` CSS pixels either side of a point.
    pub fn around(&self, centre: BackendCoord, half: f64, label: String) -> Hit {
        let x = f64::from(centre.0 - self.base.0) / self.scale;
        let y = f64::from(centre.1 - self.base.1) / self.scale;
        Hit {
            x0: x - half,
            y0: y - half,
            x1: x + half,
            y1: y + half,
            label,
        }
    }
}

/// How a value is written in a tooltip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'a> {
    Count,
    /// An amount with this currency sign.
    Money(&'a str),
    /// A rate: 0.25 is 25%.
    Fraction,
    /// A multiple such as ROAS.
    #[cfg_attr(not(test), allow(dead_code))]
    Multiple,
}

/// The exact value for a tooltip: every digit of whole numbers with
/// thousands separators in both languages (no 万 rounding), two decimals
/// where there is a fraction (shared orders, fen), rates in percent.
pub fn exact(value: f64, unit: Unit<'_>) -> String {
    if !value.is_finite() {
        return format::MISSING.to_string();
    }
    let whole = (value - value.round()).abs() < 0.005;
    match unit {
        Unit::Count if whole => format::grouped(value, 0),
        Unit::Count => {
            let text = format::grouped(value, 2);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        Unit::Money(symbol) => {
            let body = format::grouped(value.abs(), if whole { 0 } else { 2 });
            let sign = if value < 0.0 && body.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
                "-"
            } else {
                ""
            };
            format!("{sign}{symbol}{body}")
        }
        Unit::Fraction => format::percent(value),
        Unit::Multiple => format::multiple(value),
    }
}

/// A short axis label for a value of the unit.
pub fn axis_label(value: f64, unit: Unit<'_>, locale: format::Locale) -> String {
    match unit {
        Unit::Count | Unit::Money(_) => format::compact(value, locale),
        Unit::Fraction => format!("{:.0}%", value * 100.0),
        Unit::Multiple => format!("{}×", format::compact(value, locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(x0: f64, y0: f64, x1: f64, y1: f64) -> Hit {
        Hit {
            x0,
            y0,
            x1,
            y1,
            label: String::new(),
        }
    }

    #[test]
    fn the_nearest_containing_hit_wins() {
        let hits = [hit(0.0, 0.0, 10.0, 10.0), hit(6.0, 6.0, 16.0, 16.0)];
        assert_eq!(hit_at(&hits, 2.0, 2.0), Some(0));
        assert_eq!(hit_at(&hits, 9.0, 9.0), Some(1));
        assert_eq!(hit_at(&hits, 7.0, 7.0), Some(0));
        assert_eq!(hit_at(&hits, 20.0, 2.0), None);
        assert_eq!(hit_at(&[], 0.0, 0.0), None);
    }

    #[test]
    fn keys_move_between_hits_and_stop_at_the_ends() {
        assert_eq!(step(None, 3, "ArrowRight"), Some(Some(0)));
        assert_eq!(step(Some(0), 3, "ArrowRight"), Some(Some(1)));
        assert_eq!(step(Some(2), 3, "ArrowDown"), Some(Some(2)));
        assert_eq!(step(None, 3, "ArrowLeft"), Some(Some(2)));
        assert_eq!(step(Some(0), 3, "ArrowUp"), Some(Some(0)));
        assert_eq!(step(Some(1), 3, "End"), Some(Some(2)));
        assert_eq!(step(Some(2), 3, "Home"), Some(Some(0)));
        assert_eq!(step(Some(1), 30, "PageDown"), Some(Some(11)));
        assert_eq!(step(Some(5), 30, "PageUp"), Some(Some(0)));
        assert_eq!(step(Some(1), 3, "Escape"), Some(None));
        assert_eq!(step(Some(1), 3, "Tab"), None);
        assert_eq!(step(None, 0, "ArrowRight"), None);
    }

    #[test]
    fn hits_are_in_css_pixels_and_never_empty() {
        let mut out = String::new();
        let area = plotters::prelude::SVGBackend::with_string(&mut out, (200, 100));
        let area = plotters::prelude::IntoDrawingArea::into_drawing_area(area);
        let maker = HitMaker::new(&area, 2.0);
        let h = maker.rect((40, 60), (20, 20), "a".into());
        assert_eq!((h.x0, h.y0, h.x1, h.y1), (10.0, 10.0, 20.0, 30.0));
        let flat = maker.rect((20, 50), (40, 50), "b".into());
        assert_eq!((flat.y0, flat.y1), (23.0, 27.0));
        let point = maker.around((100, 100), 5.0, "c".into());
        assert_eq!((point.x0, point.x1, point.y0), (45.0, 55.0, 45.0));
        // A split area's hits start at its own corner.
        let (_, right) = area.split_horizontally(100);
        let maker = HitMaker::new(&right, 1.0);
        let h = maker.rect((110, 0), (120, 10), "d".into());
        assert_eq!((h.x0, h.x1), (10.0, 20.0));
    }

    #[test]
    fn exact_values_keep_every_digit() {
        assert_eq!(exact(563_991.0, Unit::Money("¥")), "¥563,991");
        assert_eq!(exact(17.456, Unit::Money("¥")), "¥17.46");
        assert_eq!(exact(-2_500.0, Unit::Money("$")), "-$2,500");
        assert_eq!(exact(1_234_567.0, Unit::Count), "1,234,567");
        assert_eq!(exact(12.5, Unit::Count), "12.5");
        assert_eq!(exact(122.999_999_999_999_99, Unit::Count), "123");
        assert_eq!(exact(0.0834, Unit::Fraction), "8.3%");
        assert_eq!(exact(2.5, Unit::Multiple), "2.50×");
        assert_eq!(exact(f64::NAN, Unit::Count), "—");
    }
}
