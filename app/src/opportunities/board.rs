//! `/opportunities`: the pipeline board and the forecast tab, with the form for a new opportunity.
//!
//! The board has one column per stage (won and lost last); the desktop shows them side by side and
//! scrolls sideways, a phone stacks them into a list grouped by stage (CSS only). A card moves to
//! another stage by drag and drop or, from the keyboard, with its stage list. Moving to a lost stage
//! asks for the reason on the card first; nothing moves until it is given. The server refuses a
//! move of a card someone else moved meanwhile; the board then reloads, as it does after every move
//! and every live opportunity event.

use std::sync::Arc;

use domain_types::opportunities::{BoardColumn, OpportunityCard, Stage};
use leptos::html;
use domain_types::lists::ListFilter;
use leptos::prelude::*;

use crate::error::AppError;
use crate::exports::ExportButton;
use crate::lists::{MineOnly, SavedViews, SearchBox};
use crate::i18n::{use_lang, Lang};
use crate::live::use_live;
use crate::opportunities::api::{opportunity_board, MoveOpportunity};
use crate::opportunities::forecast::Forecast;
use crate::opportunities::form::NewOpportunityForm;
use crate::opportunities::stages::StageEditor;
use crate::opportunities::words::{percent, t, tr};
use crate::ui::action_error::ActionError;
use crate::ui::format::format_money;
use crate::ui::loading::{loaded, resource};

/// A stage's name in the reader's language.
pub fn stage_name(lang: Lang, s: &Stage) -> String {
    match lang {
        Lang::Zh => s.name_zh.clone(),
        Lang::En => s.name_en.clone(),
    }
}

/// Bumps whenever an opportunity event reaches this tab, or the live connection asks pages to
/// reload after missing too much.
fn opportunity_ticks() -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "opportunity" || e.kind.starts_with("opportunity.")) {
                tick.update(|n| *n += 1);
            }
        });
        Effect::new(move |prev: Option<u32>| {
            let now = live.reset.get();
            if prev.is_some_and(|p| p != now) {
                tick.update(|n| *n += 1);
            }
            now
        });
    }
    tick
}

/// A move to a lost stage waiting for its reason.
#[derive(Debug, Clone, PartialEq)]
struct Asking {
    id: i64,
    from: i64,
    to: Stage,
}

/// Moving cards: the server action, the card being dragged, the column under it, the lost-reason
/// question and the last refusal. Made once by the page (its signals live as long as the page).
#[derive(Clone, Copy)]
struct Mover {
    action: ServerAction<MoveOpportunity>,
    asking: RwSignal<Option<Asking>>,
    reason: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    /// (card, the stage it was in) while dragged.
    dragging: RwSignal<Option<(i64, i64)>>,
    /// The stage column a card is dragged over.
    over: RwSignal<Option<i64>>,
    /// The card last moved with its stage list: after the board reloads, its list gets the focus
    /// back (when the focus was lost with the old card).
    refocus: RwSignal<Option<i64>>,
}

impl Mover {
    fn new(tick: RwSignal<u32>) -> Self {
        let mover = Mover {
            action: ServerAction::<MoveOpportunity>::new(),
            asking: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            dragging: RwSignal::new(None),
            over: RwSignal::new(None),
            refocus: RwSignal::new(None),
        };
        Effect::new(move |_| match mover.action.value().get() {
            Some(Ok(())) => {
                mover.asking.set(None);
                mover.reason.set(String::new());
                mover.error.set(None);
                tick.update(|n| *n += 1);
            }
            Some(Err(e)) => {
                // A missing reason keeps the question open; anything else (moved meanwhile, no
                // right) closes it and shows the board as it now is.
                if !matches!(&e, AppError::Invalid { field, .. } if field == "lost_reason") {
                    mover.asking.set(None);
                    tick.update(|n| *n += 1);
                }
                mover.error.set(Some(e));
            }
            None => {}
        });
        mover
    }

    /// Moves card `id` from stage `from` to `to`; a lost stage asks for the reason first.
    fn request(self, id: i64, from: i64, to: Stage) {
        self.error.set(None);
        if from == to.id {
            self.asking.set(None);
            return;
        }
        if to.outcome == "lost" {
            self.reason.set(String::new());
            self.asking.set(Some(Asking { id, from, to }));
        } else {
            self.asking.set(None);
            self.action.dispatch(MoveOpportunity { id, from_stage: from, to_stage: to.id, lost_reason: String::new() });
        }
    }

    /// Sends the move to a lost stage once a reason is given.
    fn confirm(self) {
        let Some(a) = self.asking.get_untracked() else { return };
        let reason = self.reason.get_untracked().trim().to_string();
        if reason.is_empty() {
            self.error.set(Some(AppError::Invalid { field: "lost_reason".into(), code: "required".into() }));
            return;
        }
        self.error.set(None);
        self.action.dispatch(MoveOpportunity { id: a.id, from_stage: a.from, to_stage: a.to.id, lost_reason: reason });
    }

    fn cancel(self) {
        self.asking.set(None);
        self.error.set(None);
    }

    fn drag_start(self, ev: web_sys::DragEvent, id: i64, from: i64) {
        self.refocus.set(None);
        self.dragging.set(Some((id, from)));
        if let Some(dt) = ev.data_transfer() {
            let _ = dt.set_data("text/plain", &id.to_string());
            dt.set_effect_allowed("move");
        }
    }

    fn drag_end(self) {
        self.dragging.set(None);
        self.over.set(None);
    }

    /// A column accepts the card dragged over it.
    fn drag_over(self, ev: web_sys::DragEvent, stage: i64) {
        if self.dragging.get_untracked().is_some() {
            ev.prevent_default();
            if let Some(dt) = ev.data_transfer() {
                dt.set_drop_effect("move");
            }
            if self.over.get_untracked() != Some(stage) {
                self.over.set(Some(stage));
            }
        }
    }

    fn drop_on(self, ev: web_sys::DragEvent, to: Stage) {
        ev.prevent_default();
        self.over.set(None);
        if let Some((id, from)) = self.dragging.get_untracked() {
            self.dragging.set(None);
            self.request(id, from, to);
        }
    }
}

/// Whether nothing has the focus (it was on an element the board's reload removed).
fn focus_is_lost() -> bool {
    #[cfg(not(feature = "ssr"))]
    {
        let doc = document();
        match doc.active_element() {
            None => true,
            Some(el) => doc.body().is_some_and(|b| b.is_same_node(Some(el.as_ref()))),
        }
    }
    #[cfg(feature = "ssr")]
    {
        false
    }
}

/// The question on a card moved to a lost stage: the reason, then confirm or cancel.
#[component]
fn LostPrompt(mover: Mover) -> impl IntoView {
    let lang = use_lang();
    let input = NodeRef::<html::Input>::new();
    let reason = mover.reason;
    // Keyboard users land in the reason field.
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let ask = move || {
        mover.asking.get().map(|a| t(lang.get(), "pipe.lost_ask").replace("{stage}", &stage_name(lang.get(), &a.to))).unwrap_or_default()
    };
    view! {
        <div class="lost-prompt" data-testid="lost-prompt">
            <label>{ask}
                <input
                    type="text"
                    data-testid="lost-reason"
                    node_ref=input
                    bind:value=reason
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            mover.confirm();
                        } else if ev.key() == "Escape" {
                            mover.cancel();
                        }
                    }
                />
            </label>
            <ActionError error=Signal::from(mover.error)/>
            <div class="buttons">
                <button type="button" class="primary small-button" data-testid="lost-confirm" disabled=move || mover.action.pending().get() on:click=move |_| mover.confirm()>
                    {tr("pipe.lost_confirm")}
                </button>
                <button type="button" class="secondary small-button" data-testid="lost-cancel" on:click=move |_| mover.cancel()>{tr("pipe.lost_cancel")}</button>
            </div>
        </div>
    }
}

#[component]
fn Card(card: OpportunityCard, stages: Arc<Vec<Stage>>, mover: Mover) -> impl IntoView {
    let lang = use_lang();
    let (id, from) = (card.id, card.stage_id);
    let current = stages.iter().find(|s| s.id == from).map(|s| s.code.clone()).unwrap_or_default();
    let amount = card.amount_minor.map(|a| format_money(a, &card.currency)).unwrap_or_else(|| "—".into());
    let close = card.expected_close.clone().filter(|d| !d.is_empty());
    let close_text = move || match &close {
        Some(d) => t(lang.get(), "pipe.closes").replace("{date}", d),
        None => t(lang.get(), "pipe.no_close").to_string(),
    };
    // The list shows where the card is, or where it is about to go while the reason is asked.
    let shown = move || mover.asking.get().filter(|a| a.id == id).map(|a| a.to.code).unwrap_or_else(|| current.clone());
    let select = NodeRef::<html::Select>::new();
    Effect::new(move |_| {
        if let Some(el) = select.get() {
            if mover.refocus.get_untracked() == Some(id) && focus_is_lost() {
                let _ = el.focus();
            }
        }
    });
    let pick = {
        let stages = stages.clone();
        move |ev: web_sys::Event| {
            let code = event_target_value(&ev);
            if let Some(to) = stages.iter().find(|s| s.code == code) {
                mover.refocus.set(Some(id));
                mover.request(id, from, to.clone());
            }
        }
    };
    let lost_reason = (!card.lost_reason.is_empty()).then(|| {
        let reason = card.lost_reason.clone();
        view! { <div class="opp-lost-reason small" data-testid="card-lost-reason">{move || t(lang.get(), "pipe.lost_was").replace("{reason}", &reason)}</div> }
    });
    let name = card.name.clone();
    view! {
        <article
            class="opp-card"
            class:dragging=move || mover.dragging.get().is_some_and(|(d, _)| d == id)
            data-testid="opportunity-card"
            data-id=id.to_string()
            draggable=move || if mover.asking.get().is_some_and(|a| a.id == id) { "false" } else { "true" }
            on:dragstart=move |ev| mover.drag_start(ev, id, from)
            on:dragend=move |_| mover.drag_end()
        >
            <div class="opp-name" data-testid="card-name">{card.name.clone()}</div>
            <a class="opp-customer" href=format!("/customers/{}", card.customer_id) draggable="false">{card.customer_name.clone()}</a>
            <div class="opp-meta">
                <span class="opp-amount" data-testid="card-amount">{amount}</span>
                <span class="opp-close muted small" data-testid="card-close">{close_text}</span>
            </div>
            <div class="opp-owner muted small">{card.owner_name.clone().unwrap_or_default()}</div>
            {lost_reason}
            <select
                class="opp-move"
                data-testid="card-stage"
                node_ref=select
                aria-label=move || format!("{} · {}", t(lang.get(), "pipe.stage"), name)
                prop:value=shown
                disabled=move || mover.action.pending().get()
                on:change=pick
            >
                {stages
                    .iter()
                    .map(|s| {
                        let stage = s.clone();
                        view! { <option value=s.code.clone() selected=s.id == from>{move || stage_name(lang.get(), &stage)}</option> }
                    })
                    .collect_view()}
            </select>
            <Show when=move || mover.asking.get().is_some_and(|a| a.id == id)>
                <LostPrompt mover/>
            </Show>
        </article>
    }
}

#[component]
fn Column(column: BoardColumn, stages: Arc<Vec<Stage>>, mover: Mover) -> impl IntoView {
    let lang = use_lang();
    let stage = column.stage.clone();
    let stage_id = stage.id;
    let sums = column.sums.iter().map(|s| format_money(s.amount_minor, &s.currency)).collect::<Vec<_>>().join(" + ");
    let hidden = column.count - column.cards.len() as i64;
    let name = {
        let stage = stage.clone();
        move || stage_name(lang.get(), &stage)
    };
    let target = stage.clone();
    let cards = if column.cards.is_empty() {
        view! { <p class="muted small empty-column">{tr("pipe.empty_column")}</p> }.into_any()
    } else {
        column.cards.into_iter().map(|card| view! { <Card card stages=stages.clone() mover/> }).collect_view().into_any()
    };
    view! {
        <section
            class=format!("stage-column outcome-{}", stage.outcome)
            class:drop-target=move || mover.over.get() == Some(stage_id)
            data-testid="stage-column"
            data-stage=stage.code.clone()
            data-outcome=stage.outcome.clone()
            on:dragover=move |ev| mover.drag_over(ev, stage_id)
            on:drop=move |ev| mover.drop_on(ev, target.clone())
        >
            <header class="stage-head">
                <h2>{name}</h2>
                <span class="badge" data-testid="stage-probability">{percent(stage.probability_bp)}</span>
                <span class="stage-count" data-testid="stage-count">{column.count}</span>
                <div class="stage-sum muted" data-testid="stage-sum">{sums}</div>
            </header>
            <div class="stage-cards">{cards}</div>
            {(hidden > 0).then(|| view! { <p class="muted small">{move || t(lang.get(), "pipe.more").replace("{n}", &hidden.to_string())}</p> })}
        </section>
    }
}

#[component]
fn Board(columns: Vec<BoardColumn>, mover: Mover) -> impl IntoView {
    let stages: Arc<Vec<Stage>> = Arc::new(columns.iter().map(|c| c.stage.clone()).collect());
    view! {
        <div class="board" data-testid="opportunity-board">
            {columns.into_iter().map(|column| view! { <Column column stages=stages.clone() mover/> }).collect_view()}
        </div>
    }
}

#[component]
pub fn OpportunitiesPage() -> impl IntoView {
    let lang = use_lang();
    let tab = RwSignal::new("board");
    let filter = RwSignal::new(ListFilter::default());
    let tick = opportunity_ticks();
    let mover = Mover::new(tick);
    let board = resource(move || (filter.get(), tick.get()), |(f, _)| opportunity_board(f));
    let created = Callback::new(move |_: i64| tick.update(|n| *n += 1));
    view! {
        <section class="opportunities-page">
            <div class="page-head">
                <h1>{tr("pipe.title")}</h1>
                <NewOpportunityForm created/>
            </div>
            <StageEditor saved=move |_| tick.update(|n| *n += 1)/>
            <div class="tabs" role="tablist">
                <button
                    class="tab"
                    role="tab"
                    data-testid="tab-board"
                    class:active=move || tab.get() == "board"
                    aria-selected=move || (tab.get() == "board").to_string()
                    on:click=move |_| tab.set("board")
                >
                    {tr("pipe.board")}
                </button>
                <button
                    class="tab"
                    role="tab"
                    data-testid="tab-forecast"
                    class:active=move || tab.get() == "forecast"
                    aria-selected=move || (tab.get() == "forecast").to_string()
                    on:click=move |_| tab.set("forecast")
                >
                    {tr("pipe.forecast")}
                </button>
            </div>
            <Show when=move || tab.get() == "board">
                <div class="board-bar">
                    <SearchBox filter testid="opportunity-search"/>
                    <MineOnly filter testid="mine-only"/>
                    <span class="muted small">{tr("pipe.drag_hint")}</span>
                    <ExportButton list="opportunities" filter/>
                </div>
                <SavedViews list="opportunities" filter/>
                <Show when=move || mover.asking.get().is_none()>
                    <ActionError error=Signal::from(mover.error)/>
                </Show>
                <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match loaded(board).await {
                            None => ().into_any(),
                            Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            Some(Ok(columns)) if columns.is_empty() => {
                                view! { <p class="muted" data-testid="opportunity-board">{tr("pipe.no_stages")}</p> }.into_any()
                            }
                            Some(Ok(columns)) => view! { <Board columns mover/> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            <Show when=move || tab.get() == "forecast">
                <Forecast tick/>
            </Show>
        </section>
    }
}
