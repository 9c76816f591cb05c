//! Sales to cash at scale: two product lines (software sold by the whole group, hardware by every
//! other branch) with five products, and contracts on held customers — owned by the customer's
//! holder in the customer's unit — about one per five customers. Each contract has one line, a
//! payment plan of 2 to 5 instalments, and when signed (about 85%) one receivable per
//! instalment, due over the year and a half before the end of the period and the year after it.
//! Most receivables that fell due were paid (the older, the likelier), some partly, so that about
//! 10-20% of all receivables are overdue; a few are paid early. Every amount received is backed by
//! a receipt recorded by a finance person of the contract's branch (`received_minor` is exactly
//! the sum of the receipts not reversed), and about 1% of the paid receivables also carry a
//! receipt entered twice by mistake and reversed.
//!
//! Not generated: the approvals of the contracts under approval or approved (their `state` says
//! where they are, the approval records are absent), invoices, and the notifications of overdue
//! receivables (their `overdue_flagged_at` is set, as if the job had run).
//!
//! Contracts are planned in memory from the held customers (read back from the database in id
//! ranges), sorted by creation time so that ids follow time as in a running system, then written
//! in transactions of 20,000 contracts with their lines, plans, receivables and receipts.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::Rng;
use sqlx::{AnyConnection, Connection, Row};

use super::bulk::{info, Inserter, Value};
use super::config::{BenchConfig, Summary};
use super::org::Plan;
use super::sampling::{pick, pick_weighted, poisson};
use crate::clock::DAY_MS;
use crate::db::Dialect;
use crate::error::DomainResult;

/// Tables whose secondary indexes are dropped during the load.
pub(super) const BULK_TABLES: &[&str] = &["contracts", "contract_lines", "contract_instalments", "receivables", "receipts"];
/// Tables written with explicit ids.
pub(super) const ID_TABLES: &[&str] = &["product_lines", "products", "contracts", "contract_lines", "contract_instalments", "receivables", "receipts"];

/// (name, English name, owned by the group (else by every other branch)).
const LINES: &[(&str, &str, bool)] = &[("软件与云服务", "Software and cloud", true), ("智能硬件", "Smart hardware", false)];

struct Product {
    line: usize,
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    price: i64,
    cost: i64,
    /// Quantities sold, inclusive.
    quantity: (i64, i64),
    titles: &'static [&'static str],
}

const PRODUCTS: &[Product] = &[
    Product { line: 0, code: "SW-CRM", name: "企业 CRM 订阅（年）", name_en: "CRM subscription (year)", price: 4_800_000, cost: 1_200_000, quantity: (1, 5),
        titles: &["年度 CRM 订阅", "CRM 订阅续约", "CRM 订阅扩容"] },
    Product { line: 0, code: "SW-IMPL", name: "实施服务（人天）", name_en: "Implementation (person-day)", price: 300_000, cost: 150_000, quantity: (5, 60),
        titles: &["实施服务", "系统上线实施", "二期实施"] },
    Product { line: 0, code: "SW-BI", name: "数据分析模块（年）", name_en: "Analytics module (year)", price: 1_800_000, cost: 400_000, quantity: (1, 3),
        titles: &["数据分析模块", "经营分析升级"] },
    Product { line: 1, code: "HW-GW", name: "智能网关", name_en: "Smart gateway", price: 680_000, cost: 410_000, quantity: (2, 40),
        titles: &["网关采购", "网关试点", "网关扩容"] },
    Product { line: 1, code: "HW-SENSOR", name: "传感器套件", name_en: "Sensor kit", price: 120_000, cost: 70_000, quantity: (10, 200),
        titles: &["传感器采购", "传感器扩容"] },
];

const STATES: &[(&str, u32)] = &[("signed", 85), ("draft", 6), ("pending", 5), ("approved", 4)];
const DISCOUNTS: &[(i64, u32)] = &[(0, 60), (500, 20), (1000, 14), (1500, 5), (2000, 1)];
const METHODS: &[(&str, u32)] = &[("bank_transfer", 85), ("online", 6), ("cheque", 5), ("cash", 2), ("other", 2)];
const TERMS: &str = "货到验收后按计划付款。";

/// A contract to write: on a held customer, owned by its holder in its unit.
struct Planned {
    customer: i64,
    owner: i64,
    unit: i64,
    state: &'static str,
    created_at: i64,
}

/// What the products and the finance people of the org look like to the contracts.
struct Context {
    /// The branch (index into `Plan::branches`) each unit (by index) lies in, if any.
    branch_of_unit: Vec<Option<usize>>,
    /// Per branch: the finance people who record its receipts (at least its finance head).
    finance: Vec<Vec<i64>>,
    /// Per branch: whether it sells hardware.
    hardware: Vec<bool>,
    /// The finance head of the group (for contracts outside any branch).
    fallback_finance: i64,
}

fn context(p: &Plan) -> Context {
    let mut branch_of_unit = vec![None; p.units.len()];
    for (b, br) in p.branches.iter().enumerate() {
        branch_of_unit[br.unit] = Some(b);
    }
    // Parents come before their children, so one pass in order fills every unit below a branch.
    for u in 0..p.units.len() {
        if branch_of_unit[u].is_none() {
            branch_of_unit[u] = p.units[u].parent.and_then(|parent| branch_of_unit[parent]);
        }
    }
    let finance: Vec<Vec<i64>> = p
        .branches
        .iter()
        .map(|br| {
            let dept = br.departments[3];
            p.users.iter().enumerate().filter(|(_, u)| u.unit == dept && u.role == "finance").map(|(i, _)| i as i64 + 1).collect()
        })
        .collect();
    let fallback_finance = p.users.iter().position(|u| u.role == "finance").map_or(1, |i| i as i64 + 1);
    Context { branch_of_unit, finance, hardware: (0..p.branches.len()).map(|b| b % 2 == 0).collect(), fallback_finance }
}

/// Splits an amount into `n` instalments, the last taking the remainder (as the demo does).
fn split(amount: i64, n: usize) -> Vec<i64> {
    let n = n as i64;
    (0..n).map(|i| if i == n - 1 { amount - amount / n * (n - 1) } else { amount / n }).collect()
}

/// quantity × price less the discount, rounded half up (as `contracts::line_amount`).
fn line_amount(quantity: i64, price: i64, discount_bp: i64) -> i64 {
    (quantity * price * (10_000 - discount_bp) + 5_000) / 10_000
}

/// How much of a receivable due at `due` was received by `until`, and when.
fn payment(rng: &mut StdRng, due: i64, amount: i64, signed_at: i64, until: i64) -> Option<(i64, i64)> {
    let clamp = |t: i64| t.clamp(signed_at, until);
    let partly = |rng: &mut StdRng| (amount as f64 * rng.gen_range(0.2..0.8)) as i64;
    if due < until {
        let age = until - due;
        // The longer past due, the likelier settled.
        let open = if age < 30 * DAY_MS { 0.6 } else if age < 120 * DAY_MS { 0.35 } else { 0.2 };
        if rng.gen_bool(open) {
            // Partly paid, or nothing yet.
            return rng.gen_bool(0.35).then(|| (partly(rng), clamp(due + rng.gen_range(-10..=20) * DAY_MS)));
        }
        Some((amount, clamp(due + rng.gen_range(-15..=20) * DAY_MS)))
    } else {
        let at = rng.gen_range(signed_at..=until);
        match rng.gen_range(0..100) {
            0..=9 => Some((amount, at)),
            10..=14 => Some((partly(rng), at)),
            _ => None,
        }
    }
}

struct Writers {
    contracts: Inserter,
    /// Drafts sent back by a rejection, with its reason.
    rejected: Inserter,
    lines: Inserter,
    instalments: Inserter,
    receivables: Inserter,
    receipts: Inserter,
    /// Receipts entered twice by mistake, reversed.
    reversed: Inserter,
}

impl Writers {
    fn new(dialect: Dialect) -> Writers {
        const CONTRACT: [&str; 16] = ["id", "number", "title", "customer_id", "state", "amount_minor", "currency", "max_discount_bp", "product_line", "terms",
            "signed_at", "owner_id", "unit_id", "created_at", "updated_at", "created_by"];
        const REJECTED: [&str; 17] = ["id", "number", "title", "customer_id", "state", "amount_minor", "currency", "max_discount_bp", "product_line", "terms",
            "signed_at", "owner_id", "unit_id", "created_at", "updated_at", "created_by", "reject_reason"];
        const RECEIPT: [&str; 12] = ["id", "receivable_id", "contract_id", "amount_minor", "currency", "received_at", "method", "reference", "idempotency_key",
            "fingerprint", "created_at", "created_by"];
        const REVERSED: [&str; 15] = ["id", "receivable_id", "contract_id", "amount_minor", "currency", "received_at", "method", "reference", "idempotency_key",
            "fingerprint", "created_at", "created_by", "reversed_at", "reversed_by", "reverse_reason"];
        Writers {
            contracts: Inserter::new(dialect, "contracts", &CONTRACT),
            rejected: Inserter::new(dialect, "contracts", &REJECTED),
            lines: Inserter::new(dialect, "contract_lines", &["id", "contract_id", "product_id", "product_name", "quantity", "unit_price_minor", "discount_bp", "amount_minor"]),
            instalments: Inserter::new(dialect, "contract_instalments", &["id", "contract_id", "seq", "due_at", "amount_minor"]),
            receivables: Inserter::new(dialect, "receivables", &["id", "contract_id", "seq", "due_at", "amount_minor", "received_minor", "currency",
                "overdue_flagged_at", "owner_id", "unit_id", "created_at", "updated_at", "created_by"]),
            receipts: Inserter::new(dialect, "receipts", &RECEIPT),
            reversed: Inserter::new(dialect, "receipts", &REVERSED),
        }
    }

    fn all(&mut self) -> [&mut Inserter; 7] {
        [&mut self.contracts, &mut self.rejected, &mut self.lines, &mut self.instalments, &mut self.receivables, &mut self.receipts, &mut self.reversed]
    }
}

/// Writes the catalogue: the product lines with their units, and the products.
async fn write_catalogue(conn: &mut AnyConnection, dialect: Dialect, p: &Plan, ctx: &Context, created: i64) -> DomainResult<()> {
    let mut lines = Inserter::new(dialect, "product_lines", &["id", "name", "name_en", "created_at", "updated_at"]);
    let mut line_units = Inserter::new(dialect, "product_line_units", &["line_id", "unit_id"]);
    for (i, (name, name_en, group)) in LINES.iter().enumerate() {
        let id = i as i64 + 1;
        lines.push([id.into(), (*name).into(), (*name_en).into(), created.into(), created.into()]);
        if *group {
            line_units.push([id.into(), 1i64.into()]);
        } else {
            for (_, br) in p.branches.iter().enumerate().filter(|(b, _)| ctx.hardware[*b]) {
                line_units.push([id.into(), (br.unit as i64 + 1).into()]);
            }
        }
    }
    let mut products = Inserter::new(dialect, "products", &["id", "line_id", "code", "name", "name_en", "unit_price_minor", "cost_minor", "currency", "active",
        "created_at", "updated_at"]);
    for (i, pr) in PRODUCTS.iter().enumerate() {
        products.push([(i as i64 + 1).into(), (pr.line as i64 + 1).into(), pr.code.into(), pr.name.into(), pr.name_en.into(), pr.price.into(), pr.cost.into(),
            "CNY".into(), 1i64.into(), created.into(), created.into()]);
    }
    for ins in [&mut lines, &mut line_units, &mut products] {
        ins.flush(conn).await?;
    }
    Ok(())
}

/// Plans the contracts over the held customers, read back in id ranges.
async fn plan_contracts(conn: &mut AnyConnection, cfg: &BenchConfig, held: usize, rng: &mut StdRng) -> DomainResult<Vec<Planned>> {
    let until = cfg.until_ms;
    let mean = cfg.contracts() as f64 / held.max(1) as f64;
    let mut planned = Vec::with_capacity(cfg.contracts() + cfg.contracts() / 50);
    const CHUNK: i64 = 100_000;
    let mut from = 0i64;
    while from < cfg.customers as i64 {
        let rows = sqlx::query("SELECT id, owner_id, unit_id, created_at FROM customers WHERE id > $1 AND id <= $2 AND owner_id IS NOT NULL ORDER BY id")
            .bind(from)
            .bind(from + CHUNK)
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let (customer, owner, unit, since): (i64, i64, i64, i64) = (r.try_get("id")?, r.try_get("owner_id")?, r.try_get("unit_id")?, r.try_get("created_at")?);
            for _ in 0..poisson(rng, mean) {
                let state = *pick_weighted(rng, STATES);
                // Open contracts are recent; signed ones spread over the last year and a half.
                let window = if state == "signed" { 540 } else { 60 };
                let lo = since.max(until - window * DAY_MS).min(until);
                let created_at = rng.gen_range(lo..=until);
                planned.push(Planned { customer, owner, unit, state, created_at });
            }
        }
        from += CHUNK;
    }
    // Ids follow time, as in a running system.
    planned.sort_by_key(|c| (c.created_at, c.customer));
    Ok(planned)
}

pub(super) async fn write_sales(conn: &mut AnyConnection, dialect: Dialect, cfg: &BenchConfig, p: &Plan, rng: &mut StdRng, summary: &mut Summary) -> DomainResult<()> {
    let until = cfg.until_ms;
    let ctx = context(p);
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    write_catalogue(&mut tx, dialect, p, &ctx, until - 3 * 365 * DAY_MS).await?;
    tx.commit().await?;
    let planned = plan_contracts(conn, cfg, summary.customers - summary.pooled, rng).await?;
    info(format!("{} contracts planned in {:.1}s", planned.len(), started.elapsed().as_secs_f64()));

    let mut w = Writers::new(dialect);
    let (mut instalment_id, mut receivable_id, mut receipt_id) = (0i64, 0i64, 0i64);
    const PER_TRANSACTION: usize = 20_000;
    for (chunk_no, chunk) in planned.chunks(PER_TRANSACTION).enumerate() {
        let mut tx = conn.begin().await?;
        for (k, c) in chunk.iter().enumerate() {
            let id = (chunk_no * PER_TRANSACTION + k) as i64 + 1;
            let branch = ctx.branch_of_unit.get(c.unit as usize - 1).copied().flatten();
            let hardware = branch.is_some_and(|b| ctx.hardware[b]);
            let product_no = if hardware && rng.gen_bool(0.35) { rng.gen_range(3..PRODUCTS.len()) } else { rng.gen_range(0..3) };
            let product = &PRODUCTS[product_no];
            let quantity = rng.gen_range(product.quantity.0..=product.quantity.1);
            let discount = *pick_weighted(rng, DISCOUNTS);
            let amount = line_amount(quantity, product.price, discount);
            let title = *pick(rng, product.titles);
            let signed_at = (c.state == "signed").then(|| (c.created_at + rng.gen_range(1..=15) * DAY_MS).min(until));
            let updated_at = signed_at.unwrap_or_else(|| rng.gen_range(c.created_at..=until));
            let row = [id.into(), format!("HT-{id:06}").into(), title.into(), c.customer.into(), c.state.into(), amount.into(), "CNY".into(), discount.into(),
                LINES[product.line].0.into(), TERMS.into(), signed_at.into(), Some(c.owner).into(), c.unit.into(), c.created_at.into(), updated_at.into(),
                Some(c.owner).into()];
            if c.state == "draft" && rng.gen_bool(0.2) {
                let mut with_reason = row.to_vec();
                with_reason.push("折扣超出权限，请调整后重新提交".into());
                w.rejected.push(<[Value; 17]>::try_from(with_reason).expect("17 columns"));
            } else {
                w.contracts.push(row);
            }
            w.lines.push([id.into(), id.into(), (product_no as i64 + 1).into(), product.name.into(), quantity.into(), product.price.into(), discount.into(),
                amount.into()]);

            // The plan: the first instalment a month after signing (expected signing for the
            // open ones), the next every two to four months.
            let n = rng.gen_range(2..=5usize);
            let mut due = signed_at.unwrap_or(c.created_at + 15 * DAY_MS) + 30 * DAY_MS;
            let finance = branch.map(|b| &ctx.finance[b]).filter(|f| !f.is_empty());
            for (seq, part) in split(amount, n).into_iter().enumerate() {
                let seq = seq as i64 + 1;
                instalment_id += 1;
                w.instalments.push([instalment_id.into(), id.into(), seq.into(), due.into(), part.into()]);
                if let Some(signed_at) = signed_at {
                    receivable_id += 1;
                    let paid = payment(rng, due, part, signed_at, until);
                    let received = paid.map_or(0, |(got, _)| got);
                    let mut updated = signed_at;
                    if let Some((got, at)) = paid {
                        let by = finance.map_or(ctx.fallback_finance, |f| *pick(rng, f));
                        let method = *pick_weighted(rng, METHODS);
                        let recorded = (at + rng.gen_range(0..=3 * DAY_MS)).min(until);
                        if rng.gen_bool(0.01) {
                            // Entered twice: the first entry reversed the next day or so.
                            receipt_id += 1;
                            let reference = format!("BANK-{:010}", rng.gen_range(0..10_000_000_000i64));
                            let reversed_at = (recorded + rng.gen_range(3_600_000..=2 * DAY_MS)).min(until);
                            w.reversed.push([receipt_id.into(), receivable_id.into(), id.into(), got.into(), "CNY".into(), at.into(), method.into(),
                                reference.clone().into(), format!("bench-receipt-{receipt_id}").into(),
                                format!("{by}|{receivable_id}|{got}|{at}|{method}|{reference}").into(), recorded.into(), by.into(), Some(reversed_at).into(),
                                Some(by).into(), "重复录入".into()]);
                        }
                        receipt_id += 1;
                        let reference = format!("BANK-{:010}", rng.gen_range(0..10_000_000_000i64));
                        w.receipts.push([receipt_id.into(), receivable_id.into(), id.into(), got.into(), "CNY".into(), at.into(), method.into(),
                            reference.clone().into(), format!("bench-receipt-{receipt_id}").into(),
                            format!("{by}|{receivable_id}|{got}|{at}|{method}|{reference}").into(), recorded.into(), by.into()]);
                        updated = updated.max(recorded);
                    }
                    // The overdue job flags what fell due unpaid, the day after.
                    let overdue = due < until && received < part;
                    let flagged = overdue.then(|| (due + DAY_MS).min(until));
                    summary.overdue += usize::from(overdue);
                    w.receivables.push([receivable_id.into(), id.into(), seq.into(), due.into(), part.into(), received.into(), "CNY".into(), flagged.into(),
                        Some(c.owner).into(), c.unit.into(), signed_at.into(), updated.into(), Some(c.owner).into()]);
                }
                due += rng.gen_range(60..=120) * DAY_MS;
            }
        }
        for ins in w.all() {
            ins.flush(&mut tx).await?;
        }
        tx.commit().await?;
        let secs = started.elapsed().as_secs_f64();
        info(format!(
            "{} contracts, {} instalments, {} receivables ({} overdue), {} receipts ({:.0} contracts/s)",
            w.contracts.written + w.rejected.written, w.instalments.written, w.receivables.written, summary.overdue,
            w.receipts.written + w.reversed.written, (w.contracts.written + w.rejected.written) as f64 / secs.max(0.001)
        ));
    }
    summary.products = PRODUCTS.len();
    summary.contracts = w.contracts.written + w.rejected.written;
    summary.contract_lines = w.lines.written;
    summary.instalments = w.instalments.written;
    summary.receivables = w.receivables.written;
    summary.receipts = w.receipts.written + w.reversed.written;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn plans_add_up_and_payments_stay_within_the_amount() {
        for (amount, n) in [(4_800_000, 3), (1_000_001, 5), (7, 2)] {
            let parts = split(amount, n);
            assert_eq!(parts.len(), n);
            assert_eq!(parts.iter().sum::<i64>(), amount);
            assert!(parts.iter().all(|p| *p > 0));
        }
        assert_eq!(line_amount(3, 300_000, 500), crate::sales::contracts::line_amount(3, 300_000, 500).unwrap());
        let mut rng = StdRng::seed_from_u64(3);
        let until = 1_764_547_200_000;
        let (mut overdue, mut past) = (0, 0);
        for i in 0..10_000 {
            let signed = until - (i % 500) * DAY_MS;
            let due = signed + 30 * DAY_MS;
            let paid = payment(&mut rng, due, 1_000_000, signed, until);
            if let Some((got, at)) = paid {
                assert!((1..=1_000_000).contains(&got) && (signed..=until).contains(&at));
            }
            if due < until {
                past += 1;
                overdue += usize::from(paid.is_none_or(|(got, _)| got < 1_000_000));
            }
        }
        let share = overdue as f64 / past as f64;
        assert!((0.1..0.4).contains(&share), "{share}");
    }
}
