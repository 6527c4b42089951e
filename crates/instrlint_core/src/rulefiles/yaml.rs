//! A YAML document as a small tree of nodes that keep their positions, built
//! from `yaml-rust2`'s event parser. Only what rule files need: mappings,
//! sequences and scalars; aliases and tags are kept as opaque nodes.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position as the YAML scanner reports it: 1-based line, 0-based column
/// in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub col: usize,
}

impl From<&Marker> for Mark {
    fn from(m: &Marker) -> Self {
        Mark {
            line: m.line(),
            col: m.col(),
        }
    }
}

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` and `>` blocks.
    Block,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Scalar {
        value: String,
        style: Style,
        /// The scalar's opening quote, or its first character when plain or
        /// a block.
        mark: Mark,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// An alias.
    Other,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A YAML syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub mark: Mark,
    pub message: String,
}

/// The first document of `text`; `Ok(None)` for an empty stream.
pub fn load_first_document(text: &str) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    // Open collections: the nodes so far and, for mappings, a pending key.
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    loop {
        let (event, marker) = parser.next_token().map_err(|e| YamlError {
            mark: Mark::from(e.marker()),
            message: e.info().to_string(),
        })?;
        let node = match event {
            Event::StreamEnd => return Ok(None),
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
            Event::DocumentEnd => return Ok(None),
            Event::SequenceStart(..) => {
                stack.push((Node::Seq(Vec::new()), None));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push((Node::Map(Vec::new()), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some((node, _)) => node,
                None => continue,
            },
            Event::Alias(_) => Node::Other,
            Event::Scalar(value, style, _, _) => Node::Scalar {
                value,
                style: match style {
                    TScalarStyle::SingleQuoted => Style::SingleQuoted,
                    TScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    TScalarStyle::Literal | TScalarStyle::Folded => Style::Block,
                    _ => Style::Plain,
                },
                mark: Mark::from(&marker),
            },
        };
        match stack.last_mut() {
            None => return Ok(Some(node)),
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_document_with_marks() {
        let text = "groups:\n  - name: a\n    rules:\n      - expr: |\n          up\n";
        let doc = load_first_document(text).unwrap().unwrap();
        let groups = doc.get("groups").unwrap();
        let Node::Seq(gs) = groups else { panic!() };
        assert_eq!(gs[0].get("name").and_then(Node::as_str), Some("a"));
        let Node::Seq(rules) = gs[0].get("rules").unwrap() else {
            panic!()
        };
        let Node::Scalar { value, style, mark } = rules[0].get("expr").unwrap() else {
            panic!()
        };
        assert_eq!(value, "up\n");
        assert_eq!(*style, Style::Block);
        // A block scalar is marked at its first content character.
        assert_eq!(*mark, Mark { line: 5, col: 10 });
    }

    #[test]
    fn columns_count_characters() {
        let text = "é: 1\nk: \"é\" \nx: v\n";
        let doc = load_first_document(text).unwrap().unwrap();
        let Node::Map(entries) = &doc else { panic!() };
        let marks: Vec<Mark> = entries
            .iter()
            .map(|(_, v)| match v {
                Node::Scalar { mark, .. } => *mark,
                _ => panic!(),
            })
            .collect();
        assert_eq!(marks[0], Mark { line: 1, col: 3 });
        assert_eq!(marks[1], Mark { line: 2, col: 3 });
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = load_first_document("groups:\n  - name: [a\n").unwrap_err();
        assert!(e.mark.line >= 2, "{e:?}");
    }
}
