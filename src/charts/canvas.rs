//! The one place charts meet the browser: a canvas that fills its container,
//! sized in device pixels so lines and text are sharp on high-DPI screens,
//! and redrawn when the container resizes or the data changes; tooltips
//! over the hit regions a chart returns, and its export as PNG.

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
use xhs_roi_engine::format::Locale;

use super::hits::{hit_at, step, Hit};

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

/// What a chart's `paint` draws on.
pub type Area = DrawingArea<MeasuredCanvas, Shift>;

/// The canvas as a PNG file (what the export button downloads), at the
/// canvas' device-pixel size. `None` if the canvas is empty or the browser
/// refuses.
pub async fn png_blob(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::Blob> {
    let canvas = canvas.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let done = resolve.clone();
        let callback = Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
            let _ = done.call1(&wasm_bindgen::JsValue::NULL, &blob);
        });
        if canvas.to_blob(callback.unchecked_ref()).is_err() {
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &wasm_bindgen::JsValue::NULL);
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// Downloads the canvas as `xhs-roi-NAME.png`.
pub fn export_png(canvas: web_sys::HtmlCanvasElement, name: &str) {
    let file = format!("xhs-roi-{name}.png");
    leptos::task::spawn_local(async move {
        if let Some(blob) = png_blob(&canvas).await {
            crate::download::download_blob(&file, &blob);
        }
    });
}

/// How far from the frame's edges (CSS pixels) the tooltip turns to stay
/// inside.
const EDGE: f64 = 90.0;

pub(crate) fn chart_frame<F>(
    name: &'static str,
    label: Signal<String>,
    locale: Option<Signal<Locale>>,
    paint: F,
) -> impl IntoView
where
    F: Fn(&Area, f64) -> Vec<Hit> + Send + Sync + 'static,
{
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let frame_ref = NodeRef::<html::Div>::new();
    let size = RwSignal::new((0u32, 0u32));
    let observer = StoredValue::new_local(
        None::<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>,
    );
    // Charts out of view are not redrawn: a filter change repaints only what
    // can be seen, and the rest when it scrolls near the viewport (drawn a
    // little before it scrolls in, so it is there when it does).
    let visible = crate::visibility::in_view(frame_ref, "300px 0px");
    let locale = locale.unwrap_or_else(|| match use_context::<crate::state::AppState>() {
        Some(state) => state.locale.into(),
        None => Signal::stored(Locale::En),
    });
    let texts = move || super::texts::chart_texts(locale.get());
    // The regions of the last paint, the one shown and where its tooltip
    // points (CSS pixels in the frame).
    let hits = RwSignal::new(Vec::<Hit>::new());
    let active = RwSignal::new(None::<usize>);
    let anchor = RwSignal::new((0.0f64, 0.0f64));
    let tip = Memo::new(move |_| {
        let i = active.get()?;
        hits.with(|h| h.get(i).map(|h| h.label.clone()))
    });

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
        if !visible.get() {
            return;
        }
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        if css_width == 0 || css_height == 0 {
            return;
        }
        let ratio = window().device_pixel_ratio().max(1.0);
        let width = (f64::from(css_width) * ratio).round() as u32;
        let height = (f64::from(css_height) * ratio).round() as u32;
        // Setting a canvas' size, even to the same value, throws its
        // backing store away; every chart paints its whole area anyway.
        if canvas.width() != width {
            canvas.set_width(width);
        }
        if canvas.height() != height {
            canvas.set_height(height);
        }
        if let Some(backend) = MeasuredCanvas::new(canvas) {
            let area = backend.into_drawing_area();
            let painted =
                crate::state::timed(&format!("xhs-roi-draw-{name}"), || paint(&area, ratio));
            let _ = area.present();
            // The regions moved or changed: the old tooltip no longer applies.
            active.set(None);
            hits.set(painted);
        }
    });

    let on_pointer = move |e: web_sys::PointerEvent| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let rect = canvas.get_bounding_client_rect();
        let x = f64::from(e.client_x()) - rect.left();
        let y = f64::from(e.client_y()) - rect.top();
        let found = hits.with_untracked(|h| hit_at(h, x, y));
        if found.is_some() {
            anchor.set((x, y));
        }
        if found != active.get_untracked() {
            active.set(found);
        }
    };
    let on_key = move |e: web_sys::KeyboardEvent| {
        let count = hits.with_untracked(Vec::len);
        let Some(next) = step(active.get_untracked(), count, &e.key()) else {
            return;
        };
        e.prevent_default();
        if let Some(point) = next
            .and_then(|i| hits.with_untracked(|h| h.get(i).map(|h| (h.centre().0, h.y0.max(0.0)))))
        {
            anchor.set(point);
        }
        active.set(next);
    };
    let export = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            export_png(canvas, name);
        }
    };

    let tip_id = format!("chart-tip-{name}");
    let hint_id = format!("chart-hint-{name}");
    let described_by = format!("{hint_id} {tip_id}");
    let tooltip = view! {
        <span id=hint_id class="visually-hidden">{move || texts().keyboard_hint}</span>
        <div
            id=tip_id
            role="tooltip"
            aria-live="polite"
            class="chart-tip"
            data-testid=format!("chart-tip-{name}")
            class:below=move || anchor.get().1 < 64.0
            class:start=move || anchor.get().0 < EDGE
            class:end=move || {
                let width = f64::from(size.get().0);
                anchor.get().0 > width - EDGE && anchor.get().0 >= EDGE
            }
            hidden=move || tip.with(Option::is_none)
            style:left=move || format!("{:.1}px", anchor.get().0)
            style:top=move || format!("{:.1}px", anchor.get().1)
        >
            {move || tip.get().unwrap_or_default()}
        </div>
    };

    view! {
        <div class=format!("chart-frame chart-{name}") node_ref=frame_ref>
            <canvas
                node_ref=canvas_ref
                data-chart=name
                role="img"
                aria-label=move || label.get()
                aria-describedby=described_by
                tabindex="0"
                on:pointermove=on_pointer
                on:pointerdown=on_pointer
                on:pointerleave=move |e: web_sys::PointerEvent| {
                    // A finger leaves as it lifts: keep what it touched
                    // until the next touch or the canvas loses focus.
                    if e.pointer_type() != "touch" {
                        active.set(None);
                    }
                }
                on:keydown=on_key
                on:blur=move |_| active.set(None)
            ></canvas>
            {tooltip}
            <button
                type="button"
                class="chart-export"
                data-testid=format!("export-png-{name}")
                title=move || texts().export_png_help
                aria-label=move || texts().export_png_help
                on:click=export
            >
                {move || texts().export_png}
            </button>
        </div>
    }
}

/// Browser-side tests: run by `wasm-bindgen-test-runner` in headless Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use crate::charts::interactive::InteractiveChart;
    use crate::charts::{time_series, Unit, FONT};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use xhs_roi_engine::format::Locale;
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
    fn the_time_series_chart_paints_a_real_canvas() {
        let element = canvas(600, 300);
        let monday = Day::from_ymd(2026, 3, 2).unwrap();
        let chart = time_series::TimeSeries {
            granularity: time_series::Granularity::Week,
            points: (0..12)
                .map(|i| {
                    let label = time_series::bucket_label(
                        monday.add_days(7 * i),
                        time_series::Granularity::Week,
                        Locale::En,
                    );
                    (
                        label,
                        vec![1_000.0 * (i + 1) as f64, 80.0 * (12 - i) as f64],
                    )
                })
                .collect(),
            series: vec![
                time_series::Series {
                    label: "Impressions",
                    unit: Unit::Count,
                    mark: time_series::Mark::Bars,
                    colour: crate::charts::RED_SOFT,
                },
                time_series::Series {
                    label: "Interactions",
                    unit: Unit::Count,
                    mark: time_series::Mark::Line,
                    colour: crate::charts::RED,
                },
            ],
            shared_axis: false,
            locale: Locale::En,
        };
        let area = MeasuredCanvas::new(element.clone())
            .unwrap()
            .into_drawing_area();
        time_series::draw(&area, &chart, 1.0).unwrap();
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

    /// `n` milliseconds for the ResizeObserver, effects and events to run.
    async fn settle(ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }

    /// An event of a DOM class (`PointerEvent`, `KeyboardEvent`...) that
    /// bubbles, built through its constructor: web-sys' init dictionaries
    /// are features this crate does not turn on.
    fn event(class: &str, kind: &str, fields: &[(&str, wasm_bindgen::JsValue)]) -> web_sys::Event {
        use js_sys::Reflect;
        let window = web_sys::window().unwrap();
        let constructor: js_sys::Function = Reflect::get(&window, &class.into())
            .unwrap()
            .dyn_into()
            .unwrap();
        let init = js_sys::Object::new();
        Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
        for (key, value) in fields {
            Reflect::set(&init, &(*key).into(), value).unwrap();
        }
        Reflect::construct(&constructor, &js_sys::Array::of2(&kind.into(), &init))
            .unwrap()
            .dyn_into()
            .unwrap()
    }

    /// A sized container with the app's stylesheet, for mounting a chart.
    fn host(height: u32) -> web_sys::HtmlElement {
        let document = web_sys::window().unwrap().document().unwrap();
        if document.get_element_by_id("app-style").is_none() {
            let style = document.create_element("style").unwrap();
            style.set_id("app-style");
            style.set_text_content(Some(concat!(
                include_str!("../../style/main.css"),
                "\n.chart-test-series, .chart-test-plain { height: 100%; }"
            )));
            document.head().unwrap().append_child(&style).unwrap();
        }
        let host: web_sys::HtmlElement =
            document.create_element("div").unwrap().dyn_into().unwrap();
        host.set_attribute("style", &format!("width: 640px; height: {height}px"))
            .unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        host
    }

    fn series() -> time_series::TimeSeries<'static> {
        let monday = Day::from_ymd(2026, 3, 2).unwrap();
        time_series::TimeSeries {
            granularity: time_series::Granularity::Week,
            points: (0..8)
                .map(|i| {
                    (
                        time_series::bucket_label(
                            monday.add_days(7 * i),
                            time_series::Granularity::Week,
                            Locale::En,
                        ),
                        vec![1_000.0 * (i + 1) as f64, 250.5],
                    )
                })
                .collect(),
            series: vec![
                time_series::Series {
                    label: "Cost",
                    unit: Unit::Money("¥"),
                    mark: time_series::Mark::Bars,
                    colour: crate::charts::RED_SOFT,
                },
                time_series::Series {
                    label: "Revenue",
                    unit: Unit::Money("¥"),
                    mark: time_series::Mark::Line,
                    colour: crate::charts::RED,
                },
            ],
            shared_axis: true,
            locale: Locale::En,
        }
    }

    #[wasm_bindgen_test]
    async fn the_export_is_a_png_of_the_canvas_at_device_size() {
        let element = canvas(48, 20);
        let blob = png_blob(&element).await.expect("a PNG");
        assert_eq!(blob.type_(), "image/png");
        let bytes = js_sys::Uint8Array::new(
            &wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
                .await
                .unwrap(),
        )
        .to_vec();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian.
        assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 48);
        assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 20);
        let empty = canvas(0, 0);
        assert!(png_blob(&empty).await.is_none());
    }

    #[wasm_bindgen_test]
    async fn an_interactive_chart_shows_values_on_hover_and_with_the_keys() {
        let host = host(300);
        let handle = leptos::mount::mount_to(host.clone(), || {
            view! {
                <InteractiveChart
                    name="test-series"
                    label="Cost and revenue by week"
                    paint=|area: &Area, scale: f64| {
                        time_series::draw(area, &series(), scale).unwrap_or_default()
                    }
                    locale=Signal::stored(Locale::En)
                />
            }
        });
        settle(300).await;
        let document = web_sys::window().unwrap().document().unwrap();
        let canvas: web_sys::HtmlCanvasElement = host
            .query_selector("canvas[data-chart=test-series]")
            .unwrap()
            .expect("the canvas")
            .dyn_into()
            .unwrap();
        let tip = document
            .query_selector("[data-testid=chart-tip-test-series]")
            .unwrap()
            .expect("the tooltip");
        assert_eq!(tip.get_attribute("role").as_deref(), Some("tooltip"));
        assert!(tip.has_attribute("hidden"), "hidden until asked");
        assert_eq!(canvas.get_attribute("tabindex").as_deref(), Some("0"));
        let described = canvas.get_attribute("aria-describedby").unwrap();
        assert!(described.contains("chart-tip-test-series"), "{described}");
        let ratio = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
        assert_eq!(
            canvas.width(),
            (640.0 * ratio).round() as u32,
            "fills its frame"
        );

        // The pointer over the last column: its bucket and both exact values.
        let rect = canvas.get_bounding_client_rect();
        let move_to = |x: f64, y: f64| {
            let e = event(
                "PointerEvent",
                "pointermove",
                &[
                    ("clientX", (rect.left() + x).into()),
                    ("clientY", (rect.top() + y).into()),
                ],
            );
            canvas.dispatch_event(&e).unwrap();
        };
        move_to(rect.width() - 30.0, rect.height() / 2.0);
        settle(50).await;
        assert!(!tip.has_attribute("hidden"));
        assert_eq!(
            tip.text_content().unwrap(),
            "Week of Apr 20\nCost: ¥8,000\nRevenue: ¥250.50"
        );
        let style = tip.get_attribute("style").unwrap_or_default();
        assert!(style.contains("left") && style.contains("px"), "{style}");
        let class = tip.get_attribute("class").unwrap_or_default();
        assert!(
            class.split_whitespace().any(|c| c == "end"),
            "turned inwards at the right edge: {class}"
        );
        // Outside every region (the left axis labels): hidden again.
        move_to(4.0, rect.height() / 2.0);
        settle(50).await;
        assert!(tip.has_attribute("hidden"));

        // Keys: Home, then the next point, then Escape.
        canvas.focus().unwrap();
        let key = |name: &str| {
            let e = event("KeyboardEvent", "keydown", &[("key", name.into())]);
            canvas.dispatch_event(&e).unwrap();
        };
        key("Home");
        settle(50).await;
        assert_eq!(
            tip.text_content().unwrap(),
            "Week of Mar 2\nCost: ¥1,000\nRevenue: ¥250.50"
        );
        key("ArrowRight");
        settle(50).await;
        assert!(tip
            .text_content()
            .unwrap()
            .starts_with("Week of Mar 9\nCost: ¥2,000"));
        key("End");
        settle(50).await;
        assert!(tip.text_content().unwrap().starts_with("Week of Apr 20"));
        key("Escape");
        settle(50).await;
        assert!(tip.has_attribute("hidden"));
        key("ArrowLeft");
        settle(50).await;
        assert!(!tip.has_attribute("hidden"));
        canvas
            .dispatch_event(&event("PointerEvent", "pointerleave", &[]))
            .unwrap();
        settle(50).await;
        assert!(tip.has_attribute("hidden"));

        let button = host
            .query_selector("[data-testid=export-png-test-series]")
            .unwrap()
            .expect("the export button");
        assert_eq!(button.text_content().unwrap().trim(), "PNG");
        assert_eq!(
            button.get_attribute("aria-label").as_deref(),
            Some("Download this chart as a PNG image")
        );
        drop(handle);
        host.remove();
    }
}
