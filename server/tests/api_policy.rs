//! The REST API against a plain reference model. Random worlds — org trees, users with managers
//! and roles giving each of the seven API objects its own read, update and create rights, and
//! records of every object owned across the tree — are written to a real database; then every
//! user calls the API with their own token: for every object, the list pages, get and update of
//! every record, and create must be refused exactly where the model says the user may not, and
//! nowhere else. CRM_API_SEED fixes the seed; CRM_API_WORLDS sets the worlds per engine.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use app::server::AppState;
use domain::clock::{now_ms, DAY_MS};
use domain::customers::{insert_customer_tx, NewCustomer};
use domain::integration::api::ApiObject;
use domain::integration::tokens;
use domain::on_both_engines;
use domain::policy::Actor;
use domain::roles::{Action, ObjectType, Scope};
use domain::testing::worlds::{write_org, PlainUser, Written};
use domain::testing::TestDb;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

const OBJECTS: [(ApiObject, ObjectType); 7] = [
    (ApiObject::Customers, ObjectType::Customer),
    (ApiObject::Contacts, ObjectType::Contact),
    (ApiObject::Leads, ObjectType::Lead),
    (ApiObject::Opportunities, ObjectType::Opportunity),
    (ApiObject::Contracts, ObjectType::Contract),
    (ApiObject::Receivables, ObjectType::Receivable),
    (ApiObject::Tickets, ObjectType::Ticket),
];

// ---------------------------------------------------------------------------------------------
// The model: scopes over owners and units in plain Rust.

#[derive(Debug, Clone)]
struct World {
    unit_parent: Vec<Option<usize>>,
    users: Vec<User>,
    /// Per role: (object index, action, scope).
    roles: Vec<Vec<(usize, Action, Scope)>>,
    /// Per object index: its records. Contacts hang on `parent` (a customer index).
    records: Vec<Vec<Rec>>,
}

#[derive(Debug, Clone)]
struct User {
    unit: usize,
    manager: Option<usize>,
    roles: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    owner: Option<usize>,
    unit: usize,
    /// The customer a contact, opportunity, contract or ticket belongs to.
    customer: usize,
}

impl World {
    fn up_from(&self, unit: usize) -> Vec<usize> {
        domain::testing::model::up_from(&self.unit_parent, unit)
    }

    fn reports_to(&self, user: usize, boss: usize) -> bool {
        domain::testing::model::reports_to(|u| self.users[u].manager, user, boss)
    }

    fn scope(&self, user: usize, object: usize, action: Action) -> Scope {
        self.users[user]
            .roles
            .iter()
            .flat_map(|r| self.roles[*r].iter())
            .filter(|(o, a, _)| *o == object && *a == action)
            .map(|(_, _, s)| *s)
            .max()
            .unwrap_or(Scope::None)
    }

    fn by_scope(&self, user: usize, object: usize, action: Action, r: &Rec) -> bool {
        let mine = self.users[user].unit;
        match self.scope(user, object, action) {
            Scope::None => false,
            Scope::Own => r.owner == Some(user),
            Scope::OwnAndSubordinates => r.owner == Some(user) || r.owner.is_some_and(|o| self.reports_to(o, user)),
            Scope::Unit => r.unit == mine,
            Scope::UnitAndBelow => self.up_from(r.unit).contains(&mine),
            Scope::All => true,
        }
    }

    fn customer(&self, user: usize, action: Action, customer: usize) -> bool {
        self.by_scope(user, 0, action, &self.records[0][customer])
    }

    /// Whether the user may read / update record `i` of object `o`.
    fn allows(&self, user: usize, o: usize, action: Action, i: usize) -> bool {
        let r = &self.records[o][i];
        match OBJECTS[o].0 {
            // A contact is read with its customer by those who may read contacts, and changed by
            // those who may change the customer.
            ApiObject::Contacts => match action {
                Action::Read => self.scope(user, o, Action::Read) != Scope::None && self.customer(user, Action::Read, r.customer),
                _ => self.customer(user, Action::Update, r.customer),
            },
            _ => self.by_scope(user, o, action, r),
        }
    }

    /// Whether the user may create one of object `o` on customer `c` (when it hangs on one).
    fn may_create(&self, user: usize, o: usize, c: usize) -> bool {
        let grant = self.scope(user, o, Action::Create) != Scope::None;
        match OBJECTS[o].0 {
            ApiObject::Customers | ApiObject::Leads | ApiObject::Contracts => grant,
            ApiObject::Contacts => self.customer(user, Action::Update, c),
            ApiObject::Opportunities => grant && self.customer(user, Action::Update, c),
            ApiObject::Tickets => grant && self.customer(user, Action::Read, c),
            ApiObject::Receivables => false,
        }
    }
}

fn random_scope(rng: &mut StdRng) -> Scope {
    Scope::ALL[rng.gen_range(0..Scope::ALL.len())]
}

fn generate(rng: &mut StdRng) -> World {
    let unit_count = rng.gen_range(2..=7);
    let unit_parent: Vec<Option<usize>> = (0..unit_count).map(|u| if u == 0 { None } else { Some(rng.gen_range(0..u)) }).collect();
    let roles: Vec<Vec<(usize, Action, Scope)>> = (0..rng.gen_range(1..=3))
        .map(|_| {
            let mut g = Vec::new();
            for o in 0..OBJECTS.len() {
                for a in [Action::Read, Action::Update] {
                    if rng.gen_bool(0.8) {
                        g.push((o, a, random_scope(rng)));
                    }
                }
                if rng.gen_bool(0.5) {
                    g.push((o, Action::Create, Scope::All));
                }
            }
            g
        })
        .collect();
    let user_count = rng.gen_range(2..=5);
    let mut users = Vec::new();
    for i in 0..user_count {
        let manager = if i > 0 && rng.gen_bool(0.6) { Some(rng.gen_range(0..i)) } else { None };
        let mut rs: Vec<usize> = (0..rng.gen_range(1..=2)).map(|_| rng.gen_range(0..roles.len())).collect();
        rs.dedup();
        users.push(User { unit: rng.gen_range(0..unit_count), manager, roles: rs });
    }
    let customers = rng.gen_range(2..=4);
    let records = OBJECTS
        .iter()
        .enumerate()
        .map(|(o, _)| {
            let n = if o == 0 { customers } else { rng.gen_range(1..=3) };
            (0..n)
                .map(|_| {
                    let owner = if rng.gen_bool(0.2) { None } else { Some(rng.gen_range(0..user_count)) };
                    let unit = match owner {
                        Some(u) if rng.gen_bool(0.7) => users[u].unit,
                        _ => rng.gen_range(0..unit_count),
                    };
                    Rec { owner, unit, customer: rng.gen_range(0..customers) }
                })
                .collect()
        })
        .collect();
    World { unit_parent, users, roles, records }
}

// ---------------------------------------------------------------------------------------------
// Writing a world.

struct Ids {
    users: Vec<i64>,
    /// Per object index: database ids of its records.
    records: Vec<Vec<i64>>,
}

async fn store(t: &TestDb, w: &World, n: usize) -> Ids {
    let mut tx = t.db.begin_write().await.unwrap();
    let plain: Vec<PlainUser> = w.users.iter().map(|u| PlainUser { primary: u.unit, extra: &[], manager: u.manager, roles: &u.roles }).collect();
    let grants: Vec<Vec<_>> = w.roles.iter().map(|g| g.iter().map(|(o, a, s)| (OBJECTS[*o].1, *a, *s)).collect()).collect();
    let Written { units, users, .. } = write_org(&mut tx, &format!("a{n}"), &w.unit_parent, &grants, &plain).await;
    let now = now_ms();
    let owner = |r: &Rec| r.owner.map(|o| users[o]);
    let mut records: Vec<Vec<i64>> = Vec::new();
    for (o, recs) in w.records.iter().enumerate() {
        let mut ids = Vec::new();
        for (i, r) in recs.iter().enumerate() {
            let customer = records.first().map(|c: &Vec<i64>| c[r.customer]).unwrap_or(0);
            let id: i64 = match OBJECTS[o].0 {
                ApiObject::Customers => {
                    let c = NewCustomer {
                        name: format!("A{n}客户{i}"),
                        kind: "company",
                        industry: String::new(),
                        province: String::new(),
                        city: String::new(),
                        phone: String::new(),
                        level: 'C',
                        source: String::new(),
                        owner_id: owner(r),
                        unit_id: units[r.unit],
                    };
                    insert_customer_tx(&mut tx, &c, None).await.unwrap()
                }
                ApiObject::Contacts => sqlx::query("INSERT INTO contacts (customer_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id")
                    .bind(customer)
                    .bind(format!("联系人{i}"))
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap()
                    .try_get(0)
                    .unwrap(),
                ApiObject::Leads => sqlx::query("INSERT INTO leads (name, status, owner_id, unit_id, created_at, updated_at) VALUES ($1, 'assigned', $2, $3, $4, $4) RETURNING id")
                    .bind(format!("线索{i}"))
                    .bind(owner(r))
                    .bind(units[r.unit])
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap()
                    .try_get(0)
                    .unwrap(),
                ApiObject::Opportunities => sqlx::query(
                    "INSERT INTO opportunities (customer_id, name, amount_minor, owner_id, unit_id, created_at, updated_at, stage_id) \
                     VALUES ($1, $2, 100000, $3, $4, $5, $5, (SELECT MIN(id) FROM opportunity_stages)) RETURNING id",
                )
                .bind(customer)
                .bind(format!("商机{i}"))
                .bind(owner(r))
                .bind(units[r.unit])
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get(0)
                .unwrap(),
                ApiObject::Contracts | ApiObject::Receivables => {
                    let contract: i64 = sqlx::query(
                        "INSERT INTO contracts (number, title, customer_id, state, amount_minor, owner_id, unit_id, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, 500000, $5, $6, $7, $7) RETURNING id",
                    )
                    .bind(format!("A{n}-{o}-{i}"))
                    .bind(format!("合同{i}"))
                    .bind(customer)
                    .bind(if OBJECTS[o].0 == ApiObject::Contracts { "draft" } else { "signed" })
                    .bind(owner(r))
                    .bind(units[r.unit])
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap()
                    .try_get(0)
                    .unwrap();
                    if OBJECTS[o].0 == ApiObject::Contracts {
                        contract
                    } else {
                        sqlx::query(
                            "INSERT INTO receivables (contract_id, seq, due_at, amount_minor, owner_id, unit_id, created_at, updated_at) \
                             VALUES ($1, 1, $2, 500000, $3, $4, $5, $5) RETURNING id",
                        )
                        .bind(contract)
                        .bind(now + 30 * DAY_MS)
                        .bind(owner(r))
                        .bind(units[r.unit])
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await
                        .unwrap()
                        .try_get(0)
                        .unwrap()
                    }
                }
                ApiObject::Tickets => sqlx::query(
                    "INSERT INTO tickets (customer_id, category, priority, title, sla_due_at, owner_id, unit_id, created_at, updated_at) \
                     VALUES ($1, 'request', 'normal', $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(customer)
                .bind(format!("工单{i}"))
                .bind(now + DAY_MS)
                .bind(owner(r))
                .bind(units[r.unit])
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get(0)
                .unwrap(),
            };
            ids.push(id);
        }
        records.push(ids);
    }
    tx.commit().await.unwrap();
    Ids { users, records }
}

// ---------------------------------------------------------------------------------------------
// Calling the API.

struct Caller<'a> {
    c: &'a Client,
    base: &'a str,
    secret: String,
}

impl Caller<'_> {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.c.request(method, format!("{}/api/v1/{path}", self.base)).bearer_auth(&self.secret);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Every id the list shows over all its pages (small pages, to walk the cursor).
    async fn list_all(&self, object: ApiObject) -> Result<BTreeSet<i64>, StatusCode> {
        let mut seen = BTreeSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{}?limit=2&cursor={c}", object.path()),
                None => format!("{}?limit=2", object.path()),
            };
            let (status, page) = self.call(Method::GET, &path, None).await;
            if status != StatusCode::OK {
                return Err(status);
            }
            for item in page["items"].as_array().unwrap() {
                assert!(seen.insert(item["id"].as_i64().unwrap()), "{} twice in the list of {}", item["id"], object.path());
            }
            match page["next"].as_str() {
                Some(n) => cursor = Some(n.to_string()),
                None => return Ok(seen),
            }
        }
    }
}

fn refused(s: StatusCode) -> bool {
    matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
}

/// A body that passes the object's checks, so that only the rights decide.
fn update_body(object: ApiObject, n: usize) -> Value {
    match object {
        ApiObject::Customers => json!({ "city": format!("城市{n}") }),
        ApiObject::Contacts => json!({ "title": format!("职位{n}") }),
        ApiObject::Leads => json!({ "note": format!("备注{n}") }),
        ApiObject::Opportunities => json!({ "name": format!("商机{n}"), "amount_minor": 1000 + n as i64, "currency": "CNY", "expected_close": "", "competitors": "", "products": [] }),
        ApiObject::Contracts => json!({ "customer_id": 0, "title": "", "currency": "CNY", "terms": "", "lines": [], "instalments": [] }),
        ApiObject::Receivables => json!({ "due_at": now_ms() + (40 + n as i64) * DAY_MS }),
        ApiObject::Tickets => json!({ "status": "in_progress", "resolution": "" }),
    }
}

fn create_body(object: ApiObject, customer: i64, n: usize) -> Value {
    match object {
        ApiObject::Customers => json!({ "name": format!("接口客户{n}"), "kind": "company", "industry": "", "province": "", "city": "", "phone": "", "level": "C", "source": "", "to_pool": false }),
        ApiObject::Contacts => json!({ "customer_id": customer, "name": format!("联系人{n}") }),
        ApiObject::Leads => json!({ "name": format!("接口线索{n}"), "company": "", "title": "", "phone": "", "email": "", "province": "", "city": "", "source": "", "note": "", "keep": true }),
        ApiObject::Opportunities => json!({ "customer_id": customer, "name": format!("接口商机{n}"), "amount_minor": 5000, "currency": "CNY" }),
        ApiObject::Contracts => json!({ "customer_id": customer, "title": "", "currency": "CNY", "terms": "", "lines": [], "instalments": [] }),
        ApiObject::Receivables => Value::Null,
        ApiObject::Tickets => json!({ "customer_id": customer, "category": "request", "priority": "normal", "title": format!("接口工单{n}"), "description": "" }),
    }
}

async fn check_engine(t: &TestDb) {
    let seed: u64 = std::env::var("CRM_API_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| now_ms() as u64);
    let worlds: usize = std::env::var("CRM_API_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    let mut rng = StdRng::seed_from_u64(seed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(t.db.clone(), domain::accounts::SessionConfig::default(), false);
    let limits = server::api::Limits { burst: 1e9, per_second: 1e9 };
    let router = server::routes::build_router_with(state, server::leptos_options("target/site", addr), false, limits);
    let _server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    let base = format!("http://{addr}");
    let c = Client::new();
    let (mut gets, mut updates, mut creates, mut lists) = (0, 0, 0, 0);
    for n in 1..=worlds {
        let w = generate(&mut rng);
        let ids = store(t, &w, n).await;
        let all_of_world: Vec<BTreeSet<i64>> = ids.records.iter().map(|r| r.iter().copied().collect()).collect();
        for (ui, user_id) in ids.users.iter().enumerate() {
            let actor = Actor::load(&t.db, *user_id).await.unwrap();
            let caller = Caller { c: &c, base: &base, secret: tokens::create(&t.db, &actor, "模型", 0).await.unwrap().secret };
            let ctx = |what: &str| format!("seed {seed}, world {n}, user {ui}: {what}\n{w:#?}");
            for (o, (object, _)) in OBJECTS.iter().enumerate() {
                // The list: exactly the records the model lets the user read (of this world).
                let expected: BTreeSet<i64> = (0..w.records[o].len()).filter(|i| w.allows(ui, o, Action::Read, *i)).map(|i| ids.records[o][i]).collect();
                lists += 1;
                match caller.list_all(*object).await {
                    Ok(mut listed) => {
                        listed.retain(|id| all_of_world[o].contains(id));
                        assert_eq!(listed, expected, "{}", ctx(&format!("list of {}", object.path())));
                    }
                    // A list is refused only to those who may read none of the object at all.
                    Err(status) => {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{}", ctx(object.path()));
                        assert_eq!(w.scope(ui, o, Action::Read), Scope::None, "{}", ctx(&format!("list of {} refused", object.path())));
                    }
                }
                for (i, id) in ids.records[o].iter().enumerate() {
                    gets += 1;
                    let (status, body) = caller.call(Method::GET, &format!("{}/{id}", object.path()), None).await;
                    assert_eq!(status == StatusCode::OK, w.allows(ui, o, Action::Read, i), "{}", ctx(&format!("get {} {i}: {status} {body}", object.path())));
                    assert!(status == StatusCode::OK || refused(status), "{status} {body}");
                    updates += 1;
                    let (status, body) = caller.call(Method::PATCH, &format!("{}/{id}", object.path()), Some(update_body(*object, n))).await;
                    // The rules of the object itself (a draft contract's lines) may still refuse
                    // with a reason, but only the rights refuse with 403 / 404.
                    assert_eq!(!refused(status), w.allows(ui, o, Action::Update, i), "{}", ctx(&format!("update {} {i}: {status} {body}", object.path())));
                }
                if *object != ApiObject::Receivables {
                    creates += 1;
                    let ci = rng.gen_range(0..w.records[0].len());
                    let (status, body) = caller.call(Method::POST, object.path(), Some(create_body(*object, ids.records[0][ci], n * 100 + ui))).await;
                    assert_eq!(!refused(status), w.may_create(ui, o, ci), "{}", ctx(&format!("create {} on customer {ci}: {status} {body}", object.path())));
                    if w.may_create(ui, o, ci) && !matches!(object, ApiObject::Contracts | ApiObject::Tickets) {
                        assert_eq!(status, StatusCode::CREATED, "{}", ctx(&format!("create {}: {body}", object.path())));
                    }
                }
            }
        }
    }
    println!(
        "API against the reference model: seed {seed}, {worlds} worlds, {lists} paged lists, {gets} gets, {updates} updates, {creates} creates agree"
    );
}

on_both_engines!(api_is_refused_exactly_where_the_model_refuses, |t| {
    check_engine(t).await;
});
