//! L: labels of metric vectors, their names and the values passed to them.

pub mod l201_high_cardinality_label;
pub mod l202_unbounded_label_value;
pub mod l203_label_arity_mismatch;
pub mod l204_label_keys_mismatch;
pub mod l205_label_name_invalid;
pub mod l206_reserved_label;
pub mod l207_label_values_swapped;
pub mod l208_series_never_deleted;
pub mod l209_duplicate_label;
