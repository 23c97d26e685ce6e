//! Saving something the app made (a CSV, later a PNG) as a file on the
//! user's disk. The bytes go from memory to a download; nothing is sent.

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `file_name`.
pub fn download_text(file_name: &str, mime: &str, text: &str) {
    // A BOM so Excel opens UTF-8 CSV with Chinese text correctly.
    let body = if mime.starts_with("text/csv") {
        format!("\u{FEFF}{text}")
    } else {
        text.to_string()
    };
    let parts = js_sys::Array::of1(&body.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    download_blob(file_name, &blob);
}

pub fn download_blob(file_name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
