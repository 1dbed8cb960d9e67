//! Running the traffic through every model, the comparison, and one request's full story.

use super::algorithms::{ms, new_limiter, Algorithm, Decision, Limiter, Limits, Micros};
use super::scenario::{RateScenario, Scope};
use serde::Serialize;

/// One request of the merged traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Request {
    pub at: Micros,
    pub client: usize,
    /// Index of the limiter key (user, address or the global key) it counts against.
    pub key: usize,
}

/// What one model did with all the traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlgoRun {
    pub algorithm: Algorithm,
    /// One per request, in request order.
    pub decisions: Vec<Decision>,
    pub stats: Stats,
}

/// The comparison table's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub allowed: u64,
    pub refused: u64,
    /// The most admitted requests in any one-second span (a sliding second).
    pub max_in_any_second: u64,
    /// The longest an admitted request waited (queue) or a refused one was told to wait.
    pub longest_wait: Micros,
    /// Jain's fairness index of each client's admitted share of its own demand, × 1000
    /// (1000: every client got the same share).
    pub fairness_milli: u64,
    pub allowed_per_client: Vec<u64>,
}

/// Version of the exported report JSON (`docs/trace.md`); bump it when a field changes.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateReport {
    pub limits: Limits,
    pub requests: Vec<Request>,
    pub keys: Vec<String>,
    pub runs: Vec<AlgoRun>,
    /// The end of the charts' time axis.
    pub span: Micros,
}

fn key_of(s: &RateScenario, client: usize) -> String {
    let c = &s.clients[client];
    match s.scope {
        Scope::Global => "global".to_string(),
        Scope::PerUser => format!("user:{}", c.user),
        Scope::PerIp => format!("ip:{}", c.ip),
    }
}

/// The merged traffic, in time order (ties by client, then pattern order).
pub fn requests(s: &RateScenario) -> (Vec<Request>, Vec<String>) {
    let mut keys: Vec<String> = Vec::new();
    let mut client_key = Vec::new();
    for i in 0..s.clients.len() {
        let k = key_of(s, i);
        let index = keys.iter().position(|x| *x == k).unwrap_or_else(|| {
            keys.push(k);
            keys.len() - 1
        });
        client_key.push(index);
    }
    let mut out: Vec<Request> = s
        .clients
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.patterns.iter().flat_map(|p| p.times()).map(move |at| (at, i)))
        .map(|(at, client)| Request { at, client, key: client_key[client] })
        .collect();
    crate::order::sort_by_key(&mut out, |r| (r.at, r.client));
    (out, keys)
}

impl RateReport {
    /// The report as JSON: limits, requests, and each model's decisions and statistics
    /// (times in microseconds; levels in thousandths of a request).
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            // Like every lab's export: the schema's version and the lab first.
            object.insert("schema".into(), REPORT_SCHEMA_VERSION.into());
            object.insert("lab".into(), "ratelimit".into());
        }
        value.to_string()
    }

    /// Every decision as CSV (RFC 4180): one row per request and model.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("request,time_us,client,key,model,allowed,delay_us,remaining,reset_after_us,retry_after_us\n");
        for (i, q) in self.requests.iter().enumerate() {
            for run in &self.runs {
                let d = run.decisions[i];
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{}\n",
                    i + 1,
                    q.at,
                    q.client,
                    csv_field(&self.keys[q.key]),
                    run.algorithm.id(),
                    d.allowed,
                    d.delay,
                    d.remaining,
                    d.reset_after,
                    d.retry_after.map(|t| t.to_string()).unwrap_or_default()
                ));
            }
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break, and with a leading formula
/// character neutralised so a spreadsheet shows it as text.
pub(crate) fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Runs every chosen model over the scenario's traffic.
pub fn run(s: &RateScenario) -> RateReport {
    let (reqs, keys) = requests(s);
    run_on(s, reqs, keys)
}

/// Runs every chosen model over traffic already made by [`requests`] for the same clients and
/// scope (a caller that changes only the limits can keep the traffic).
pub fn run_on(s: &RateScenario, reqs: Vec<Request>, keys: Vec<String>) -> RateReport {
    let limits = s.limits();
    let runs = s
        .algorithms
        .iter()
        .map(|&algorithm| {
            let mut limiters: Vec<Box<dyn Limiter>> = (0..keys.len()).map(|_| new_limiter(algorithm, limits)).collect();
            let decisions: Vec<Decision> = reqs.iter().map(|r| limiters[r.key].check(r.at)).collect();
            let stats = stats(s, &reqs, &decisions);
            AlgoRun { algorithm, decisions, stats }
        })
        .collect();
    let last = reqs.last().map(|r| r.at).unwrap_or(0);
    RateReport { limits, requests: reqs, keys, runs, span: (s.duration_ms * 1000).max(last + 1) }
}

fn stats(s: &RateScenario, reqs: &[Request], decisions: &[Decision]) -> Stats {
    let mut allowed_per_client = vec![0u64; s.clients.len()];
    let mut demand = vec![0u64; s.clients.len()];
    let mut admitted_times = Vec::new();
    let mut longest_wait = 0;
    for (r, d) in reqs.iter().zip(decisions) {
        demand[r.client] += 1;
        if d.allowed {
            allowed_per_client[r.client] += 1;
            // A queued request is served when it leaves the queue.
            admitted_times.push(r.at + d.delay);
            longest_wait = longest_wait.max(d.delay);
        } else if let Some(w) = d.retry_after {
            longest_wait = longest_wait.max(w);
        }
    }
    crate::order::sort(&mut admitted_times);
    let mut max_in_any_second = 0;
    let mut start = 0;
    for end in 0..admitted_times.len() {
        while admitted_times[end] - admitted_times[start] >= 1_000_000 {
            start += 1;
        }
        max_in_any_second = max_in_any_second.max((end - start + 1) as u64);
    }
    // Jain's index over shares x_i = allowed_i / demand_i, for clients with demand.
    let shares: Vec<f64> = allowed_per_client.iter().zip(&demand).filter(|(_, d)| **d > 0).map(|(a, d)| *a as f64 / *d as f64).collect();
    let sum: f64 = shares.iter().sum();
    let squares: f64 = shares.iter().map(|x| x * x).sum();
    let fairness = if squares > 0.0 { sum * sum / (shares.len() as f64 * squares) } else { 1.0 };
    let allowed = allowed_per_client.iter().sum();
    Stats {
        allowed,
        refused: reqs.len() as u64 - allowed,
        max_in_any_second,
        longest_wait,
        fairness_milli: (fairness * 1000.0).round() as u64,
        allowed_per_client,
    }
}

/// Everything the inspector shows about one request under one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDetail {
    pub decision: Decision,
    pub why: String,
    pub state_before: Vec<(String, String)>,
    pub state_after: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub redis: Vec<String>,
    pub redis_note: String,
}

fn secs_ceil(t: Micros) -> u64 {
    t.div_ceil(1_000_000)
}

/// The story of request `index` under run `run` (replays that key's limiter up to it).
pub fn detail(s: &RateScenario, report: &RateReport, run: usize, index: usize) -> Option<RequestDetail> {
    let algo = report.runs.get(run)?;
    let request = *report.requests.get(index)?;
    let limits = report.limits;
    let mut limiter = new_limiter(algo.algorithm, limits);
    for r in report.requests[..index].iter().filter(|r| r.key == request.key) {
        limiter.check(r.at);
    }
    let state_before = limiter.state(request.at);
    let decision = limiter.check(request.at);
    let state_after = limiter.state(request.at);
    let key = &report.keys[request.key];
    let client = &s.clients[request.client].name;
    Some(RequestDetail {
        decision,
        why: why(algo.algorithm, limits, &decision, client, key),
        state_before,
        state_after,
        headers: headers(algo.algorithm, limits, &decision),
        redis: redis_commands(algo.algorithm, limits, key, request.at, &decision),
        redis_note: redis_note(algo.algorithm),
    })
}

fn why(a: Algorithm, l: Limits, d: &Decision, client: &str, key: &str) -> String {
    let level = |m: u64| {
        if m.is_multiple_of(1000) {
            (m / 1000).to_string()
        } else {
            format!("{:.2}", m as f64 / 1000.0)
        }
    };
    let (b, after) = (level(d.level_before_milli), level(d.level_after_milli));
    let outcome = if d.allowed { "allowed" } else { "refused with 429 Too Many Requests" };
    let retry = d.retry_after.map(|t| format!(" A request would fit again in {}.", ms(t))).unwrap_or_default();
    let body = match a {
        Algorithm::TokenBucket if d.allowed => format!("The bucket held {b} tokens (of {}), refilled at {} per {}; the request took one, leaving {after}.", l.burst, l.limit, ms(l.window)),
        Algorithm::TokenBucket => format!("The bucket held {b} tokens: less than the one token a request needs.{retry}"),
        Algorithm::LeakyQueue if d.allowed && d.delay > 0 => format!("{b} requests were ahead in the queue (room for {}); this one joins and is served after {} as the queue drains one every {}.", l.burst, ms(d.delay), ms(l.interval())),
        Algorithm::LeakyQueue if d.allowed => "The queue was empty, so the request is served at once.".to_string(),
        Algorithm::LeakyQueue => format!("The queue was full ({b} of {}): a leaky bucket never lets traffic out faster than its drain rate, so excess arrivals overflow.{retry}", l.burst),
        Algorithm::LeakyMeter if d.allowed => format!("The bucket's level was {b} of {}; the request adds one (now {after}). The level drains at {} per {}.", l.burst, l.limit, ms(l.window)),
        Algorithm::LeakyMeter => format!("The level was {b} of {}: one more would overflow.{retry}", l.burst),
        Algorithm::FixedWindow if d.allowed => format!("{b} requests had been counted in this window; the limit is {}, so this one counts as number {after}. The count resets when the window ends, in {}.", l.limit, ms(d.reset_after)),
        Algorithm::FixedWindow => format!("This window's count already reached the limit of {}. The count resets only at the window's end, in {}: then a full {} more are allowed at once, which is how two windows' worth can pass within moments across a boundary.", l.limit, ms(d.reset_after), l.limit),
        Algorithm::SlidingLog if d.allowed => format!("{b} admitted requests fall in the last {}; fewer than {}, so this one is logged and allowed.", ms(l.window), l.limit),
        Algorithm::SlidingLog => format!("Already {b} admitted requests in the last {}: the log must lose its oldest entry first.{retry}", ms(l.window)),
        Algorithm::SlidingCounter if d.allowed => format!("The estimate (previous window's count × its remaining overlap + this window's count) was {b}; with this request {after}, within {}.", l.limit),
        Algorithm::SlidingCounter => format!("The weighted estimate was {b}: one more would exceed {}. The estimate assumes the previous window's requests were spread evenly, which is what makes it cheap: two counters instead of a log.{retry}", l.limit),
        Algorithm::Gcra if d.allowed => format!("The theoretical arrival time (TAT) was {b} emission intervals ahead of now, within the tolerance of {} (burst {}); the request moves it one interval ({}) further.", l.burst - 1, l.burst, ms(l.interval())),
        Algorithm::Gcra => format!("The TAT is {b} intervals ahead: one more would pass the tolerance. GCRA stores a single timestamp per key and needs no refill loop.{retry}"),
    };
    format!("{client}'s request (key {key}) was {outcome}. {body}")
}

/// The response headers for this decision: the common X-RateLimit-* trio, the IETF draft's
/// RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers), and
/// Retry-After on a 429 (RFC 9110 section 10.2.3; RFC 6585 section 4 defines 429).
pub fn headers(a: Algorithm, l: Limits, d: &Decision) -> Vec<(String, String)> {
    let quota = match a {
        Algorithm::TokenBucket | Algorithm::LeakyMeter | Algorithm::Gcra | Algorithm::LeakyQueue => l.burst,
        _ => l.limit,
    };
    let window_s = secs_ceil(l.window).max(1);
    let reset = secs_ceil(d.reset_after);
    let mut h = vec![
        ("Status".to_string(), if d.allowed { "200 OK".to_string() } else { "429 Too Many Requests".to_string() }),
        ("X-RateLimit-Limit".to_string(), quota.to_string()),
        ("X-RateLimit-Remaining".to_string(), d.remaining.to_string()),
        ("X-RateLimit-Reset".to_string(), reset.to_string()),
        ("RateLimit-Policy".to_string(), format!("\"{}\";q={quota};w={window_s}", a.id())),
        ("RateLimit".to_string(), format!("\"{}\";r={};t={reset}", a.id(), d.remaining)),
    ];
    if let (false, Some(t)) = (d.allowed, d.retry_after) {
        h.push(("Retry-After".to_string(), secs_ceil(t).max(1).to_string()));
    }
    h
}

/// What an implementation on Redis would send for this request.
pub fn redis_commands(a: Algorithm, l: Limits, key: &str, now: Micros, d: &Decision) -> Vec<String> {
    let now_ms = now / 1000;
    let w_ms = l.window / 1000;
    let w_s = secs_ceil(l.window).max(1);
    match a {
        Algorithm::FixedWindow => {
            let window = now / l.window.max(1);
            let k = format!("rl:{key}:{window}");
            let count = d.level_after_milli / 1000 + if d.allowed { 0 } else { 1 };
            let mut c = vec![format!("INCR {k}   → {count}")];
            if count == 1 {
                c.push(format!("EXPIRE {k} {w_s}   (first request of the window sets its lifetime)"));
            }
            c
        }
        Algorithm::SlidingLog => {
            let k = format!("rl:{key}:log");
            let mut c = vec![
                format!("ZREMRANGEBYSCORE {k} -inf {}   (drop entries older than the window)", now_ms.saturating_sub(w_ms)),
                format!("ZCARD {k}   → {}", d.level_before_milli / 1000),
            ];
            if d.allowed {
                c.push(format!("ZADD {k} {now_ms} {now_ms}-<unique id>"));
                c.push(format!("PEXPIRE {k} {w_ms}"));
            }
            c
        }
        Algorithm::SlidingCounter => {
            let i = now / l.window.max(1);
            vec![
                format!("MGET rl:{key}:{} rl:{key}:{i}   (previous and current window)", i.saturating_sub(1)),
                if d.allowed { format!("INCR rl:{key}:{i}\nPEXPIRE rl:{key}:{i} {}", 2 * w_ms) } else { "(refused: nothing written)".to_string() },
            ]
        }
        Algorithm::TokenBucket => vec![format!(
            "EVAL <token bucket script> 1 rl:{key}:bucket {} {} {now_ms}   → {}",
            l.burst,
            l.limit as f64 / w_ms.max(1) as f64,
            if d.allowed { 1 } else { 0 }
        )],
        Algorithm::LeakyMeter => vec![format!(
            "EVAL <leaky meter script> 1 rl:{key}:meter {} {} {now_ms}   → {}",
            l.burst,
            l.limit as f64 / w_ms.max(1) as f64,
            if d.allowed { 1 } else { 0 }
        )],
        Algorithm::LeakyQueue => vec![
            format!("LLEN rl:{key}:queue   → {}", d.level_before_milli / 1000),
            if d.allowed { format!("RPUSH rl:{key}:queue <request>   (a worker pops one every {} ms)", l.interval() / 1000) } else { "(queue full: refused)".to_string() },
        ],
        Algorithm::Gcra => vec![format!(
            "CL.THROTTLE rl:{key} {} {} {} 1   → [{}, {}, {}, {}, {}]",
            l.burst.saturating_sub(1),
            l.limit,
            w_s,
            if d.allowed { 0 } else { 1 },
            l.burst,
            d.remaining,
            d.retry_after.map(|t| secs_ceil(t) as i64).unwrap_or(-1),
            secs_ceil(d.reset_after)
        )],
    }
}

/// The script each algorithm needs for atomicity, or what to know about its commands.
pub fn redis_note(a: Algorithm) -> String {
    match a {
        Algorithm::FixedWindow => "INCR and EXPIRE can run as a Lua script so they are atomic; the script \"Token bucket with Redis\" in the source notes is in fact this fixed window counter:\n\nlocal current = redis.call('INCR', KEYS[1])\nif current == 1 then\n  redis.call('EXPIRE', KEYS[1], ARGV[2])\nend\nif current > tonumber(ARGV[1]) then return 0 else return 1 end".into(),
        Algorithm::TokenBucket => "A real token bucket keeps the token count and the last refill time, and refills on read:\n\nlocal b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')\nlocal cap, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])\nlocal tokens = tonumber(b[1]) or cap\nlocal ts = tonumber(b[2]) or now\ntokens = math.min(cap, tokens + (now - ts) * rate)\nlocal allowed = tokens >= 1\nif allowed then tokens = tokens - 1 end\nredis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)\nredis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate))\nreturn allowed and 1 or 0".into(),
        Algorithm::LeakyMeter => "The meter is the token bucket upside down: store the level and the time, drain on read, refuse if level + 1 > capacity.".into(),
        Algorithm::LeakyQueue => "The queue is a list; a separate worker pops requests at the drain rate, so admitted requests wait rather than fail.".into(),
        Algorithm::SlidingLog => "Exact, but the sorted set holds one member per admitted request: memory grows with the limit.".into(),
        Algorithm::SlidingCounter => "Two counters per key, whatever the limit; the estimate is approximate when traffic within a window is uneven.".into(),
        Algorithm::Gcra => "redis-cell's CL.THROTTLE key max_burst count period quantity returns [limited, limit, remaining, retry_after, reset_after] (seconds; −1 when not limited). One timestamp per key.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::scenario::{Client, Pattern};

    fn boundary() -> RateScenario {
        // The seeds' example: 100 per minute, 100 requests at 00:59 and 100 at 01:00.
        RateScenario {
            limit: 100,
            window_ms: 60_000,
            burst: 100,
            duration_ms: 120_000,
            clients: vec![Client {
                patterns: vec![Pattern::Burst { at_ms: 59_500, count: 100, spread_ms: 400 }, Pattern::Burst { at_ms: 60_000, count: 100, spread_ms: 400 }],
                ..Client::default()
            }],
            ..RateScenario::default()
        }
    }

    #[test]
    fn the_window_boundary_burst_passes_a_fixed_window_only() {
        let s = boundary();
        let r = run(&s);
        let by = |a: Algorithm| &r.runs.iter().find(|x| x.algorithm == a).unwrap().stats;
        assert_eq!(by(Algorithm::FixedWindow).allowed, 200);
        assert_eq!(by(Algorithm::FixedWindow).max_in_any_second, 200, "200 in one second");
        assert_eq!(by(Algorithm::SlidingLog).allowed, 100);
        assert!(by(Algorithm::SlidingLog).max_in_any_second <= 100);
    }

    #[test]
    fn headers_and_commands_follow_the_decision() {
        let s = boundary();
        let r = run(&s);
        let fixed = r.runs.iter().position(|x| x.algorithm == Algorithm::FixedWindow).unwrap();
        let d = detail(&s, &r, fixed, 0).unwrap();
        assert!(d.decision.allowed);
        assert_eq!(d.redis, ["INCR rl:global:0   → 1", "EXPIRE rl:global:0 60   (first request of the window sets its lifetime)"]);
        assert!(d.headers.contains(&("X-RateLimit-Remaining".into(), "99".into())));
        let log = r.runs.iter().position(|x| x.algorithm == Algorithm::SlidingLog).unwrap();
        let refused = detail(&s, &r, log, 150).unwrap();
        assert!(!refused.decision.allowed);
        assert_eq!(refused.headers[0].1, "429 Too Many Requests");
        assert!(refused.headers.iter().any(|(k, _)| k == "Retry-After"));
        assert!(refused.why.contains("refused with 429"));
    }

    #[test]
    fn csv_quotes_keys_and_neutralises_formulas() {
        assert_eq!(csv_field("user:alice"), "user:alice");
        assert_eq!(csv_field("user:a,b"), "\"user:a,b\"");
        assert_eq!(csv_field("user:\"q\""), "\"user:\"\"q\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        let mut s = boundary();
        s.scope = Scope::PerUser;
        s.clients[0].user = "=evil,\"x\"".into();
        let csv = run(&s).to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 200 * 7);
        assert_eq!(lines[1], "1,59500000,0,\"user:=evil,\"\"x\"\"\",token_bucket,true,0,99,600000,", "reset: one token refills in 60 s / 100");
    }

    #[test]
    fn per_ip_scope_makes_clients_behind_one_address_share() {
        let mut s = RateScenario {
            scope: Scope::PerIp,
            clients: vec![
                Client { name: "a".into(), user: "a".into(), ip: "203.0.113.9".into(), patterns: vec![Pattern::Burst { at_ms: 0, count: 10, spread_ms: 0 }] },
                Client { name: "b".into(), user: "b".into(), ip: "203.0.113.9".into(), patterns: vec![Pattern::Burst { at_ms: 0, count: 10, spread_ms: 0 }] },
            ],
            ..RateScenario::default()
        };
        let shared = run(&s);
        assert_eq!(shared.keys, ["ip:203.0.113.9"]);
        assert_eq!(shared.runs[0].stats.allowed, 10);
        s.scope = Scope::PerUser;
        let apart = run(&s);
        assert_eq!(apart.keys.len(), 2);
        assert_eq!(apart.runs[0].stats.allowed, 20);
        assert_eq!(apart.runs[0].stats.fairness_milli, 1000);
    }
}

#[cfg(test)]
mod preset_tests {
    #[test]
    fn run_on_prepared_traffic_equals_run() {
        for (_, _, s) in presets() {
            let (reqs, keys) = requests(&s);
            assert_eq!(run_on(&s, reqs, keys), run(&s));
        }
    }

    use super::*;
    use crate::ratelimit::scenario::presets;
    use crate::scenario::Scenario;

    #[test]
    fn presets_are_valid_and_the_heavy_one_has_about_ten_thousand_requests() {
        for (id, _, s) in presets() {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
            let r = run(&s);
            assert_eq!(r.runs.len(), 7, "{id}");
            let json = serde_json::from_str::<serde_json::Value>(&r.to_json()).unwrap();
            assert_eq!((json["schema"].as_u64(), json["lab"].as_str()), (Some(1), Some("ratelimit")));
        }
        let heavy = presets().into_iter().find(|p| p.0 == "heavy").unwrap().2;
        let n = run(&heavy).requests.len();
        assert!((9_000..11_000).contains(&n), "{n}");
    }
}
