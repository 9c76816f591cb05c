//! `/tickets`: the tickets the viewer may read, newest first (open ones by default), SLA breaches
//! marked, and the form to open one on a customer.

use domain_types::service::{NewTicket, TicketRow, CATEGORIES, PRIORITIES};
use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::exports::ExportButton;
use crate::i18n::use_lang;
use crate::lists::{LoadMore, MineOnly, Paging, SavedViews, SearchBox};
use crate::live::use_live;
use crate::tickets::api::{ticket_customers, ticket_list, CreateTicket};
use crate::tickets::words::{code, t, tr};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_utc;
use crate::ui::loading::{loaded, resource};

#[component]
fn NewTicketForm() -> impl IntoView {
    let open = RwSignal::new(false);
    let customers = resource(move || open.get(), |open| async move { if open { Some(ticket_customers().await) } else { None } });
    let customer = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let category = RwSignal::new("request".to_string());
    let priority = RwSignal::new("normal".to_string());
    let description = RwSignal::new(String::new());
    let save = ServerAction::<CreateTicket>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            navigate(&format!("/tickets/{id}"), Default::default());
        }
    });
    let lang = use_lang();
    let send = move |_| {
        let ticket = NewTicket {
            customer_id: customer.get_untracked().parse().unwrap_or(0),
            category: category.get_untracked(),
            priority: priority.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            ..Default::default()
        };
        save.dispatch(CreateTicket { ticket });
    };
    view! {
        <Show when=move || !open.get()>
            <button class="primary" data-testid="new-ticket" on:click=move |_| open.set(true)>{tr("tk.new")}</button>
        </Show>
        <Show when=move || open.get()>
            <form class="ticket-form" data-testid="ticket-form" on:submit=|ev| ev.prevent_default()>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = loaded(customers).await.flatten().and_then(|r| r.ok()).unwrap_or_default();
                        view! {
                            <label>{tr("tk.customer")}
                                <select data-testid="ticket-customer" bind:value=customer>
                                    <option value="">{tr("tk.pick")}</option>
                                    {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                            </label>
                        }
                    })}
                </Transition>
                <label>{tr("tk.title")}<input type="text" data-testid="ticket-title" bind:value=title/></label>
                <label>{tr("tk.category")}
                    <select data-testid="ticket-category" bind:value=category>
                        {CATEGORIES.iter().map(|c| view! { <option value=*c>{move || code(lang.get(), c)}</option> }).collect_view()}
                    </select>
                </label>
                <label>{tr("tk.priority")}
                    <select data-testid="ticket-priority" bind:value=priority>
                        {PRIORITIES.iter().map(|p| view! { <option value=*p>{move || code(lang.get(), p)}</option> }).collect_view()}
                    </select>
                </label>
                <label>{tr("tk.description")}<textarea bind:value=description></textarea></label>
                <ActionError error=error_of(save.value())/>
                <div class="inline">
                    <button type="button" class="primary" data-testid="ticket-save" disabled=move || save.pending().get() on:click=send>{tr("tk.save")}</button>
                    <button type="button" on:click=move |_| open.set(false)>{tr("tk.cancel")}</button>
                </div>
            </form>
        </Show>
    }
}

#[component]
fn TicketLine(r: TicketRow) -> impl IntoView {
    let lang = use_lang();
    let (category, priority, status) = (r.category.clone(), r.priority.clone(), r.status.clone());
    view! {
        <tr data-testid="ticket-row" class:overdue=r.breached>
            <td class="name" data-label=move || t(lang.get(), "tk.title")><a href=format!("/tickets/{}", r.id)>{r.title.clone()}</a></td>
            <td data-label=move || t(lang.get(), "tk.customer")>{r.customer_name.clone()}</td>
            <td data-label=move || t(lang.get(), "tk.category")>{move || code(lang.get(), &category)}</td>
            <td data-label=move || t(lang.get(), "tk.priority")>{move || code(lang.get(), &priority)}</td>
            <td data-label=move || t(lang.get(), "tk.status")>{move || code(lang.get(), &status)}</td>
            <td data-label=move || t(lang.get(), "tk.due")>{format_utc(r.sla_due_at)}{r.breached.then(|| view! { " "<span class="badge warn" data-testid="sla-breached">{tr("tk.breached")}</span> })}</td>
            <td data-label=move || t(lang.get(), "tk.owner")>{r.owner_name.clone().unwrap_or_default()}</td>
        </tr>
    }
}

/// The first page of tickets and those loaded after it.
#[component]
fn TicketTable(rows: Vec<TicketRow>, more: RwSignal<Vec<TicketRow>>) -> impl IntoView {
    view! {
        <table class="records" data-testid="ticket-table">
            <thead><tr>
                <th>{tr("tk.title")}</th><th>{tr("tk.customer")}</th><th>{tr("tk.category")}</th><th>{tr("tk.priority")}</th>
                <th>{tr("tk.status")}</th><th>{tr("tk.due")}</th><th>{tr("tk.owner")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! { <TicketLine r/> }).collect_view()}
                {move || more.get().into_iter().map(|r| view! { <TicketLine r/> }).collect_view()}
            </tbody>
        </table>
    }
}

/// A choice among codes (category, priority, status), "any" first, bound to a field of the filter.
#[component]
fn CodeFilter(
    filter: RwSignal<ListFilter>,
    codes: &'static [&'static str],
    field: fn(&mut ListFilter) -> &mut String,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="inline">{tr(label)}
            <select data-testid=testid
                prop:value=move || filter.with(|f| { let mut f = f.clone(); field(&mut f).clone() })
                on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| *field(f) = v); }>
                <option value="">{tr("tk.any")}</option>
                {codes.iter().map(|c| view! { <option value=*c>{move || code(lang.get(), c)}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let lang = use_lang();
    let filter = RwSignal::new(ListFilter::open());
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "ticket") {
                tick.update(|n| *n += 1);
            }
        });
    }
    let rows = resource(move || (filter.get(), tick.get()), |(f, _)| ticket_list(f, None));
    let pages = Paging::new(|r: &TicketRow| r.id, move |before| ticket_list(filter.get_untracked(), Some(before)));
    Effect::new(move |_| {
        if let Some(Ok(first)) = rows.get() {
            pages.restart(&first);
        }
    });
    view! {
        <section class="tickets-page">
            <div class="page-head">
                <h1>{tr("tk.tickets")}</h1>
                <NewTicketForm/>
            </div>
            <div class="board-bar">
                <SearchBox filter testid="ticket-search"/>
                <label class="check"><input type="checkbox" data-testid="tickets-open-only"
                    prop:checked=move || filter.with(|f| f.open_only)
                    on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.open_only = on); }/>{tr("tk.open_only")}</label>
                <CodeFilter filter codes=CATEGORIES field=|f| &mut f.category label="tk.category" testid="ticket-category-filter"/>
                <CodeFilter filter codes=PRIORITIES field=|f| &mut f.priority label="tk.priority" testid="ticket-priority-filter"/>
                <MineOnly filter testid="ticket-mine"/>
                <ExportButton list="tickets" filter/>
            </div>
            <SavedViews list="tickets" filter/>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="muted" data-testid="ticket-table">{tr("tk.none")}</p> }.into_any(),
                        Ok(rows) => view! { <TicketTable rows more=pages.rows/> }.into_any(),
                    }
                })}
            </Transition>
            <LoadMore paging=pages/>
        </section>
    }
}
