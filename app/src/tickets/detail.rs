//! A ticket's page (`/tickets/:id`): what the customer reported, the SLA, and the assignee moving
//! it on; resolving needs a resolution. Follows live events about it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::i18n::use_lang;
use crate::live::use_live;
use crate::tickets::api::{ticket_page, SetTicketStatus};
use crate::tickets::words::{code, tr};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_utc;
use crate::ui::loading::resource;

#[component]
pub fn TicketDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "ticket" && e.record_id == id) {
                tick.update(|n| *n += 1);
            }
        });
    }
    let status = ServerAction::<SetTicketStatus>::new();
    let data = resource(move || (tick.get(), status.version().get()), move |_| ticket_page(id));
    let resolution = RwSignal::new(String::new());
    let go = move |to: &'static str| status.dispatch(SetTicketStatus { id, status: to.into(), resolution: resolution.get_untracked() });
    view! {
        <section class="ticket-page">
            <p><a href="/tickets">{tr("tk.back")}</a></p>
            <ActionError error=error_of(status.value())/>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <div class="forbidden" data-testid="ticket-missing"><h1>{tr("notfound.title")}</h1><p>{move || e.message(lang.get())}</p></div> }.into_any(),
                        Ok(tk) => {
                            let (category, priority, st) = (tk.category.clone(), tk.priority.clone(), tk.status.clone());
                            let open = matches!(tk.status.as_str(), "open" | "in_progress");
                            view! {
                                <div class="page-head">
                                    <h1 data-testid="ticket-heading">{tk.title.clone()}</h1>
                                    <span class="badge" data-testid="ticket-status" data-status=tk.status.clone()>{move || code(lang.get(), &st)}</span>
                                </div>
                                <p>
                                    {tr("tk.customer")}": "<a href=format!("/customers/{}", tk.customer_id)>{tk.customer_name.clone()}</a>
                                    " · "{move || code(lang.get(), &category)}" · "{move || code(lang.get(), &priority)}
                                    " · "{tr("tk.due")}": "{format_utc(tk.sla_due_at)}
                                    {tk.breached.then(|| view! { " "<span class="badge warn">{tr("tk.breached")}</span> })}
                                    " · "{tr("tk.owner")}": "{tk.owner_name.clone().unwrap_or_default()}
                                </p>
                                <p class="task-description">{tk.description.clone().unwrap_or_default()}</p>
                                {tk.resolution.clone().filter(|r| !r.is_empty()).map(|r| view! { <p><strong>{tr("tk.resolution")}": "</strong>{r}</p> })}
                                {if open {
                                    view! {
                                        <label>{tr("tk.resolution")}<textarea data-testid="ticket-resolution" bind:value=resolution></textarea></label>
                                        <div class="inline">
                                            {(tk.status == "open").then(|| view! { <button data-testid="ticket-start" on:click=move |_| { go("in_progress"); }>{tr("tk.start")}</button> })}
                                            <button class="primary" data-testid="ticket-resolve" on:click=move |_| { go("resolved"); }>{tr("tk.resolve")}</button>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <div class="inline">
                                            {(tk.status == "resolved").then(|| view! { <button data-testid="ticket-close" on:click=move |_| { go("closed"); }>{tr("tk.close")}</button> })}
                                            <button data-testid="ticket-reopen" on:click=move |_| { go("open"); }>{tr("tk.reopen")}</button>
                                        </div>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
