//! The notifications page: the full list, and each user's choice of what to be told about
//! (assigned to me, pools, activity on my records, tasks, comments, mentions, shares).

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::notifications::words::{t, tr};
use crate::live::record_href;
use crate::notifications::inbox::{describe, notification_list};
use crate::ui::format::format_utc;
use crate::ui::loading::resource;

#[server(endpoint = "notifications/settings")]
pub async fn notification_settings() -> Result<Vec<(String, bool)>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::settings(&st.db, &actor).await.map_err(domain_err)
}

#[server(endpoint = "notifications/settings/set")]
pub async fn set_notification_setting(kind: String, enabled: bool) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::set_setting(&st.db, &actor, &kind, enabled).await.map_err(domain_err)
}

fn category_key(c: &str) -> &'static str {
    match c {
        "assigned" => "ncat.assigned",
        "pool" => "ncat.pool",
        "activity" => "ncat.activity",
        "tasks" => "ncat.tasks",
        "comments" => "ncat.comments",
        "mentions" => "ncat.mentions",
        "approvals" => "ncat.approvals",
        "sales" => "ncat.sales",
        "service" => "ncat.service",
        _ => "ncat.shares",
    }
}

/// The full list and the settings: which groups to be told about.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let set = ServerAction::<SetNotificationSetting>::new();
    let settings = resource(move || set.version().get(), |_| notification_settings());
    let list = resource(|| (), |_| notification_list(None));
    view! {
        <section class="notifications-page">
            <h1>{tr("notif.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let (s, l) = (settings.await, list.await);
                    match (s, l) {
                        (Ok(s), Ok(l)) => view! {
                            <div class="card">
                                <h2>{tr("notif.settings")}</h2>
                                <div class="checks" data-testid="notif-settings">
                                    {s.into_iter().map(|(kind, on)| {
                                        let key = category_key(&kind);
                                        let k2 = kind.clone();
                                        view! {
                                            <label class="check"><input type="checkbox" data-kind=kind.clone() prop:checked=on
                                                on:change=move |ev| { set.dispatch(SetNotificationSetting { kind: k2.clone(), enabled: event_target_checked(&ev) }); }/>
                                                {move || t(lang.get(), key)}</label>
                                        }
                                    }).collect_view()}
                                </div>
                            </div>
                            <ul class="notif-list page" data-testid="notification-page-list">
                                {l.into_iter().map(|n| {
                                    let href = record_href(&n.object, n.record_id).unwrap_or_else(|| "#".into());
                                    let (kind, actor) = (n.kind.clone(), n.actor_name.clone());
                                    view! {
                                        <li class:unread=!n.read>
                                            <a href=href>
                                                <span class="notif-text">{move || describe(lang.get(), &kind, actor.as_deref())}</span>
                                                <strong class="notif-title">{n.title.clone()}</strong>
                                                <span class="muted small">{format_utc(n.at)}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
