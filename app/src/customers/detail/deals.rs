//! The customer's contracts (with what was received) and its service tickets (complaints, and
//! anything still open), for those whose roles let them read each; amounts the reader may not see
//! show as a dash. Both follow live events about them (see the page).

use domain_types::sales::ContractRow;
use domain_types::service::TicketRow;
use leptos::prelude::*;

use crate::i18n::{t_in, use_lang, Texts};
use crate::ui::format::{format_day, format_money};

const WORDS: &Texts = &[
    ("contracts", "合同", "Contracts"),
    ("tickets", "投诉与未结工单", "Complaints and open tickets"),
    ("received", "已回款", "received"),
    ("draft", "草稿", "Draft"),
    ("pending", "审批中", "Under approval"),
    ("approved", "已批准", "Approved"),
    ("signed", "已签订", "Signed"),
    ("complaint", "投诉", "Complaint"),
    ("request", "服务请求", "Request"),
    ("fault", "故障", "Fault"),
    ("open", "待处理", "Open"),
    ("in_progress", "处理中", "In progress"),
    ("resolved", "已解决", "Resolved"),
    ("closed", "已关闭", "Closed"),
    ("breached", "已超时", "SLA breached"),
    ("due", "时限", "due"),
];

fn word(lang: crate::i18n::Lang, code: &str) -> &'static str {
    WORDS.iter().find(|(k, _, _)| *k == code).map(|(k, _, _)| t_in(WORDS, lang, k)).unwrap_or("")
}

/// The customer's contracts and tickets; empty lists for those who may not read them.
#[cfg(feature = "ssr")]
pub async fn deals_of(st: &crate::server::AppState, actor: &domain::policy::Actor, customer: i64) -> Result<(Vec<ContractRow>, Vec<TicketRow>), crate::error::AppError> {
    use domain::DomainError;
    let q = domain::sales::contracts::ContractQuery { customer_id: Some(customer), limit: 50, ..Default::default() };
    let contracts = match domain::sales::contracts::list(&st.db, actor, &q).await {
        Ok(l) => l,
        Err(DomainError::Forbidden) => vec![],
        Err(e) => return Err(crate::server::domain_err(e)),
    };
    let q = domain::service::tickets::TicketQuery { customer_id: Some(customer), complaints_or_open: true, limit: 50, ..Default::default() };
    let tickets = match domain::service::tickets::list(&st.db, actor, &q).await {
        Ok(l) => l,
        Err(DomainError::Forbidden) => vec![],
        Err(e) => return Err(crate::server::domain_err(e)),
    };
    Ok((contracts, tickets))
}

#[component]
pub fn CustomerContracts(list: Vec<ContractRow>) -> impl IntoView {
    let lang = use_lang();
    (!list.is_empty()).then(|| view! {
        <div class="card" data-testid="customer-contracts">
            <h2>{move || t_in(WORDS, lang.get(), "contracts")}</h2>
            <ul class="plain">
                {list.into_iter().map(|k| {
                    let state = k.state.clone();
                    let amount = k.amount_minor.map(|a| format_money(a, &k.currency)).unwrap_or_else(|| "—".into());
                    let received = k.received_minor.map(|a| format_money(a, &k.currency));
                    view! {
                        <li data-testid="customer-contract">
                            <a href=format!("/contracts/{}", k.id)>{k.number.clone()}" "{k.title.clone()}</a>
                            " · "{amount}
                            {received.map(|r| view! { " · "{move || t_in(WORDS, lang.get(), "received")}" "<span data-testid="customer-contract-received">{r}</span> })}
                            " · "<span class="badge">{move || word(lang.get(), &state)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    })
}

#[component]
pub fn CustomerTickets(list: Vec<TicketRow>) -> impl IntoView {
    let lang = use_lang();
    (!list.is_empty()).then(|| view! {
        <div class="card" data-testid="customer-tickets">
            <h2>{move || t_in(WORDS, lang.get(), "tickets")}</h2>
            <ul class="plain">
                {list.into_iter().map(|tk| {
                    let (category, status) = (tk.category.clone(), tk.status.clone());
                    view! {
                        <li data-testid="customer-ticket">
                            <a href=format!("/tickets/{}", tk.id)>{tk.title.clone()}</a>
                            " · "<span class="badge">{move || word(lang.get(), &category)}</span>
                            " "<span class="badge">{move || word(lang.get(), &status)}</span>
                            {tk.breached.then(|| view! { " "<span class="badge warn">{move || t_in(WORDS, lang.get(), "breached")}</span> })}
                            " · "{move || t_in(WORDS, lang.get(), "due")}" "{format_day(tk.sla_due_at)}
                            " · "{tk.owner_name.clone().unwrap_or_default()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_texts_are_complete_in_both_languages() {
        crate::i18n::assert_complete(super::WORDS);
    }
}
