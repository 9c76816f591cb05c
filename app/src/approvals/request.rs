//! Starting an approval from the inbox: a discount/expense request (title, amount, optional
//! discount, details) is saved as a draft and submitted to its type's current flow in one go.
//! What was typed stays when the server refuses it (a missing title, no flow), and the message
//! says why. Customer transfers start from the customer; contracts and quotes from sales.

use domain_types::approvals::{DocType, DocumentInput};
use leptos::prelude::*;

use crate::approvals::api::{create_approval_document, submit_for_approval};
use crate::i18n::{t_in, tr_in, use_lang, Texts};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::parse_minor;

const WORDS: &Texts = &[
    ("new", "新建申请", "New request"),
    ("heading", "折扣/费用申请", "Discount / expense request"),
    ("title", "标题", "Title"),
    ("amount", "金额（元）", "Amount (yuan)"),
    ("discount", "折扣（%，可空）", "Discount (%, optional)"),
    ("body", "说明", "Details"),
    ("submit", "提交审批", "Submit for approval"),
    ("cancel", "取消", "Cancel"),
    ("number", "金额和折扣须为数字，最多两位小数。", "Amount and discount must be numbers with at most two decimals."),
    ("sent", "已提交审批。", "Submitted for approval."),
    ("open", "查看", "Open"),
];

fn w(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    tr_in(WORDS, key)
}

/// What the form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Typed {
    title: String,
    amount: String,
    discount: String,
    body: String,
}

/// A typed amount as minor units; empty is None; anything else is an error.
fn parse_money(text: &str) -> Result<Option<i64>, ()> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_minor(text).map(Some).ok_or(())
}

impl Typed {
    /// The document as the server takes it; `Err` when a number does not parse.
    fn input(&self) -> Result<DocumentInput, ()> {
        Ok(DocumentInput {
            title: self.title.trim().to_string(),
            amount_minor: parse_money(&self.amount)?,
            currency: Some("CNY".into()),
            // A percentage parses like money: "12.5" is 1250 basis points.
            discount_bp: parse_money(self.discount.trim_end_matches('%'))?,
            body: self.body.trim().to_string(),
            ..Default::default()
        })
    }
}

/// The "new request" button and, once opened, its form. `sent` is told the new approval's id.
#[component]
pub fn NewRequest(#[prop(into)] sent: Callback<i64>) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let discount = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let bad_number = RwSignal::new(false);
    let last = RwSignal::new(None::<i64>);
    let submit = Action::new(move |input: &DocumentInput| {
        let input = input.clone();
        async move {
            let doc = create_approval_document(DocType::ExpenseRequest, input).await?;
            submit_for_approval(doc).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = submit.value().get() {
            // Sent: the form empties and closes; the inbox shows it under "submitted by me".
            for s in [title, amount, discount, body] {
                s.set(String::new());
            }
            open.set(false);
            last.set(Some(id));
            sent.run(id);
        }
    });
    let send = move |_| {
        let typed = Typed { title: title.get_untracked(), amount: amount.get_untracked(), discount: discount.get_untracked(), body: body.get_untracked() };
        match typed.input() {
            Ok(input) => {
                bad_number.set(false);
                submit.dispatch(input);
            }
            Err(()) => bad_number.set(true),
        }
    };
    let error = error_of::<i64, _>(submit.value());
    view! {
        <div class="new-request">
            <Show when=move || !open.get()>
                <button data-testid="new-request" on:click=move |_| { last.set(None); open.set(true) }>{w("new")}</button>
                {move || last.get().map(|id| view! {
                    <span class="muted" data-testid="request-sent">{w("sent")}" "<a href=format!("/approvals/{id}")>{w("open")}</a></span>
                })}
            </Show>
            <Show when=move || open.get()>
                <form class="request-form" data-testid="request-form" on:submit=|ev| ev.prevent_default()>
                    <h3>{w("heading")}</h3>
                    <label>{w("title")}<input type="text" bind:value=title data-testid="request-title"/></label>
                    <label>{w("amount")}<input type="text" inputmode="decimal" bind:value=amount data-testid="request-amount"/></label>
                    <label>{w("discount")}<input type="text" inputmode="decimal" bind:value=discount data-testid="request-discount"/></label>
                    <label>{w("body")}<textarea bind:value=body data-testid="request-body"></textarea></label>
                    <Show when=move || bad_number.get()>
                        <p class="form-error" role="alert">{move || t_in(WORDS, lang.get(), "number")}</p>
                    </Show>
                    <ActionError error/>
                    <div class="inline">
                        <button type="button" class="primary" data-testid="request-submit" disabled=move || submit.pending().get() on:click=send>{w("submit")}</button>
                        <button type="button" on:click=move |_| open.set(false)>{w("cancel")}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_are_complete_in_both_languages() {
        crate::i18n::assert_complete(WORDS);
    }

    #[test]
    fn typed_numbers_become_minor_units_or_a_refusal() {
        assert_eq!(parse_money("¥3,200.5"), Ok(Some(320_050)));
        assert_eq!(parse_money("  "), Ok(None));
        assert_eq!(parse_money("abc"), Err(()));
        let typed = Typed { title: " 宴请 ".into(), amount: "2000".into(), discount: "12.5%".into(), body: String::new() };
        let input = typed.input().unwrap();
        assert_eq!((input.title.as_str(), input.amount_minor, input.discount_bp), ("宴请", Some(200_000), Some(1_250)));
        assert!(Typed { amount: "lots".into(), ..typed }.input().is_err());
    }
}
