//! Field history: who changed which field, when (only fields the viewer may read), and the
//! customer as it was at the end of any date.

use domain_types::customers::FieldChange;
use leptos::prelude::*;

use crate::customers::detail::record::{shown_value, FieldDto};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::ui::drafts::Drafts;
use crate::ui::fields::column_key;
use crate::ui::format::format_day;

/// The customer's readable fields at the end of a UTC date.
#[server(endpoint = "customers/as_of")]
pub async fn customer_as_of(id: i64, date: String) -> Result<(String, Vec<FieldDto>, Option<Vec<String>>), AppError> {
    use crate::customers::detail::record::fields_of;
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let at = domain::clock::end_of_day_ms(&date).ok_or_else(|| fail(AppError::Invalid { field: "date".into(), code: "format".into() }))?;
    let c = domain::customers::history::as_of(&st.db, &actor, id, at).await.map_err(domain_err)?;
    Ok((c.name.clone(), fields_of(&actor, &c, false), c.tags))
}

/// Who changed which field, and the customer as it was on a chosen date.
#[component]
pub fn History(id: i64, history: Vec<FieldChange>) -> impl IntoView {
    let lang = use_lang();
    // The dates live in the page's drafts: a live update rebuilds this card, and the user's
    // question must survive it (it is asked again, so the answer is current too).
    let drafts = use_context::<Drafts>().unwrap_or_default();
    let date = drafts.as_of_typed;
    let as_of = Action::new(move |d: &String| {
        let d = d.clone();
        async move { customer_as_of(id, d).await }
    });
    if let Some(asked) = drafts.as_of_asked.get_untracked() {
        as_of.dispatch(asked);
    }
    let none = history.is_empty();
    view! {
        <div class="card">
            <h2>{tr("hist.title")}</h2>
            <Show when=move || none><p class="empty">{tr("hist.none")}</p></Show>
            <table class="records compact" data-testid="field-history">
                <tbody>
                    {history.into_iter().map(|h| {
                        let key = column_key(&h.field);
                        view! {
                            <tr data-testid="change" data-field=h.field.clone()>
                                <td data-label=move || t(lang.get(), "admin.when")>{format_day(h.at)}</td>
                                <td data-label=move || t(lang.get(), "admin.who")>{h.who.clone()}</td>
                                <td data-label=move || t(lang.get(), "admin.field")>{move || t(lang.get(), key)}</td>
                                <td data-label=move || t(lang.get(), "admin.before")><s>{h.old.clone()}</s>" → "{h.new.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline" on:submit=move |ev| {
                ev.prevent_default();
                drafts.as_of_asked.set(Some(date.get_untracked()));
                as_of.dispatch(date.get_untracked());
            }>
                <label><span class="muted small">{tr("hist.as_of")}</span><input type="date" bind:value=date required data-testid="as-of-date"/></label>
                <button type="submit" class="secondary" data-testid="as-of-go">{tr("hist.show")}</button>
            </form>
            {move || as_of.value().get().map(|r| match r {
                Ok((name, fields, tags)) => view! {
                    <dl class="fields as-of" data-testid="as-of">
                        <dt>{move || t(lang.get(), "cust.name")}</dt><dd>{name.clone()}</dd>
                        {fields.iter().map(|f| {
                            let key = column_key(&f.name);
                            let (n, v) = (f.name.clone(), f.value.clone());
                            view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=f.name.clone()>{move || shown_value(lang.get(), &n, &v)}</dd> }
                        }).collect_view()}
                        {tags.clone().map(|tg| view! { <dt>{move || t(lang.get(), "cust.tags")}</dt><dd>{tg.join("、")}</dd> })}
                    </dl>
                }.into_any(),
                Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
            })}
        </div>
    }
}
