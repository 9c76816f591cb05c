//! Routing checked against a plain reference router: generated org trees (units of every kind at
//! random depths, vacant and disabled heads, manager chains, roles, extra units, disabled users),
//! every approver rule for every user, and random steps with condition branches and defaults.
//! The reference walks parent links and manager links in memory; the domain uses the closure
//! table and SQL, so each checks the other.

use std::collections::{BTreeMap, BTreeSet};

use domain::accounts::users::{insert_user_tx, Login, NewUser, Password};
use domain::approvals::routing::{resolve_rule, route_step, Facts, RouteContext, Routed, Via};
use domain::approvals::{ApproverRule, Branch, Condition, FlowDefinition, Mode, Step, UnitLevel, UnitOf};
use domain::on_both_engines;
use domain::org::{create_unit_tx, UnitKind, UnitName};
use domain::roles::ensure_builtin_roles;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Unit {
    parent: Option<i64>,
    kind: &'static str,
    head: Option<i64>,
}

struct User {
    unit: i64,
    extra: Vec<i64>,
    manager: Option<i64>,
    roles: Vec<&'static str>,
    active: bool,
}

struct Model {
    units: BTreeMap<i64, Unit>,
    users: BTreeMap<i64, User>,
}

const ROLES: &[&str] = &["finance", "executive", "sales_rep", "branch_manager"];
const LEVELS: &[&str] = &["A", "B", "C"];
const LINES: &[&str] = &["hardware", "software"];

impl Model {
    fn chain(&self, unit: i64) -> Vec<i64> {
        let mut out = vec![unit];
        let mut at = unit;
        while let Some(p) = self.units[&at].parent {
            out.push(p);
            at = p;
        }
        out
    }

    fn unit_at(&self, unit: i64, level: UnitLevel) -> Option<i64> {
        let chain = self.chain(unit);
        let find = |kind: &str| chain.iter().copied().find(|u| self.units[u].kind == kind);
        match level {
            UnitLevel::Own => Some(unit),
            UnitLevel::Branch => find("branch"),
            UnitLevel::Subsidiary => find("subsidiary").or(chain.last().copied()),
        }
    }

    fn active(&self, u: Option<i64>) -> Vec<i64> {
        u.filter(|u| self.users.get(u).is_some_and(|x| x.active)).into_iter().collect()
    }

    fn in_subtree(&self, unit: i64, top: i64) -> bool {
        self.chain(unit).contains(&top)
    }

    fn holders(&self, role: &str, unit: i64) -> Vec<i64> {
        self.users
            .iter()
            .filter(|(_, u)| u.active && u.roles.contains(&role))
            .filter(|(_, u)| self.in_subtree(u.unit, unit) || u.extra.iter().any(|e| self.in_subtree(*e, unit)))
            .map(|(id, _)| *id)
            .collect()
    }

    fn resolve(&self, rule: &ApproverRule, ctx: &RouteContext) -> Vec<i64> {
        let mut out: Vec<i64> = match rule {
            ApproverRule::Manager { levels } => {
                let mut at = Some(ctx.submitter_id);
                for _ in 0..(*levels).max(1) {
                    at = at.and_then(|u| self.users[&u].manager);
                }
                self.active(at)
            }
            ApproverRule::UnitHead { of, level } => {
                let start = match of {
                    UnitOf::Submitter => Some(ctx.submitter_unit_id),
                    UnitOf::Target => ctx.facts.target_unit_id,
                };
                self.active(start.and_then(|s| self.unit_at(s, *level)).and_then(|u| self.units[&u].head))
            }
            ApproverRule::RoleInUnit { role, unit_id } => self.holders(role, *unit_id),
            ApproverRule::RoleInOwnSubsidiary { role } => self.holders(role, self.unit_at(ctx.submitter_unit_id, UnitLevel::Subsidiary).unwrap()),
            ApproverRule::Users { user_ids } => user_ids.iter().flat_map(|u| self.active(Some(*u))).collect(),
            ApproverRule::PreviousApproverManager => self.active(ctx.previous_approver.and_then(|p| self.users[&p].manager)),
            ApproverRule::Administrators => self.users.iter().filter(|(_, u)| u.active && u.roles.contains(&"administrator")).map(|(id, _)| *id).collect(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    fn holds(&self, c: &Condition, ctx: &RouteContext) -> bool {
        let f = &ctx.facts;
        match c {
            Condition::AmountAbove { minor } => f.amount_minor.is_some_and(|a| a > *minor),
            Condition::AmountAtMost { minor } => f.amount_minor.is_some_and(|a| a <= *minor),
            Condition::DiscountAbove { bp } => f.discount_bp.is_some_and(|d| d > *bp),
            Condition::ProductLine { line } => f.product_line.as_ref() == Some(line),
            Condition::CustomerLevel { levels } => f.customer_level.as_ref().is_some_and(|l| levels.contains(l)),
            Condition::SubmitterUnder { unit_id } => self.in_subtree(ctx.submitter_unit_id, *unit_id),
            Condition::CrossBranch => match f.target_unit_id {
                Some(t) => self.unit_at(ctx.submitter_unit_id, UnitLevel::Branch) != self.unit_at(t, UnitLevel::Branch),
                None => false,
            },
        }
    }

    /// The reference router: None stands for "nobody at all" (the domain refuses).
    fn route(&self, flow: &FlowDefinition, step: &Step, ctx: &RouteContext) -> Option<Routed> {
        let branch = step.branches.iter().find(|b| b.conditions.iter().all(|c| self.holds(c, ctx))).unwrap_or(&step.default);
        if branch.approvers.is_empty() {
            return Some(Routed::Skip);
        }
        let mut fallback: BTreeSet<i64> = flow.fallback.iter().flat_map(|r| self.resolve(r, ctx)).collect();
        if fallback.is_empty() {
            fallback = self.resolve(&ApproverRule::Administrators, ctx).into_iter().collect();
        }
        let mut asked: BTreeMap<i64, Via> = BTreeMap::new();
        for rule in &branch.approvers {
            let found = self.resolve(rule, ctx);
            if found.is_empty() {
                for u in &fallback {
                    asked.entry(*u).or_insert(Via::Fallback);
                }
            } else {
                for u in found {
                    asked.insert(u, Via::Rule);
                }
            }
        }
        if asked.is_empty() {
            return None;
        }
        Some(Routed::Ask { users: asked.into_iter().collect() })
    }
}

/// Adds a random org tree with people to the database and the same to the model (trees share
/// one database, so the model holds them all: administrators are group-wide).
async fn generate(t: &domain::testing::TestDb, rng: &mut StdRng, tree: usize, model: &mut Model) {
    let mut tx = t.db.begin_write().await.unwrap();
    let roles = ensure_builtin_roles(&mut tx).await.unwrap();
    let mut units = BTreeMap::new();
    let root = create_unit_tx(&mut tx, None, UnitKind::Group, &UnitName::parse(&format!("集团{tree}")).unwrap(), "", None).await.unwrap();
    units.insert(root, Unit { parent: None, kind: "group", head: None });
    let kinds = [(UnitKind::Subsidiary, "subsidiary"), (UnitKind::Branch, "branch"), (UnitKind::Department, "department"), (UnitKind::Team, "team")];
    for i in 0..24 {
        let ids: Vec<i64> = units.keys().copied().collect();
        let parent = ids[rng.gen_range(0..ids.len())];
        let (kind, text) = kinds[rng.gen_range(0..kinds.len())];
        let id = create_unit_tx(&mut tx, Some(parent), kind, &UnitName::parse(&format!("单位{tree}-{i}")).unwrap(), "", None).await.unwrap();
        units.insert(id, Unit { parent: Some(parent), kind: text, head: None });
    }
    let unit_ids: Vec<i64> = units.keys().copied().collect();
    let mut users = BTreeMap::new();
    for i in 0..40 {
        let unit = unit_ids[rng.gen_range(0..unit_ids.len())];
        let existing: Vec<i64> = users.keys().copied().collect();
        let manager = if existing.is_empty() || rng.gen_bool(0.2) { None } else { Some(existing[rng.gen_range(0..existing.len())]) };
        let mut role_keys: Vec<&'static str> = ROLES.iter().copied().filter(|_| rng.gen_bool(0.3)).collect();
        if i == 0 || rng.gen_bool(0.05) {
            role_keys.push("administrator");
        }
        let u = NewUser {
            login: Login::parse(&format!("t{tree}u{i:02}")).unwrap(),
            email: None,
            display_name: format!("用户{tree}-{i}"),
            password: Password::parse("not-used-here").unwrap(),
            primary_unit_id: unit,
            manager_id: manager,
            role_ids: role_keys.iter().map(|k| roles[k]).collect(),
        };
        let id = insert_user_tx(&mut tx, &u, "$argon2id$unused", None).await.unwrap();
        let mut extra = Vec::new();
        if rng.gen_bool(0.15) {
            let e = unit_ids[rng.gen_range(0..unit_ids.len())];
            if e != unit {
                sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(id).bind(e).execute(&mut *tx).await.unwrap();
                extra.push(e);
            }
        }
        // The first user stays an active administrator: the last resort exists.
        let active = i == 0 || rng.gen_bool(0.85);
        if !active {
            sqlx::query("UPDATE users SET active = 0 WHERE id = $1").bind(id).execute(&mut *tx).await.unwrap();
        }
        users.insert(id, User { unit, extra, manager, roles: role_keys, active });
    }
    let user_ids: Vec<i64> = users.keys().copied().collect();
    for (id, unit) in units.iter_mut() {
        if rng.gen_bool(0.7) {
            let head = user_ids[rng.gen_range(0..user_ids.len())];
            sqlx::query("UPDATE org_units SET head_user_id = $2 WHERE id = $1").bind(*id).bind(head).execute(&mut *tx).await.unwrap();
            unit.head = Some(head);
        }
    }
    tx.commit().await.unwrap();
    model.units.extend(units);
    model.users.extend(users);
}

fn random_rule(rng: &mut StdRng, m: &Model) -> ApproverRule {
    let units: Vec<i64> = m.units.keys().copied().collect();
    let users: Vec<i64> = m.users.keys().copied().collect();
    let level = [UnitLevel::Own, UnitLevel::Branch, UnitLevel::Subsidiary][rng.gen_range(0..3)];
    match rng.gen_range(0..7) {
        0 => ApproverRule::Manager { levels: rng.gen_range(1..4) },
        1 => ApproverRule::UnitHead { of: if rng.gen_bool(0.5) { UnitOf::Submitter } else { UnitOf::Target }, level },
        2 => ApproverRule::RoleInUnit { role: ROLES[rng.gen_range(0..ROLES.len())].into(), unit_id: units[rng.gen_range(0..units.len())] },
        3 => ApproverRule::RoleInOwnSubsidiary { role: ROLES[rng.gen_range(0..ROLES.len())].into() },
        4 => ApproverRule::Users { user_ids: (0..rng.gen_range(1..4)).map(|_| users[rng.gen_range(0..users.len())]).collect() },
        5 => ApproverRule::PreviousApproverManager,
        _ => ApproverRule::Administrators,
    }
}

fn random_condition(rng: &mut StdRng, m: &Model) -> Condition {
    let units: Vec<i64> = m.units.keys().copied().collect();
    match rng.gen_range(0..7) {
        0 => Condition::AmountAbove { minor: rng.gen_range(0..20) * 100_000 },
        1 => Condition::AmountAtMost { minor: rng.gen_range(0..20) * 100_000 },
        2 => Condition::DiscountAbove { bp: rng.gen_range(0..30) * 100 },
        3 => Condition::ProductLine { line: LINES[rng.gen_range(0..LINES.len())].into() },
        4 => Condition::CustomerLevel { levels: LEVELS.iter().filter(|_| rng.gen_bool(0.5)).map(|l| l.to_string()).collect() },
        5 => Condition::SubmitterUnder { unit_id: units[rng.gen_range(0..units.len())] },
        _ => Condition::CrossBranch,
    }
}

fn random_branch(rng: &mut StdRng, m: &Model, conditions: usize) -> Branch {
    // One branch in five is a deliberate skip.
    let approvers = if rng.gen_bool(0.2) { vec![] } else { (0..rng.gen_range(1..3)).map(|_| random_rule(rng, m)).collect() };
    Branch { conditions: (0..conditions).map(|_| random_condition(rng, m)).collect(), approvers }
}

fn random_context(rng: &mut StdRng, m: &Model, submitter: i64) -> RouteContext {
    let units: Vec<i64> = m.units.keys().copied().collect();
    let users: Vec<i64> = m.users.keys().copied().collect();
    RouteContext {
        submitter_id: submitter,
        submitter_unit_id: m.users[&submitter].unit,
        facts: Facts {
            amount_minor: rng.gen_bool(0.9).then(|| rng.gen_range(0..2_000_000)),
            currency: Some("CNY".into()),
            discount_bp: rng.gen_bool(0.7).then(|| rng.gen_range(0..3_000)),
            product_line: rng.gen_bool(0.7).then(|| LINES[rng.gen_range(0..LINES.len())].into()),
            customer_level: rng.gen_bool(0.8).then(|| LEVELS[rng.gen_range(0..LEVELS.len())].into()),
            target_unit_id: rng.gen_bool(0.8).then(|| units[rng.gen_range(0..units.len())]),
        },
        previous_approver: rng.gen_bool(0.7).then(|| users[rng.gen_range(0..users.len())]),
    }
}

on_both_engines!(routing_matches_the_reference_router, |t| {
    let mut rng = StdRng::seed_from_u64(20261203);
    let mut rule_cases = 0;
    let mut step_cases = 0;
    let mut m = Model { units: BTreeMap::new(), users: BTreeMap::new() };
    for tree in 0..2 {
        generate(t, &mut rng, tree, &mut m).await;
        let mut conn = t.db.pool().acquire().await.unwrap();
        let users: Vec<i64> = m.users.keys().copied().collect();
        let units: Vec<i64> = m.units.keys().copied().collect();
        // Every rule variant for every submitter.
        for &submitter in &users {
            let ctx = random_context(&mut rng, &m, submitter);
            let mut rules = vec![ApproverRule::PreviousApproverManager, ApproverRule::Administrators];
            for levels in 1..=3 {
                rules.push(ApproverRule::Manager { levels });
            }
            for of in [UnitOf::Submitter, UnitOf::Target] {
                for level in [UnitLevel::Own, UnitLevel::Branch, UnitLevel::Subsidiary] {
                    rules.push(ApproverRule::UnitHead { of, level });
                }
            }
            for role in ["finance", "executive"] {
                rules.push(ApproverRule::RoleInUnit { role: role.into(), unit_id: units[rng.gen_range(0..units.len())] });
                rules.push(ApproverRule::RoleInOwnSubsidiary { role: role.into() });
            }
            rules.push(ApproverRule::Users { user_ids: (0..3).map(|_| users[rng.gen_range(0..users.len())]).collect() });
            for rule in &rules {
                let got = resolve_rule(&mut conn, rule, &ctx).await.unwrap();
                assert_eq!(got, m.resolve(rule, &ctx), "tree {tree}, {rule:?}, {ctx:?}");
                rule_cases += 1;
            }
        }
        // Random steps with condition branches, defaults and the fallback.
        for _ in 0..150 {
            let submitter = users[rng.gen_range(0..users.len())];
            let ctx = random_context(&mut rng, &m, submitter);
            let branches = (0..rng.gen_range(0..4)).map(|_| {
                let n = rng.gen_range(1..3);
                random_branch(&mut rng, &m, n)
            }).collect();
            let step = Step { name: "s".into(), name_en: "s".into(), mode: Mode::AnyOne, branches, default: random_branch(&mut rng, &m, 0), time_limit_hours: None };
            let fallback = if rng.gen_bool(0.5) { vec![] } else { vec![random_rule(&mut rng, &m)] };
            let flow = FlowDefinition { steps: vec![step.clone()], fallback };
            let got = match route_step(&mut conn, &flow, 0, &ctx).await {
                Ok(r) => Some(r),
                Err(domain::DomainError::Conflict(c)) if c == "no_approver" => None,
                Err(e) => panic!("{e:?}"),
            };
            assert_eq!(got, m.route(&flow, &step, &ctx), "tree {tree}, {step:?}, {ctx:?}");
            step_cases += 1;
        }
    }
    println!("{:?}: routing matched the reference in {rule_cases} rule cases and {step_cases} step cases", t.engine);
});
