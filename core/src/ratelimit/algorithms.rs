//! The rate-limiting algorithms, each a pure model driven by simulated time in microseconds.
//!
//! Every model uses exact integer arithmetic: levels that drain or refill continuously are kept
//! in units of "request × microseconds of window" so no rounding ever drifts. All of them admit
//! `limit` requests per `window` on average; `burst` is the capacity where a model has one.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

pub type Micros = u64;

/// The models the lab compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    TokenBucket,
    /// Leaky bucket as a queue: requests wait their turn and leave at a constant rate.
    LeakyQueue,
    /// Leaky bucket as a meter: a level that drains at a constant rate; a request that would
    /// overflow it is refused.
    LeakyMeter,
    FixedWindow,
    SlidingLog,
    SlidingCounter,
    /// The generic cell rate algorithm (ITU-T I.371), as redis-cell and governor implement it.
    Gcra,
}

impl Algorithm {
    pub const ALL: [Algorithm; 7] = [
        Algorithm::TokenBucket,
        Algorithm::LeakyQueue,
        Algorithm::LeakyMeter,
        Algorithm::FixedWindow,
        Algorithm::SlidingLog,
        Algorithm::SlidingCounter,
        Algorithm::Gcra,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Algorithm::TokenBucket => "token_bucket",
            Algorithm::LeakyQueue => "leaky_queue",
            Algorithm::LeakyMeter => "leaky_meter",
            Algorithm::FixedWindow => "fixed_window",
            Algorithm::SlidingLog => "sliding_log",
            Algorithm::SlidingCounter => "sliding_counter",
            Algorithm::Gcra => "gcra",
        }
    }

    /// The trade-offs the seeds' table weighs: (bursts, smoothing, precision, memory per key).
    pub fn tradeoffs(self) -> [&'static str; 4] {
        match self {
            Algorithm::TokenBucket => ["allows bursts up to the bucket size", "none: a full bucket empties at once", "exact average rate", "two numbers"],
            Algorithm::LeakyQueue => ["absorbed by the queue, never passed on", "perfect: requests leave at a constant rate", "exact; admitted requests wait", "the queue itself"],
            Algorithm::LeakyMeter => ["allows bursts up to the bucket size", "none: like a token bucket, upside down", "exact average rate", "two numbers"],
            Algorithm::FixedWindow => ["up to twice the limit across a window boundary", "none", "coarse: resets all at once", "one counter"],
            Algorithm::SlidingLog => ["never more than the limit in any window", "none within the limit", "exact", "one entry per admitted request"],
            Algorithm::SlidingCounter => ["close to the limit in any window", "none", "approximate: assumes even spread", "two counters"],
            Algorithm::Gcra => ["allows bursts up to the burst size", "spaces requests by the emission interval once the burst is used", "exact average rate", "one timestamp"],
        }
    }

    /// What the chart's state line shows.
    pub fn level_name(self) -> &'static str {
        match self {
            Algorithm::TokenBucket => "tokens",
            Algorithm::LeakyQueue => "queue length",
            Algorithm::LeakyMeter => "bucket level",
            Algorithm::FixedWindow => "count in window",
            Algorithm::SlidingLog => "requests in the last window",
            Algorithm::SlidingCounter => "weighted estimate",
            Algorithm::Gcra => "TAT ahead of now (in requests)",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::TokenBucket => "Token bucket",
            Algorithm::LeakyQueue => "Leaky bucket (queue)",
            Algorithm::LeakyMeter => "Leaky bucket (meter)",
            Algorithm::FixedWindow => "Fixed window counter",
            Algorithm::SlidingLog => "Sliding window log",
            Algorithm::SlidingCounter => "Sliding window counter",
            Algorithm::Gcra => "GCRA",
        })
    }
}

/// The limit every model enforces: `limit` requests per `window`, with bursts up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub limit: u64,
    pub window: Micros,
    pub burst: u64,
}

impl Limits {
    /// The time one request's worth of rate takes: window / limit (GCRA's emission interval),
    /// rounded up to whole microseconds so a model never runs faster than the limit.
    pub fn interval(&self) -> Micros {
        self.window.div_ceil(self.limit.max(1)).max(1)
    }
}

/// One model's answer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    /// How long an admitted request waits before it is served (the leaky queue only).
    pub delay: Micros,
    /// Requests that could still be admitted right now.
    pub remaining: u64,
    /// Time until the limiter is back to its fullest (the window resets, the bucket refills).
    pub reset_after: Micros,
    /// When refused: how long until a request would be admitted; `None` if never.
    pub retry_after: Option<Micros>,
    /// The state line's value just before and just after, in requests, times 1000.
    pub level_before_milli: u64,
    pub level_after_milli: u64,
}

/// A model of one key's limiter.
pub trait Limiter {
    /// Decides one request arriving at `now` (times never decrease between calls).
    fn check(&mut self, now: Micros) -> Decision;
    /// The state, named as the algorithm names it, at `now` without a request.
    fn state(&self, now: Micros) -> Vec<(String, String)>;
}

pub fn new_limiter(algorithm: Algorithm, limits: Limits) -> Box<dyn Limiter> {
    match algorithm {
        Algorithm::TokenBucket => Box::new(TokenBucket::new(limits)),
        Algorithm::LeakyQueue => Box::new(LeakyQueue::new(limits)),
        Algorithm::LeakyMeter => Box::new(LeakyMeter::new(limits)),
        Algorithm::FixedWindow => Box::new(FixedWindow::new(limits)),
        Algorithm::SlidingLog => Box::new(SlidingLog::new(limits)),
        Algorithm::SlidingCounter => Box::new(SlidingCounter::new(limits)),
        Algorithm::Gcra => Box::new(Gcra::new(limits)),
    }
}

/// `a / b`, on 64 bits when both fit (128-bit division is done in software on wasm32 and is
/// the hot path of every model).
fn div(a: u128, b: u128) -> u128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => (a / b.max(1)) as u128,
        _ => a / b.max(1),
    }
}

fn milli(units: u128, per_request: u128) -> u64 {
    div(units * 1000, per_request) as u64
}

/// A duration for people: whole milliseconds when exact, else to the microsecond.
pub(crate) fn ms(t: Micros) -> String {
    if t.is_multiple_of(1000) {
        format!("{} ms", t / 1000)
    } else {
        format!("{:.3} ms", t as f64 / 1000.0)
    }
}

fn requests(units: u128, per_request: u128) -> String {
    let whole = div(units, per_request);
    let frac = div((units - whole * per_request.max(1)) * 1000, per_request);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
    }
}

/// Time to gain `needed` units at `rate` units per microsecond, rounded up.
fn time_for(needed: u128, rate: u128) -> Micros {
    let rate = rate.max(1);
    div(needed + rate - 1, rate) as Micros
}

/// Token bucket: up to `burst` tokens, refilled at `limit` per `window`; a request takes one.
/// Tokens are counted in units of token × window-microseconds, so refill is `limit` units per
/// microsecond and one token is `window` units.
pub struct TokenBucket {
    l: Limits,
    units: u128,
    last: Micros,
}

impl TokenBucket {
    pub fn new(l: Limits) -> TokenBucket {
        // The bucket starts full.
        TokenBucket { l, units: l.burst as u128 * l.window as u128, last: 0 }
    }

    fn capacity(&self) -> u128 {
        self.l.burst as u128 * self.l.window as u128
    }

    fn at(&self, now: Micros) -> u128 {
        (self.units + (now - self.last.min(now)) as u128 * self.l.limit as u128).min(self.capacity())
    }
}

impl Limiter for TokenBucket {
    fn check(&mut self, now: Micros) -> Decision {
        let one = self.l.window as u128;
        let rate = self.l.limit as u128;
        let before = self.at(now);
        self.units = before;
        self.last = now;
        let allowed = before >= one;
        if allowed {
            self.units -= one;
        }
        Decision {
            allowed,
            delay: 0,
            remaining: div(self.units, one) as u64,
            reset_after: time_for(self.capacity() - self.units, rate),
            retry_after: if allowed || self.capacity() < one { None } else { Some(time_for(one - self.units, rate)) },
            level_before_milli: milli(before, one),
            level_after_milli: milli(self.units, one),
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        vec![
            ("tokens".into(), format!("{} of {}", requests(self.at(now), self.l.window as u128), self.l.burst)),
            ("refill".into(), format!("{} per {}", self.l.limit, ms(self.l.window))),
        ]
    }
}

/// Leaky bucket as a queue: requests join a queue of at most `burst` and leave one every
/// window/limit; a full queue refuses. Admitted requests are delayed, never refused.
pub struct LeakyQueue {
    l: Limits,
    /// When each request still in the bucket has been served and leaves it, in order: a
    /// request starts service when the one before it leaves, and takes one interval.
    departures: VecDeque<Micros>,
}

impl LeakyQueue {
    pub fn new(l: Limits) -> LeakyQueue {
        LeakyQueue { l, departures: VecDeque::new() }
    }

    fn drain(&mut self, now: Micros) {
        while self.departures.front().is_some_and(|d| *d <= now) {
            self.departures.pop_front();
        }
    }

    fn queued_at(&self, now: Micros) -> usize {
        self.departures.iter().filter(|d| **d > now).count()
    }
}

impl Limiter for LeakyQueue {
    fn check(&mut self, now: Micros) -> Decision {
        self.drain(now);
        let before = self.departures.len() as u64;
        let interval = self.l.interval();
        let allowed = before < self.l.burst;
        let mut delay = 0;
        if allowed {
            let starts = self.departures.back().copied().unwrap_or(now).max(now);
            delay = starts - now;
            self.departures.push_back(starts + interval);
        }
        let after = self.departures.len() as u64;
        Decision {
            allowed,
            delay,
            remaining: self.l.burst.saturating_sub(after),
            reset_after: self.departures.back().map(|d| d - now).unwrap_or(0),
            retry_after: if allowed || self.l.burst == 0 { None } else { self.departures.front().map(|d| d - now) },
            level_before_milli: before * 1000,
            level_after_milli: after * 1000,
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        let mut s = vec![("queued".into(), format!("{} of {}", self.queued_at(now), self.l.burst))];
        if let Some(next) = self.departures.iter().find(|d| **d > now) {
            s.push(("next leaves in".into(), ms(next - now)));
        }
        s.push(("drain".into(), format!("one every {}", ms(self.l.interval()))));
        s
    }
}

/// Leaky bucket as a meter: each request pours one unit in; the level drains at `limit` per
/// `window`; a request that would overflow `burst` is refused and pours nothing.
pub struct LeakyMeter {
    l: Limits,
    units: u128,
    last: Micros,
}

impl LeakyMeter {
    pub fn new(l: Limits) -> LeakyMeter {
        LeakyMeter { l, units: 0, last: 0 }
    }

    fn at(&self, now: Micros) -> u128 {
        self.units.saturating_sub((now - self.last.min(now)) as u128 * self.l.limit as u128)
    }
}

impl Limiter for LeakyMeter {
    fn check(&mut self, now: Micros) -> Decision {
        let one = self.l.window as u128;
        let rate = self.l.limit as u128;
        let capacity = self.l.burst as u128 * one;
        let before = self.at(now);
        self.units = before;
        self.last = now;
        let allowed = before + one <= capacity;
        if allowed {
            self.units += one;
        }
        Decision {
            allowed,
            delay: 0,
            remaining: div(capacity - self.units.min(capacity), one) as u64,
            reset_after: time_for(self.units, rate),
            retry_after: if allowed || capacity < one { None } else { Some(time_for(self.units + one - capacity, rate)) },
            level_before_milli: milli(before, one),
            level_after_milli: milli(self.units, one),
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        vec![
            ("level".into(), format!("{} of {}", requests(self.at(now), self.l.window as u128), self.l.burst)),
            ("drain".into(), format!("{} per {}", self.l.limit, ms(self.l.window))),
        ]
    }
}

/// Fixed window counter: at most `limit` requests in each window [k·W, (k+1)·W).
pub struct FixedWindow {
    l: Limits,
    window_index: u64,
    count: u64,
}

impl FixedWindow {
    pub fn new(l: Limits) -> FixedWindow {
        FixedWindow { l, window_index: 0, count: 0 }
    }

    fn count_at(&self, now: Micros) -> u64 {
        if now / self.l.window == self.window_index {
            self.count
        } else {
            0
        }
    }
}

impl Limiter for FixedWindow {
    fn check(&mut self, now: Micros) -> Decision {
        let index = now / self.l.window;
        if index != self.window_index {
            self.window_index = index;
            self.count = 0;
        }
        let before = self.count;
        let allowed = before < self.l.limit;
        if allowed {
            self.count += 1;
        }
        let window_end = (index + 1) * self.l.window;
        Decision {
            allowed,
            delay: 0,
            remaining: self.l.limit - self.count,
            reset_after: window_end - now,
            retry_after: if allowed || self.l.limit == 0 { None } else { Some(window_end - now) },
            level_before_milli: before * 1000,
            level_after_milli: self.count * 1000,
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        let index = now / self.l.window;
        vec![
            ("window".into(), format!("{} to {}", ms(index * self.l.window), ms((index + 1) * self.l.window))),
            ("count".into(), format!("{} of {}", self.count_at(now), self.l.limit)),
        ]
    }
}

/// Sliding window log: the times of admitted requests in the last window; at most `limit`.
pub struct SlidingLog {
    l: Limits,
    log: VecDeque<Micros>,
}

impl SlidingLog {
    pub fn new(l: Limits) -> SlidingLog {
        SlidingLog { l, log: VecDeque::new() }
    }

    /// Entries older than one window are no longer counted: (now - W, now] is the window.
    fn trim(&mut self, now: Micros) {
        while self.log.front().is_some_and(|t| t + self.l.window <= now) {
            self.log.pop_front();
        }
    }
}

impl Limiter for SlidingLog {
    fn check(&mut self, now: Micros) -> Decision {
        self.trim(now);
        let before = self.log.len() as u64;
        let allowed = before < self.l.limit;
        if allowed {
            self.log.push_back(now);
        }
        let after = self.log.len() as u64;
        Decision {
            allowed,
            delay: 0,
            remaining: self.l.limit - after,
            reset_after: self.log.back().map(|t| t + self.l.window - now).unwrap_or(0),
            retry_after: if allowed || self.l.limit == 0 { None } else { self.log.front().map(|t| t + self.l.window - now) },
            level_before_milli: before * 1000,
            level_after_milli: after * 1000,
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        let live: Vec<&Micros> = self.log.iter().filter(|t| **t + self.l.window > now).collect();
        let mut s = vec![("entries".into(), format!("{} of {}", live.len(), self.l.limit))];
        if let Some(oldest) = live.first() {
            s.push(("oldest expires in".into(), ms(**oldest + self.l.window - now)));
        }
        s
    }
}

/// Sliding window counter: the previous window's count, weighted by how much of it still
/// overlaps the last window, plus the current window's count, must stay under `limit`.
pub struct SlidingCounter {
    l: Limits,
    index: u64,
    current: u64,
    previous: u64,
}

impl SlidingCounter {
    pub fn new(l: Limits) -> SlidingCounter {
        SlidingCounter { l, index: 0, current: 0, previous: 0 }
    }

    /// (previous, current) counts as seen from `now`.
    fn counts_at(&self, now: Micros) -> (u64, u64) {
        let index = now / self.l.window;
        match index.saturating_sub(self.index) {
            0 => (self.previous, self.current),
            1 => (self.current, 0),
            _ => (0, 0),
        }
    }

    /// The estimate in units of request × window-microseconds: prev·(W − e) + cur·W.
    fn estimate_at(&self, now: Micros) -> u128 {
        let (previous, current) = self.counts_at(now);
        let w = self.l.window as u128;
        let elapsed = (now % self.l.window) as u128;
        previous as u128 * (w - elapsed) + current as u128 * w
    }
}

impl Limiter for SlidingCounter {
    fn check(&mut self, now: Micros) -> Decision {
        let (previous, current) = self.counts_at(now);
        self.previous = previous;
        self.current = current;
        self.index = now / self.l.window;
        let w = self.l.window as u128;
        let before = self.estimate_at(now);
        // Admit when the estimate plus this request stays within the limit.
        let allowed = before + w <= self.l.limit as u128 * w;
        if allowed {
            self.current += 1;
        }
        let after = self.estimate_at(now);
        let retry_after = if allowed || self.l.limit == 0 {
            None
        } else {
            // The estimate only falls; find the first instant a request fits, by bisection.
            let fits = |t: Micros| self.estimate_at(t) + w <= self.l.limit as u128 * w;
            let (mut lo, mut hi) = (now, now + 2 * self.l.window);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if fits(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            Some(lo - now)
        };
        let limit_units = self.l.limit as u128 * w;
        Decision {
            allowed,
            delay: 0,
            remaining: div(limit_units.saturating_sub(after), w) as u64,
            reset_after: (self.index + 1) * self.l.window - now,
            retry_after,
            level_before_milli: milli(before, w),
            level_after_milli: milli(after, w),
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        let (previous, current) = self.counts_at(now);
        let elapsed = now % self.l.window;
        vec![
            ("previous window".into(), previous.to_string()),
            ("current window".into(), current.to_string()),
            ("weight of previous".into(), format!("{:.3}", 1.0 - elapsed as f64 / self.l.window as f64)),
            ("estimate".into(), format!("{} of {}", requests(self.estimate_at(now), self.l.window as u128), self.l.limit)),
        ]
    }
}

/// GCRA's answer with every figure redis-cell's CL.THROTTLE returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcraAnswer {
    pub limited: bool,
    pub limit: u64,
    pub remaining: u64,
    /// Time until the limiter is fully reset.
    pub reset_after: Micros,
    /// When limited, time until the request would be allowed; `None` when it never can be.
    pub retry_after: Option<Micros>,
}

/// GCRA with emission interval T = window/limit and delay-variation tolerance τ = T·burst: the
/// theoretical arrival time (TAT) may run at most τ − T ahead of now.
///
/// It keeps time in nanoseconds, as governor, redis-cell and throttled do: T is window/limit
/// truncated to whole nanoseconds (1 s / 231 = 4,329,004 ns), so at a rate that does not divide
/// a second evenly its decisions agree with theirs. Times it reports are rounded up to whole
/// microseconds, so that a client waiting that long is admitted.
pub struct Gcra {
    l: Limits,
    /// The TAT, in nanoseconds.
    tat: u128,
}

/// Nanoseconds in a microsecond.
const NS: u128 = 1000;

/// Nanoseconds, rounded up to whole microseconds.
fn micros_up(ns: u128) -> Micros {
    ns.div_ceil(NS).min(Micros::MAX as u128) as Micros
}

impl Gcra {
    pub fn new(l: Limits) -> Gcra {
        Gcra { l, tat: 0 }
    }

    /// The emission interval T in nanoseconds (at least 1).
    pub fn interval_ns(&self) -> u128 {
        (self.l.window as u128 * NS / self.l.limit.max(1) as u128).max(1)
    }

    /// One request of `quantity` cells, as redis-cell and throttled decide it:
    /// tat = max(now, TAT); new = tat + T·quantity; allowed iff now ≥ new − τ.
    pub fn throttle(&mut self, now: Micros, quantity: u64) -> GcraAnswer {
        let now = now as u128 * NS;
        let t = self.interval_ns();
        let tolerance = t * self.l.burst as u128;
        let tat = self.tat.max(now);
        let increment = t * quantity as u128;
        let new_tat = tat + increment;
        let allow_at = new_tat.saturating_sub(tolerance);
        let limited = now < allow_at;
        let ttl = if limited { tat - now } else { new_tat - now };
        if !limited {
            self.tat = new_tat;
        }
        // remaining = floor((τ − ttl) / T) when τ − ttl > −T, else 0.
        let remaining = if tolerance + t > ttl { (tolerance.saturating_sub(ttl) / t) as u64 } else { 0 };
        GcraAnswer {
            limited,
            limit: self.l.burst,
            remaining,
            reset_after: micros_up(ttl),
            retry_after: if limited && increment <= tolerance { Some(micros_up(allow_at - now)) } else { None },
        }
    }
}

impl Limiter for Gcra {
    fn check(&mut self, now: Micros) -> Decision {
        let t = self.interval_ns();
        let now_ns = now as u128 * NS;
        let before = self.tat.saturating_sub(now_ns);
        let a = self.throttle(now, 1);
        let after = self.tat.saturating_sub(now_ns);
        Decision {
            allowed: !a.limited,
            delay: 0,
            remaining: a.remaining,
            reset_after: a.reset_after,
            retry_after: a.retry_after,
            level_before_milli: milli(before, t),
            level_after_milli: milli(after, t),
        }
    }

    fn state(&self, now: Micros) -> Vec<(String, String)> {
        let t = self.interval_ns();
        let shown = |ns: u128| ms_ns(ns);
        vec![
            ("TAT".into(), shown(self.tat)),
            ("TAT − now".into(), shown(self.tat.saturating_sub(now as u128 * NS))),
            ("emission interval T".into(), shown(t)),
            ("tolerance τ".into(), shown(t * self.l.burst as u128)),
        ]
    }
}

/// A duration in nanoseconds for people: as [`ms`] when it is whole microseconds, else to the
/// nanosecond (GCRA's emission interval at 231 per second is 4.329004 ms).
fn ms_ns(ns: u128) -> String {
    if ns.is_multiple_of(NS) {
        ms((ns / NS).min(Micros::MAX as u128) as Micros)
    } else {
        format!("{:.6} ms", ns as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Micros = 1_000_000;

    #[test]
    fn gcra_agrees_with_governor_at_a_rate_that_does_not_divide_a_second() {
        // governor's Quota::per_second(231) with burst 2: T = 1 s / 231 = 4,329,004 ns. With T
        // rounded to 4,330 µs the last request was refused with a 1 µs retry.
        let mut g = Gcra::new(Limits { limit: 231, window: SEC, burst: 2 });
        assert_eq!(g.interval_ns(), 4_329_004);
        let first = g.throttle(47_033, 2);
        let rest: Vec<bool> = [52_172, 56_012, 60_022].iter().map(|&t| !g.throttle(t, 1).limited).collect();
        assert!(!first.limited);
        assert_eq!(rest, [true, true, true]);
        // One more at once is refused, and told to come back when it would pass, rounded up to
        // the microsecond: the TAT is now 68,678,020 ns, so it passes from TAT + T − τ =
        // 64,349,016 ns, 4,326,016 ns after it was sent.
        let refused = g.throttle(60_023, 1);
        assert!(refused.limited);
        assert_eq!(refused.retry_after, Some(4_327));
        assert!(g.throttle(60_023 + 4_326, 1).limited, "a microsecond early is still too early");
        assert!(!g.throttle(60_023 + 4_327, 1).limited, "waiting the retry time is enough");
    }

    fn run(a: Algorithm, l: Limits, times_ms: &[u64]) -> Vec<bool> {
        let mut m = new_limiter(a, l);
        times_ms.iter().map(|t| m.check(t * 1000).allowed).collect()
    }

    #[test]
    fn token_bucket_allows_a_burst_then_the_rate() {
        let l = Limits { limit: 2, window: SEC, burst: 3 };
        assert_eq!(run(Algorithm::TokenBucket, l, &[0, 0, 0, 0, 499, 500, 1000]), [true, true, true, false, false, true, true]);
        let mut b = TokenBucket::new(l);
        for _ in 0..3 {
            b.check(0);
        }
        let refused = b.check(0);
        assert_eq!(refused.retry_after, Some(500_000), "half a second for one token at 2/s");
        assert_eq!(refused.reset_after, 1_500_000);
    }

    #[test]
    fn leaky_queue_delays_instead_of_refusing_until_full() {
        let l = Limits { limit: 2, window: SEC, burst: 3 };
        let mut q = LeakyQueue::new(l);
        let delays: Vec<(bool, Micros)> = (0..4).map(|_| q.check(0)).map(|d| (d.allowed, d.delay)).collect();
        assert_eq!(delays, [(true, 0), (true, 500_000), (true, 1_000_000), (false, 0)]);
        assert_eq!(q.check(0).retry_after, Some(500_000), "room again when the first has been served");
        assert!(q.check(500_000).allowed);
    }

    #[test]
    fn fixed_window_resets_at_the_boundary() {
        let l = Limits { limit: 3, window: 60 * SEC, burst: 3 };
        // The seeds' example scaled down: 3 at 00:59 and 3 at 01:00 all pass.
        let allowed = run(Algorithm::FixedWindow, l, &[59_000, 59_000, 59_000, 59_000, 60_000, 60_000, 60_000, 60_000]);
        assert_eq!(allowed, [true, true, true, false, true, true, true, false]);
    }

    #[test]
    fn sliding_log_refuses_the_boundary_burst() {
        let l = Limits { limit: 3, window: 60 * SEC, burst: 3 };
        let allowed = run(Algorithm::SlidingLog, l, &[59_000, 59_000, 59_000, 60_000, 118_999, 119_000]);
        assert_eq!(allowed, [true, true, true, false, false, true]);
    }

    #[test]
    fn sliding_counter_weights_the_previous_window() {
        let l = Limits { limit: 10, window: 10 * SEC, burst: 10 };
        let mut c = SlidingCounter::new(l);
        for _ in 0..10 {
            assert!(c.check(5 * SEC).allowed);
        }
        // At 12.5 s, 75% of the previous window still overlaps: estimate 7.5, so 2 more fit.
        assert!(c.check(12_500_000).allowed);
        assert!(c.check(12_500_000).allowed);
        let refused = c.check(12_500_000);
        assert!(!refused.allowed);
        // Estimate 10·(1 − e/10 s) + 2 ≤ 9 once e ≥ 3 s, i.e. at 13 s.
        assert_eq!(refused.retry_after, Some(500_000));
    }

    #[test]
    fn leaky_meter_refuses_overflow_and_drains() {
        let l = Limits { limit: 1, window: SEC, burst: 2 };
        assert_eq!(run(Algorithm::LeakyMeter, l, &[0, 0, 0, 999, 1000]), [true, true, false, false, true]);
    }
}
