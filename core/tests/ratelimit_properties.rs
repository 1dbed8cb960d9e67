//! Each rate limiter's defining property, checked over random traffic and random limits.

use proptest::prelude::*;
use wirelab_core::ratelimit::algorithms::{new_limiter, Algorithm, Limits};

fn traffic() -> impl Strategy<Value = Vec<u64>> {
    // Up to 300 arrivals within 20 s, with bursts (repeated times) likely.
    proptest::collection::vec(0u64..20_000_000, 0..300).prop_map(|mut t| {
        t.sort_unstable();
        t
    })
}

fn limits() -> impl Strategy<Value = Limits> {
    (1u64..=20, prop_oneof![Just(100_000u64), Just(1_000_000), Just(3_000_000), 1u64..5_000_000], 1u64..=20)
        .prop_map(|(limit, window, burst)| Limits { limit, window, burst })
}

/// (arrival time, delay) of each admitted request.
fn admitted(a: Algorithm, l: Limits, times: &[u64]) -> Vec<(u64, u64)> {
    let mut m = new_limiter(a, l);
    times.iter().filter_map(|&t| {
        let d = m.check(t);
        d.allowed.then_some((t, d.delay))
    }).collect()
}

/// At most burst + rate·t admitted in any span of length t (rate = limit / window).
fn within_rate_and_burst(l: Limits, served: &[u64]) -> Result<(), TestCaseError> {
    for i in 0..served.len() {
        for j in i..served.len() {
            let n = (j - i + 1) as u128;
            let span = (served[j] - served[i]) as u128;
            prop_assert!(
                n * l.window as u128 <= l.burst as u128 * l.window as u128 + l.limit as u128 * span,
                "{n} admitted within {span} µs, with {l:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn token_bucket_admits_at_most_capacity_plus_rate_times_t(l in limits(), t in traffic()) {
        let served: Vec<u64> = admitted(Algorithm::TokenBucket, l, &t).into_iter().map(|x| x.0).collect();
        within_rate_and_burst(l, &served)?;
    }

    #[test]
    fn leaky_meter_admits_at_most_capacity_plus_rate_times_t(l in limits(), t in traffic()) {
        let served: Vec<u64> = admitted(Algorithm::LeakyMeter, l, &t).into_iter().map(|x| x.0).collect();
        within_rate_and_burst(l, &served)?;
    }

    #[test]
    fn gcra_admits_at_most_burst_plus_rate_times_t(l in limits(), t in traffic()) {
        let served: Vec<u64> = admitted(Algorithm::Gcra, l, &t).into_iter().map(|x| x.0).collect();
        within_rate_and_burst(l, &served)?;
    }

    #[test]
    fn leaky_queue_serves_at_a_constant_rate_and_never_overfills(l in limits(), t in traffic()) {
        let a = admitted(Algorithm::LeakyQueue, l, &t);
        let starts: Vec<u64> = a.iter().map(|(t, d)| t + d).collect();
        prop_assert!(starts.windows(2).all(|w| w[1] >= w[0] + l.interval()), "one served per interval");
        // Never more than `burst` requests in the bucket: waiting, or in service.
        for (i, (arrival, _)) in a.iter().enumerate() {
            let inside = starts[..=i].iter().filter(|s| **s + l.interval() > *arrival).count();
            prop_assert!(inside as u64 <= l.burst, "{inside} in a bucket of {}", l.burst);
        }
    }

    #[test]
    fn fixed_window_never_admits_more_than_the_limit_inside_one_window(l in limits(), t in traffic()) {
        let a = admitted(Algorithm::FixedWindow, l, &t);
        let mut per_window = std::collections::HashMap::new();
        for (t, _) in a {
            *per_window.entry(t / l.window).or_insert(0u64) += 1;
        }
        prop_assert!(per_window.values().all(|n| *n <= l.limit));
    }

    #[test]
    fn sliding_log_never_admits_more_than_the_limit_in_any_window(l in limits(), t in traffic()) {
        let served: Vec<u64> = admitted(Algorithm::SlidingLog, l, &t).into_iter().map(|x| x.0).collect();
        let k = l.limit as usize;
        prop_assert!(served.windows(k + 1).all(|w| w[k] - w[0] >= l.window), "limit+1 admitted inside one window");
    }

    #[test]
    fn sliding_counter_never_exceeds_the_limit_in_a_fixed_window_nor_twice_it_in_any(l in limits(), t in traffic()) {
        let served: Vec<u64> = admitted(Algorithm::SlidingCounter, l, &t).into_iter().map(|x| x.0).collect();
        let mut per_window = std::collections::HashMap::new();
        for t in &served {
            *per_window.entry(t / l.window).or_insert(0u64) += 1;
        }
        prop_assert!(per_window.values().all(|n| *n <= l.limit));
        let k = 2 * l.limit as usize;
        prop_assert!(served.windows(k + 1).all(|w| w[k] - w[0] >= l.window));
    }

    #[test]
    fn refused_requests_always_say_when_to_retry_if_they_ever_can(a in prop::sample::select(Algorithm::ALL.to_vec()), l in limits(), t in traffic()) {
        let mut m = new_limiter(a, l);
        for time in t {
            let d = m.check(time);
            if !d.allowed {
                prop_assert!(d.retry_after.is_some(), "{a:?} refused with no retry time");
                prop_assert!(d.retry_after.unwrap() > 0 || a == Algorithm::LeakyQueue);
            }
        }
    }
}
