//! What the live connection delivers.

use serde::Serialize;
use serde_json::Value;

/// An event as one person receives it over the live connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveEvent {
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
    pub data: Value,
}

// Decoded in every browser's first download: from an object only (see `wire`).
crate::object_decoder!(LiveEvent { id, at, kind, object, record_id, title, #[default] actor_name, notify, data });

#[cfg(test)]
mod tests {
    use super::LiveEvent;

    #[test]
    fn an_event_reads_back_what_the_server_writes() {
        let event = LiveEvent {
            id: 9,
            at: 1_700_000_000,
            kind: "customer.updated".into(),
            object: "customer".into(),
            record_id: 4,
            title: "北京甲公司".into(),
            actor_name: None,
            notify: true,
            data: serde_json::json!({"fields": ["name"], "nested": {"n": 1}}),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<LiveEvent>(&json).unwrap(), event);
        let without_actor = json.replace(r#""actor_name":null,"#, "");
        assert_eq!(serde_json::from_str::<LiveEvent>(&without_actor).unwrap(), event);
        assert!(serde_json::from_str::<LiveEvent>(r#"{"id":1}"#).is_err());
    }
}
