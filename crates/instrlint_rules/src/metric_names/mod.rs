//! M: metric names (Prometheus client_golang), judged on the fully-qualified name.

pub mod m101_metric_name_invalid;
pub mod m102_metric_name_case;
pub mod m103_metric_name_colon;
pub mod m104_metric_name_prefix;
pub mod m105_counter_missing_total;
pub mod m106_non_counter_total;
pub mod m107_reserved_suffix;
pub mod m108_non_base_unit;
pub mod m109_histogram_missing_unit;
pub mod m110_type_in_name;
pub mod m111_missing_help;
pub mod m112_metric_name_dynamic;
pub mod m113_duplicate_metric;
