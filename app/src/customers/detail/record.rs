//! The customer as the user may see it: its readable fields in display order, which of them they
//! may edit, its shares and what the user may do with it. The 360 page's parts all show this.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, Lang};

/// A share as the page lists it: the grantee by name and whether it is a unit (the domain's Share
/// carries the grantee's id, the record and who made it, which the page does not show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDto {
    pub id: i64,
    pub grantee: String,
    pub to_unit: bool,
    pub access: String,
    pub expires_at: Option<i64>,
}

/// One field as the user may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDto {
    pub name: String,
    pub value: String,
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: i64,
    pub name: String,
    /// Readable fields in display order (the name is not among them).
    pub fields: Vec<FieldDto>,
    pub name_editable: bool,
    /// None when the user may not read tags.
    pub tags: Option<Vec<String>>,
    pub can_edit_tags: bool,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub updated_at: i64,
    pub can_update: bool,
    pub can_share: bool,
    pub can_assign: bool,
    /// Owner or assigner of a held customer: may return it to the pool.
    pub can_release: bool,
    pub shares: Vec<ShareDto>,
}

/// The customer fields in display order.
#[cfg(feature = "ssr")]
const FIELDS: &[&str] = &["kind", "level", "industry", "province", "city", "address", "phone", "source", "status"];

#[cfg(feature = "ssr")]
pub fn fields_of(actor: &domain::policy::Actor, c: &domain::customers::CustomerView, can_update: bool) -> Vec<FieldDto> {
    use domain::policy::FieldAccess;
    use domain::roles::ObjectType;
    FIELDS
        .iter()
        .filter_map(|f| {
            let value = match *f {
                "kind" => c.kind.clone(),
                "level" => c.level.clone(),
                "industry" => c.industry.clone(),
                "province" => c.province.clone(),
                "city" => c.city.clone(),
                "address" => c.address.clone(),
                "phone" => c.phone.clone(),
                "source" => c.source.clone(),
                _ => c.status.clone(),
            }?;
            let editable = can_update && actor.fields.access(ObjectType::Customer, f) == FieldAccess::Edit;
            Some(FieldDto { name: f.to_string(), value, editable })
        })
        .collect()
}

/// The customer as the actor may see it. Takes the state and actor read at the start of the
/// request: no request context is needed after the first await.
#[cfg(feature = "ssr")]
pub async fn detail_of(st: &crate::server::AppState, actor: &domain::policy::Actor, id: i64) -> Result<CustomerDetail, AppError> {
    use crate::server::domain_err;
    use domain::policy::FieldAccess;
    use domain::roles::ObjectType;
    let c = domain::customers::get(&st.db, actor, id).await.map_err(domain_err)?;
    let rights = domain::policy::rights_on(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let shares = domain::sharing::list(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let edit = |f: &str| rights.update && actor.fields.access(ObjectType::Customer, f) == FieldAccess::Edit;
    Ok(CustomerDetail {
        id: c.id,
        fields: fields_of(actor, &c, rights.update),
        name_editable: edit("name"),
        can_edit_tags: c.tags.is_some() && edit("tags"),
        tags: c.tags,
        name: c.name,
        owner_name: c.owner_name,
        unit_name: c.unit_name,
        updated_at: c.updated_at,
        can_update: rights.update,
        can_share: rights.share,
        can_assign: rights.assign,
        can_release: rights.release,
        shares: shares
            .into_iter()
            .map(|s| ShareDto {
                id: s.id,
                grantee: s.grantee_name,
                to_unit: matches!(s.grantee, domain::sharing::Grantee::Unit(_)),
                access: s.access,
                expires_at: s.expires_at,
            })
            .collect(),
    })
}

#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    let (st, actor) = crate::server::actor().await?;
    detail_of(&st, &actor, id).await
}

/// A field's value for people: codes become words.
pub fn shown_value(lang: Lang, field: &str, value: &str) -> String {
    match (field, value) {
        ("kind", "company") => t(lang, "cust.kind_company").into(),
        ("kind", "person") => t(lang, "cust.kind_person").into(),
        ("status", "active") => t(lang, "cust.status_active").into(),
        ("status", "inactive") => t(lang, "cust.status_inactive").into(),
        _ => value.to_string(),
    }
}
