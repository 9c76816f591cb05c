//! Customer pools (公海). A pool belongs to a unit; people in that unit and below, and any extra
//! member units or users, see its customers and — with the right to own customers — claim them.
//! Entry rules route new and released customers to a pool by region, industry or source. Caps,
//! a cool-down for the previous owner, and automatic recycling keep customers moving. Every move
//! is written to the customer's history and to the events, in the same transaction.
//!
//! - [`config`]: pools, their settings and members, created and configured by administrators;
//! - [`rules`]: the entry rules that route a customer to a pool;
//! - [`membership`]: which pools a person belongs to (the policy asks this too);
//! - [`moves`]: a customer entering or returning to a pool, with its history and events;
//! - [`claim`]: claim, release and assign;
//! - [`recycle`]: the periodic job returning neglected customers, with reminders before.

pub mod claim;
pub mod config;
pub mod membership;
pub mod moves;
pub mod recycle;
pub mod rules;

pub use claim::{assign, claim, may_claim, release};
pub(crate) use claim::{assign_tx, release_tx};
pub use config::{configure_pool, create_pool, get_pool, list_pools_for, pools_to_configure, Pool, PoolSettings};
pub use membership::member_pools_on;
pub use moves::enter_pool_tx;
pub(crate) use moves::{event, history};
pub use recycle::{recycle, RecycleReport};
pub use rules::{route_on, EntryField, EntryRule};
