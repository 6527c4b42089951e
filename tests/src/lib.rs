//! Shared test harness (see the `[[test]]` targets).
