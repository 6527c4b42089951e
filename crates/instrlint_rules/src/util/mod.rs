//! Helpers shared by rules: name tokenising, unit tables, definition filters.

pub mod defs;
pub mod names;
pub mod spelling;
pub mod units;
