//! One approval as a compact card: the document's key figures, who is asked at each step, the
//! history, and the decision buttons when it is the viewer's turn (approve is one tap; reject asks
//! for the reason first). Used by the inbox (opened in place) and by the approval's own page.
//! Reloads itself when an approval event arrives, so a decision made elsewhere shows at once.

use domain_types::approvals::{ApprovalDetail, DocumentView};
use leptos::prelude::*;

use crate::approvals::api::{get_approval, ApproveApproval, CommentApproval, DelegateApproval, RejectApproval, ReturnApproval, WithdrawApproval};
use crate::discussion::comments::mention_people;
use crate::approvals::badge::approval_ticks;
use crate::approvals::words::{action_text, doc_type_key, state_text};
use crate::approvals::words::{t, tr};
use crate::i18n::{t_in, tr_in, use_lang, Texts};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::format::{format_money, format_utc};
use crate::ui::loading::{loaded, resource};
use crate::error::AppError;

/// The less common actions' texts travel with the approvals pages, not in the first download.
const WORDS: &Texts = &[
    ("more", "更多操作", "More actions"),
    ("comment", "发表评论", "Comment"),
    ("return", "退回到", "Return to"),
    ("return_go", "退回", "Return"),
    ("step_n", "第 {n} 步", "step {n}"),
    ("delegate", "转交给", "Delegate to"),
    ("delegate_go", "转交", "Delegate"),
    ("search_people", "输入姓名查找", "Type a name"),
];

fn w(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    tr_in(WORDS, key)
}

/// The card's server actions: a finished one reloads the card.
#[derive(Clone, Copy)]
struct Actions {
    approve: ServerAction<ApproveApproval>,
    reject: ServerAction<RejectApproval>,
    withdraw: ServerAction<WithdrawApproval>,
    send_back: ServerAction<ReturnApproval>,
    delegate: ServerAction<DelegateApproval>,
    comment: ServerAction<CommentApproval>,
}

#[component]
pub fn ApprovalCard(id: i64, #[prop(into)] decided: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let tick = approval_ticks();
    let acts = Actions {
        approve: ServerAction::new(),
        reject: ServerAction::new(),
        withdraw: ServerAction::new(),
        send_back: ServerAction::new(),
        delegate: ServerAction::new(),
        comment: ServerAction::new(),
    };
    let Actions { approve, reject, withdraw, send_back, delegate, comment } = acts;
    let detail = resource(
        move || {
            let versions = [approve.version().get(), reject.version().get(), withdraw.version().get(), send_back.version().get(), delegate.version().get(), comment.version().get()];
            (tick.get(), versions)
        },
        move |_| get_approval(id),
    );
    // Tell the list once a decision went through (it reloads its folder); a comment is no decision.
    Effect::new(move |_| {
        let ok = |r: Option<Result<(), AppError>>| r.map(|r| r.is_ok());
        let done = [ok(approve.value().get()), ok(reject.value().get()), ok(withdraw.value().get()), ok(send_back.value().get()), ok(delegate.value().get())];
        if done.contains(&Some(true)) {
            decided.run(());
        }
    });
    let errors = first_error(vec![
        error_of(approve.value()),
        error_of(reject.value()),
        error_of(withdraw.value()),
        error_of(send_back.value()),
        error_of(delegate.value()),
        error_of(comment.value()),
    ]);
    // What is typed outlives the card's reloads (a refused rejection, a live event meanwhile).
    let typing = Typing { asking_reason: RwSignal::new(false), comment: RwSignal::new(String::new()), reason: RwSignal::new(String::new()) };
    // A comment that went through leaves the box empty for the next one.
    Effect::new(move |_| {
        if let Some(Ok(())) = comment.value().get() {
            typing.comment.set(String::new());
        }
    });
    view! {
        <div class="approval-card" data-testid="approval-card" data-id=id>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded(detail).await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some(Ok(d)) => view! { <CardBody d acts typing/> }.into_any(),
                    }
                })}
            </Transition>
            <ActionError error=errors/>
        </div>
    }
}

/// The decision's inputs, kept by the card while its body reloads.
#[derive(Clone, Copy)]
struct Typing {
    asking_reason: RwSignal<bool>,
    comment: RwSignal<String>,
    reason: RwSignal<String>,
}

#[component]
fn CardBody(
    d: ApprovalDetail,
    acts: Actions,
    typing: Typing,
) -> impl IntoView {
    let Actions { approve, reject, withdraw, comment: add_comment, .. } = acts;
    let lang = use_lang();
    let a = d.approval;
    let id = a.id;
    let state = a.state.clone();
    let my_turn = a.my_turn;
    // Only the submitter, and only before anyone decided (the server refuses anything else too).
    let me = crate::layout::use_me().get_untracked().and_then(|r| r.ok()).map(|m| m.user_id);
    // Those it concerns may comment: the submitter and anyone asked (the server checks the same).
    let may_comment = a.state == "pending" && (me == Some(a.submitter_id) || a.asked.iter().any(|r| Some(r.approver_id) == me));
    let step_index = a.step_index;
    let can_withdraw = me == Some(a.submitter_id)
        && a.state == "pending"
        && !a.history.iter().any(|h| matches!(h.action.as_str(), "approve" | "reject" | "return"));
    let Typing { asking_reason, comment, reason } = typing;
    let step = move || {
        t(lang.get(), "appr.step").replace("{n}", &(a.step_index + 1).to_string()).replace("{m}", &a.step_count.to_string())
    };
    let version = move || t(lang.get(), "appr.version").replace("{n}", &a.flow_version.to_string());
    let submitted = format!("{} · {}", a.submitter, format_utc(a.submitted_at));
    view! {
        <div class="approval-head">
            <strong class="approval-title" data-testid="approval-title">{a.title.clone()}</strong>
            <span class=format!("badge state-{}", a.state) data-testid="approval-state" data-state=a.state.clone()>
                {
                    let s = state.clone();
                    move || state_text(lang.get(), &s)
                }
            </span>
        </div>
        <dl class="approval-facts">
            <dt>{tr("appr.doc_type")}</dt><dd>{move || t(lang.get(), doc_type_key(a.doc_type))}</dd>
            <dt>{tr("appr.submitter")}</dt><dd>{submitted}</dd>
            <dt>{tr("appr.progress")}</dt><dd>{step}" · "{version}</dd>
            {d.document.map(|doc| view! { <DocumentFacts doc/> })}
        </dl>
        <Show when=move || my_turn>
            <div class="approval-decide" data-testid="approval-decide">
                <input type="text" class="comment" placeholder=tr("appr.comment") bind:value=comment data-testid="approval-comment"/>
                <div class="inline">
                    <button
                        class="primary"
                        data-testid="approve"
                        disabled=move || approve.pending().get()
                        on:click=move |_| { approve.dispatch(ApproveApproval { id, comment: comment.get_untracked() }); }
                    >
                        {tr("appr.approve")}
                    </button>
                    <button class="danger" data-testid="reject" on:click=move |_| asking_reason.set(true)>{tr("appr.reject")}</button>
                </div>
                <Show when=move || asking_reason.get()>
                    <textarea placeholder=tr("appr.reason") bind:value=reason data-testid="reject-reason"></textarea>
                    <button
                        class="danger"
                        data-testid="confirm-reject"
                        disabled=move || reject.pending().get()
                        on:click=move |_| { reject.dispatch(RejectApproval { id, reason: reason.get_untracked() }); }
                    >
                        {tr("appr.confirm_reject")}
                    </button>
                </Show>
                <MoreActions id step_index acts comment/>
            </div>
        </Show>
        <Show when=move || may_comment>
            <div class="inline">
                // An approver types in the decision's box above; others get their own.
                {(!my_turn).then(|| view! {
                    <input type="text" class="comment" placeholder=tr("appr.comment") bind:value=comment data-testid="approval-comment"/>
                })}
                <button
                    data-testid="approval-comment-send"
                    disabled=move || add_comment.pending().get()
                    on:click=move |_| { add_comment.dispatch(CommentApproval { id, text: comment.get_untracked() }); }
                >
                    {w("comment")}
                </button>
            </div>
        </Show>
        <Show when=move || can_withdraw>
            <button data-testid="withdraw" disabled=move || withdraw.pending().get() on:click=move |_| { withdraw.dispatch(WithdrawApproval { id }); }>
                {tr("appr.withdraw")}
            </button>
        </Show>
        <details class="approval-more" open=!my_turn>
            <summary>{tr("appr.history")}</summary>
            <table class="records compact" data-testid="approval-asked">
                <thead><tr><th>{tr("appr.step_col")}</th><th>{tr("appr.asked")}</th><th>{tr("appr.state")}</th><th>{tr("appr.when")}</th><th>{tr("appr.comment_col")}</th></tr></thead>
                <tbody>
                    {a.asked.into_iter().map(|r| {
                        let st = r.state.clone();
                        view! {
                            <tr data-testid="asked-row" data-state=r.state.clone()>
                                <td>{r.step_index + 1}</td>
                                <td>{r.approver}</td>
                                <td>{move || state_text(lang.get(), &st)}</td>
                                <td>{r.decided_at.map(format_utc).unwrap_or_default()}</td>
                                <td>{r.comment.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <ol class="approval-history" data-testid="approval-history">
                {a.history.into_iter().map(|h| {
                    let action = h.action.clone();
                    let who = h.actor.clone().unwrap_or_else(|| "—".into());
                    let target = h.target.clone().map(|t| format!(" → {t}")).unwrap_or_default();
                    view! {
                        <li data-action=h.action.clone()>
                            <span class="when">{format_utc(h.at)}</span>" "
                            <span class="who">{who}</span>" "
                            <span class="what">{move || action_text(lang.get(), &action)}</span>{target}
                            {(!h.comment.is_empty()).then(|| view! { <span class="comment">{format!("：{}", h.comment)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}

/// Returning to an earlier step and delegating, folded away: most decisions are approve or reject.
#[component]
fn MoreActions(id: i64, step_index: i64, acts: Actions, comment: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    let Actions { send_back, delegate, .. } = acts;
    let to_step = RwSignal::new(0i64);
    let query = RwSignal::new(String::new());
    let picked = RwSignal::new(None::<(i64, String)>);
    let people = resource(move || query.get(), |q| async move {
        if q.trim().is_empty() { Ok(vec![]) } else { mention_people(q).await }
    });
    view! {
        <details class="approval-more-actions" data-testid="approval-more-actions">
            <summary>{w("more")}</summary>
            {(step_index > 0).then(|| view! {
                <div class="inline">
                    <label>{w("return")}" "
                        <select data-testid="return-step" on:change=move |ev| to_step.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {(0..step_index).map(|s| view! {
                                <option value=s>{move || t_in(WORDS, lang.get(), "step_n").replace("{n}", &(s + 1).to_string())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button data-testid="return" disabled=move || send_back.pending().get()
                        on:click=move |_| { send_back.dispatch(ReturnApproval { id, to_step: to_step.get_untracked(), comment: comment.get_untracked() }); }>
                        {w("return_go")}
                    </button>
                </div>
            })}
            <div class="inline">
                <label>{w("delegate")}" "
                    <input type="text" placeholder=w("search_people") data-testid="delegate-search"
                        prop:value=move || picked.get().map(|p| p.1).unwrap_or_else(|| query.get())
                        on:input=move |ev| { picked.set(None); query.set(event_target_value(&ev)) }/>
                </label>
                <button data-testid="delegate" disabled=move || picked.get().is_none() || delegate.pending().get()
                    on:click=move |_| { if let Some((to_user, _)) = picked.get_untracked() { delegate.dispatch(DelegateApproval { id, to_user, comment: comment.get_untracked() }); } }>
                    {w("delegate_go")}
                </button>
            </div>
            <Show when=move || picked.get().is_none()>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let found = loaded(people).await.and_then(|r| r.ok()).unwrap_or_default();
                        view! {
                            <ul class="mention-candidates" data-testid="delegate-candidates">
                                {found.into_iter().map(|(uid, name, unit)| {
                                    let label = format!("{name} · {unit}");
                                    let chosen = label.clone();
                                    view! { <li><button class="link" on:click=move |_| picked.set(Some((uid, chosen.clone())))>{label}</button></li> }
                                }).collect_view()}
                            </ul>
                        }
                    })}
                </Transition>
            </Show>
        </details>
    }
}

/// The document's figures the viewer may read (the server left out the others).
#[component]
fn DocumentFacts(doc: DocumentView) -> impl IntoView {
    let currency = doc.currency.clone().unwrap_or_else(|| "CNY".into());
    view! {
        {doc.amount_minor.map(|m| view! { <dt>{tr("appr.amount")}</dt><dd data-testid="approval-amount">{format_money(m, &currency)}</dd> })}
        {doc.discount_bp.map(|bp| view! { <dt>{tr("appr.discount")}</dt><dd>{format!("{}.{:02}%", bp / 100, bp % 100)}</dd> })}
        {doc.product_line.clone().map(|p| view! { <dt>{tr("appr.product_line")}</dt><dd>{p}</dd> })}
        {doc.body.clone().filter(|b| !b.is_empty()).map(|b| view! { <dt>{tr("appr.body")}</dt><dd>{b}</dd> })}
        {doc.reject_reason.clone().map(|r| view! { <dt>{tr("appr.reject_reason")}</dt><dd>{r}</dd> })}
    }
}
