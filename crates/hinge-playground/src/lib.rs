//! hinge-lab's playground: the page, its server, and the sessions that train what each tab
//! asks for on the population engine. The `playground` program serves it; see
//! `docs/playground.md`.

mod command;
mod encode;
pub mod export;
pub mod grid;
pub mod knobs;
pub mod network;
mod page;
mod reply;
pub mod server;
pub mod session;
pub mod settings;
pub mod table_view;
pub mod upload;
pub mod view;
