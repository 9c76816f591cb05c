//! A module's page, and the guard that keeps areas closed to users whose roles do not open them
//! (also when they type the address). The server functions behind each page check again.

use leptos::prelude::*;

use crate::auth::Area;
use crate::i18n::tr;
use crate::layout::use_me;

/// Whether the signed-in user may open `area`. The layout renders pages only after the user has
/// loaded, so this reads the loaded value without waiting (and hydrates without a mismatch).
fn may_open(area: Area) -> bool {
    use_me().get_untracked().and_then(|r| r.ok()).map(|m| m.may_open(area)).unwrap_or(false)
}

#[component]
fn Forbidden() -> impl IntoView {
    view! {
        <section class="forbidden" data-testid="forbidden">
            <h1>{tr("forbidden.title")}</h1>
            <p>{tr("err.forbidden")}</p>
        </section>
    }
}

/// Shows its children only to users whose roles open the area; others see "no access".
#[component]
pub fn Guarded(area: Area, children: ChildrenFn) -> impl IntoView {
    if may_open(area) {
        children().into_any()
    } else {
        view! { <Forbidden/> }.into_any()
    }
}
