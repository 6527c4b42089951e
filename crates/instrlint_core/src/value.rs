//! Values as the resolver sees them: resolved, built at run time, or unknown.

use crate::source::Span;
use serde::Serialize;

/// A value the resolver looked at.
/// - `Resolved`: known at compile time (a literal, a constant, constant folding).
/// - `Dynamic`: built at run time inside the linted code (a parameter, a call
///   result, a concatenation with one). Only `*-dynamic` rules act on it.
/// - `Unknown`: anything the resolver cannot see (a package-level `var`, an
///   import from outside the tree). Rules never report on it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "lowercase")]
pub enum Value<T> {
    Resolved(T),
    Dynamic(Dynamic),
    Unknown,
}

impl<T> Value<T> {
    pub fn resolved(&self) -> Option<&T> {
        match self {
            Value::Resolved(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
}

/// Why a value is dynamic, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dynamic {
    /// The smallest expression that is not constant (the parameter, the call).
    pub span: Span,
    /// Its source text, e.g. `tenant` or `fmt.Sprintf("%s_total", kind)`.
    pub text: String,
}

/// A resolved Go string constant. `text` is the decoded value; when the
/// decoded bytes are not valid UTF-8, `text` holds a lossy copy and
/// `valid_utf8` is false.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrConst {
    pub text: String,
    pub valid_utf8: bool,
}

impl StrConst {
    pub fn new(text: impl Into<String>) -> Self {
        StrConst {
            text: text.into(),
            valid_utf8: true,
        }
    }
}
