//! One line per finding, `path:line:col: CODE message`: the shape compilers
//! print, which Vim's and Neovim's `errorformat` (`%f:%l:%c: %m`), reviewdog's
//! `-efm` and VS Code problem matchers read. Paths are as shown by the other
//! formats (relative to the current directory, `/`-separated); columns are
//! 1-based UTF-16 code units, as in every format. A message spanning lines
//! is joined onto one.

use super::Positions;
use crate::pipeline::LintOutcome;
use std::fmt::Write;

pub fn render(outcome: &LintOutcome) -> String {
    let positions = Positions::new(&outcome.files);
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let (start, _) = positions.range(d.primary);
        let message: Vec<&str> = d.message.lines().collect();
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            positions.file(d.primary).path,
            start.line,
            start.column,
            d.code,
            message.join(" ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    #[test]
    fn one_line_per_finding() {
        let out = render(&outcome());
        assert_eq!(
            out,
            "cmd/main.go:3:22: M105 counter `bad` does not end in `_total`\n\
             cmd/other name.go:3:7: M101 name `a,b: 100%` is invalid\n\
             cmd/other name.go:1:1: I002 parse error\n"
        );
    }
}
