//! T: metric types and the values they get.

pub mod t301_counter_negative_add;
pub mod t302_invalid_buckets;
pub mod t303_default_buckets;
pub mod t304_counter_reset;
pub mod t305_summary_not_aggregatable;
