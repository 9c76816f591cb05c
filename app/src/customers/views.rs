//! Saved views and columns of the customer list: each user names their own combinations of
//! filters, sort and columns (private to them), and chooses the columns among those their roles
//! let them read.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::customers::bulk::ListTools;
use crate::customers::spec::{ListSpec, SavedViewDto, DEFAULT_COLUMNS};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::fields::column_key;

#[server(endpoint = "customers/views/save", input = Json)]
pub async fn save_customer_view(name: String, spec: ListSpec) -> Result<i64, AppError> {
    use crate::customers::spec::convert;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let view = convert::to_domain(&spec)?;
    domain::views::save(&st.db, &actor, domain::roles::ObjectType::Customer, &name, &view).await.map_err(domain_err)
}

#[server(endpoint = "customers/views/delete")]
pub async fn delete_customer_view(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::views::delete(&st.db, &actor, id).await.map_err(domain_err)
}

// Saving and deleting travel in their own chunk, fetched on first use: most visits only pick a view.
#[lazy]
async fn save_view(name: String, spec: ListSpec) -> Result<i64, AppError> {
    save_customer_view(name, spec).await
}

#[lazy]
async fn delete_view(id: i64) -> Result<(), AppError> {
    delete_customer_view(id).await
}

/// The columns a user may see: those whose field their roles let them read.
#[cfg(feature = "ssr")]
pub fn readable_columns(actor: &domain::policy::Actor) -> Vec<String> {
    use crate::customers::spec::COLUMNS;
    use domain::roles::ObjectType;
    COLUMNS
        .iter()
        .filter(|c| match **c {
            "owner" | "unit" | "last_follow_up" | "updated" => true,
            field => actor.fields.can_read(ObjectType::Customer, field),
        })
        .map(|c| c.to_string())
        .collect()
}

/// The saved views: pick one to show it, save the form's state under a name, delete one.
#[component]
pub fn ViewsBar(
    views: Vec<SavedViewDto>,
    form: RwSignal<ListSpec>,
    apply: impl Fn(ListSpec) + Copy + Send + Sync + 'static,
    tools: ListTools,
) -> impl IntoView {
    let lang = use_lang();
    let view_name = RwSignal::new(String::new());
    let views_for_pick = views.clone();
    view! {
        <div class="views-bar" data-testid="views-bar">
            <label>
                <span>{tr("view.saved")}</span>
                <select data-testid="view-pick" on:change=move |ev| {
                    let id: i64 = event_target_value(&ev).parse().unwrap_or(0);
                    if let Some(v) = views_for_pick.iter().find(|v| v.id == id) {
                        apply(v.spec.clone());
                    }
                }>
                    <option value="">"—"</option>
                    {views.iter().map(|v| view! { <option value=v.id.to_string()>{v.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <form class="save-view" on:submit=move |ev| {
                ev.prevent_default();
                tools.run(save_view(view_name.get_untracked(), form.get_untracked()), move |_| tools.mark_changed());
            }>
                <input bind:value=view_name placeholder=move || t(lang.get(), "view.name") data-testid="view-name"/>
                <button type="submit" class="secondary" data-testid="view-save" disabled=move || tools.busy.get()>{tr("view.save")}</button>
            </form>
            {views.iter().map(|v| {
                let id = v.id;
                let name = v.name.clone();
                view! {
                    <span class="chip">
                        {name}
                        <button class="link danger" title=move || t(lang.get(), "view.delete") data-testid="view-delete" disabled=move || tools.busy.get()
                            on:click=move |_| tools.run(delete_view(id), move |_| tools.mark_changed())>"×"</button>
                    </span>
                }
            }).collect_view()}
        </div>
    }
}

/// The columns to show, among those the user may read; part of the filter form.
#[component]
pub fn ColumnPicker(readable: Vec<String>, shown: Vec<String>, form: RwSignal<ListSpec>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <details class="columns" data-testid="columns">
            <summary class="button secondary">{tr("cust.columns")}</summary>
            <div class="checks">
                {readable.iter().cloned().map(|c| {
                    let key = column_key(&c);
                    let c2 = c.clone();
                    let shown_now = shown.contains(&c);
                    view! {
                        <label class="check"><input type="checkbox" data-column=c.clone() prop:checked=shown_now
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let c = c2.clone();
                                form.update(|s| {
                                    if s.columns.is_empty() {
                                        s.columns = DEFAULT_COLUMNS.iter().map(|d| d.to_string()).collect();
                                    }
                                    s.columns.retain(|x| *x != c);
                                    if on { s.columns.push(c); }
                                });
                            }/>{move || t(lang.get(), key)}</label>
                    }
                }).collect_view()}
            </div>
        </details>
    }
}
