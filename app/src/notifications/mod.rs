//! The notification centre. The shell shows the bell ([`bell`]) and the toasts ([`toasts`]) on
//! every page; the notifications page ([`page`]) lists everything and holds the preferences.

pub mod bell;
pub mod inbox;
pub mod page;
pub mod toasts;
pub mod words;
