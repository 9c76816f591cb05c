//! The server functions of opportunities: session → one call into `domain::opportunities`. Stages,
//! scopes, field rights and the checks of a move are decided there.

use domain_types::opportunities::{BoardColumn, ForecastRow};
use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A new opportunity as the form holds it: the amount as typed, in major units (元).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityForm {
    pub customer_id: i64,
    pub name: String,
    pub amount: String,
    pub currency: String,
    /// YYYY-MM-DD, or empty.
    pub expected_close: String,
}

/// The board: one column per stage (won and lost last), the newest-updated cards first.
#[server(endpoint = "opportunities/board", input = Json)]
pub async fn opportunity_board(filter: ListFilter) -> Result<Vec<BoardColumn>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::opportunities::pipeline::BoardQuery::of_filter(&filter, 50);
    domain::opportunities::pipeline::board(&st.db, &actor, &q).await.map_err(domain_err)
}

/// Moves an opportunity from the stage the mover saw it in to another; a lost stage needs a reason.
#[server(endpoint = "opportunities/move")]
pub async fn move_opportunity(id: i64, from_stage: i64, to_stage: i64, lost_reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::opportunities::pipeline::move_to(&st.db, &actor, id, from_stage, to_stage, &lost_reason).await.map_err(domain_err)
}

/// The customers an opportunity may be opened on (those the caller may read).
#[server(endpoint = "opportunities/customers")]
pub async fn opportunity_customers() -> Result<Vec<(i64, String)>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::customers::list::ListQuery { limit: 200, ..Default::default() };
    Ok(domain::customers::list::page(&st.db, &actor, &q).await.map_err(domain_err)?.rows.into_iter().map(|c| (c.id, c.name)).collect())
}

#[server(endpoint = "opportunities/create", input = Json)]
pub async fn create_opportunity(form: OpportunityForm) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    if form.customer_id <= 0 {
        return Err(crate::error::fail(AppError::Invalid { field: "customer".into(), code: "required".into() }));
    }
    let amount_minor = domain::opportunities::parse_major_units(&form.amount).map_err(domain_err)?;
    let input = domain::opportunities::NewOpportunity {
        name: form.name,
        amount_minor,
        currency: form.currency,
        expected_close: form.expected_close.trim().to_string(),
        ..Default::default()
    };
    domain::opportunities::create(&st.db, &actor, form.customer_id, &input).await.map_err(domain_err)
}

/// The forecast for `months` months from `from_month` (YYYY-MM): per month, unit and currency.
#[server(endpoint = "opportunities/forecast")]
pub async fn opportunity_forecast(from_month: String, months: i64) -> Result<Vec<ForecastRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::opportunities::forecast::forecast(&st.db, &actor, from_month.trim(), months.clamp(1, 24)).await.map_err(domain_err)
}
