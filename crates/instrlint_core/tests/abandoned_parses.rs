//! Abandoned parse threads are bounded: a text given up once is given up
//! again at once, and while `max_abandoned_parses` abandoned parses run, new
//! parses are refused. One test in its own process: the abandoned parses
//! spin until the process ends, and the limits are process-wide.

use instrlint_core::extract::{
    abandoned_parses_running, parse_only, parses_given_up, parses_refused,
    set_max_abandoned_parses, set_parse_time_limit,
};
use std::time::{Duration, Instant};

/// The fuzzer's reduced tree-sitter input: parse time grows ~1.37× per
/// repetition of `r.With(` (64: far beyond any limit here).
fn slow_text(name: &str, repetitions: usize) -> String {
    format!(
        "package p\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n\
         var {name} = f(\n\t\"a\"\n\t\"a.With({}r\"\n",
        "r.With(".repeat(repetitions)
    )
}

const OK: &str = "package p\n\nfunc f() {}\n";

#[test]
fn abandoned_parses_are_bounded_and_given_up_texts_remembered() {
    set_parse_time_limit(Duration::from_millis(300));
    set_max_abandoned_parses(2);
    assert_eq!(parse_only(OK), Some(true));

    let first = slow_text("a", 64);
    let given_up = parses_given_up();
    assert_eq!(parse_only(&first), None);
    assert_eq!(parses_given_up(), given_up + 1);
    assert_eq!(abandoned_parses_running(), 1);

    // The same text again: given up at once, no second thread.
    let clock = Instant::now();
    assert_eq!(parse_only(&first), None);
    assert!(
        clock.elapsed() < Duration::from_millis(200),
        "{:?}",
        clock.elapsed()
    );
    // Not counted again: the count is of parses that ran to the limit.
    assert_eq!(parses_given_up(), given_up + 1);
    assert_eq!(abandoned_parses_running(), 1);

    assert_eq!(parse_only(&slow_text("b", 64)), None);
    assert_eq!(abandoned_parses_running(), 2);

    // The cap is reached: any parse is refused, at once.
    let refused = parses_refused();
    let clock = Instant::now();
    assert_eq!(parse_only(&slow_text("c", 64)), None);
    assert_eq!(parse_only(OK), None);
    assert!(
        clock.elapsed() < Duration::from_millis(200),
        "{:?}",
        clock.elapsed()
    );
    assert_eq!(parses_refused(), refused + 2);
    assert_eq!(abandoned_parses_running(), 2);

    // A slot frees when an abandoned parse ends on its own: one more slot,
    // taken by a parse that ends a little after the limit.
    set_max_abandoned_parses(3);
    assert_eq!(
        parse_only(&slow_text("d", 40)),
        None,
        "parses past the limit"
    );
    assert_eq!(abandoned_parses_running(), 3);
    let clock = Instant::now();
    while abandoned_parses_running() == 3 {
        assert!(
            clock.elapsed() < Duration::from_secs(240),
            "the short abandoned parse never ended"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(abandoned_parses_running(), 2);
    assert_eq!(parse_only(OK), Some(true));
}
