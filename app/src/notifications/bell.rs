//! The bell in the header: the live unread count, and a panel with the newest notifications
//! (mark read, mark all read, open the record).

use domain_types::notifications::Notification;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::live::{record_href, use_live};
use crate::notifications::inbox::{describe, mark_all_notifications_read, mark_notifications_read, notification_count, notification_list, UNREAD_CAP};
use crate::ui::first_use::OnFirstUse;
use crate::ui::format::format_utc;

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

/// The bell in the header. Its panel is fetched on the first click: most visits never open it.
#[component]
pub fn Bell() -> impl IntoView {
    let lang = use_lang();
    let live = use_live().expect("the layout provides the live state");
    let open = RwSignal::new(false);
    Effect::new(move |_| refresh_unread());
    let badge = move || {
        let n = live.unread.get();
        (n > 0).then(|| if n > UNREAD_CAP { "99+".to_string() } else { n.to_string() })
    };
    view! {
        <div class="bell-wrap">
            <button class="bell" data-testid="bell" title=move || t(lang.get(), "notif.title")
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.7 21a2 2 0 0 1-3.4 0"/>
                </svg>
                {move || badge().map(|b| view! { <span class="bell-count" data-testid="bell-count">{b}</span> })}
            </button>
            <OnFirstUse when=open part=move || bell_panel(open)
                fallback=|| view! { <div class="bell-panel"><p class="loading">{tr("shell.loading")}</p></div> }/>
        </div>
    }
}

#[lazy]
fn bell_panel(open: RwSignal<bool>) -> AnyView {
    view! { <BellPanel open/> }.into_any()
}

/// The newest notifications, loaded each time the panel opens and again when one arrives.
#[component]
fn BellPanel(open: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let live = use_live().expect("the layout provides the live state");
    let items = RwSignal::new(None::<Result<Vec<Notification>, AppError>>);
    let load = move || {
        leptos::task::spawn_local(async move { items.set(Some(notification_list(None).await)) });
    };
    load();
    // The first run only subscribes: the panel has just loaded.
    Effect::new(move |subscribed: Option<()>| {
        let arrived = live.last.get().is_some_and(|e| e.notify);
        if subscribed.is_some() && arrived {
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
    view! {
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
    }
}

#[component]
fn NotificationItem(n: Notification, items: RwSignal<Option<Result<Vec<Notification>, AppError>>>, open: RwSignal<bool>) -> impl IntoView {
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
                <span class="muted small">{format_utc(n.at)}</span>
            </a>
            {unread.then(|| view! {
                <button class="link small" data-testid="mark-read" on:click=move |_| mark()>{move || t(lang.get(), "notif.mark_read")}</button>
            })}
        </li>
    }
}
