//! `/leads/campaigns`: campaigns (市场活动) with their channel and cost, and what each channel
//! brought — leads, conversions, won deals, receipts — over what the reader may read, as a table
//! and a chart drawn on the server. A lead's campaign is set on the lead's page
//! (`super::lead_campaign`). The rules are in `domain::marketing::campaigns`.

use domain_types::marketing::{CampaignRow, ChannelFigures, CHANNELS};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use super::words::{channel_title, text};
use crate::reports::chart::Chart;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_money;
use crate::ui::loading::{loaded, resource};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignsData {
    pub campaigns: Vec<CampaignRow>,
    pub channels: Vec<ChannelFigures>,
    pub chart: Chart,
    pub may_create: bool,
}

#[server(endpoint = "campaigns/list")]
pub async fn campaigns_view() -> Result<CampaignsData, AppError> {
    use crate::server::{actor, domain_err};
    use domain::marketing::campaigns;
    let lang = crate::i18n::request_lang(&use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default());
    let (st, actor) = actor().await?;
    let list = campaigns::list(&st.db, &actor).await.map_err(domain_err)?;
    let channels = campaigns::effectiveness(&st.db, &actor, "").await.map_err(domain_err)?;
    let mut chart = Chart {
        key: "channels".into(),
        title: text(lang, "cmp.effect").to_string(),
        money: false,
        series: vec![text(lang, "cmp.leads").to_string(), text(lang, "cmp.converted").to_string()],
        rows: channels.iter().filter(|c| c.leads > 0 || c.campaigns > 0).map(|c| (channel_title(lang, &c.channel).to_string(), vec![Some(c.leads), Some(c.converted)])).collect(),
        svg: String::new(),
    };
    crate::reports::chart::draw(&mut chart, lang == crate::i18n::Lang::Zh);
    Ok(CampaignsData { campaigns: list, channels, chart, may_create: actor.may_create(domain::roles::ObjectType::Lead) })
}

/// Creates a campaign in the creator's own unit; the cost as typed (major units).
#[server(endpoint = "campaigns/create", input = Json)]
pub async fn create_campaign(name: String, channel: String, cost: String, starts_on: String, ends_on: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let cost_minor = domain::opportunities::parse_major_units(&cost).map_err(domain_err)?;
    let input = domain_types::marketing::CampaignInput { name, channel, cost_minor, currency: String::new(), unit_id: None, starts_on, ends_on };
    domain::marketing::campaigns::create(&st.db, &actor, &input).await.map_err(domain_err)
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCampaign>::new();
    let data = resource(move || create.version().get(), |_| campaigns_view());
    let (name, channel, cost, starts, ends) = (RwSignal::new(String::new()), RwSignal::new("exhibition".to_string()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    view! {
        <section class="campaigns" data-testid="campaigns">
            <div class="page-head"><h1>{move || text(lang.get(), "cmp.title")}</h1></div>
            <Transition fallback=move || view! { <p class="loading">{move || text(lang.get(), "shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let v = match loaded(data).await {
                        Some(Ok(v)) => v,
                        Some(Err(e)) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        None => return ().into_any(),
                    };
                    let may_create = v.may_create;
                    view! {
                        <h2>{move || text(lang.get(), "cmp.effect")}</h2>
                        <div class="table-scroll">
                            <table class="records" data-testid="channel-table">
                                <thead><tr>
                                    <th>{move || text(lang.get(), "cmp.channel")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.campaigns")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.cost")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.leads")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.converted")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.cost_per_lead")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.deals")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.won")}</th>
                                    <th class="num">{move || text(lang.get(), "cmp.received")}</th>
                                </tr></thead>
                                <tbody>
                                    {v.channels.into_iter().map(|c| {
                                        let ch = c.channel.clone();
                                        let dash = || "—".to_string();
                                        let per_lead = if c.leads > 0 { format_money(c.cost_minor / c.leads, "CNY") } else { dash() };
                                        view! {
                                            <tr data-testid="channel-row" data-channel=c.channel.clone()>
                                                <td class="name">{move || channel_title(lang.get(), &ch)}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.campaigns")>{c.campaigns}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.cost")>{format_money(c.cost_minor, "CNY")}</td>
                                                <td class="num" data-testid="channel-leads" data-label=move || text(lang.get(), "cmp.leads")>{c.leads}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.converted")>{c.converted}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.cost_per_lead")>{per_lead}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.deals")>{c.deals_won.map(|n| n.to_string()).unwrap_or_else(dash)}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.won")>{c.won_minor.map(|m| format_money(m, "CNY")).unwrap_or_else(dash)}</td>
                                                <td class="num" data-label=move || text(lang.get(), "cmp.received")>{c.received_minor.map(|m| format_money(m, "CNY")).unwrap_or_else(dash)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(!v.chart.svg.is_empty()).then(|| view! { <figure class="chart-card" data-testid="channel-chart"><div class="chart-svg" inner_html=v.chart.svg.clone()></div></figure> })}
                        <h2>{move || text(lang.get(), "cmp.title")}</h2>
                        {if v.campaigns.is_empty() {
                            view! { <p class="muted">{move || text(lang.get(), "cmp.none")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="records" data-testid="campaign-table">
                                    <thead><tr>
                                        <th>{move || text(lang.get(), "cmp.name")}</th><th>{move || text(lang.get(), "cmp.channel")}</th>
                                        <th class="num">{move || text(lang.get(), "cmp.cost")}</th><th>{move || text(lang.get(), "cmp.unit")}</th>
                                        <th>{move || text(lang.get(), "cmp.dates")}</th><th class="num">{move || text(lang.get(), "cmp.leads")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.campaigns.into_iter().map(|c| {
                                            let ch = c.channel.clone();
                                            view! {
                                                <tr data-testid="campaign-row">
                                                    <td class="name">{c.name.clone()}</td>
                                                    <td data-label=move || text(lang.get(), "cmp.channel")>{move || channel_title(lang.get(), &ch)}</td>
                                                    <td class="num" data-label=move || text(lang.get(), "cmp.cost")>{format_money(c.cost_minor, &c.currency)}</td>
                                                    <td data-label=move || text(lang.get(), "cmp.unit")>{c.unit_name.clone()}</td>
                                                    <td data-label=move || text(lang.get(), "cmp.dates")>{format!("{} – {}", c.starts_on, c.ends_on)}</td>
                                                    <td class="num" data-label=move || text(lang.get(), "cmp.leads")>{c.leads}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <Show when=move || may_create>
                            <h2>{move || text(lang.get(), "cmp.new")}</h2>
                            <form class="inline-form" data-testid="campaign-form" on:submit=move |ev| {
                                ev.prevent_default();
                                create.dispatch(CreateCampaign { name: name.get_untracked(), channel: channel.get_untracked(), cost: cost.get_untracked(), starts_on: starts.get_untracked(), ends_on: ends.get_untracked() });
                            }>
                                <label><span>{move || text(lang.get(), "cmp.name")}</span><input type="text" required data-testid="campaign-name" bind:value=name/></label>
                                <label><span>{move || text(lang.get(), "cmp.channel")}</span>
                                    <select data-testid="campaign-channel" bind:value=channel>
                                        {CHANNELS.iter().map(|c| view! { <option value=*c>{move || channel_title(lang.get(), c)}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label><span>{move || text(lang.get(), "cmp.cost")}</span><input type="text" inputmode="decimal" data-testid="campaign-cost" bind:value=cost/></label>
                                <label><span>{move || text(lang.get(), "cmp.starts")}</span><input type="date" data-testid="campaign-starts" bind:value=starts/></label>
                                <label><span>{move || text(lang.get(), "cmp.ends")}</span><input type="date" data-testid="campaign-ends" bind:value=ends/></label>
                                <button type="submit" class="primary" data-testid="campaign-create" disabled=move || create.pending().get()>{move || text(lang.get(), "cmp.create")}</button>
                            </form>
                        </Show>
                    }.into_any()
                })}
            </Transition>
            <ActionError error=error_of(create.value())/>
        </section>
    }
}
