//! Awaiting a resource from a `Suspend` that may outlive it. A card inside a list that reloads can
//! be dropped while its own reload is still queued; awaiting its disposed resource then panics in
//! `reactive_graph`. `loaded` answers `None` instead, and the caller renders nothing (the view is
//! being thrown away anyway).

use leptos::prelude::*;
use leptos::server::Resource;

/// The resource's value once loaded, or `None` when its owner is already gone.
pub async fn loaded<T>(resource: Resource<T>) -> Option<T>
where
    T: Clone + Send + Sync + 'static,
{
    // The check and the subscription happen in the same poll, so nothing can dispose in between.
    if resource.is_disposed() {
        return None;
    }
    Some(resource.await)
}
