//! `/customers/import`: importing customers or contacts from a CSV file. The file goes up as it
//! is (UTF-8 with or without BOM, or GBK/GB18030 as Excel in China saves it; the server tells
//! which), a preview shows its first rows with a field chosen per column, and the import runs in
//! the background while the page shows its progress, then the rows not imported by line with the
//! reason — or, for duplicates, whom to ask. All-or-nothing unless "good rows only" is ticked.
//! The rules are in `domain::imports`; the upload route in `server/src/imports.rs`.

pub mod words;

use domain_types::imports::{ImportJob, ImportPreview, CONTACT_FIELDS, CUSTOMER_FIELDS};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::ui::action_error::{error_of, ActionError};
use words::{field_title, problem_text, text};

#[server(endpoint = "imports/start", input = Json)]
pub async fn start_import(job_id: i64, mapping: Vec<String>, good_rows_only: bool) -> Result<ImportJob, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::imports::start(&st.db, &actor, job_id, &mapping, good_rows_only).await.map_err(domain_err)
}

#[server(endpoint = "imports/job")]
pub async fn import_status(job_id: i64) -> Result<ImportJob, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::imports::job(&st.db, &actor, job_id).await.map_err(domain_err)
}

/// Sends the chosen file to the upload route and hands over the preview or the refusal.
#[cfg(not(feature = "ssr"))]
fn upload(file: web_sys::File, kind: &str, done: impl Fn(Result<ImportPreview, AppError>) + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return };
    if xhr.open("POST", &format!("/api/imports/{kind}")).is_err() {
        return;
    }
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let _ = xhr.set_request_header("x-file-name", &name);
    let x = xhr.clone();
    let onload = Closure::once_into_js(move |_: JsValue| {
        let body = x.response_text().ok().flatten().unwrap_or_default();
        let status = x.status().unwrap_or(0);
        done(if status == 200 {
            serde_json::from_slice::<ImportPreview>(body.as_bytes()).map_err(|_| AppError::Internal)
        } else {
            Err(serde_json::from_slice::<AppError>(body.as_bytes()).unwrap_or(AppError::Internal))
        });
    });
    xhr.set_onloadend(Some(onload.unchecked_ref()));
    let _ = xhr.send_with_opt_blob(Some(&file));
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = use_lang();
    let kind = RwSignal::new("customers".to_string());
    let preview = RwSignal::new(None::<ImportPreview>);
    let mapping = RwSignal::new(Vec::<String>::new());
    let upload_error = RwSignal::new(None::<AppError>);
    let uploading = RwSignal::new(false);
    let good_rows_only = RwSignal::new(false);
    let start = ServerAction::<StartImport>::new();
    let job = RwSignal::new(None::<ImportJob>);
    Effect::new(move |_| {
        if let Some(Ok(j)) = start.value().get() {
            job.set(Some(j));
        }
    });
    // While the import runs, ask how it stands every second.
    #[cfg(not(feature = "ssr"))]
    {
        let handle = set_interval_with_handle(
            move || {
                let Some(j) = job.get_untracked() else { return };
                if matches!(j.status.as_str(), "done" | "failed") {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(now) = import_status(j.id).await {
                        job.set(Some(now));
                    }
                });
            },
            std::time::Duration::from_millis(1000),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            upload_error.set(None);
            preview.set(None);
            job.set(None);
            uploading.set(true);
            upload(file, &kind.get_untracked(), move |r| {
                uploading.set(false);
                match r {
                    Ok(p) => {
                        mapping.set(p.mapping.clone());
                        preview.set(Some(p));
                    }
                    Err(e) => upload_error.set(Some(e)),
                }
            });
        }
        #[cfg(feature = "ssr")]
        let _ = ev;
    };
    let fields = move || if kind.get() == "contacts" { CONTACT_FIELDS } else { CUSTOMER_FIELDS };
    view! {
        <section class="imports" data-testid="import-page">
            <div class="page-head"><h1>{move || text(lang.get(), "imp.title")}</h1></div>
            <p class="muted">{move || text(lang.get(), "imp.explain")}</p>
            <div class="inline-form">
                <label><span>{move || text(lang.get(), "imp.kind")}</span>
                    <select data-testid="import-kind" bind:value=kind on:change=move |_| { preview.set(None); job.set(None); }>
                        <option value="customers">{move || text(lang.get(), "imp.customers")}</option>
                        <option value="contacts">{move || text(lang.get(), "imp.contacts")}</option>
                    </select>
                </label>
                <label><span>{move || text(lang.get(), "imp.file")}</span>
                    <input type="file" accept=".csv,text/csv" data-testid="import-file" on:change=on_file/>
                </label>
            </div>
            <Show when=move || uploading.get()><p class="loading">{move || text(lang.get(), "imp.reading")}</p></Show>
            <ActionError error=Signal::derive(move || upload_error.get())/>
            {move || preview.get().map(|p| {
                let header = p.header.clone();
                view! {
                    <div class="import-preview" data-testid="import-preview">
                        <p>
                            <span data-testid="import-encoding">{p.encoding.clone()}</span>" · "
                            <span data-testid="import-total">{p.total_rows}</span>" "{move || text(lang.get(), "imp.rows")}
                        </p>
                        <div class="table-scroll">
                            <table class="records">
                                <thead>
                                    <tr>{header.iter().enumerate().map(|(i, h)| {
                                        view! {
                                            <th>
                                                <div class="import-col">{h.clone()}</div>
                                                // The choice is marked on the options, not set as the select's value:
                                                // the options are created with the select here in the browser, and a
                                                // value set before they exist would not stick (leptos#4005).
                                                <select data-testid="import-map" data-column=i.to_string()
                                                    on:change=move |ev| {
                                                        let v = event_target_value(&ev);
                                                        mapping.update(|m| { if m.len() <= i { m.resize(i + 1, String::new()); } m[i] = v; });
                                                    }>
                                                    <option value="" selected=move || mapping.with(|m| m.get(i).is_none_or(|x| x.is_empty()))>{move || text(lang.get(), "imp.ignore")}</option>
                                                    {fields().iter().map(|f| view! {
                                                        <option value=*f selected=move || mapping.with(|m| m.get(i).map(String::as_str) == Some(*f))>{move || field_title(lang.get(), f)}</option>
                                                    }).collect_view()}
                                                </select>
                                            </th>
                                        }
                                    }).collect_view()}</tr>
                                </thead>
                                <tbody>
                                    {p.sample.iter().map(|row| view! {
                                        <tr data-testid="import-sample">{row.iter().map(|v| view! { <td>{v.clone()}</td> }).collect_view()}</tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <label class="check"><input type="checkbox" data-testid="import-good-only" bind:checked=good_rows_only/>{move || text(lang.get(), "imp.good_only")}</label>
                        <button class="primary" data-testid="import-start" disabled=move || start.pending().get() || job.get().is_some()
                            on:click=move |_| { start.dispatch(StartImport { job_id: p.job_id, mapping: mapping.get_untracked(), good_rows_only: good_rows_only.get_untracked() }); }>
                            {move || text(lang.get(), "imp.start")}
                        </button>
                    </div>
                }
            })}
            <ActionError error=error_of(start.value())/>
            {move || job.get().map(|j| view! { <JobView job=j lang/> })}
        </section>
    }
}

#[component]
fn JobView(job: ImportJob, lang: RwSignal<Lang>) -> impl IntoView {
    let percent = if job.total_rows > 0 { job.processed_rows * 100 / job.total_rows } else { 0 };
    let status = job.status.clone();
    let state_key = match job.status.as_str() {
        "done" => "imp.done",
        "failed" => "imp.failed",
        "running" => "imp.running",
        _ => "imp.queued",
    };
    view! {
        <div class="import-job" data-testid="import-job" data-status=status>
            <p>
                <strong>{move || text(lang.get(), state_key)}</strong>" "
                <span data-testid="import-progress">{format!("{} / {}", job.processed_rows, job.total_rows)}</span>
            </p>
            <progress max="100" value=percent.to_string()></progress>
            {(job.status == "done" || job.status == "failed").then(|| view! {
                <p>
                    {move || text(lang.get(), "imp.created")}": "<span data-testid="import-created">{job.created_rows}</span>" · "
                    {move || text(lang.get(), "imp.problems")}": "<span data-testid="import-problems">{job.problem_rows}</span>
                </p>
            })}
            {(!job.problems.is_empty()).then(|| view! {
                <div class="table-scroll">
                    <table class="records" data-testid="import-problem-table">
                        <thead><tr>
                            <th class="num">{move || text(lang.get(), "imp.line")}</th>
                            <th>{move || text(lang.get(), "imp.row")}</th>
                            <th>{move || text(lang.get(), "imp.reason")}</th>
                        </tr></thead>
                        <tbody>
                            {job.problems.iter().take(500).map(|p| {
                                let p2 = p.clone();
                                view! {
                                    <tr data-testid="import-problem" data-line=p.line.to_string() data-kind=p.kind.clone()>
                                        <td class="num">{p.line}</td>
                                        <td>{p.label.clone()}</td>
                                        <td>{move || problem_text(lang.get(), &p2)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </div>
    }
}
