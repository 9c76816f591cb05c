//! CSV exports of the sales and service lists (contracts, receivables, opportunities, tickets):
//! one server function, which checks the export grant and scope through `domain::exports`, and
//! one button, shown to those whose roles grant the export.

use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::tr;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::files::download;
use crate::ui::loading::resource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListExport {
    pub file_name: String,
    pub csv: String,
    pub rows: usize,
    pub skipped: usize,
}

/// A column's title in the reader's language (only the server writes the files).
#[cfg(feature = "ssr")]
fn column_title(lang: crate::i18n::Lang, key: &str) -> String {
    let (zh, en) = match key {
        "id" => ("编号", "ID"),
        "number" => ("合同编号", "Number"),
        "title" => ("标题", "Title"),
        "name" => ("名称", "Name"),
        "customer" => ("客户", "Customer"),
        "state" => ("状态", "State"),
        "status" => ("状态", "Status"),
        "stage" => ("阶段", "Stage"),
        "amount" => ("金额", "Amount"),
        "received" => ("已回款", "Received"),
        "outstanding" => ("未回款", "Outstanding"),
        "currency" => ("币种", "Currency"),
        "owner" => ("负责人", "Owner"),
        "unit" => ("部门", "Unit"),
        "signed_at" => ("签订日期", "Signed on"),
        "contract" => ("合同", "Contract"),
        "instalment" => ("期次", "Instalment"),
        "due_at" => ("到期日", "Due"),
        "overdue" => ("逾期", "Overdue"),
        "category" => ("类别", "Category"),
        "priority" => ("优先级", "Priority"),
        "sla_due_at" => ("服务时限", "SLA due"),
        "breached" => ("已超时", "SLA breached"),
        "created_at" => ("创建日期", "Created on"),
        "expected_close" => ("预计成交", "Expected close"),
        "competitors" => ("竞争对手", "Competitors"),
        "lost_reason" => ("输单原因", "Lost reason"),
        other => (other, other),
    };
    if lang == crate::i18n::Lang::En { en } else { zh }.to_string()
}

/// Whether the caller's roles grant the export of a list's records.
#[server(endpoint = "exports/allowed")]
pub async fn export_allowed(list: String) -> Result<bool, AppError> {
    use crate::server::actor;
    let (_, actor) = actor().await?;
    Ok(domain::exports::may_export(&actor, &list))
}

/// The list as a CSV file, with the filter the list shows.
#[server(endpoint = "exports/list", input = Json)]
pub async fn export_list(list: String, filter: ListFilter) -> Result<ListExport, AppError> {
    use crate::server::{actor, domain_err};
    use domain::exports;
    // The language is read before the first await (see `crate::server`).
    let lang = crate::i18n::request_lang(&use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default());
    let (st, actor) = actor().await?;
    let table = match list.as_str() {
        "contracts" => exports::contracts(&st.db, &actor, &filter).await,
        "receivables" => exports::receivables(&st.db, &actor, &filter).await,
        "opportunities" => exports::opportunities(&st.db, &actor, &filter).await,
        "tickets" => exports::tickets(&st.db, &actor, &filter).await,
        _ => Err(domain::DomainError::NotFound),
    }
    .map_err(domain_err)?;
    let header: Vec<String> = table.columns.iter().map(|c| column_title(lang, c)).collect();
    let date = domain::clock::format_date(domain::clock::now_ms());
    Ok(ListExport {
        file_name: format!("{list}-{date}.csv"),
        csv: domain::customers::export::to_csv(&header, &table.rows),
        rows: table.rows.len(),
        skipped: table.skipped,
    })
}

/// "Export CSV" for a list as its filter shows it, for those allowed to export it; the file
/// downloads when ready.
#[component]
pub fn ExportButton(list: &'static str, #[prop(into)] filter: Signal<ListFilter>) -> impl IntoView {
    let allowed = resource(|| (), move |_| export_allowed(list.to_string()));
    let export = Action::new(move |filter: &ListFilter| {
        let filter = filter.clone();
        async move { export_list(list.to_string(), filter).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            download(&file.file_name, "text/csv;charset=utf-8", &file.csv);
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || allowed.get().and_then(|r| r.ok()).filter(|ok| *ok).map(|_| view! {
                <button type="button" class="button secondary" data-testid=format!("export-{list}")
                    disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch(filter.get_untracked()); }>{tr("export.csv")}</button>
            })}
        </Transition>
        <ActionError error=error_of(export.value())/>
    }
}
