//! The server functions of tickets: session → one call into `domain::service::tickets`.

use domain_types::service::{NewTicket, TicketRow};
use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;

/// One page of the tickets the caller may read that match the filter, newest first.
#[server(endpoint = "tickets/list", input = Json)]
pub async fn ticket_list(filter: ListFilter, before_id: Option<i64>) -> Result<Vec<TicketRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::service::tickets::TicketQuery::of_filter(&filter, before_id, crate::ui::list::PAGE_SIZE).map_err(domain_err)?;
    domain::service::tickets::list(&st.db, &actor, &q).await.map_err(domain_err)
}

#[server(endpoint = "tickets/page")]
pub async fn ticket_page(id: i64) -> Result<TicketRow, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::service::tickets::get(&st.db, &actor, id).await.map_err(domain_err)
}

/// The customers a ticket may be opened on (those the caller may read).
#[server(endpoint = "tickets/customers")]
pub async fn ticket_customers() -> Result<Vec<(i64, String)>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::customers::list::ListQuery { limit: 200, ..Default::default() };
    Ok(domain::customers::list::page(&st.db, &actor, &q).await.map_err(domain_err)?.rows.into_iter().map(|c| (c.id, c.name)).collect())
}

#[server(endpoint = "tickets/create", input = Json)]
pub async fn create_ticket(ticket: NewTicket) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::service::tickets::create(&st.db, &actor, &ticket).await.map_err(domain_err)
}

#[server(endpoint = "tickets/status")]
pub async fn set_ticket_status(id: i64, status: String, resolution: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::service::tickets::set_status(&st.db, &actor, id, &status, &resolution).await.map_err(domain_err)
}
