//! Which prefiltered files of a tree to walk, decided before any parse.
//!
//! A file with only a [`Trigger::Weak`] trigger (`.Add(`, `Register(`,
//! `.Start(` … and no instrumentation import) yields facts only about a
//! metric, registry, tracer or meter whose type or definition comes from a
//! file that imports an instrumentation library ([`Trigger::Strong`]):
//! - in its own package (a field or package var declared there; types are
//!   looked up within the package), or
//! - in a package it imports (`metrics.Errors.Add(-1)`: the link binds a
//!   `PackageVar` receiver by import path, and only to a definition, which
//!   only a strong file holds).
//!
//! So a weak file is walked when its package has a strong file or it
//! imports a package that has one (its import paths, read without parsing
//! by [`super::prefilter::import_paths`]; where that cannot read them, its
//! text quoting the path anywhere). Otherwise its facts could bind to nothing; it is still
//! parsed as a sibling when a walked file needs one of its declarations.
//!
//! A file with a [`Trigger::Request`] trigger (`context.Background()` in
//! code where no function of the file is a request handler) is walked as a
//! weak one, and besides when C605 runs (it reads every such call with a
//! context in scope: `every_context`) or when its package may declare a gRPC
//! server (a method of a type embedding `Unimplemented…Server`, declared in
//! any file of the package, is a request handler for C601).
//!
//! The one fact that is reported without a binding is an unbounded label
//! value (L202). `WithLabelValues` and the other client_golang-only methods
//! are strong triggers for that reason; `x.With(map[string]string{…})` on a
//! receiver that binds to nothing, in a package without an instrumentation
//! import, is no longer reported (none on the benchmark corpus).

use super::prefilter::Trigger;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::collections::HashSet;

/// One package as the gate sees it: its import path (when the module is
/// known) and its files.
pub struct PackageScan<'a> {
    pub import_path: Option<&'a str>,
    pub files: Vec<GateFile<'a>>,
    /// Some file of the package may declare a gRPC server
    /// ([`super::prefilter::declares_grpc_server`]).
    pub declares_grpc_server: bool,
}

/// One file as the gate sees it.
#[derive(Clone, Copy)]
pub struct GateFile<'a> {
    pub trigger: Trigger,
    /// Its import paths, when they could be read without parsing.
    pub imports: Option<&'a [String]>,
    /// Its text: read only for a weak or request trigger without `imports`.
    pub text: &'a str,
}

/// Per package, per file: walk it or not. `every_context`: C605 runs, so a
/// [`Trigger::Request`] file is always walked.
pub fn walk_flags(packages: &[PackageScan<'_>], every_context: bool) -> Vec<Vec<bool>> {
    let strong: Vec<bool> = packages
        .iter()
        .map(|p| p.files.iter().any(|f| f.trigger == Trigger::Strong))
        .collect();
    let strong_paths: HashSet<&str> = packages
        .iter()
        .zip(&strong)
        .filter(|(_, s)| **s)
        .filter_map(|(p, _)| p.import_path)
        .collect();
    let quoted: Vec<String> = packages
        .iter()
        .zip(&strong)
        .filter(|(_, s)| **s)
        .filter_map(|(p, _)| p.import_path)
        .flat_map(|path| [format!("\"{path}\""), format!("`{path}`")])
        .collect();
    let imports = (!quoted.is_empty())
        .then(|| AhoCorasick::new(&quoted).expect("quoted import paths are valid patterns"));
    packages
        .par_iter()
        .zip(&strong)
        .map(|(p, &strong)| {
            p.files
                .iter()
                .map(|f| {
                    let imports_strong = || match f.imports {
                        Some(paths) => paths.iter().any(|p| strong_paths.contains(p.as_str())),
                        None => imports.as_ref().is_some_and(|a| a.is_match(f.text)),
                    };
                    let weak = || strong || imports_strong();
                    match f.trigger {
                        Trigger::None => false,
                        Trigger::Weak => weak(),
                        Trigger::Request => every_context || p.declares_grpc_server || weak(),
                        Trigger::Own | Trigger::Strong => true,
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::prefilter::{classify, declares_grpc_server};

    fn scan<'a>(path: &'a str, texts: &[&'a str]) -> PackageScan<'a> {
        PackageScan {
            import_path: Some(path),
            files: texts
                .iter()
                .map(|t| GateFile {
                    trigger: classify(t),
                    imports: None,
                    text: t,
                })
                .collect(),
            declares_grpc_server: texts.iter().any(|t| declares_grpc_server(t)),
        }
    }

    const METRICS: &str = "package metrics\nimport \"github.com/prometheus/client_golang/prometheus\"\nvar Errors = prometheus.NewCounter(prometheus.CounterOpts{Name: \"errors_total\"})\n";
    const USER: &str =
        "package room\nimport \"example.com/app/metrics\"\nfunc f() { metrics.Errors.Add(-1) }\n";
    const UNRELATED: &str =
        "package cache\nimport \"sync\"\nfunc f(m *sync.Map, n *Set) { m.Delete(1); n.Add(2) }\n";
    const HOLDER: &str = "package server\nfunc (s *S) f() { s.tracer.Start(ctx, \"x\") }\n";
    const HOLDER_TYPES: &str = "package server\nimport \"go.opentelemetry.io/otel/trace\"\ntype S struct{ tracer trace.Tracer }\n";

    #[test]
    fn weak_files_walked_only_where_they_can_bind() {
        let packages = [
            scan("example.com/app/metrics", &[METRICS]),
            scan("example.com/app/room", &[USER]),
            scan("example.com/app/cache", &[UNRELATED, "package cache\n"]),
            scan("example.com/app/server", &[HOLDER, HOLDER_TYPES]),
        ];
        let flags = walk_flags(&packages, false);
        assert_eq!(
            flags,
            vec![vec![true], vec![true], vec![false, false], vec![true, true]]
        );
    }

    #[test]
    fn weak_files_bind_by_their_import_paths() {
        use crate::extract::prefilter::import_paths;
        // Quotes the path of the metrics package, but does not import it.
        const QUOTES: &str = "package docs\nimport \"sync\"\nvar _ = \"example.com/app/metrics\"\nfunc f(n *Set) { n.Add(2) }\n";
        let read: Vec<Vec<String>> = [METRICS, USER, QUOTES]
            .iter()
            .map(|t| import_paths(t).expect("a plain import section"))
            .collect();
        let mut packages = [
            scan("example.com/app/metrics", &[METRICS]),
            scan("example.com/app/room", &[USER]),
            scan("example.com/app/docs", &[QUOTES]),
        ];
        // The text, where the import paths could not be read: a superset.
        assert_eq!(
            walk_flags(&packages, false),
            vec![vec![true], vec![true], vec![true]]
        );
        for (p, paths) in packages.iter_mut().zip(&read) {
            p.files[0].imports = Some(paths);
        }
        assert_eq!(
            walk_flags(&packages, false),
            vec![vec![true], vec![true], vec![false]]
        );
    }

    #[test]
    fn request_triggers_walked_for_c605_grpc_servers_or_as_weak_ones() {
        const PULL: &str = "package images\nimport \"context\"\nfunc Pull(ctx context.Context) { fetch(context.Background()) }\n";
        const SEND: &str = "package chat\nimport \"context\"\nfunc (s *Server) Send(ctx context.Context, r *pb.Req) (*pb.Rep, error) { s.h.Append(context.Background()) }\n";
        const SERVER: &str = "package chat\ntype Server struct{ pb.UnimplementedChatServer }\n";
        const STRONG: &str =
            "package room\nimport \"github.com/prometheus/client_golang/prometheus\"\n";
        let packages = [
            scan("example.com/app/images", &[PULL]),
            scan("example.com/app/chat", &[SEND, SERVER]),
            scan("example.com/app/room", &[PULL, STRONG]),
        ];
        assert_eq!(classify(PULL), Trigger::Request);
        assert_eq!(
            walk_flags(&packages, false),
            vec![vec![false], vec![true, false], vec![true, true]]
        );
        assert_eq!(
            walk_flags(&packages, true),
            vec![vec![true], vec![true, false], vec![true, true]]
        );
    }

    #[test]
    fn without_strong_packages_only_own_triggers_walk() {
        let queries = "package q\nconst q = `sum(rate(x[5m]))`\n";
        let packages = [
            scan("example.com/app/room", &[USER]),
            scan("example.com/app/q", &[queries]),
        ];
        assert_eq!(walk_flags(&packages, false), vec![vec![false], vec![true]]);
    }
}
