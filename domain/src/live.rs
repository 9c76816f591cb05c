//! What each connected person receives of an event: nothing unless they may read the record it is
//! about, and never the names or values of fields they may not read. The live hub (in the server)
//! asks this module for every event and every connection; it decides nothing itself.

use serde_json::{Map, Value};

use crate::events::{self, Event};
use crate::objects::{Action, ObjectType};
use crate::policy::snapshot::{RecordFacts, Snapshot};

pub use domain_types::live::LiveEvent;

/// What the hub must do about an event besides delivering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Deliver it to whoever may read its record.
    Deliver,
    /// Reload the policy snapshot before the next event.
    ReloadPolicy,
    /// Close the connections of this user (of one session only, when named).
    EndSessions { user: i64, session: Option<String> },
}

pub fn effect_of(e: &Event) -> Effect {
    match e.kind.as_str() {
        events::POLICY_CHANGED => Effect::ReloadPolicy,
        events::SESSIONS_ENDED => Effect::EndSessions {
            user: e.target_user_id.unwrap_or(0),
            session: e.payload.get("session").and_then(|s| s.as_str()).map(String::from),
        },
        _ => Effect::Deliver,
    }
}

/// Removes what names fields the person may not read: entries of a "fields" list, and keys that
/// are fields of the record type.
fn strip(snapshot_actor: &crate::policy::Actor, object: ObjectType, data: &Value) -> Value {
    let Value::Object(map) = data else { return Value::Object(Map::new()) };
    let table = crate::records::table_of(object);
    // Money of a receivable told on its contract (a receipt) follows the receivable's rights.
    let also = map.contains_key("receivable_id").then(|| (ObjectType::Receivable, crate::records::table_of(ObjectType::Receivable))).and_then(|(o, t)| t.map(|t| (o, t)));
    let mut out = Map::new();
    for (k, v) in map {
        if k == "fields" {
            let kept: Vec<Value> = v
                .as_array()
                .map(|a| a.iter().filter(|f| f.as_str().is_some_and(|f| snapshot_actor.fields.can_read(object, f))).cloned().collect())
                .unwrap_or_default();
            out.insert(k.clone(), Value::Array(kept));
        } else if table.and_then(|t| t.field(k)).is_some() && !snapshot_actor.fields.can_read(object, k) {
            continue;
        } else if also.is_some_and(|(o, t)| t.field(k).is_some() && !snapshot_actor.fields.can_read(o, k)) {
            continue;
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// The event as `user` receives it, or None when they may not see it.
///
/// `facts` are the record's current facts (None when it no longer exists), `notified` whether the
/// user was told about it (a notification row exists and they want the group), `title` the
/// record's name.
pub fn for_user(snapshot: &Snapshot, user: i64, e: &Event, facts: Option<&RecordFacts>, notified: bool, title: &str, now: i64) -> Option<LiveEvent> {
    if effect_of(e) != Effect::Deliver {
        return None;
    }
    let object = ObjectType::parse(&e.object)?;
    let facts = facts?;
    // An approval event addressed to someone (the approver asked or reminded, the submitter told
    // of the outcome) reaches them: the approval reach lets them read the document now, which
    // the in-memory snapshot does not track.
    let addressed = e.kind.starts_with("approval.") && e.target_user_id == Some(user);
    if !addressed && !snapshot.allows(user, object, Action::Read, facts, now) {
        return None;
    }
    // A mention is for the mentioned person only.
    if e.kind == "mention" && e.target_user_id != Some(user) {
        return None;
    }
    let actor = snapshot.actor(user)?;
    let data = strip(&actor, object, &e.payload);
    // A change to fields the person may not read is no news to them.
    if e.payload.get("fields").and_then(|f| f.as_array()).is_some_and(|f| !f.is_empty())
        && data.get("fields").and_then(|f| f.as_array()).is_some_and(|f| f.is_empty())
    {
        return None;
    }
    Some(LiveEvent {
        id: e.id,
        at: e.at,
        kind: e.kind.clone(),
        object: e.object.clone(),
        record_id: e.record_id,
        title: title.to_string(),
        actor_name: e.actor_name.clone(),
        notify: notified,
        data,
    })
}
