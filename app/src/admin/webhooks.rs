//! `/admin/webhooks`: administrators subscribe URLs to event kinds and watch the deliveries —
//! pending, delivered or given up, with the receiver's last answer. The signing secret is shown
//! once, when the subscription is made. The rules are in `domain::integration::webhooks`; the
//! sending in `server/src/webhooks.rs`.

use domain_types::integration::{CreatedWebhook, DeliveryRow, WebhookInput, WebhookRow, WEBHOOK_KINDS};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::{t_or_main, use_lang, Lang, Texts};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_utc;
use crate::ui::loading::{loaded, resource};

const TEXTS: &Texts = &[
    ("wh.title", "Webhook 订阅", "Webhooks"),
    ("wh.explain", "发生所选事件时，系统向该地址 POST 一条 JSON（只含订阅人有权查看的内容），附带 HMAC-SHA256 签名；失败会按退避策略重试。", "When a chosen event happens, the CRM POSTs JSON (only what the subscriber may read) to the address, signed with HMAC-SHA256, and retries with backoff when it fails."),
    ("wh.url", "接收地址", "URL"),
    ("wh.kinds", "事件", "Events"),
    ("wh.allow_private", "允许内网或本机地址（仅限可信的内部系统）", "Allow private or loopback addresses (trusted internal systems only)"),
    ("wh.create", "订阅", "Subscribe"),
    ("wh.secret", "签名密钥（只显示这一次，请立即保存）：", "Signing secret (shown only now; save it):"),
    ("wh.none", "还没有订阅。", "No subscriptions yet."),
    ("wh.owner", "订阅人", "Subscriber"),
    ("wh.state", "状态", "State"),
    ("wh.active", "启用", "Active"),
    ("wh.paused", "已暂停", "Paused"),
    ("wh.pending", "待发送", "Pending"),
    ("wh.delivered", "已送达", "Delivered"),
    ("wh.failed", "已放弃", "Failed"),
    ("wh.pause", "暂停", "Pause"),
    ("wh.resume", "恢复", "Resume"),
    ("wh.delete", "删除", "Delete"),
    ("wh.show", "查看投递", "Deliveries"),
    ("wh.deliveries", "最近投递", "Recent deliveries"),
    ("wh.event", "事件", "Event"),
    ("wh.attempts", "尝试次数", "Attempts"),
    ("wh.answer", "对方响应", "Answer"),
    ("wh.next", "下次尝试", "Next try"),
    ("wh.at", "时间", "Time"),
    ("wh.no_deliveries", "还没有投递。", "No deliveries yet."),
    ("wh.loading", "加载中…", "Loading…"),
];

fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}

#[server(endpoint = "admin/webhooks")]
pub async fn webhooks_list() -> Result<Vec<WebhookRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::webhooks::list(&st.db, &actor).await.map_err(domain_err)
}

#[server(endpoint = "admin/webhooks/create", input = Json)]
pub async fn subscribe_webhook(input: WebhookInput) -> Result<CreatedWebhook, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::webhooks::subscribe(&st.db, &actor, &input).await.map_err(domain_err)
}

#[server(endpoint = "admin/webhooks/active")]
pub async fn set_webhook_active(id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::webhooks::set_active(&st.db, &actor, id, active).await.map_err(domain_err)
}

#[server(endpoint = "admin/webhooks/delete")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::webhooks::delete(&st.db, &actor, id).await.map_err(domain_err)
}

#[server(endpoint = "admin/webhooks/deliveries")]
pub async fn webhook_deliveries(id: i64) -> Result<Vec<DeliveryRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::webhooks::deliveries(&st.db, &actor, id, 50).await.map_err(domain_err)
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let lang = use_lang();
    let subscribe = ServerAction::<SubscribeWebhook>::new();
    let toggle = ServerAction::<SetWebhookActive>::new();
    let remove = ServerAction::<DeleteWebhook>::new();
    let list = resource(move || (subscribe.version().get(), toggle.version().get(), remove.version().get()), |_| webhooks_list());
    let shown = RwSignal::new(None::<i64>);
    let deliveries = resource(move || shown.get(), |id| async move {
        match id {
            Some(id) => webhook_deliveries(id).await,
            None => Ok(Vec::new()),
        }
    });
    let url = RwSignal::new(String::new());
    let kinds = RwSignal::new(Vec::<String>::new());
    let allow_private = RwSignal::new(false);
    view! {
        <section class="webhooks" data-testid="webhooks">
            <h2>{move || text(lang.get(), "wh.title")}</h2>
            <p class="muted">{move || text(lang.get(), "wh.explain")}</p>
            <form class="stack-form" data-testid="webhook-form" on:submit=move |ev| {
                ev.prevent_default();
                subscribe.dispatch(SubscribeWebhook { input: WebhookInput { url: url.get_untracked(), kinds: kinds.get_untracked(), allow_private: allow_private.get_untracked() } });
            }>
                <label><span>{move || text(lang.get(), "wh.url")}</span>
                    <input type="url" required placeholder="https://" data-testid="webhook-url" bind:value=url/>
                </label>
                <fieldset class="kind-choices">
                    <legend>{move || text(lang.get(), "wh.kinds")}</legend>
                    {WEBHOOK_KINDS.iter().map(|k| {
                        let k = k.to_string();
                        let key = k.clone();
                        let toggled = k.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" data-testid="webhook-kind" value=k.clone()
                                    prop:checked=move || kinds.with(|ks| ks.contains(&key))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let k = toggled.clone();
                                        kinds.update(|ks| { ks.retain(|x| *x != k); if on { ks.push(k); } });
                                    }/>
                                <code>{k.clone()}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <label class="check"><input type="checkbox" data-testid="webhook-private" bind:checked=allow_private/>{move || text(lang.get(), "wh.allow_private")}</label>
                <button type="submit" class="primary" data-testid="webhook-create" disabled=move || subscribe.pending().get()>{move || text(lang.get(), "wh.create")}</button>
            </form>
            <ActionError error=error_of(subscribe.value())/>
            {move || subscribe.value().get().and_then(|r| r.ok()).map(|made| view! {
                <div class="token-secret" data-testid="webhook-secret-box">
                    <p><strong>{move || text(lang.get(), "wh.secret")}</strong></p>
                    <code data-testid="webhook-secret">{made.secret.clone()}</code>
                </div>
            })}
            <Transition fallback=move || view! { <p class="loading">{move || text(lang.get(), "wh.loading")}</p> }>
                {move || Suspend::new(async move {
                    let rows = match loaded(list).await {
                        Some(Ok(rows)) => rows,
                        Some(Err(e)) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        None => return ().into_any(),
                    };
                    if rows.is_empty() {
                        return view! { <p class="muted" data-testid="no-webhooks">{move || text(lang.get(), "wh.none")}</p> }.into_any();
                    }
                    view! {
                        <table class="records" data-testid="webhook-table">
                            <thead><tr>
                                <th>{move || text(lang.get(), "wh.url")}</th>
                                <th>{move || text(lang.get(), "wh.kinds")}</th>
                                <th>{move || text(lang.get(), "wh.owner")}</th>
                                <th>{move || text(lang.get(), "wh.state")}</th>
                                <th class="num">{move || text(lang.get(), "wh.pending")}</th>
                                <th class="num">{move || text(lang.get(), "wh.delivered")}</th>
                                <th class="num">{move || text(lang.get(), "wh.failed")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|w| {
                                    let (id, active) = (w.id, w.active);
                                    view! {
                                        <tr data-testid="webhook-row" data-active=active.to_string()>
                                            <td class="name"><code>{w.url.clone()}</code></td>
                                            <td data-label=move || text(lang.get(), "wh.kinds")>{w.kinds.join(", ")}</td>
                                            <td data-label=move || text(lang.get(), "wh.owner")>{w.owner_name.clone()}</td>
                                            <td data-label=move || text(lang.get(), "wh.state")>{move || text(lang.get(), if active { "wh.active" } else { "wh.paused" })}</td>
                                            <td class="num" data-testid="webhook-pending" data-label=move || text(lang.get(), "wh.pending")>{w.pending}</td>
                                            <td class="num" data-testid="webhook-delivered" data-label=move || text(lang.get(), "wh.delivered")>{w.delivered}</td>
                                            <td class="num" data-label=move || text(lang.get(), "wh.failed")>{w.failed}</td>
                                            <td class="actions">
                                                <button data-testid="webhook-show" on:click=move |_| shown.set(Some(id))>{move || text(lang.get(), "wh.show")}</button>
                                                <button data-testid="webhook-toggle" on:click=move |_| { toggle.dispatch(SetWebhookActive { id, active: !active }); }>
                                                    {move || text(lang.get(), if active { "wh.pause" } else { "wh.resume" })}
                                                </button>
                                                <button class="danger" data-testid="webhook-delete" on:click=move |_| { remove.dispatch(DeleteWebhook { id }); }>{move || text(lang.get(), "wh.delete")}</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })}
            </Transition>
            <ActionError error=error_of(toggle.value())/>
            <ActionError error=error_of(remove.value())/>
            <Show when=move || shown.get().is_some()>
                <h3>{move || text(lang.get(), "wh.deliveries")}</h3>
                <Transition fallback=move || view! { <p class="loading">{move || text(lang.get(), "wh.loading")}</p> }>
                    {move || Suspend::new(async move {
                        let rows = match loaded(deliveries).await {
                            Some(Ok(rows)) => rows,
                            Some(Err(e)) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            None => return ().into_any(),
                        };
                        if rows.is_empty() {
                            return view! { <p class="muted" data-testid="no-deliveries">{move || text(lang.get(), "wh.no_deliveries")}</p> }.into_any();
                        }
                        view! {
                            <table class="records" data-testid="delivery-table">
                                <thead><tr>
                                    <th>{move || text(lang.get(), "wh.at")}</th>
                                    <th>{move || text(lang.get(), "wh.event")}</th>
                                    <th>{move || text(lang.get(), "wh.state")}</th>
                                    <th class="num">{move || text(lang.get(), "wh.attempts")}</th>
                                    <th>{move || text(lang.get(), "wh.answer")}</th>
                                    <th>{move || text(lang.get(), "wh.next")}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|d| {
                                        let state = match d.status.as_str() { "delivered" => "wh.delivered", "failed" => "wh.failed", _ => "wh.pending" };
                                        let answer = match (d.last_status, d.last_error.is_empty()) {
                                            (Some(s), true) => s.to_string(),
                                            (Some(s), false) => format!("{s} · {}", d.last_error),
                                            (None, _) => d.last_error.clone(),
                                        };
                                        view! {
                                            <tr data-testid="delivery-row" data-status=d.status.clone()>
                                                <td>{format_utc(d.created_at)}</td>
                                                <td data-label=move || text(lang.get(), "wh.event")><code>{d.kind.clone()}</code></td>
                                                <td data-label=move || text(lang.get(), "wh.state")>{move || text(lang.get(), state)}</td>
                                                <td class="num" data-label=move || text(lang.get(), "wh.attempts")>{d.attempts}</td>
                                                <td data-label=move || text(lang.get(), "wh.answer")>{answer}</td>
                                                <td data-label=move || text(lang.get(), "wh.next")>{(d.status == "pending").then(|| format_utc(d.next_attempt_at))}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    })}
                </Transition>
            </Show>
        </section>
    }
}
