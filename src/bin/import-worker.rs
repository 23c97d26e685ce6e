//! The import worker: reads files off the main thread so the page never
//! freezes.
//!
//! It reads a `File` in slices with `FileReaderSync` (synchronous, which is
//! allowed only in workers, and exactly right here), feeds them to the
//! engine's streaming [`Importer`], and posts progress at most ten times a
//! second. The result goes back as one transferable buffer in the engine's
//! binary codec. Cancelling is the page terminating this worker.
//!
//! Messages in: `["sniff", id, File, options, file_id?]` and `["import",
//! id, File, options, file_id?]`, options being `codec::encode_options`
//! bytes and `file_id` the page's id for the file (a sniff with one starts
//! reading the file for the import with the same id); `["attribute",
//! id, settings, auto_bootstrap]`. Messages out: `["ready"]`, `["sniffed",
//! id, bytes]`, `["progress", id, bytes_read, total_bytes, rows]`, `["done",
//! id, bytes]`, `["failed", id, reason_code, file]`, `["attributing", id,
//! stage, done, of]`, `["attributed", id, credits, paths]`,
//! `["unattributed", id]`, `["unreadable", id]` (the browser could not
//! read the file; the page treats any tag it does not know as broken);
//! `["drop-read-ahead", file_id]` stops reading ahead for a file the
//! user removed (no answer);
//! `["forget", id]` drops the journeys kept here
//! (the demo's, when the user's own files replace it) and answers
//! `["forgotten", id]`; `["kept", id]` answers `["kept", id, bytes?]`, the
//! journeys kept here in the table codec (for "remember my data"), and
//! `["restore", id, bytes]` puts such journeys back (answer `["restored",
//! id]`); `["stash", id]` sets the journeys kept here aside while the page
//! shows the demo (answer `["forgotten", id]`), `["unstash", id]` brings
//! them back in place of the demo's (answer `["restored", id]`, or
//! `["forgotten", id]` when there were none to bring back) and
//! `["drop-stash", id]` drops them (no answer). An import of journeys
//! started before any of these changed the journeys is not kept.

#[cfg(target_arch = "wasm32")]
mod worker {
    use js_sys::{Array, Uint8Array};
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};
    use xhs_roi_engine::codec;
    use xhs_roi_engine::csv::{Decoder, ReadError};
    use xhs_roi_engine::import::{
        self, ImportError, ImportOptions, Importer, Sniffed, SNIFF_BYTES,
    };
    use xhs_roi_engine::{xlsx, Kind, Table};

    thread_local! {
        /// The reader worker, started with this one so that an import does
        /// not wait for it to load.
        static READER: std::cell::RefCell<Option<web_sys::Worker>> =
            const { std::cell::RefCell::new(None) };
        /// Tables too big to be worth copying to the page, by kind. A new
        /// import of a kind replaces the old one.
        static KEPT: std::cell::RefCell<std::collections::HashMap<Kind, Table>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
        /// The journeys of the kept table, reused by every run whose
        /// settings leave them unchanged (a model, a weight, the bootstrap).
        static JOURNEYS: std::cell::RefCell<xhs_roi_engine::attribution::cache::JourneyCache> =
            std::cell::RefCell::default();
        /// The attribution settings of the last run: the journeys of a new
        /// table are built with them right after its import.
        static LAST_SETTINGS: std::cell::RefCell<xhs_roi_engine::attribution::Settings> =
            std::cell::RefCell::default();
        /// The file sniffed last (the page's id for it) and its first
        /// slices, being read for its import.
        static READ_AHEAD: RefCell<Option<(f64, Slices)>> = const { RefCell::new(None) };
        /// The user's journeys while the page shows the demo ("stash").
        static STASH: RefCell<Option<std::collections::HashMap<Kind, Table>>> =
            const { RefCell::new(None) };
        /// Counts the page's changes of the journeys kept here (forget,
        /// restore, stash, unstash). An import reads it when it starts: an
        /// import awaits its slices, so a change can be handled meanwhile,
        /// and the journeys it brings are then not the ones wanted.
        static KEPT_EPOCH: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    fn kept_epoch() -> u64 {
        KEPT_EPOCH.with(std::cell::Cell::get)
    }

    /// The page changed the journeys kept here: imports under way keep
    /// none of theirs.
    fn journeys_replaced() {
        KEPT_EPOCH.with(|epoch| epoch.set(epoch.get() + 1));
        JOURNEYS.with(|journeys| journeys.borrow_mut().clear());
    }

    /// Keeps `table` as the one attributed (a paths table replaces a
    /// touchpoint log and the other way round) and forgets the old journeys.
    fn keep(table: Table) {
        KEPT.with(|kept| {
            let mut kept = kept.borrow_mut();
            kept.retain(|&kind, _| !kind.holds_journeys());
            kept.insert(table.kind, table);
        });
        JOURNEYS.with(|journeys| journeys.borrow_mut().clear());
    }

    /// The table attributed: a touchpoint log, else a paths table.
    fn attributed(kept: &std::collections::HashMap<Kind, Table>) -> Option<&Table> {
        kept.get(&Kind::Touchpoints)
            .or_else(|| kept.get(&Kind::Paths))
    }

    /// Builds the kept table's journeys now, with the last run's settings,
    /// so the first run after an import finds them ready. Timed as
    /// `xhs-journeys` in this worker's User Timing.
    fn prepare_journeys() {
        mark("xhs-journeys-start");
        KEPT.with(|kept| {
            let kept = kept.borrow();
            let Some(table) = attributed(&kept) else {
                return;
            };
            LAST_SETTINGS.with(|settings| {
                JOURNEYS.with(|journeys| {
                    // A table without journeys is reported when a run asks.
                    let _ = journeys.borrow_mut().journeys(table, &settings.borrow());
                })
            });
        });
        measure("xhs-journeys", "xhs-journeys-start", "xhs-journeys-end");
    }

    /// Touchpoint logs run to millions of rows and only attribution needs
    /// them: those tables stay here.
    fn keeps_here(kind: Kind) -> bool {
        kind.holds_journeys()
    }

    /// Slices of this size keep memory flat and progress smooth.
    const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;
    /// The worker that reads files for this one (public/import-reader.js).
    const READER_URL: &str = "import-reader.js";
    const PROGRESS_EVERY_MS: f64 = 100.0;

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    /// Runs `callback` once this worker's event loop has waited `delay_ms`;
    /// the timer's handle, unless the browser refused it.
    fn set_timeout(callback: &Closure<dyn FnMut()>, delay_ms: i32) -> Option<i32> {
        scope()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                delay_ms,
            )
            .ok()
    }

    /// The worker's own clock (User Timing), so a benchmark can tell where
    /// an import's time goes: `xhs-worker-*` marks and measures.
    fn performance() -> Option<web_sys::Performance> {
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into().ok())
    }

    fn mark(name: &str) {
        if let Some(p) = performance() {
            let _ = p.mark(name);
        }
    }

    fn measure(name: &str, start: &str, end: &str) {
        mark(end);
        if let Some(p) = performance() {
            let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
        }
    }

    fn now() -> f64 {
        performance().map_or_else(js_sys::Date::now, |p| p.now())
    }

    fn post(parts: &[JsValue], transfer: Option<&JsValue>) {
        let message: Array = parts.iter().collect();
        let result = match transfer {
            Some(buffer) => scope().post_message_with_transfer(&message, &Array::of1(buffer)),
            None => scope().post_message(&message),
        };
        if result.is_err() {
            web_sys::console::error_1(&"import worker: a message could not be posted".into());
        }
    }

    fn post_bytes(tag: &str, id: f64, bytes: &[u8]) {
        let array = Uint8Array::from(bytes);
        let buffer = array.buffer();
        post(&[tag.into(), id.into(), array.into()], Some(&buffer));
    }

    fn fail(id: f64, error: &ImportError) {
        let code = ReadError::ALL
            .iter()
            .position(|&e| e == error.reason)
            .unwrap_or(0);
        post(
            &[
                "failed".into(),
                id.into(),
                (code as f64).into(),
                error.file.as_str().into(),
            ],
            None,
        );
    }

    fn read_slice(
        reader: &FileReaderSync,
        file: &Blob,
        start: f64,
        end: f64,
    ) -> Result<Vec<u8>, JsValue> {
        let slice = file.slice_with_f64_and_f64(start, end)?;
        let buffer = reader.read_as_array_buffer(&slice)?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// Sniffs the head; GB18030 is decoded by the browser in this build.
    fn sniff(name: &str, head: &[u8], options: &ImportOptions) -> Result<Sniffed, ImportError> {
        let encoding = match options.encoding {
            Some(e) => e,
            None => import::detect(name, head)?,
        };
        if Decoder::supported(encoding) {
            let options = ImportOptions {
                encoding: Some(encoding),
                ..options.clone()
            };
            return import::sniff(name, head, &options);
        }
        let text = web_sys::TextDecoder::new_with_label("gb18030")
            .and_then(|decoder| {
                let stream = web_sys::TextDecodeOptions::new();
                stream.set_stream(true);
                decoder.decode_with_u8_array_and_options(head, &stream)
            })
            .unwrap_or_default();
        import::sniff_text(name, text.as_bytes(), encoding, options)
    }

    /// Converting paths listed in the path explorer.
    const TOP_PATHS: usize = 10;

    /// Posts `["attributing", id, stage, done, of]`: stage 0 builds the
    /// journeys, 1 runs the rule models and Shapley, 2 Markov, 3 the
    /// bootstrap (`done` of `of` resamples). Resamples are reported at most
    /// ten times a second.
    fn attribution_progress(id: f64, stage: u32, done: u32, of: u32, last_post: &mut f64) {
        let now = js_sys::Date::now();
        if stage == 3 && done > 0 && done < of && now - *last_post < PROGRESS_EVERY_MS {
            return;
        }
        *last_post = now;
        post(
            &[
                "attributing".into(),
                id.into(),
                stage.into(),
                done.into(),
                of.into(),
            ],
            None,
        );
    }

    /// Every model over the journeys kept here (touchpoints, else paths).
    /// With `auto_bootstrap` the number of resamples follows the input's size.
    fn attribute(id: f64, settings: Option<Vec<u8>>, auto_bootstrap: bool) {
        let mut settings = settings
            .and_then(|bytes| codec::decode_attribution_settings(&bytes).ok())
            .unwrap_or_default();
        let mut last_post = 0.0;
        attribution_progress(id, 0, 0, 0, &mut last_post);
        LAST_SETTINGS.with(|last| *last.borrow_mut() = settings.clone());
        let result = KEPT.with(|kept| {
            let kept = kept.borrow();
            let table = attributed(&kept)?;
            JOURNEYS.with(|journeys| {
                run_models(
                    id,
                    &mut journeys.borrow_mut(),
                    table,
                    &mut settings,
                    auto_bootstrap,
                )
            })
        });
        report_attribution(id, result);
    }

    /// Every chosen model over the journeys of `table` (built, or kept in
    /// `cache`), and the path explorer.
    fn run_models(
        id: f64,
        cache: &mut xhs_roi_engine::attribution::cache::JourneyCache,
        table: &Table,
        settings: &mut xhs_roi_engine::attribution::Settings,
        auto_bootstrap: bool,
    ) -> Option<(
        xhs_roi_engine::attribution::Attribution,
        xhs_roi_engine::attribution::paths::PathExplorer,
    )> {
        use xhs_roi_engine::attribution::{self, Stage};
        let mut last_post = 0.0;
        let journeys = cache.journeys(table, settings).ok()?;
        if journeys.is_empty() {
            return None;
        }
        // Bootstrap intervals for Markov and Shapley: 200 resamples on
        // logs up to 200,000 journeys, fewer beyond so the answer still
        // comes in about a second (shared with `xhs-roi attribute`).
        if auto_bootstrap {
            settings.bootstrap.replicates =
                xhs_roi_engine::scenario::auto_bootstrap_replicates(journeys.len());
        }
        let explorer = attribution::paths::explore(journeys, TOP_PATHS);
        // Markov runs from its stage to the next one, or to the end: timed
        // as `xhs-markov` for the benchmark against ChannelAttribution.
        let markov_running = std::cell::Cell::new(false);
        let result = attribution::attribute_observed(journeys, settings, &mut |stage| {
            if markov_running.replace(matches!(stage, Stage::Markov)) {
                measure("xhs-markov", "xhs-markov-start", "xhs-markov-end");
            }
            if matches!(stage, Stage::Markov) {
                mark("xhs-markov-start");
            }
            let (code, done, of) = match stage {
                Stage::RuleModels => (1, 0, 0),
                Stage::Markov => (2, 0, 0),
                Stage::Bootstrap { done, of } => (3, done, of),
            };
            attribution_progress(id, code, done, of, &mut last_post);
        });
        if markov_running.get() {
            measure("xhs-markov", "xhs-markov-start", "xhs-markov-end");
        }
        Some((result.ok()?, explorer))
    }

    /// Posts the credits and the path explorer, or that there are none.
    fn report_attribution(
        id: f64,
        result: Option<(
            xhs_roi_engine::attribution::Attribution,
            xhs_roi_engine::attribution::paths::PathExplorer,
        )>,
    ) {
        match result {
            Some((result, explorer)) => {
                let credits = Uint8Array::from(codec::encode_attribution(&result).as_slice());
                let paths = Uint8Array::from(codec::encode_explorer(&explorer).as_slice());
                let buffers = Array::of2(&credits.buffer(), &paths.buffer());
                let parts: [JsValue; 4] =
                    ["attributed".into(), id.into(), credits.into(), paths.into()];
                let message: Array = parts.iter().collect();
                if scope()
                    .post_message_with_transfer(&message, &buffers)
                    .is_err()
                {
                    web_sys::console::error_1(
                        &"import worker: a message could not be posted".into(),
                    );
                }
            }
            None => post(&["unattributed".into(), id.into()], None),
        }
    }

    /// Warming up (see `xhs_roi_engine::warm_up` for why): once this
    /// worker has been idle for `IDLE_BEFORE_WARM_UP_MS`, it reads the
    /// engine's sample files `WARM_UP_ROUNDS` times, a round per task so
    /// that a message arriving meanwhile is answered at once. The notes
    /// import and sniff of the first `PAGE_ROUNDS` rounds and of the last
    /// go to the page (`["warmed", 0, import, sniffed, rounds_left]`),
    /// whose decoding wants warming too. Any message puts the warm-up back
    /// by the idle time; an import under way holds it.
    mod warm {
        use super::*;
        use std::cell::Cell;
        use xhs_roi_engine::warm_up;

        /// Rounds until the browser has optimised every function a notes
        /// or touchpoint import runs. With 12, Chromium still compiled six
        /// of them (12 ms of compiling) while the user's first notes file
        /// was parsed, by its slow code meanwhile; with 30, five; with 60,
        /// one small one (`--js-flags=--trace-wasm-compilation-times`).
        /// 60 rounds take about 0.45 s of this worker's idle time.
        const WARM_UP_ROUNDS: u32 = 60;
        /// Rounds whose results the page decodes: its decoding is
        /// optimised after a dozen, and more would leave it garbage to
        /// collect when the user's file comes.
        const PAGE_ROUNDS: u32 = 12;
        const IDLE_BEFORE_WARM_UP_MS: i32 = 400;

        thread_local! {
            static ROUNDS_LEFT: Cell<u32> = const { Cell::new(WARM_UP_ROUNDS) };
            static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
            static IMPORTS_UNDER_WAY: Cell<u32> = const { Cell::new(0) };
            static SAMPLES: RefCell<Vec<warm_up::Sample>> = const { RefCell::new(Vec::new()) };
            static CALLBACK: Closure<dyn FnMut()> = Closure::new(round);
        }

        /// (Re)starts the idle wait before the next round, if any are left.
        pub fn postpone() {
            schedule(IDLE_BEFORE_WARM_UP_MS);
        }

        fn schedule(delay_ms: i32) {
            if let Some(timer) = TIMER.take() {
                scope().clear_timeout_with_handle(timer);
            }
            if ROUNDS_LEFT.get() == 0 {
                return;
            }
            TIMER.set(CALLBACK.with(|callback| set_timeout(callback, delay_ms)));
        }

        /// An import started; rounds wait until it ends.
        pub fn import_started() {
            IMPORTS_UNDER_WAY.set(IMPORTS_UNDER_WAY.get() + 1);
        }

        /// True while an import runs.
        pub fn importing() -> bool {
            IMPORTS_UNDER_WAY.get() > 0
        }

        pub fn import_ended() {
            IMPORTS_UNDER_WAY.set(IMPORTS_UNDER_WAY.get().saturating_sub(1));
            postpone();
        }

        /// This thread's first read of a blob's slice sets up the browser's
        /// blob machinery for it: done here, it is not the user's first
        /// file's sniff that waits for that (the worker's sniff fell from
        /// 2.5 to 1.9 ms in one of two runs, docs/benchmarks.md).
        fn read_a_blob_slice() {
            let byte = Array::of1(&Uint8Array::from(&b" "[..]));
            let slice = Blob::new_with_u8_array_sequence(&byte)
                .and_then(|blob| blob.slice_with_f64_and_f64(0.0, 1.0));
            if let (Ok(reader), Ok(slice)) = (FileReaderSync::new(), slice) {
                let _ = reader.read_as_array_buffer(&slice);
            }
        }

        fn round() {
            TIMER.set(None);
            if IMPORTS_UNDER_WAY.get() > 0 {
                return;
            }
            if ROUNDS_LEFT.get() == WARM_UP_ROUNDS {
                mark("xhs-worker-warm-start");
                read_a_blob_slice();
            }
            let left = ROUNDS_LEFT.get().saturating_sub(1);
            ROUNDS_LEFT.set(left);
            let to_page = WARM_UP_ROUNDS - left <= PAGE_ROUNDS || left == 0;
            let (imported, sniffed) = SAMPLES.with(|samples| {
                let mut samples = samples.borrow_mut();
                if samples.is_empty() {
                    *samples = warm_up::samples();
                }
                let mut notes = None;
                for sample in samples.iter() {
                    let sniffed = warm_up::sniff(sample);
                    let imported = warm_up::import(sample);
                    // The encoding is warmed with the page's decoding.
                    if to_page {
                        let encoded = imported
                            .ok()
                            .zip(sniffed.ok())
                            .map(|(i, s)| (codec::encode_import(&i), codec::encode_sniffed(&s)));
                        if notes.is_none() {
                            notes = encoded;
                        }
                    }
                }
                notes.unwrap_or_default()
            });
            if to_page {
                let imported = Uint8Array::from(imported.as_slice());
                let sniffed = Uint8Array::from(sniffed.as_slice());
                post(
                    &[
                        "warmed".into(),
                        0.into(),
                        imported.into(),
                        sniffed.into(),
                        left.into(),
                    ],
                    None,
                );
            }
            if left == 0 {
                SAMPLES.with(|samples| samples.borrow_mut().clear());
                measure(
                    "xhs-worker-warm",
                    "xhs-worker-warm-start",
                    "xhs-worker-warm-end",
                );
            } else {
                schedule(0);
            }
        }
    }

    /// Heap written once ahead of an import. The wasm heap grows into
    /// memory the system has never handed out, and the first write to each
    /// of its pages faults: about 2 ms of a notes import's 19 ms parse went
    /// that way (docs/benchmarks.md). Writing heap while the user checks
    /// the mapping, then freeing it, leaves the allocator written pages for
    /// the import's slices and columns. The allocator fits blocks to the
    /// free memory it already has first, so part of the room may stay
    /// unused; wasm memory never shrinks, and that part stays with the
    /// worker (about 8 MB after the notes benchmark file).
    mod room {
        use super::*;

        /// Heap for a file, per byte of it. With 3 the notes benchmark
        /// file's import faulted on 1,770 fewer pages than with none; with
        /// 1.5 on 750 more than with 3, and parsed 1.3 ms slower.
        const PER_FILE_BYTE: f64 = 3.0;
        /// At most this much. A 64 MB room made the touchpoint file's
        /// import 12 ms slower, for a reason not found; with 16 MB its
        /// import faults on 4,400 fewer pages and is as fast as with none.
        const CAP: usize = 16 << 20;
        /// Written per turn of this worker's event loop (about 2,000 page
        /// faults), so a message, the import itself, waits at most one step.
        const STEP: usize = 8 << 20;

        thread_local! {
            /// The heap being written, until it is all written or an
            /// import starts.
            static ROOM: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
            /// A step is waiting for its turn.
            static SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
            static CALLBACK: Closure<dyn FnMut()> = Closure::new(step);
        }

        /// Writes heap for importing a file of `file_size` bytes, in place
        /// of any room still being written. None if the memory cannot grow
        /// that much: the import will find out for itself.
        pub fn prepare(file_size: f64) {
            // The old room first: its pages serve the new one.
            release();
            let bytes = ((file_size * PER_FILE_BYTE) as usize).min(CAP);
            let mut room = Vec::new();
            if room.try_reserve_exact(bytes).is_err() {
                return;
            }
            ROOM.with(|kept| *kept.borrow_mut() = room);
            if !SCHEDULED.get() {
                step();
            }
        }

        /// Frees the room, written or not: when it is all written, and as
        /// an import starts, so that its allocations take the written part
        /// first.
        pub fn release() {
            ROOM.with(|room| *room.borrow_mut() = Vec::new());
        }

        fn step() {
            SCHEDULED.set(false);
            let more = ROOM.with(|room| {
                let mut room = room.borrow_mut();
                let end = (room.len() + STEP).min(room.capacity());
                room.resize(end, 0);
                // The writes are the point; nothing reads them.
                std::hint::black_box(room.as_ptr());
                room.len() < room.capacity()
            });
            if !more {
                release();
                return;
            }
            SCHEDULED.set(CALLBACK.with(|callback| set_timeout(callback, 0)).is_some());
        }
    }

    fn handle(message: MessageEvent) -> Result<(), JsValue> {
        warm::postpone();
        let data: Array = message.data().unchecked_into();
        let tag = data.get(0).as_string().unwrap_or_default();
        let id = data.get(1).as_f64().unwrap_or(0.0);
        if tag == "kept" {
            // The journeys kept here, for "remember my data" on the page.
            let bytes = KEPT.with(|kept| attributed(&kept.borrow()).map(codec::encode_table));
            match bytes {
                Some(bytes) => post_bytes("kept", id, &bytes),
                None => post(&["kept".into(), id.into()], None),
            }
            return Ok(());
        }
        if tag == "restore" {
            journeys_replaced();
            let bytes = Uint8Array::new(&data.get(2)).to_vec();
            if let Ok(table) = codec::decode_table(&bytes) {
                if keeps_here(table.kind) {
                    keep(table);
                }
            }
            post(&["restored".into(), id.into()], None);
            prepare_journeys();
            return Ok(());
        }
        if tag == "forget" {
            journeys_replaced();
            KEPT.with(|kept| kept.borrow_mut().clear());
            post(&["forgotten".into(), id.into()], None);
            return Ok(());
        }
        if tag == "stash" {
            journeys_replaced();
            let user = KEPT.with(|kept| std::mem::take(&mut *kept.borrow_mut()));
            STASH.with(|stash| *stash.borrow_mut() = Some(user));
            post(&["forgotten".into(), id.into()], None);
            return Ok(());
        }
        if tag == "unstash" {
            journeys_replaced();
            let user = STASH.with(|stash| stash.borrow_mut().take());
            // No stash: this worker was restarted since (it keeps none).
            let answer = if user.is_some() {
                "restored"
            } else {
                "forgotten"
            };
            KEPT.with(|kept| *kept.borrow_mut() = user.unwrap_or_default());
            post(&[answer.into(), id.into()], None);
            prepare_journeys();
            return Ok(());
        }
        if tag == "drop-stash" {
            STASH.with(|stash| *stash.borrow_mut() = None);
            return Ok(());
        }
        if tag == "drop-read-ahead" {
            // The page's id for a file rides where a request's id would.
            READ_AHEAD.with(|ahead| {
                let mut ahead = ahead.borrow_mut();
                if matches!(&*ahead, Some((file_id, _)) if *file_id == id) {
                    *ahead = None;
                }
            });
            return Ok(());
        }
        if tag == "attribute" {
            let settings = data
                .get(2)
                .dyn_into::<Uint8Array>()
                .ok()
                .map(|a| a.to_vec());
            let auto_bootstrap = data.get(3).as_bool().unwrap_or(true);
            attribute(id, settings, auto_bootstrap);
            return Ok(());
        }
        mark(&format!("xhs-worker-{tag}-message"));
        let file: File = data.get(2).dyn_into()?;
        let options = codec::decode_options(&Uint8Array::new(&data.get(3)).to_vec())
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        // The page's id for the file (a pending file's), when it has one.
        let file_id = data.get(4).as_f64();
        let name = file.name();
        let total = file.size();
        if tag == "import" {
            let slices = take_read_ahead(file_id).unwrap_or_else(|| Slices::open(&file, AHEAD));
            if file_id.is_some() {
                // Read by the time the user confirmed: for scripts/bench-import.mjs.
                let _ = js_sys::Reflect::set(
                    &js_sys::global(),
                    &"xhsWorkerReadAheadBytes".into(),
                    &slices.bytes_waiting().into(),
                );
            }
            warm::import_started();
            room::release();
            // Read here, in this message's turn: messages after it may
            // replace the kept journeys while the import awaits its slices.
            let epoch = kept_epoch();
            wasm_bindgen_futures::spawn_local(async move {
                let result = import_file(id, file, name, options, slices, total, epoch).await;
                warm::import_ended();
                if let Err(error) = result {
                    // The browser could not read the file (moved, deleted, or
                    // this worker being stopped by a cancel, when the message
                    // never arrives): the page says the import failed rather
                    // than waiting for ever.
                    web_sys::console::warn_2(&"import worker: could not read".into(), &error);
                    post(&["unreadable".into(), id.into()], None);
                }
            });
            return Ok(());
        }
        mark("xhs-worker-sniff-start");
        let reader = FileReaderSync::new()?;
        let head = read_slice(&reader, &file, 0.0, total.min(SNIFF_BYTES as f64))?;
        if xlsx::is_zip(&head) {
            // An Excel workbook: read it whole (a zip's directory is at its
            // end) and sniff the sheet turned into CSV.
            let all = read_slice(&reader, &file, 0.0, total)?;
            match import::sniff_workbook(&name, &all, &options) {
                Ok(Some((sniffed, _))) => {
                    post_bytes("sniffed", id, &codec::encode_sniffed(&sniffed))
                }
                Ok(None) => unreachable!("the bytes start like a zip"),
                Err(e) => fail(id, &e),
            }
            return Ok(());
        }
        match sniff(&name, &head, &options) {
            Ok(sniffed) => {
                post_bytes("sniffed", id, &codec::encode_sniffed(&sniffed));
                measure(
                    "xhs-worker-sniff",
                    "xhs-worker-sniff-start",
                    "xhs-worker-sniff-end",
                );
                if let Some(file_id) = file_id {
                    read_ahead(file_id, &file);
                }
            }
            Err(e) => fail(id, &e),
        }
        Ok(())
    }

    /// Starts reading the file just sniffed, so that its import (the page's
    /// next step, once the user has checked the mapping) finds its first
    /// slices read and heap written for it ([`room`]). One file at a time:
    /// sniffing another replaces it. Not while an import runs: reading
    /// would take the core it parses beside.
    fn read_ahead(file_id: f64, file: &File) {
        if warm::importing() {
            return;
        }
        let started = READ_AHEAD.with(|ahead| {
            let mut ahead = ahead.borrow_mut();
            if matches!(&*ahead, Some((id, _)) if *id == file_id) {
                return false;
            }
            // The old reader ends before the new one is started.
            *ahead = None;
            *ahead = Some((
                file_id,
                Slices::open(file, slices_before_import(file.size())),
            ));
            true
        });
        // The read-ahead took the spare reader: start another now, so that
        // importing another file first (several were chosen) does not
        // wait for one to start.
        READER.with(|r| {
            let mut spare = r.borrow_mut();
            if spare.is_none() {
                *spare = web_sys::Worker::new(READER_URL).ok();
            }
        });
        if started {
            room::prepare(file.size());
        }
    }

    /// The slices read ahead for the file `file_id`, if they are for it.
    fn take_read_ahead(file_id: Option<f64>) -> Option<Slices> {
        let file_id = file_id?;
        READ_AHEAD.with(|ahead| {
            let mut ahead = ahead.borrow_mut();
            match &*ahead {
                Some((id, _)) if *id == file_id => ahead.take().map(|(_, slices)| slices),
                _ => None,
            }
        })
    }

    /// Where the slices of a file come from, in order.
    enum Slices {
        /// A reader worker (`import-reader.js`) reads them on its own
        /// thread and hands each over without a copy; this worker sends a
        /// credit back for each slice it takes, so at most `AHEAD` wait.
        Reader {
            worker: web_sys::Worker,
            arrived: Rc<RefCell<VecDeque<JsValue>>>,
            wake: Rc<RefCell<Option<js_sys::Function>>>,
            /// Slices taken without a credit sent back: those read beyond
            /// `AHEAD` when the file was read ahead of its import.
            withheld: u32,
            /// The reader said the file has ended (it is idle again).
            done: bool,
            /// The file and the bytes handed over so far, to go on here if
            /// the reader fails.
            file: File,
            offset: f64,
            _on_message: Closure<dyn FnMut(MessageEvent)>,
        },
        /// Where a worker cannot start another: `Blob.arrayBuffer()` here,
        /// the next slice requested before this one is parsed.
        Here {
            file: File,
            start: f64,
            total: f64,
            next: Option<JsFuture>,
        },
    }

    /// The reader's first slice: small, so that parsing starts soon.
    const FIRST_CHUNK: f64 = 1024.0 * 1024.0;

    /// Slices read ahead by the reader worker.
    const AHEAD: u32 = 2;

    /// Bytes read for an import before it starts, while the user checks
    /// the mapping. Reading costs CPU too (the reader worker and the
    /// browser process): done during the import, it made the parse about a
    /// tenth slower (docs/benchmarks.md). A file up to this size is read
    /// whole if the user looks at the mapping for a moment (the reader
    /// read 40 to 60 MB in the 80 ms a benchmark takes to confirm); a
    /// larger one's first part is.
    const READ_AHEAD_BYTES: f64 = 128.0 * 1024.0 * 1024.0;

    /// The reader's slices (1, 2, 4, then 8 MB each) that hold a file's
    /// first `bytes`, as many as fit in `READ_AHEAD_BYTES` (at least
    /// `AHEAD`).
    fn slices_before_import(bytes: f64) -> u32 {
        let (mut covered, mut size, mut slices) = (0.0, FIRST_CHUNK, 0);
        while covered < bytes && covered + size <= READ_AHEAD_BYTES {
            covered += size;
            size = (size * 2.0).min(CHUNK);
            slices += 1;
        }
        slices.max(AHEAD)
    }

    impl Slices {
        /// Bytes read and not yet taken.
        fn bytes_waiting(&self) -> f64 {
            match self {
                Slices::Reader { arrived, .. } => arrived
                    .borrow()
                    .iter()
                    .filter_map(|data| data.dyn_ref::<js_sys::ArrayBuffer>())
                    .map(|buffer| f64::from(buffer.byte_length()))
                    .sum(),
                Slices::Here { .. } => 0.0,
            }
        }

        /// Starts reading `file`, `ahead` slices before waiting for the
        /// first to be taken (then `AHEAD`).
        fn open(file: &File, ahead: u32) -> Slices {
            let total = file.size();
            let spare = READER.with(|r| r.borrow_mut().take());
            if let Some(worker) = spare.or_else(|| web_sys::Worker::new(READER_URL).ok()) {
                let arrived = Rc::new(RefCell::new(VecDeque::new()));
                let wake: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
                let on_message = {
                    let (arrived, wake) = (arrived.clone(), wake.clone());
                    Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                        arrived.borrow_mut().push_back(message.data());
                        if let Some(resolve) = wake.borrow_mut().take() {
                            let _ = resolve.call0(&JsValue::NULL);
                        }
                    })
                };
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                let start = js_sys::Object::new();
                let set = |key: &str, value: &JsValue| {
                    let _ = js_sys::Reflect::set(&start, &key.into(), value);
                };
                set("file", file);
                set("first", &FIRST_CHUNK.into());
                set("chunk", &CHUNK.into());
                set("ahead", &ahead.into());
                if worker.post_message(&start).is_ok() {
                    return Slices::Reader {
                        worker,
                        arrived,
                        wake,
                        withheld: ahead.saturating_sub(AHEAD),
                        done: false,
                        file: file.clone(),
                        offset: 0.0,
                        _on_message: on_message,
                    };
                }
                worker.terminate();
            }
            let mut here = Slices::Here {
                file: file.clone(),
                start: 0.0,
                total,
                next: None,
            };
            here.request();
            here
        }

        /// Starts reading the next slice here.
        fn request(&mut self) {
            if let Slices::Here {
                file,
                start,
                total,
                next,
            } = self
            {
                if *start < *total {
                    let end = (*start + CHUNK).min(*total);
                    *next = file
                        .slice_with_f64_and_f64(*start, end)
                        .ok()
                        .map(|slice| JsFuture::from(slice.array_buffer()));
                    *start = end;
                }
            }
        }

        /// The next slice (an `ArrayBuffer`); `None` after the last.
        async fn next(&mut self) -> Result<Option<JsValue>, JsValue> {
            match self {
                Slices::Reader {
                    worker,
                    arrived,
                    wake,
                    withheld,
                    done,
                    file,
                    offset,
                    ..
                } => {
                    let data = loop {
                        if let Some(data) = arrived.borrow_mut().pop_front() {
                            break data;
                        }
                        let wake = wake.clone();
                        let arrival = js_sys::Promise::new(&mut |resolve, _| {
                            *wake.borrow_mut() = Some(resolve);
                        });
                        JsFuture::from(arrival).await?;
                    };
                    if data.is_null() {
                        *done = true;
                        return Ok(None);
                    }
                    let Ok(buffer) = data.dyn_into::<js_sys::ArrayBuffer>() else {
                        // The reader could not read (or is being stopped with
                        // this worker): go on here from where it was.
                        let mut here = Slices::Here {
                            file: file.clone(),
                            start: *offset,
                            total: file.size(),
                            next: None,
                        };
                        here.request();
                        *self = here;
                        return Box::pin(self.next()).await;
                    };
                    *offset += f64::from(buffer.byte_length());
                    if *withheld > 0 {
                        *withheld -= 1;
                    } else {
                        // The reader may read the next slice while this one
                        // is parsed.
                        worker.post_message(&JsValue::NULL)?;
                    }
                    Ok(Some(buffer.into()))
                }
                Slices::Here { next, .. } => match next.take() {
                    None => Ok(None),
                    Some(reading) => {
                        let buffer = reading.await?;
                        self.request();
                        Ok(Some(buffer))
                    }
                },
            }
        }

        /// The next slice copied into `out` (false after the last), with
        /// the time spent waiting for it and copying it added to `spent`.
        async fn next_into(
            &mut self,
            out: &mut Vec<u8>,
            spent: &mut Spent,
        ) -> Result<bool, JsValue> {
            let asked = now();
            let Some(buffer) = self.next().await? else {
                spent.waiting += now() - asked;
                return Ok(false);
            };
            let arrived = now();
            let array = Uint8Array::new(&buffer);
            let length = array.length() as usize;
            // Copied over whatever the last slice left, without zeroing first.
            out.clear();
            out.reserve(length);
            let copied = array
                .copy_to_uninit(&mut out.spare_capacity_mut()[..length])
                .len();
            // SAFETY: `copy_to_uninit` initialised the first `copied` bytes.
            unsafe { out.set_len(copied) };
            spent.waiting += arrived - asked;
            spent.copying += now() - arrived;
            Ok(true)
        }
    }

    /// Where an import's time goes, summed over its slices.
    #[derive(Default)]
    struct Spent {
        /// Waiting for the slices to be read.
        waiting: f64,
        /// Copying them into this worker's memory.
        copying: f64,
        /// Parsing them.
        parsing: f64,
    }

    impl Drop for Slices {
        /// An idle reader is kept for the next file, unless there is a
        /// spare already; one stopped halfway (a read-ahead replaced, a
        /// workbook, an error) is ended.
        fn drop(&mut self) {
            if let Slices::Reader { worker, done, .. } = self {
                worker.set_onmessage(None);
                let kept = *done
                    && READER.with(|r| {
                        let mut spare = r.borrow_mut();
                        if spare.is_some() {
                            return false;
                        }
                        *spare = Some(worker.clone());
                        true
                    });
                if !kept {
                    worker.terminate();
                }
            }
        }
    }

    /// Imports a file: its first slice says whether it is a workbook and
    /// holds the head the plan is made from again (with the options the
    /// page confirmed); then it is parsed slice by slice while the next
    /// slice is read.
    async fn import_file(
        id: f64,
        file: File,
        name: String,
        options: ImportOptions,
        mut slices: Slices,
        total: f64,
        epoch: u64,
    ) -> Result<(), JsValue> {
        let mut spent = Spent::default();
        // Room for the largest slice from the start: growing with the
        // slices would copy each into fresh memory, first touched then.
        let mut bytes = Vec::with_capacity(CHUNK.min(total) as usize);
        mark("xhs-worker-read-start");
        let mut more = slices.next_into(&mut bytes, &mut spent).await?;
        if xlsx::is_zip(&bytes) {
            drop(slices);
            return import_workbook(id, &file, &name, &options, total, epoch);
        }
        mark("xhs-worker-plan-start");
        // The first slice holds the sniff's head (or the whole file).
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        let sniffed = match sniff(&name, head, &options) {
            Ok(sniffed) => sniffed,
            Err(e) => {
                fail(id, &e);
                return Ok(());
            }
        };
        measure(
            "xhs-worker-plan",
            "xhs-worker-plan-start",
            "xhs-worker-plan-end",
        );
        let encoding = sniffed.plan.encoding;
        // This build leaves GB18030 to the browser's decoder (no tables shipped).
        let text_decoder = if Decoder::supported(encoding) {
            None
        } else {
            Some(web_sys::TextDecoder::new_with_label("gb18030")?)
        };
        let stream = web_sys::TextDecodeOptions::new();
        stream.set_stream(true);
        let mut importer = Importer::new(&name, sniffed.plan);
        let mut last_report = js_sys::Date::now();
        let mut start = 0.0;
        while more {
            let parse_start = now();
            match &text_decoder {
                None => importer.feed(&bytes),
                Some(decoder) => {
                    let text = decoder.decode_with_u8_array_and_options(&bytes, &stream)?;
                    importer.feed_utf8(text.as_bytes());
                }
            }
            if start == 0.0 {
                importer.reserve_for(total as u64);
            }
            spent.parsing += now() - parse_start;
            start += bytes.len() as f64;
            let now = js_sys::Date::now();
            if now - last_report >= PROGRESS_EVERY_MS {
                last_report = now;
                post(
                    &[
                        "progress".into(),
                        id.into(),
                        start.into(),
                        total.into(),
                        (importer.rows_read() as f64).into(),
                    ],
                    None,
                );
            }
            more = slices.next_into(&mut bytes, &mut spent).await?;
        }
        drop(slices);
        if let Some(decoder) = &text_decoder {
            let rest = decoder.decode()?;
            importer.feed_utf8(rest.as_bytes());
        }
        measure(
            "xhs-worker-read",
            "xhs-worker-read-start",
            "xhs-worker-read-end",
        );
        // Where the loop's time went, summed over the slices. Plain globals,
        // read by scripts/bench-import.mjs (User Timing has no sums).
        let global = js_sys::global();
        for (key, value) in [
            ("xhsWorkerWaitMs", spent.waiting),
            ("xhsWorkerCopyMs", spent.copying),
            ("xhsWorkerParseMs", spent.parsing),
        ] {
            let _ = js_sys::Reflect::set(&global, &key.into(), &value.into());
        }
        drop(bytes);
        mark("xhs-worker-finish-start");
        let imported = importer.finish();
        measure(
            "xhs-worker-finish",
            "xhs-worker-finish-start",
            "xhs-worker-finish-end",
        );
        finish(id, imported, total, epoch);
        Ok(())
    }

    /// An Excel workbook: read whole (a zip's directory is at its end), its
    /// sheet turned into CSV and read like any other file.
    fn import_workbook(
        id: f64,
        file: &File,
        name: &str,
        options: &ImportOptions,
        total: f64,
        epoch: u64,
    ) -> Result<(), JsValue> {
        let all = read_slice(&FileReaderSync::new()?, file, 0.0, total)?;
        match import::sniff_workbook(name, &all, options) {
            Ok(Some((sniffed, csv))) => {
                let mut importer = Importer::new(name, sniffed.plan);
                importer.feed(&csv);
                finish(id, importer.finish(), total, epoch);
            }
            Ok(None) => unreachable!("the bytes start like a zip"),
            Err(e) => fail(id, &e),
        }
        Ok(())
    }

    /// Sends the last progress and the result; big tables stay here.
    /// `epoch` is [`kept_epoch`] when the import started.
    fn finish(id: f64, imported: import::Import, total: f64, epoch: u64) {
        post(
            &[
                "progress".into(),
                id.into(),
                total.into(),
                total.into(),
                (imported.rows_read as f64).into(),
            ],
            None,
        );
        let mut imported = imported;
        // Journeys stay in the worker, in columns; the page gets the
        // summary. Attribution will run here, next to the data, unless the
        // page replaced the journeys while this import ran.
        let kept = keeps_here(imported.kind) && epoch == kept_epoch();
        if keeps_here(imported.kind) {
            let table = std::mem::replace(&mut imported.table, Table::new(imported.kind, &[]));
            if kept {
                keep(table);
            }
        }
        mark("xhs-worker-send-start");
        post_bytes("done", id, &codec::encode_import(&imported));
        measure(
            "xhs-worker-send",
            "xhs-worker-send-start",
            "xhs-worker-send-end",
        );
        if kept {
            // After the page has its columns: a run asked meanwhile waits
            // in this worker's queue and then finds the journeys built.
            prepare_journeys();
        }
    }

    pub fn start() {
        console_error_panic_hook::set_once();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|message: MessageEvent| {
            if let Err(error) = handle(message) {
                web_sys::console::error_2(&"import worker:".into(), &error);
            }
        });
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        if let Ok(reader) = web_sys::Worker::new(READER_URL) {
            READER.with(|r| *r.borrow_mut() = Some(reader));
        }
        post(&["ready".into()], None);
        warm::postpone();
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
