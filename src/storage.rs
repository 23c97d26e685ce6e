//! Everything the app keeps in the browser, behind one module so the
//! mechanism (localStorage today) can change without touching callers.
//! Keys are versioned; a value that cannot be read is ignored, never fatal.

use xhs_roi_engine::codec;
use xhs_roi_engine::import::ImportOptions;

const MAPPING_PREFIX: &str = "xhs-roi.mapping.v1.";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// FNV-1a: a short, stable key for a header signature.
fn key_of(signature: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in signature.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{MAPPING_PREFIX}{hash:016x}")
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The mapping the user confirmed for files with these headers.
pub fn remembered_mapping(signature: &str) -> Option<ImportOptions> {
    let text = local_storage()?.get_item(&key_of(signature)).ok()??;
    codec::decode_options(&from_hex(&text)?).ok()
}

/// Remembers a confirmed mapping. A full storage is not an error here: the
/// user only has to confirm the mapping again next time.
pub fn remember_mapping(signature: &str, options: &ImportOptions) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(&key_of(signature), &to_hex(&codec::encode_options(options)));
    }
}
