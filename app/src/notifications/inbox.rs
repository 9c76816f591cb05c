//! The user's notifications: the unread count, the list, marking read, and how a notification
//! reads ("张伟 assigned you a task"). The bell, the toasts and the notifications page show them.

use domain_types::notifications::Notification;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::live::kind_key;

/// Shown as "99+" above this.
pub const UNREAD_CAP: i64 = 99;

#[server(endpoint = "notifications/count")]
pub async fn notification_count() -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::unread_count(&st.db, &actor, UNREAD_CAP).await.map_err(domain_err)
}

#[server(endpoint = "notifications/list")]
pub async fn notification_list(before_id: Option<i64>) -> Result<Vec<Notification>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::list(&st.db, &actor, before_id, 30).await.map_err(domain_err)
}

#[server(endpoint = "notifications/read", input = leptos::server_fn::codec::Json)]
pub async fn mark_notifications_read(ids: Vec<i64>) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::mark_read(&st.db, &actor, &ids).await.map_err(domain_err)
}

#[server(endpoint = "notifications/read_all")]
pub async fn mark_all_notifications_read() -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::mark_all_read(&st.db, &actor).await.map_err(domain_err)
}

/// "张伟 assigned you a task" and the like.
pub fn describe(lang: Lang, kind: &str, actor: Option<&str>) -> String {
    let who = actor.map(String::from).unwrap_or_else(|| t(lang, "ev.system").to_string());
    t(lang, kind_key(kind)).replace("{who}", &who)
}
