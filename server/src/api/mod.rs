//! The REST API under `/api/v1`: personal access tokens (`Authorization: Bearer crm_pat_…`) act
//! as their user under the same policy as the pages. Each call is looked up afresh (a revoked or
//! expired token is refused at once), limited per token, and written to the audit log with its
//! outcome. The OpenAPI document at `/api/v1/openapi.json` is made from the same route table.

pub mod openapi;
pub mod rate;

use std::sync::Arc;
use std::time::Instant;

use app::server::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use domain::integration::api::{self, ApiError, ApiObject};
use domain::integration::tokens::{self, TokenUse};
use domain::policy::Actor;
use domain::DomainError;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

pub use rate::{Limits, RateLimiter};

pub const BASE: &str = "/api/v1";

#[derive(Clone)]
pub struct ApiState {
    pub app: AppState,
    pub limiter: Arc<RateLimiter>,
}

/// Who is calling: the token and the user it acts for, with their rights loaded for this call.
#[derive(Clone)]
struct Caller {
    actor: Arc<Actor>,
}

pub fn router(app: AppState, limits: Limits) -> Router {
    let st = ApiState { app, limiter: Arc::new(RateLimiter::new(limits)) };
    let objects = Router::new()
        .route("/{object}", get(list).post(create))
        .route("/{object}/{id}", get(one).patch(update))
        .route("/receivables/{id}/receipts", post(receipt))
        .layer(axum::middleware::from_fn_with_state(st.clone(), authenticate))
        .with_state(st);
    Router::new().route("/openapi.json", get(|| async { Json(openapi::document()) })).merge(objects)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| secret.trim())
}

fn problem(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    let mut body = json!({ "error": code, "message": message });
    if let Some(f) = field {
        body["field"] = json!(f);
    }
    (status, Json(body)).into_response()
}

/// Resolves the token, applies its rate limit, loads its user's rights, runs the call and notes
/// it in the audit log.
async fn authenticate(State(st): State<ApiState>, mut req: Request, next: Next) -> Response {
    let now = domain::clock::now_ms();
    let Some(secret) = bearer(req.headers()) else {
        return unauthenticated();
    };
    let call: TokenUse = match tokens::resolve(&st.app.db, secret, now).await {
        Ok(c) => c,
        Err(DomainError::Unauthenticated) => return unauthenticated(),
        Err(e) => return failure(ApiError::Domain(e)),
    };
    // The full path as asked (inside the nested router the prefix is stripped).
    let path = req.extensions().get::<axum::extract::OriginalUri>().map(|u| u.0.path().to_string()).unwrap_or_else(|| req.uri().path().to_string());
    let method = req.method().to_string();
    let res = match st.limiter.take(call.token_id, Instant::now()) {
        Err(retry_after) => {
            let mut r = problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("too many calls; retry in {retry_after} s"), None);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            r
        }
        Ok(()) => match Actor::load(&st.app.db, call.user_id).await {
            Ok(actor) => {
                req.extensions_mut().insert(Caller { actor: Arc::new(actor) });
                next.run(req).await
            }
            Err(e) => failure(ApiError::Domain(e)),
        },
    };
    if let Err(e) = tokens::audit_call(&st.app.db, &call, &method, &path, res.status().as_u16()).await {
        tracing::error!(error = %e, "API call not audited");
        return failure(ApiError::Domain(e));
    }
    res
}

fn unauthenticated() -> Response {
    let mut r = problem(StatusCode::UNAUTHORIZED, "unauthenticated", "a valid personal access token is required".into(), None);
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// The one place API failures become HTTP answers.
fn failure(e: ApiError) -> Response {
    let d = match e {
        ApiError::Body(msg) => return problem(StatusCode::UNPROCESSABLE_ENTITY, "malformed_body", msg, None),
        ApiError::Domain(d) => d,
    };
    let message = d.to_string();
    match &d {
        DomainError::Unauthenticated => unauthenticated(),
        DomainError::Forbidden => problem(StatusCode::FORBIDDEN, "forbidden", message, None),
        DomainError::ReadOnlyField(f) => problem(StatusCode::FORBIDDEN, "read_only_field", message.clone(), Some(f)),
        DomainError::NotFound => problem(StatusCode::NOT_FOUND, "not_found", message, None),
        DomainError::Invalid { field, code } => problem(StatusCode::UNPROCESSABLE_ENTITY, code, message, Some(field)),
        DomainError::RateLimited { .. } => problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message, None),
        DomainError::Database(_) | DomainError::Migration(_) | DomainError::Internal(_) => {
            tracing::error!(error = %d, "API call failed");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error".into(), None)
        }
        DomainError::Conflict(code) => problem(StatusCode::CONFLICT, code, message.clone(), None),
        _ => problem(StatusCode::CONFLICT, "conflict", message, None),
    }
}

fn object_of(segment: &str) -> Result<ApiObject, Response> {
    ApiObject::parse(segment).ok_or_else(|| problem(StatusCode::NOT_FOUND, "unknown_object", format!("no such object: {segment}"), None))
}

fn answer(status: StatusCode, r: Result<Value, ApiError>) -> Response {
    match r {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => failure(e),
    }
}

#[derive(Debug, Deserialize)]
struct ListParams {
    cursor: Option<String>,
    limit: Option<i64>,
}

async fn list(State(st): State<ApiState>, Extension(c): Extension<Caller>, Path(object): Path<String>, Query(p): Query<ListParams>) -> Response {
    let object = match object_of(&object) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let page = api::list(&st.app.db, &c.actor, object, p.cursor.as_deref(), p.limit).await;
    answer(StatusCode::OK, page.and_then(|p| serde_json::to_value(p).map_err(|e| ApiError::Body(e.to_string()))))
}

async fn one(State(st): State<ApiState>, Extension(c): Extension<Caller>, Path((object, id)): Path<(String, i64)>) -> Response {
    match object_of(&object) {
        Ok(o) => answer(StatusCode::OK, api::get(&st.app.db, &c.actor, o, id).await),
        Err(r) => r,
    }
}

/// A body that is not JSON is answered like one of the wrong shape.
fn json_body(body: Result<Json<Value>, axum::extract::rejection::JsonRejection>) -> Result<Value, Response> {
    body.map(|Json(v)| v).map_err(|e| failure(ApiError::Body(e.body_text())))
}

async fn create(
    State(st): State<ApiState>,
    Extension(c): Extension<Caller>,
    Path(object): Path<String>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let object = match object_of(&object) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match json_body(body) {
        Ok(v) => answer(StatusCode::CREATED, api::create(&st.app.db, &c.actor, object, v).await),
        Err(r) => r,
    }
}

async fn update(
    State(st): State<ApiState>,
    Extension(c): Extension<Caller>,
    Path((object, id)): Path<(String, i64)>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let object = match object_of(&object) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match json_body(body) {
        Ok(v) => answer(StatusCode::OK, api::update(&st.app.db, &c.actor, object, id, v).await),
        Err(r) => r,
    }
}

async fn receipt(
    State(st): State<ApiState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    match json_body(body) {
        Ok(v) => answer(StatusCode::CREATED, api::record_receipt(&st.app.db, &c.actor, id, v).await),
        Err(r) => r,
    }
}
