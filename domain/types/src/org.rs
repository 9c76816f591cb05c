//! The org tree as administrators and pickers see it.

use serde::{Deserialize, Serialize};

/// The kind of an org unit (集团 / 子公司 / 分公司 / 部门 / 小组).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Group,
    Subsidiary,
    Branch,
    Department,
    Team,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Group => "group",
            UnitKind::Subsidiary => "subsidiary",
            UnitKind::Branch => "branch",
            UnitKind::Department => "department",
            UnitKind::Team => "team",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "group" => UnitKind::Group,
            "subsidiary" => UnitKind::Subsidiary,
            "branch" => UnitKind::Branch,
            "department" => UnitKind::Department,
            "team" => UnitKind::Team,
            _ => return None,
        })
    }
}

/// A unit in the administrators' tree: with its head, depth and how many active people it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    pub name_en: String,
    pub head_user_id: Option<i64>,
    pub head_name: Option<String>,
    pub active: bool,
    pub depth: i64,
    pub user_count: i64,
}

/// Active units and users by name, for pickers that any signed-in user may use (sharing,
/// transfer). Names only: no data of any record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub units: Vec<(i64, String)>,
    pub users: Vec<(i64, String)>,
}
