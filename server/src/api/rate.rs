//! Per-token rate limits: a token bucket each, kept in this instance's memory (a limit per
//! instance is what protects the instance; tokens are few, so the map stays small).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How fast one token may call: `burst` calls at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub burst: f64,
    pub per_second: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { burst: 120.0, per_second: 20.0 }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: Limits,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        RateLimiter { limits, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one call from the token's bucket: Ok, or the seconds until the next call fits.
    pub fn take(&self, token_id: i64, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        let b = buckets.entry(token_id).or_insert(Bucket { tokens: self.limits.burst, at: now });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.limits.per_second).min(self.limits.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / self.limits.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_calls_wait_for_the_refill() {
        let r = RateLimiter::new(Limits { burst: 3.0, per_second: 1.0 });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(r.take(7, t0).is_ok());
        }
        assert_eq!(r.take(7, t0), Err(1));
        // Another token has its own bucket.
        assert!(r.take(8, t0).is_ok());
        assert!(r.take(7, t0 + Duration::from_millis(1100)).is_ok());
        assert!(r.take(7, t0 + Duration::from_millis(1100)).is_err());
        // A long pause refills to the burst, not beyond.
        let later = t0 + Duration::from_secs(100);
        for _ in 0..3 {
            assert!(r.take(7, later).is_ok());
        }
        assert!(r.take(7, later).is_err());
    }
}
