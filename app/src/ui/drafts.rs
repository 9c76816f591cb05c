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
    /// The date typed for "as of", and the one last asked for (shown again after a reload).
    pub as_of_typed: RwSignal<String>,
    pub as_of_asked: RwSignal<Option<String>>,
}

impl Drafts {
    pub fn new() -> Self {
        Self {
            follow_note: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
            editing: RwSignal::new(false),
            as_of_typed: RwSignal::new(String::new()),
            as_of_asked: RwSignal::new(None),
        }
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Self::new()
    }
}
