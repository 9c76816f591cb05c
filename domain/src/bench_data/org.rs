//! The org tree and the people, planned in memory with ids 1.. in insertion order, then written.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::Rng;
use sqlx::AnyConnection;

use super::bulk::Inserter;
use super::config::{BenchConfig, Summary};
use super::sampling::{person_name, Weighted};
use super::vocabulary::{chinese_number, BRANCH_DEPARTMENTS, CITIES, DISTRICTS, HQ_DEPARTMENTS};
use crate::db::Dialect;
use crate::error::DomainResult;
use crate::org::UnitKind;

pub(super) struct PlanUnit {
    pub(super) parent: Option<usize>,
    pub(super) kind: UnitKind,
    pub(super) name: String,
    pub(super) name_en: String,
    pub(super) depth: usize,
    pub(super) head: Option<usize>,
}

pub(super) struct PlanUser {
    pub(super) login: String,
    pub(super) name: String,
    pub(super) unit: usize,
    pub(super) manager: Option<usize>,
    pub(super) role: &'static str,
}

pub(super) struct Branch {
    pub(super) city: usize,
    pub(super) unit: usize,
    /// Index into `BRANCH_DEPARTMENTS` order.
    pub(super) departments: Vec<usize>,
    pub(super) regions: Vec<usize>,
    pub(super) teams: Vec<usize>,
    pub(super) weight: f64,
    /// Users who hold customers here (team leads and sales reps).
    pub(super) sellers: Vec<usize>,
    pub(super) service: Vec<usize>,
}

pub(super) struct Plan {
    pub(super) units: Vec<PlanUnit>,
    pub(super) users: Vec<PlanUser>,
    pub(super) branches: Vec<Branch>,
}

impl Plan {
    pub(super) fn add_unit(&mut self, parent: Option<usize>, kind: UnitKind, name: String, name_en: String) -> usize {
        let depth = parent.map_or(1, |p| self.units[p].depth + 1);
        self.units.push(PlanUnit { parent, kind, name, name_en, depth, head: None });
        self.units.len() - 1
    }

    pub(super) fn add_user(&mut self, rng: &mut StdRng, prefix: &str, unit: usize, manager: Option<usize>, role: &'static str) -> usize {
        let n = self.users.len() + 1;
        let login = if prefix == "ceo" || prefix == "admin" && !self.users.iter().any(|u| u.login == "admin") {
            prefix.to_string()
        } else {
            format!("{prefix}{n:05}")
        };
        self.users.push(PlanUser { login, name: person_name(rng), unit, manager, role });
        n - 1
    }

    /// Makes a new user the head of `unit`.
    pub(super) fn add_head(&mut self, rng: &mut StdRng, prefix: &str, unit: usize, manager: Option<usize>, role: &'static str) -> usize {
        let u = self.add_user(rng, prefix, unit, manager, role);
        self.units[unit].head = Some(u);
        u
    }
}

pub(super) fn plan(cfg: &BenchConfig, rng: &mut StdRng) -> Plan {
    let n = cfg.units;
    let with_subsidiaries = cfg.max_depth >= 5;
    let with_regions = cfg.max_depth >= 6;
    let hq_count = (n / 60).clamp(3, HQ_DEPARTMENTS.len());
    let regions_of = |b: usize| {
        let mut r: Vec<&str> = (0..b).map(|i| CITIES[i % CITIES.len()].0).collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    };
    // As many branches as leave at least one team each.
    let per_branch = 1 + BRANCH_DEPARTMENTS.len();
    let mut branch_count = ((n - 1 - hq_count) / 12).max(1);
    let fixed = |b: usize| 1 + hq_count + if with_subsidiaries { regions_of(b) } else { 0 } + b * per_branch;
    while branch_count > 1 && fixed(branch_count) + branch_count > n {
        branch_count -= 1;
    }
    let team_budget = n - fixed(branch_count);

    let mut p = Plan { units: Vec::new(), users: Vec::new(), branches: Vec::new() };
    let group = p.add_unit(None, UnitKind::Group, "集团总部".into(), "Group head office".into());
    let hq: Vec<usize> = HQ_DEPARTMENTS[..hq_count]
        .iter()
        .map(|(name, en, _)| p.add_unit(Some(group), UnitKind::Department, name.to_string(), en.to_string()))
        .collect();
    let mut subsidiaries: BTreeMap<&str, usize> = BTreeMap::new();
    for b in 0..branch_count {
        let (region, _, city, weight) = CITIES[b % CITIES.len()];
        let parent = if with_subsidiaries {
            *subsidiaries.entry(region).or_insert_with(|| {
                p.add_unit(Some(group), UnitKind::Subsidiary, format!("{region}子公司"), format!("{region} subsidiary"))
            })
        } else {
            group
        };
        // Cities beyond the list get a second branch.
        let round = b / CITIES.len();
        let name = if round == 0 { format!("{city}分公司") } else { format!("{city}第{}分公司", chinese_number(round + 1)) };
        let unit = p.add_unit(Some(parent), UnitKind::Branch, name, format!("Branch {}", b + 1));
        let departments = BRANCH_DEPARTMENTS
            .iter()
            .map(|(suffix, en, _)| p.add_unit(Some(unit), UnitKind::Department, format!("{city}{suffix}"), en.to_string()))
            .collect();
        let weight = weight as f64 * (0.7 + 0.6 * rng.gen::<f64>());
        p.branches.push(Branch { city: b % CITIES.len(), unit, departments, regions: vec![], teams: vec![], weight, sellers: vec![], service: vec![] });
    }
    // Teams (and regional sales centres in big branches) by branch weight, at least one each.
    let total_weight: f64 = p.branches.iter().map(|b| b.weight).sum();
    let extra = team_budget - branch_count;
    let mut shares: Vec<usize> = p.branches.iter().map(|b| 1 + (extra as f64 * b.weight / total_weight).floor() as usize).collect();
    let mut left = team_budget - shares.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..branch_count).collect();
    order.sort_by(|a, b| p.branches[*b].weight.total_cmp(&p.branches[*a].weight));
    for i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        shares[*i] += 1;
        left -= 1;
    }
    for (b, share) in shares.into_iter().enumerate() {
        let sales = p.branches[b].departments[0];
        let city = CITIES[p.branches[b].city].2;
        let region_count = if with_regions && share >= 5 { (share / 5).max(2) } else { 0 };
        let regions: Vec<usize> = (0..region_count)
            .map(|r| p.add_unit(Some(sales), UnitKind::Department, format!("{city}{}销售中心", DISTRICTS[r % DISTRICTS.len()]), format!("Sales centre {}", r + 1)))
            .collect();
        let teams = (0..share - region_count)
            .map(|t| {
                let parent = if regions.is_empty() { sales } else { regions[t % regions.len()] };
                p.add_unit(Some(parent), UnitKind::Team, format!("{city}销售{}组", chinese_number(t + 1)), format!("Sales team {}", t + 1))
            })
            .collect();
        p.branches[b].regions = regions;
        p.branches[b].teams = teams;
    }

    // People: heads first (so every manager's id is lower than their reports'), then staff.
    let ceo = p.add_head(rng, "ceo", group, None, "executive");
    let subsidiary_heads: BTreeMap<&str, usize> =
        subsidiaries.iter().map(|(region, unit)| (*region, p.add_head(rng, "sub", *unit, Some(ceo), "branch_manager"))).collect();
    let hq_heads: Vec<usize> = hq.iter().zip(HQ_DEPARTMENTS).map(|(unit, (_, _, role))| p.add_head(rng, "head", *unit, Some(ceo), role)).collect();
    let admin_unit = hq.get(4).copied().unwrap_or(hq[2]);
    let admin_head = hq_heads[hq.iter().position(|u| *u == admin_unit).unwrap_or(0)];
    let admins = (cfg.users / 3000).clamp(1, 5);
    for _ in 0..admins {
        p.add_user(rng, "admin", admin_unit, Some(admin_head), "administrator");
    }
    let mut team_leads = Vec::new();
    for b in 0..branch_count {
        let region = CITIES[p.branches[b].city].0;
        let above = subsidiary_heads.get(region).copied().unwrap_or(ceo);
        let manager = p.add_head(rng, "bm", p.branches[b].unit, Some(above), "branch_manager");
        let heads: Vec<usize> = p.branches[b]
            .departments
            .clone()
            .into_iter()
            .zip(BRANCH_DEPARTMENTS)
            .map(|(unit, (_, _, role))| p.add_head(rng, "head", unit, Some(manager), role))
            .collect();
        let region_heads: Vec<usize> =
            p.branches[b].regions.clone().into_iter().map(|unit| p.add_head(rng, "head", unit, Some(heads[0]), "branch_manager")).collect();
        for team in p.branches[b].teams.clone() {
            let parent = p.units[team].parent.expect("a team has a parent");
            let boss = region_heads.iter().copied().find(|h| p.users[*h].unit == parent).unwrap_or(heads[0]);
            let lead = p.add_head(rng, "lead", team, Some(boss), "sales_rep");
            p.branches[b].sellers.push(lead);
            team_leads.push((b, team, lead));
        }
        p.branches[b].service.push(heads[1]);
    }

    // The rest: about 2% head-office staff, 6% service, 2% marketing, 2% finance in branches,
    // the others sales reps in teams, bigger branches and some teams drawing more people.
    let rest = cfg.users.saturating_sub(p.users.len());
    let hq_staff = rest * 2 / 100;
    let (service, marketing, finance) = (rest * 6 / 100, rest * 2 / 100, rest * 2 / 100);
    let branch_pick = Weighted::new(p.branches.iter().map(|b| b.weight));
    let staffed_hq: Vec<usize> = (0..hq_count).filter(|i| ![2, 4].contains(i)).collect();
    for i in 0..hq_staff {
        let d = staffed_hq[i % staffed_hq.len()];
        p.add_user(rng, "staff", hq[d], Some(hq_heads[d]), HQ_DEPARTMENTS[d].2);
    }
    for (count, dept, prefix) in [(service, 1, "service"), (marketing, 2, "marketing"), (finance, 3, "finance")] {
        for _ in 0..count {
            let b = branch_pick.pick(rng);
            let unit = p.branches[b].departments[dept];
            let head = p.units[unit].head;
            let u = p.add_user(rng, prefix, unit, head, BRANCH_DEPARTMENTS[dept].2);
            if dept == 1 {
                p.branches[b].service.push(u);
            }
        }
    }
    let team_pick = Weighted::new(team_leads.iter().map(|(b, _, _)| p.branches[*b].weight * (0.5 + rng.gen::<f64>())));
    while p.users.len() < cfg.users {
        let (b, team, lead) = team_leads[team_pick.pick(rng)];
        let u = p.add_user(rng, "sales", team, Some(lead), "sales_rep");
        p.branches[b].sellers.push(u);
    }
    p
}

/// Writes the units and their closure table (every unit with each ancestor and itself).
pub(super) async fn write_units(conn: &mut AnyConnection, dialect: Dialect, p: &Plan, created: i64, summary: &mut Summary) -> DomainResult<()> {
    let mut units = Inserter::new(dialect, "org_units", &["id", "parent_id", "kind", "name", "name_en", "head_user_id", "active", "created_at", "updated_at"]);
    for (i, u) in p.units.iter().enumerate() {
        let row = [(i as i64 + 1).into(), u.parent.map(|x| x as i64 + 1).into(), u.kind.as_str().into(), u.name.clone().into(), u.name_en.clone().into(),
            u.head.map(|h| h as i64 + 1).into(), 1i64.into(), created.into(), created.into()];
        units.push(row);
    }
    units.flush(conn).await?;
    // Closure: every unit with each of its ancestors and itself.
    let mut closure = Inserter::new(dialect, "org_unit_closure", &["ancestor_id", "descendant_id", "depth"]);
    for i in 0..p.units.len() {
        let (mut at, mut depth) = (Some(i), 0i64);
        while let Some(a) = at {
            closure.push([(a as i64 + 1).into(), (i as i64 + 1).into(), depth.into()]);
            at = p.units[a].parent;
            depth += 1;
        }
    }
    closure.flush(conn).await?;
    summary.units = p.units.len();
    summary.max_depth = p.units.iter().map(|u| u.depth).max().unwrap_or(0);
    summary.branches = p.branches.len();
    Ok(())
}

/// Writes the people with their roles, all with the same password hash.
pub(super) async fn write_people(
    conn: &mut AnyConnection,
    dialect: Dialect,
    p: &Plan,
    hash: &str,
    roles: &BTreeMap<&'static str, i64>,
    created: i64,
    summary: &mut Summary,
) -> DomainResult<()> {
    let mut users = Inserter::new(dialect, "users", &["id", "login", "email", "display_name", "password_hash", "primary_unit_id", "manager_id", "active", "created_at", "updated_at"]);
    let mut user_roles = Inserter::new(dialect, "user_roles", &["user_id", "role_id"]);
    for (i, u) in p.users.iter().enumerate() {
        let id = i as i64 + 1;
        let row = [id.into(), u.login.clone().into(), format!("{}@bench.example.com", u.login).into(), u.name.clone().into(), hash.into(),
            (u.unit as i64 + 1).into(), u.manager.map(|m| m as i64 + 1).into(), 1i64.into(), created.into(), created.into()];
        users.push(row);
        user_roles.push([id.into(), roles[u.role].into()]);
    }
    users.flush(conn).await?;
    user_roles.flush(conn).await?;
    summary.users = p.users.len();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn small() -> BenchConfig {
        BenchConfig { customers: 0, units: 30, users: 100, max_depth: 6, until_ms: 1_700_000_000_000, ..Default::default() }
    }

    #[test]
    fn the_plan_has_exactly_the_units_asked_for_within_the_depth() {
        for (units, depth) in [(30, 6), (500, 6), (500, 4), (500, 5), (12, 4), (2000, 8)] {
            let cfg = BenchConfig { units, max_depth: depth, users: units * 20, ..small() };
            let p = plan(&cfg, &mut StdRng::seed_from_u64(7));
            assert_eq!(p.units.len(), units, "{units} at depth {depth}");
            assert!(p.units.iter().all(|u| u.depth <= depth));
            assert_eq!(p.users.len(), cfg.users);
            // Managers come before their reports, and every unit but the group has a head.
            assert!(p.users.iter().enumerate().all(|(i, u)| u.manager.is_none_or(|m| m < i)));
            assert!(p.units.iter().all(|u| u.head.is_some()));
        }
    }
}
