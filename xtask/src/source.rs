//! Where the metadata is read from: a published wheel (a zip file) or a directory where one was
//! unpacked. Both are seen as a set of files named by their path inside the package
//! (`tccli/services/ssl/v20191205/api.json`), so nothing else cares which it is.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::import::ImportError;

/// A metadata file that cannot be read, as the library names such problems.
fn metadata_error(file: String, message: String) -> ImportError {
    ImportError::Import(tcgen::import::ImportError::Metadata { file, message })
}

/// Metadata files larger than this are refused: the largest real one (csip's api.json) is a few MiB.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// An opened wheel or directory. A clone reads independently of the original (a wheel is held
/// in memory, shared), so each thread can have its own.
#[derive(Debug, Clone)]
pub struct PackageFiles {
    origin: PathBuf,
    kind: Kind,
    /// Every file, by path inside the package (with `/`).
    names: Vec<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Zip(Box<zip::ZipArchive<io::Cursor<Arc<[u8]>>>>),
    Dir,
}

impl PackageFiles {
    /// Opens `path`: a directory is walked, anything else is read as a zip file.
    pub fn open(path: &Path) -> Result<Self, ImportError> {
        let io_error = |error: io::Error| ImportError::Io { path: path.to_owned(), error };
        if fs::metadata(path).map_err(io_error)?.is_dir() {
            let mut names = Vec::new();
            walk(path, path, &mut names)?;
            names.sort();
            return Ok(Self { origin: path.to_owned(), kind: Kind::Dir, names });
        }
        let bytes: Arc<[u8]> = fs::read(path).map_err(io_error)?.into();
        let archive = zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(|error| ImportError::Archive {
            path: path.to_owned(),
            message: format!("not a readable wheel (zip) file: {error}"),
        })?;
        let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        Ok(Self { origin: path.to_owned(), kind: Kind::Zip(Box::new(archive)), names })
    }

    /// Every file's path inside the package, sorted.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How messages name a file of this package: `<wheel or dir>!<path inside>`.
    pub fn label(&self, name: &str) -> String {
        format!("{}!{name}", self.origin.display())
    }

    /// The text of the file `name`, or `None` when the package has no such file.
    pub fn read(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        if self.names.binary_search_by(|probe| probe.as_str().cmp(name)).is_err() {
            return Ok(None);
        }
        let label = self.label(name);
        let mut bytes = Vec::new();
        match &mut self.kind {
            Kind::Dir => {
                let path = self.origin.join(name);
                let file = File::open(&path).map_err(|error| ImportError::Io { path: path.clone(), error })?;
                file.take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|error| ImportError::Io { path, error })?;
            }
            Kind::Zip(archive) => {
                let entry = archive.by_name(name).map_err(|error| {
                    metadata_error(label.clone(), format!("cannot be read from the archive: {error}"))
                })?;
                entry
                    .take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|error| metadata_error(label.clone(), format!("cannot be unpacked: {error}")))?;
            }
        }
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let message = format!("larger than {MAX_FILE_BYTES} bytes; refused");
            return Err(metadata_error(label, message));
        }
        String::from_utf8(bytes).map(Some).map_err(|error| metadata_error(label, format!("not UTF-8: {error}")))
    }

    /// The service versions whose files match `prefix/<package>/<version>/<file_name>`, as
    /// (package, version directory) -> path. Version directories are `v` and eight digits.
    pub fn service_versions(&self, prefix: &str, file_name: &str) -> BTreeMap<(String, String), String> {
        let mut found = BTreeMap::new();
        for name in &self.names {
            let Some(rest) = name.strip_prefix(prefix) else { continue };
            let parts: Vec<&str> = rest.split('/').collect();
            // No let-chains: the workspace's minimum Rust is 1.85.
            if let [package, version, file] = parts.as_slice() {
                if *file == file_name && is_version_dir(version) {
                    found.insert(((*package).to_owned(), (*version).to_owned()), name.clone());
                }
            }
        }
        found
    }
}

/// `v20191205`.
pub fn is_version_dir(name: &str) -> bool {
    name.len() == 9 && name.starts_with('v') && name[1..].bytes().all(|b| b.is_ascii_digit())
}

fn walk(root: &Path, dir: &Path, names: &mut Vec<String>) -> Result<(), ImportError> {
    let io_error = |error: io::Error| ImportError::Io { path: dir.to_owned(), error };
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        if path.is_dir() {
            walk(root, &path, names)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            names.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}
