//! Service tickets (工单): the list with the form to open one ([`list`]) and a ticket's page where
//! it is worked and resolved ([`detail`]). Both follow live ticket events.

pub mod api;
pub mod detail;
pub mod list;
pub mod words;
