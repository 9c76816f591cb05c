//! A customer as a row of a list: the customer list and the pools page show these.

use serde::Serialize;

use domain_types::object_decoder;

/// A customer as a row of the list: the columns a list shows, hidden ones left out (the domain's
/// CustomerView is the whole record; a page of 50 rows stays small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub last_follow_up_at: i64,
    pub updated_at: i64,
}

object_decoder!(CustomerRow {
    id, name, #[default] city, #[default] province, #[default] level, #[default] industry, #[default] phone,
    #[default] source, #[default] status, #[default] tags, #[default] owner_name, unit_name, last_follow_up_at, updated_at,
});

#[cfg(feature = "ssr")]
pub fn row_of(v: domain::customers::CustomerView) -> CustomerRow {
    CustomerRow {
        id: v.id,
        name: v.name,
        city: v.city,
        province: v.province,
        level: v.level,
        industry: v.industry,
        phone: v.phone,
        source: v.source,
        status: v.status,
        tags: v.tags,
        owner_name: v.owner_name,
        unit_name: v.unit_name,
        last_follow_up_at: v.last_follow_up_at,
        updated_at: v.updated_at,
    }
}
