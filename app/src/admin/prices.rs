//! `/admin/prices`: a unit's price list. Administrators pick a unit (a subsidiary, a branch, a
//! team) and set or remove its own price per product; the people of the unit, and of every unit
//! below it without a price of its own, sell at that price instead of the catalogue's.

use domain_types::sales::PriceListRow;
use leptos::prelude::*;

use crate::admin::choices::admin_choices;
use crate::error::AppError;
use crate::i18n::{t_or_main, use_lang, Texts};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_money;
use crate::ui::loading::{loaded, resource};

const TEXTS: &Texts = &[
    ("price.title", "价目表", "Price lists"),
    ("price.unit", "组织单元", "Unit"),
    ("price.pick", "请选择单元", "Choose a unit"),
    ("price.hint", "单元自己的价格适用于本单元及其下级单元（下级单元另有价格的除外）；留空即沿用上级或目录价。", "A unit's own price applies to it and the units below it (unless they have their own); leave it empty to use the price from above or the catalogue's."),
    ("price.line", "产品线", "Product line"),
    ("price.product", "产品", "Product"),
    ("price.list", "目录价", "List price"),
    ("price.own", "本单元价格", "Unit's price"),
    ("price.effective", "实际售价", "Sells at"),
    ("price.save", "保存", "Save"),
    ("price.saved", "已保存", "Saved"),
    ("price.none", "没有产品。", "No products."),
];

fn text(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t_or_main(TEXTS, lang.get(), key)
}

#[server(endpoint = "admin/prices")]
pub async fn unit_price_list(unit_id: i64) -> Result<Vec<PriceListRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::products::price_list(&st.db, &actor, unit_id).await.map_err(domain_err)
}

/// Sets a unit's own price for a product from the amount as typed (major units); empty removes it.
#[server(endpoint = "admin/prices/set")]
pub async fn set_unit_price(product_id: i64, unit_id: i64, price: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let price = domain::opportunities::parse_optional_major_units(&price).map_err(domain_err)?;
    domain::sales::products::set_unit_price(&st.db, &actor, product_id, unit_id, price).await.map_err(domain_err)
}

/// Minor units as the input shows them ("45600.00"), empty for none.
fn major(minor: Option<i64>) -> String {
    minor.map(|m| format!("{}.{:02}", m / 100, m % 100)).unwrap_or_default()
}

#[component]
fn PriceLine(row: PriceListRow, unit_id: i64, save: ServerAction<SetUnitPrice>) -> impl IntoView {
    let lang = use_lang();
    let typed = RwSignal::new(major(row.own_price_minor));
    let product_id = row.product_id;
    view! {
        <tr data-testid="price-row" data-code=row.code.clone()>
            <td data-label=move || t_or_main(TEXTS, lang.get(), "price.line")>{row.line_name.clone()}</td>
            <td class="name" data-label=move || t_or_main(TEXTS, lang.get(), "price.product")>{row.code.clone()}" "{row.name.clone()}</td>
            <td class="num" data-label=move || t_or_main(TEXTS, lang.get(), "price.list")>{format_money(row.list_price_minor, &row.currency)}</td>
            <td data-label=move || t_or_main(TEXTS, lang.get(), "price.own")>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SetUnitPrice { product_id, unit_id, price: typed.get_untracked() });
                }>
                    <input type="text" inputmode="decimal" size="10" data-testid="own-price" bind:value=typed/>
                    <button type="submit" class="secondary" data-testid="price-save" disabled=move || save.pending().get()>{text("price.save")}</button>
                </form>
            </td>
            <td class="num" data-testid="effective-price" data-label=move || t_or_main(TEXTS, lang.get(), "price.effective")>{format_money(row.effective_minor, &row.currency)}</td>
        </tr>
    }
}

#[component]
pub fn PriceListPage() -> impl IntoView {
    let lang = use_lang();
    let choices = resource(|| (), |_| admin_choices());
    let unit = RwSignal::new(String::new());
    let save = ServerAction::<SetUnitPrice>::new();
    let rows = resource(
        move || (unit.get(), save.version().get()),
        |(unit, _)| async move {
            // The rows carry the unit they were loaded for, so the table never labels one unit's
            // prices with another's while a new choice loads.
            match unit.parse::<i64>() {
                Ok(id) => Some((id, unit_price_list(id).await)),
                Err(_) => None,
            }
        },
    );
    view! {
        <section class="price-lists" data-testid="price-lists">
            <h2>{text("price.title")}</h2>
            <p class="muted small">{text("price.hint")}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let units = loaded(choices).await.and_then(|r| r.ok()).map(|c| c.units).unwrap_or_default();
                    view! {
                        <label class="inline">{text("price.unit")}
                            <select data-testid="price-unit" bind:value=unit>
                                <option value="">{text("price.pick")}</option>
                                {units.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()}
                            </select>
                        </label>
                    }
                })}
            </Transition>
            <ActionError error=error_of(save.value())/>
            <Transition fallback=move || view! { <p class="loading">{move || t_or_main(TEXTS, lang.get(), "shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded(rows).await.flatten() {
                        None => ().into_any(),
                        Some((_, Err(e))) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some((_, Ok(rows))) if rows.is_empty() => view! { <p class="muted">{text("price.none")}</p> }.into_any(),
                        Some((unit_id, Ok(rows))) => view! {
                            <table class="records" data-testid="price-table" data-unit=unit_id.to_string()>
                                <thead><tr>
                                    <th>{text("price.line")}</th><th>{text("price.product")}</th><th class="num">{text("price.list")}</th>
                                    <th>{text("price.own")}</th><th class="num">{text("price.effective")}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! { <PriceLine row unit_id save/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
