//! Demo data: a believable group with a head office, two branches, about fifteen people in
//! different roles and a couple of hundred customers. Deterministic, so tests can rely on it.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

use crate::accounts::passwords;
use crate::accounts::users::{insert_user_tx, Email, Login, NewUser, Password};
use crate::customers::{insert_customer_tx, NewCustomer};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::org::{create_unit_tx, UnitKind, UnitName};
use crate::roles::ensure_builtin_roles;
use crate::approvals::{ApproverRule, Branch, Condition, DocType, FlowDefinition, Mode, Step, UnitLevel, UnitOf};

pub const DEMO_PASSWORD: &str = "demo1234";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    pub password: &'static str,
    pub customers: usize,
}

/// (key, parent key, kind, 中文名, English name)
const UNITS: &[(&str, Option<&str>, UnitKind, &str, &str)] = &[
    ("hq", None, UnitKind::Group, "集团总部", "Group head office"),
    ("fin", Some("hq"), UnitKind::Department, "财务部", "Finance"),
    ("mkt", Some("hq"), UnitKind::Department, "市场部", "Marketing"),
    ("adm", Some("hq"), UnitKind::Department, "行政部", "Administration"),
    ("bj", Some("hq"), UnitKind::Branch, "北京分公司", "Beijing branch"),
    ("bj_s1", Some("bj"), UnitKind::Team, "北京销售一组", "Beijing sales team 1"),
    ("bj_s2", Some("bj"), UnitKind::Team, "北京销售二组", "Beijing sales team 2"),
    ("bj_svc", Some("bj"), UnitKind::Department, "北京客服部", "Beijing service"),
    ("sh", Some("hq"), UnitKind::Branch, "上海分公司", "Shanghai branch"),
    ("sh_s1", Some("sh"), UnitKind::Team, "上海销售一组", "Shanghai sales team 1"),
    ("sh_s2", Some("sh"), UnitKind::Team, "上海销售二组", "Shanghai sales team 2"),
    ("sh_svc", Some("sh"), UnitKind::Department, "上海客服部", "Shanghai service"),
];

/// (login, name, unit key, role key, manager login)
const USERS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("admin", "系统管理员", "adm", "administrator", None),
    ("ceo", "王志远", "hq", "executive", None),
    ("bj.manager", "李建国", "bj", "branch_manager", Some("ceo")),
    ("bj.sales1", "张伟", "bj_s1", "sales_rep", Some("bj.manager")),
    ("bj.sales2", "刘洋", "bj_s1", "sales_rep", Some("bj.manager")),
    ("bj.sales3", "陈静", "bj_s2", "sales_rep", Some("bj.manager")),
    ("bj.service", "赵磊", "bj_svc", "service", Some("bj.manager")),
    ("sh.manager", "周敏", "sh", "branch_manager", Some("ceo")),
    ("sh.sales1", "吴芳", "sh_s1", "sales_rep", Some("sh.manager")),
    ("sh.sales2", "孙强", "sh_s1", "sales_rep", Some("sh.manager")),
    ("sh.sales3", "马丽", "sh_s2", "sales_rep", Some("sh.manager")),
    ("sh.service", "朱婷", "sh_svc", "service", Some("sh.manager")),
    ("finance", "钱芳", "fin", "finance", Some("ceo")),
    ("finance2", "郑凯", "fin", "finance", Some("finance")),
    ("marketing", "何晓", "mkt", "marketing", Some("ceo")),
];

const PREFIXES: &[&str] = &[
    "华信", "中科", "东方", "远航", "博远", "天成", "金桥", "瑞丰", "新锐", "恒通", "联创", "世纪",
    "宏达", "星河", "安泰", "鼎盛", "明德", "嘉禾", "同力", "汇丰",
];
const TRADES: &[(&str, &str)] = &[
    ("科技", "software"),
    ("制造", "manufacturing"),
    ("医疗", "healthcare"),
    ("物流", "logistics"),
    ("教育", "education"),
    ("零售", "retail"),
    ("能源", "energy"),
    ("金融服务", "finance"),
];
const SOURCES: &[&str] = &["website", "referral", "exhibition", "cold_call", "partner"];

fn key_index(key: &str) -> usize {
    UNITS.iter().position(|u| u.0 == key).expect("demo unit key exists")
}

/// Seeds the demo data into an empty database. Refuses when users already exist.
pub async fn seed(db: &Db) -> DomainResult<DemoSummary> {
    if crate::accounts::users::count_users(db).await? > 0 {
        return Err(DomainError::Conflict("database_not_empty".into()));
    }
    // One hash for all demo accounts: they share the published demo password, and hashing
    // fifteen times would only slow the first start.
    let hash = passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let password = Password::parse(DEMO_PASSWORD)?;
    let mut tx = db.begin_write().await?;
    let roles = ensure_builtin_roles(&mut tx).await?;

    let mut unit_ids = vec![0i64; UNITS.len()];
    for (i, (_, parent, kind, name, name_en)) in UNITS.iter().enumerate() {
        let parent_id = parent.map(|p| unit_ids[key_index(p)]);
        unit_ids[i] = create_unit_tx(&mut tx, parent_id, *kind, &UnitName::parse(name)?, name_en, None).await?;
    }

    let mut user_ids: Vec<(&str, i64)> = Vec::new();
    let mut logins = Vec::new();
    for (login, name, unit, role, manager) in USERS {
        let manager_id = manager.and_then(|m| user_ids.iter().find(|(l, _)| *l == m).map(|(_, id)| *id));
        let new_user = NewUser {
            login: Login::parse(login)?,
            email: Some(Email::parse(&format!("{login}@demo.example.com"))?),
            display_name: name.to_string(),
            password: password.clone(),
            primary_unit_id: unit_ids[key_index(unit)],
            manager_id,
            role_ids: vec![roles[role]],
        };
        let id = insert_user_tx(&mut tx, &new_user, &hash, None).await?;
        user_ids.push((login, id));
        logins.push(DemoLogin {
            login: login.to_string(),
            display_name: name.to_string(),
            role: role.to_string(),
            unit: UNITS[key_index(unit)].3.to_string(),
        });
    }
    // The service desks serve their whole branch: they belong to the branch as well, so their
    // unit-and-below scope reaches the branch's customers.
    for (login, branch) in [("bj.service", "bj"), ("sh.service", "sh")] {
        let id = user_ids.iter().find(|(l, _)| *l == login).map(|(_, id)| *id);
        sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(unit_ids[key_index(branch)])
            .execute(&mut *tx)
            .await?;
    }
    let head_of = |unit: &str, login: &str| (unit_ids[key_index(unit)], user_ids.iter().find(|(l, _)| *l == login).map(|(_, id)| *id));
    for (unit_id, head) in [head_of("hq", "ceo"), head_of("bj", "bj.manager"), head_of("sh", "sh.manager")] {
        sqlx::query("UPDATE org_units SET head_user_id = $2 WHERE id = $1")
            .bind(unit_id)
            .bind(head)
            .execute(&mut *tx)
            .await?;
    }

    // Each branch keeps a pool for its region; customers entering the pools go by province.
    let now = crate::clock::now_ms();
    let mut pool_of = std::collections::BTreeMap::new();
    for (branch, name, name_en, province) in [("bj", "北京公海", "Beijing pool", "北京"), ("sh", "上海公海", "Shanghai pool", "上海")] {
        let pool: i64 = sqlx::query(
            "INSERT INTO pools (unit_id, name, name_en, max_held_per_user, max_claims_per_day, cooldown_days, \
             recycle_no_followup_days, recycle_no_deal_days, skip_if_open_deal, remind_days_before, active, created_at, updated_at) \
             VALUES ($1, $2, $3, 60, 10, 7, 30, 90, 1, 3, 1, $4, $4) RETURNING id",
        )
        .bind(unit_ids[key_index(branch)])
        .bind(name)
        .bind(name_en)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query("INSERT INTO pool_entry_rules (pool_id, field, value, priority) VALUES ($1, 'province', $2, 10)")
            .bind(pool)
            .bind(province)
            .execute(&mut *tx)
            .await?;
        // A-level customers get twice as long before they are recycled.
        sqlx::query("INSERT INTO pool_level_rules (pool_id, level, no_followup_days, no_deal_days) VALUES ($1, 'A', 60, 180)")
            .bind(pool)
            .execute(&mut *tx)
            .await?;
        pool_of.insert(branch, pool);
    }

    let mut rng = StdRng::seed_from_u64(20261122);
    let reps: Vec<(&str, i64, i64)> = USERS
        .iter()
        .zip(&user_ids)
        .filter(|(u, _)| u.3 == "sales_rep")
        .map(|(u, (_, id))| (u.0, *id, unit_ids[key_index(u.2)]))
        .collect();
    let mut customers = 0;
    for n in 0..200usize {
        let beijing = n % 2 == 0;
        let (province, city, branch) = if beijing { ("北京", "北京", "bj") } else { ("上海", "上海", "sh") };
        let branch_reps: Vec<_> = reps.iter().filter(|r| r.0.starts_with(branch)).collect();
        // One customer in ten sits unowned in the branch's pool (ten per branch).
        let (owner_id, unit_id) = if n % 20 >= 18 {
            (None, unit_ids[key_index(branch)])
        } else {
            let rep = branch_reps[rng.gen_range(0..branch_reps.len())];
            (Some(rep.1), rep.2)
        };
        let (trade, industry) = TRADES[rng.gen_range(0..TRADES.len())];
        let prefix = PREFIXES[(n / 2) % PREFIXES.len()];
        let c = NewCustomer {
            name: format!("{city}{prefix}{trade}有限公司{:03}", n + 1),
            kind: "company",
            industry: industry.to_string(),
            province: province.to_string(),
            city: city.to_string(),
            phone: format!("1{}{:08}", rng.gen_range(30..90), rng.gen_range(0..100_000_000u32)),
            level: ['A', 'B', 'C', 'D'][rng.gen_range(0..4)],
            source: SOURCES[rng.gen_range(0..SOURCES.len())].to_string(),
            owner_id,
            unit_id,
        };
        let id = insert_customer_tx(&mut tx, &c, None).await?;
        if owner_id.is_none() {
            sqlx::query("UPDATE customers SET pool_id = $2 WHERE id = $1").bind(id).bind(pool_of[branch]).execute(&mut *tx).await?;
        } else {
            sqlx::query("UPDATE customers SET owned_since = $2, last_follow_up_at = $2 WHERE id = $1").bind(id).bind(now).execute(&mut *tx).await?;
        }
        customers += 1;
    }
    let user_id = |login: &str| user_ids.iter().find(|(l, _)| *l == login).map(|(_, id)| *id);
    seed_leads(&mut tx, &unit_ids, &user_id, now).await?;
    for (doc_type, name, def) in demo_flows(unit_ids[key_index("hq")]) {
        let id = crate::approvals::flows::save_draft_tx(&mut tx, None, doc_type, name, &def).await?;
        crate::approvals::flows::publish_tx(&mut tx, id).await?;
    }
    tx.commit().await?;
    seed_approvals(db).await?;
    crate::sales::demo::seed(db).await?;
    Ok(DemoSummary { logins, password: DEMO_PASSWORD, customers })
}

const LEAD_PEOPLE: &[(&str, &str)] = &[
    ("赵敏", "采购经理"),
    ("钱进", "信息部主任"),
    ("孙浩", "总经理"),
    ("李娜", "行政主管"),
    ("周杰", "技术总监"),
    ("吴磊", "财务经理"),
    ("郑爽", "运营总监"),
    ("王强", "副总经理"),
    ("冯雪", "采购专员"),
    ("陈晨", "IT 经理"),
];

/// Twenty leads, half in each branch: the first four of each unassigned in the branch, the rest
/// with the branch's reps (some followed up), and the rules that route new ones by province.
async fn seed_leads(tx: &mut crate::db::Tx, unit_ids: &[i64], user_id: &dyn Fn(&str) -> Option<i64>, now: i64) -> DomainResult<()> {
    let unit = |key: &str| unit_ids[key_index(key)];
    for (i, (name, province, branch)) in [("北京线索分配", "北京", "bj"), ("上海线索分配", "上海", "sh")].into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO lead_assignment_rules (name, field, value, target_unit_id, priority, active, created_at, updated_at) \
             VALUES ($1, 'province', $2, $3, $4, 1, $5, $5)",
        )
        .bind(name)
        .bind(province)
        .bind(unit(branch))
        .bind(10 * (i as i64 + 1))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    for n in 0..20usize {
        let beijing = n % 2 == 0;
        let (province, branch) = if beijing { ("北京", "bj") } else { ("上海", "sh") };
        let k = n / 2;
        let (person, title) = LEAD_PEOPLE[k % LEAD_PEOPLE.len()];
        let owner = match k {
            0..=3 => None,
            _ => user_id(&format!("{branch}.sales{}", 1 + k % 3)),
        };
        let owner_unit = match owner {
            Some(o) => sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1").bind(o).fetch_one(&mut **tx).await?.try_get("primary_unit_id")?,
            None => unit(branch),
        };
        let followed = owner.is_some() && k % 2 == 0;
        let at = now - (20 - n as i64) * crate::clock::HOUR_MS;
        let id: i64 = sqlx::query(
            "INSERT INTO leads (name, company, title, phone, email, province, city, source, note, status, owner_id, unit_id, \
             assigned_at, first_follow_up_at, last_follow_up_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, '', $5, $5, $6, '', $7, $8, $9, $10, $11, $11, $12, $12) RETURNING id",
        )
        .bind(person)
        .bind(format!("{province}{}{}有限公司", PREFIXES[(n * 7) % PREFIXES.len()], TRADES[n % TRADES.len()].0))
        .bind(title)
        .bind(format!("1590000{:04}", n + 1))
        .bind(province)
        .bind(SOURCES[n % SOURCES.len()])
        .bind(match (owner, followed) {
            (None, _) => "new",
            (Some(_), false) => "assigned",
            (Some(_), true) => "following",
        })
        .bind(owner)
        .bind(owner_unit)
        .bind(owner.map(|_| at))
        .bind(followed.then_some(at))
        .bind(at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        if let (true, Some(o)) = (followed, owner) {
            sqlx::query("INSERT INTO lead_follow_ups (lead_id, kind, note, created_at, created_by) VALUES ($1, 'call', '首次电话沟通，客户有兴趣', $2, $3)")
                .bind(id)
                .bind(at)
                .bind(o)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// The demo's approval flows (amounts in 分): contracts up to ¥100,000 go to the sales manager,
/// then finance of the same subsidiary; above that also to a group executive and the branch
/// manager, who must both sign. A customer transfer between branches needs both branch managers.
/// A discount/expense request goes to the manager, and above ¥5,000 to finance as well.
pub fn demo_flows(group_unit: i64) -> Vec<(DocType, &'static str, FlowDefinition)> {
    let ask = |rules: Vec<ApproverRule>| Branch { conditions: vec![], approvers: rules };
    let skip = Branch { conditions: vec![], approvers: vec![] };
    let step = |name: &str, name_en: &str, mode: Mode, branches: Vec<Branch>, default: Branch| Step {
        name: name.into(),
        name_en: name_en.into(),
        mode,
        branches,
        default,
        time_limit_hours: Some(48),
    };
    let manager = || ApproverRule::Manager { levels: 1 };
    let finance = || ApproverRule::RoleInOwnSubsidiary { role: "finance".into() };
    let fallback = vec![ApproverRule::Administrators];
    vec![
        (
            DocType::Contract,
            "合同审批",
            FlowDefinition {
                steps: vec![
                    step("销售经理审批", "Sales manager", Mode::AnyOne, vec![], ask(vec![manager()])),
                    step("财务审批", "Finance", Mode::AnyOne, vec![], ask(vec![finance()])),
                    step(
                        "集团高管与分公司经理会签",
                        "Group executive and branch manager",
                        Mode::AllMustSign,
                        vec![Branch {
                            conditions: vec![Condition::AmountAbove { minor: 10_000_000 }],
                            approvers: vec![
                                ApproverRule::RoleInUnit { role: "executive".into(), unit_id: group_unit },
                                ApproverRule::UnitHead { of: UnitOf::Submitter, level: UnitLevel::Branch },
                            ],
                        }],
                        skip.clone(),
                    ),
                ],
                fallback: fallback.clone(),
            },
        ),
        (
            DocType::CustomerTransfer,
            "客户转移审批",
            FlowDefinition {
                steps: vec![step(
                    "两地分公司经理会签",
                    "Both branch managers",
                    Mode::AllMustSign,
                    vec![Branch {
                        conditions: vec![Condition::CrossBranch],
                        approvers: vec![
                            ApproverRule::UnitHead { of: UnitOf::Submitter, level: UnitLevel::Branch },
                            ApproverRule::UnitHead { of: UnitOf::Target, level: UnitLevel::Branch },
                        ],
                    }],
                    ask(vec![ApproverRule::UnitHead { of: UnitOf::Submitter, level: UnitLevel::Branch }]),
                )],
                fallback: fallback.clone(),
            },
        ),
        (
            DocType::ExpenseRequest,
            "折扣/费用申请审批",
            FlowDefinition {
                steps: vec![
                    step("经理审批", "Manager", Mode::AnyOne, vec![], ask(vec![manager()])),
                    step(
                        "财务审批（¥5,000 以上）",
                        "Finance (above ¥5,000)",
                        Mode::AnyOne,
                        vec![Branch { conditions: vec![Condition::AmountAbove { minor: 500_000 }], approvers: vec![finance()] }],
                        skip.clone(),
                    ),
                ],
                fallback: fallback.clone(),
            },
        ),
        (
            DocType::Quote,
            "报价折扣审批",
            FlowDefinition {
                steps: vec![
                    step("销售经理审批", "Sales manager", Mode::AnyOne, vec![], ask(vec![manager()])),
                    step(
                        "财务审批（折扣超过 15%）",
                        "Finance (discount above 15%)",
                        Mode::AnyOne,
                        vec![Branch { conditions: vec![Condition::DiscountAbove { bp: 1_500 }], approvers: vec![finance()] }],
                        skip,
                    ),
                ],
                fallback,
            },
        ),
    ]
}

/// A few approvals under way so that inboxes have content: expense requests waiting for the
/// Beijing manager and for finance, a large contract, and a transfer of a Beijing customer to
/// Shanghai waiting for both branch managers.
async fn seed_approvals(db: &Db) -> DomainResult<()> {
    use crate::approvals::documents::{create, DocumentInput};
    use crate::approvals::engine::{approve, submit};
    use crate::objects::ObjectType;
    let actor = |login: &'static str| async move {
        let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(db.pool()).await?.try_get("id")?;
        crate::policy::Actor::load(db, id).await
    };
    let rep = actor("bj.sales1").await?;
    let money = |yuan: i64| Some(yuan * 100);
    let docs = [
        (DocType::ExpenseRequest, "客户答谢宴请费用", money(3_200), None),
        (DocType::ExpenseRequest, "展会展位费用", money(12_000), None),
        (DocType::Contract, "年度软件服务合同", money(250_000), None),
        (DocType::Quote, "设备报价（折扣 18%）", money(80_000), Some(1_800)),
    ];
    let mut approvals = Vec::new();
    for (doc_type, title, amount_minor, discount_bp) in docs {
        let input = DocumentInput { title: title.into(), amount_minor, discount_bp, currency: Some("CNY".into()), ..Default::default() };
        let doc = create(db, &rep, doc_type, &input).await?;
        approvals.push(submit(db, &rep, ObjectType::Approval, doc).await?);
    }
    // The exhibition request has passed the manager and waits for finance.
    approve(db, &actor("bj.manager").await?, approvals[1], "同意，注意控制预算").await?;
    let mover = actor("bj.sales2").await?;
    let customer: i64 = sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1")
        .bind(mover.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("id")?;
    let receiver: i64 = sqlx::query("SELECT id FROM users WHERE login = 'sh.sales1'").fetch_one(db.pool()).await?.try_get("id")?;
    let input = DocumentInput {
        title: "客户迁至上海分公司跟进".into(),
        customer_id: Some(customer),
        target_owner_id: Some(receiver),
        body: "客户总部迁往上海，由上海销售一组接手".into(),
        ..Default::default()
    };
    let doc = create(db, &mover, DocType::CustomerTransfer, &input).await?;
    submit(db, &mover, ObjectType::Approval, doc).await?;
    // The inbox shows this work; a fresh demo starts with an empty bell all the same.
    sqlx::query("DELETE FROM notifications WHERE event_id IN (SELECT id FROM events WHERE kind LIKE 'approval.%')").execute(db.pool()).await?;
    Ok(())
}
