//! Password hashes for the cookies lab, computed in a worker so a hash at a real cost (argon2id
//! with 19 MiB, scrypt with 128 MiB) never holds up the page.
//!
//! The worker (`ext/worker.js`) imports the hash extension (`ext/hash`, the core's own
//! functions compiled on their own); both addresses are in the page's
//! `<meta name="wirelab-ext-…">`. The core asks [`Provider`] for a hash; one not computed yet
//! is sent to the worker and answered as "not yet", so the run stops there and shows it is
//! waiting. When the worker answers, the run goes again from the start with that hash known
//! (`crate::ext::arrived`). Every answer carries the time the call took in the worker: the
//! cost of one guess in this browser, which the lab turns into the time an offline attack takes.

use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wirelab_core::cookies::passwords::Scheme;
use wirelab_core::ext;

/// SHA-256 guesses in one timed call (one is too quick to time).
pub const SHA_GUESSES: u32 = 200_000;

type Key = (String, String, [u8; 16]);

/// What the worker is doing and has measured, for the page to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// The scenario's password hashes answered, schemes timed, and jobs still running.
    pub hashes: usize,
    pub timed: usize,
    pub running: usize,
    /// The scheme of the hash being computed.
    pub current: Option<String>,
    /// Each scheme measured (its `Scheme::text`), and milliseconds per guess (the last
    /// measurement).
    pub per_guess_ms: Vec<(String, f64)>,
    /// Why the worker failed, if it did.
    pub error: Option<String>,
}

enum Job {
    Hash(Key),
    Measure(String),
}

#[derive(Default)]
struct State {
    worker: Option<web_sys::Worker>,
    module: String,
    next: u32,
    jobs: HashMap<u32, Job>,
    done: HashMap<Key, Result<String, String>>,
    asked: Vec<Key>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    static PROGRESS: ArcRwSignal<Progress> = ArcRwSignal::new(Progress::default());
}

/// The worker's progress and measurements.
pub fn progress() -> ArcRwSignal<Progress> {
    PROGRESS.with(|p| p.clone())
}

/// Registers the provider with the core (before the lab's first run).
pub fn install() {
    ext::provide_passwords(Rc::new(Provider));
}

struct Provider;

impl ext::Passwords for Provider {
    fn hash(&self, scheme: Scheme, password: &str, salt: &[u8; 16]) -> Option<Result<String, String>> {
        let key = (scheme.text(), password.to_string(), *salt);
        if let Some(done) = STATE.with(|s| s.borrow().done.get(&key).cloned()) {
            return Some(done);
        }
        if !STATE.with(|s| s.borrow().asked.contains(&key)) {
            STATE.with(|s| s.borrow_mut().asked.push(key.clone()));
            // Sent after the run that asked, not from inside it.
            wasm_bindgen_futures::spawn_local(async move {
                let args = [JsValue::from_str(&key.0), JsValue::from_str(&key.1), Uint8Array::from(&key.2[..]).into()];
                send(Job::Hash(key), "hash", &args);
            });
        }
        None
    }
}

/// Measures one guess of every recommended scheme (and SHA-256) in the worker.
pub fn measure_all() {
    for scheme in Scheme::RECOMMENDED.iter().filter(|s| s.is_slow()) {
        let args = [JsValue::from_str(&scheme.text()), JsValue::from_str("a guess"), Uint8Array::from(&[7u8; 16][..]).into()];
        send(Job::Measure(scheme.text()), "hash", &args);
    }
    measure_sha256();
}

/// Measures SHA-256, the fast scheme, in [`SHA_GUESSES`] guesses.
pub fn measure_sha256() {
    send(Job::Measure(Scheme::Sha256.text()), "sha256_guesses", &[JsValue::from(SHA_GUESSES)]);
}

fn meta(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let content = document.query_selector(&format!("meta[name='wirelab-ext-{name}']")).ok()??.get_attribute("content")?;
    let base = document.base_uri().ok()??;
    web_sys::Url::new_with_base(&content, &base).ok().map(|u| u.href())
}

fn fail(reason: String) {
    // Every hash still waited for is answered with the failure, so the run ends and says so.
    let waiting: Vec<Job> = STATE.with(|s| s.borrow_mut().jobs.drain().map(|(_, j)| j).collect());
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        for job in waiting {
            if let Job::Hash(key) = job {
                s.done.insert(key, Err(format!("the hashing worker failed ({reason})")));
            }
        }
        s.worker = None;
        s.asked.clear();
    });
    PROGRESS.with(|p| {
        p.update(|p| {
            p.running = 0;
            p.current = None;
            p.error = Some(reason);
        })
    });
    crate::ext::arrived();
}

fn worker() -> Result<web_sys::Worker, String> {
    if let Some(w) = STATE.with(|s| s.borrow().worker.clone()) {
        return Ok(w);
    }
    let url = meta("worker").ok_or("this page does not say where the hashing worker is")?;
    let module = meta("hash").ok_or("this page does not say where the hash extension is")?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let w = web_sys::Worker::new_with_options(&url, &options).map_err(|_| "the browser refused to start a worker".to_string())?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(answered);
    w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        let message = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).filter(|m| !m.is_empty()).unwrap_or_else(|| "its script could not be loaded".into());
        fail(message);
    });
    w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.worker = Some(w.clone());
        s.module = module;
    });
    Ok(w)
}

fn send(job: Job, function: &str, args: &[JsValue]) {
    let w = match worker() {
        Ok(w) => w,
        Err(reason) => {
            if let Job::Hash(key) = job {
                STATE.with(|s| s.borrow_mut().done.insert(key, Err(format!("the hashing worker could not start: {reason}"))));
            }
            PROGRESS.with(|p| p.update(|p| p.error = Some(reason)));
            crate::ext::arrived();
            return;
        }
    };
    let scheme = match &job {
        Job::Hash(k) => k.0.clone(),
        Job::Measure(s) => s.clone(),
    };
    let id = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.next += 1;
        let id = s.next;
        s.jobs.insert(id, job);
        id
    });
    let message = Object::new();
    let module = STATE.with(|s| s.borrow().module.clone());
    let _ = Reflect::set(&message, &"id".into(), &id.into());
    let _ = Reflect::set(&message, &"module".into(), &module.into());
    let _ = Reflect::set(&message, &"fn".into(), &function.into());
    let _ = Reflect::set(&message, &"args".into(), &args.iter().collect::<Array>());
    PROGRESS.with(|p| {
        p.update(|p| {
            p.running += 1;
            p.current.get_or_insert(scheme);
        })
    });
    if w.post_message(&message).is_err() {
        fail("a message to it could not be sent".into());
    }
}

fn answered(e: web_sys::MessageEvent) {
    let data = e.data();
    let id = Reflect::get(&data, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0) as u32;
    let Some(job) = STATE.with(|s| s.borrow_mut().jobs.remove(&id)) else { return };
    let ms = Reflect::get(&data, &"ms".into()).ok().and_then(|v| v.as_f64());
    let error = Reflect::get(&data, &"error".into()).ok().and_then(|v| v.as_string());
    let value = Reflect::get(&data, &"value".into()).ok().and_then(|v| v.as_string());
    let next = STATE.with(|s| {
        s.borrow().jobs.values().next().map(|j| match j {
            Job::Hash(k) => k.0.clone(),
            Job::Measure(s) => s.clone(),
        })
    });
    let (scheme, per_guess) = match &job {
        Job::Hash(k) => (k.0.clone(), ms),
        Job::Measure(s) if *s == Scheme::Sha256.text() => (s.clone(), ms.map(|m| m / SHA_GUESSES as f64)),
        Job::Measure(s) => (s.clone(), ms),
    };
    let measured = matches!(job, Job::Measure(_));
    if let Job::Hash(key) = job {
        let result = match (value, &error) {
            (Some(v), None) => Ok(v),
            (_, Some(e)) => Err(e.clone()),
            (None, None) => Err("the worker gave no answer".into()),
        };
        STATE.with(|s| s.borrow_mut().done.insert(key, result));
    }
    PROGRESS.with(|p| {
        p.update(|p| {
            p.running = p.running.saturating_sub(1);
            if measured {
                p.timed += 1;
            } else {
                p.hashes += 1;
            }
            p.current = next;
            if let (Some(ms), None) = (per_guess, &error) {
                p.per_guess_ms.retain(|(s, _)| *s != scheme);
                p.per_guess_ms.push((scheme, ms));
            }
            if let Some(e) = error {
                p.error = Some(e);
            }
        })
    });
    crate::ext::arrived();
}
