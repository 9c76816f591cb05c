//! The filters, keyset paging and saved views of the sales and service lists, on both engines:
//! each filter narrows the list to what a plain check of the full list says, paging visits every
//! row once, unknown codes are refused, and a saved view is its owner's alone.

use std::collections::HashSet;

use domain::opportunities::pipeline::{self, BoardQuery};
use domain::sales::contracts::{self, ContractQuery};
use domain::sales::receivables::{self, ReceivableQuery};
use domain::service::tickets::{self, TicketQuery};
use domain::testing::actor;
use domain::views::{self, ListFilter};
use domain::{demo, on_both_engines, DomainError};

fn filter() -> ListFilter {
    ListFilter::default()
}

on_both_engines!(contract_filters_narrow_the_list_and_paging_visits_each_once, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let all = contracts::list(&t.db, &manager, &ContractQuery::of_filter(&filter(), None, 200).unwrap()).await.unwrap();
    assert!(all.len() >= 3, "the demo gives the manager contracts: {}", all.len());

    // By state: exactly those of the full list in that state.
    for state in ["draft", "pending", "approved", "signed"] {
        let q = ContractQuery::of_filter(&ListFilter { state: state.into(), ..filter() }, None, 200).unwrap();
        let got: Vec<i64> = contracts::list(&t.db, &manager, &q).await.unwrap().iter().map(|c| c.id).collect();
        let want: Vec<i64> = all.iter().filter(|c| c.state == state).map(|c| c.id).collect();
        assert_eq!(got, want, "state {state}");
    }
    let r = ContractQuery::of_filter(&ListFilter { state: "lost".into(), ..filter() }, None, 50);
    assert!(matches!(r, Err(DomainError::Invalid { field: "state", .. })), "{r:?}");

    // By text: part of the number, the title or the customer, case-insensitive; wildcards literal.
    let sample = &all[0];
    let part: String = sample.customer_name.chars().take(2).collect();
    let q = ContractQuery::of_filter(&ListFilter { search: part.clone(), ..filter() }, None, 200).unwrap();
    let got: HashSet<i64> = contracts::list(&t.db, &manager, &q).await.unwrap().iter().map(|c| c.id).collect();
    let want: HashSet<i64> = all
        .iter()
        .filter(|c| [&c.number, &c.title, &c.customer_name].iter().any(|s| s.to_lowercase().contains(&part.to_lowercase())))
        .map(|c| c.id)
        .collect();
    assert_eq!(got, want);
    let number = sample.number.to_lowercase();
    let q = ContractQuery::of_filter(&ListFilter { search: number.clone(), ..filter() }, None, 200).unwrap();
    assert!(contracts::list(&t.db, &manager, &q).await.unwrap().iter().any(|c| c.id == sample.id), "found by its number in lower case");
    let q = ContractQuery::of_filter(&ListFilter { search: "%".into(), ..filter() }, None, 200).unwrap();
    assert!(contracts::list(&t.db, &manager, &q).await.unwrap().is_empty(), "a typed % matches only a literal %");

    // Mine only: the reader's own.
    let q = ContractQuery::of_filter(&ListFilter { mine_only: true, ..filter() }, None, 200).unwrap();
    let mine = contracts::list(&t.db, &manager, &q).await.unwrap();
    assert_eq!(mine.len(), all.iter().filter(|c| c.owner_id == Some(manager.user_id)).count());

    // Paging two at a time visits each contract once, in the same order.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = contracts::list(&t.db, &manager, &ContractQuery::of_filter(&filter(), before, 2).unwrap()).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|c| c.id);
        seen.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(seen, all.iter().map(|c| c.id).collect::<Vec<_>>());
});

on_both_engines!(receivable_and_ticket_filters_follow_a_plain_check, |t| {
    demo::seed(&t.db).await.unwrap();
    let finance = actor(&t.db, "finance").await;
    let every = receivables::list(&t.db, &finance, &ReceivableQuery::of_filter(&filter(), None, 200)).await.unwrap();
    let open = receivables::list(&t.db, &finance, &ReceivableQuery::of_filter(&ListFilter::open(), None, 200)).await.unwrap();
    assert_eq!(open.iter().map(|r| r.id).collect::<Vec<_>>(), every.iter().filter(|r| r.outstanding_minor != Some(0)).map(|r| r.id).collect::<Vec<_>>());
    let overdue = receivables::list(&t.db, &finance, &ReceivableQuery::of_filter(&ListFilter { overdue_only: true, ..filter() }, None, 200)).await.unwrap();
    assert!(!overdue.is_empty() && overdue.iter().all(|r| r.overdue));
    assert_eq!(overdue.len(), every.iter().filter(|r| r.overdue).count());
    let number = every[0].contract_number.clone();
    let by_number = receivables::list(&t.db, &finance, &ReceivableQuery::of_filter(&ListFilter { search: number.clone(), ..filter() }, None, 200)).await.unwrap();
    assert_eq!(by_number.len(), every.iter().filter(|r| r.contract_number.contains(&number)).count());
    // Paging on (due date, id) three at a time.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = receivables::list(&t.db, &finance, &ReceivableQuery::of_filter(&filter(), after, 3)).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.due_at, last.id));
        seen.extend(page.iter().map(|r| r.id));
    }
    assert_eq!(seen, every.iter().map(|r| r.id).collect::<Vec<_>>());

    let manager = actor(&t.db, "bj.service").await;
    let all = tickets::list(&t.db, &manager, &TicketQuery::of_filter(&filter(), None, 200).unwrap()).await.unwrap();
    assert!(!all.is_empty(), "the demo has tickets for Beijing's service");
    for category in ["complaint", "request", "fault"] {
        let q = TicketQuery::of_filter(&ListFilter { category: category.into(), ..filter() }, None, 200).unwrap();
        let got: Vec<i64> = tickets::list(&t.db, &manager, &q).await.unwrap().iter().map(|r| r.id).collect();
        assert_eq!(got, all.iter().filter(|r| r.category == category).map(|r| r.id).collect::<Vec<_>>(), "{category}");
    }
    let priority = all[0].priority.clone();
    let q = TicketQuery::of_filter(&ListFilter { priority: priority.clone(), open_only: true, ..filter() }, None, 200).unwrap();
    let got: Vec<i64> = tickets::list(&t.db, &manager, &q).await.unwrap().iter().map(|r| r.id).collect();
    let want: Vec<i64> = all.iter().filter(|r| r.priority == priority && matches!(r.status.as_str(), "open" | "in_progress")).map(|r| r.id).collect();
    assert_eq!(got, want);
    for bad in [ListFilter { category: "praise".into(), ..filter() }, ListFilter { priority: "whenever".into(), ..filter() }, ListFilter { state: "lost".into(), ..filter() }] {
        assert!(matches!(TicketQuery::of_filter(&bad, None, 50), Err(DomainError::Invalid { .. })), "{bad:?}");
    }
});

on_both_engines!(board_search_and_mine_only_narrow_counts_and_cards, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let all = pipeline::list(&t.db, &manager, &filter(), None, 500).await.unwrap();
    assert!(!all.is_empty());
    let word: String = all[0].customer_name.chars().take(2).collect();
    let f = ListFilter { search: word.clone(), ..filter() };
    let want: HashSet<i64> = all.iter().filter(|o| o.name.to_lowercase().contains(&word.to_lowercase()) || o.customer_name.contains(&word)).map(|o| o.id).collect();
    let listed: HashSet<i64> = pipeline::list(&t.db, &manager, &f, None, 500).await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(listed, want);
    let board = pipeline::board(&t.db, &manager, &BoardQuery::of_filter(&f, 200)).await.unwrap();
    assert_eq!(board.iter().map(|c| c.count).sum::<i64>() as usize, want.len());
    assert!(board.iter().flat_map(|c| &c.cards).all(|card| want.contains(&card.id)));
    let mine = pipeline::board(&t.db, &manager, &BoardQuery::of_filter(&ListFilter { mine_only: true, ..filter() }, 200)).await.unwrap();
    assert!(mine.iter().flat_map(|c| &c.cards).all(|card| card.owner_id == Some(manager.user_id)));
    assert_eq!(mine.iter().map(|c| c.count).sum::<i64>() as usize, all.iter().filter(|o| o.owner_id == Some(manager.user_id)).count());
});

on_both_engines!(saved_views_of_the_sales_lists_are_their_owners_alone, |t| {
    demo::seed(&t.db).await.unwrap();
    let finance = actor(&t.db, "finance").await;
    let manager = actor(&t.db, "bj.manager").await;
    let receivable = views::object_of_list("receivables").unwrap();
    let overdue = ListFilter { overdue_only: true, search: "HT".into(), ..ListFilter::open() };
    let id = views::save(&t.db, &finance, receivable, "逾期", &overdue).await.unwrap();
    // Saving again under the same name overwrites it.
    let wider = ListFilter { search: String::new(), ..overdue.clone() };
    assert_eq!(views::save(&t.db, &finance, receivable, "逾期", &wider).await.unwrap(), id);
    let mine = views::list::<ListFilter>(&t.db, &finance, receivable).await.unwrap();
    assert_eq!(mine.iter().map(|v| (v.id, v.name.as_str(), &v.spec)).collect::<Vec<_>>(), vec![(id, "逾期", &wider)]);
    // Kept per list and per person.
    assert!(views::list::<ListFilter>(&t.db, &finance, views::object_of_list("contracts").unwrap()).await.unwrap().is_empty());
    assert!(views::list::<ListFilter>(&t.db, &manager, receivable).await.unwrap().is_empty());
    assert!(matches!(views::delete(&t.db, &manager, id).await, Err(DomainError::NotFound)), "someone else's view does not exist for them");
    assert!(matches!(views::save(&t.db, &finance, receivable, "  ", &wider).await, Err(DomainError::Invalid { field: "name", .. })));
    assert!(matches!(views::object_of_list("payroll"), Err(DomainError::NotFound)));
    views::delete(&t.db, &finance, id).await.unwrap();
    assert!(views::list::<ListFilter>(&t.db, &finance, receivable).await.unwrap().is_empty());
});
