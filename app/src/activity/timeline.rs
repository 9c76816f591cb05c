//! The timeline of everything that happened to a customer: creation, pool moves, contacts and
//! follow-ups, newest first.

use domain_types::activity::TimelineEntry;
use leptos::prelude::*;

use crate::i18n::use_lang;
use crate::activity::words::{t, tr};
use crate::ui::format::format_utc;

/// The text key of a timeline entry's kind (follow-ups as "follow_up:<kind>").
pub fn timeline_key(kind: &str) -> &'static str {
    match kind {
        "follow_up:call" => "fu.call",
        "follow_up:visit" => "fu.visit",
        "follow_up:email" => "fu.email",
        "follow_up:message" => "fu.message",
        "create" => "tl.create",
        "claim" => "tl.claim",
        "release" => "tl.release",
        "recycle" => "tl.recycle",
        "recycle_reminder" => "tl.recycle_reminder",
        "assign" => "tl.assign",
        "pool_enter" => "tl.pool_enter",
        _ => "tl.contact_added",
    }
}

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{tr("fu.title")}</h2>
        <ol class="timeline" data-testid="timeline">
            {entries.into_iter().map(|e| {
                let key = timeline_key(&e.kind);
                view! {
                    <li data-kind=e.kind.clone()>
                        <span class="muted small">{format_utc(e.at)}" · "{e.who.clone()}</span>
                        <span class="badge">{move || t(lang.get(), key)}</span>
                        <p>{e.text.clone()}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
