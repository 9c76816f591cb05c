//! What to generate (sizes, seed, the end of the period) and what was generated.

use crate::clock::DAY_MS;
use crate::error::{DomainError, DomainResult};

/// Every generated user's password.
pub const BENCH_PASSWORD: &str = "bench1234";

#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    pub customers: usize,
    /// Average contacts per customer.
    pub contacts_per_customer: f64,
    /// Average follow-ups per customer.
    pub follow_ups_per_customer: f64,
    /// Org units in all (exactly this many).
    pub units: usize,
    /// Deepest level of the org tree, the group being level 1 (4 to 8).
    pub max_depth: usize,
    pub users: usize,
    pub seed: u64,
    /// Times are spread over the three years before this instant (UTC epoch ms).
    pub until_ms: i64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            customers: 1_000_000,
            contacts_per_customer: 1.5,
            follow_ups_per_customer: 1.5,
            units: 500,
            max_depth: 6,
            users: 10_000,
            seed: 1,
            until_ms: start_of_today_ms(),
        }
    }
}

/// The start of the current UTC day: the default end of the generated period.
pub fn start_of_today_ms() -> i64 {
    crate::clock::now_ms() / DAY_MS * DAY_MS
}

/// Contracts per customer: 200,000 contracts for the default million customers.
pub const CONTRACTS_PER_CUSTOMER: f64 = 0.2;

impl BenchConfig {
    /// How many contracts to write (about; drawn per held customer), with about 3.5 instalments
    /// each and, when signed (85%), one receivable per instalment: some 600,000 receivables and
    /// 370,000 receipts for the default million customers.
    pub fn contracts(&self) -> usize {
        (self.customers as f64 * CONTRACTS_PER_CUSTOMER).round() as usize
    }

    pub(super) fn validate(&self) -> DomainResult<()> {
        let bad = |field| Err(DomainError::invalid(field, "out_of_range"));
        if !(4..=8).contains(&self.max_depth) {
            return bad("max_depth");
        }
        if !(12..=100_000).contains(&self.units) {
            return bad("units");
        }
        if self.users < self.units + 10 || self.users > 10_000_000 {
            return bad("users");
        }
        if self.customers > 100_000_000 {
            return bad("customers");
        }
        for (v, field) in [(self.contacts_per_customer, "contacts_per_customer"), (self.follow_ups_per_customer, "follow_ups_per_customer")] {
            if !(0.0..=20.0).contains(&v) {
                return bad(field);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub units: usize,
    pub max_depth: usize,
    pub branches: usize,
    pub users: usize,
    pub customers: usize,
    pub pooled: usize,
    pub contacts: usize,
    pub follow_ups: usize,
    pub tags: usize,
    pub shares: usize,
    pub pools: usize,
    pub products: usize,
    pub contracts: usize,
    pub contract_lines: usize,
    pub instalments: usize,
    pub receivables: usize,
    /// Receivables due before the end of the period and not fully received.
    pub overdue: usize,
    /// Receipts, reversed ones included.
    pub receipts: usize,
    pub opportunities: usize,
    /// Seconds per phase, in order.
    pub timings: Vec<(&'static str, f64)>,
    pub password: &'static str,
}
