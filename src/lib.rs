//! gridlog 网格台账: the three ledgers of a village grid worker, kept offline.
//!
//! Layers point one way (docs/ARCHITECTURE.md, "Layers"): `domain` ← `events` ← `store` ←
//! `app` ← {`cli`, `tui`}, with `search`, `sync` and `demo` beside `store`. `domain`, `events`,
//! `search`, `sync` and `demo` are pure; only `store` touches sled; the CLI and the TUI call
//! `app` only; only `sync` knows the bundle format.

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod events;
pub mod i18n;
pub mod search;
pub mod store;
pub mod sync;
pub mod tui;
