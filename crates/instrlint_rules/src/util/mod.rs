//! Helpers shared by rules: name tokenising, unit tables, definition filters,
//! label lists and spellings.

pub mod defs;
pub mod hot;
pub mod labels;
pub mod names;
pub mod spelling;
pub mod units;
