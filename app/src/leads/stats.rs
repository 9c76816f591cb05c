//! How each salesperson does with the leads they were given: held, followed up, converted,
//! disqualified and the follow-up rate, over the leads the viewer may read.

use domain_types::leads::RepStats;
use leptos::prelude::*;

use crate::i18n::use_lang;
use crate::leads::words::{t, tr};

/// Per salesperson: leads held, followed up, converted, disqualified.
#[component]
pub fn RepStatsPanel(stats: Vec<RepStats>) -> impl IntoView {
    let lang = use_lang();
    let empty = stats.is_empty();
    view! {
        <details class="lead-stats" data-testid="lead-stats" open=!empty>
            <summary>{tr("lead.stats")}</summary>
            <table class="records">
                <thead>
                    <tr>
                        <th>{tr("cust.owner")}</th>
                        <th>{tr("lead.n_assigned")}</th>
                        <th>{tr("lead.n_followed")}</th>
                        <th>{tr("lead.n_converted")}</th>
                        <th>{tr("lead.n_disqualified")}</th>
                        <th>{tr("lead.rate")}</th>
                    </tr>
                </thead>
                <tbody>
                    {stats.into_iter().map(|s| {
                        let rate = if s.assigned > 0 { format!("{}%", s.followed_up * 100 / s.assigned) } else { "—".into() };
                        view! {
                            <tr data-testid="stats-row" data-user=s.user_id.to_string()>
                                <td class="name" data-label=move || t(lang.get(), "cust.owner")>{s.name.clone()}</td>
                                <td data-label=move || t(lang.get(), "lead.n_assigned") data-testid="stats-assigned">{s.assigned}</td>
                                <td data-label=move || t(lang.get(), "lead.n_followed") data-testid="stats-followed">{s.followed_up}</td>
                                <td data-label=move || t(lang.get(), "lead.n_converted") data-testid="stats-converted">{s.converted}</td>
                                <td data-label=move || t(lang.get(), "lead.n_disqualified")>{s.disqualified}</td>
                                <td data-label=move || t(lang.get(), "lead.rate")>{rate}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
