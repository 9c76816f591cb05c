//! Demo data for sales to cash: two product lines (software sold by both branches, hardware by
//! Beijing only), their products, and contracts in every state: a draft, one under approval, one
//! approved and waiting to be signed, and signed ones whose receivables are paid, partly paid or
//! overdue, so that every screen has something to show.

use sqlx::Row;

use super::contracts::{create, sign};
use super::products::{insert_line_tx, insert_product_tx};
use super::receivables::record_receipt;
use super::{ContractInput, InstalmentInput, LineInput, ReceiptInput};
use crate::approvals::engine::{approve, submit};
use crate::clock::{now_ms, DAY_MS};
use crate::db::Db;
use crate::error::DomainResult;
use crate::objects::ObjectType;
use crate::policy::Actor;

async fn actor(db: &Db, login: &str) -> DomainResult<Actor> {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(db.pool()).await?.try_get("id")?;
    Actor::load(db, id).await
}

async fn unit(db: &Db, name: &str) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(db.pool()).await?.try_get("id")?)
}

/// The n-th customer a rep owns.
async fn customer_of(db: &Db, rep: &Actor, n: i64) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1 OFFSET $2")
        .bind(rep.user_id)
        .bind(n)
        .fetch_one(db.pool())
        .await?
        .try_get("id")?)
}

pub struct DemoProducts {
    pub software: i64,
    pub services: i64,
    pub gateway: i64,
    pub sensors: i64,
}

pub async fn seed_catalogue(db: &Db) -> DomainResult<DemoProducts> {
    let bj = unit(db, "北京分公司").await?;
    let sh = unit(db, "上海分公司").await?;
    let mut tx = db.begin_write().await?;
    let software = insert_line_tx(&mut tx, "软件与云服务", "Software and cloud", &[bj, sh], None).await?;
    let hardware = insert_line_tx(&mut tx, "智能硬件", "Smart hardware", &[bj], None).await?;
    let products = DemoProducts {
        software: insert_product_tx(&mut tx, software, "SW-CRM", "企业 CRM 订阅（年）", "CRM subscription (year)", 4_800_000, 1_200_000, None).await?,
        services: insert_product_tx(&mut tx, software, "SW-IMPL", "实施服务（人天）", "Implementation (person-day)", 300_000, 150_000, None).await?,
        gateway: insert_product_tx(&mut tx, hardware, "HW-GW", "智能网关", "Smart gateway", 680_000, 410_000, None).await?,
        sensors: insert_product_tx(&mut tx, hardware, "HW-SENSOR", "传感器套件", "Sensor kit", 120_000, 70_000, None).await?,
    };
    tx.commit().await?;
    Ok(products)
}

fn plan(amount: i64, dues: &[i64]) -> Vec<InstalmentInput> {
    let n = dues.len() as i64;
    dues.iter()
        .enumerate()
        .map(|(i, due)| InstalmentInput { due_at: *due, amount_minor: if i as i64 == n - 1 { amount - amount / n * (n - 1) } else { amount / n } })
        .collect()
}

/// Seeds the catalogue and the demo contracts. Notifications the seeding causes are removed: a
/// fresh demo starts with an empty bell (the tasks and inboxes show the work).
pub async fn seed(db: &Db) -> DomainResult<()> {
    let before: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM events").fetch_one(db.pool()).await?.try_get("n")?;
    let p = seed_catalogue(db).await?;
    let bj_rep = actor(db, "bj.sales1").await?;
    let sh_rep = actor(db, "sh.sales1").await?;
    let bj_manager = actor(db, "bj.manager").await?;
    let sh_manager = actor(db, "sh.manager").await?;
    let finance = actor(db, "finance").await?;
    let now = now_ms();
    let day = |d: i64| now + d * DAY_MS;
    let contract = |customer: i64, title: &str, lines: Vec<(i64, i64, i64)>, amount: i64, dues: &[i64]| ContractInput {
        customer_id: customer,
        title: title.into(),
        currency: "CNY".into(),
        terms: "货到验收后按计划付款。".into(),
        lines: lines.into_iter().map(|(product_id, quantity, discount_bp)| LineInput { product_id, quantity, discount_bp }).collect(),
        instalments: plan(amount, dues),
    };
    // A draft, and one waiting for the Shanghai manager (Beijing's inbox keeps the approvals demo).
    create(db, &bj_rep, &contract(customer_of(db, &bj_rep, 0).await?, "网关试点采购", vec![(p.gateway, 5, 0)], 3_400_000, &[day(30)])).await?;
    let pending = create(db, &sh_rep, &contract(customer_of(db, &sh_rep, 1).await?, "CRM 订阅与实施", vec![(p.software, 1, 0), (p.services, 10, 500)], 7_650_000, &[day(15), day(45)])).await?;
    submit(db, &sh_rep, ObjectType::Contract, pending).await?;
    // Approved (manager, then finance), waiting to be signed.
    let approved = create(db, &bj_rep, &contract(customer_of(db, &bj_rep, 2).await?, "传感器扩容", vec![(p.sensors, 20, 1000)], 2_160_000, &[day(20)])).await?;
    let a = submit(db, &bj_rep, ObjectType::Contract, approved).await?;
    approve(db, &bj_manager, a, "同意").await?;
    approve(db, &finance, a, "同意").await?;
    // Signed: one overdue and partly paid, one paid in full (Beijing); one in Shanghai.
    let signed = [
        (&bj_rep, &bj_manager, 3, "年度 CRM 订阅", vec![(p.software, 2, 0)], 9_600_000, vec![day(-40), day(-10), day(50)], vec![(0usize, 3_200_000), (1, 1_000_000)]),
        (&bj_rep, &bj_manager, 4, "网关与实施", vec![(p.gateway, 2, 0), (p.services, 4, 0)], 2_560_000, vec![day(-5)], vec![(0, 2_560_000)]),
        (&sh_rep, &sh_manager, 0, "上海 CRM 订阅", vec![(p.software, 1, 1000)], 4_320_000, vec![day(-20), day(40)], vec![(0, 2_160_000)]),
    ];
    for (i, (rep, manager, nth, title, lines, amount, dues, receipts)) in signed.into_iter().enumerate() {
        let id = create(db, rep, &contract(customer_of(db, rep, nth).await?, title, lines, amount, &dues)).await?;
        let a = submit(db, rep, ObjectType::Contract, id).await?;
        approve(db, manager, a, "同意").await?;
        approve(db, &finance, a, "同意").await?;
        sign(db, rep, id).await?;
        let receivables: Vec<i64> = sqlx::query("SELECT id FROM receivables WHERE contract_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        for (k, (seq, amount)) in receipts.into_iter().enumerate() {
            let input = ReceiptInput {
                receivable_id: receivables[seq],
                amount_minor: amount,
                received_at: dues[seq].min(now),
                method: "bank_transfer".into(),
                reference: format!("DEMO-{i}-{k}"),
                idempotency_key: format!("demo-receipt-{i}-{k}"),
            };
            record_receipt(db, &finance, &input).await?;
        }
    }
    super::receivables::flag_overdue(db, now).await?;
    // Quotes: one within the discount threshold (approved at once), one above it under approval
    // in Shanghai, and a draft.
    use super::quotes;
    let quote = |customer: i64, title: &str, lines: Vec<(i64, i64, i64)>| super::QuoteInput {
        customer_id: customer,
        title: title.into(),
        note: "报价有效期 30 天。".into(),
        valid_until: Some(day(30)),
        lines: lines.into_iter().map(|(product_id, quantity, discount_bp)| LineInput { product_id, quantity, discount_bp }).collect(),
    };
    let q = quotes::create(db, &bj_rep, &quote(customer_of(db, &bj_rep, 7).await?, "智能网关方案报价", vec![(p.gateway, 10, 500), (p.services, 5, 0)])).await?;
    quotes::submit(db, &bj_rep, q).await?;
    let q = quotes::create(db, &sh_rep, &quote(customer_of(db, &sh_rep, 3).await?, "CRM 三年订阅报价", vec![(p.software, 3, 1800)])).await?;
    quotes::submit(db, &sh_rep, q).await?;
    quotes::create(db, &bj_rep, &quote(customer_of(db, &bj_rep, 8).await?, "传感器补货报价", vec![(p.sensors, 50, 0)])).await?;
    seed_tickets(db).await?;
    crate::opportunities::demo::seed(db, &bj_rep, &sh_rep, p.software, p.gateway).await?;
    sqlx::query("DELETE FROM notifications WHERE event_id > $1").bind(before).execute(db.pool()).await?;
    Ok(())
}

/// Tickets: a complaint on a Beijing contract in progress, an urgent fault already past its SLA,
/// a resolved request, and an open request in Shanghai.
async fn seed_tickets(db: &Db) -> DomainResult<()> {
    use crate::service::tickets::{create, flag_sla_breaches, set_status};
    use crate::service::NewTicket;
    let bj = actor(db, "bj.service").await?;
    let sh = actor(db, "sh.service").await?;
    let bj_rep = actor(db, "bj.sales1").await?;
    let sh_rep = actor(db, "sh.sales1").await?;
    let signed: (i64, i64) = {
        let r = sqlx::query("SELECT id, customer_id FROM contracts WHERE owner_id = $1 AND state = 'signed' ORDER BY id LIMIT 1").bind(bj_rep.user_id).fetch_one(db.pool()).await?;
        (r.try_get("id")?, r.try_get("customer_id")?)
    };
    let ticket = |customer: i64, contract: Option<i64>, category: &str, priority: &str, title: &str| NewTicket {
        customer_id: customer,
        contract_id: contract,
        category: category.into(),
        priority: priority.into(),
        title: title.into(),
        description: "客户来电反映，详见标题。".into(),
        ..Default::default()
    };
    let complaint = create(db, &bj, &ticket(signed.1, Some(signed.0), "complaint", "high", "实施进度慢于约定")).await?;
    set_status(db, &bj, complaint, "in_progress", "").await?;
    let fault = create(db, &bj, &ticket(customer_of(db, &bj_rep, 5).await?, None, "fault", "urgent", "系统无法登录")).await?;
    sqlx::query("UPDATE tickets SET sla_due_at = created_at - 3600000 WHERE id = $1").bind(fault).execute(db.pool()).await?;
    let request = create(db, &bj, &ticket(customer_of(db, &bj_rep, 6).await?, None, "request", "normal", "申请增加两个账号")).await?;
    set_status(db, &bj, request, "resolved", "已开通两个账号并告知客户").await?;
    create(db, &sh, &ticket(customer_of(db, &sh_rep, 2).await?, None, "request", "low", "咨询数据导出方式")).await?;
    flag_sla_breaches(db, now_ms()).await?;
    Ok(())
}
