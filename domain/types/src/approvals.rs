//! Approval flows as administrators define them and approvals as people see them in their inbox
//! and on a document. Flow definitions live here (not in `domain`) so a later step editor in the
//! browser can build and show them with the same types the engine runs.

use serde::{Deserialize, Serialize};

/// The kinds of document that go through an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    CustomerTransfer,
    ExpenseRequest,
    Contract,
    Quote,
}

impl DocType {
    pub const ALL: &'static [DocType] = &[DocType::CustomerTransfer, DocType::ExpenseRequest, DocType::Contract, DocType::Quote];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::CustomerTransfer => "customer_transfer",
            DocType::ExpenseRequest => "expense_request",
            DocType::Contract => "contract",
            DocType::Quote => "quote",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        DocType::ALL.iter().copied().find(|d| d.as_str() == s)
    }
}

/// 或签 (any one of those asked decides the step) or 会签 (everyone asked must approve).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    AnyOne,
    AllMustSign,
}

/// Which org level a "head of" rule looks for, counted from a unit upwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    /// The unit itself.
    Own,
    /// The nearest branch at or above the unit.
    Branch,
    /// The nearest subsidiary at or above the unit; the group when there is none.
    Subsidiary,
}

/// Whose unit a "head of" rule starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitOf {
    /// The submitter's primary unit.
    Submitter,
    /// The unit the document moves something to (a customer transfer's receiving unit).
    Target,
}

/// Who is asked. Several rules on one step add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum ApproverRule {
    /// The submitter's manager N levels up (1 = the direct manager).
    Manager { levels: u32 },
    /// The head of a unit at a level above the submitter's (or the target's) unit.
    UnitHead { of: UnitOf, level: UnitLevel },
    /// Active holders of a role in a given unit or below it.
    RoleInUnit { role: String, unit_id: i64 },
    /// Active holders of a role in the submitter's own subsidiary ("finance of the same
    /// subsidiary"); the whole group when the submitter belongs to no subsidiary.
    RoleInOwnSubsidiary { role: String },
    /// Named users.
    Users { user_ids: Vec<i64> },
    /// The manager of whoever approved the previous step.
    PreviousApproverManager,
    /// Every active administrator (the usual fallback).
    Administrators,
}

/// A condition on the document's facts. All conditions of a branch must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "when")]
pub enum Condition {
    /// Amount in minor units (分) strictly above the value.
    AmountAbove { minor: i64 },
    AmountAtMost { minor: i64 },
    /// Discount in basis points (1% = 100) strictly above the value.
    DiscountAbove { bp: i64 },
    ProductLine { line: String },
    CustomerLevel { levels: Vec<String> },
    /// The submitter's unit is this unit or below it.
    SubmitterUnder { unit_id: i64 },
    /// The target unit lies in another branch than the submitter's unit.
    CrossBranch,
}

/// A branch of a step: when its conditions hold, these rules pick the approvers. No rules means
/// the step does not apply to such documents (a deliberate skip, unlike a rule finding nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub conditions: Vec<Condition>,
    pub approvers: Vec<ApproverRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub name_en: String,
    pub mode: Mode,
    /// Tried in order; the first whose conditions all hold wins.
    pub branches: Vec<Branch>,
    /// Used when no branch matches.
    pub default: Branch,
    /// Hours an approver has before a reminder; the same again before the step escalates to
    /// their manager.
    pub time_limit_hours: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowDefinition {
    pub steps: Vec<Step>,
    /// Who is asked when a rule finds nobody (a vacant head, a disabled user).
    pub fallback: Vec<ApproverRule>,
}

/// One version of a flow, as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub id: i64,
    pub doc_type: DocType,
    pub version: i64,
    pub name: String,
    pub status: String,
    pub published_at: Option<i64>,
    pub definition: FlowDefinition,
}

/// What publishing a version did: the running approvals that stay on older versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReport {
    pub flow_id: i64,
    pub version: i64,
    pub staying_on_old: Vec<RunningOnOld>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningOnOld {
    pub approval_id: i64,
    pub title: String,
    pub version: i64,
}

/// A row of an inbox ("waiting for me", "submitted by me", "decided by me").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    /// The approval task (waiting / decided) or the approval (submitted): the keyset cursor.
    pub key: i64,
    pub approval_id: i64,
    pub doc_type: DocType,
    pub title: String,
    pub submitter: String,
    pub submitted_at: i64,
    pub state: String,
    pub step_index: i64,
    pub decided_at: Option<i64>,
    pub due_at: Option<i64>,
}

/// One line of an approval's history on the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: i64,
    pub step_index: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub comment: String,
}

/// Who was asked at a step and what they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedRow {
    pub step_index: i64,
    pub approver_id: i64,
    pub approver: String,
    pub state: String,
    pub via: String,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalView {
    pub id: i64,
    pub doc_type: DocType,
    pub object: String,
    pub record_id: i64,
    pub title: String,
    pub state: String,
    pub step_index: i64,
    pub step_count: i64,
    pub flow_version: i64,
    pub submitter_id: i64,
    pub submitter: String,
    pub submitted_at: i64,
    pub asked: Vec<AskedRow>,
    pub history: Vec<HistoryEntry>,
    /// Whether the viewer is asked now (shows the approve / reject buttons).
    pub my_turn: bool,
}

/// The inbox folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Folder {
    Waiting,
    Submitted,
    Decided,
}

/// One inbox page to read: a folder, optional filters, and the keyset cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxQuery {
    pub folder: Folder,
    pub doc_type: Option<DocType>,
    /// Submitted at or after (UTC ms).
    pub from: Option<i64>,
    /// Submitted at or before (UTC ms).
    pub until: Option<i64>,
    /// Keyset: rows with a smaller key than the last one seen.
    pub before_key: Option<i64>,
    pub limit: i64,
}

impl InboxQuery {
    pub fn new(folder: Folder) -> Self {
        InboxQuery { folder, doc_type: None, from: None, until: None, before_key: None, limit: 50 }
    }
}

/// What a new document (or a changed draft) says. Money in minor units with its currency;
/// discounts in basis points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInput {
    pub title: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub discount_bp: Option<i64>,
    pub product_line: Option<String>,
    pub customer_id: Option<i64>,
    /// A customer transfer's receiving owner (the receiving unit is theirs).
    pub target_owner_id: Option<i64>,
    pub body: String,
}

/// A document as one person may see it: fields their role may not read are None.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: i64,
    pub doc_type: DocType,
    pub title: String,
    pub state: String,
    pub owner_id: i64,
    pub unit_id: i64,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub discount_bp: Option<i64>,
    pub product_line: Option<String>,
    pub customer_id: Option<i64>,
    pub target_unit_id: Option<i64>,
    pub target_owner_id: Option<i64>,
    pub body: Option<String>,
    pub reject_reason: Option<String>,
    pub updated_at: i64,
}

/// An approval with its steps and history, and its document as the viewer may read it: None
/// when neither their role nor the approval reach lets them read it now (for instance someone
/// asked at an any-one step that a colleague decided).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalDetail {
    pub approval: ApprovalView,
    pub document: Option<DocumentView>,
}
