//! The forecast tab: the open opportunities expected to close in six months from a chosen month,
//! per month and unit, with their amounts as they are and weighted by their stage's win
//! probability, and the totals (per currency).

use domain_types::opportunities::ForecastRow;
use leptos::prelude::*;

use crate::i18n::use_lang;
use crate::opportunities::api::opportunity_forecast;
use crate::opportunities::words::{t, tr};
use crate::ui::format::{format_money, format_utc};
use crate::ui::loading::{loaded, resource};

/// How many months the forecast covers.
const MONTHS: i64 = 6;

/// The current month, YYYY-MM (UTC).
pub fn this_month() -> String {
    #[cfg(feature = "ssr")]
    let now = domain::clock::now_ms();
    #[cfg(not(feature = "ssr"))]
    let now = js_sys::Date::now() as i64;
    format_utc(now)[..7].to_string()
}

/// Amounts in several currencies, summed per currency: "¥1,000.00 + 200.00 USD".
fn money_by_currency(parts: &[(String, i64)]) -> String {
    let mut sums: Vec<(String, i64)> = Vec::new();
    for (currency, minor) in parts {
        match sums.iter_mut().find(|(c, _)| c == currency) {
            Some((_, sum)) => *sum += minor,
            None => sums.push((currency.clone(), *minor)),
        }
    }
    sums.iter().map(|(c, m)| format_money(*m, c)).collect::<Vec<_>>().join(" + ")
}

#[component]
fn ForecastTable(rows: Vec<ForecastRow>) -> impl IntoView {
    let lang = use_lang();
    let count: i64 = rows.iter().map(|r| r.count).sum();
    let unweighted = money_by_currency(&rows.iter().map(|r| (r.currency.clone(), r.unweighted_minor)).collect::<Vec<_>>());
    let weighted = money_by_currency(&rows.iter().map(|r| (r.currency.clone(), r.weighted_minor)).collect::<Vec<_>>());
    view! {
        <table class="records forecast-table" data-testid="forecast-table">
            <thead>
                <tr>
                    <th>{tr("pipe.month")}</th>
                    <th>{tr("pipe.unit")}</th>
                    <th class="num">{tr("pipe.deals")}</th>
                    <th class="num">{tr("pipe.unweighted")}</th>
                    <th class="num">{tr("pipe.weighted")}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        view! {
                            <tr data-testid="forecast-row" data-month=r.month.clone() data-unit=r.unit_id.to_string()>
                                <td data-label=move || t(lang.get(), "pipe.month")>{r.month.clone()}</td>
                                <td data-label=move || t(lang.get(), "pipe.unit")>{r.unit_name.clone()}</td>
                                <td class="num" data-label=move || t(lang.get(), "pipe.deals")>{r.count}</td>
                                <td class="num" data-testid="forecast-unweighted" data-label=move || t(lang.get(), "pipe.unweighted")>
                                    {format_money(r.unweighted_minor, &r.currency)}
                                </td>
                                <td class="num" data-testid="forecast-weighted" data-label=move || t(lang.get(), "pipe.weighted")>
                                    {format_money(r.weighted_minor, &r.currency)}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
                <tr class="total" data-testid="forecast-total">
                    <td data-label=move || t(lang.get(), "pipe.month")>{tr("pipe.total")}</td>
                    <td></td>
                    <td class="num" data-label=move || t(lang.get(), "pipe.deals")>{count}</td>
                    <td class="num" data-testid="forecast-total-unweighted" data-label=move || t(lang.get(), "pipe.unweighted")>{unweighted}</td>
                    <td class="num" data-testid="forecast-total-weighted" data-label=move || t(lang.get(), "pipe.weighted")>{weighted}</td>
                </tr>
            </tbody>
        </table>
    }
}

/// The forecast tab; reloads when `tick` does (live opportunity events, moves).
#[component]
pub fn Forecast(tick: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let from = RwSignal::new(this_month());
    let rows = resource(
        move || (from.get(), tick.get()),
        |(month, _)| {
            let month = if month.trim().is_empty() { this_month() } else { month };
            opportunity_forecast(month, MONTHS)
        },
    );
    view! {
        <div class="forecast" data-testid="forecast">
            <div class="board-bar">
                <label class="check">{tr("pipe.from_month")}<input type="month" data-testid="forecast-from" bind:value=from/></label>
                <span class="muted small">{move || t(lang.get(), "pipe.months").replace("{n}", &MONTHS.to_string())}</span>
            </div>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded(rows).await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some(Ok(rows)) if rows.is_empty() => view! { <p class="muted" data-testid="forecast-empty">{tr("pipe.no_forecast")}</p> }.into_any(),
                        Some(Ok(rows)) => view! { <ForecastTable rows/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_summed_per_currency() {
        let parts = [("CNY".to_string(), 100_00), ("USD".to_string(), 5_00), ("CNY".to_string(), 50)];
        assert_eq!(money_by_currency(&parts), "¥100.50 + 5.00 USD");
        assert_eq!(money_by_currency(&[]), "");
    }
}
