//! Signing in and out, and who the signed-in user is. Server functions stay thin: session,
//! one domain call, a DTO.

use leptos::prelude::*;
use serde::Serialize;

use crate::error::AppError;
use crate::i18n::Lang;

pub use domain_types::areas::Area;

/// A name in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub zh: String,
    pub en: String,
}

domain_types::object_decoder!(Label { zh, en });

impl Label {
    pub fn get(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh.clone(),
            Lang::En if self.en.is_empty() => self.zh.clone(),
            Lang::En => self.en.clone(),
        }
    }
}

/// Where each area lives in the UI: its route, label, icon, and whether the phone's bottom bar
/// shows it. (The area itself is shared with the domain, which decides who may open it.)
pub trait AreaNav: Copy {
    fn path(self) -> &'static str;
    fn text_key(self) -> &'static str;
    fn icon(self) -> &'static str;
    /// The area's name in the page's markup (`data-area="customers"`).
    fn code(self) -> &'static str {
        let key = self.text_key();
        key.strip_prefix("nav.").unwrap_or(key)
    }
    /// The few areas that get a place in the phone's bottom bar; the rest sit under "More".
    fn in_bottom_bar(self) -> bool;
}

impl AreaNav for Area {
    fn path(self) -> &'static str {
        match self {
            Area::Dashboard => "/",
            Area::Customers => "/customers",
            Area::Leads => "/leads",
            Area::Opportunities => "/opportunities",
            Area::Contracts => "/contracts",
            Area::Tickets => "/tickets",
            Area::Approvals => "/approvals",
            Area::Tasks => "/tasks",
            Area::Reports => "/reports",
            Area::Admin => "/admin",
        }
    }

    fn text_key(self) -> &'static str {
        match self {
            Area::Dashboard => "nav.dashboard",
            Area::Customers => "nav.customers",
            Area::Leads => "nav.leads",
            Area::Opportunities => "nav.opportunities",
            Area::Contracts => "nav.contracts",
            Area::Tickets => "nav.tickets",
            Area::Approvals => "nav.approvals",
            Area::Tasks => "nav.tasks",
            Area::Reports => "nav.reports",
            Area::Admin => "nav.admin",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Area::Dashboard => "⌂",
            Area::Customers => "◎",
            Area::Leads => "✦",
            Area::Opportunities => "◆",
            Area::Contracts => "▤",
            Area::Tickets => "☏",
            Area::Approvals => "✓",
            Area::Tasks => "☰",
            Area::Reports => "▦",
            Area::Admin => "⚙",
        }
    }

    fn in_bottom_bar(self) -> bool {
        matches!(self, Area::Dashboard | Area::Customers | Area::Approvals | Area::Tasks)
    }
}

/// The signed-in user as the UI needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Me {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub unit: Label,
    /// From the top of the org tree down to the user's unit.
    pub unit_path: Vec<Label>,
    pub roles: Vec<Label>,
    pub areas: Vec<Area>,
}

domain_types::object_decoder!(Me { user_id, login, display_name, unit, unit_path, roles, areas });

impl Me {
    pub fn may_open(&self, area: Area) -> bool {
        self.areas.contains(&area)
    }
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::server::{client_addr, domain_err, optional_session, session_cookie, set_cookie, state, user_agent};
    use domain::accounts::sessions;

    let st = state()?;
    let ip = client_addr();
    let user_id = domain::accounts::authenticate(&st.db, &login, &password, &ip).await.map_err(domain_err)?;
    // A fresh session at every sign-in; one the browser still carried ends here.
    if let Some(old) = optional_session() {
        sessions::revoke(&st.db, &old.token).await.map_err(domain_err)?;
    }
    let token = sessions::create(&st.db, user_id, st.sessions, &ip, &user_agent()).await.map_err(domain_err)?;
    set_cookie(session_cookie(&token, st.secure_cookies, st.sessions.absolute_ms / 1000));
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{domain_err, optional_session, session_cookie, set_cookie, state};

    let st = state()?;
    if let Some(session) = optional_session() {
        domain::accounts::sessions::revoke(&st.db, &session.token).await.map_err(domain_err)?;
    }
    set_cookie(session_cookie("", st.secure_cookies, 0));
    Ok(())
}

#[server(endpoint = "me")]
pub async fn get_me() -> Result<Me, AppError> {
    use crate::server::{domain_err, require_session, state};

    let session = require_session()?;
    let st = state()?;
    let user = session.user;
    let grants = domain::roles::grants_for_user(&st.db, user.user_id).await.map_err(domain_err)?;
    let path = domain::org::ancestors(&st.db, user.unit_id).await.map_err(domain_err)?;
    let roles = domain::roles::roles_of_user(&st.db, user.user_id).await.map_err(domain_err)?;
    Ok(Me {
        user_id: user.user_id,
        login: user.login,
        display_name: user.display_name,
        unit: Label { zh: user.unit_name, en: user.unit_name_en },
        unit_path: path.into_iter().map(|u| Label { zh: u.name, en: u.name_en }).collect(),
        roles: roles.into_iter().map(|r| Label { zh: r.name, en: r.name_en }).collect(),
        areas: domain::areas::areas_for(&grants),
    })
}
