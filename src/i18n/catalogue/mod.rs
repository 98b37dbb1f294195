//! Every message of the program as (key, 简体中文, English), in parts by area; keep keys sorted
//! by area. Tests check that every key has both languages, is unique, and that every key the
//! code names is here.

mod cli;
mod common;
mod county;
mod report;
mod tui;

/// One message: its key, its zh-CN text, its English text.
pub type Entry = (&'static str, &'static str, &'static str);

/// Every message of the program, in parts.
pub static CATALOGUE: &[&[Entry]] = &[common::ENTRIES, cli::ENTRIES, report::ENTRIES, county::ENTRIES, tui::ENTRIES];

/// Every message, part after part.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    CATALOGUE.iter().flat_map(|part| part.iter())
}
