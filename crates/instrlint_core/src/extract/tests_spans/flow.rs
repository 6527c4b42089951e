//! End states and unrecorded errors (S504, S505).

use super::*;

/// The end state of the single start in `func F(ctx context.Context, …) error { … }`.
fn end_of(body: &str) -> (SourceFile, SpanStart) {
    one(&format!(
        "var tracer = otel.Tracer(\"room\")\nvar ErrRoomFull = errors.New(\"full\")\n{body}"
    ))
}

#[test]
fn deferred_end_and_deferred_closure() {
    let (_, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\tif x { return nil }\n\treturn use(ctx)\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    let (_, s) = end_of(
        "func F(ctx context.Context) (err error) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer func() {\n\t\tif err != nil { span.RecordError(err) }\n\t\tspan.End()\n\t}()\n\tif err = use(ctx); err != nil { return err }\n\treturn ErrRoomFull\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    // Recorded with `RecordError` on every path; no error status is set.
    assert!(
        s.unrecorded_errors
            .iter()
            .all(|e| !e.neither && e.no_status && !e.no_record_error),
        "{:?}",
        s.unrecorded_errors
    );
}

#[test]
fn explicit_end_on_all_branches() {
    let (_, s) = end_of(
        "func F(ctx context.Context, ok bool) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tif ok {\n\t\tspan.End()\n\t\treturn nil\n\t} else {\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
}

#[test]
fn early_return_leaks_at_that_return() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tif err := use(ctx); err != nil {\n\t\treturn fmt.Errorf(\"early: %w\", err)\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return fmt.Errorf(\"early: %w\", err)");
    assert_eq!(s.unrecorded_errors.len(), 1);
    assert_eq!(
        at(&f, s.unrecorded_errors[0].ret),
        "return fmt.Errorf(\"early: %w\", err)"
    );
}

#[test]
fn falling_off_the_end_leaks_at_the_closing_brace() {
    let (f, s) = end_of(
        "func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tspan.SetAttributes()\n}\n",
    );
    assert_eq!(escape(&f, &s), "}");
    let EndState::Leaks { escape } = s.end else {
        unreachable!()
    };
    assert_eq!(escape.end as usize, f.text.len() - 1);
}

#[test]
fn returned_passed_stored_and_goroutine_spans_are_ended() {
    for body in [
        "func F(ctx context.Context) (context.Context, trace.Span) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\treturn ctx, span\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer finish(span, nil)\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\thelper(ctx, span)\n}\n",
        "func F(ctx context.Context, s *S) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\ts.span = span\n}\n",
        "func F(ctx context.Context, ch chan trace.Span) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tch <- span\n}\n",
        "func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tgo func() {\n\t\tdefer span.End()\n\t\twork(ctx)\n\t}()\n}\n",
        "func F(ctx context.Context) (ctx2 context.Context, span trace.Span) {\n\tctx2, span = tracer.Start(ctx, \"f\")\n\treturn\n}\n",
        "func F(ctx context.Context) *W {\n\tctx, span := tracer.Start(ctx, \"f\")\n\treturn &W{span: span}\n}\n",
    ] {
        let (_, s) = end_of(body);
        assert_eq!(s.end, EndState::Ended, "{body}");
    }
    let (_, s) = end_of("func F(ctx context.Context) (context.Context, trace.Span) {\n\treturn tracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Ended);
    let (_, s) = end_of("func F(ctx context.Context) {\n\ttracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Discarded);
    let (_, s) = end_of("func F(ctx context.Context) {\n\tctx, _ = tracer.Start(ctx, \"f\")\n}\n");
    assert_eq!(s.end, EndState::Discarded);
}

#[test]
fn terminators_end_paths() {
    for term in [
        "os.Exit(1)",
        "log.Fatalf(\"x\")",
        "log.Panicln(\"x\")",
        "panic(\"x\")",
    ] {
        let (_, s) = end_of(&format!(
            "func F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n\tif bad {{\n\t\t{term}\n\t}} else {{\n\t\tspan.End()\n\t}}\n\treturn nil\n}}\n"
        ));
        assert_eq!(s.end, EndState::Ended, "{term}");
    }
    // Without a terminator the same path leaks.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tif bad {\n\t\tlog.Printf(\"x\")\n\t} else {\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
}

#[test]
fn loops_with_break_continue_and_labels() {
    let (_, s) = end_of(
        "func F(ctx context.Context, xs []int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tfor _, x := range xs {\n\t\tif x == 0 { continue }\n\t\tif x == 1 { break }\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    // Started inside an infinite loop, ended before `continue`, but a break leaves without ending.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\nouter:\n\tfor {\n\t\t_, span := tracer.Start(ctx, \"f\")\n\t\tfor {\n\t\t\tif a { span.End(); continue outer }\n\t\t\tif b { break outer }\n\t\t\tspan.End()\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
    let EndState::Leaks { escape } = s.end else {
        unreachable!()
    };
    // The escaping return is the last one (after the loop), reached through `break outer`.
    assert_eq!(escape.start as usize, f.text.rfind("return nil").unwrap());
    // An infinite loop without break never reaches the end of the function.
    let (_, s) = end_of(
        "func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tfor {\n\t\tspan.AddEvent(\"tick\")\n\t}\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
}

#[test]
fn switch_with_fallthrough_and_select() {
    let (_, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch k {\n\tcase 1:\n\t\tk++\n\t\tfallthrough\n\tcase 2:\n\t\tspan.End()\n\t\treturn nil\n\tdefault:\n\t\tspan.End()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    let (f, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch k {\n\tcase 1:\n\t\treturn errors.New(\"one\")\n\tcase 2:\n\t\tspan.End()\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return errors.New(\"one\")");
    let (f, s) = end_of(
        "func F(ctx context.Context, ch chan int) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tselect {\n\tcase <-ch:\n\t\tspan.End()\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return ctx.Err()");
    // `return ctx.Err()` is an unknown error: not an unrecorded one.
    assert!(s.unrecorded_errors.is_empty());
}

#[test]
fn type_switch_and_goto() {
    let (f, s) = end_of(
        "func F(ctx context.Context, v any) error {\n\t_, span := tracer.Start(ctx, \"f\")\n\tswitch v.(type) {\n\tcase int:\n\t\treturn ErrRoomFull\n\t}\n\tspan.End()\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return ErrRoomFull");
    assert_eq!(s.unrecorded_errors.len(), 1);
    let (_, s) = end_of(
        "func F(ctx context.Context) error {\n\t_, span := tracer.Start(ctx, \"f\")\nagain:\n\tif retry() { goto again }\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Unknown);
    assert!(s.unrecorded_errors.is_empty());
}

#[test]
fn unrecorded_errors_per_path() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\
         \tif err := a(ctx); err != nil {\n\t\tspan.RecordError(err)\n\t\tspan.SetStatus(codes.Error, \"a\")\n\t\treturn err\n\t}\n\
         \tif err := b(ctx); err != nil {\n\t\treturn err\n\t}\n\
         \tif full {\n\t\treturn ErrRoomFull\n\t}\n\
         \tif other {\n\t\treturn c(ctx)\n\t}\n\
         \terr := d(ctx)\n\treturn err\n}\n",
    );
    let rets: Vec<&str> = s.unrecorded_errors.iter().map(|u| at(&f, u.ret)).collect();
    assert_eq!(rets, ["return err", "return ErrRoomFull"]);
    // The first flagged `return err` is the one after b(ctx), not after a(ctx).
    assert!(s.unrecorded_errors[0].ret.start as usize > f.text.find("b(ctx)").unwrap());
}

#[test]
fn opentracing_error_recording_forms() {
    for rec in [
        "ext.Error.Set(span, true)",
        "span.SetTag(\"error\", true)",
        "span.LogFields(otlog.Error(err))",
        "finish(span, err)",
    ] {
        let (_, s) = end_of(&format!(
            "func F(ctx context.Context) error {{\n\tspan, ctx := opentracing.StartSpanFromContext(ctx, \"f\")\n\tdefer span.Finish()\n\tif err := a(ctx); err != nil {{\n\t\t{rec}\n\t\treturn err\n\t}}\n\treturn nil\n}}\n"
        ));
        assert!(
            s.unrecorded_errors.is_empty(),
            "{rec}: {:?}",
            s.unrecorded_errors
        );
        assert_eq!(s.end, EndState::Ended, "{rec}");
    }
    // ext.Error.Set records but does not end.
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tspan := opentracing.StartSpan(\"f\")\n\text.Error.Set(span, true)\n\treturn nil\n}\n",
    );
    assert_eq!(escape(&f, &s), "return nil");
}

#[test]
fn deep_nesting_in_a_span_function_does_not_overflow() {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let body = format!(
                "var tracer = otel.Tracer(\"room\")\nfunc F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n{}return nil{}\n}}\n",
                "{".repeat(depth),
                "}".repeat(depth)
            );
            let (_, facts) = run(&body);
            assert_eq!(facts.span_starts.len(), 1);
            assert_eq!(facts.span_starts[0].end, EndState::Unknown);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn nested_loops_and_moderate_nesting_stay_definite() {
    let loops = 8;
    let body = format!(
        "func F(ctx context.Context, xs []int) error {{\n{}\t_, span := tracer.Start(ctx, \"f\")\n\tif len(xs) == 0 {{ return nil }}\n\tspan.End()\n{}\treturn nil\n}}\n",
        "for _, x := range xs {\n".repeat(loops),
        "}\n".repeat(loops)
    );
    let (f, s) = end_of(&body);
    assert_eq!(escape(&f, &s), "return nil");
    let ifs = 150;
    let body = format!(
        "func F(ctx context.Context) error {{\n\t_, span := tracer.Start(ctx, \"f\")\n{}span.End(){}\n\treturn nil\n}}\n",
        "if ok {\n".repeat(ifs),
        "\n}".repeat(ifs)
    );
    let (f, s) = end_of(&body);
    assert_eq!(escape(&f, &s), "return nil");
}

#[test]
fn fallthrough_carries_the_started_span_into_the_next_case() {
    let (f, s) = end_of(
        "func F(ctx context.Context, k int) error {\n\tvar span trace.Span\n\tswitch k {\n\tcase 1:\n\t\t_, span = tracer.Start(ctx, \"f\")\n\t\tfallthrough\n\tcase 2:\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
    );
    let EndState::Leaks { escape } = s.end else {
        panic!("{:?}", s.end)
    };
    assert_eq!(escape.start as usize, f.text.find("return nil").unwrap());
}

#[test]
fn error_is_the_last_result() {
    let (f, s) = end_of(
        "func F(ctx context.Context) (int, error) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\tn, err := a(ctx)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn n, nil\n}\n",
    );
    let rets: Vec<&str> = s.unrecorded_errors.iter().map(|u| at(&f, u.ret)).collect();
    assert_eq!(rets, ["return 0, err"]);
}

#[test]
fn overwritten_by_a_second_start() {
    let (f, facts) = run(
        "var tracer = otel.Tracer(\"room\")\n\
         func F(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"first\")\n\
         \tctx, span = tracer.Start(ctx, \"second\")\n\tdefer span.End()\n\tuse(ctx)\n}\n\
         func G(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"outer\")\n\tdefer span.End()\n\
         \tif retry {\n\t\tctx, span := tracer.Start(ctx, \"inner\")\n\t\tdefer span.End()\n\t\tuse(ctx)\n\t}\n}\n\
         func H(ctx context.Context) {\n\tctx, span := tracer.Start(ctx, \"ended\")\n\tspan.End()\n\
         \tctx, span = tracer.Start(ctx, \"again\")\n\tdefer span.End()\n\tuse(ctx)\n}\n",
    );
    let ends: Vec<(&str, &EndState)> = facts
        .span_starts
        .iter()
        .map(|s| (name(s), &s.end))
        .collect();
    let EndState::Overwritten { at: first } = ends[0].1 else {
        panic!("{ends:?}");
    };
    assert_eq!(at(&f, *first), "ctx, span = tracer.Start(ctx, \"second\")");
    // The rest are ended: the second span, a shadowing `:=` in an inner
    // block, a span ended before its variable is reused.
    assert!(
        ends[1..].iter().all(|(_, e)| **e == EndState::Ended),
        "{ends:?}"
    );
}

#[test]
fn a_local_set_to_a_new_error_is_an_error() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\
         \terr := errors.New(\"room full\")\n\tif full {\n\t\treturn err\n\t}\n\
         \tmsg := fmt.Errorf(\"closed\")\n\tif closed {\n\t\treturn msg\n\t}\n\
         \tother := load(ctx)\n\treturn other\n}\n",
    );
    let rets: Vec<&str> = s.unrecorded_errors.iter().map(|u| at(&f, u.ret)).collect();
    assert_eq!(rets, ["return err", "return msg"]);
}

#[test]
fn each_missing_call_is_told_apart() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"f\")\n\tdefer span.End()\n\
         \tif err := a(ctx); err != nil {\n\t\tspan.RecordError(err)\n\t\treturn err\n\t}\n\
         \tif err := b(ctx); err != nil {\n\t\tspan.SetStatus(codes.Error, \"b\")\n\t\treturn err\n\t}\n\
         \treturn ErrRoomFull\n}\n",
    );
    let flags: Vec<(&str, bool, bool, bool)> = s
        .unrecorded_errors
        .iter()
        .map(|u| (at(&f, u.ret), u.neither, u.no_record_error, u.no_status))
        .collect();
    assert_eq!(
        flags,
        [
            ("return err", false, false, true),
            ("return err", false, true, false),
            ("return ErrRoomFull", true, true, true),
        ]
    );
}

#[test]
fn ended_two_defer_levels_deep() {
    let (_, s) = end_of(
        "func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, \"f\")\n\tdefer func() {\n\t\tdefer func() {\n\t\t\tspan.End()\n\t\t}()\n\t}()\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
}

#[test]
fn spans_handed_out_in_their_context_or_as_a_method_value() {
    let (_, facts) = run(
        "var tracer = otel.Tracer(\"room\")\n\
         func Before(ctx context.Context) context.Context {\n\tctx, _ = tracer.Start(ctx, \"blank\")\n\treturn ctx\n}\n\
         func Named(ctx context.Context, r *http.Request) (*http.Request, error) {\n\tctx, span := tracer.Start(ctx, \"named\")\n\tspan.SetAttributes()\n\treturn r.WithContext(ctx), nil\n}\n\
         func Finisher(ctx context.Context) (context.Context, func()) {\n\tctx, span := tracer.Start(ctx, \"method_value\")\n\treturn ctx, span.End\n}\n\
         func Work(ctx context.Context) error {\n\tctx, span := tracer.Start(ctx, \"passes_ctx_on\")\n\treturn use(ctx)\n}\n\
         func Half(ctx context.Context, ok bool) context.Context {\n\tctx2, _ := tracer.Start(ctx, \"half\")\n\tif ok {\n\t\treturn ctx2\n\t}\n\treturn ctx\n}\n",
    );
    let ends: Vec<(&str, &EndState)> = facts
        .span_starts
        .iter()
        .map(|s| (name(s), &s.end))
        .collect();
    assert_eq!(ends[0], ("blank", &EndState::Ended));
    assert_eq!(ends[1], ("named", &EndState::Ended));
    assert_eq!(ends[2], ("method_value", &EndState::Ended));
    // A context passed to a call whose error is returned does not end it.
    assert!(matches!(ends[3].1, EndState::Leaks { .. }), "{ends:?}");
    assert_eq!(ends[4], ("half", &EndState::Discarded));
}

#[test]
fn errors_after_an_explicit_end_are_not_the_spans() {
    let (f, s) = end_of(
        "func F(ctx context.Context) error {\n\tif slow {\n\t\t_, span := tracer.Start(ctx, \"sleep\")\n\t\tsleep()\n\t\tspan.End()\n\t}\n\
         \tif fail {\n\t\treturn errors.New(\"failed\")\n\t}\n\treturn nil\n}\n",
    );
    assert_eq!(s.end, EndState::Ended);
    assert!(s.unrecorded_errors.is_empty(), "{:?}", s.unrecorded_errors);
    let _ = f;
}
