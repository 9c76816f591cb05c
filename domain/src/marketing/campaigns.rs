//! Campaigns (市场活动) with a channel and a cost, leads linked to them, and what each channel
//! brought: leads, conversions, won deals and receipts, each counted over what the reader may
//! read. Anyone who may create leads runs campaigns; anyone who may read leads sees them.

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::{now_ms, start_of_day_ms};
use crate::db::{bind_args, Arg, Db};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::{record_filter, require_on};

pub use domain_types::marketing::{CampaignInput, CampaignRow, ChannelFigures, CHANNELS};

fn optional_date(field: &'static str, text: &str) -> DomainResult<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    start_of_day_ms(t).ok_or_else(|| DomainError::invalid(field, "format"))?;
    Ok(Some(t.to_string()))
}

/// Creates a campaign; answers its id.
pub async fn create(db: &Db, actor: &Actor, input: &CampaignInput) -> DomainResult<i64> {
    if !actor.grants.can(ObjectType::Lead, Action::Create) {
        return Err(DomainError::Forbidden);
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::invalid("name", if name.is_empty() { "required" } else { "too_long" }));
    }
    if !CHANNELS.contains(&input.channel.as_str()) {
        return Err(DomainError::invalid("channel", "unknown"));
    }
    crate::sales::checked_money("cost", input.cost_minor)?;
    let currency = crate::sales::parse_currency(&input.currency)?;
    let (starts, ends) = (optional_date("starts_on", &input.starts_on)?, optional_date("ends_on", &input.ends_on)?);
    if let (Some(s), Some(e)) = (&starts, &ends) {
        if e < s {
            return Err(DomainError::invalid("ends_on", "before_start"));
        }
    }
    let unit_id = input.unit_id.or(actor.units.first().copied()).ok_or_else(|| DomainError::invalid("unit", "required"))?;
    let mut tx = db.begin_write().await?;
    if sqlx::query("SELECT id FROM org_units WHERE id = $1").bind(unit_id).fetch_optional(&mut *tx).await?.is_none() {
        return Err(DomainError::invalid("unit", "unknown"));
    }
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO campaigns (name, channel, cost_minor, currency, unit_id, starts_on, ends_on, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .bind(name)
    .bind(&input.channel)
    .bind(input.cost_minor)
    .bind(&currency)
    .bind(unit_id)
    .bind(starts)
    .bind(ends)
    .bind(now)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(&mut tx, Some(actor.user_id), "campaign", Some(id), "create", None, Some(json!({ "name": name, "channel": input.channel, "cost_minor": input.cost_minor }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The campaigns, newest first, with how many of their leads the reader may read.
pub async fn list(db: &Db, actor: &Actor) -> DomainResult<Vec<CampaignRow>> {
    if !actor.grants.can(ObjectType::Lead, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let f = record_filter(actor, ObjectType::Lead, Action::Read, "l", 1, now_ms());
    let sql = format!(
        "SELECT k.id, k.name, k.channel, k.cost_minor, k.currency, k.unit_id, o.name AS unit_name, k.starts_on, k.ends_on, \
           (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = k.id AND {}) AS leads \
         FROM campaigns k JOIN org_units o ON o.id = k.unit_id ORDER BY k.id DESC LIMIT 500",
        f.sql
    );
    let args: Vec<Arg> = f.binds.iter().map(|b| Arg::Int(*b)).collect();
    bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(CampaignRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                channel: r.try_get("channel")?,
                cost_minor: r.try_get("cost_minor")?,
                currency: r.try_get("currency")?,
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                starts_on: r.try_get::<Option<String>, _>("starts_on")?.unwrap_or_default(),
                ends_on: r.try_get::<Option<String>, _>("ends_on")?.unwrap_or_default(),
                leads: r.try_get("leads")?,
            })
        })
        .collect()
}

/// Links a lead to a campaign (None unlinks), for those who may update the lead.
pub async fn link_lead(db: &Db, actor: &Actor, lead_id: i64, campaign_id: Option<i64>) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, ObjectType::Lead, Action::Update, lead_id).await?;
    if let Some(c) = campaign_id {
        if sqlx::query("SELECT id FROM campaigns WHERE id = $1").bind(c).fetch_optional(&mut *tx).await?.is_none() {
            return Err(DomainError::invalid("campaign", "unknown"));
        }
    }
    let before: Option<i64> = sqlx::query("SELECT campaign_id FROM leads WHERE id = $1").bind(lead_id).fetch_one(&mut *tx).await?.try_get("campaign_id")?;
    sqlx::query("UPDATE leads SET campaign_id = $2, updated_at = $3 WHERE id = $1").bind(lead_id).bind(campaign_id).bind(now_ms()).execute(&mut *tx).await?;
    audit::record(&mut tx, Some(actor.user_id), "lead", Some(lead_id), "campaign", Some(json!({ "campaign_id": before })), Some(json!({ "campaign_id": campaign_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// What each channel brought, over the leads the reader may read (and, for deals and receipts,
/// the opportunities and receivables they may read, amounts only where that field is readable).
/// Money is in `currency` (empty: CNY). A deal or a receipt reached through two leads of the same
/// channel counts once. Every channel is listed, in the order of [`CHANNELS`].
pub async fn effectiveness(db: &Db, actor: &Actor, currency: &str) -> DomainResult<Vec<ChannelFigures>> {
    if !actor.grants.can(ObjectType::Lead, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let currency = crate::sales::parse_currency(currency)?;
    let now = now_ms();
    let mut out: BTreeMap<String, ChannelFigures> = CHANNELS.iter().map(|c| (c.to_string(), ChannelFigures { channel: c.to_string(), ..Default::default() })).collect();
    for r in sqlx::query("SELECT channel, COUNT(*) AS n, CAST(SUM(cost_minor) AS BIGINT) AS cost FROM campaigns WHERE currency = $1 GROUP BY channel")
        .bind(&currency)
        .fetch_all(db.pool())
        .await?
    {
        if let Some(f) = out.get_mut(&r.try_get::<String, _>("channel")?) {
            f.campaigns = r.try_get("n")?;
            f.cost_minor = r.try_get::<Option<i64>, _>("cost")?.unwrap_or(0);
        }
    }
    let leads = record_filter(actor, ObjectType::Lead, Action::Read, "l", 1, now);
    let sql = format!(
        "SELECT k.channel, COUNT(*) AS n, CAST(SUM(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END) AS BIGINT) AS converted \
         FROM leads l JOIN campaigns k ON k.id = l.campaign_id WHERE {} GROUP BY k.channel",
        leads.sql
    );
    let args: Vec<Arg> = leads.binds.iter().map(|b| Arg::Int(*b)).collect();
    for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(db.pool()).await? {
        if let Some(f) = out.get_mut(&r.try_get::<String, _>("channel")?) {
            f.leads = r.try_get("n")?;
            f.converted = r.try_get::<Option<i64>, _>("converted")?.unwrap_or(0);
        }
    }
    if actor.grants.can(ObjectType::Opportunity, Action::Read) {
        let amounts = actor.fields.can_read(ObjectType::Opportunity, "amount_minor");
        let opp = record_filter(actor, ObjectType::Opportunity, Action::Read, "p", leads.next_param(1), now);
        let n = opp.next_param(leads.next_param(1));
        let sql = format!(
            "SELECT w.channel, COUNT(*) AS n, CAST(SUM(CASE WHEN w.currency = ${n} THEN w.amount_minor ELSE 0 END) AS BIGINT) AS amount FROM (\
               SELECT DISTINCT k.channel, p.id, p.currency, p.amount_minor \
               FROM leads l JOIN campaigns k ON k.id = l.campaign_id JOIN opportunities p ON p.id = l.converted_opportunity_id \
               WHERE {} AND {} AND p.stage = 'won') w GROUP BY w.channel",
            leads.sql, opp.sql
        );
        let mut args: Vec<Arg> = leads.binds.iter().chain(&opp.binds).map(|b| Arg::Int(*b)).collect();
        args.push(Arg::Text(currency.clone()));
        for f in out.values_mut() {
            f.deals_won = Some(0);
            f.won_minor = amounts.then_some(0);
        }
        for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(db.pool()).await? {
            if let Some(f) = out.get_mut(&r.try_get::<String, _>("channel")?) {
                f.deals_won = Some(r.try_get("n")?);
                if amounts {
                    f.won_minor = Some(r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0));
                }
            }
        }
    }
    if actor.grants.can(ObjectType::Receivable, Action::Read) && actor.fields.can_read(ObjectType::Receivable, "amount_minor") {
        let recv = record_filter(actor, ObjectType::Receivable, Action::Read, "r", leads.next_param(1), now);
        let n = recv.next_param(leads.next_param(1));
        let sql = format!(
            "SELECT w.channel, CAST(SUM(w.amount_minor) AS BIGINT) AS amount FROM (\
               SELECT DISTINCT k.channel, x.id, x.amount_minor \
               FROM leads l JOIN campaigns k ON k.id = l.campaign_id JOIN contracts c ON c.customer_id = l.converted_customer_id \
               JOIN receivables r ON r.contract_id = c.id JOIN receipts x ON x.receivable_id = r.id \
               WHERE {} AND {} AND x.reversed_at IS NULL AND x.currency = ${n}) w GROUP BY w.channel",
            leads.sql, recv.sql
        );
        let mut args: Vec<Arg> = leads.binds.iter().chain(&recv.binds).map(|b| Arg::Int(*b)).collect();
        args.push(Arg::Text(currency.clone()));
        for f in out.values_mut() {
            f.received_minor = Some(0);
        }
        for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(db.pool()).await? {
            if let Some(f) = out.get_mut(&r.try_get::<String, _>("channel")?) {
                f.received_minor = Some(r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0));
            }
        }
    }
    Ok(CHANNELS.iter().filter_map(|c| out.remove(*c)).collect())
}

/// The campaign a lead the actor may read came from.
pub async fn of_lead(db: &Db, actor: &Actor, lead_id: i64) -> DomainResult<Option<i64>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, ObjectType::Lead, Action::Read, lead_id).await?;
    Ok(sqlx::query("SELECT campaign_id FROM leads WHERE id = $1").bind(lead_id).fetch_one(&mut *conn).await?.try_get("campaign_id")?)
}
