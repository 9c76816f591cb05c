//! Tag suggestions for the customer list's tag inputs.

use leptos::prelude::*;

/// The tags in use, as suggestions for an input with `list=id`. Each of the two inputs that use
/// them (the tag filter, the bulk tagging) brings its own inside its lazily fetched part.
pub fn tag_choices(id: &'static str, tags: &[String]) -> impl IntoView {
    view! {
        <datalist id=id>
            {tags.iter().map(|t| view! { <option value=t.clone()></option> }).collect_view()}
        </datalist>
    }
}
