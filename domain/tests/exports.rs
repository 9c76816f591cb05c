//! CSV exports of the sales and service lists on both engines: only for roles with the export
//! grant, exactly the rows the reader's list shows, and hidden fields stay empty.

use domain::exports;
use domain::on_both_engines;
use domain::opportunities::pipeline::{self, BoardQuery};
use domain::sales::contracts::{self, ContractQuery};
use domain::sales::receivables::{self, ReceivableQuery};
use domain::service::tickets::{self, TicketQuery};
use domain::testing::actor;
use domain::views::ListFilter;
use domain::{demo, DomainError};

on_both_engines!(exports_follow_the_export_grant_and_the_list, |t| {
    demo::seed(&t.db).await.unwrap();
    // Sales reps and service agents have no export grant; finance none on contracts.
    let rep = actor(&t.db, "bj.sales1").await;
    assert!(matches!(exports::contracts(&t.db, &rep, &ListFilter::default()).await, Err(DomainError::Forbidden)));
    assert!(matches!(exports::opportunities(&t.db, &rep, &ListFilter::default()).await, Err(DomainError::Forbidden)));
    assert!(matches!(exports::tickets(&t.db, &actor(&t.db, "bj.service").await, &ListFilter::default()).await, Err(DomainError::Forbidden)));
    let finance = actor(&t.db, "finance").await;
    assert!(matches!(exports::contracts(&t.db, &finance, &ListFilter::default()).await, Err(DomainError::Forbidden)));

    // The branch manager's contracts: those the list shows, Beijing's only, with amounts.
    let manager = actor(&t.db, "bj.manager").await;
    let listed = contracts::list(&t.db, &manager, &ContractQuery { limit: 200, ..Default::default() }).await.unwrap();
    let table = exports::contracts(&t.db, &manager, &ListFilter::default()).await.unwrap();
    assert_eq!(table.rows.len(), listed.len());
    assert_eq!(table.skipped, 0);
    let numbers: Vec<&String> = table.rows.iter().map(|r| &r[0]).collect();
    assert_eq!(numbers, listed.iter().map(|c| &c.number).collect::<Vec<_>>());
    assert!(table.rows.iter().all(|r| !r[4].is_empty()), "amounts are exported to those who read them");
    assert!(!table.rows.iter().any(|r| r[1].contains("上海")));

    // Finance's outstanding receivables, and the overdue ones.
    let all = exports::receivables(&t.db, &finance, &ListFilter::open()).await.unwrap();
    let listed = receivables::list(&t.db, &finance, &ReceivableQuery { open_only: true, limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(all.rows.len(), listed.len());
    let overdue = exports::receivables(&t.db, &finance, &ListFilter { overdue_only: true, ..ListFilter::open() }).await.unwrap();
    assert!(!overdue.rows.is_empty() && overdue.rows.len() < all.rows.len());
    let at = all.columns.iter().position(|c| *c == "overdue").unwrap();
    assert!(overdue.rows.iter().all(|r| r[at] == "yes"));

    // Opportunities and tickets: as many as the manager's board and ticket list show.
    let board = pipeline::board(&t.db, &manager, &BoardQuery { per_stage: 200, ..Default::default() }).await.unwrap();
    assert_eq!(exports::opportunities(&t.db, &manager, &ListFilter::default()).await.unwrap().rows.len() as i64, board.iter().map(|c| c.count).sum::<i64>());
    let listed = tickets::list(&t.db, &manager, &TicketQuery { limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(exports::tickets(&t.db, &manager, &ListFilter::default()).await.unwrap().rows.len(), listed.len());
});

on_both_engines!(hidden_amounts_stay_out_of_exports, |t| {
    demo::seed(&t.db).await.unwrap();
    let role = domain::roles::role_id_by_key(&t.db, "branch_manager").await.unwrap();
    for (object, field) in [("receivable", "amount_minor"), ("receivable", "received_minor"), ("contract", "amount_minor"), ("opportunity", "amount_minor")] {
        sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, $2, $3, 'hidden')")
            .bind(role)
            .bind(object)
            .bind(field)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let manager = actor(&t.db, "bj.manager").await;
    let r = exports::receivables(&t.db, &manager, &ListFilter::open()).await.unwrap();
    assert!(!r.rows.is_empty());
    for col in ["amount", "received", "outstanding"] {
        let at = r.columns.iter().position(|c| *c == col).unwrap();
        assert!(r.rows.iter().all(|row| row[at].is_empty()), "{col} is hidden");
    }
    let c = exports::contracts(&t.db, &manager, &ListFilter::default()).await.unwrap();
    assert!(!c.rows.is_empty() && c.rows.iter().all(|row| row[4].is_empty() && row[5].is_empty()));
    let o = exports::opportunities(&t.db, &manager, &ListFilter::default()).await.unwrap();
    let at = o.columns.iter().position(|c| *c == "amount").unwrap();
    assert!(!o.rows.is_empty() && o.rows.iter().all(|row| row[at].is_empty()));
});
