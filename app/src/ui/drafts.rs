//! What the user is typing on a page that live events reload: the page keeps it outside the part
//! that reloads and provides it through context, so a colleague's change never wipes it.

use leptos::prelude::*;

/// Drafts the customer page keeps across live reloads.
#[derive(Clone, Copy)]
pub struct Drafts {
    pub follow_note: RwSignal<String>,
    pub note: RwSignal<String>,
    /// The details form is open.
    pub editing: RwSignal<bool>,
}
