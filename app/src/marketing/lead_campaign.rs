//! The campaign a lead came from, shown on the lead's page and changed there by those who may
//! update the lead. The page loads the choices with the lead ([`campaign_choices`]), so this
//! component holds no resource of its own.

use leptos::prelude::*;

use super::words::text;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::ui::action_error::{error_of, ActionError};

/// The lead's campaign and the campaigns to choose from: (id, name).
#[cfg(feature = "ssr")]
pub async fn campaign_choices(st: &crate::server::AppState, actor: &domain::policy::Actor, lead_id: i64) -> Result<(Option<i64>, Vec<(i64, String)>), AppError> {
    use crate::server::domain_err;
    use domain::marketing::campaigns;
    let current = campaigns::of_lead(&st.db, actor, lead_id).await.map_err(domain_err)?;
    let all = campaigns::list(&st.db, actor).await.map_err(domain_err)?.into_iter().map(|c| (c.id, c.name)).collect();
    Ok((current, all))
}

#[server(endpoint = "campaigns/link")]
pub async fn link_lead_campaign(lead_id: i64, campaign_id: Option<i64>) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::marketing::campaigns::link_lead(&st.db, &actor, lead_id, campaign_id).await.map_err(domain_err)
}

/// The campaign a lead came from, changed on the spot by those who may update the lead.
#[component]
pub fn LeadCampaign(lead_id: i64, editable: bool, current: Option<i64>, campaigns: Vec<(i64, String)>) -> impl IntoView {
    let lang = use_lang();
    let link = ServerAction::<LinkLeadCampaign>::new();
    let chosen = current.map(|c| c.to_string()).unwrap_or_default();
    view! {
        <label class="inline lead-campaign">{move || text(lang.get(), "cmp.of_lead")}
            <select data-testid="lead-campaign" disabled=!editable prop:value=chosen on:change=move |ev| {
                let v = event_target_value(&ev);
                link.dispatch(LinkLeadCampaign { lead_id, campaign_id: v.parse().ok() });
            }>
                <option value="" selected=current.is_none()>{move || text(lang.get(), "cmp.no_campaign")}</option>
                {campaigns.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=current == Some(id)>{name}</option> }).collect_view()}
            </select>
        </label>
        <ActionError error=error_of(link.value())/>
    }
}
