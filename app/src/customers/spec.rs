//! What a customer list shows: its filters, sort and columns (a saved view holds exactly this),
//! and what the page is told with the first page about the user's choices. Shared by the list's
//! parts (filters, views, bulk actions).

use serde::Serialize;

use domain_types::object_decoder;

/// The list's filters as typed: dates as `YYYY-MM-DD` (UTC), people and units by id. Empty
/// fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    pub text: String,
    pub level: String,
    pub province: String,
    pub city: String,
    pub status: String,
    pub tag: String,
    pub owner: String,
    pub unit: String,
    pub follow_before: String,
    pub follow_after: String,
}

/// Filters, sort and columns: what a saved view holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListSpec {
    pub filter: Filter,
    /// "created", "name", "updated", "last_follow_up"
    pub sort: String,
    pub desc: bool,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedViewDto {
    pub id: i64,
    pub name: String,
    pub spec: ListSpec,
}

/// What the page needs besides the rows, sent with the first page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListSetup {
    pub views: Vec<SavedViewDto>,
    pub tags: Vec<String>,
    pub users: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
    /// Columns the user may see, in display order.
    pub columns: Vec<String>,
    pub can_assign: bool,
    pub can_tag: bool,
    pub can_export: bool,
}

// Filters and specs arrive from saved views and old links with fields missing: none is required.
object_decoder!(Filter {
    #[default] text, #[default] level, #[default] province, #[default] city, #[default] status, #[default] tag,
    #[default] owner, #[default] unit, #[default] follow_before, #[default] follow_after,
});
object_decoder!(ListSpec { #[default] filter, #[default] sort, #[default] desc, #[default] columns });
object_decoder!(SavedViewDto { id, name, spec });
object_decoder!(ListSetup { views, tags, users, units, columns, can_assign, can_tag, can_export });

/// Every column the list can show, in order; the user's roles may hide some.
pub const COLUMNS: &[&str] = &["level", "city", "province", "industry", "phone", "tags", "status", "source", "owner", "unit", "last_follow_up", "updated"];
/// The columns shown until the user chooses.
pub const DEFAULT_COLUMNS: &[&str] = &["level", "city", "industry", "phone", "tags", "owner", "unit", "last_follow_up"];

/// A list spec to and from the domain's view spec.
#[cfg(feature = "ssr")]
pub mod convert {
    use super::*;
    use crate::error::{fail, AppError};
    use domain::clock::{format_date, start_of_day_ms};
    use domain::customers::list::{ListFilter, Sort, SortKey, ViewSpec};

    fn date(field: &str, s: &str) -> Result<Option<i64>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        start_of_day_ms(s).map(Some).ok_or_else(|| fail(AppError::Invalid { field: field.into(), code: "format".into() }))
    }

    fn id(field: &str, s: &str) -> Result<Option<i64>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        s.trim().parse().map(Some).map_err(|_| fail(AppError::Invalid { field: field.into(), code: "format".into() }))
    }

    pub fn to_domain(spec: &ListSpec) -> Result<ViewSpec, AppError> {
        let f = &spec.filter;
        Ok(ViewSpec {
            filter: ListFilter {
                text: f.text.clone(),
                level: f.level.clone(),
                province: f.province.clone(),
                city: f.city.clone(),
                status: f.status.clone(),
                tag: f.tag.clone(),
                owner_id: id("owner", &f.owner)?,
                unit_id: id("unit", &f.unit)?,
                follow_up_before: date("follow_before", &f.follow_before)?,
                follow_up_after: date("follow_after", &f.follow_after)?,
                ..Default::default()
            },
            sort: Sort { key: SortKey::parse(&spec.sort).unwrap_or_default(), descending: spec.desc },
            columns: spec.columns.iter().filter(|c| COLUMNS.contains(&c.as_str())).cloned().collect(),
        })
    }

    pub fn from_domain(v: &ViewSpec) -> ListSpec {
        let f = &v.filter;
        ListSpec {
            filter: Filter {
                text: f.text.clone(),
                level: f.level.clone(),
                province: f.province.clone(),
                city: f.city.clone(),
                status: f.status.clone(),
                tag: f.tag.clone(),
                owner: f.owner_id.map(|i| i.to_string()).unwrap_or_default(),
                unit: f.unit_id.map(|i| i.to_string()).unwrap_or_default(),
                follow_before: f.follow_up_before.map(format_date).unwrap_or_default(),
                follow_after: f.follow_up_after.map(format_date).unwrap_or_default(),
            },
            sort: v.sort.key.as_str().to_string(),
            desc: v.sort.descending,
            columns: v.columns.clone(),
        }
    }
}
