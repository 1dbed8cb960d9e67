//! Thin, fallible wrappers over the browser APIs the app uses. None of them panics: a missing
//! API (old browser, storage disabled, no clipboard permission) is an `Err` or a no-op.

use wasm_bindgen::{JsCast, JsValue};

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The current fragment, including its `#`, or an empty string.
pub fn hash() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page's address without its fragment, to build links from.
pub fn base_url() -> String {
    let Some(w) = window() else { return String::new() };
    let l = w.location();
    let href = l.href().unwrap_or_default();
    match href.find('#') {
        Some(i) => href[..i].to_string(),
        None => href,
    }
}

/// Replaces the fragment without adding a history entry or firing `hashchange`.
pub fn replace_hash(fragment: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(fragment));
    }
}

/// `bytes` compressed as raw DEFLATE (RFC 1951) by the browser's own compressor
/// (`CompressionStream("deflate-raw")`), or `None` where the browser has none. Links are packed
/// this way, so a page carries no compressor of its own ([`wirelab_core::permalink::Unpacked`]).
pub async fn deflate_raw(bytes: &[u8]) -> Option<Vec<u8>> {
    let compressor = Compressor::new("deflate-raw").ok()?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let packed = blob.stream().unchecked_into::<Readable>().pipe_through(&compressor).ok()?;
    let response = web_sys::Response::new_with_opt_readable_stream(Some(packed.unchecked_ref())).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// What a link needs compressed ([`wirelab_core::permalink::Unpacked::to_compress`]), compressed.
pub async fn deflated(unpacked: &wirelab_core::permalink::Unpacked) -> Option<Vec<u8>> {
    deflate_raw(unpacked.to_compress()?).await
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `CompressionStream`, declared here with `catch`: constructing it where the browser has
    /// none is an error to handle, not an exception through the wasm.
    #[wasm_bindgen(js_name = CompressionStream)]
    type Compressor;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<Compressor, JsValue>;
    #[wasm_bindgen(js_name = ReadableStream)]
    type Readable;
    #[wasm_bindgen(method, catch, js_name = pipeThrough)]
    fn pipe_through(this: &Readable, transform: &Compressor) -> Result<Readable, JsValue>;
}

// Local storage. Every call is fallible and none panics: storage that is blocked (reading
// `localStorage` throws), disabled or full is the same as nothing stored. (gloo-storage would
// replace these few lines, but it throws when storage is blocked; see docs/site.md.)
fn storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Sets or clears `data-theme` on the root element.
pub fn set_theme_attribute(theme: Option<&str>) {
    let Some(root) = window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match theme {
        Some(t) => root.set_attribute("data-theme", t),
        None => root.remove_attribute("data-theme"),
    };
}

/// Copies text to the clipboard. `Err` says why it could not: the clipboard API is missing
/// (a page served over plain http, an older browser) or the browser refused the write.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let navigator = window().ok_or("there is no window")?.navigator();
    // `navigator.clipboard` is undefined outside secure contexts; calling it would throw.
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).unwrap_or(JsValue::UNDEFINED);
    if clipboard.is_undefined() || clipboard.is_null() {
        return Err("this page cannot reach the clipboard (browsers allow it only over https or on this computer)".into());
    }
    let promise = navigator.clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.map(|_| ()).map_err(|e| {
        let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" => "the browser refused to write to the clipboard".to_string(),
            _ => format!("the clipboard write failed ({})", js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or(name)),
        }
    })
}

/// Handles a promise's rejection quietly (the UI has its own fallback), so that it does not
/// surface as an uncaught error in the console.
fn ignore_rejection(promise: &js_sys::Promise) {
    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
    let _ = promise.catch(&handler);
    // The handler must outlive the promise; it is a few bytes, once per copy.
    handler.forget();
}

/// Offers `contents` as a file download.
pub fn download(filename: &str, mime: &str, contents: &[u8]) -> Result<(), JsValue> {
    let w = window().ok_or_else(|| JsValue::from_str("no window"))?;
    let document = w.document().ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(filename);
    a.set_attribute("data-testid", "download-anchor")?;
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Whether the page is inside a frame.
pub fn in_frame() -> bool {
    match window() {
        Some(w) => match (w.parent(), w.self_()) {
            (Ok(Some(parent)), me) => !js_sys::Object::is(&parent, &me),
            _ => false,
        },
        None => false,
    }
}

/// Tells the parent page the content's height, so an iframe can fit it.
pub fn post_height(height: f64) {
    let Some(w) = window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &"wirelab:height".into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from_f64(height.ceil()));
    // The height is not a secret; any embedding page may read it.
    let _ = parent.post_message(&message, "*");
}

/// Calls `f` with the document's height now and whenever the body's size changes.
pub fn observe_height(f: impl Fn(f64) + 'static) {
    let Some(body) = window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    let measure = move || {
        window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0)
    };
    f(measure());
    let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || f(measure()));
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
        // The observer lives as long as the page.
        callback.forget();
        std::mem::forget(observer);
    }
}

/// Registers the service worker that makes the app work offline after the first visit. It sits
/// at the site's root (`root`, relative to this page), so its scope covers every page.
pub fn register_service_worker(root: &str) {
    let Some(w) = window() else { return };
    let navigator = w.navigator();
    let has_sw = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if has_sw {
        ignore_rejection(&navigator.service_worker().register(&format!("{root}sw.js")));
    }
}

/// Whether the person asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Generates a key pair with the browser's WebCrypto, which does the work off the main thread,
/// and returns the private key as JWK text. `kind`: `RSA-2048`, `RSA-3072`, `RSA-4096`,
/// `P-256`, `P-384` or `Ed25519`.
pub async fn generate_key(kind: &str) -> Result<String, String> {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::JsValue;
    let text = |e: JsValue| e.as_string().or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string())).unwrap_or_else(|| "unknown error".into());
    let subtle = window().ok_or("no window")?.crypto().map_err(text)?.subtle();
    let algorithm = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&algorithm, &JsValue::from_str(k), &v).map(|_| ()).map_err(text);
    let usages = Array::of2(&JsValue::from_str("sign"), &JsValue::from_str("verify"));
    if let Some(bits) = kind.strip_prefix("RSA-") {
        set("name", "RSASSA-PKCS1-v1_5".into())?;
        set("modulusLength", JsValue::from_f64(f64::from(bits.parse::<u32>().map_err(|_| "bad size")?)))?;
        set("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into())?;
        set("hash", "SHA-256".into())?;
    } else if kind == "Ed25519" {
        set("name", "Ed25519".into())?;
    } else {
        set("name", "ECDSA".into())?;
        set("namedCurve", kind.into())?;
    }
    let pair = wasm_bindgen_futures::JsFuture::from(subtle.generate_key_with_object(&algorithm, true, &usages).map_err(text)?).await.map_err(text)?;
    let private: web_sys::CryptoKey = Reflect::get(&pair, &JsValue::from_str("privateKey")).map_err(text)?.into();
    let jwk = wasm_bindgen_futures::JsFuture::from(subtle.export_key("jwk", &private).map_err(text)?).await.map_err(text)?;
    js_sys::JSON::stringify(&jwk).map_err(text)?.as_string().ok_or_else(|| "the key could not be exported".into())
}
