//! Webhooks: an administrator subscribes a URL to event kinds; each matching event becomes one
//! delivery per subscription in `webhook_deliveries` — a persistent queue, so a restart loses
//! nothing — carrying the record as the subscription's owner may read it (nothing if they may
//! not). Deliveries are signed (HMAC-SHA256 over "timestamp.body" with the subscription's
//! secret), retried with exponential backoff and given up after [`MAX_ATTEMPTS`]. The HTTP
//! sending is the server's (`server/src/webhooks.rs`); deciding, queueing and bookkeeping are here.
//!
//! Several instances may run the queue: a subscription's event cursor and each delivery are
//! claimed by conditional updates, so exactly one instance handles each.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use rand::RngCore;
use serde_json::json;
use sha2::Sha256;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::{now_ms, HOUR_MS, SECOND_MS};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::integration::api::{self, ApiObject};

pub use domain_types::integration::{CreatedWebhook, DeliveryRow, WebhookInput, WebhookRow, WEBHOOK_KINDS};

/// Attempts before a delivery is given up (about 17 hours of retrying).
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed delivery is reserved for the instance sending it.
const LEASE_MS: i64 = 60 * SECOND_MS;
/// Events read per subscription per round.
const BATCH: i64 = 200;

/// The wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most 6 hours.
pub fn backoff_ms(attempts: i64) -> i64 {
    let n = attempts.clamp(1, 20) - 1;
    (30 * SECOND_MS).saturating_mul(1 << n).min(6 * HOUR_MS)
}

/// The signature header's value: `v1=` and the hex HMAC-SHA256 of "timestamp.body".
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let bytes = mac.finalize().into_bytes();
    format!("v1={}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Addresses a webhook may not reach unless its administrator allowed internal targets:
/// loopback, private ranges, link-local, carrier-grade NAT, unspecified, multicast.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

/// A webhook target: http or https, a host, no credentials in it; a literal private address or
/// `localhost` only when allowed. (Names are resolved and checked again at each delivery.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl(String);

impl TargetUrl {
    pub fn parse(text: &str, allow_private: bool) -> DomainResult<Self> {
        let u = url::Url::parse(text.trim()).map_err(|_| DomainError::invalid("url", "format"))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(DomainError::invalid("url", "scheme"));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err(DomainError::invalid("url", "credentials"));
        }
        if text.len() > 2000 {
            return Err(DomainError::invalid("url", "too_long"));
        }
        let private = match u.host() {
            None => return Err(DomainError::invalid("url", "format")),
            Some(url::Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"),
        };
        if private && !allow_private {
            return Err(DomainError::invalid("url", "private_address"));
        }
        Ok(TargetUrl(u.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn kinds_of(text: &str) -> Vec<String> {
    text.split(',').filter(|k| !k.is_empty()).map(str::to_string).collect()
}

async fn row(db: &Db, id: i64) -> DomainResult<WebhookRow> {
    let r = sqlx::query(
        "SELECT w.id, w.url, w.kinds, w.allow_private, w.active, w.created_at, u.display_name, \
         (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending, \
         (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'delivered') AS delivered, \
         (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed') AS failed \
         FROM webhooks w JOIN users u ON u.id = w.owner_id WHERE w.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(WebhookRow {
        id: r.try_get("id")?,
        url: r.try_get("url")?,
        kinds: kinds_of(&r.try_get::<String, _>("kinds")?),
        allow_private: r.try_get::<i64, _>("allow_private")? == 1,
        active: r.try_get::<i64, _>("active")? == 1,
        owner_name: r.try_get("display_name")?,
        pending: r.try_get("pending")?,
        delivered: r.try_get("delivered")?,
        failed: r.try_get("failed")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Subscribes a URL to event kinds, for administrators. Deliveries carry what the subscriber may
/// read, from events after now. The secret for checking signatures is in the answer.
pub async fn subscribe(db: &Db, actor: &Actor, input: &WebhookInput) -> DomainResult<CreatedWebhook> {
    actor.require_admin()?;
    let url = TargetUrl::parse(&input.url, input.allow_private)?;
    let mut kinds: Vec<&str> = Vec::new();
    for k in &input.kinds {
        let known = WEBHOOK_KINDS.iter().find(|w| **w == k.as_str()).ok_or(DomainError::invalid("kinds", "unknown_kind"))?;
        if !kinds.contains(known) {
            kinds.push(known);
        }
    }
    if kinds.is_empty() {
        return Err(DomainError::invalid("kinds", "required"));
    }
    let secret = new_secret();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let last: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM events").fetch_one(&mut *tx).await?.try_get("m")?;
    let id: i64 = sqlx::query(
        "INSERT INTO webhooks (owner_id, url, secret, kinds, allow_private, active, last_event_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7) RETURNING id",
    )
    .bind(actor.user_id)
    .bind(url.as_str())
    .bind(&secret)
    .bind(kinds.join(","))
    .bind(input.allow_private as i64)
    .bind(last)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(&mut tx, Some(actor.user_id), "webhook", Some(id), "create", None, Some(json!({ "url": url.as_str(), "kinds": kinds, "allow_private": input.allow_private }))).await?;
    tx.commit().await?;
    Ok(CreatedWebhook { webhook: row(db, id).await?, secret })
}

/// All subscriptions with their delivery counts, for administrators.
pub async fn list(db: &Db, actor: &Actor) -> DomainResult<Vec<WebhookRow>> {
    actor.require_admin()?;
    let ids: Vec<i64> = sqlx::query("SELECT id FROM webhooks ORDER BY id").fetch_all(db.pool()).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        out.push(row(db, id).await?);
    }
    Ok(out)
}

/// The latest deliveries of a subscription, newest first.
pub async fn deliveries(db: &Db, actor: &Actor, webhook_id: i64, limit: i64) -> DomainResult<Vec<DeliveryRow>> {
    actor.require_admin()?;
    let rows = sqlx::query(
        "SELECT id, event_id, kind, status, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at \
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(webhook_id)
    .bind(limit.clamp(1, 200))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DeliveryRow {
                id: r.try_get("id")?,
                event_id: r.try_get("event_id")?,
                kind: r.try_get("kind")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
                last_status: r.try_get("last_status")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                delivered_at: r.try_get("delivered_at")?,
            })
        })
        .collect()
}

/// Pauses or resumes a subscription (a paused one queues nothing; what is queued still goes).
pub async fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> DomainResult<()> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    let last: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM events").fetch_one(&mut *tx).await?.try_get("m")?;
    // Resuming starts from now: the events of the pause are not sent afterwards.
    let done = sqlx::query("UPDATE webhooks SET active = $2, updated_at = $3, last_event_id = CASE WHEN $2 = 1 AND active = 0 THEN $4 ELSE last_event_id END WHERE id = $1")
        .bind(id)
        .bind(active as i64)
        .bind(now_ms())
        .bind(last)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(DomainError::NotFound);
    }
    audit::record(&mut tx, Some(actor.user_id), "webhook", Some(id), if active { "resume" } else { "pause" }, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a subscription and its queue.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1").bind(id).execute(&mut *tx).await?;
    if sqlx::query("DELETE FROM webhooks WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    audit::record(&mut tx, Some(actor.user_id), "webhook", Some(id), "delete", None, None).await?;
    tx.commit().await?;
    Ok(())
}

fn api_object(object: &str) -> Option<ApiObject> {
    Some(match object {
        "customer" => ApiObject::Customers,
        "contact" => ApiObject::Contacts,
        "lead" => ApiObject::Leads,
        "opportunity" => ApiObject::Opportunities,
        "contract" => ApiObject::Contracts,
        "receivable" => ApiObject::Receivables,
        "ticket" => ApiObject::Tickets,
        _ => return None,
    })
}

/// Turns new events into deliveries for every active subscription: those of its kinds whose
/// record its owner may read, with the record as they read it now. One change that wrote several
/// events of one kind on one record (one per person told) is delivered once. Answers how many
/// deliveries were queued.
pub async fn enqueue(db: &Db, now: i64) -> DomainResult<usize> {
    let subs = sqlx::query("SELECT id, owner_id, kinds, last_event_id FROM webhooks WHERE active = 1 ORDER BY id").fetch_all(db.pool()).await?;
    let mut queued = 0;
    for s in subs {
        let (id, owner, cursor): (i64, i64, i64) = (s.try_get("id")?, s.try_get("owner_id")?, s.try_get("last_event_id")?);
        let kinds = kinds_of(&s.try_get::<String, _>("kinds")?);
        let events = sqlx::query("SELECT id, at, kind, object, record_id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(cursor)
            .bind(BATCH)
            .fetch_all(db.pool())
            .await?;
        let Some(last) = events.last().map(|e| e.try_get::<i64, _>("id")).transpose()? else { continue };
        // Claim the batch: of several instances only one moves the cursor and queues it.
        let mut tx = db.begin_write().await?;
        if sqlx::query("UPDATE webhooks SET last_event_id = $3 WHERE id = $1 AND last_event_id = $2").bind(id).bind(cursor).bind(last).execute(&mut *tx).await?.rows_affected() == 0 {
            continue;
        }
        let actor = match Actor::load(db, owner).await {
            Ok(a) => Some(a),
            Err(DomainError::NotFound | DomainError::Unauthenticated | DomainError::Forbidden) => None,
            Err(e) => return Err(e),
        };
        let mut seen: Vec<(String, String, i64)> = Vec::new();
        for e in &events {
            let kind: String = e.try_get("kind")?;
            let (object, record): (String, i64) = (e.try_get("object")?, e.try_get("record_id")?);
            if !kinds.contains(&kind) || seen.contains(&(kind.clone(), object.clone(), record)) {
                continue;
            }
            seen.push((kind.clone(), object.clone(), record));
            let (Some(actor), Some(api_object)) = (&actor, api_object(&object)) else { continue };
            let data = match api::get(db, actor, api_object, record).await {
                Ok(v) => v,
                // Not readable by the subscriber (or gone): nothing is sent.
                Err(api::ApiError::Domain(DomainError::NotFound | DomainError::Forbidden)) => continue,
                Err(api::ApiError::Domain(e)) => return Err(e),
                Err(api::ApiError::Body(m)) => return Err(DomainError::Internal(m)),
            };
            let event_id: i64 = e.try_get("id")?;
            let body = json!({
                "id": format!("{id}-{event_id}"),
                "event": kind,
                "occurred_at": e.try_get::<i64, _>("at")?,
                "object": object,
                "record_id": record,
                "data": data,
            });
            queued += sqlx::query(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, kind, payload, status, attempts, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) ON CONFLICT (webhook_id, event_id) DO NOTHING",
            )
            .bind(id)
            .bind(event_id)
            .bind(&kind)
            .bind(body.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// A delivery to attempt now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub secret: String,
    pub allow_private: bool,
    pub kind: String,
    /// The exact body to send (and sign).
    pub body: String,
    pub attempts: i64,
}

/// Claims up to `limit` deliveries whose time has come, each for this caller alone for a minute.
pub async fn claim_due(db: &Db, now: i64, limit: i64) -> DomainResult<Vec<Due>> {
    let rows = sqlx::query(
        "SELECT d.id, d.webhook_id, d.kind, d.payload, d.attempts, d.next_attempt_at, w.url, w.secret, w.allow_private \
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let was: i64 = r.try_get("next_attempt_at")?;
        let won = sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $3 WHERE id = $1 AND next_attempt_at = $2 AND status = 'pending'")
            .bind(id)
            .bind(was)
            .bind(now + LEASE_MS)
            .execute(db.pool())
            .await?
            .rows_affected();
        if won == 1 {
            out.push(Due {
                id,
                webhook_id: r.try_get("webhook_id")?,
                url: r.try_get("url")?,
                secret: r.try_get("secret")?,
                allow_private: r.try_get::<i64, _>("allow_private")? == 1,
                kind: r.try_get("kind")?,
                body: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
            });
        }
    }
    Ok(out)
}

/// How an attempt went: the receiver's status (2xx is success) or why nothing was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Answered(u16),
    NoAnswer(String),
}

/// Writes down an attempt: delivered on a 2xx; otherwise retried after [`backoff_ms`], or failed
/// for good after [`MAX_ATTEMPTS`]. Answers the delivery's status.
pub async fn record_attempt(db: &Db, id: i64, outcome: &Outcome, now: i64) -> DomainResult<&'static str> {
    let attempts: i64 = sqlx::query("SELECT attempts FROM webhook_deliveries WHERE id = $1").bind(id).fetch_one(db.pool()).await?.try_get("attempts")?;
    let attempts = attempts + 1;
    let (status, code, error) = match outcome {
        Outcome::Answered(c) if (200..300).contains(c) => ("delivered", Some(*c as i64), String::new()),
        Outcome::Answered(c) => (if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" }, Some(*c as i64), format!("HTTP {c}")),
        Outcome::NoAnswer(e) => (if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" }, None, e.chars().take(500).collect()),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = $6, \
         delivered_at = CASE WHEN $2 = 'delivered' THEN $7 ELSE delivered_at END WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status)
    .bind(attempts)
    .bind(code)
    .bind(error)
    .bind(now + backoff_ms(attempts))
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_an_independent_hmac() {
        // Computed with Python: hmac.new(b"whsec_test", b"1700000000000.{\"a\":1}", "sha256").hexdigest()
        assert_eq!(
            sign("whsec_test", 1_700_000_000_000, "{\"a\":1}"),
            "v1=33284ebef248a1f463f81384bfb39351b857cb4897c654b820611536fa084f1e"
        );
        assert_ne!(sign("whsec_test", 1_700_000_000_001, "{\"a\":1}"), sign("whsec_test", 1_700_000_000_000, "{\"a\":1}"));
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(3), 120_000);
        assert_eq!(backoff_ms(30), 6 * HOUR_MS);
    }

    #[test]
    fn private_targets_are_refused_unless_allowed() {
        for bad in ["http://127.0.0.1/hook", "http://10.1.2.3/x", "https://192.168.1.5", "http://localhost:8080/", "http://[::1]/", "http://169.254.169.254/latest", "http://100.64.0.1/", "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/"] {
            assert!(matches!(TargetUrl::parse(bad, false), Err(DomainError::Invalid { code: "private_address", .. })), "{bad}");
            assert!(TargetUrl::parse(bad, true).is_ok(), "{bad} when allowed");
        }
        assert!(TargetUrl::parse("https://hooks.example.com/crm", false).is_ok());
        assert!(TargetUrl::parse("https://8.8.8.8/x", false).is_ok());
        assert!(matches!(TargetUrl::parse("ftp://example.com/", false), Err(DomainError::Invalid { code: "scheme", .. })));
        assert!(matches!(TargetUrl::parse("https://user:pw@example.com/", false), Err(DomainError::Invalid { code: "credentials", .. })));
        assert!(matches!(TargetUrl::parse("not a url", false), Err(DomainError::Invalid { code: "format", .. })));
    }
}
