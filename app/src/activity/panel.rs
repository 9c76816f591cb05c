//! A customer's activity on its page: the follow-up form, the contacts and the timeline. The
//! customer page loads the data with the rest of the customer and owns the actions, so that one
//! load hydrates the page.

use domain_types::activity::{Contact, TimelineEntry};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::activity::contacts::{AddContact, CustomerContacts};
use crate::activity::follow_ups::{FollowUpForm, LogFollowUp};
use crate::activity::timeline::Timeline;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub contacts: Vec<Contact>,
    pub timeline: Vec<TimelineEntry>,
}

#[server(endpoint = "customers/activity")]
pub async fn customer_activity(id: i64) -> Result<Activity, AppError> {
    let (st, actor) = crate::server::actor().await?;
    activity_of(&st, &actor, id).await
}

#[cfg(feature = "ssr")]
pub async fn activity_of(st: &crate::server::AppState, actor: &domain::policy::Actor, id: i64) -> Result<Activity, AppError> {
    use crate::server::domain_err;
    let contacts = domain::activity::contacts(&st.db, actor, id).await.map_err(domain_err)?;
    let timeline = domain::activity::timeline(&st.db, actor, id).await.map_err(domain_err)?;
    Ok(Activity { contacts, timeline })
}

/// Contacts, the follow-up form and the timeline of one customer.
#[component]
pub fn CustomerActivity(id: i64, can_update: bool, activity: Activity, add: ServerAction<AddContact>, follow: ServerAction<LogFollowUp>) -> impl IntoView {
    view! {
        <FollowUpForm id follow/>
        <CustomerContacts id can_update contacts=activity.contacts add/>
        <Timeline entries=activity.timeline/>
    }
}
