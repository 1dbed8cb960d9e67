//! Fetches the separately built cryptography (`wirelab_core::ext`: P-384 and P-521, Ed25519)
//! the first time a lab needs it, and registers it with the core.
//!
//! Each extension is a small wasm of its own in `ext/`, built by `scripts/setup.sh`, which
//! writes its address into every page as `<meta name="wirelab-ext-<id>">`. The core calls
//! [`request`] when a computation finds an extension missing; the module is imported (a
//! same-origin ES module, so the page's CSP allows it), and once it is registered every
//! computation that [`track`]s the extensions runs again. The service worker keeps the files
//! for offline use like every other asset.

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wirelab_core::ext::{self, Curve, EdRefusal, Ext};

use crate::components::banner::Notices;

type Load = Shared<LocalBoxFuture<'static, bool>>;

thread_local! {
    /// Each extension's load, once started (a failed one is forgotten, so a later need retries).
    static LOADS: RefCell<Vec<(Ext, Load)>> = const { RefCell::new(Vec::new()) };
    /// Counts the extensions registered; computations that track it run again on arrival.
    /// Reference counted, not owned by whichever computation first touched it.
    static ARRIVED: ArcRwSignal<usize> = ArcRwSignal::new(0);
    static NOTICES: RefCell<Option<Notices>> = const { RefCell::new(None) };
    /// The extension the last [`retrying`] action found missing.
    static MISSED: RefCell<Option<Ext>> = const { RefCell::new(None) };
}

/// Connects the core to the loader; `notices` says when a load fails.
pub fn install(notices: Notices) {
    NOTICES.with(|n| *n.borrow_mut() = Some(notices));
    ext::on_missing(request);
}

/// Makes the calling computation run again when an extension arrives.
pub fn track() {
    ARRIVED.with(|a| a.track());
}

/// Starts loading `which` (once); the core calls this when it finds it missing.
pub fn request(which: Ext) {
    MISSED.with(|m| *m.borrow_mut() = Some(which));
    // Password hashes are computed by a worker the provider feeds itself (src/hash_worker.rs).
    if which != Ext::Hash {
        drop(load(which));
    }
}

/// Says that something a computation waited for has arrived: every computation that
/// [`track`]s runs again.
pub fn arrived() {
    ARRIVED.with(|a| a.update(|n| *n += 1));
}

/// The load of `which`: resolves to whether it is now registered.
pub fn load(which: Ext) -> Load {
    if which == Ext::Hash {
        return futures::future::ready(false).boxed_local().shared();
    }
    if let Some(running) = LOADS.with(|l| l.borrow().iter().find(|(e, _)| *e == which).map(|(_, f)| f.clone())) {
        return running;
    }
    let future: LocalBoxFuture<'static, bool> = async move {
        let result = import(which.id()).await;
        let ok = match result {
            Ok(module) => {
                match which {
                    Ext::Nist => ext::provide_nist(Rc::new(JsNist(module))),
                    Ext::Ed25519 => ext::provide_ed25519(Rc::new(JsEd25519(module))),
                    // Never imported here: the worker does (src/hash_worker.rs).
                    Ext::Hash => return false,
                }
                true
            }
            Err(reason) => {
                LOADS.with(|l| l.borrow_mut().retain(|(e, _)| *e != which));
                if let Some(notices) = NOTICES.with(|n| *n.borrow()) {
                    notices.push(format!("{} could not be loaded ({reason}). Check the connection and try again.", capitalised(which.describe())));
                }
                false
            }
        };
        ARRIVED.with(|a| a.update(|n| *n += 1));
        ok
    }
    .boxed_local();
    let shared = future.shared();
    LOADS.with(|l| l.borrow_mut().push((which, shared.clone())));
    leptos::task::spawn_local({
        let shared = shared.clone();
        async move {
            shared.await;
        }
    });
    shared
}

/// Runs `action` (a button's work); if it needed an extension that was missing, runs it again
/// once the extension has arrived, so a click is never lost to a load.
pub fn retrying(action: impl Fn() + 'static) {
    MISSED.with(|m| m.borrow_mut().take());
    action();
    if let Some(which) = MISSED.with(|m| m.borrow_mut().take()) {
        leptos::task::spawn_local(async move {
            if load(which).await {
                action();
            }
        });
    }
}

/// Runs `f`, and says whether it found an extension missing (its result will change when the
/// extension arrives).
pub fn noting_missing<T>(f: impl FnOnce() -> T) -> (T, bool) {
    MISSED.with(|m| m.borrow_mut().take());
    let out = f();
    (out, MISSED.with(|m| m.borrow_mut().take()).is_some())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// Imports the extension called `id` (its module and its initialised wasm); a failure says why,
/// in words for a notice.
pub async fn import(id: &str) -> Result<JsValue, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let meta = document
        .query_selector(&format!("meta[name='wirelab-ext-{id}']"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .ok_or("this page does not say where it is")?;
    let base = document.base_uri().ok().flatten().unwrap_or_default();
    let url = web_sys::Url::new_with_base(&meta, &base).map_err(|_| "its address is not valid")?.href();
    let import: Function = Reflect::get(&window, &"wirelabImport".into()).ok().and_then(|f| f.dyn_into().ok()).ok_or("the page's loader is missing")?;
    let failed = |e: JsValue| e.as_string().or_else(|| Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string())).unwrap_or_else(|| "the download failed".into());
    let promise: Promise = import.call1(&JsValue::NULL, &url.into()).map_err(failed)?.dyn_into().map_err(|_| "the loader gave no promise")?;
    let module = JsFuture::from(promise).await.map_err(failed)?;
    let init: Function = Reflect::get(&module, &"default".into()).ok().and_then(|f| f.dyn_into().ok()).ok_or("the module has no initialiser")?;
    let started: Promise = init.call0(&JsValue::NULL).map_err(failed)?.dyn_into().map_err(|_| "the initialiser gave no promise")?;
    JsFuture::from(started).await.map_err(failed)?;
    Ok(module)
}

/// Calls one of the module's functions; a thrown string is the error.
pub fn call(module: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: Function = Reflect::get(module, &name.into()).ok().and_then(|f| f.dyn_into().ok()).ok_or_else(|| format!("the extension has no {name}"))?;
    f.apply(&JsValue::NULL, &args.iter().collect::<Array>()).map_err(|e| e.as_string().unwrap_or_else(|| format!("the extension's {name} failed")))
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn vec(v: JsValue) -> Vec<u8> {
    v.dyn_into::<Uint8Array>().map(|a| a.to_vec()).unwrap_or_default()
}

struct JsNist(JsValue);

impl ext::Nist for JsNist {
    fn public_key(&self, curve: Curve, d: &[u8]) -> Result<Vec<u8>, String> {
        call(&self.0, "public_key", &[curve.code().into(), bytes(d)]).map(vec)
    }
    fn check_point(&self, curve: Curve, point: &[u8]) -> Result<(), String> {
        call(&self.0, "check_point", &[curve.code().into(), bytes(point)]).map(|_| ())
    }
    fn sign(&self, curve: Curve, d: &[u8], input: &[u8], seed: u64) -> Result<Vec<u8>, String> {
        call(&self.0, "sign", &[curve.code().into(), bytes(d), bytes(input), bytes(&seed.to_le_bytes())]).map(vec)
    }
    fn verify(&self, curve: Curve, point: &[u8], input: &[u8], signature: &[u8]) -> bool {
        call(&self.0, "verify", &[curve.code().into(), bytes(point), bytes(input), bytes(signature)]).is_ok_and(|v| v.as_bool() == Some(true))
    }
}

struct JsEd25519(JsValue);

impl ext::Ed25519 for JsEd25519 {
    fn public_key(&self, seed: &[u8; 32]) -> [u8; 32] {
        call(&self.0, "public_key", &[bytes(seed)]).map(vec).ok().and_then(|v| v.try_into().ok()).unwrap_or([0; 32])
    }
    fn sign(&self, seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
        call(&self.0, "sign", &[bytes(seed), bytes(message)]).map(vec).ok().and_then(|v| v.try_into().ok()).unwrap_or([0; 64])
    }
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Result<(), EdRefusal> {
        match call(&self.0, "verify", &[bytes(public), bytes(message), bytes(signature)]).ok().and_then(|v| v.as_f64()).map(|v| v as u8) {
            Some(0) => Ok(()),
            Some(1) => Err(EdRefusal::NotAPoint),
            _ => Err(EdRefusal::Mismatch),
        }
    }
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        call(&self.0, "sha256", &[bytes(data)]).map(vec).ok().and_then(|v| v.try_into().ok()).unwrap_or([0; 32])
    }
}
