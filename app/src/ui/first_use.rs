//! A part of a page whose code is fetched the first time it is shown.
//!
//! Most visits never open the bulk actions, the further filters, the bell's panel or the new
//! customer form, so each of those parts is a `#[lazy]` function, split into its own chunk. They
//! all show the same way: while a condition holds, wait for the part's code, then show it.
//! [`OnFirstUse`] is that once, for every such part, and takes the part type-erased, so the first
//! download holds one copy of the show-and-wait machinery rather than one per part.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

/// The view of a part, once its code has arrived.
type Arriving = Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// What starts fetching a part: a call of its `#[lazy]` function.
#[derive(Clone)]
pub struct Part(Arc<dyn Fn() -> Arriving + Send + Sync>);

impl<F, Fut> From<F> for Part
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AnyView> + Send + 'static,
{
    fn from(fetch: F) -> Self {
        Part(Arc::new(move || Box::pin(fetch())))
    }
}

/// Shows `part` while `when` holds; the first time, `fallback` stands in until its code arrives.
#[component]
pub fn OnFirstUse(
    #[prop(into)] when: Signal<bool>,
    #[prop(into)] part: Part,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    view! {
        <Show when=move || when.get()>
            {
                let (part, fallback) = (part.clone(), fallback.clone());
                view! { <Suspense fallback=move || fallback.run()>{Suspend::new((part.0)())}</Suspense> }
            }
        </Show>
    }
}
