//! The customer list's filter form: name or phone, level, province, city, status, tag, owner, unit
//! and last follow-up before/after, the sort and the columns. A filter shows only when the user
//! may read its field (the server refuses a filter on a hidden field: it would reveal the values).
//!
//! The search box and the apply and reset buttons are always there; the other filters, the sort
//! and the columns open under "more filters", whose code is fetched the first time it is opened:
//! most visits only search or pick a saved view, and on a phone the list comes first.

use leptos::prelude::*;

use crate::customers::spec::{Filter, ListSetup, ListSpec};
use crate::customers::tags::tag_choices;
use crate::customers::views::ColumnPicker;
use crate::i18n::{t, tr, use_lang};
use crate::ui::first_use::OnFirstUse;

fn sort_key(s: &str) -> &'static str {
    match s {
        "name" => "cust.sort_name",
        "updated" => "cust.sort_updated",
        "last_follow_up" => "cust.sort_follow_up",
        _ => "cust.sort_created",
    }
}

/// How many of the filters behind "more filters" are set (the search box is in sight).
fn hidden_filters_set(f: &Filter) -> usize {
    [&f.level, &f.province, &f.city, &f.status, &f.tag, &f.owner, &f.unit, &f.follow_before, &f.follow_after]
        .into_iter()
        .filter(|v| !v.is_empty())
        .count()
}

/// The form edits `form`; submitting applies it, "reset" applies the empty spec. `opened` says
/// whether "more filters" is open (the page keeps it while the list reloads).
#[component]
pub fn FilterForm(
    setup: ListSetup,
    shown: Vec<String>,
    form: RwSignal<ListSpec>,
    apply: impl Fn(ListSpec) + Copy + Send + Sync + 'static,
    opened: RwSignal<bool>,
) -> impl IntoView {
    let set_count = move || match form.with(|s| hidden_filters_set(&s.filter)) {
        0 => String::new(),
        n => format!(" ({n})"),
    };
    view! {
        <form class="inline-form filters" data-testid="customer-filters" on:submit=move |ev| {
            ev.prevent_default();
            apply(form.get_untracked());
        }>
            <label><span>{tr("cust.search")}</span>
                <input type="search" data-testid="filter-text" prop:value=move || form.with(|s| s.filter.text.clone())
                    on:input=move |ev| form.update(|s| s.filter.text = event_target_value(&ev))/></label>
            <button type="submit" class="primary" data-testid="filter-apply">{tr("cust.filter")}</button>
            <button type="button" class="secondary" data-testid="filter-reset" on:click=move |_| apply(ListSpec::default())>{tr("cust.reset")}</button>
            <details class="more-filters" data-testid="more-filters" prop:open=move || opened.get()
                on:toggle=move |ev| opened.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                <summary class="button secondary" data-testid="more-filters-toggle">{tr("cust.more_filters")}{set_count}</summary>
                <OnFirstUse when=opened part=move || more_filters(setup.clone(), shown.clone(), form)
                    fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }/>
            </details>
        </form>
    }
}

#[lazy]
fn more_filters(setup: ListSetup, shown: Vec<String>, form: RwSignal<ListSpec>) -> AnyView {
    view! { <MoreFilters setup shown form/> }.into_any()
}

/// Every filter but the search, the sort and the columns; they edit `form`, which the enclosing
/// form applies.
#[component]
fn MoreFilters(setup: ListSetup, shown: Vec<String>, form: RwSignal<ListSpec>) -> impl IntoView {
    let lang = use_lang();
    let readable = setup.columns.clone();
    let field = move |get: fn(&Filter) -> String, set: fn(&mut Filter, String)| {
        (move || get(&form.get().filter), move |v: String| form.update(|f| set(&mut f.filter, v)))
    };
    let (level, set_level) = field(|f| f.level.clone(), |f, v| f.level = v);
    let (province, set_province) = field(|f| f.province.clone(), |f, v| f.province = v);
    let (city, set_city) = field(|f| f.city.clone(), |f, v| f.city = v);
    let (status, set_status) = field(|f| f.status.clone(), |f, v| f.status = v);
    let (tag, set_tag) = field(|f| f.tag.clone(), |f, v| f.tag = v);
    let (owner, set_owner) = field(|f| f.owner.clone(), |f, v| f.owner = v);
    let (unit, set_unit) = field(|f| f.unit.clone(), |f, v| f.unit = v);
    let (before, set_before) = field(|f| f.follow_before.clone(), |f, v| f.follow_before = v);
    let (after, set_after) = field(|f| f.follow_after.clone(), |f, v| f.follow_after = v);
    let can_read = |c: &str| readable.iter().any(|r| r == c);
    let (read_level, read_city, read_province, read_status, read_tags) = (can_read("level"), can_read("city"), can_read("province"), can_read("status"), can_read("tags"));

    view! {
        <div class="more-fields">
            {read_level.then(|| view! {
                <label><span>{tr("cust.level")}</span>
                    <select data-testid="filter-level" prop:value=level on:change=move |ev| set_level(event_target_value(&ev))>
                        <option value="">{tr("admin.all")}</option>
                        {["A", "B", "C", "D"].into_iter().map(|l| view! { <option value=l selected=move || level() == l>{l}</option> }).collect_view()}
                    </select></label>
            })}
            {read_province.then(|| view! {
                <label><span>{tr("field.province")}</span>
                    <input data-testid="filter-province" prop:value=province on:input=move |ev| set_province(event_target_value(&ev))/></label>
            })}
            {read_city.then(|| view! {
                <label><span>{tr("cust.city")}</span>
                    <input data-testid="filter-city" prop:value=city on:input=move |ev| set_city(event_target_value(&ev))/></label>
            })}
            {read_status.then(|| view! {
                <label><span>{tr("admin.status")}</span>
                    <select data-testid="filter-status" prop:value=status on:change=move |ev| set_status(event_target_value(&ev))>
                        <option value="">{tr("admin.all")}</option>
                        <option value="active" selected=move || status() == "active">{tr("cust.status_active")}</option>
                        <option value="inactive" selected=move || status() == "inactive">{tr("cust.status_inactive")}</option>
                    </select></label>
            })}
            {read_tags.then(|| view! {
                <label><span>{tr("cust.tags")}</span>
                    <input list="tag-choices" data-testid="filter-tag" prop:value=tag on:input=move |ev| set_tag(event_target_value(&ev))/></label>
                {tag_choices("tag-choices", &setup.tags)}
            })}
            <label><span>{tr("cust.owner")}</span>
                <select data-testid="filter-owner" prop:value=owner on:change=move |ev| set_owner(event_target_value(&ev))>
                    <option value="">{tr("admin.all")}</option>
                    {setup.users.iter().map(|(id, n)| { let v = id.to_string(); let sel = v.clone(); view! { <option value=v selected=move || owner() == sel>{n.clone()}</option> } }).collect_view()}
                </select></label>
            <label><span>{tr("cust.unit")}</span>
                <select data-testid="filter-unit" prop:value=unit on:change=move |ev| set_unit(event_target_value(&ev))>
                    <option value="">{tr("admin.all")}</option>
                    {setup.units.iter().map(|(id, n)| { let v = id.to_string(); let sel = v.clone(); view! { <option value=v selected=move || unit() == sel>{n.clone()}</option> } }).collect_view()}
                </select></label>
            <label><span>{tr("cust.follow_before")}</span>
                <input type="date" data-testid="filter-follow-before" prop:value=before on:input=move |ev| set_before(event_target_value(&ev))/></label>
            <label><span>{tr("cust.follow_after")}</span>
                <input type="date" data-testid="filter-follow-after" prop:value=after on:input=move |ev| set_after(event_target_value(&ev))/></label>
            <label><span>{tr("cust.sort")}</span>
                <select data-testid="sort-key" prop:value=move || form.get().sort on:change=move |ev| form.update(|s| s.sort = event_target_value(&ev))>
                    {["created", "name", "updated", "last_follow_up"].into_iter().map(|k| view! {
                        <option value=k selected=move || form.get().sort == k || (k == "created" && form.get().sort.is_empty())>{move || t(lang.get(), sort_key(k))}</option>
                    }).collect_view()}
                </select></label>
            <label class="check"><input type="checkbox" data-testid="sort-desc" prop:checked=move || form.get().desc
                on:change=move |ev| form.update(|s| s.desc = event_target_checked(&ev))/>{tr("cust.descending")}</label>
            <ColumnPicker readable=readable.clone() shown form/>
        </div>
    }
}
