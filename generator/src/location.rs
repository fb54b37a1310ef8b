//! Where each node of a YAML document stands, by its path of keys.
//!
//! serde_yaml does not expose spans, so the loader reads the same text once more with yaml-rust2's
//! event parser and records the line and column of every mapping key and value. Diagnostics found
//! later, on the typed model, are placed by looking up the path of the item they concern.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Position {
    fn from_marker(marker: Marker) -> Self {
        Self { line: marker.line(), column: marker.col() + 1 }
    }
}

/// A path of mapping keys and sequence indexes from the document root, e.g.
/// `actions.CertificateOrderSubmit.request.CertId.type`.
pub type NodePath = Vec<String>;

/// Positions of the keys and values of one document, indexed on first use: a spec without
/// problems never needs them, and indexing is a good part of loading a large spec.
#[derive(Debug, Default)]
pub struct LocationIndex {
    text: String,
    positions: std::sync::OnceLock<Positions>,
}

#[derive(Debug, Default)]
struct Positions {
    keys: HashMap<NodePath, Position>,
    values: HashMap<NodePath, Position>,
    /// Keys seen a second time in the same mapping, in document order.
    duplicate_keys: Vec<Position>,
}

impl LocationIndex {
    /// An index of `text`, built when a position is first asked for. A document the event parser
    /// cannot read yields no positions: serde_yaml has the final word on syntax and reports it
    /// with its own location.
    pub fn new(text: &str) -> Self {
        Self { text: text.to_owned(), positions: std::sync::OnceLock::new() }
    }

    fn positions(&self) -> &Positions {
        self.positions.get_or_init(|| {
            let mut builder = IndexBuilder::default();
            let mut parser = Parser::new_from_str(&self.text);
            match parser.load(&mut builder, false) {
                Ok(()) => builder.index,
                Err(_) => Positions::default(),
            }
        })
    }

    /// Where the key of the node at `path` stands, or its value when it has no key (the root, a
    /// list item), or the nearest enclosing node that is known.
    pub fn key_position(&self, path: &[String]) -> Position {
        self.lookup(path, true)
    }

    /// Where the value of the node at `path` starts, or the nearest enclosing node that is known.
    pub fn value_position(&self, path: &[String]) -> Position {
        self.lookup(path, false)
    }

    /// Whether the document has a node at exactly `path`.
    pub fn defines(&self, path: &[String]) -> bool {
        let positions = self.positions();
        positions.keys.contains_key(path) || positions.values.contains_key(path)
    }

    /// Where keys repeated within one mapping stand (their second and later occurrences).
    pub fn duplicate_keys(&self) -> &[Position] {
        &self.positions().duplicate_keys
    }

    fn lookup(&self, path: &[String], prefer_key: bool) -> Position {
        let positions = self.positions();
        // Problems of the whole document are reported at its start.
        (1..=path.len())
            .rev()
            .find_map(|len| {
                let prefix = &path[..len];
                let key = positions.keys.get(prefix);
                let value = positions.values.get(prefix);
                if prefer_key { key.or(value) } else { value.or(key) }.copied()
            })
            .unwrap_or(Position { line: 1, column: 1 })
    }
}

/// One open collection while walking the event stream.
#[derive(Debug)]
enum Frame {
    /// A mapping; `pending_key` is set between a key and its value.
    Mapping { pending_key: Option<String> },
    /// A sequence and the index of its next item.
    Sequence { next_index: usize },
}

#[derive(Debug, Default)]
struct IndexBuilder {
    index: Positions,
    path: NodePath,
    frames: Vec<Frame>,
}

impl IndexBuilder {
    /// Called for every node that is a value (not a key): records its position under the path of
    /// its parent plus its own key or index, and returns that path.
    fn enter_value(&mut self, marker: Marker) -> Option<NodePath> {
        let segment = match self.frames.last_mut() {
            None => None,
            Some(Frame::Mapping { pending_key }) => pending_key.take(),
            Some(Frame::Sequence { next_index }) => {
                let index = next_index.to_string();
                *next_index += 1;
                Some(index)
            }
        };
        let mut path = self.path.clone();
        path.extend(segment);
        self.index.values.entry(path.clone()).or_insert(Position::from_marker(marker));
        Some(path)
    }

    fn is_expecting_key(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Mapping { pending_key: None }))
    }
}

impl MarkedEventReceiver for IndexBuilder {
    fn on_event(&mut self, event: Event, marker: Marker) {
        match event {
            Event::Scalar(text, ..) if self.is_expecting_key() => {
                let mut key_path = self.path.clone();
                key_path.push(text.clone());
                let position = Position::from_marker(marker);
                match self.index.keys.entry(key_path) {
                    Entry::Occupied(_) => self.index.duplicate_keys.push(position),
                    Entry::Vacant(slot) => {
                        slot.insert(position);
                    }
                }
                if let Some(Frame::Mapping { pending_key }) = self.frames.last_mut() {
                    *pending_key = Some(text);
                }
            }
            Event::Scalar(..) | Event::Alias(..) => {
                self.enter_value(marker);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                // A collection used as a mapping key has no path of its own; index it under "?".
                let path = if self.is_expecting_key() {
                    if let Some(Frame::Mapping { pending_key }) = self.frames.last_mut() {
                        *pending_key = Some("?".to_owned());
                    }
                    let mut path = self.path.clone();
                    path.push("?".to_owned());
                    Some(path)
                } else {
                    self.enter_value(marker)
                };
                if let Some(path) = path {
                    self.path = path;
                }
                self.frames.push(if is_mapping {
                    Frame::Mapping { pending_key: None }
                } else {
                    Frame::Sequence { next_index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                // The root collection has an empty path; popping it is harmless.
                self.path.pop();
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> NodePath {
        text.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn records_keys_and_values_of_nested_mappings_and_sequences() {
        let text = "a:\n  b: 1\n  list:\n    - x: 2\n    - y\nc: [1, 2]\n";
        let index = LocationIndex::new(text);
        assert_eq!(index.key_position(&path("a.b")), Position { line: 2, column: 3 });
        assert_eq!(index.value_position(&path("a.b")), Position { line: 2, column: 6 });
        assert_eq!(index.key_position(&path("a.list.0.x")), Position { line: 4, column: 7 });
        assert_eq!(index.value_position(&path("a.list.1")), Position { line: 5, column: 7 });
        assert_eq!(index.key_position(&path("c")), Position { line: 6, column: 1 });
        assert_eq!(index.value_position(&path("c.1")), Position { line: 6, column: 8 });
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_known_ancestor() {
        let index = LocationIndex::new("a:\n  b: 1\n");
        assert_eq!(index.key_position(&path("a.b.c.d")), Position { line: 2, column: 3 });
        assert_eq!(LocationIndex::new("a: [").key_position(&path("a")), Position { line: 1, column: 1 });
    }
}
