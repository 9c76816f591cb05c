//! The upload of a file to import (`POST /api/imports/{kind}`, the file's bytes as the body, its
//! name in `X-File-Name`): behind the session guard like every `/api` route, read and kept by
//! `domain::imports::stage`, answered with the preview. The import itself runs in the background
//! ([`spawn`]), one job after another, so a 100,000-row file never holds a request open.

use std::time::Duration;

use app::error::AppError;
use app::server::{AppState, CurrentSession};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::{HeaderMap, StatusCode};

fn refused(e: domain::DomainError) -> Response {
    let e = AppError::from(e);
    (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), Json(e)).into_response()
}

pub async fn upload(State(st): State<AppState>, Extension(session): Extension<CurrentSession>, Path(kind): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let name = headers.get("x-file-name").and_then(|v| v.to_str().ok()).map(|v| percent_decode(v)).unwrap_or_default();
    let actor = match domain::policy::Actor::load(&st.db, session.user.user_id).await {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    match domain::imports::stage(&st.db, &actor, &kind, &name, &body).await {
        Ok(preview) => Json(preview).into_response(),
        Err(e) => refused(e),
    }
}

/// `%XX` sequences back to bytes (the browser sends the file name URI-encoded).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs queued imports one after another until aborted; first puts back in the queue what a
/// stopped server left running.
pub fn spawn(db: domain::Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match domain::imports::requeue_interrupted(&db).await {
            Ok(n) if n > 0 => tracing::info!(imports = n, "interrupted imports queued again"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "requeueing imports failed"),
        }
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            loop {
                match domain::imports::claim_next(&db).await {
                    Ok(Some(id)) => match domain::imports::run(&db, id).await {
                        Ok(status) => tracing::info!(import = id, status, "import finished"),
                        Err(e) => {
                            tracing::warn!(import = id, error = %e, "import failed");
                            let _ = domain::imports::mark_failed(&db, id).await;
                        }
                    },
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming an import failed");
                        break;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_decoded() {
        assert_eq!(super::percent_decode("%E5%AE%A2%E6%88%B7.csv"), "客户.csv");
        assert_eq!(super::percent_decode("plain.csv"), "plain.csv");
        assert_eq!(super::percent_decode("bad%zz%"), "bad%zz%");
    }
}
