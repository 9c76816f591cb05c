//! Background jobs of one server instance: reminders for tasks that fell due and approval time
//! limits (reminders, escalation to the approver's manager) (every minute),
//! purging dead sessions, recycling pool customers, flagging overdue receivables and tickets past
//! their SLA (every ten minutes; each receivable and ticket is flagged once, so the flags are as
//! good as a daily run, only sooner). All are idempotent, so
//! several instances running them against one database is harmless.

use std::time::Duration;

use app::server::AppState;

/// Starts the periodic jobs; the handle is aborted at shutdown.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut round: u64 = 0;
        loop {
            tick.tick().await;
            round += 1;
            match domain::tasks::remind_due(&state.db, domain::clock::now_ms()).await {
                Ok(r) if !r.is_empty() => tracing::info!(tasks = r.len(), "due tasks reminded"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "task reminders failed"),
            }
            match domain::approvals::deadlines::run(&state.db, domain::clock::now_ms()).await {
                Ok(r) if !r.reminded.is_empty() || !r.escalated.is_empty() => {
                    tracing::info!(reminded = r.reminded.len(), escalated = r.escalated.len(), "approval time limits ran")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "approval time limits failed"),
            }
            if round % 10 != 1 {
                continue;
            }
            match domain::accounts::sessions::purge_expired(&state.db, state.sessions).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            match domain::sales::receivables::flag_overdue(&state.db, domain::clock::now_ms()).await {
                Ok(r) if !r.is_empty() => tracing::info!(receivables = r.len(), "overdue receivables flagged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "overdue flagging failed"),
            }
            match domain::service::tickets::flag_sla_breaches(&state.db, domain::clock::now_ms()).await {
                Ok(r) if !r.is_empty() => tracing::info!(tickets = r.len(), "SLA breaches flagged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "SLA breach flagging failed"),
            }
            match domain::pools::recycle(&state.db, domain::clock::now_ms()).await {
                Ok(r) if !r.recycled.is_empty() || !r.reminded.is_empty() => {
                    tracing::info!(recycled = r.recycled.len(), reminded = r.reminded.len(), "pool recycling ran")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pool recycling failed"),
            }
        }
    })
}
