//! Sending webhook deliveries: every few seconds new events are queued
//! (`domain::integration::webhooks::enqueue`) and the deliveries whose time has come are claimed
//! and POSTed, signed, with a 10-second limit; the outcome is written back (delivered, retried
//! later, or given up). The queue is the database's, so a restart resumes where it stopped.
//!
//! Each delivery carries `X-CRM-Event` (kind), `X-CRM-Delivery` (stable across retries, for the
//! receiver to drop repeats), `X-CRM-Timestamp` (UTC milliseconds) and `X-CRM-Signature`
//! (`v1=` hex HMAC-SHA256 of "timestamp.body" with the subscription's secret). Unless the
//! subscription allows internal targets, a host resolving to a private or loopback address is not
//! contacted, and redirects are never followed.

use std::time::Duration;

use domain::integration::webhooks::{self, Due, Outcome};
use domain::{Db, DomainResult};

/// Deliveries attempted per round (per instance).
const PER_ROUND: i64 = 50;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("crm-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client")
}

/// Why a target may not be contacted, if it may not.
async fn refused_target(d: &Due) -> Option<String> {
    if d.allow_private {
        return None;
    }
    let url = reqwest::Url::parse(&d.url).ok()?;
    let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let resolved = tokio::net::lookup_host((host.as_str(), port)).await.map(|a| a.collect::<Vec<_>>());
    match resolved {
        Ok(addrs) => addrs.iter().any(|a| webhooks::is_private_ip(a.ip())).then(|| format!("{host} resolves to a private address; not contacted")),
        Err(e) => Some(format!("{host}: {e}")),
    }
}

async fn send(client: &reqwest::Client, d: &Due) -> Outcome {
    if let Some(why) = refused_target(d).await {
        return Outcome::NoAnswer(why);
    }
    let timestamp = domain::clock::now_ms();
    let delivery_id = serde_json::from_str::<serde_json::Value>(&d.body).ok().and_then(|v| v["id"].as_str().map(str::to_string)).unwrap_or_default();
    let res = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("x-crm-event", &d.kind)
        .header("x-crm-delivery", delivery_id)
        .header("x-crm-timestamp", timestamp.to_string())
        .header("x-crm-signature", webhooks::sign(&d.secret, timestamp, &d.body))
        .body(d.body.clone())
        .send()
        .await;
    match res {
        Ok(r) => Outcome::Answered(r.status().as_u16()),
        Err(e) => Outcome::NoAnswer(e.to_string()),
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub queued: usize,
    pub attempted: usize,
    pub delivered: usize,
}

/// Queues new events and attempts the deliveries due at `now`.
pub async fn run_round(db: &Db, client: &reqwest::Client, now: i64) -> DomainResult<Round> {
    let queued = webhooks::enqueue(db, now).await?;
    let due = webhooks::claim_due(db, now, PER_ROUND).await?;
    let mut round = Round { queued, attempted: due.len(), delivered: 0 };
    for d in &due {
        let outcome = send(client, d).await;
        if webhooks::record_attempt(db, d.id, &outcome, now).await? == "delivered" {
            round.delivered += 1;
        }
    }
    Ok(round)
}

/// Runs rounds every few seconds until aborted.
pub fn spawn(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = client();
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            match run_round(&db, &client, domain::clock::now_ms()).await {
                Ok(r) if r.attempted > 0 => tracing::info!(queued = r.queued, attempted = r.attempted, delivered = r.delivered, "webhook round"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook round failed"),
            }
        }
    })
}
