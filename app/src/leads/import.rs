//! Importing leads from a CSV file read in the browser (UTF-8 or GB18030), with a dry-run preview
//! that runs the import's transaction and rolls it back: every row is reported as created (to
//! whom), invalid (which field, why) or a duplicate phone.

use domain_types::leads::{ImportReport, RowOutcome};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::leads::words::{t, tr};
use crate::ui::action_error::{error_of, ActionError};

#[server(endpoint = "leads/import", input = Json)]
pub async fn import_leads(text: String, dry_run: bool) -> Result<ImportReport, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::import_csv(&st.db, &actor, &text, dry_run).await.map_err(domain_err)
}

/// CSV import: choose a file, preview what would happen (a dry run on the server), then import.
#[component]
pub fn ImportLeadsPanel(import: ServerAction<ImportLeads>) -> impl IntoView {
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(not(feature = "ssr"))]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                import.clear();
                crate::ui::files::read_file_text(file, move |t| text.set(t));
            }
        }
        #[cfg(feature = "ssr")]
        let _ = ev;
    };
    let result = move || import.value().get().and_then(|r| r.ok());
    let previewed = move || result().is_some_and(|r| r.dry_run && r.created > 0);
    view! {
        <details class="new-customer" data-testid="lead-import">
            <summary class="button secondary">{tr("lead.import")}</summary>
            <div class="inline-form">
                <p class="muted small grow">{tr("lead.import_hint")}</p>
                <label><span>{tr("lead.file")}</span>
                    <input type="file" accept=".csv,text/csv,text/plain" data-testid="import-file" on:change=on_file/></label>
                <button class="secondary" data-testid="import-preview"
                    disabled=move || text.with(|t| t.is_empty()) || import.pending().get()
                    on:click=move |_| { import.dispatch(ImportLeads { text: text.get_untracked(), dry_run: true }); }>
                    {tr("lead.preview")}
                </button>
                <Show when=previewed>
                    <button class="primary" data-testid="import-run" disabled=move || import.pending().get()
                        on:click=move |_| { import.dispatch(ImportLeads { text: text.get_untracked(), dry_run: false }); }>
                        {tr("lead.do_import")}
                    </button>
                </Show>
            </div>
            <ActionError error=error_of(import.value())/>
            {move || result().map(|r| {
                let summary_key = if r.dry_run { "lead.import_preview" } else { "lead.import_done" };
                let (created, invalid, dup) = (r.created, r.invalid, r.duplicates);
                let dry = r.dry_run;
                view! {
                    <p class="notice" data-testid="import-summary" data-dry-run=dry.to_string()>
                        {move || t(lang.get(), summary_key)
                            .replace("{created}", &created.to_string())
                            .replace("{invalid}", &invalid.to_string())
                            .replace("{dup}", &dup.to_string())}
                    </p>
                    <table class="records import-report" data-testid="import-report">
                        <thead><tr><th>{tr("lead.row")}</th><th>{tr("lead.name")}</th><th>{tr("lead.outcome")}</th></tr></thead>
                        <tbody>
                            {r.rows.into_iter().map(|row| {
                                let kind = match &row.outcome {
                                    RowOutcome::Created { .. } => "created",
                                    RowOutcome::Invalid { .. } => "invalid",
                                    RowOutcome::Duplicate { .. } => "duplicate",
                                };
                                let outcome = row.outcome.clone();
                                view! {
                                    <tr data-testid="import-row" data-outcome=kind>
                                        <td data-label=move || t(lang.get(), "lead.row")>{row.row}</td>
                                        <td class="name" data-label=move || t(lang.get(), "lead.name")>{row.label.clone()}</td>
                                        <td data-label=move || t(lang.get(), "lead.outcome") data-testid="import-outcome">
                                            {move || outcome_text(lang.get(), &outcome, dry)}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </details>
    }
}

fn outcome_text(lang: Lang, outcome: &RowOutcome, dry_run: bool) -> String {
    match outcome {
        RowOutcome::Created { owner_name, unit_name, .. } => {
            let to = match owner_name {
                Some(o) => format!("{o}（{unit_name}）"),
                None => t(lang, "lead.waiting_in").replace("{unit}", unit_name),
            };
            t(lang, if dry_run { "lead.will_go_to" } else { "lead.went_to" }).replace("{to}", &to)
        }
        RowOutcome::Invalid { field, code } => AppError::Invalid { field: field.clone(), code: code.clone() }.message(lang),
        RowOutcome::Duplicate { earlier_row: Some(row) } => t(lang, "lead.dup_row").replace("{row}", &row.to_string()),
        RowOutcome::Duplicate { earlier_row: None } => t(lang, "lead.dup_existing").to_string(),
    }
}
