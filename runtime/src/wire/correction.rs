//! What the decoder corrected in a response: the server sent a value that differs from the spec in
//! a way that loses nothing (`"23"` for `23`, a missing or `null` required member).

use std::fmt;

/// One step of the path to a value: a member of an object or an element of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// The member with this JSON key.
    Field(&'static str),
    /// The element at this index.
    Index(usize),
}

/// Writes `Response.Certificates[3].Status` from segments kept innermost first (each level adds its
/// own segment on the way out, so the happy path never builds a path).
pub(crate) fn write_path(segments_innermost_first: &[Segment], f: &mut impl fmt::Write) -> fmt::Result {
    let steps = segments_innermost_first.iter().rev().map(|segment| match *segment {
        Segment::Field(name) => PathStep::Field(name),
        Segment::Index(index) => PathStep::Index(index),
    });
    write_steps(steps, f)
}

/// A step of a path as [`write_steps`] writes it, with a key of any lifetime (one read from a body).
pub(crate) enum PathStep<'a> {
    Field(&'a str),
    Index(usize),
}

/// Writes `Response.Certificates[3].Status` from its steps, outermost first.
pub(crate) fn write_steps<'a>(
    outermost_first: impl IntoIterator<Item = PathStep<'a>>,
    f: &mut impl fmt::Write,
) -> fmt::Result {
    for (position, step) in outermost_first.into_iter().enumerate() {
        match step {
            PathStep::Field(name) if position == 0 => f.write_str(name)?,
            PathStep::Field(name) => write!(f, ".{name}")?,
            PathStep::Index(index) => write!(f, "[{index}]")?,
        }
    }
    Ok(())
}

/// What the decoder did about a deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorrectionKind {
    /// A required member was missing: it holds its default (empty, zero, false, `Unknown`).
    Missing,
    /// A required member was `null`: it holds its default.
    Null,
    /// A number was sent as a string (`"23"`, `"1.5"`): the number was read from it.
    NumberFromString,
    /// A string member was sent as a number: it holds the number's text.
    StringFromNumber,
    /// An integer member was sent as an integral float (`2.0`): it holds the integer.
    IntegerFromFloat,
    /// A boolean was sent as `"true"`/`"false"` (in any letter case) or `"0"`/`"1"`.
    BoolFromString,
    /// A boolean was sent as the number `0` or `1`.
    BoolFromNumber,
    /// A boolean the spec sends as `0`/`1` was sent as `true`/`false`.
    IntegerBoolFromBool,
}

impl CorrectionKind {
    /// What was done, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            CorrectionKind::Missing => "missing, set to its default",
            CorrectionKind::Null => "null, set to its default",
            CorrectionKind::NumberFromString => "a number sent as a string, read as the number",
            CorrectionKind::StringFromNumber => "a string sent as a number, kept as its text",
            CorrectionKind::IntegerFromFloat => "an integer sent as an integral float, read as the integer",
            CorrectionKind::BoolFromString => "a boolean sent as a string, read as the boolean",
            CorrectionKind::BoolFromNumber => "a boolean sent as 0 or 1, read as the boolean",
            CorrectionKind::IntegerBoolFromBool => "a 0/1 boolean sent as true/false, read as the boolean",
        }
    }
}

/// One corrected value of a response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Correction {
    /// Where: `Response.Certificates[3].Status`.
    pub path: String,
    /// What was done.
    pub kind: CorrectionKind,
    /// The value as sent, shortened and on one line; empty when the member was missing.
    pub sent: String,
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind.describe())?;
        if !self.sent.is_empty() {
            write!(f, " (sent {})", self.sent)?;
        }
        Ok(())
    }
}

/// The corrections of one response, in the order the decoder made them. Empty (and never
/// allocated) when the server sent what the spec says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Corrections(Vec<Correction>);

impl Corrections {
    /// Whether the response needed no correction.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many values were corrected.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The corrections.
    pub fn iter(&self) -> std::slice::Iter<'_, Correction> {
        self.0.iter()
    }

    pub(crate) fn from_vec(corrections: Vec<Correction>) -> Self {
        Corrections(corrections)
    }
}

impl<'a> IntoIterator for &'a Corrections {
    type Item = &'a Correction;
    type IntoIter = std::slice::Iter<'a, Correction>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_outermost_first() {
        let mut text = String::new();
        let segments =
            [Segment::Field("Status"), Segment::Index(3), Segment::Field("Certificates"), Segment::Field("Response")];
        write_path(&segments, &mut text).ok();
        assert_eq!(text, "Response.Certificates[3].Status");
    }

    #[test]
    fn a_correction_says_where_what_and_what_was_sent() {
        let correction =
            Correction { path: "Response.Status".into(), kind: CorrectionKind::NumberFromString, sent: "\"8\"".into() };
        assert_eq!(
            correction.to_string(),
            "Response.Status: a number sent as a string, read as the number (sent \"8\")"
        );
    }
}
