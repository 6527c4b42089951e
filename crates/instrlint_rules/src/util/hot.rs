//! Where code runs more than once per process (R401, after RULES.md "Where
//! hot paths are").

use instrlint_core::facts::{FuncContext, FuncKind};

/// A place that runs again and again: how a message names it, and what
/// repeats there (`request`, `goroutine`, `iteration`).
pub struct Hot {
    pub place: String,
    pub unit: &'static str,
}

impl Hot {
    /// What a registering constructor or `MustRegister` does here.
    pub fn panics(&self) -> String {
        format!(
            "the second {} panics with a duplicate registration",
            self.unit
        )
    }
    /// What an unregistered `prometheus.New…` does here.
    pub fn leaks(&self) -> String {
        let unit = self.unit;
        format!("every {unit} leaks a new collector that is never exported unless registered")
    }
}

/// `None` for code that runs once: package level, `init`, `main`,
/// constructors and other functions outside loops and goroutines, and the
/// outer body of middleware.
pub fn hot_place(f: &FuncContext) -> Option<Hot> {
    let name = f.name.as_deref().unwrap_or("?");
    let hot = |place: String, unit| Some(Hot { place, unit });
    match f.kind {
        FuncKind::HttpHandler => hot(format!("HTTP handler `{name}`"), "request"),
        FuncKind::GrpcInterceptor => hot(format!("gRPC interceptor `{name}`"), "request"),
        FuncKind::GrpcMethod => hot(format!("gRPC method `{name}`"), "request"),
        _ if f.in_middleware_handler => hot(
            format!("the handler middleware `{name}` returns"),
            "request",
        ),
        _ if f.in_handler_closure => hot(format!("a handler closure in `{name}`"), "request"),
        _ if f.in_go => hot(format!("a goroutine started in `{name}`"), "goroutine"),
        FuncKind::Init | FuncKind::Main | FuncKind::Constructor | FuncKind::PackageLevel => None,
        _ if f.in_loop => hot(format!("a loop in `{name}`"), "iteration"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(kind: FuncKind) -> FuncContext {
        let mut f = FuncContext::package_level();
        f.kind = kind;
        f.name = Some("joinRoom".into());
        f
    }

    #[test]
    fn handlers_goroutines_and_loops_outside_start_up_code() {
        assert_eq!(
            hot_place(&ctx(FuncKind::HttpHandler)).unwrap().place,
            "HTTP handler `joinRoom`"
        );
        let mut f = ctx(FuncKind::Constructor);
        f.in_loop = true;
        assert!(hot_place(&f).is_none());
        f.in_go = true;
        assert_eq!(hot_place(&f).unwrap().unit, "goroutine");
        let mut f = ctx(FuncKind::Other);
        assert!(hot_place(&f).is_none());
        f.in_loop = true;
        assert_eq!(hot_place(&f).unwrap().unit, "iteration");
        assert_eq!(
            hot_place(&ctx(FuncKind::GrpcMethod)).unwrap().place,
            "gRPC method `joinRoom`"
        );
        let mut f = ctx(FuncKind::HttpMiddleware);
        assert!(hot_place(&f).is_none());
        f.in_middleware_handler = true;
        assert_eq!(hot_place(&f).unwrap().unit, "request");
    }
}
