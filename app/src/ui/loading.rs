//! Resources as this app makes them ([`resource`]), and awaiting one from a `Suspend` that may
//! outlive it.
//!
//! A resource hands its value from the server's render to the browser as JSON. Leptos's default
//! codec decodes it from a `&str`, while server functions decode their answers from bytes; serde
//! then compiles every type that travels both ways into the browser bundle twice (once per
//! reader), and the JSON decoders are among the largest functions there. [`JsonBytes`] decodes
//! from bytes too, so each type has one decoder.
//!
//! Awaiting a resource from a `Suspend` that may outlive it. A card inside a list that reloads can
//! be dropped while its own reload is still queued; awaiting its disposed resource then panics in
//! `reactive_graph`. `loaded` answers `None` instead, and the caller renders nothing (the view is
//! being thrown away anyway).

use std::future::Future;

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON, decoded from bytes as server functions' answers are (see the module's comment).
pub struct JsonBytes;

impl<T: Serialize> Encoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A resource whose value travels as [`JsonBytes`].
pub type Resource<T> = leptos::server::Resource<T, JsonBytes>;

/// A resource: `fetcher` runs whenever `source` changes (on the server once, for the first render).
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    leptos::server::Resource::new_with_options(source, fetcher, false)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn a_resource_value_comes_back_as_it_left() {
        let values: Vec<Result<Vec<(i64, String)>, AppError>> = vec![
            Ok(vec![(1, "北京分公司 \"总部\"".into()), (2, String::new())]),
            Err(AppError::LimitReached { what: "held".into(), limit: 50 }),
        ];
        for value in values {
            let sent = <JsonBytes as Encoder<_>>::encode(&value).unwrap();
            let back: Result<Vec<(i64, String)>, AppError> = <JsonBytes as Decoder<_>>::decode(sent.as_str()).unwrap();
            assert_eq!(back, value);
        }
        assert!(<JsonBytes as Decoder<Vec<i64>>>::decode("[1,").is_err());
    }
}
