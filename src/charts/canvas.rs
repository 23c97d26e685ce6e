//! The one place charts meet the browser: a canvas that fills its container,
//! sized in device pixels so lines and text are sharp on high-DPI screens,
//! and redrawn when the container resizes or the data changes.

use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// plotters' canvas backend, measuring text with the canvas itself.
///
/// plotters measures text on the web by inserting a `<span>` with an inline
/// `style` attribute, which the Content-Security-Policy (rightly) refuses;
/// the measurement then comes out wrong and the console fills with
/// violations. `measureText` on the 2D context needs no DOM and no styles.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: web_sys::CanvasRenderingContext2d,
}

impl MeasuredCanvas {
    pub fn new(canvas: web_sys::HtmlCanvasElement) -> Option<MeasuredCanvas> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(MeasuredCanvas { inner, context })
    }
}

type CanvasResult<T = ()> =
    Result<T, DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> CanvasResult {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> CanvasResult {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> CanvasResult {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> CanvasResult {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> CanvasResult {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> CanvasResult {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> CanvasResult {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> CanvasResult {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> CanvasResult {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> CanvasResult<(u32, u32)> {
        // The same font string plotters-canvas draws with.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(0.0);
        Ok((width.ceil() as u32, style.size().ceil() as u32))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> CanvasResult {
        self.inner.blit_bitmap(pos, (w, h), src)
    }
}

/// A chart on a canvas. Its size comes from CSS (`.chart-frame.chart-NAME`):
/// the canvas follows the frame.
#[component]
pub fn ChartCanvas<F>(
    /// Names the chart in `data-chart` (tests and styles use it).
    name: &'static str,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    /// Draws the chart at the given device pixel ratio. Signals it reads
    /// trigger a redraw.
    paint: F,
) -> impl IntoView
where
    F: Fn(&DrawingArea<MeasuredCanvas, Shift>, f64) + Send + Sync + 'static,
{
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let frame_ref = NodeRef::<html::Div>::new();
    let size = RwSignal::new((0u32, 0u32));
    let observer = StoredValue::new_local(
        None::<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>,
    );

    Effect::new(move |_| {
        let Some(frame) = frame_ref.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                let rect = entry.content_rect();
                let measured = (
                    rect.width().floor().max(0.0) as u32,
                    rect.height().floor().max(0.0) as u32,
                );
                if measured != size.get_untracked() {
                    size.set(measured);
                }
            }
        });
        if let Ok(resize) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            resize.observe(&frame);
            observer.set_value(Some((resize, on_resize)));
        }
    });
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some((resize, _)) = o.take() {
                resize.disconnect();
            }
        })
    });

    Effect::new(move |_| {
        let (css_width, css_height) = size.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        if css_width == 0 || css_height == 0 {
            return;
        }
        let ratio = window().device_pixel_ratio().max(1.0);
        canvas.set_width((f64::from(css_width) * ratio).round() as u32);
        canvas.set_height((f64::from(css_height) * ratio).round() as u32);
        if let Some(backend) = MeasuredCanvas::new(canvas) {
            let area = backend.into_drawing_area();
            paint(&area, ratio);
            let _ = area.present();
        }
    });

    view! {
        <div class=format!("chart-frame chart-{name}") node_ref=frame_ref>
            <canvas
                node_ref=canvas_ref
                data-chart=name
                role="img"
                aria-label=move || label.get()
            ></canvas>
        </div>
    }
}

/// Browser-side tests: run by `wasm-bindgen-test-runner` in headless Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use crate::charts::{weekly, FONT};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use xhs_roi_engine::format::Locale;
    use xhs_roi_engine::report::WeekPoint;
    use xhs_roi_engine::time::Day;

    wasm_bindgen_test_configure!(run_in_browser);

    fn canvas(width: u32, height: u32) -> web_sys::HtmlCanvasElement {
        let document = web_sys::window().unwrap().document().unwrap();
        let canvas: web_sys::HtmlCanvasElement = document
            .create_element("canvas")
            .unwrap()
            .dyn_into()
            .unwrap();
        canvas.set_width(width);
        canvas.set_height(height);
        document.body().unwrap().append_child(&canvas).unwrap();
        canvas
    }

    #[wasm_bindgen_test]
    fn text_is_measured_on_the_canvas_without_adding_elements() {
        let document = web_sys::window().unwrap().document().unwrap();
        let backend = MeasuredCanvas::new(canvas(200, 100)).unwrap();
        let before = document.body().unwrap().child_element_count();
        let font = TextStyle::from((FONT, 12.0).into_font());
        let short = backend.estimate_text_size("Mar", &font).unwrap().0;
        let long = backend
            .estimate_text_size("Mar Mar Mar Mar Mar Mar", &font)
            .unwrap()
            .0;
        assert!(short > 5, "{short}");
        assert!(long > short * 4, "{short} {long}");
        assert_eq!(document.body().unwrap().child_element_count(), before);
    }

    #[wasm_bindgen_test]
    fn the_weekly_chart_paints_a_real_canvas() {
        let element = canvas(600, 300);
        let monday = Day::from_ymd(2026, 3, 2).unwrap();
        let weeks: Vec<WeekPoint> = (0..12)
            .map(|i| WeekPoint {
                week: monday.add_days(7 * i),
                impressions: 1_000.0 * (i + 1) as f64,
                interactions: 80.0 * (12 - i) as f64,
            })
            .collect();
        let labels = weekly::Labels {
            impressions: "Impressions",
            interactions: "Interactions",
            week_label: crate::i18n::EN.week_label,
            locale: Locale::En,
        };
        let area = MeasuredCanvas::new(element.clone())
            .unwrap()
            .into_drawing_area();
        weekly::draw(&area, &weeks, &labels, 1.0).unwrap();
        area.present().unwrap();

        let context: web_sys::CanvasRenderingContext2d = element
            .get_context("2d")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        let pixels = context
            .get_image_data(0.0, 0.0, 600.0, 300.0)
            .unwrap()
            .data();
        let red = pixels
            .chunks(4)
            .filter(|p| p[0] > 200 && p[1] < 80 && p[2] < 100)
            .count();
        let soft = pixels
            .chunks(4)
            .filter(|p| p[0] == 255 && p[1] == 196 && p[2] == 204)
            .count();
        assert!(
            red > 200,
            "the interactions line is missing ({red} red pixels)"
        );
        assert!(
            soft > 5_000,
            "the impression bars are missing ({soft} pixels)"
        );
    }
}
