// Starts the import worker. Trunk builds the worker's wasm as a classic
// ("no-modules") script, which a worker loads with importScripts. Paths are
// relative to this file, so the app works from any folder.
importScripts('./import-worker.js');
wasm_bindgen({ module_or_path: './import-worker_bg.wasm' });
