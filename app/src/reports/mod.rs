//! `/reports`: the dashboard rolled up along the org tree. The unit and the period live in the
//! address (`?unit=…&kind=month&value=2026-06`), so a drill-down is a link, and a reload or a
//! shared link shows the same figures. Charts are drawn on the server ([`chart`]); targets are
//! edited in [`targets`].

pub mod chart;
pub mod targets;
pub mod words;

use domain_types::reports::{Dashboard, DashboardQuery, Figures, PeriodChoice, RowKind, FIGURES};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::exports::ListExport;
use crate::i18n::{use_lang, Lang};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::files::download;
use crate::ui::format::format_money;
use crate::ui::loading::{loaded, resource};
use chart::Chart;
use words::{figure_title, text};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub dashboard: Dashboard,
    pub charts: Vec<Chart>,
}

/// The charts of a dashboard, titled in the reader's language and drawn.
#[cfg(feature = "ssr")]
fn charts_of(d: &Dashboard, lang: Lang) -> Vec<Chart> {
    let label = |r: &domain_types::reports::DashboardRow| if r.kind == RowKind::Unassigned { text(lang, "rep.unassigned").to_string() } else { r.name.clone() };
    let per_row = |key: &str, title: &'static str, names: &[&'static str], money: bool| Chart {
        key: key.to_string(),
        title: text(lang, title).to_string(),
        money,
        series: names.iter().map(|n| figure_title(lang, n).to_string()).collect(),
        rows: d.rows.iter().map(|r| (label(r), names.iter().map(|n| r.figures.get(n)).collect())).collect(),
        svg: String::new(),
    };
    let mut charts = vec![
        per_row("sales", "chart.sales", &["signed_minor", "target_minor"], true),
        per_row("cash", "chart.cash", &["received_minor", "planned_minor"], true),
        per_row("activity", "chart.activity", &["customers_new", "leads_new"], false),
    ];
    let amounts = d.stages.iter().all(|s| s.amount_minor.is_some());
    charts.push(Chart {
        key: "pipeline".into(),
        title: text(lang, "chart.pipeline").to_string(),
        money: amounts,
        series: vec![figure_title(lang, if amounts { "pipeline_minor" } else { "pipeline_count" }).to_string()],
        rows: d.stages.iter().map(|s| (if lang == Lang::En { s.name_en.clone() } else { s.name_zh.clone() }, vec![if amounts { s.amount_minor } else { Some(s.count) }])).collect(),
        svg: String::new(),
    });
    // A chart whose every value is hidden from the reader is left out.
    charts.retain(|c| c.rows.iter().any(|(_, v)| v.iter().any(|x| x.is_some())));
    for c in charts.iter_mut() {
        chart::draw(c, lang == Lang::Zh);
    }
    charts
}

#[server(endpoint = "reports/dashboard", input = Json)]
pub async fn report_dashboard(query: DashboardQuery) -> Result<ReportView, AppError> {
    use crate::server::{actor, domain_err};
    let lang = crate::i18n::request_lang(&use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default());
    let (st, actor) = actor().await?;
    let dashboard = domain::reports::dashboard(&st.db, &actor, &query).await.map_err(domain_err)?;
    let charts = charts_of(&dashboard, lang);
    Ok(ReportView { dashboard, charts })
}

#[server(endpoint = "reports/export", input = Json)]
pub async fn report_export(query: DashboardQuery) -> Result<ListExport, AppError> {
    use crate::server::{actor, domain_err};
    let lang = crate::i18n::request_lang(&use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default());
    let (st, actor) = actor().await?;
    let table = domain::reports::export(&st.db, &actor, &query).await.map_err(domain_err)?;
    let header: Vec<String> = table.columns.iter().map(|c| if *c == "name" { text(lang, "rep.name").to_string() } else { figure_title(lang, c).to_string() }).collect();
    let date = domain::clock::format_date(domain::clock::now_ms());
    Ok(ListExport { file_name: format!("dashboard-{date}.csv"), csv: domain::customers::export::to_csv(&header, &table.rows), rows: table.rows.len(), skipped: 0 })
}

/// The query the address describes.
fn query_of(params: &leptos_router::params::ParamsMap) -> DashboardQuery {
    let get = |k: &str| params.get(k).unwrap_or_default();
    DashboardQuery {
        unit_id: get("unit").parse().ok(),
        period: PeriodChoice { kind: get("kind"), value: get("value"), from: get("from"), to: get("to") },
        currency: get("currency"),
    }
}

/// The address of a query.
fn href_of(q: &DashboardQuery) -> String {
    let mut parts = Vec::new();
    if let Some(u) = q.unit_id {
        parts.push(format!("unit={u}"));
    }
    for (k, v) in [("kind", &q.period.kind), ("value", &q.period.value), ("from", &q.period.from), ("to", &q.period.to), ("currency", &q.currency)] {
        if !v.is_empty() {
            let safe: String = v.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            parts.push(format!("{k}={safe}"));
        }
    }
    if parts.is_empty() { "/reports".into() } else { format!("/reports?{}", parts.join("&")) }
}

fn cell(lang: Lang, f: &Figures, name: &str, currency: &str) -> String {
    match f.get(name) {
        None => text(lang, "rep.hidden").to_string(),
        Some(v) if Figures::is_money(name) => format_money(v, currency),
        Some(v) => v.to_string(),
    }
}

#[component]
fn PeriodPicker(query: DashboardQuery) -> impl IntoView {
    let lang = use_lang();
    let kind = RwSignal::new(if query.period.kind.is_empty() { "month".to_string() } else { query.period.kind.clone() });
    let value = RwSignal::new(query.period.value.clone());
    let from = RwSignal::new(query.period.from.clone());
    let to = RwSignal::new(query.period.to.clone());
    let currency = RwSignal::new(query.currency.clone());
    let unit = query.unit_id;
    let navigate = use_navigate();
    let placeholder = move || match kind.get().as_str() {
        "quarter" => "2026-Q4",
        "year" => "2026",
        _ => "2026-12",
    };
    view! {
        <form class="period-picker" data-testid="period-picker" on:submit=move |ev| {
            ev.prevent_default();
            let q = DashboardQuery {
                unit_id: unit,
                period: PeriodChoice { kind: kind.get_untracked(), value: value.get_untracked(), from: from.get_untracked(), to: to.get_untracked() },
                currency: currency.get_untracked(),
            };
            navigate(&href_of(&q), Default::default());
        }>
            <label>{move || text(lang.get(), "rep.period")}
                <select data-testid="period-kind" bind:value=kind>
                    <option value="month">{move || text(lang.get(), "rep.month")}</option>
                    <option value="quarter">{move || text(lang.get(), "rep.quarter")}</option>
                    <option value="year">{move || text(lang.get(), "rep.year")}</option>
                    <option value="custom">{move || text(lang.get(), "rep.custom")}</option>
                </select>
            </label>
            <Show when=move || kind.get() != "custom" fallback=move || view! {
                <label>{move || text(lang.get(), "rep.from")}<input type="date" data-testid="period-from" bind:value=from/></label>
                <label>{move || text(lang.get(), "rep.to")}<input type="date" data-testid="period-to" bind:value=to/></label>
            }>
                <input type="text" size="8" data-testid="period-value" placeholder=placeholder bind:value=value/>
            </Show>
            <label>{move || text(lang.get(), "rep.currency")}<input type="text" size="4" maxlength="3" data-testid="period-currency" placeholder="CNY" bind:value=currency/></label>
            <button type="submit" data-testid="period-show">{move || text(lang.get(), "rep.show")}</button>
        </form>
    }
}

#[component]
fn ChartCard(chart: Chart, currency: String) -> impl IntoView {
    let lang = use_lang();
    let money = chart.money;
    view! {
        <figure class="chart-card" data-testid=format!("chart-{}", chart.key)>
            <figcaption>{chart.title.clone()}</figcaption>
            <div class="chart-svg" inner_html=chart.svg.clone()></div>
            <details>
                <summary>{move || text(lang.get(), "rep.table")}</summary>
                <table class="records chart-table">
                    <thead><tr><th></th>{chart.series.iter().map(|s| view! { <th class="num">{s.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {chart.rows.iter().map(|(label, values)| {
                            let cur = currency.clone();
                            view! {
                                <tr><td>{label.clone()}</td>
                                {values.iter().map(|v| view! {
                                    <td class="num">{match v { Some(v) if money => format_money(*v, &cur), Some(v) => v.to_string(), None => "—".into() }}</td>
                                }).collect_view()}</tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[component]
fn FiguresTable(dashboard: Dashboard, query: DashboardQuery) -> impl IntoView {
    let lang = use_lang();
    let shown: Vec<&'static str> = FIGURES.iter().copied().filter(|f| dashboard.total.get(f).is_some()).collect();
    let cur = dashboard.currency.clone();
    let head = shown.clone();
    let total_cells = shown.clone();
    view! {
        <div class="table-scroll">
            <table class="records report-table" data-testid="report-table">
                <thead><tr>
                    <th>{move || text(lang.get(), "rep.name")}</th>
                    {head.into_iter().map(|f| view! { <th class="num">{move || figure_title(lang.get(), f)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {dashboard.rows.iter().map(|r| {
                        let name = r.name.clone();
                        let label = if r.kind == RowKind::Unassigned { None } else { Some(name) };
                        let link = (r.kind == RowKind::Unit && r.drillable).then(|| href_of(&DashboardQuery { unit_id: Some(r.id), ..query.clone() }));
                        let kind = match r.kind { RowKind::Unit => "unit", RowKind::Person => "person", RowKind::Unassigned => "unassigned" };
                        let figures = r.figures.clone();
                        let cur = cur.clone();
                        view! {
                            <tr data-testid="report-row" data-kind=kind data-id=r.id.to_string()>
                                <td class="name">{match (link, label) {
                                    (Some(href), Some(l)) => view! { <A href=href attr:data-testid="drill">{l}</A> }.into_any(),
                                    (_, Some(l)) => l.into_any(),
                                    (_, None) => view! { <span>{move || text(lang.get(), "rep.unassigned")}</span> }.into_any(),
                                }}</td>
                                {shown.clone().into_iter().map(|f| view! {
                                    <td class="num" data-figure=f data-label=move || figure_title(lang.get(), f)>{cell(lang.get_untracked(), &figures, f, &cur)}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                    <tr class="total" data-testid="report-total">
                        <td class="name">{move || text(lang.get(), "rep.total")}</td>
                        {total_cells.into_iter().map(|f| view! {
                            <td class="num" data-figure=f data-label=move || figure_title(lang.get(), f)>{cell(lang.get_untracked(), &dashboard.total, f, &cur)}</td>
                        }).collect_view()}
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ExportReport(query: DashboardQuery) -> impl IntoView {
    let lang = use_lang();
    let export = Action::new(move |q: &DashboardQuery| {
        let q = q.clone();
        async move { report_export(q).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            download(&file.file_name, "text/csv;charset=utf-8", &file.csv);
        }
    });
    view! {
        <button type="button" class="button secondary" data-testid="report-export" disabled=move || export.pending().get()
            on:click=move |_| { export.dispatch(query.clone()); }>{move || text(lang.get(), "rep.export")}</button>
        <ActionError error=error_of(export.value())/>
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = Memo::new(move |_| query_of(&params.get()));
    // Bumped when a target is saved, so the figures show it; the editor's state lives here so
    // that it stays open over the reload.
    let version = RwSignal::new(0_u32);
    let editing = RwSignal::new(false);
    let target_month = RwSignal::new(String::new());
    let view_data = resource(move || (query.get(), version.get()), |(q, _)| report_dashboard(q));
    view! {
        <section class="reports" data-testid="reports">
            <h1>{move || text(lang.get(), "rep.title")}</h1>
            <Transition fallback=move || view! { <p class="loading">{move || text(lang.get(), "shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let q = query.get_untracked();
                    match loaded(view_data).await {
                        None => ().into_any(),
                        Some(Err(e)) => view! {
                            <PeriodPicker query=q/>
                            <p class="form-error" data-testid="report-error">{move || e.message(lang.get())}</p>
                        }.into_any(),
                        Some(Ok(v)) => {
                            let d = v.dashboard;
                            let current = DashboardQuery { unit_id: Some(d.unit_id), ..q.clone() };
                            let path = d.path.clone();
                            let cur = d.currency.clone();
                            if target_month.get_untracked().is_empty() {
                                target_month.set(d.from_date.chars().take(7).collect());
                            }
                            view! {
                                <nav class="breadcrumbs" data-testid="report-path">
                                    {path.into_iter().map(|(id, name)| {
                                        let href = href_of(&DashboardQuery { unit_id: Some(id), ..q.clone() });
                                        view! { <A href=href>{name}</A><span class="sep">" › "</span> }
                                    }).collect_view()}
                                </nav>
                                <h2 data-testid="report-unit">{d.unit_name.clone()}" · "{d.from_date.clone()}" – "{d.to_date.clone()}</h2>
                                <PeriodPicker query=current.clone()/>
                                <div class="report-actions">
                                    {d.may_export.then(|| view! { <ExportReport query=current.clone()/> })}
                                </div>
                                <FiguresTable dashboard=d.clone() query=current.clone()/>
                                <div class="charts">
                                    {v.charts.into_iter().map(|c| view! { <ChartCard chart=c currency=cur.clone()/> }).collect_view()}
                                </div>
                                {d.may_set_targets.then(|| view! { <targets::TargetEditor unit_id=d.unit_id currency=cur.clone() month=target_month open=editing saved=version/> })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
