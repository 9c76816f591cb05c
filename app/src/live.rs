//! The live connection in the browser: one websocket per tab to `/api/live`, which the server
//! feeds with the events this user may see. It remembers the last event id and, after any drop
//! (network, server restart, a phone waking up), reconnects with back-off and receives what it
//! missed. Pages read the newest event from context to update themselves; the bell counts
//! notifications.

use leptos::prelude::*;

/// An event as this browser reads it (the server removed the fields the user may not read).
pub use domain_types::live::ReceivedEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Live,
    Reconnecting,
}

/// The live state shared through context.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<Status>,
    /// The newest event received.
    pub last: RwSignal<Option<ReceivedEvent>>,
    /// Bumped when the server says too much was missed: pages reload their data.
    pub reset: RwSignal<u32>,
    /// Unread notifications (the bell).
    pub unread: RwSignal<i64>,
    /// Recent notifications shown briefly as toasts.
    pub toasts: RwSignal<Vec<ReceivedEvent>>,
}

pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

/// Provides the live state and, in the browser, opens the connection.
pub fn provide_live() -> Live {
    let live = Live {
        status: RwSignal::new(Status::Connecting),
        last: RwSignal::new(None),
        reset: RwSignal::new(0),
        unread: RwSignal::new(0),
        toasts: RwSignal::new(vec![]),
    };
    provide_context(live);
    // Not a lazily loaded chunk: measured as one, the socket's code (about 9 kB with the small
    // chunks it shares) came right after the first page anyway, over more round trips, and slowed
    // the next navigation on a phone by some 0.2 s.
    #[cfg(not(feature = "ssr"))]
    browser::start(live);
    live
}

impl Status {
    /// The state in the page's markup (`data-live`), for tests and styles.
    pub fn code(self) -> &'static str {
        match self {
            Status::Connecting => "connecting",
            Status::Live => "live",
            Status::Reconnecting => "reconnecting",
        }
    }
}

/// The page of a record, for links from events and notifications.
pub fn record_href(object: &str, id: i64) -> Option<String> {
    match object {
        "customer" => Some(format!("/customers/{id}")),
        "task" => Some(format!("/tasks/{id}")),
        "lead" => Some(format!("/leads/{id}")),
        "contract" => Some(format!("/contracts/{id}")),
        "ticket" => Some(format!("/tickets/{id}")),
        "opportunity" => Some("/opportunities".to_string()),
        _ => None,
    }
}

/// The text key describing an event kind.
pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        "customer.assign" | "record.transfer" => "ev.assigned",
        "lead.assign" => "ev.lead_assigned",
        "pool.release" => "ev.released",
        "pool.recycle" => "ev.recycled",
        "pool.recycle_reminder" => "ev.recycle_reminder",
        "pool.claim" => "ev.claimed",
        "customer.follow_up" | "lead.follow_up" => "ev.follow_up",
        "customer.update" => "ev.updated",
        "customer.note" => "ev.note",
        "customer.assessment" => "ev.assessment",
        "customer.contact" => "ev.contact",
        "customer.create" => "ev.created",
        "lead.convert" => "ev.lead_converted",
        "lead.disqualify" => "ev.lead_disqualified",
        "task.assigned" => "ev.task_assigned",
        "task.done" => "ev.task_done",
        "task.due" => "ev.task_due",
        "task.updated" => "ev.task_updated",
        "comment.created" => "ev.comment",
        "mention" => "ev.mention",
        "share.granted" => "ev.shared",
        "approval.waiting" => "ev.approval_waiting",
        "approval.reminder" => "ev.approval_reminder",
        "approval.escalated" => "ev.approval_escalated",
        "approval.decided" => "ev.approval_decided",
        "approval.finished" => "ev.approval_finished",
        "contract.signed" => "ev.contract_signed",
        "receipt.recorded" => "ev.receipt_recorded",
        "receipt.reversed" => "ev.receipt_reversed",
        "receivable.overdue" => "ev.receivable_overdue",
        "invoice.requested" => "ev.invoice_requested",
        "invoice.issued" => "ev.invoice_issued",
        "invoice.rejected" => "ev.invoice_rejected",
        "ticket.assigned" => "ev.ticket_assigned",
        "ticket.updated" => "ev.ticket_updated",
        "ticket.sla_breached" => "ev.ticket_sla_breached",
        _ => "ev.other",
    }
}

#[cfg(not(feature = "ssr"))]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, WebSocket};

    use super::{Live, ReceivedEvent, Status};

    struct Conn {
        live: Live,
        /// The last event id seen; sent on reconnect.
        cursor: Cell<Option<i64>>,
        attempt: Cell<u32>,
        socket: std::cell::RefCell<Option<WebSocket>>,
        /// A reconnect is scheduled or under way.
        pending: Cell<bool>,
    }

    pub fn start(live: Live) {
        let conn = Rc::new(Conn { live, cursor: Cell::new(None), attempt: Cell::new(0), socket: Default::default(), pending: Cell::new(false) });
        open(conn.clone());
        // A phone waking up or the network coming back: reconnect now rather than after back-off.
        let wake = {
            let conn = conn.clone();
            Closure::<dyn FnMut()>::new(move || {
                let open_now = conn.socket.borrow().as_ref().is_none_or(|s| s.ready_state() > WebSocket::OPEN);
                if open_now && document().visibility_state() == web_sys::VisibilityState::Visible {
                    conn.attempt.set(0);
                    open(conn.clone());
                }
            })
        };
        let _ = document().add_event_listener_with_callback("visibilitychange", wake.as_ref().unchecked_ref());
        let _ = window().add_event_listener_with_callback("online", wake.as_ref().unchecked_ref());
        wake.forget();
    }

    fn url(cursor: Option<i64>) -> String {
        let loc = window().location();
        let scheme = if loc.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
        let host = loc.host().unwrap_or_default();
        match cursor {
            Some(c) => format!("{scheme}://{host}/api/live?after={c}"),
            None => format!("{scheme}://{host}/api/live"),
        }
    }

    fn open(conn: Rc<Conn>) {
        if let Some(old) = conn.socket.borrow_mut().take() {
            old.set_onclose(None);
            let _ = old.close();
        }
        conn.pending.set(false);
        let Ok(socket) = WebSocket::new(&url(conn.cursor.get())) else {
            schedule(conn);
            return;
        };
        let on_message = {
            let conn = conn.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    receive(&conn, &text);
                }
            })
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_close = {
            let conn = conn.clone();
            Closure::<dyn FnMut()>::new(move || {
                conn.live.status.set(Status::Reconnecting);
                schedule(conn.clone());
            })
        };
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
        *conn.socket.borrow_mut() = Some(socket);
    }

    /// Reconnects after 1, 2, 4 … up to 30 seconds, with some jitter so a restarted server is not
    /// hit by every tab at once.
    fn schedule(conn: Rc<Conn>) {
        if conn.pending.replace(true) {
            return;
        }
        let attempt = conn.attempt.get();
        conn.attempt.set(attempt.saturating_add(1));
        let base = (1000u32 << attempt.min(5)).min(30_000) as f64;
        let delay = base * (0.75 + js_sys::Math::random() * 0.5);
        let retry = Closure::once(move || open(conn));
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(retry.as_ref().unchecked_ref(), delay as i32);
        retry.forget();
    }

    /// One message of the socket: `{"type": "hello" | "reset", "last_id": n}` or
    /// `{"type": "event", "event": {..}}`. Read into a plain struct rather than a
    /// `serde_json::Value`, which would pull the whole dynamic JSON tree into the first download.
    struct Message {
        kind: String,
        last_id: Option<i64>,
        event: Option<ReceivedEvent>,
    }
    domain_types::object_decoder!(Message { kind = "type", #[default] last_id, #[default] event });

    fn receive(conn: &Conn, text: &str) {
        let Ok(msg) = serde_json::from_slice::<Message>(text.as_bytes()) else { return };
        let live = conn.live;
        match msg.kind.as_str() {
            "hello" => {
                conn.attempt.set(0);
                if let Some(last) = msg.last_id {
                    conn.cursor.set(Some(conn.cursor.get().map_or(last, |c| c.max(last))));
                }
                live.status.set(Status::Live);
            }
            "reset" => {
                conn.cursor.set(msg.last_id);
                live.reset.update(|n| *n += 1);
            }
            "event" => {
                let Some(event) = msg.event else { return };
                conn.cursor.set(Some(event.id));
                if event.notify {
                    live.unread.update(|n| *n += 1);
                    let shown = event.clone();
                    live.toasts.update(|t| {
                        t.push(shown);
                        if t.len() > 3 {
                            t.remove(0);
                        }
                    });
                    let id = event.id;
                    set_timeout(move || live.toasts.update(|t| t.retain(|e| e.id != id)), std::time::Duration::from_secs(8));
                }
                live.last.set(Some(event));
            }
            _ => {}
        }
    }
}
