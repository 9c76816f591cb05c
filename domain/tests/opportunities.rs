//! Opportunities on both engines: the board follows read scopes and field rights, moving a card
//! needs the update right (and a reason to lose), one of several simultaneous movers wins, stages
//! are the administrators' to configure, products come from the editor's lines, and the forecast
//! matches a plain reference computed from raw rows on generated data.

use std::collections::BTreeMap;

use domain::clock::{format_date, now_ms, DAY_MS};
use domain::on_both_engines;
use domain::opportunities::pipeline::{self, BoardQuery, OpportunityEdit, OpportunityProduct};
use domain::opportunities::{self, forecast, stages, NewOpportunity};
use domain::testing::{actor, first_customer_of, user_id, TestDb};
use domain::{demo, DomainError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

async fn stage(t: &TestDb, code: &str) -> i64 {
    sqlx::query("SELECT id FROM opportunity_stages WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn scalar(t: &TestDb, sql: &str, id: i64) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(id).fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap()
}

fn deal(name: &str, amount: i64, close: &str) -> NewOpportunity {
    NewOpportunity { name: name.into(), amount_minor: amount, currency: "CNY".into(), expected_close: close.into() }
}

fn edit_of(card: &pipeline::OpportunityCard, products: Vec<OpportunityProduct>) -> OpportunityEdit {
    OpportunityEdit {
        name: card.name.clone(),
        amount_minor: card.amount_minor.unwrap_or(0),
        currency: card.currency.clone(),
        expected_close: card.expected_close.clone().unwrap_or_default(),
        competitors: card.competitors.clone(),
        products,
    }
}

async fn board(t: &TestDb, login: &str, mine_only: bool) -> Vec<pipeline::BoardColumn> {
    pipeline::board(&t.db, &actor(&t.db, login).await, &BoardQuery { mine_only, per_stage: 200, ..Default::default() }).await.unwrap()
}

on_both_engines!(the_demo_fills_every_stage_and_the_board_follows_read_scopes, |t| {
    demo::seed(&t.db).await.unwrap();
    let all = board(t, "ceo", false).await;
    assert_eq!(all.iter().map(|c| c.stage.code.as_str()).collect::<Vec<_>>(), ["qualify", "needs", "proposal", "negotiation", "won", "lost"]);
    for c in &all {
        assert!(c.count > 0, "the demo has opportunities in {}", c.stage.code);
        assert_eq!(c.count as usize, c.cards.len());
        // The column's sum is the sum of its cards.
        let sum: i64 = c.cards.iter().map(|k| k.amount_minor.unwrap()).sum();
        assert_eq!(c.sums.iter().map(|s| s.amount_minor).sum::<i64>(), sum);
    }
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM opportunities").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(all.iter().map(|c| c.count).sum::<i64>(), total);

    // A rep sees their own; a branch manager their branch; nobody the other branch.
    let rep = user_id(&t.db, "bj.sales1").await;
    let mine = board(t, "bj.sales1", false).await;
    let cards: Vec<_> = mine.iter().flat_map(|c| c.cards.iter()).collect();
    assert!(!cards.is_empty() && cards.iter().all(|k| k.owner_id == Some(rep)));
    assert_eq!(mine.iter().map(|c| c.count).sum::<i64>(), scalar(t, "SELECT COUNT(*) FROM opportunities WHERE owner_id = $1", rep).await);
    let sh_rep = user_id(&t.db, "sh.sales1").await;
    let manager: Vec<_> = board(t, "bj.manager", false).await.into_iter().flat_map(|c| c.cards).collect();
    assert!(manager.iter().any(|k| k.owner_id == Some(rep)));
    assert!(manager.iter().all(|k| k.owner_id != Some(sh_rep)), "Beijing's manager sees no Shanghai opportunity");
    let sh: Vec<_> = board(t, "sh.manager", false).await.into_iter().flat_map(|c| c.cards).collect();
    assert!(sh.iter().any(|k| k.owner_id == Some(sh_rep)) && sh.iter().all(|k| k.owner_id != Some(rep)));
    // "Mine only": the manager owns none.
    assert_eq!(board(t, "bj.manager", true).await.iter().map(|c| c.count).sum::<i64>(), 0);
    // Those without a read grant on opportunities get no board at all.
    let r = pipeline::board(&t.db, &actor(&t.db, "bj.service").await, &BoardQuery::default()).await;
    assert!(matches!(r, Err(DomainError::Forbidden)), "{r:?}");
    // A single card follows the same rule.
    let shanghai_card = sh.iter().find(|k| k.owner_id == Some(sh_rep)).unwrap().id;
    assert!(matches!(pipeline::get(&t.db, &actor(&t.db, "bj.sales1").await, shanghai_card).await, Err(DomainError::NotFound)));
});

on_both_engines!(moving_a_card_needs_the_right_a_reason_to_lose_and_the_stage_it_was_seen_in, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let id = opportunities::create(&t.db, &rep, customer, &deal("移动测试", 500_000, "")).await.unwrap();
    let (qualify, needs, proposal, won, lost) = (stage(t, "qualify").await, stage(t, "needs").await, stage(t, "proposal").await, stage(t, "won").await, stage(t, "lost").await);
    let open_deals = || scalar(t, "SELECT open_deals FROM customers WHERE id = $1", customer);
    let at = || scalar(t, "SELECT stage_id FROM opportunities WHERE id = $1", id);
    assert_eq!(at().await, qualify, "new opportunities start in the first stage");
    let deals_before = open_deals().await;

    pipeline::move_to(&t.db, &rep, id, qualify, needs, "").await.unwrap();
    assert_eq!(at().await, needs);
    // Losing needs a reason; refused, nothing moves.
    let r = pipeline::move_to(&t.db, &rep, id, needs, lost, "  ").await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "lost_reason", code: "required" })), "{r:?}");
    assert_eq!(at().await, needs);
    // Moved from a stage it is no longer in: a conflict, nothing moves.
    let r = pipeline::move_to(&t.db, &rep, id, qualify, proposal, "").await;
    assert!(matches!(&r, Err(DomainError::Conflict(c)) if c == "opportunity_moved"), "{r:?}");
    assert_eq!(at().await, needs);
    // The same move again (a double click) changes nothing and is not an error.
    let events_before = scalar(t, "SELECT COUNT(*) FROM events WHERE record_id = $1 AND kind = 'opportunity.stage'", id).await;
    pipeline::move_to(&t.db, &rep, id, qualify, needs, "").await.unwrap();
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM events WHERE record_id = $1 AND kind = 'opportunity.stage'", id).await, events_before);
    // Nobody outside the rep's reach moves it, nor learns that it exists.
    for other in ["bj.sales2", "sh.sales1", "sh.manager"] {
        let r = pipeline::move_to(&t.db, &actor(&t.db, other).await, id, needs, proposal, "").await;
        assert!(matches!(r, Err(DomainError::NotFound)), "{other}: {r:?}");
    }
    // Finance reads it but may not move it.
    let r = pipeline::move_to(&t.db, &actor(&t.db, "finance").await, id, needs, proposal, "").await;
    assert!(matches!(r, Err(DomainError::Forbidden)), "{r:?}");
    assert_eq!(at().await, needs);

    // Winning closes the deal on the customer; reopening counts it again.
    pipeline::move_to(&t.db, &rep, id, needs, won, "").await.unwrap();
    assert_eq!(open_deals().await, deals_before - 1);
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM opportunities WHERE id = $1 AND stage = 'won'", id).await, 1);
    pipeline::move_to(&t.db, &rep, id, won, needs, "").await.unwrap();
    assert_eq!(open_deals().await, deals_before);
    // The manager loses it with a reason: kept on the card, the rep is told.
    let manager = actor(&t.db, "bj.manager").await;
    let last_event = domain::events::last_id(&t.db).await.unwrap();
    pipeline::move_to(&t.db, &manager, id, needs, lost, "预算取消").await.unwrap();
    let card = pipeline::get(&t.db, &rep, id).await.unwrap();
    assert_eq!((card.outcome.as_str(), card.lost_reason.as_str()), ("lost", "预算取消"));
    assert_eq!(open_deals().await, deals_before - 1);
    let e = domain::events::since(&t.db, last_event, 10).await.unwrap().into_iter().find(|e| e.kind == "opportunity.stage").unwrap();
    assert!(domain::events::notified(&t.db, e.id).await.unwrap().contains(&rep.user_id), "the owner is told someone else moved it");
    assert_eq!(e.payload["customer_id"], customer);
});

on_both_engines!(of_simultaneous_moves_of_one_card_exactly_one_wins, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let id = opportunities::create(&t.db, &rep, customer, &deal("并发移动", 100, "")).await.unwrap();
    let from = stage(t, "qualify").await;
    let targets = ["needs", "proposal", "negotiation", "won", "lost", "needs", "proposal", "negotiation"];
    let mut tasks = Vec::new();
    for (i, code) in targets.iter().enumerate() {
        let to = stage(t, code).await;
        let db = t.db.clone();
        let who = if i % 2 == 0 { rep.clone() } else { manager.clone() };
        tasks.push(tokio::spawn(async move { (to, pipeline::move_to(&db, &who, id, from, to, "并发").await) }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (to, r) = task.await.unwrap();
        match r {
            Ok(()) => winners.push(to),
            Err(DomainError::Conflict(c)) if c == "opportunity_moved" => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    let at = scalar(t, "SELECT stage_id FROM opportunities WHERE id = $1", id).await;
    // Every success is the one move that happened (a repeat of the same target is no second move).
    assert!(!winners.is_empty() && winners.iter().all(|w| *w == at), "winners {winners:?}, at {at}");
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM events WHERE record_id = $1 AND kind = 'opportunity.stage'", id).await, 1);
});

on_both_engines!(stages_are_the_administrators_to_configure, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let trial = stages::StageInput { id: None, code: "trial".into(), name_zh: "试用".into(), name_en: "Trial".into(), probability_bp: 4_500, position: 3, outcome: "open".into() };
    assert!(matches!(stages::save(&t.db, &actor(&t.db, "bj.manager").await, &trial).await, Err(DomainError::Forbidden)));
    let id = stages::save(&t.db, &admin, &trial).await.unwrap();
    let codes: Vec<String> = stages::list(&t.db).await.unwrap().into_iter().map(|s| s.code).collect();
    assert_eq!(codes, ["qualify", "needs", "proposal", "trial", "negotiation", "won", "lost"], "ordered by position, then age (proposal is also 3)");
    assert_eq!(board(t, "ceo", false).await.len(), 7);
    // The same code twice, or a probability out of range: refused, nothing changes.
    let r = stages::save(&t.db, &admin, &stages::StageInput { code: "proposal".into(), ..trial.clone() }).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "code", code: "taken" })), "{r:?}");
    let r = stages::save(&t.db, &admin, &stages::StageInput { id: Some(id), probability_bp: 12_000, ..trial.clone() }).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "probability", .. })), "{r:?}");
    // A stage that holds opportunities keeps its outcome; an empty one may change.
    let proposal = stages::list(&t.db).await.unwrap().into_iter().find(|s| s.code == "proposal").unwrap();
    let r = stages::save(&t.db, &admin, &stages::StageInput { id: Some(proposal.id), code: proposal.code.clone(), name_zh: proposal.name_zh.clone(), name_en: proposal.name_en.clone(), probability_bp: 0, position: proposal.position, outcome: "lost".into() }).await;
    assert!(matches!(&r, Err(DomainError::Conflict(c)) if c == "stage_in_use"), "{r:?}");
    stages::save(&t.db, &admin, &stages::StageInput { id: Some(id), outcome: "won".into(), ..trial.clone() }).await.unwrap();
    let saved = stages::list(&t.db).await.unwrap().into_iter().find(|s| s.id == id).unwrap();
    assert_eq!((saved.outcome.as_str(), saved.probability_bp), ("won", 10_000), "won stages count in full");
});

on_both_engines!(products_come_from_the_editors_lines_and_hidden_amounts_stay_hidden, |t| {
    demo::seed(&t.db).await.unwrap();
    let sh = actor(&t.db, "sh.sales1").await;
    let id = opportunities::create(&t.db, &sh, first_customer_of(&t.db, "sh.sales1").await, &deal("产品测试", 300_000, "2027-01-15")).await.unwrap();
    let product = |code: &'static str| async move {
        sqlx::query("SELECT id FROM products WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>("id").unwrap()
    };
    let (software, gateway) = (product("SW-CRM").await, product("HW-GW").await);
    let card = pipeline::get(&t.db, &sh, id).await.unwrap();
    // Hardware is Beijing's line: refused, nothing written (not even the new name).
    let mut edit = edit_of(&card, vec![OpportunityProduct { product_id: gateway, quantity: 2 }]);
    edit.name = "改名".into();
    let r = pipeline::update(&t.db, &sh, id, &edit).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "product", code: "not_sellable" })), "{r:?}");
    assert_eq!(pipeline::get(&t.db, &sh, id).await.unwrap().name, "产品测试");
    assert!(pipeline::products_of(&t.db, &sh, id).await.unwrap().is_empty());
    let edit = OpportunityEdit { competitors: "竞品甲".into(), ..edit_of(&card, vec![OpportunityProduct { product_id: software, quantity: 3 }]) };
    pipeline::update(&t.db, &sh, id, &edit).await.unwrap();
    assert_eq!(pipeline::products_of(&t.db, &sh, id).await.unwrap(), vec![OpportunityProduct { product_id: software, quantity: 3 }]);
    assert_eq!(pipeline::get(&t.db, &sh, id).await.unwrap().competitors, "竞品甲");
    // A bad date is refused with its field.
    let r = pipeline::update(&t.db, &sh, id, &OpportunityEdit { expected_close: "2027-02-30".into(), ..edit.clone() }).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "expected_close", .. })), "{r:?}");

    // Amounts hidden from sales reps: not on cards, not in sums, not in the forecast; not writable.
    let role = domain::roles::role_id_by_key(&t.db, "sales_rep").await.unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'opportunity', 'amount_minor', 'hidden')")
        .bind(role)
        .execute(t.db.pool())
        .await
        .unwrap();
    let sh = actor(&t.db, "sh.sales1").await;
    let columns = pipeline::board(&t.db, &sh, &BoardQuery { per_stage: 50, ..Default::default() }).await.unwrap();
    assert!(columns.iter().any(|c| c.count > 0));
    assert!(columns.iter().all(|c| c.sums.is_empty() && c.cards.iter().all(|k| k.amount_minor.is_none())));
    let rows = forecast::forecast(&t.db, &sh, "2027-01", 1).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.unweighted_minor == 0 && r.weighted_minor == 0));
    let r = pipeline::update(&t.db, &sh, id, &OpportunityEdit { amount_minor: 1, ..edit.clone() }).await;
    assert!(matches!(r, Err(DomainError::ReadOnlyField(_))), "{r:?}");
    assert_eq!(scalar(t, "SELECT amount_minor FROM opportunities WHERE id = $1", id).await, 300_000);
});

/// A raw opportunity row, for the reference forecast.
struct Raw {
    id: i64,
    unit: i64,
    currency: String,
    amount: i64,
    probability: i64,
    outcome: String,
    close: Option<String>,
}

on_both_engines!(the_forecast_matches_a_plain_reference, |t| {
    demo::seed(&t.db).await.unwrap();
    let mut rng = StdRng::seed_from_u64(0xf0_2ec_a57);
    let reps = ["bj.sales1", "bj.sales2", "bj.sales3", "sh.sales1", "sh.sales2", "sh.sales3"];
    let codes = ["qualify", "needs", "proposal", "negotiation", "won", "lost"];
    let now = now_ms();
    for i in 0..rng.gen_range(30..=45) {
        let login = reps[rng.gen_range(0..reps.len())];
        let rep = actor(&t.db, login).await;
        let close = if rng.gen_bool(0.1) { String::new() } else { format_date(now + rng.gen_range(-40..220) * DAY_MS) };
        let currency = if rng.gen_bool(0.15) { "USD" } else { "CNY" };
        let amount = rng.gen_range(0..5_000_000_000i64);
        let o = NewOpportunity { name: format!("随机商机 {i}"), amount_minor: amount, currency: currency.into(), expected_close: close };
        let id = opportunities::create(&t.db, &rep, first_customer_of(&t.db, login).await, &o).await.unwrap();
        let code = codes[rng.gen_range(0..codes.len())];
        if code != "qualify" {
            pipeline::move_to(&t.db, &rep, id, stage(t, "qualify").await, stage(t, code).await, "随机").await.unwrap();
        }
    }
    // Change a probability first: the forecast must follow the configuration, not a copy.
    let admin = actor(&t.db, "admin").await;
    let proposal = stages::list(&t.db).await.unwrap().into_iter().find(|s| s.code == "proposal").unwrap();
    stages::save(&t.db, &admin, &stages::StageInput { id: Some(proposal.id), code: proposal.code, name_zh: proposal.name_zh, name_en: proposal.name_en, probability_bp: 5_500, position: proposal.position, outcome: proposal.outcome }).await.unwrap();

    let raw: Vec<Raw> = sqlx::query(
        "SELECT p.id, p.unit_id, p.currency, p.amount_minor, s.probability_bp, s.outcome, p.expected_close FROM opportunities p JOIN opportunity_stages s ON s.id = p.stage_id",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| Raw {
        id: r.try_get("id").unwrap(),
        unit: r.try_get("unit_id").unwrap(),
        currency: r.try_get("currency").unwrap(),
        amount: r.try_get("amount_minor").unwrap(),
        probability: r.try_get("probability_bp").unwrap(),
        outcome: r.try_get("outcome").unwrap(),
        close: r.try_get("expected_close").unwrap(),
    })
    .collect();
    let from = format_date(now);
    let from_month = &from[..7];
    let months = 6;
    let (y, m): (i64, i64) = (from[..4].parse().unwrap(), from[5..7].parse().unwrap());
    let end = {
        let k = y * 12 + m - 1 + months;
        format!("{:04}-{:02}", k / 12, k % 12 + 1)
    };
    let mut nonzero = 0;
    for login in ["ceo", "finance", "bj.manager", "sh.manager", "bj.sales1", "sh.sales2"] {
        let who = actor(&t.db, login).await;
        // The reference: rows the single-record check lets the reader see, summed in plain Rust.
        let mut expected: BTreeMap<(String, i64, String), (i64, i64, i64)> = BTreeMap::new();
        for r in &raw {
            let Some(close) = &r.close else { continue };
            let month = close[..7].to_string();
            if r.outcome == "lost" || month.as_str() < from_month || month >= end {
                continue;
            }
            if pipeline::get(&t.db, &who, r.id).await.is_err() {
                continue;
            }
            let e = expected.entry((month, r.unit, r.currency.clone())).or_default();
            e.0 += 1;
            e.1 += r.amount;
            e.2 += (i128::from(r.amount) * i128::from(r.probability) / 10_000) as i64;
        }
        let got: BTreeMap<(String, i64, String), (i64, i64, i64)> = forecast::forecast(&t.db, &who, from_month, months)
            .await
            .unwrap()
            .into_iter()
            .map(|r| ((r.month, r.unit_id, r.currency), (r.count, r.unweighted_minor, r.weighted_minor)))
            .collect();
        // Each opportunity's weighted amount rounds down, in both.
        assert_eq!(got, expected, "{login}");
        nonzero += expected.len();
    }
    assert!(nonzero > 10, "the generated data reaches the forecast ({nonzero} groups)");
    let r = forecast::forecast(&t.db, &actor(&t.db, "ceo").await, "2026-13", 3).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "month", .. })), "{r:?}");
});
