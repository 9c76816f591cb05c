//! Background jobs of one server instance.

use std::time::Duration;

use app::server::AppState;

/// Starts the periodic jobs; the handle is aborted at shutdown.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match domain::accounts::sessions::purge_expired(&state.db, state.sessions).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
        }
    })
}
