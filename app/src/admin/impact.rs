//! The impact preview shown before a role edit, a unit move or a user's change is saved: who
//! gains or loses read access to how many records of each type, with examples.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::admin::vocab::object_key;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};

/// An impact preview, ready to show: object types as text codes, examples as (user, record, gains).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactDto {
    pub users_considered: usize,
    pub lines: Vec<ImpactLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactLine {
    pub object: String,
    pub users_gaining: usize,
    pub users_losing: usize,
    pub records_gained: usize,
    pub records_lost: usize,
    pub examples: Vec<(String, String, bool)>,
}

#[cfg(feature = "ssr")]
pub fn impact_dto(i: domain::impact::Impact) -> ImpactDto {
    ImpactDto {
        users_considered: i.users_considered,
        lines: i
            .objects
            .into_iter()
            .map(|o| ImpactLine {
                object: o.object.as_str().to_string(),
                users_gaining: o.users_gaining,
                users_losing: o.users_losing,
                records_gained: o.records_gained,
                records_lost: o.records_lost,
                examples: o.examples.into_iter().map(|e| (e.user_name, e.record_name, e.gains)).collect(),
            })
            .collect(),
    }
}

#[component]
pub fn ImpactView(impact: ImpactDto) -> impl IntoView {
    let lang = use_lang();
    let n = impact.users_considered;
    view! {
        <div class="impact" data-testid="impact">
            <h3>{tr("admin.impact")}</h3>
            <p class="muted">{move || t(lang.get(), "admin.impact_users").replace("{n}", &n.to_string())}</p>
            {impact
                .lines
                .into_iter()
                .map(|l| {
                    let examples = l.examples.clone();
                    let obj_key: &'static str = object_key(&l.object);
                    view! {
                        <p class="impact-line">
                            {move || {
                                t(lang.get(), "admin.impact_line")
                                    .replace("{obj}", t(lang.get(), obj_key))
                                    .replace("{gain}", &l.users_gaining.to_string())
                                    .replace("{gained}", &l.records_gained.to_string())
                                    .replace("{lose}", &l.users_losing.to_string())
                                    .replace("{lost}", &l.records_lost.to_string())
                            }}
                        </p>
                        <ul class="examples">
                            {examples
                                .into_iter()
                                .map(|(user, record, gains)| {
                                    view! {
                                        <li class:gain=gains class:loss=!gains>
                                            {user}" "
                                            {move || if gains { t(lang.get(), "admin.gains") } else { t(lang.get(), "admin.loses") }}
                                            " "{record}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
        </div>
    }
}
