//! The customer's opportunities, for those whose roles let them read opportunities (others see no
//! such section).

use domain_types::opportunities::Opportunity;
use leptos::prelude::*;

use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::ui::format::format_money;

/// The customer's opportunities; none for those who may not read opportunities.
#[cfg(feature = "ssr")]
pub async fn opportunities_of(st: &crate::server::AppState, actor: &domain::policy::Actor, customer: i64) -> Result<Vec<Opportunity>, crate::error::AppError> {
    match domain::opportunities::list_for_customer(&st.db, actor, customer).await {
        Ok(list) => Ok(list),
        Err(domain::DomainError::Forbidden) => Ok(vec![]),
        Err(e) => Err(crate::server::domain_err(e)),
    }
}

/// The customer's opportunities, when there are any.
#[component]
pub fn Opportunities(list: Vec<Opportunity>) -> impl IntoView {
    let lang = use_lang();
    (!list.is_empty()).then(|| view! {
        <div class="card" data-testid="opportunities">
            <h2>{tr("nav.opportunities")}</h2>
            <ul class="plain">
                {list.into_iter().map(|o| {
                    let amount = format_money(o.amount_minor, &o.currency);
                    let stage = o.stage.clone();
                    view! { <li><strong>{o.name}</strong>" · "{amount}" · "<span class="badge">{move || t(lang.get(), match stage.as_str() { "won" => "opp.won", "lost" => "opp.lost", _ => "opp.open" })}</span></li> }
                }).collect_view()}
            </ul>
        </div>
    })
}
