//! hinge-lab's playground: the page, its server, and the sessions that train what each tab
//! asks for on the population engine. The `playground` program serves it; see
//! `docs/playground.md`.

pub mod export;
pub mod network;
pub mod server;
pub mod session;
pub mod settings;
pub mod upload;
