//! Application caching: an app, a Redis-like cache and a database, with reads and writes on
//! the rate limiter lab's traffic patterns. Each strategy (cache-aside, read-through,
//! write-through, write-behind, refresh-ahead), each eviction policy (TTL alone, LRU, LFU at a
//! capacity) and each stampede defence (request coalescing, probabilistic early expiration) is
//! simulated operation by operation on one clock, so the races the seeds warn about happen by
//! themselves: a hot key expiring under load, a reader putting back a value a writer just
//! replaced, a crash losing buffered writes.
//!
//! Every request records the commands it sent (GET, SET … EX, DEL), what it found and why, and
//! the latency it paid; the report adds the hit ratio, database load and latency over time.

use crate::ratelimit::algorithms::Micros;
use crate::ratelimit::report::csv_field;
use crate::ratelimit::scenario::Pattern;
use crate::rng::SplitMix64;
use crate::scenario::FieldError;
use serde::{Deserialize, Serialize};

/// How the app uses the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// The app reads the cache, on a miss reads the database and SETs the value; a write goes
    /// to the database, then DELs the key.
    CacheAside,
    /// The app asks only the cache; the cache loads misses from the database itself.
    ReadThrough,
    /// A write goes to the cache and the database before it returns.
    WriteThrough,
    /// A write goes to the cache only; the cache writes to the database later, in batches.
    WriteBehind,
    /// Like cache-aside, and a hit on a key near its expiry reloads it in the background.
    RefreshAhead,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [Strategy::CacheAside, Strategy::ReadThrough, Strategy::WriteThrough, Strategy::WriteBehind, Strategy::RefreshAhead];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::CacheAside => "cache-aside",
            Strategy::ReadThrough => "read-through",
            Strategy::WriteThrough => "write-through",
            Strategy::WriteBehind => "write-behind",
            Strategy::RefreshAhead => "refresh-ahead",
        }
    }
}

/// What leaves the cache when it is full (TTL expiry applies in every case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Eviction {
    /// No capacity limit: keys leave only when their TTL runs out.
    Ttl,
    /// The least recently used key.
    Lru,
    /// The least frequently used key (ties: the least recently used).
    Lfu,
}

/// What stops a stampede when a hot key expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stampede {
    /// Every miss queries the database.
    None,
    /// One load per key at a time; other misses wait for it.
    Coalesce,
    /// A reader may reload a key shortly before it expires, with a probability that grows as
    /// expiry nears (Vattani, Chierichetti and Lowenstein's XFetch).
    EarlyExpiration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppScenario {
    pub strategy: Strategy,
    pub eviction: Eviction,
    /// Keys the cache holds at most (LRU and LFU).
    pub capacity: u32,
    pub ttl_ms: u64,
    /// Distinct keys the traffic uses; `hot_percent` of the reads go to the first one.
    pub keys: u32,
    pub hot_percent: u32,
    pub reads: Vec<Pattern>,
    pub writes: Vec<Pattern>,
    pub cache_ms: u64,
    pub db_ms: u64,
    pub stampede: Stampede,
    /// XFetch's beta: above 1 reloads earlier.
    pub beta_percent: u32,
    /// Refresh-ahead reloads a key read in the last this-many percent of its TTL.
    pub refresh_percent: u32,
    /// Write-behind flushes its buffer this often.
    pub flush_ms: u64,
    /// A reader's pause between its database read and its SET (a GC pause, a slow network):
    /// long enough, and a writer's DEL lands before the reader's SET.
    pub reader_pause_ms: u64,
    /// The cache crashes (and restarts empty) at this time, if set.
    pub crash_ms: Option<u64>,
    /// The span the charts cover.
    pub duration_ms: u64,
    pub seed: u64,
}

impl Default for AppScenario {
    fn default() -> Self {
        AppScenario {
            strategy: Strategy::CacheAside,
            eviction: Eviction::Lru,
            capacity: 50,
            ttl_ms: 2000,
            keys: 100,
            hot_percent: 30,
            reads: vec![Pattern::Random { start_ms: 0, duration_ms: 6000, mean_gap_ms: 5, seed: 1 }],
            writes: vec![Pattern::Steady { start_ms: 500, every_ms: 700, count: 8 }],
            cache_ms: 1,
            db_ms: 40,
            stampede: Stampede::None,
            beta_percent: 100,
            refresh_percent: 20,
            flush_ms: 1000,
            reader_pause_ms: 0,
            crash_ms: None,
            duration_ms: 6000,
            seed: 7,
        }
    }
}

pub mod limits {
    /// Requests in one scenario, as in the rate limiter lab: at this many a run takes about
    /// 25 ms natively. (The benchmark's 100,000 requests go through the model directly.)
    pub const REQUESTS: u64 = 20_000;
    pub const KEYS: (u32, u32) = (1, 100_000);
    /// Eviction looks at every stored key when the cache is full: this bounds its cost.
    pub const CAPACITY: (u32, u32) = (1, 1000);
    pub const TTL_MS: (u64, u64) = (1, 86_400_000);
    pub const LATENCY_MS: (u64, u64) = (0, 10_000);
    pub const DURATION_MS: (u64, u64) = (100, 86_400_000);
    pub const FLUSH_MS: (u64, u64) = (10, 86_400_000);
    pub const RANDOM_MS: u64 = 1_000_000;
    pub const BUCKETS: usize = 60;
    pub const PATTERNS: usize = 24;
}

impl AppScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let range = |e: &mut Vec<FieldError>, field: &str, v: u64, (lo, hi): (u64, u64)| {
            if !(lo..=hi).contains(&v) {
                e.push(FieldError::new(field, format!("between {lo} and {hi}")));
            }
        };
        range(&mut e, "keys", self.keys as u64, (limits::KEYS.0 as u64, limits::KEYS.1 as u64));
        range(&mut e, "capacity", self.capacity as u64, (limits::CAPACITY.0 as u64, limits::CAPACITY.1 as u64));
        range(&mut e, "ttl_ms", self.ttl_ms, limits::TTL_MS);
        range(&mut e, "cache_ms", self.cache_ms, limits::LATENCY_MS);
        range(&mut e, "db_ms", self.db_ms, limits::LATENCY_MS);
        range(&mut e, "duration_ms", self.duration_ms, limits::DURATION_MS);
        range(&mut e, "flush_ms", self.flush_ms, limits::FLUSH_MS);
        range(&mut e, "reader_pause_ms", self.reader_pause_ms, limits::LATENCY_MS);
        range(&mut e, "hot_percent", self.hot_percent as u64, (0, 100));
        range(&mut e, "refresh_percent", self.refresh_percent as u64, (0, 100));
        range(&mut e, "beta_percent", self.beta_percent as u64, (0, 1000));
        if self.reads.len() + self.writes.len() > limits::PATTERNS {
            e.push(FieldError::new("reads", format!("at most {} traffic lines in all", limits::PATTERNS)));
            return e;
        }
        let random: u64 = self.reads.iter().chain(&self.writes).map(Pattern::random_ms).fold(0, u64::saturating_add);
        if random > limits::RANDOM_MS {
            e.push(FieldError::new("reads", format!("at most {} ms of random traffic", limits::RANDOM_MS)));
        } else {
            let count: u64 = self.reads.iter().chain(&self.writes).map(Pattern::count).fold(0, u64::saturating_add);
            if count > limits::REQUESTS {
                e.push(FieldError::new("reads", format!("{count} requests; at most {}", limits::REQUESTS)));
            }
        }
        if self.reads.iter().chain(&self.writes).any(|p| p.last_ms().is_none_or(|t| t > 86_400_000)) {
            e.push(FieldError::new("reads", "every request within 24 hours"));
        }
        e
    }
}

/// What a request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Hit,
    Miss,
    /// A miss that waited for another request's load of the same key.
    Coalesced,
    Write,
}

impl Outcome {
    /// The outcome as the table and the CSV name it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Hit => "hit",
            Outcome::Miss => "miss",
            Outcome::Coalesced => "coalesced",
            Outcome::Write => "write",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppRequest {
    pub at: Micros,
    pub key: u32,
    pub outcome: Outcome,
    pub latency: Micros,
    pub commands: Vec<String>,
    pub why: String,
    /// The value (its version) the read returned, and the database's version then.
    pub version: u64,
    pub current: u64,
}

impl AppRequest {
    /// A read that returned an older value than the database held.
    pub fn stale(&self) -> bool {
        self.outcome != Outcome::Write && self.version < self.current
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub start: Micros,
    pub reads: u32,
    pub hits: u32,
    pub db_queries: u32,
    pub latency_sum: Micros,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppReport {
    pub requests: Vec<AppRequest>,
    pub buckets: Vec<Bucket>,
    pub bucket_us: Micros,
    pub db_reads: u64,
    pub db_writes: u64,
    pub hits: u64,
    pub reads: u64,
    /// Reads that returned an older version than the database held.
    pub stale_reads: u64,
    /// Writes lost in the crash (write-behind's buffer).
    pub lost_writes: u64,
    pub evictions: u64,
    pub summary: Vec<String>,
}

impl AppReport {
    /// Every request as CSV (RFC 4180), one row each: time, key, kind, outcome, whether the value
    /// was older than the database's, latency, the commands (separated by `; `) and why.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("request,time_us,key,outcome,stale,latency_us,commands,why\n");
        for (i, q) in self.requests.iter().enumerate() {
            out.push_str(&format!("{},{},k{},{},{},{},{},{}\n", i + 1, q.at, q.key, q.outcome.name(), q.stale(), q.latency, csv_field(&q.commands.join("; ")), csv_field(&q.why)));
        }
        out
    }
}

struct Slot {
    version: u64,
    expires: Micros,
    last_used: Micros,
    uses: u64,
    /// When its value was loaded and how long the load took (XFetch's delta).
    load_us: Micros,
}

/// The cache's keys, with indexes so eviction picks its victim without scanning: by the
/// policy's order (LRU: last use; LFU: uses, then last use) and by expiry.
struct Store {
    lfu: bool,
    slots: std::collections::BTreeMap<u32, Slot>,
    order: std::collections::BTreeSet<(u64, u64, u32)>,
    expiry: std::collections::BTreeSet<(Micros, u32)>,
}

impl Store {
    fn rank(&self, key: u32, slot: &Slot) -> (u64, u64, u32) {
        (if self.lfu { slot.uses } else { 0 }, slot.last_used, key)
    }

    fn remove(&mut self, key: u32) -> Option<Slot> {
        let slot = self.slots.remove(&key)?;
        let rank = self.rank(key, &slot);
        self.order.remove(&rank);
        self.expiry.remove(&(slot.expires, key));
        Some(slot)
    }

    fn insert(&mut self, key: u32, slot: Slot) {
        self.remove(key);
        self.order.insert(self.rank(key, &slot));
        self.expiry.insert((slot.expires, key));
        self.slots.insert(key, slot);
    }

    /// A hit: one more use, now.
    fn touch(&mut self, key: u32, at: Micros) {
        if let Some(mut slot) = self.remove(key) {
            slot.last_used = at;
            slot.uses += 1;
            self.insert(key, slot);
        }
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.order.clear();
        self.expiry.clear();
    }
}

enum Op {
    Read(u32),
    Write(u32),
}

/// A load in flight: the key, the version it read, when it finishes.
struct Load {
    key: u32,
    version: u64,
    done: Micros,
}

pub fn run(s: &AppScenario) -> AppReport {
    let mut rng = SplitMix64::new(s.seed);
    let mut ops: Vec<(Micros, Op)> = Vec::new();
    let pick = |rng: &mut SplitMix64| if (rng.next_u64() % 100) < s.hot_percent as u64 { 0 } else { (rng.next_u64() % s.keys.max(1) as u64) as u32 };
    for t in s.reads.iter().flat_map(Pattern::times) {
        ops.push((t, Op::Read(pick(&mut rng))));
    }
    for t in s.writes.iter().flat_map(Pattern::times) {
        ops.push((t, Op::Write(pick(&mut rng))));
    }
    crate::order::sort_by_key(&mut ops, |o| o.0);

    let cache_us = s.cache_ms * 1000;
    let db_us = s.db_ms * 1000;
    let ttl_us = s.ttl_ms * 1000;
    let bucket_us = (s.duration_ms * 1000 / limits::BUCKETS as u64).max(1);
    let mut r = AppReport { requests: Vec::new(), buckets: (0..limits::BUCKETS).map(|i| Bucket { start: i as u64 * bucket_us, ..Bucket::default() }).collect(), bucket_us, db_reads: 0, db_writes: 0, hits: 0, reads: 0, stale_reads: 0, lost_writes: 0, evictions: 0, summary: Vec::new() };
    let bucket = |t: Micros| ((t / bucket_us) as usize).min(limits::BUCKETS - 1);

    let mut cache = Store { lfu: s.eviction == Eviction::Lfu, slots: Default::default(), order: Default::default(), expiry: Default::default() };
    // The database: each key's version, and when each version was committed.
    let mut db: std::collections::BTreeMap<u32, Vec<(Micros, u64)>> = std::collections::BTreeMap::new();
    let db_at = |db: &std::collections::BTreeMap<u32, Vec<(Micros, u64)>>, key: u32, t: Micros| db.get(&key).and_then(|v| v.iter().rev().find(|(at, _)| *at <= t).map(|x| x.1)).unwrap_or(1);
    let mut loads: Vec<Load> = Vec::new();
    // Cache commands that land later: a reader's SET after its database read (Some: the
    // version and the load's duration), a writer's DEL after its database write (None).
    // A min-heap by time (then by order of scheduling, so equal times keep their order).
    let mut pending: std::collections::BinaryHeap<std::cmp::Reverse<(Micros, u64, u32, Option<(u64, Micros)>)>> = Default::default();
    let mut scheduled = 0u64;
    let mut schedule = |pending: &mut std::collections::BinaryHeap<_>, at: Micros, key: u32, command: Option<(u64, Micros)>| {
        scheduled += 1;
        pending.push(std::cmp::Reverse((at, scheduled, key, command)));
    };
    let pause_us = s.reader_pause_ms * 1000;
    let mut buffer: Vec<(u32, u64)> = Vec::new();
    let mut next_flush = s.flush_ms * 1000;
    let mut crashed = false;
    let mut write_version: std::collections::BTreeMap<u32, u64> = std::collections::BTreeMap::new();

    for (at, op) in ops {
        // Everything due before this request happens first: SETs landing, flushes, the crash.
        while pending.peek().is_some_and(|p| p.0 .0 <= at) {
            let Some(std::cmp::Reverse((t, _, key, command))) = pending.pop() else { break };
            match command {
                Some((version, load_us)) => set(&mut cache, s, key, version, t, ttl_us, load_us, &mut r.evictions),
                None => {
                    cache.remove(key);
                }
            }
        }
        if s.strategy == Strategy::WriteBehind {
            while next_flush <= at {
                for (key, version) in buffer.drain(..) {
                    db.entry(key).or_default().push((next_flush + db_us / 2, version));
                    r.db_writes += 1;
                    r.buckets[bucket(next_flush)].db_queries += 1;
                }
                next_flush += s.flush_ms * 1000;
            }
        }
        if let Some(crash) = s.crash_ms.map(|c| c * 1000) {
            if !crashed && crash <= at {
                crashed = true;
                r.lost_writes = buffer.len() as u64;
                buffer.clear();
                cache.clear();
                loads.clear();
                pending.clear();
            }
        }
        loads.retain(|l| l.done > at);
        match op {
            Op::Write(key) => {
                let version = write_version.get(&key).copied().unwrap_or(1).max(db_at(&db, key, u64::MAX)) + 1;
                write_version.insert(key, version);
                let (commands, latency, why) = match s.strategy {
                    Strategy::WriteThrough => {
                        db.entry(key).or_default().push((at + cache_us + db_us / 2, version));
                        r.db_writes += 1;
                        r.buckets[bucket(at)].db_queries += 1;
                        set(&mut cache, s, key, version, at + cache_us, ttl_us, db_us, &mut r.evictions);
                        (vec![format!("SET k{key} v{version} EX {}", s.ttl_ms.div_ceil(1000)), format!("UPDATE … SET v = {version} WHERE k = {key}")], cache_us + db_us, "write-through: the cache and the database, before returning".to_string())
                    }
                    Strategy::WriteBehind => {
                        buffer.retain(|(k, _)| *k != key);
                        buffer.push((key, version));
                        set(&mut cache, s, key, version, at + cache_us, ttl_us, db_us, &mut r.evictions);
                        (vec![format!("SET k{key} v{version} EX {}", s.ttl_ms.div_ceil(1000))], cache_us, format!("write-behind: the cache only; the database gets it at the next flush ({} buffered)", buffer.len()))
                    }
                    _ => {
                        // Cache-aside, read-through and refresh-ahead: the database, then DEL.
                        db.entry(key).or_default().push((at + db_us / 2, version));
                        r.db_writes += 1;
                        r.buckets[bucket(at)].db_queries += 1;
                        schedule(&mut pending, at + db_us + cache_us, key, None);
                        (vec![format!("UPDATE … SET v = {version} WHERE k = {key}"), format!("DEL k{key}")], db_us + cache_us, "the database first, then the key deleted so the next read loads the new value".to_string())
                    }
                };
                r.requests.push(AppRequest { at, key, outcome: Outcome::Write, latency, commands, why, version, current: version });
            }
            Op::Read(key) => {
                r.reads += 1;
                let b = bucket(at);
                r.buckets[b].reads += 1;
                let current = db_at(&db, key, at);
                let mut commands = vec![format!("GET k{key}")];
                let slot = cache.slots.get(&key).filter(|slot| slot.expires > at);
                // XFetch: reload early with a probability that grows as expiry nears.
                let early = match (slot, s.stampede) {
                    (Some(slot), Stampede::EarlyExpiration) => {
                        let u = ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
                        let gap = slot.load_us as f64 * s.beta_percent as f64 / 100.0 * -u.ln();
                        at as f64 + gap >= slot.expires as f64
                    }
                    _ => false,
                };
                let hit = slot.map(|s| s.version).filter(|_| !early);
                let (outcome, latency, version, why) = if let Some(version) = hit {
                    r.hits += 1;
                    r.buckets[b].hits += 1;
                    cache.touch(key, at);
                    if let Some(slot) = cache.slots.get(&key) {
                        // Refresh-ahead: a hit late in the TTL reloads in the background.
                        if s.strategy == Strategy::RefreshAhead && slot.expires.saturating_sub(at) * 100 <= ttl_us * s.refresh_percent as u64 && !loads.iter().any(|l| l.key == key) {
                            let v = db_at(&db, key, at + db_us / 2);
                            loads.push(Load { key, version: v, done: at + db_us });
                            schedule(&mut pending, at + db_us, key, Some((v, db_us)));
                            r.db_reads += 1;
                            r.buckets[b].db_queries += 1;
                            commands.push(format!("(background) SELECT v WHERE k = {key}; SET k{key} EX {}", s.ttl_ms.div_ceil(1000)));
                        }
                    }
                    (Outcome::Hit, cache_us, version, "hit".to_string())
                } else if let Some(load) = loads.iter().find(|l| l.key == key).filter(|_| s.stampede == Stampede::Coalesce || s.strategy == Strategy::ReadThrough && s.stampede != Stampede::None) {
                    commands.push(format!("(waits for the load of k{key} already running)"));
                    (Outcome::Coalesced, load.done.saturating_sub(at) + cache_us, load.version, "miss, coalesced: another request is already loading this key".to_string())
                } else {
                    let read_at = at + cache_us + db_us / 2;
                    let version = db_at(&db, key, read_at);
                    r.db_reads += 1;
                    r.buckets[b].db_queries += 1;
                    let done = at + cache_us + db_us;
                    loads.push(Load { key, version, done });
                    schedule(&mut pending, done + pause_us, key, Some((version, db_us)));
                    let who = if s.strategy == Strategy::ReadThrough { "the cache loads it" } else { "the app loads it" };
                    commands.push(format!("SELECT v FROM … WHERE k = {key}"));
                    commands.push(format!("SET k{key} v{version} EX {}", s.ttl_ms.div_ceil(1000)));
                    let why = if early { format!("an early reload (XFetch): {who} before it expires") } else if cache.slots.contains_key(&key) { format!("miss: the key expired; {who} from the database") } else { format!("miss: {who} from the database") };
                    (Outcome::Miss, cache_us + db_us + cache_us, version, why)
                };
                let served_current = db_at(&db, key, at + latency);
                if version < served_current {
                    r.stale_reads += 1;
                }
                r.buckets[b].latency_sum += latency;
                r.requests.push(AppRequest { at, key, outcome, latency, commands, why, version, current: current.max(served_current) });
            }
        }
    }
    r.summary.push(format!("{} reads, {:.1}% from the cache; the database served {} reads and {} writes.", r.reads, if r.reads == 0 { 0.0 } else { r.hits as f64 * 100.0 / r.reads as f64 }, r.db_reads, r.db_writes));
    if r.stale_reads > 0 {
        r.summary.push(format!("{} read{} returned a value older than the database held.", r.stale_reads, if r.stale_reads == 1 { "" } else { "s" }));
    }
    if r.lost_writes > 0 {
        r.summary.push(format!("The crash lost {} buffered write{}: the database never saw {}.", r.lost_writes, if r.lost_writes == 1 { "" } else { "s" }, if r.lost_writes == 1 { "it" } else { "them" }));
    }
    if r.evictions > 0 {
        r.summary.push(format!("{} key{} evicted ({}).", r.evictions, if r.evictions == 1 { " was" } else { "s were" }, match s.eviction { Eviction::Lru => "least recently used", Eviction::Lfu => "least frequently used", Eviction::Ttl => "TTL" }));
    }
    r
}

/// SET with the TTL, evicting by the policy when the cache is full.
#[allow(clippy::too_many_arguments)]
fn set(cache: &mut Store, s: &AppScenario, key: u32, version: u64, at: Micros, ttl_us: Micros, load_us: Micros, evictions: &mut u64) {
    if !cache.slots.contains_key(&key) && s.eviction != Eviction::Ttl && cache.slots.len() >= s.capacity as usize {
        // An expired key goes first; then the policy's choice.
        let expired = cache.expiry.first().filter(|(expires, _)| *expires <= at).map(|(_, k)| *k);
        let victim = expired.or_else(|| cache.order.first().map(|(_, _, k)| *k));
        if let Some(k) = victim {
            if cache.remove(k).is_some_and(|v| v.expires > at) {
                *evictions += 1;
            }
        }
    }
    let uses = cache.slots.get(&key).map(|v| v.uses).unwrap_or(0);
    cache.insert(key, Slot { version, expires: at + ttl_us, last_used: at, uses: uses + 1, load_us });
}

/// The built-in application scenarios.
pub fn presets() -> Vec<(&'static str, &'static str, AppScenario)> {
    let base = AppScenario::default();
    let hot = AppScenario { keys: 1, hot_percent: 100, ttl_ms: 1000, reads: vec![Pattern::Random { start_ms: 0, duration_ms: 4000, mean_gap_ms: 1, seed: 3 }], writes: Vec::new(), db_ms: 80, duration_ms: 4000, ..base.clone() };
    vec![
        ("cache-aside", "Cache-aside with LRU at 50 keys: hits, misses and the database load", base.clone()),
        ("stampede", "A hot key expires under load: every miss queries the database at once", hot.clone()),
        ("stampede-coalesce", "The same stampede with request coalescing: one load, the rest wait for it", AppScenario { stampede: Stampede::Coalesce, ..hot.clone() }),
        ("stampede-xfetch", "The same with probabilistic early expiration: one reader reloads before the key expires", AppScenario { stampede: Stampede::EarlyExpiration, ..hot.clone() }),
        ("stale-race", "A reader pauses between its database read and its SET; a writer's DEL lands in between, and the old value stays until its TTL", AppScenario { keys: 1, hot_percent: 100, ttl_ms: 1000, db_ms: 20, reader_pause_ms: 300, reads: vec![Pattern::Steady { start_ms: 0, every_ms: 50, count: 120 }], writes: vec![Pattern::Steady { start_ms: 1100, every_ms: 2000, count: 3 }], duration_ms: 6000, ..base.clone() }),
        ("write-through", "Write-through: every write updates the cache and the database", AppScenario { strategy: Strategy::WriteThrough, ..base.clone() }),
        ("write-behind-crash", "Write-behind: fast writes, batched to the database, and a crash that loses the buffer", AppScenario { strategy: Strategy::WriteBehind, writes: vec![Pattern::Steady { start_ms: 100, every_ms: 150, count: 30 }], flush_ms: 2000, crash_ms: Some(3500), ..base.clone() }),
        ("refresh-ahead", "Refresh-ahead on five busy keys: each reloaded before it expires, so reads rarely miss", AppScenario { strategy: Strategy::RefreshAhead, keys: 5, hot_percent: 0, ttl_ms: 1000, ..base.clone() }),
        ("refresh-ahead-off", "The same five keys with plain cache-aside: a miss each time a key expires", AppScenario { keys: 5, hot_percent: 0, ttl_ms: 1000, ..base.clone() }),
        ("lfu", "LFU keeps the hot key that LRU would let go", AppScenario { eviction: Eviction::Lfu, capacity: 10, ..base.clone() }),
        ("ttl-only", "No capacity limit: only the TTL removes keys", AppScenario { eviction: Eviction::Ttl, ..base }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(id: &str) -> AppScenario {
        presets().into_iter().find(|p| p.0 == id).unwrap().2
    }

    #[test]
    fn csv_has_a_row_per_request_and_quotes_its_fields() {
        let r = run(&preset("stale-race"));
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "request,time_us,key,outcome,stale,latency_us,commands,why");
        assert_eq!(lines.len(), r.requests.len() + 1);
        assert!(lines[1].starts_with("1,0,k0,miss,false,"), "{}", lines[1]);
        // Commands and reasons hold commas: quoted, so each row has eight fields.
        assert!(csv.contains(",write,false,"));
        assert!(lines.iter().filter(|l| l.contains(",true,")).count() as u64 == r.stale_reads, "{csv}");
    }

    #[test]
    fn presets_are_valid() {
        for (id, _, s) in presets() {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
        }
    }

    #[test]
    fn coalescing_and_xfetch_tame_the_stampede() {
        let plain = run(&preset("stampede"));
        let coalesced = run(&preset("stampede-coalesce"));
        let xfetch = run(&preset("stampede-xfetch"));
        assert!(plain.db_reads > 100, "a stampede: {}", plain.db_reads);
        assert!(coalesced.db_reads <= 5, "one load per expiry: {}", coalesced.db_reads);
        assert!(xfetch.db_reads < plain.db_reads / 2, "early expiration: {} vs {}", xfetch.db_reads, plain.db_reads);
        assert!(coalesced.requests.iter().any(|r| r.outcome == Outcome::Coalesced));
    }

    #[test]
    fn the_race_leaves_a_stale_value() {
        let r = run(&preset("stale-race"));
        assert!(r.stale_reads > 0, "{:?}", r.summary);
        // Without writes, or without the pause, nothing is stale.
        let quiet = run(&AppScenario { writes: Vec::new(), ..preset("stale-race") });
        assert_eq!(quiet.stale_reads, 0);
        let no_pause = run(&AppScenario { reader_pause_ms: 0, ..preset("stale-race") });
        assert_eq!(no_pause.stale_reads, 0, "{:?}", no_pause.summary);
    }

    #[test]
    fn a_crash_loses_write_behind_buffer_and_nothing_else_loses_writes() {
        let r = run(&preset("write-behind-crash"));
        assert!(r.lost_writes > 0);
        let through = run(&AppScenario { crash_ms: Some(3500), ..preset("write-through") });
        assert_eq!(through.lost_writes, 0);
    }

    #[test]
    fn refresh_ahead_avoids_expiry_misses() {
        let ahead = run(&preset("refresh-ahead"));
        let plain = run(&preset("refresh-ahead-off"));
        assert!(ahead.hits > plain.hits, "{} vs {}", ahead.hits, plain.hits);
    }

    #[test]
    fn lfu_keeps_the_hot_key() {
        let lfu = run(&preset("lfu"));
        let lru = run(&AppScenario { eviction: Eviction::Lru, ..preset("lfu") });
        let hot_hits = |r: &AppReport| r.requests.iter().filter(|q| q.key == 0 && q.outcome == Outcome::Hit).count();
        assert!(hot_hits(&lfu) >= hot_hits(&lru), "{} vs {}", hot_hits(&lfu), hot_hits(&lru));
        assert!(lfu.evictions > 0);
    }

    #[test]
    fn counts_add_up() {
        for (id, _, s) in presets() {
            let r = run(&s);
            let reads = r.requests.iter().filter(|q| q.outcome != Outcome::Write).count() as u64;
            assert_eq!(reads, r.reads, "{id}");
            assert_eq!(r.requests.iter().filter(|q| q.outcome == Outcome::Hit).count() as u64, r.hits, "{id}");
            assert_eq!(r.buckets.iter().map(|b| b.reads as u64).sum::<u64>(), r.reads, "{id}");
            assert!(r.requests.iter().all(|q| q.latency >= s.cache_ms * 1000), "{id}");
        }
    }
}
