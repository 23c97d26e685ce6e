//! The page's side of the import worker (`src/bin/import-worker.rs`).
//!
//! One worker, started on first use. Requests are numbered; each carries a
//! callback that receives the worker's events for it. Cancelling terminates
//! the worker (it is busy in a synchronous loop and cannot listen) and the
//! next request starts a fresh one. Where a worker cannot start (an old
//! browser, a `file://` page), the same engine calls run on the page.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use xhs_roi_engine::codec;
use xhs_roi_engine::csv::ReadError;
use xhs_roi_engine::import::{Import, ImportError, ImportOptions, Sniffed};

use crate::state::timed;

/// What the worker says about one request.
pub enum WorkerEvent {
    Sniffed(Sniffed),
    Progress {
        bytes: f64,
        total: f64,
        rows: f64,
    },
    Done(Import),
    Failed(ImportError),
    /// Every model's credit over the journeys the worker keeps, and the
    /// path explorer's figures.
    Attributed(
        xhs_roi_engine::attribution::Attribution,
        xhs_roi_engine::attribution::paths::PathExplorer,
    ),
    /// The worker keeps no journeys to attribute.
    Unattributed,
    /// Attribution is under way.
    Attributing(AttributionProgress),
    /// The journeys the worker keeps, in the table codec (none kept: `None`).
    Kept(Option<Vec<u8>>),
    /// Journeys were put back into the worker.
    Restored,
    /// The browser refused to read the file, or the worker broke.
    Broken,
}

/// Where a long attribution run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributionProgress {
    Journeys,
    RuleModels,
    Markov,
    Bootstrap { done: u32, of: u32 },
}

impl AttributionProgress {
    fn from_message(stage: u32, done: u32, of: u32) -> AttributionProgress {
        match stage {
            0 => AttributionProgress::Journeys,
            1 => AttributionProgress::RuleModels,
            2 => AttributionProgress::Markov,
            _ => AttributionProgress::Bootstrap { done, of },
        }
    }

    /// Rough share of the run done: the bootstrap is most of the time when
    /// it runs.
    pub fn fraction(self) -> f64 {
        match self {
            AttributionProgress::Journeys => 0.02,
            AttributionProgress::RuleModels => 0.08,
            AttributionProgress::Markov => 0.12,
            AttributionProgress::Bootstrap { done, of } => {
                0.15 + 0.85 * f64::from(done) / f64::from(of.max(1))
            }
        }
    }
}

type Handler = Box<dyn FnMut(WorkerEvent)>;

struct Client {
    worker: web_sys::Worker,
    ready: bool,
    /// Messages sent before the worker said it was ready.
    queue: Vec<Array>,
    handlers: HashMap<u32, Handler>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
    /// Messages that arrived while a large result waits (see
    /// [`on_message`]), in order; `None` when nothing waits.
    static HELD: RefCell<Option<Vec<Array>>> = const { RefCell::new(None) };
}

/// An encoded import this large takes the page long enough to decode and
/// apply (about a second for 90 MB) that the progress bar's last state,
/// "preparing the dashboard", is painted first.
const PAINT_BEFORE: u32 = 16 << 20;

/// Time for a frame to be painted before a large result is applied.
const PAINT_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

const WORKER_URL: &str = "import-worker-loader.js";

fn start() -> Option<Client> {
    let worker = web_sys::Worker::new(WORKER_URL).ok()?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|message: web_sys::MessageEvent| {
            on_message(message.data().unchecked_into());
        });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_| {
        // After any message still held (see `on_message`), in order.
        self::on_message(Array::of1(&WORKER_FAILED.into()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Client {
        worker,
        ready: false,
        queue: Vec::new(),
        handlers: HashMap::new(),
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Takes the worker's messages in order. A large import result waits for
/// a frame to be painted (the page is busy with it for a while after), and
/// the messages after it wait behind it.
fn on_message(data: Array) {
    let waiting = HELD.with(|held| match held.borrow_mut().as_mut() {
        Some(queue) => {
            queue.push(data.clone());
            true
        }
        None => false,
    });
    if waiting {
        return;
    }
    // A hidden page paints nothing, and its timers are slowed.
    let hidden = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden());
    let large_result = !hidden
        && data.get(0).as_string().as_deref() == Some("done")
        && data
            .get(2)
            .dyn_into::<Uint8Array>()
            .is_ok_and(|bytes| bytes.length() >= PAINT_BEFORE);
    if !large_result {
        handle_message(data);
        return;
    }
    HELD.with(|held| *held.borrow_mut() = Some(Vec::new()));
    leptos::prelude::set_timeout(
        move || {
            handle_message(data);
            let queue = HELD
                .with(|held| held.borrow_mut().take())
                .unwrap_or_default();
            // In order; another large result among them waits in turn.
            for message in queue {
                on_message(message);
            }
        },
        PAINT_WAIT,
    );
}

/// Not a message from the worker: its error event, queued among them.
const WORKER_FAILED: &str = "worker-failed";

/// The worker could not load: answers everything waiting, then lets the
/// next request try again.
fn worker_failed() {
    let handlers = CLIENT
        .with(|c| c.borrow_mut().take().map(|c| c.handlers))
        .unwrap_or_default();
    for (_, mut handler) in handlers {
        handler(WorkerEvent::Broken);
    }
}

fn handle_message(data: Array) {
    let tag = data.get(0).as_string().unwrap_or_default();
    if tag == WORKER_FAILED {
        worker_failed();
        return;
    }
    if tag == "ready" {
        CLIENT.with(|c| {
            if let Some(client) = c.borrow_mut().as_mut() {
                client.ready = true;
                for message in client.queue.drain(..) {
                    let _ = client.worker.post_message(&message);
                }
            }
        });
        return;
    }
    if tag == "warmed" {
        warm_decoding(&data);
        return;
    }
    let id = data.get(1).as_f64().unwrap_or(0.0) as u32;
    // An answer nobody waits for any more (a cancel stopped its worker) is
    // not decoded: a large one would hold the page for nothing.
    let awaited = CLIENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|client| client.handlers.contains_key(&id))
    });
    if !awaited {
        return;
    }
    let bytes = || Uint8Array::new(&data.get(2)).to_vec();
    let (event, finished) = match tag.as_str() {
        "sniffed" => match timed("xhs-sniffed-decode", || codec::decode_sniffed(&bytes())) {
            Ok(s) => (WorkerEvent::Sniffed(s), true),
            Err(_) => (WorkerEvent::Broken, true),
        },
        "progress" => (
            WorkerEvent::Progress {
                bytes: data.get(2).as_f64().unwrap_or(0.0),
                total: data.get(3).as_f64().unwrap_or(0.0),
                rows: data.get(4).as_f64().unwrap_or(0.0),
            },
            false,
        ),
        "done" => match timed("xhs-done-decode", || codec::decode_import(&bytes())) {
            Ok(i) => (WorkerEvent::Done(i), true),
            Err(_) => (WorkerEvent::Broken, true),
        },
        "attributed" => {
            let paths = Uint8Array::new(&data.get(3)).to_vec();
            match (
                codec::decode_attribution(&bytes()),
                codec::decode_explorer(&paths),
            ) {
                (Ok(a), Ok(p)) => (WorkerEvent::Attributed(a, p), true),
                _ => (WorkerEvent::Broken, true),
            }
        }
        "unattributed" | "forgotten" => (WorkerEvent::Unattributed, true),
        "kept" => {
            let bytes = data
                .get(2)
                .dyn_into::<Uint8Array>()
                .ok()
                .map(|a| a.to_vec());
            (WorkerEvent::Kept(bytes), true)
        }
        "restored" => (WorkerEvent::Restored, true),
        "attributing" => {
            let number = |i| data.get(i).as_f64().unwrap_or(0.0) as u32;
            let progress = AttributionProgress::from_message(number(2), number(3), number(4));
            (WorkerEvent::Attributing(progress), false)
        }
        "failed" => {
            let code = data.get(2).as_f64().unwrap_or(0.0) as usize;
            let error = ImportError {
                file: data.get(3).as_string().unwrap_or_default(),
                reason: ReadError::ALL
                    .get(code)
                    .copied()
                    .unwrap_or(ReadError::Binary),
            };
            (WorkerEvent::Failed(error), true)
        }
        _ => (WorkerEvent::Broken, true),
    };
    // Take the handler out while it runs: it may start another request.
    let handler = CLIENT.with(|c| {
        c.borrow_mut()
            .as_mut()
            .and_then(|client| client.handlers.remove(&id))
    });
    if let Some(mut handler) = handler {
        handler(event);
        if !finished {
            CLIENT.with(|c| {
                if let Some(client) = c.borrow_mut().as_mut() {
                    client.handlers.insert(id, handler);
                }
            });
        }
    }
}

/// A round of the worker's warm-up (`xhs_roi_engine::warm_up`): the page
/// decodes what the worker sent and drops it, so that its decoding code is
/// optimised before a user's file arrives. The last round is marked
/// `xhs-warm` in the page's User Timing.
fn warm_decoding(data: &Array) {
    let bytes = |i| Uint8Array::new(&data.get(i)).to_vec();
    let _ = codec::decode_import(&bytes(2));
    let _ = codec::decode_sniffed(&bytes(3));
    if data.get(4).as_f64() == Some(0.0) {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("xhs-warm");
        }
    }
}

/// Asks the worker to sniff (`import: false`) or read (`import: true`) a file.
/// `file_id` is the page's id for the file (a pending file's): the worker
/// starts reading a file it sniffed with an id, and the import with the
/// same id begins with what was read meanwhile.
pub fn request(
    file: web_sys::File,
    file_id: Option<u32>,
    options: &ImportOptions,
    import: bool,
    on_event: impl FnMut(WorkerEvent) + 'static,
) {
    let tag = if import { "import" } else { "sniff" };
    let options = Uint8Array::from(codec::encode_options(options).as_slice());
    let file_id = file_id.map_or(JsValue::UNDEFINED, JsValue::from);
    send(
        tag,
        &[file.into(), options.into(), file_id],
        Box::new(on_event),
    );
}

/// Asks the worker for every model's credit over the journeys it keeps.
/// With `auto_bootstrap` the worker picks the number of resamples by the
/// input's size instead of taking the settings' number.
pub fn attribute(
    settings: &xhs_roi_engine::attribution::Settings,
    auto_bootstrap: bool,
    on_event: impl FnMut(WorkerEvent) + 'static,
) {
    let settings = Uint8Array::from(codec::encode_attribution_settings(settings).as_slice());
    send(
        "attribute",
        &[settings.into(), JsValue::from_bool(auto_bootstrap)],
        Box::new(on_event),
    );
}

/// The journeys the worker keeps, in the engine's table codec.
pub async fn kept_journeys() -> Option<Vec<u8>> {
    let reply = Reply::new();
    let sender = reply.sender();
    send(
        "kept",
        &[],
        Box::new(move |event| {
            sender(match event {
                WorkerEvent::Kept(bytes) => bytes,
                _ => None,
            })
        }),
    );
    reply.wait().await
}

/// Puts journeys (from [`kept_journeys`]) back into the worker.
pub async fn restore_journeys(bytes: &[u8]) {
    let reply = Reply::new();
    let sender = reply.sender();
    let payload = Uint8Array::from(bytes);
    send(
        "restore",
        &[payload.into()],
        Box::new(move |_| sender(None)),
    );
    let _ = reply.wait().await;
}

/// Bytes a worker callback hands to an `async` caller.
struct Reply {
    value: std::rc::Rc<RefCell<Option<Vec<u8>>>>,
    resolve: std::rc::Rc<RefCell<Option<js_sys::Function>>>,
    promise: js_sys::Promise,
}

impl Reply {
    fn new() -> Reply {
        let resolve: std::rc::Rc<RefCell<Option<js_sys::Function>>> = Default::default();
        let promise = {
            let resolve = resolve.clone();
            js_sys::Promise::new(&mut move |done, _| *resolve.borrow_mut() = Some(done))
        };
        Reply {
            value: Default::default(),
            resolve,
            promise,
        }
    }

    /// What the callback calls, once.
    fn sender(&self) -> impl Fn(Option<Vec<u8>>) + 'static {
        let (value, resolve) = (self.value.clone(), self.resolve.clone());
        move |bytes| {
            *value.borrow_mut() = bytes;
            if let Some(done) = resolve.borrow_mut().take() {
                let _ = done.call0(&JsValue::UNDEFINED);
            }
        }
    }

    async fn wait(self) -> Option<Vec<u8>> {
        let _ = wasm_bindgen_futures::JsFuture::from(self.promise).await;
        self.value.borrow_mut().take()
    }
}

/// Drops the journeys the worker keeps (the demo's, before the user's own
/// files replace it). Messages are handled in order, so imports sent after
/// this are kept.
pub fn forget_journeys() {
    send("forget", &[], Box::new(|_| {}));
}

/// Sets the journeys the worker keeps aside while the demo is shown; the
/// demo's come in after this.
pub fn stash_journeys() {
    send("stash", &[], Box::new(|_| {}));
}

/// Brings back the journeys [`stash_journeys`] set aside, in place of the
/// demo's (an import of the demo's still running keeps none). False when
/// the worker had none to bring back (it was restarted since).
pub async fn unstash_journeys() -> bool {
    let reply = Reply::new();
    let sender = reply.sender();
    send(
        "unstash",
        &[],
        Box::new(move |event| sender(matches!(event, WorkerEvent::Restored).then(Vec::new))),
    );
    reply.wait().await.is_some()
}

/// Drops the journeys set aside: the user will not bring them back.
pub fn drop_stashed_journeys() {
    post_unanswered("drop-stash", 0);
}

/// Stops the worker reading ahead for the pending file `file_id` (removed
/// or discarded before its import), so the slices read for it are freed.
/// A worker reading ahead for another file carries on.
pub fn drop_read_ahead(file_id: u32) {
    post_unanswered("drop-read-ahead", file_id);
}

/// Posts `[tag, number]`, which the worker does not answer (queued behind
/// the requests sent before it until the worker is ready).
fn post_unanswered(tag: &str, number: u32) {
    let message = Array::of2(&JsValue::from_str(tag), &JsValue::from(number));
    CLIENT.with(|c| {
        if let Some(client) = c.borrow_mut().as_mut() {
            // Behind the sniff that would start it, if that is queued too.
            if client.ready {
                let _ = client.worker.post_message(&message);
            } else {
                client.queue.push(message);
            }
        }
    });
}

/// Numbers a request, starts the worker if needed, and posts
/// `[tag, id, ...payload]` (queued until the worker is ready). Without a
/// worker the handler hears `Broken` at once.
fn send(tag: &str, payload: &[JsValue], mut on_event: Handler) {
    let id = NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    let started = CLIENT.with(|c| {
        let mut slot = c.borrow_mut();
        if slot.is_none() {
            *slot = start();
        }
        slot.is_some()
    });
    if !started {
        // The page ships no parser: without a worker the request fails with
        // a message instead of freezing the page.
        on_event(WorkerEvent::Broken);
        return;
    }
    let message = Array::new();
    message.push(&JsValue::from_str(tag));
    message.push(&JsValue::from(id));
    for part in payload {
        message.push(part);
    }
    CLIENT.with(|c| {
        if let Some(client) = c.borrow_mut().as_mut() {
            client.handlers.insert(id, on_event);
            if client.ready {
                let _ = client.worker.post_message(&message);
            } else {
                client.queue.push(message);
            }
        }
    });
}

/// Stops whatever the worker is doing. Waiting requests are dropped without
/// an answer; the caller has already moved on.
pub fn cancel_all() {
    CLIENT.with(|c| {
        if let Some(client) = c.borrow_mut().take() {
            client.worker.terminate();
        }
    });
}
