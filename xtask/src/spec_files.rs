//! Which files are specs, and reading them bounded and typed.
//!
//! In `specs/services/`, every `*.yaml` file is a spec. A name that ends in another spelling of
//! the extension (`.yml`, `.YAML`) is an error that asks for the rename, never silently ignored:
//! a spec that is not read would drop its service without a word. Everything else (`README.md`,
//! `.gitkeep`, an editor's hidden lock or swap file) is ignored.
//!
//! A spec is read only when it is a regular file, or a symbolic link to one: a FIFO would block
//! the read forever and a device (`/dev/zero`) never ends. At most
//! [`tcgen::load::MAX_SPEC_BYTES`] are read, counted while reading, so a file that grows without
//! end is refused too. The text must be UTF-8; the first invalid byte is reported at its line and
//! column. Each of these problems is a [`Diagnostic`] in the format of the spec problems
//! (`specs/services/x.yaml:3:7: ...`), reported together with them, and nothing is written.

use std::fs::{self, File};
use std::io::{self, Read as _};
use std::path::Path;

use tcgen::location::Position;
use tcgen::{Diagnostic, SpecSource};

/// The extension of spec files.
pub const SPEC_EXTENSION: &str = "yaml";

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// The path names something other than a regular file (after following symbolic links).
    NotRegular(&'static str),
    /// The file has more than the cap.
    TooLarge(usize),
    /// The file is not UTF-8: the first invalid byte, its offset and where it stands.
    InvalidUtf8 { byte: Option<u8>, offset: usize, position: Position },
    /// The operating system refused (not found, permission denied, ...).
    Io(io::Error),
}

/// Reads the regular file at `path` (following symbolic links to one) as UTF-8 text of at most
/// `max` bytes. Nothing else is opened, and no more than `max + 1` bytes are read.
pub fn read_text(path: &Path, max: usize) -> Result<String, ReadError> {
    let metadata = fs::metadata(path).map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(describe(metadata.file_type())));
    }
    // The file can be replaced between the check and the open; the open of a FIFO put there in
    // that instant would block (std has no portable O_NONBLOCK). What is opened is checked again.
    let file = File::open(path).map_err(ReadError::Io)?;
    let opened = file.metadata().map_err(ReadError::Io)?;
    if !opened.is_file() {
        return Err(ReadError::NotRegular(describe(opened.file_type())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(max).min(max) + 1);
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() > max {
        return Err(ReadError::TooLarge(max));
    }
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let byte = error.utf8_error().error_len().map(|_| bytes[offset]);
        ReadError::InvalidUtf8 { byte, offset, position: position_of(bytes, offset) }
    })
}

/// The line and column of the byte at `offset`, whose prefix is valid UTF-8. Columns count
/// characters, as in the loader's diagnostics.
fn position_of(bytes: &[u8], offset: usize) -> Position {
    let prefix = String::from_utf8_lossy(&bytes[..offset]);
    let line_start = prefix.rfind('\n').map_or(0, |newline| newline + 1);
    Position { line: prefix.matches('\n').count() + 1, column: prefix[line_start..].chars().count() + 1 }
}

fn describe(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() { "a directory" } else { "not a regular file" }
}

/// Reads the spec at `relative` (to `root`, with `/` separators, as it appears in messages).
pub fn read_spec(root: &Path, relative: &str) -> Result<SpecSource, Diagnostic> {
    match read_text(&root.join(relative), tcgen::load::MAX_SPEC_BYTES) {
        Ok(text) => Ok(SpecSource { path: relative.to_owned(), text }),
        Err(error) => Err(diagnostic(relative, error)),
    }
}

/// The diagnostic of a spec that cannot be read.
fn diagnostic(relative: &str, error: ReadError) -> Diagnostic {
    let start = Position { line: 1, column: 1 };
    let (position, message, expected) = match error {
        ReadError::NotRegular(kind) => (
            start,
            format!("the spec is {kind}, not a regular file"),
            "a regular file, or a symbolic link to one".into(),
        ),
        ReadError::TooLarge(max) => {
            (start, format!("the file is larger than {max} bytes"), format!("at most {max} bytes"))
        }
        ReadError::InvalidUtf8 { byte: Some(byte), offset, position } => (
            position,
            format!("the file is not valid UTF-8: byte 0x{byte:02x} at offset {offset} is not part of a character"),
            "UTF-8 text".into(),
        ),
        ReadError::InvalidUtf8 { byte: None, offset, position } => (
            position,
            format!("the file is not valid UTF-8: it ends inside a character that starts at offset {offset}"),
            "UTF-8 text".into(),
        ),
        ReadError::Io(error) => (start, format!("cannot read the file: {error}"), "a readable regular file".into()),
    };
    Diagnostic { file: relative.to_owned(), position, message, expected }
}

/// The service specs in `root/<dir>` (`dir` relative, with `/` separators), sorted by name: each
/// one read, or the diagnostic of why it cannot be. Other files are left out (see the module
/// documentation). Fails only when the directory itself cannot be listed.
pub fn service_specs(root: &Path, dir: &str) -> io::Result<Vec<Result<SpecSource, Diagnostic>>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(root.join(dir))? {
        names.push(entry?.file_name());
    }
    names.sort();
    let mut specs = Vec::new();
    for name in names {
        let lossy = name.to_string_lossy();
        if lossy.starts_with('.') {
            continue; // hidden: `.gitkeep`, editor lock and swap files
        }
        let relative = format!("{dir}/{lossy}");
        let Some((stem, extension)) = lossy.rsplit_once('.') else { continue };
        let is_yaml = extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml");
        if !is_yaml {
            continue;
        }
        let problem = if extension != SPEC_EXTENSION {
            Some((
                format!("`{lossy}` is not read: spec files end in `.{SPEC_EXTENSION}`"),
                format!("rename it to `{stem}.{SPEC_EXTENSION}`"),
            ))
        } else if name.to_str().is_none() {
            Some(("the file name is not valid UTF-8".to_owned(), "a UTF-8 file name".to_owned()))
        } else {
            None
        };
        specs.push(match problem {
            Some((message, expected)) => {
                Err(Diagnostic { file: relative, position: Position { line: 1, column: 1 }, message, expected })
            }
            None => read_spec(root, &relative),
        });
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_position_of_an_offset_counts_lines_and_characters() {
        let text = "ab\ncd\nxé1234".as_bytes();
        assert_eq!(position_of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position_of(text, 3), Position { line: 2, column: 1 });
        assert_eq!(position_of(text, text.len()), Position { line: 3, column: 7 });
    }
}
