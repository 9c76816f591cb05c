//! Demo opportunities: some in every stage of the default pipeline for a Beijing rep, a few in
//! Shanghai, with expected close dates over the coming months so that the forecast has figures.

use sqlx::Row;

use super::pipeline::{move_to, update, OpportunityEdit, OpportunityProduct};
use super::{create, NewOpportunity};
use crate::clock::{format_date, now_ms, DAY_MS};
use crate::db::Db;
use crate::error::DomainResult;
use crate::policy::Actor;

async fn stage(db: &Db, code: &str) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT id FROM opportunity_stages WHERE code = $1").bind(code).fetch_one(db.pool()).await?.try_get("id")?)
}

/// The n-th customer a rep owns (as the sales demo picks them; not shared, which would make the two
/// demo modules import each other).
async fn customer_of(db: &Db, rep: &Actor, n: i64) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1 OFFSET $2")
        .bind(rep.user_id)
        .bind(n)
        .fetch_one(db.pool())
        .await?
        .try_get("id")?)
}

/// (rep, nth customer, name, amount in 分, days to close, stage code, competitors, product).
type Seed<'a> = (&'a Actor, i64, &'a str, i64, i64, &'a str, &'a str, Option<i64>);

pub async fn seed(db: &Db, bj_rep: &Actor, sh_rep: &Actor, software: i64, gateway: i64) -> DomainResult<()> {
    let first = stage(db, "qualify").await?;
    let seeds: [Seed; 9] = [
        (bj_rep, 0, "年度续约", 12_000_000, 20, "negotiation", "纷享销客", Some(software)),
        (bj_rep, 1, "分公司推广", 8_000_000, 45, "proposal", "销售易", Some(software)),
        (bj_rep, 2, "网关二期", 5_600_000, 70, "needs", "", Some(gateway)),
        (bj_rep, 3, "数据迁移服务", 1_500_000, 100, "qualify", "", None),
        (bj_rep, 4, "传感器批量采购", 3_200_000, -3, "won", "", Some(gateway)),
        (bj_rep, 5, "移动端定制", 2_000_000, 30, "lost", "本地软件商", None),
        (sh_rep, 0, "上海集团上线", 15_000_000, 35, "proposal", "Salesforce", Some(software)),
        (sh_rep, 1, "华东渠道试点", 4_000_000, 60, "qualify", "", None),
        (sh_rep, 2, "培训服务包", 900_000, 15, "negotiation", "", None),
    ];
    let now = now_ms();
    for (rep, nth, name, amount, days, code, competitors, product) in seeds {
        let close = format_date(now + days * DAY_MS);
        let customer = customer_of(db, rep, nth).await?;
        let o = NewOpportunity { name: name.into(), amount_minor: amount, currency: "CNY".into(), expected_close: close.clone() };
        let id = create(db, rep, customer, &o).await?;
        let edit = OpportunityEdit {
            name: name.into(),
            amount_minor: amount,
            currency: "CNY".into(),
            expected_close: close,
            competitors: competitors.into(),
            products: product.map(|product_id| OpportunityProduct { product_id, quantity: 1 }).into_iter().collect(),
        };
        update(db, rep, id, &edit).await?;
        let to = stage(db, code).await?;
        if to != first {
            move_to(db, rep, id, first, to, if code == "lost" { "客户选择了本地供应商" } else { "" }).await?;
        }
    }
    Ok(())
}
