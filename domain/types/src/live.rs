//! What the live connection delivers.

use serde::Serialize;
use serde_json::Value;

/// An event as one person receives it over the live connection. The server holds and writes the
/// details whole (`D = Value`); a browser reads them as [`EventDetails`] ([`ReceivedEvent`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveEvent<D = Value> {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub object: String,
    pub record_id: i64,
    /// The record's name (readable by anyone who may read the record at all).
    pub title: String,
    pub actor_name: Option<String>,
    /// Whether this is also a notification for the person (the bell counts it).
    pub notify: bool,
    /// Details, with anything naming a field the person may not read removed.
    pub data: D,
}

/// A live event as a browser reads it. It is decoded in every browser's first download, so it
/// reads no `serde_json::Value`, whose dynamic JSON tree cost that download some 3 kB.
pub type ReceivedEvent = LiveEvent<EventDetails>;

/// Of an event's details, what a browser acts on: the customer the record belongs to (a
/// customer's page refreshes on news of its contracts, tickets and opportunities).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDetails {
    pub customer_id: Option<i64>,
}

// From an object only (see `wire`); keys not named here are skipped.
crate::object_decoder!(LiveEvent<EventDetails> { id, at, kind, object, record_id, title, #[default] actor_name, notify, #[default] data });
crate::object_decoder!(EventDetails { #[default] customer_id });

#[cfg(test)]
mod tests {
    use super::{EventDetails, LiveEvent, ReceivedEvent};

    fn event<D>(data: D) -> LiveEvent<D> {
        LiveEvent {
            id: 9,
            at: 1_700_000_000,
            kind: "contract.signed".into(),
            object: "contract".into(),
            record_id: 4,
            title: "北京甲公司 年度合同".into(),
            actor_name: Some("李建国".into()),
            notify: true,
            data,
        }
    }

    #[test]
    fn a_browser_reads_what_the_server_writes() {
        let sent = event(serde_json::json!({"fields": ["name"], "customer_id": 12, "nested": {"n": [1, 2.5, null]}}));
        let json = serde_json::to_string(&sent).unwrap();
        let read: ReceivedEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(read, event(EventDetails { customer_id: Some(12) }));
    }

    #[test]
    fn details_and_the_actor_may_be_missing_the_rest_may_not() {
        let mut sent = event(serde_json::json!({}));
        sent.actor_name = None;
        let json = serde_json::to_string(&sent).unwrap();
        let read: ReceivedEvent = serde_json::from_str(&json).unwrap();
        assert_eq!((read.actor_name, read.data), (None, EventDetails::default()));
        let bare = json.replace(r#""actor_name":null,"#, "").replace(r#","data":{}"#, "");
        assert!(!bare.contains("data") && !bare.contains("actor_name"), "{bare}");
        assert_eq!(serde_json::from_str::<ReceivedEvent>(&bare).unwrap().data, EventDetails::default());
        let err = serde_json::from_str::<ReceivedEvent>(r#"{"id":1}"#).unwrap_err().to_string();
        assert!(err.contains("missing field `at`"), "{err}");
    }
}
