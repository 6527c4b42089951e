use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::Buckets;
use instrlint_core::{Level, Span};

pub const META: RuleMeta = RuleMeta {
    code: "T302",
    name: "invalid-buckets",
    group: Group::Types,
    level: Level::Error,
    summary:
        "histogram buckets that are not strictly increasing, or bucket helper arguments that panic",
    since: "0.1.0",
};

/// The first problem with the buckets: where, and what.
fn problem(buckets: &Buckets) -> Option<(Span, String)> {
    let below = |v: Option<f64>, min: f64| v.filter(|v| *v < min);
    let at_most = |v: Option<f64>, max: f64| v.filter(|v| *v <= max);
    match *buckets {
        Buckets::Literal { ref values, .. } => {
            let mut last: Option<f64> = None;
            for &(value, span) in values {
                let Some(v) = value else { continue };
                if let Some(prev) = last.filter(|p| v <= *p) {
                    return Some((
                        span,
                        format!("bucket `{v}` is not greater than the bucket before it (`{prev}`)"),
                    ));
                }
                last = Some(v);
            }
            None
        }
        Buckets::Linear {
            width, count, span, ..
        } => match (below(count, 1.0), at_most(width, 0.0)) {
            (Some(c), _) => Some((span, format!("`LinearBuckets` with count {c}"))),
            (_, Some(w)) if count.is_some_and(|c| c > 1.0) => Some((
                span,
                format!(
                    "`LinearBuckets` with width {w} and count {}",
                    count.unwrap_or(0.0)
                ),
            )),
            _ => None,
        },
        Buckets::Exponential {
            start,
            factor,
            count,
            span,
        } => {
            let why = (below(count, 1.0).map(|c| format!("count {c}")))
                .or(at_most(start, 0.0).map(|s| format!("start {s}")))
                .or(at_most(factor, 1.0).map(|f| format!("factor {f}")))?;
            Some((span, format!("`ExponentialBuckets` with {why}")))
        }
        Buckets::ExponentialRange {
            min, count, span, ..
        } => {
            let why = (below(count, 1.0).map(|c| format!("count {c}")))
                .or(at_most(min, 0.0).map(|m| format!("min {m}")))?;
            Some((span, format!("`ExponentialBucketsRange` with {why}")))
        }
        Buckets::Default { .. } | Buckets::Other { .. } => None,
    }
}

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for def in &ctx.package.metrics {
        let Some((span, what)) = def.buckets.as_ref().and_then(problem) else {
            continue;
        };
        out.report(&META, span, format!("{what}: `{}` panics", def.constructor))
            .help("buckets must be strictly increasing upper bounds; exponential buckets need start > 0, factor > 1 and count ≥ 1");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    fn hist(at: u32) -> Def {
        histogram("livestream_join_latency_seconds").at(0, at)
    }

    #[test]
    fn fires_on_unordered_literals_and_bad_helpers() {
        let defs = vec![
            hist(0).literal_buckets(&[Some(0.1), None, Some(0.5), Some(0.5)]),
            hist(300).buckets(linear(Some(1.0), Some(0.0), Some(5.0))),
            hist(600).buckets(exponential(Some(0.1), Some(1.0), None)),
            hist(900).buckets(exponential_range(Some(0.0), Some(1.0), Some(5.0))),
        ];
        let d = run(check, defs);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].primary, span(0, 135, 138));
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "bucket `0.5` is not greater than the bucket before it (`0.5`): `NewHistogram` panics",
                "`LinearBuckets` with width 0 and count 5: `NewHistogram` panics",
                "`ExponentialBuckets` with factor 1: `NewHistogram` panics",
                "`ExponentialBucketsRange` with min 0: `NewHistogram` panics",
            ]
        );
    }

    #[test]
    fn silent_on_increasing_unknown_and_single_linear() {
        let defs = vec![
            hist(0).literal_buckets(&[Some(0.1), None, Some(0.5), Some(1.0)]),
            hist(300).buckets(linear(Some(1.0), Some(0.0), Some(1.0))),
            hist(600).buckets(exponential(None, Some(2.0), Some(8.0))),
        ];
        assert!(run(check, defs).is_empty());
    }
}
