//! Campaigns and channel effectiveness against a plain computation: random leads (some linked to
//! campaigns, some converted into customers and opportunities, won or not), contracts with
//! receipts (some reversed, some in another currency), and users whose roles give leads,
//! opportunities and receivables their own scopes (some hiding opportunity amounts). For every
//! user, each channel's leads, conversions, won deals and receipts equal what plain Rust counts
//! over what that user may read. Creating and linking are refused where they should be.

use std::collections::{BTreeMap, BTreeSet};

use domain::accounts::users::{insert_user_tx, Login, NewUser, Password};
use domain::marketing::campaigns::{self, CampaignInput, ChannelFigures, CHANNELS};
use domain::on_both_engines;
use domain::org::{create_unit_tx, UnitKind, UnitName};
use domain::policy::Actor;
use domain::roles::{insert_role_tx, Action, ObjectType, Scope};
use domain::DomainError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

#[derive(Clone, Copy, Debug)]
struct Owned {
    owner: usize,
    unit: usize,
}

fn sees(scope: Scope, user: usize, user_unit: usize, r: Owned, parent: &[Option<usize>]) -> bool {
    let under = |mut u: usize| loop {
        if u == user_unit {
            return true;
        }
        match parent[u] {
            Some(p) => u = p,
            None => return false,
        }
    };
    match scope {
        Scope::None => false,
        Scope::Own | Scope::OwnAndSubordinates => r.owner == user,
        Scope::Unit => r.unit == user_unit,
        Scope::UnitAndBelow => under(r.unit),
        Scope::All => true,
    }
}

on_both_engines!(channel_effectiveness_equals_a_plain_count, |t| {
    let db = &t.db;
    // How often a won deal and a receipt counted somewhere: the worlds must exercise both.
    let (mut deals_seen, mut receipts_seen) = (0, 0);
    for seed in 0..5_u64 {
        let mut rng = StdRng::seed_from_u64(4_200 + seed);
        let n_units = rng.gen_range(2..5);
        let parent: Vec<Option<usize>> = (0..n_units).map(|i| if i == 0 { None } else { Some(rng.gen_range(0..i)) }).collect();
        let mut tx = db.begin_write().await.unwrap();
        // Each world starts empty: campaigns are seen group-wide, and wide scopes see every lead.
        for table in ["leads", "receipts", "receivables", "contracts", "opportunities", "campaigns"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await.unwrap();
        }
        let mut units = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            let name = UnitName::parse(&format!("C{seed}单位{i}")).unwrap();
            units.push(create_unit_tx(&mut tx, p.map(|p| units[p]), if i == 0 { UnitKind::Group } else { UnitKind::Department }, &name, "", None).await.unwrap());
        }
        let pick = |rng: &mut StdRng, none: bool| {
            let all = [Scope::None, Scope::Own, Scope::Unit, Scope::UnitAndBelow, Scope::All];
            all[rng.gen_range(if none { 0 } else { 1 }..all.len())]
        };
        // (lead, opportunity, receivable scopes, opportunity amounts hidden, unit)
        let mut people = Vec::new();
        let mut ids = Vec::new();
        for i in 0..4 {
            let scopes = (pick(&mut rng, false), pick(&mut rng, true), pick(&mut rng, true));
            let hide = rng.gen_bool(0.3);
            let grants = [(ObjectType::Lead, Action::Read, scopes.0), (ObjectType::Lead, Action::Create, Scope::Own), (ObjectType::Opportunity, Action::Read, scopes.1), (ObjectType::Receivable, Action::Read, scopes.2)];
            let role = insert_role_tx(&mut tx, None, &format!("C{seed}角色{i}"), "", false, &grants).await.unwrap();
            if hide {
                sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'opportunity', 'amount_minor', 'hidden')").bind(role).execute(&mut *tx).await.unwrap();
            }
            let unit = rng.gen_range(0..n_units);
            let u = NewUser {
                login: Login::parse(&format!("c{seed}.u{i}")).unwrap(),
                email: None,
                display_name: format!("人{i}"),
                password: Password::parse("irrelevant-here").unwrap(),
                primary_unit_id: units[unit],
                manager_id: None,
                role_ids: vec![role],
            };
            ids.push(insert_user_tx(&mut tx, &u, "$argon2id$x", None).await.unwrap());
            people.push((scopes, hide, unit));
        }
        let owned = |rng: &mut StdRng| Owned { owner: rng.gen_range(0..4), unit: rng.gen_range(0..n_units) };
        let insert = |sql: &'static str| sqlx::query(sql);
        let mut campaign_ids = Vec::new();
        let mut campaign_channel = Vec::new();
        for i in 0..rng.gen_range(1..6) {
            let channel = CHANNELS[rng.gen_range(0..CHANNELS.len())];
            let id: i64 = insert("INSERT INTO campaigns (name, channel, cost_minor, currency, unit_id, created_at, updated_at) VALUES ($1, $2, $3, 'CNY', $4, 1, 1) RETURNING id")
                .bind(format!("活动{i}"))
                .bind(channel)
                .bind(rng.gen_range(0..1_000_000_i64))
                .bind(units[0])
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            campaign_ids.push(id);
            campaign_channel.push(channel);
        }
        let mut customers = Vec::new();
        for i in 0..6 {
            let id: i64 = insert("INSERT INTO customers (name, unit_id, created_at, updated_at) VALUES ($1, $2, 1, 1) RETURNING id")
                .bind(format!("C{seed}客户{i}"))
                .bind(units[0])
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            customers.push(id);
        }
        // Receipts: (customer index, receivable owned, amount, reversed, usd)
        let mut receipts = Vec::new();
        for i in 0..rng.gen_range(0..12) {
            let customer = rng.gen_range(0..customers.len());
            let o = owned(&mut rng);
            let contract: i64 = insert("INSERT INTO contracts (number, title, customer_id, state, amount_minor, owner_id, unit_id, created_at, updated_at) VALUES ($1, 'x', $2, 'signed', 1, $3, $4, 1, 1) RETURNING id")
                .bind(format!("C{seed}-{i}"))
                .bind(customers[customer])
                .bind(ids[o.owner])
                .bind(units[o.unit])
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            let receivable: i64 = insert("INSERT INTO receivables (contract_id, seq, due_at, amount_minor, owner_id, unit_id, created_at, updated_at) VALUES ($1, 1, 1, 1, $2, $3, 1, 1) RETURNING id")
                .bind(contract)
                .bind(ids[o.owner])
                .bind(units[o.unit])
                .fetch_one(&mut *tx)
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            let (amount, reversed, usd) = (rng.gen_range(1..100_000_i64), rng.gen_bool(0.2), rng.gen_bool(0.2));
            let rid: i64 = insert(
                "INSERT INTO receipts (receivable_id, contract_id, amount_minor, currency, received_at, method, idempotency_key, fingerprint, reversed_at, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, 1, 'transfer', $5, '', $6, 1, $7) RETURNING id",
            )
            .bind(receivable)
            .bind(contract)
            .bind(amount)
            .bind(if usd { "USD" } else { "CNY" })
            .bind(format!("C{seed}-key-{i}"))
            .bind(reversed.then_some(2_i64))
            .bind(ids[0])
            .fetch_one(&mut *tx)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
            receipts.push((rid, customer, o, amount, reversed, usd));
        }
        // Leads: (owned, campaign, converted into (customer, opportunity (id, owned, won, amount, usd)))
        struct Lead {
            owned: Owned,
            campaign: Option<usize>,
            converted: Option<(usize, Option<(i64, Owned, bool, i64, bool)>)>,
        }
        let mut leads = Vec::new();
        for i in 0..rng.gen_range(5..30) {
            let o = owned(&mut rng);
            let campaign = rng.gen_bool(0.8).then(|| rng.gen_range(0..campaign_ids.len()));
            let converted = if rng.gen_bool(0.5) {
                let customer = rng.gen_range(0..customers.len());
                let opp = if rng.gen_bool(0.7) {
                    let po = owned(&mut rng);
                    let (won, amount, usd) = (rng.gen_bool(0.5), rng.gen_range(0..5_000_000_i64), rng.gen_bool(0.2));
                    let id: i64 = insert("INSERT INTO opportunities (customer_id, name, amount_minor, currency, stage, owner_id, unit_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1) RETURNING id")
                        .bind(customers[customer])
                        .bind(format!("商机{i}"))
                        .bind(amount)
                        .bind(if usd { "USD" } else { "CNY" })
                        .bind(if won { "won" } else { "open" })
                        .bind(ids[po.owner])
                        .bind(units[po.unit])
                        .fetch_one(&mut *tx)
                        .await
                        .unwrap()
                        .try_get("id")
                        .unwrap();
                    Some((id, po, won, amount, usd))
                } else {
                    None
                };
                Some((customer, opp))
            } else {
                None
            };
            insert("INSERT INTO leads (name, status, owner_id, unit_id, campaign_id, converted_customer_id, converted_opportunity_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1)")
                .bind(format!("线索{i}"))
                .bind(if converted.is_some() { "converted" } else { "assigned" })
                .bind(ids[o.owner])
                .bind(units[o.unit])
                .bind(campaign.map(|c| campaign_ids[c]))
                .bind(converted.map(|(c, _)| customers[c]))
                .bind(converted.and_then(|(_, p)| p.map(|p| p.0)))
                .execute(&mut *tx)
                .await
                .unwrap();
            leads.push(Lead { owned: o, campaign, converted });
        }
        tx.commit().await.unwrap();

        for (u, ((lead_scope, opp_scope, recv_scope), hide, unit)) in people.iter().enumerate() {
            let actor = Actor::load(db, ids[u]).await.unwrap();
            let got = campaigns::effectiveness(db, &actor, "CNY").await.unwrap();
            let mut want: BTreeMap<&str, ChannelFigures> = BTreeMap::new();
            for c in CHANNELS {
                let f = want.entry(c).or_insert_with(|| ChannelFigures { channel: c.to_string(), ..Default::default() });
                if *opp_scope != Scope::None {
                    f.deals_won = Some(0);
                    f.won_minor = (!hide).then_some(0);
                }
                if *recv_scope != Scope::None {
                    f.received_minor = Some(0);
                }
            }
            for (i, c) in campaign_channel.iter().enumerate() {
                let f = want.get_mut(c).unwrap();
                f.campaigns += 1;
                let cost: i64 = sqlx::query("SELECT cost_minor FROM campaigns WHERE id = $1").bind(campaign_ids[i]).fetch_one(db.pool()).await.unwrap().try_get("cost_minor").unwrap();
                f.cost_minor += cost;
            }
            let mut deals: BTreeSet<(&str, i64)> = BTreeSet::new();
            let mut got_receipts: BTreeSet<(&str, i64)> = BTreeSet::new();
            for l in leads.iter().filter(|l| sees(*lead_scope, u, *unit, l.owned, &parent)) {
                let Some(c) = l.campaign else { continue };
                let channel = campaign_channel[c];
                let f = want.get_mut(channel).unwrap();
                f.leads += 1;
                let Some((customer, opp)) = l.converted else { continue };
                f.converted += 1;
                if let Some((id, po, won, amount, usd)) = opp {
                    if won && sees(*opp_scope, u, *unit, po, &parent) && deals.insert((channel, id)) {
                        f.deals_won = f.deals_won.map(|n| n + 1);
                        f.won_minor = f.won_minor.map(|m| m + if usd { 0 } else { amount });
                    }
                }
                for (rid, rc, ro, amount, reversed, usd) in &receipts {
                    if *rc == customer && !reversed && !usd && sees(*recv_scope, u, *unit, *ro, &parent) && got_receipts.insert((channel, *rid)) {
                        f.received_minor = f.received_minor.map(|m| m + amount);
                    }
                }
            }
            let want: Vec<ChannelFigures> = CHANNELS.iter().map(|c| want.remove(c).unwrap()).collect();
            assert_eq!(got, want, "seed {seed} user {u}");
            deals_seen += got.iter().filter(|f| f.deals_won.unwrap_or(0) > 0).count();
            receipts_seen += got.iter().filter(|f| f.received_minor.unwrap_or(0) > 0).count();
        }
    }
    assert!(deals_seen > 0 && receipts_seen > 0, "deals {deals_seen}, receipts {receipts_seen}");
});

on_both_engines!(campaigns_are_created_and_linked_by_those_allowed, |t| {
    let db = &t.db;
    let mut tx = db.begin_write().await.unwrap();
    let top = create_unit_tx(&mut tx, None, UnitKind::Group, &UnitName::parse("集团").unwrap(), "", None).await.unwrap();
    let marketer = insert_role_tx(&mut tx, None, "市场", "", false, &[(ObjectType::Lead, Action::Read, Scope::All), (ObjectType::Lead, Action::Create, Scope::All), (ObjectType::Lead, Action::Update, Scope::All)]).await.unwrap();
    let reader = insert_role_tx(&mut tx, None, "只读", "", false, &[(ObjectType::Lead, Action::Read, Scope::All)]).await.unwrap();
    let mut people = Vec::new();
    for (i, role) in [marketer, reader].iter().enumerate() {
        let u = NewUser {
            login: Login::parse(&format!("k.u{i}")).unwrap(),
            email: None,
            display_name: format!("人{i}"),
            password: Password::parse("irrelevant-here").unwrap(),
            primary_unit_id: top,
            manager_id: None,
            role_ids: vec![*role],
        };
        people.push(insert_user_tx(&mut tx, &u, "$argon2id$x", None).await.unwrap());
    }
    let lead: i64 = sqlx::query("INSERT INTO leads (name, owner_id, unit_id, created_at, updated_at) VALUES ('线索', $1, $2, 1, 1) RETURNING id")
        .bind(people[0])
        .bind(top)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    tx.commit().await.unwrap();
    let (m, r) = (Actor::load(db, people[0]).await.unwrap(), Actor::load(db, people[1]).await.unwrap());
    let input = |name: &str, channel: &str, cost: i64, starts: &str, ends: &str| CampaignInput {
        name: name.into(),
        channel: channel.into(),
        cost_minor: cost,
        currency: String::new(),
        unit_id: Some(top),
        starts_on: starts.into(),
        ends_on: ends.into(),
    };
    let id = campaigns::create(db, &m, &input("春季展会", "exhibition", 5_000_000, "2026-03-01", "2026-03-03")).await.unwrap();
    assert!(matches!(campaigns::create(db, &r, &input("无权", "email", 1, "", "")).await, Err(DomainError::Forbidden)));
    for (bad, field) in [
        (input("", "email", 1, "", ""), "name"),
        (input("x", "billboard", 1, "", ""), "channel"),
        (input("x", "email", -1, "", ""), "cost"),
        (input("x", "email", 1, "2026-03-05", "2026-03-01"), "ends_on"),
        (input("x", "email", 1, "2026-02-30", ""), "starts_on"),
    ] {
        match campaigns::create(db, &m, &bad).await {
            Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(campaigns::link_lead(db, &r, lead, Some(id)).await, Err(DomainError::Forbidden)));
    assert!(matches!(campaigns::link_lead(db, &m, lead, Some(id + 99)).await, Err(DomainError::Invalid { field: "campaign", .. })));
    campaigns::link_lead(db, &m, lead, Some(id)).await.unwrap();
    assert_eq!(campaigns::of_lead(db, &r, lead).await.unwrap(), Some(id));
    let list = campaigns::list(db, &r).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].name.as_str(), list[0].leads, list[0].cost_minor), ("春季展会", 1, 5_000_000));
    let fx = campaigns::effectiveness(db, &r, "").await.unwrap();
    let exhibition = fx.iter().find(|f| f.channel == "exhibition").unwrap();
    assert_eq!((exhibition.campaigns, exhibition.leads, exhibition.converted, exhibition.deals_won), (1, 1, 0, None));
});
