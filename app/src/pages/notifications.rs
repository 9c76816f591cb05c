//! The notification centre: the bell with its unread count (live), the list (mark read, mark all
//! read, open the record), toasts for what just arrived, and each user's choice of what to be told.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang, Lang};
use crate::live::{kind_key, record_href, use_live, Status};

pub use domain_types::notifications::Notification as NotificationDto;

/// Shown as "99+" above this.
const UNREAD_CAP: i64 = 99;

#[server(endpoint = "notifications/count")]
pub async fn notification_count() -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::notifications::unread_count(&st.db, &actor, UNREAD_CAP).await.map_err(domain_err)
}

#[server(endpoint = "notifications/list")]
pub async fn notification_list(before_id: Option<i64>) -> Result<Vec<NotificationDto>, AppError> {
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

/// "张伟 assigned you a task" and the like.
pub fn describe(lang: Lang, kind: &str, actor: Option<&str>) -> String {
    let who = actor.map(String::from).unwrap_or_else(|| t(lang, "ev.system").to_string());
    t(lang, kind_key(kind)).replace("{who}", &who)
}

fn category_key(c: &str) -> &'static str {
    match c {
        "assigned" => "ncat.assigned",
        "pool" => "ncat.pool",
        "activity" => "ncat.activity",
        "tasks" => "ncat.tasks",
        "comments" => "ncat.comments",
        "mentions" => "ncat.mentions",
        _ => "ncat.shares",
    }
}

/// Loads the unread count once the page runs in the browser (the server renders the bell empty,
/// so hydration matches).
fn refresh_unread() {
    if let Some(live) = use_live() {
        leptos::task::spawn_local(async move {
            if let Ok(n) = notification_count().await {
                live.unread.set(n);
            }
        });
    }
}

/// The bell in the header, with its panel.
#[component]
pub fn Bell() -> impl IntoView {
    let lang = use_lang();
    let live = use_live().expect("the layout provides the live state");
    let open = RwSignal::new(false);
    let items = RwSignal::new(None::<Result<Vec<NotificationDto>, AppError>>);
    Effect::new(move |_| refresh_unread());
    let load = move || {
        items.set(None);
        leptos::task::spawn_local(async move { items.set(Some(notification_list(None).await)) });
    };
    // An open panel shows what just arrived.
    Effect::new(move |_| {
        if live.last.get().is_some_and(|e| e.notify) && open.get_untracked() {
            load();
        }
    });
    let read_all = move |_| {
        leptos::task::spawn_local(async move {
            if mark_all_notifications_read().await.is_ok() {
                live.unread.set(0);
                items.update(|i| if let Some(Ok(list)) = i { list.iter_mut().for_each(|n| n.read = true) });
            }
        });
    };
    let badge = move || {
        let n = live.unread.get();
        (n > 0).then(|| if n > UNREAD_CAP { "99+".to_string() } else { n.to_string() })
    };
    view! {
        <div class="bell-wrap">
            <button class="bell" data-testid="bell" title=move || t(lang.get(), "notif.title")
                on:click=move |_| { let now = !open.get_untracked(); open.set(now); if now { load(); } }>
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.7 21a2 2 0 0 1-3.4 0"/>
                </svg>
                {move || badge().map(|b| view! { <span class="bell-count" data-testid="bell-count">{b}</span> })}
            </button>
            <Show when=move || open.get()>
                <div class="bell-panel" data-testid="bell-panel">
                    <div class="bell-head">
                        <strong>{tr("notif.title")}</strong>
                        <button class="link" data-testid="read-all" on:click=read_all>{tr("notif.read_all")}</button>
                        <a href="/notifications" class="small">{tr("notif.settings")}</a>
                    </div>
                    {move || match items.get() {
                        None => view! { <p class="loading">{tr("shell.loading")}</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{tr("notif.none")}</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul class="notif-list">
                                {list.into_iter().map(|n| view! { <NotificationItem n items open/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}

#[component]
fn NotificationItem(n: NotificationDto, items: RwSignal<Option<Result<Vec<NotificationDto>, AppError>>>, open: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let live = use_live().expect("live state");
    let href = record_href(&n.object, n.record_id);
    let (id, unread) = (n.id, !n.read);
    let mark = move || {
        if unread {
            live.unread.update(|c| *c = (*c - 1).max(0));
            items.update(|i| if let Some(Ok(list)) = i { list.iter_mut().filter(|x| x.id == id).for_each(|x| x.read = true) });
            leptos::task::spawn_local(async move {
                let _ = mark_notifications_read(vec![id]).await;
            });
        }
    };
    let (kind, actor) = (n.kind.clone(), n.actor_name.clone());
    view! {
        <li class:unread=unread data-testid="notification" data-kind=n.kind.clone()>
            <a href=href.unwrap_or_else(|| "#".into()) on:click=move |_| { mark(); open.set(false); }>
                <span class="notif-text">{move || describe(lang.get(), &kind, actor.as_deref())}</span>
                <strong class="notif-title">{n.title.clone()}</strong>
                <span class="muted small">{crate::ui::format::format_utc(n.at)}</span>
            </a>
            {unread.then(|| view! {
                <button class="link small" data-testid="mark-read" on:click=move |_| mark()>{move || t(lang.get(), "notif.mark_read")}</button>
            })}
        </li>
    }
}

/// Notifications that just arrived, shown for a few seconds; and the connection's state.
#[component]
pub fn LiveOverlay() -> impl IntoView {
    let lang = use_lang();
    let live = use_live().expect("live state");
    view! {
        <Show when=move || live.status.get() == Status::Reconnecting>
            <div class="live-status" data-testid="live-status">{tr("live.reconnecting")}</div>
        </Show>
        <div class="toasts">
            <For each=move || live.toasts.get() key=|e| e.id let:e>
                {
                    let href = record_href(&e.object, e.record_id).unwrap_or_else(|| "#".into());
                    let (kind, actor) = (e.kind.clone(), e.actor_name.clone());
                    view! {
                        <a class="toast" data-testid="toast" href=href>
                            <span>{move || describe(lang.get(), &kind, actor.as_deref())}</span>
                            <strong>{e.title.clone()}</strong>
                        </a>
                    }
                }
            </For>
        </div>
    }
}

/// The full list and the settings: which groups to be told about.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let set = ServerAction::<SetNotificationSetting>::new();
    let settings = Resource::new(move || set.version().get(), |_| notification_settings());
    let list = Resource::new(|| (), |_| notification_list(None));
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
                                                <span class="muted small">{crate::ui::format::format_utc(n.at)}</span>
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
