//! Each unit's grade of the customer side by side: sales and service may disagree, and each unit's
//! grades are kept, signed and dated, never overwritten. The user grades for their own unit.

use domain_types::customers::Assessment;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::ui::format::format_day;

/// One unit's grades; the domain's UnitAssessments under the names the grades view uses (`unit`
/// for the unit's name, no id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitGradesDto {
    pub unit: String,
    pub current: Assessment,
    pub earlier: Vec<Assessment>,
}

#[server(endpoint = "customers/assess")]
pub async fn assess_customer(id: i64, grade: String, comment: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::assessments::assess(&st.db, &actor, id, &grade, &comment).await.map_err(domain_err)
}

/// Each unit's grade of the customer side by side; the user grades for their own unit.
#[component]
pub fn Grades(id: i64, grades: Vec<UnitGradesDto>, my_unit: String, assess: ServerAction<AssessCustomer>) -> impl IntoView {
    let lang = use_lang();
    let grade = RwSignal::new("B".to_string());
    let comment = RwSignal::new(String::new());
    let none = grades.is_empty();
    view! {
        <div class="card">
            <h2>{tr("grade.title")}</h2>
            <Show when=move || none><p class="empty">{tr("grade.none")}</p></Show>
            <div class="grades" data-testid="grades">
                {grades.into_iter().map(|u| view! {
                    <div class="grade" data-testid="grade" data-unit=u.unit.clone()>
                        <div class="grade-head"><span class="grade-letter">{u.current.grade.clone()}</span><strong>{u.unit.clone()}</strong></div>
                        <p>{u.current.comment.clone()}</p>
                        <p class="muted small">{u.current.author.clone()}" · "{format_day(u.current.at)}</p>
                        {(!u.earlier.is_empty()).then(|| view! {
                            <details class="small">
                                <summary>{move || t(lang.get(), "grade.earlier")}</summary>
                                <ul>
                                    {u.earlier.iter().map(|g| view! { <li>{g.grade.clone()}" · "{g.author.clone()}" · "{format_day(g.at)}" "{g.comment.clone()}</li> }).collect_view()}
                                </ul>
                            </details>
                        })}
                    </div>
                }).collect_view()}
            </div>
            <form class="inline" data-testid="grade-form" on:submit=move |ev| {
                ev.prevent_default();
                assess.dispatch(AssessCustomer { id, grade: grade.get_untracked(), comment: comment.get_untracked() });
                comment.set(String::new());
            }>
                <span class="muted small">{move || t(lang.get(), "grade.for").replace("{unit}", &my_unit)}</span>
                <select bind:value=grade data-testid="grade-value">
                    {["A", "B", "C", "D"].into_iter().map(|g| view! { <option value=g>{g}</option> }).collect_view()}
                </select>
                <input bind:value=comment placeholder=move || t(lang.get(), "grade.comment") data-testid="grade-comment"/>
                <button type="submit" class="secondary" data-testid="grade-submit">{tr("grade.add")}</button>
            </form>
        </div>
    }
}
