//! The pipeline's stages, for administrators, on the opportunities page: each stage's names,
//! win probability, order and outcome, and a new stage. What the domain refuses (a code another
//! stage has, a stage holding opportunities changing its outcome) shows as a localized error and
//! changes nothing; the board reloads after a save.

use domain_types::opportunities::{Stage, StageInput};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::opportunities::words::{t, tr};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::{loaded, resource};

/// The stages when the caller is an administrator, else nothing (the editor stays hidden).
#[server(endpoint = "opportunities/stage_settings")]
pub async fn stage_settings() -> Result<Option<Vec<Stage>>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    match domain::opportunities::stages::settings(&st.db, &actor).await {
        Ok(list) => Ok(Some(list)),
        Err(domain::DomainError::Forbidden) => Ok(None),
        Err(e) => Err(domain_err(e)),
    }
}

#[server(endpoint = "opportunities/save_stage", input = Json)]
pub async fn save_stage(stage: StageInput) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::opportunities::stages::save(&st.db, &actor, &stage).await.map_err(domain_err)
}

/// "60" or "12.5" (percent) as basis points; anything else as -1, which the server refuses.
fn basis_points(text: &str) -> i64 {
    let t = text.trim().trim_end_matches('%').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) || whole.len() > 3 {
        return -1;
    }
    let whole: i64 = whole.parse().unwrap_or(-1);
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    whole * 100 + frac
}

/// Basis points as the percentage typed in the editor ("60", "12.5").
fn percent_text(bp: i64) -> String {
    crate::opportunities::words::percent(bp).trim_end_matches('%').to_string()
}

#[component]
fn StageRow(stage: Option<Stage>, save: ServerAction<SaveStage>) -> impl IntoView {
    let lang = use_lang();
    let id = stage.as_ref().map(|s| s.id);
    let code = RwSignal::new(stage.as_ref().map(|s| s.code.clone()).unwrap_or_default());
    let name_zh = RwSignal::new(stage.as_ref().map(|s| s.name_zh.clone()).unwrap_or_default());
    let name_en = RwSignal::new(stage.as_ref().map(|s| s.name_en.clone()).unwrap_or_default());
    let probability = RwSignal::new(stage.as_ref().map(|s| percent_text(s.probability_bp)).unwrap_or_default());
    let position = RwSignal::new(stage.as_ref().map(|s| s.position.to_string()).unwrap_or_default());
    let outcome = RwSignal::new(stage.as_ref().map(|s| s.outcome.clone()).unwrap_or_else(|| "open".into()));
    let send = move |_| {
        save.dispatch(SaveStage {
            stage: StageInput {
                id,
                code: code.get_untracked(),
                name_zh: name_zh.get_untracked(),
                name_en: name_en.get_untracked(),
                probability_bp: basis_points(&probability.get_untracked()),
                position: position.get_untracked().trim().parse().unwrap_or(0),
                outcome: outcome.get_untracked(),
            },
        });
    };
    view! {
        <tr data-testid=if id.is_some() { "stage-row" } else { "stage-new" } data-code=stage.as_ref().map(|s| s.code.clone())>
            <td data-label=move || t(lang.get(), "pipe.stage_code")><input type="text" size="10" data-testid="stage-code" bind:value=code/></td>
            <td data-label=move || t(lang.get(), "pipe.stage_zh")><input type="text" size="8" data-testid="stage-name-zh" bind:value=name_zh/></td>
            <td data-label=move || t(lang.get(), "pipe.stage_en")><input type="text" size="12" data-testid="stage-name-en" bind:value=name_en/></td>
            <td data-label=move || t(lang.get(), "pipe.stage_probability")><input type="text" size="4" inputmode="decimal" data-testid="stage-percent" bind:value=probability/></td>
            <td data-label=move || t(lang.get(), "pipe.stage_position")><input type="number" data-testid="stage-position" bind:value=position/></td>
            <td data-label=move || t(lang.get(), "pipe.stage_outcome")>
                <select data-testid="stage-outcome" bind:value=outcome>
                    <option value="open">{tr("pipe.outcome_open")}</option>
                    <option value="won">{tr("pipe.outcome_won")}</option>
                    <option value="lost">{tr("pipe.outcome_lost")}</option>
                </select>
            </td>
            <td>
                <button type="button" class="secondary" data-testid="stage-save" disabled=move || save.pending().get() on:click=send>
                    {if id.is_some() { tr("pipe.stage_save") } else { tr("pipe.stage_add") }}
                </button>
            </td>
        </tr>
    }
}

/// The stage settings, folded away, for administrators only.
#[component]
pub fn StageEditor(#[prop(into)] saved: Callback<()>) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let stages = resource(move || tick.get(), |_| stage_settings());
    let save = ServerAction::<SaveStage>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            tick.update(|n| *n += 1);
            saved.run(());
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match loaded(stages).await {
                    Some(Ok(Some(list))) => view! {
                        <details class="card stage-settings" data-testid="stage-settings">
                            <summary>{tr("pipe.stages")}</summary>
                            <table class="records">
                                <thead><tr>
                                    <th>{tr("pipe.stage_code")}</th><th>{tr("pipe.stage_zh")}</th><th>{tr("pipe.stage_en")}</th>
                                    <th>{tr("pipe.stage_probability")}</th><th>{tr("pipe.stage_position")}</th><th>{tr("pipe.stage_outcome")}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! { <StageRow stage=Some(s) save/> }).collect_view()}
                                    <StageRow stage=None save/>
                                </tbody>
                            </table>
                            <ActionError error=error_of(save.value())/>
                        </details>
                    }
                    .into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_basis_points() {
        assert_eq!(basis_points("60"), 6_000);
        assert_eq!(basis_points(" 12.5 % "), 1_250);
        assert_eq!(basis_points("0.05"), 5);
        assert_eq!(basis_points("100"), 10_000);
        for bad in ["", "abc", "1.234", "-5", "5000"] {
            assert_eq!(basis_points(bad), -1, "{bad}");
        }
        assert_eq!(percent_text(6_000), "60");
        assert_eq!(percent_text(1_250), "12.5");
    }
}
