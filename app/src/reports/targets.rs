//! The targets of a month, edited by the unit's head on the dashboard: the unit, the units
//! directly below it and its people, one amount each (empty removes it).

use domain_types::reports::TargetRow;
use leptos::prelude::*;

use super::words::text;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::{loaded, resource};

#[server(endpoint = "reports/targets")]
pub async fn report_targets(unit_id: i64, month: String, currency: String) -> Result<Vec<TargetRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::reports::targets::for_month(&st.db, &actor, unit_id, &month, &currency).await.map_err(domain_err)
}

/// Sets a target from the amount as typed (major units); empty removes it.
#[server(endpoint = "reports/targets/set")]
pub async fn set_report_target(unit_id: i64, user_id: Option<i64>, month: String, currency: String, amount: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let amount_minor = domain::opportunities::parse_optional_major_units(&amount).map_err(domain_err)?;
    domain::reports::targets::set(&st.db, &actor, &domain_types::reports::TargetInput { unit_id, user_id, month, currency, amount_minor }).await.map_err(domain_err)
}

fn major(minor: Option<i64>) -> String {
    minor.map(|m| format!("{}.{:02}", m / 100, m % 100)).unwrap_or_default()
}

#[component]
fn TargetLine(row: TargetRow, save: ServerAction<SetReportTarget>) -> impl IntoView {
    let typed = RwSignal::new(major(row.amount_minor));
    let (unit_id, user_id, month, currency) = (row.unit_id, row.user_id, row.month.clone(), row.currency.clone());
    view! {
        <li data-testid="target-row" data-user=user_id.map(|u| u.to_string()).unwrap_or_default() data-unit=unit_id.to_string()>
            <form class="inline" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SetReportTarget { unit_id, user_id, month: month.clone(), currency: currency.clone(), amount: typed.get_untracked() });
            }>
                <span class="name">{row.name.clone()}</span>
                <input type="text" inputmode="decimal" size="12" data-testid="target-amount" bind:value=typed/>
                <button type="submit" class="secondary" data-testid="target-save" disabled=move || save.pending().get()>"✓"</button>
            </form>
        </li>
    }
}

#[component]
pub fn TargetEditor(unit_id: i64, currency: String, month: RwSignal<String>, open: RwSignal<bool>, saved: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SetReportTarget>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            saved.update(|v| *v += 1);
        }
    });
    let rows = resource(move || (open.get(), month.get()), move |(open, m)| {
        let currency = currency.clone();
        async move {
            if open { Some(report_targets(unit_id, m, currency).await) } else { None }
        }
    });
    view! {
        <section class="target-editor" data-testid="target-editor">
            <button type="button" class="secondary" data-testid="targets-toggle" on:click=move |_| open.update(|o| *o = !*o)>
                {move || text(lang.get(), "rep.targets")}
            </button>
            <Show when=move || open.get()>
                <label>{move || text(lang.get(), "rep.month")}<input type="month" data-testid="target-month" bind:value=month/></label>
                <ActionError error=error_of(save.value())/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match loaded(rows).await.flatten() {
                            Some(Ok(rows)) => view! { <ul class="targets">{rows.into_iter().map(|row| view! { <TargetLine row save/> }).collect_view()}</ul> }.into_any(),
                            Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            None => ().into_any(),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}
