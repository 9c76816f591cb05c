//! The live hub: websocket connections of signed-in users, fed from the `events` table. One task
//! reads new events in id order (woken by PostgreSQL's NOTIFY, which carries only the id, or by a
//! short poll on SQLite) and asks the domain, per event and per connection, what that person may
//! receive. A connecting client names the last event it saw and first receives, in order, what it
//! missed and may see; nothing is lost or doubled across reconnects, restarts and instances.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::server::{AppState, CurrentSession};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, Request};
use axum::response::{IntoResponse, Response};
use domain::events::{self, Event};
use domain::live::{self, Effect};
use domain::policy::snapshot::{record_facts, Snapshot};
use domain::roles::ObjectType;
use domain::{Db, Dialect};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;

/// Events a connection may have waiting before it counts as stuck and is closed (the client then
/// reconnects and catches up from the table).
const QUEUE: usize = 256;
/// How far behind a reconnecting client may be before it is told to reload instead.
const MAX_CATCH_UP: i64 = 2_000;
const BATCH: i64 = 500;

struct Conn {
    user: i64,
    session_hash: String,
    tx: mpsc::Sender<String>,
}

struct Join {
    id: u64,
    conn: Conn,
    after: Option<i64>,
}

/// A handle to the hub; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    joins: mpsc::UnboundedSender<Join>,
    leaves: mpsc::UnboundedSender<u64>,
    next_id: Arc<AtomicU64>,
    connected: Arc<AtomicU64>,
}

impl Hub {
    /// Starts the hub's task for this database.
    pub fn start(state: AppState) -> Hub {
        let (joins, join_rx) = mpsc::unbounded_channel();
        let (leaves, leave_rx) = mpsc::unbounded_channel();
        let connected = Arc::new(AtomicU64::new(0));
        tokio::spawn(run(state, join_rx, leave_rx));
        Hub { joins, leaves, next_id: Arc::new(AtomicU64::new(1)), connected }
    }

    /// How many connections are open (for the benchmark and health).
    pub fn connections(&self) -> u64 {
        self.connected.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    /// The last event id the client saw.
    after: Option<i64>,
}

/// `GET /api/live`: upgrades a signed-in, same-origin request to the live websocket.
pub async fn connect(hub: Hub, Query(q): Query<LiveQuery>, ws: WebSocketUpgrade, req: Request) -> Response {
    let Some(session) = req.extensions().get::<CurrentSession>().cloned() else {
        return (http::StatusCode::UNAUTHORIZED, "\"Unauthenticated\"").into_response();
    };
    // Browsers always send Origin on websocket handshakes; another site's page may not listen in.
    if !crate::guard::is_same_origin(req.headers()) || req.headers().get(http::header::ORIGIN).is_none() {
        return (http::StatusCode::FORBIDDEN, "cross-site websocket refused").into_response();
    }
    // Small buffers keep an idle connection cheap; messages are small.
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| serve_socket(hub, session, q.after, socket))
}

async fn serve_socket(hub: Hub, session: CurrentSession, after: Option<i64>, socket: WebSocket) {
    let id = hub.next_id.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::channel::<String>(QUEUE);
    let conn = Conn { user: session.user.user_id, session_hash: domain::accounts::sessions::token_hash(&session.token), tx };
    if hub.joins.send(Join { id, conn, after }).is_err() {
        return;
    }
    hub.connected.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let writer = async {
        let mut ping = tokio::time::interval(Duration::from_secs(25));
        ping.tick().await;
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(text) => if sink.send(Message::Text(text.into())).await.is_err() { break },
                    // The hub dropped us: session ended or we fell too far behind.
                    None => { let _ = sink.send(Message::Close(None)).await; break }
                },
                _ = ping.tick() => if sink.send(Message::Ping(Vec::new().into())).await.is_err() { break },
            }
        }
    };
    let reader = async {
        // Clients send nothing but control frames; reading keeps pongs and close handled.
        while let Some(Ok(msg)) = stream.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    };
    tokio::select! {
        _ = writer => {},
        _ = reader => {},
    }
    let _ = hub.leaves.send(id);
    hub.connected.fetch_sub(1, Ordering::Relaxed);
}

/// What the hub task owns.
struct HubState {
    db: Db,
    conns: HashMap<u64, Conn>,
    snapshot: Snapshot,
    /// Every event up to here has been delivered to every live connection.
    last: i64,
}

async fn run(state: AppState, mut joins: mpsc::UnboundedReceiver<Join>, mut leaves: mpsc::UnboundedReceiver<u64>) {
    let db = state.db.clone();
    let mut hub = loop {
        match (Snapshot::load(&db).await, events::last_id(&db).await) {
            (Ok(snapshot), Ok(last)) => break HubState { db: db.clone(), conns: HashMap::new(), snapshot, last },
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "live hub cannot start yet");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    };
    let (wake_tx, mut wake) = mpsc::channel::<()>(1);
    if db.dialect() == Dialect::Postgres {
        tokio::spawn(listen(db.url().to_string(), wake_tx.clone()));
    }
    let mut revalidate = tokio::time::interval(Duration::from_secs(300));
    loop {
        // On SQLite (one instance, no NOTIFY) a cheap poll; on PostgreSQL NOTIFY wakes us and
        // the poll is only a safety net for a lost listener connection.
        let poll = match (db.dialect(), hub.conns.is_empty()) {
            (_, true) => Duration::from_millis(500),
            (Dialect::Sqlite, false) => Duration::from_millis(20),
            (Dialect::Postgres, false) => Duration::from_secs(2),
        };
        tokio::select! {
            Some(join) = joins.recv() => {
                hub.deliver_new().await;
                hub.join(join).await;
            }
            Some(id) = leaves.recv() => { hub.conns.remove(&id); }
            _ = wake.recv() => hub.deliver_new().await,
            _ = tokio::time::sleep(poll) => hub.deliver_new().await,
            _ = revalidate.tick() => hub.revalidate(&state).await,
        }
    }
}

/// Wakes the hub whenever an event is committed on PostgreSQL, by any instance.
async fn listen(url: String, wake: mpsc::Sender<()>) {
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(events::CHANNEL).await {
                    tracing::warn!(error = %e, "cannot listen for events");
                } else {
                    loop {
                        match listener.recv().await {
                            // The payload is the id; the table is the truth, so any wake-up will do.
                            Ok(_) => {
                                let _ = wake.try_send(());
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "event listener lost its connection");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect the event listener"),
        }
        let _ = wake.try_send(());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// An event prepared for delivery: the record's current facts, its name, who was told.
struct Prepared {
    event: Event,
    facts: Option<domain::policy::snapshot::RecordFacts>,
    title: String,
    notified: Vec<i64>,
}

impl HubState {
    async fn prepare(&self, event: Event) -> domain::DomainResult<Prepared> {
        let mut conn = self.db.pool().acquire().await?;
        let (facts, title) = match ObjectType::parse(&event.object) {
            Some(object) if object != ObjectType::Admin => {
                let facts = record_facts(&mut conn, object, event.record_id).await?;
                let title = if facts.is_some() { domain::notifications::title_of(&mut conn, object, event.record_id).await? } else { String::new() };
                (facts, title)
            }
            _ => (None, String::new()),
        };
        let mut notified = Vec::new();
        for user in events::notified(&self.db, event.id).await? {
            if domain::notifications::wants(&self.db, user, &event.kind).await? {
                notified.push(user);
            }
        }
        Ok(Prepared { event, facts, title, notified })
    }

    fn message_for(&self, user: i64, p: &Prepared) -> Option<String> {
        let now = domain::clock::now_ms();
        let m = live::for_user(&self.snapshot, user, &p.event, p.facts.as_ref(), p.notified.contains(&user), &p.title, now)?;
        serde_json::to_string(&serde_json::json!({ "type": "event", "event": m })).ok()
    }

    /// Delivers every event committed since the last round to the live connections.
    async fn deliver_new(&mut self) {
        loop {
            let batch = match events::since(&self.db, self.last, BATCH).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "reading events failed");
                    return;
                }
            };
            let full = batch.len() as i64 == BATCH;
            for event in batch {
                let id = event.id;
                match live::effect_of(&event) {
                    Effect::ReloadPolicy => match Snapshot::load(&self.db).await {
                        Ok(s) => {
                            self.snapshot = s;
                            // Disabled users lose their connections with the change.
                            let snapshot = &self.snapshot;
                            self.conns.retain(|_, c| snapshot.knows(c.user));
                        }
                        Err(e) => tracing::warn!(error = %e, "reloading the live policy failed"),
                    },
                    Effect::EndSessions { user, session } => {
                        self.conns.retain(|_, c| !(c.user == user && session.as_ref().is_none_or(|s| *s == c.session_hash)));
                    }
                    Effect::Deliver if !self.conns.is_empty() => match self.prepare(event).await {
                        Ok(p) => {
                            let mut stuck = Vec::new();
                            for (cid, c) in &self.conns {
                                if let Some(text) = self.message_for(c.user, &p) {
                                    if c.tx.try_send(text).is_err() {
                                        stuck.push(*cid);
                                    }
                                }
                            }
                            for cid in stuck {
                                self.conns.remove(&cid);
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, event = id, "preparing an event failed"),
                    },
                    Effect::Deliver => {}
                }
                self.last = id;
            }
            if !full {
                return;
            }
        }
    }

    /// Adds a connection after sending it what it missed (up to the hub's position), in order.
    async fn join(&mut self, join: Join) {
        if !self.snapshot.knows(join.conn.user) {
            return;
        }
        let hello = serde_json::json!({ "type": "hello", "last_id": self.last }).to_string();
        match join.after {
            Some(after) if after < self.last && self.last - after > MAX_CATCH_UP => {
                let _ = join.conn.tx.try_send(serde_json::json!({ "type": "reset", "last_id": self.last }).to_string());
            }
            Some(after) if after < self.last => {
                let mut from = after;
                'catch_up: while from < self.last {
                    let batch = match events::since(&self.db, from, BATCH).await {
                        Ok(b) => b,
                        Err(_) => return,
                    };
                    if batch.is_empty() {
                        break;
                    }
                    for event in batch {
                        if event.id > self.last {
                            break 'catch_up;
                        }
                        from = event.id;
                        if live::effect_of(&event) != Effect::Deliver {
                            continue;
                        }
                        let Ok(p) = self.prepare(event).await else { return };
                        if let Some(text) = self.message_for(join.conn.user, &p) {
                            if join.conn.tx.send(text).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if join.conn.tx.try_send(hello).is_ok() {
            self.conns.insert(join.id, join.conn);
        }
    }

    /// Closes connections whose session has ended or expired meanwhile.
    async fn revalidate(&mut self, state: &AppState) {
        let mut ended = Vec::new();
        for (id, c) in &self.conns {
            if matches!(domain::accounts::sessions::is_alive(&state.db, &c.session_hash, state.sessions).await, Ok(false)) {
                ended.push(*id);
            }
        }
        for id in ended {
            self.conns.remove(&id);
        }
    }
}
