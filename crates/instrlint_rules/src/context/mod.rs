//! C: context propagation. Findings sit at the call (C603 at the key, C604 at
//! the value).

pub mod c601_context_background_in_request;
pub mod c602_goroutine_detached_trace;
pub mod c603_context_key_builtin;
pub mod c604_span_in_context_value;
pub mod c605_context_background_with_ctx;
