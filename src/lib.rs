//! gridlog 网格台账: the three ledgers of a village grid worker, kept offline.
//!
//! Layers point one way (see DESIGN.md §6): `domain` ← `events` ← `store` ← `app` ← `cli`.
//! `domain` and `events` are pure; only `store` touches sled; the CLI calls `app` only.

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod events;
pub mod i18n;
pub mod search;
pub mod store;
pub mod tui;
