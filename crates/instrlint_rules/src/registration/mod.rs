//! R: the registration lifecycle of collectors.

pub mod r401_metric_in_hot_path;
pub mod r402_register_error_ignored;
