//! Changes several files all or nothing: either every write and every removal happens, or the
//! tree is left as it was, with no temporary or backup file behind.
//!
//! 1. **Stage**: every new file is written in full to a hidden temporary file next to its target
//!    (`.<name>.tcgen-<pid>-<n>.tmp`), creating the directories it needs.
//! 2. **Install**: for each target, the file it replaces is first kept aside as a backup
//!    (`.<name>.tcgen-<pid>-<n>.bak`, a hard link, or a copy where the file system has none), then
//!    the temporary file is renamed onto it. The target is never missing: the rename replaces it
//!    in one step.
//! 3. **Remove**: only once every rename has succeeded, each file to remove is renamed aside to a
//!    backup.
//! 4. **Discard**: the backups are deleted, and the directories the removals emptied.
//!
//! A failure in steps 1 to 3 undoes everything done so far, newest first: backups are renamed
//! back over the new files (or back into place, for removals), files that did not exist are
//! deleted, temporary files and the directories created for them are removed. Should an undo step
//! fail too, the error says which file is where. A failure in step 4 leaves the change complete
//! and names the backup left behind.
//!
//! A process killed in the middle can leave files old and new mixed, and hidden `.tcgen-` files
//! next to them; `cargo xtask codegen` counts those as extra and removes them, and the next run
//! completes the change.
//!
//! Every step calls a hook first ([`commit_with`]), which the tests use to make the k-th step
//! fail.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A step of [`commit_with`], passed to its hook just before it is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// A directory a new file needs is about to be created.
    CreateDir(&'a Path),
    /// The temporary file of this target has been created, empty; its contents come next.
    Stage(&'a Path),
    /// The file at this target is about to be kept aside (before it is replaced).
    Backup(&'a Path),
    /// The temporary file is about to be renamed onto this target.
    Rename(&'a Path),
    /// This file, to be removed, is about to be renamed aside.
    Remove(&'a Path),
    /// The change is complete; this backup is about to be deleted.
    Discard(&'a Path),
}

impl Step<'_> {
    /// The path the step concerns.
    pub fn path(&self) -> &Path {
        match *self {
            Self::CreateDir(path)
            | Self::Stage(path)
            | Self::Backup(path)
            | Self::Rename(path)
            | Self::Remove(path)
            | Self::Discard(path) => path,
        }
    }
}

/// Why a commit failed.
#[derive(Debug)]
pub enum CommitError {
    /// A step failed and everything done before it was undone, except what `undo_failures` lists.
    Undone {
        /// The path the failed step concerned.
        path: PathBuf,
        /// What failed.
        error: io::Error,
        /// Undo steps that failed too, each saying what is left where. Empty: the tree is as it was.
        undo_failures: Vec<String>,
    },
    /// Every change is in place, but a backup could not be deleted.
    Cleanup {
        /// The backup left behind.
        path: PathBuf,
        /// Why it could not be deleted.
        error: io::Error,
    },
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undone { path, error, undo_failures } if undo_failures.is_empty() => {
                write!(f, "{}: {error}; every file was left as it was", path.display())
            }
            Self::Undone { path, error, undo_failures } => {
                write!(f, "{}: {error}; undoing the change failed as well:", path.display())?;
                for failure in undo_failures {
                    write!(f, "\n  {failure}")?;
                }
                Ok(())
            }
            Self::Cleanup { path, error } => {
                write!(f, "every file was written, but the backup {} could not be deleted: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for CommitError {}

/// Writes every `(target, contents)` and removes every file of `removals`, all or nothing.
pub fn commit(writes: &[(PathBuf, &[u8])], removals: &[PathBuf]) -> Result<(), CommitError> {
    commit_with(writes, removals, &mut |_| Ok(()))
}

/// [`commit`], calling `hook` before each step; an error from the hook fails that step.
pub fn commit_with(
    writes: &[(PathBuf, &[u8])],
    removals: &[PathBuf],
    hook: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
) -> Result<(), CommitError> {
    let mut journal = Journal::default();
    if let Err((path, error)) = journal.run(writes, removals, hook) {
        let undo_failures = journal.undo();
        return Err(CommitError::Undone { path, error, undo_failures });
    }
    journal.discard(hook)
}

/// What has been done so far, in order, so that it can be undone.
#[derive(Debug, Default)]
struct Journal {
    done: Vec<Done>,
}

#[derive(Debug)]
enum Done {
    /// A directory that did not exist.
    CreatedDir(PathBuf),
    /// A temporary file, not yet renamed.
    Staged { temporary: PathBuf },
    /// The temporary file of a target that did not exist was renamed onto it.
    Created { target: PathBuf },
    /// The original of `target` was kept as `backup`, then replaced.
    Replaced { target: PathBuf, backup: PathBuf },
    /// The original of `target` was kept as `backup`; the rename onto it has not happened.
    KeptAside { backup: PathBuf },
    /// A file to remove was renamed to `backup`.
    Removed { original: PathBuf, backup: PathBuf },
}

type Failure = (PathBuf, io::Error);

fn at(path: &Path) -> impl FnOnce(io::Error) -> Failure + '_ {
    move |error| (path.to_owned(), error)
}

impl Journal {
    fn run(
        &mut self,
        writes: &[(PathBuf, &[u8])],
        removals: &[PathBuf],
        hook: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
    ) -> Result<(), Failure> {
        let mut staged = Vec::with_capacity(writes.len());
        for (target, contents) in writes {
            staged.push(self.stage(target, contents, hook)?);
        }
        for ((target, _), temporary) in writes.iter().zip(staged) {
            self.install(target, temporary, hook)?;
        }
        for original in removals {
            hook(Step::Remove(original)).map_err(at(original))?;
            let backup = free_aside_path(original, "bak").map_err(at(original))?;
            fs::rename(original, &backup).map_err(at(original))?;
            self.done.push(Done::Removed { original: original.clone(), backup });
        }
        Ok(())
    }

    /// Creates the missing directories above `target`, then its temporary file.
    fn stage(
        &mut self,
        target: &Path,
        contents: &[u8],
        hook: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
    ) -> Result<PathBuf, Failure> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let missing: Vec<&Path> = dir.ancestors().take_while(|ancestor| !ancestor.is_dir()).collect();
        for ancestor in missing.into_iter().rev() {
            if fs::symlink_metadata(ancestor).is_ok() {
                let error = io::Error::new(io::ErrorKind::NotADirectory, "not a directory, where one is needed");
                return Err((ancestor.to_owned(), error));
            }
            hook(Step::CreateDir(ancestor)).map_err(at(ancestor))?;
            fs::create_dir(ancestor).map_err(at(ancestor))?;
            self.done.push(Done::CreatedDir(ancestor.to_owned()));
        }
        let (temporary, mut file) = create_temporary(target).map_err(at(target))?;
        self.done.push(Done::Staged { temporary: temporary.clone() });
        hook(Step::Stage(target)).map_err(at(&temporary))?;
        file.write_all(contents).map_err(at(&temporary))?;
        file.flush().map_err(at(&temporary))?;
        Ok(temporary)
    }

    /// Keeps the file at `target` (if any) aside, then renames `temporary` onto it.
    fn install(
        &mut self,
        target: &Path,
        temporary: PathBuf,
        hook: &mut dyn FnMut(Step<'_>) -> io::Result<()>,
    ) -> Result<(), Failure> {
        let backup = match fs::symlink_metadata(target) {
            Ok(_) => {
                hook(Step::Backup(target)).map_err(at(target))?;
                let backup = keep_aside(target).map_err(at(target))?;
                self.done.push(Done::KeptAside { backup: backup.clone() });
                Some(backup)
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err((target.to_owned(), error)),
        };
        hook(Step::Rename(target)).map_err(at(target))?;
        fs::rename(&temporary, target).map_err(at(target))?;
        // The temporary file is the target now, and the backup belongs to the replacement.
        self.done.retain(|done| match done {
            Done::Staged { temporary: staged } => *staged != temporary,
            Done::KeptAside { backup: kept } => Some(kept) != backup.as_ref(),
            _ => true,
        });
        self.done.push(match backup {
            Some(backup) => Done::Replaced { target: target.to_owned(), backup },
            None => Done::Created { target: target.to_owned() },
        });
        Ok(())
    }

    /// Undoes everything, newest first; returns what could not be undone.
    fn undo(&mut self) -> Vec<String> {
        let mut failures = Vec::new();
        while let Some(done) = self.done.pop() {
            let result = match &done {
                Done::CreatedDir(dir) => fs::remove_dir(dir),
                Done::Staged { temporary } => fs::remove_file(temporary),
                Done::Created { target } => fs::remove_file(target),
                Done::Replaced { target, backup } => fs::rename(backup, target),
                Done::KeptAside { backup } => fs::remove_file(backup),
                Done::Removed { original, backup } => fs::rename(backup, original),
            };
            if let Err(error) = result {
                failures.push(match done {
                    Done::CreatedDir(dir) => {
                        format!("the new directory {} could not be removed: {error}", dir.display())
                    }
                    Done::Staged { temporary } => {
                        format!("the temporary file {} could not be removed: {error}", temporary.display())
                    }
                    Done::Created { target } => {
                        format!("the new file {} could not be removed: {error}", target.display())
                    }
                    Done::Replaced { target, backup } => format!(
                        "{} could not be restored: {error}; its original is {}",
                        target.display(),
                        backup.display()
                    ),
                    Done::KeptAside { backup } => {
                        format!("the backup {} could not be removed: {error}", backup.display())
                    }
                    Done::Removed { original, backup } => {
                        format!("{} could not be put back: {error}; it is {}", original.display(), backup.display())
                    }
                });
            }
        }
        failures
    }

    /// Deletes the backups once the change is complete.
    fn discard(self, hook: &mut dyn FnMut(Step<'_>) -> io::Result<()>) -> Result<(), CommitError> {
        let mut first_failure = None;
        for done in self.done {
            let (Done::Replaced { backup, .. } | Done::Removed { backup, .. }) = done else { continue };
            let result = hook(Step::Discard(&backup)).and_then(|()| fs::remove_file(&backup));
            if let Err(error) = result {
                first_failure.get_or_insert(CommitError::Cleanup { path: backup, error });
            }
        }
        first_failure.map_or(Ok(()), Err)
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A hidden path next to `target` for a temporary file or a backup (`kind` is `tmp` or `bak`):
/// next to it so that the rename stays on one file system, hidden and marked `.tcgen-` so that
/// what an interrupted run leaves is recognised.
pub fn aside_path(target: &Path, kind: &str) -> PathBuf {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.tcgen-{}-{n}.{kind}", std::process::id()))
}

/// Whether a file name is one of [`aside_path`]'s: what a run left when it was killed.
pub fn is_aside_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tcgen-") && (name.ends_with(".tmp") || name.ends_with(".bak"))
}

/// An [`aside_path`] where nothing exists yet.
fn free_aside_path(target: &Path, kind: &str) -> io::Result<PathBuf> {
    for _ in 0..100 {
        let candidate = aside_path(target, kind);
        match fs::symlink_metadata(&candidate) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(candidate),
            Err(error) => return Err(error),
            Ok(_) => continue,
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name for a temporary file next to it"))
}

/// Creates the temporary file of `target`, a new file that nothing else uses.
fn create_temporary(target: &Path) -> io::Result<(PathBuf, fs::File)> {
    for _ in 0..100 {
        let candidate = aside_path(target, "tmp");
        match fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(file) => return Ok((candidate, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name for a temporary file next to it"))
}

/// Keeps the file at `target` as a backup next to it, leaving `target` in place: a hard link, or
/// a copy where the file system has no hard links.
fn keep_aside(target: &Path) -> io::Result<PathBuf> {
    let backup = free_aside_path(target, "bak")?;
    if fs::hard_link(target, &backup).is_err() {
        if let Err(error) = fs::copy(target, &backup) {
            let _ = fs::remove_file(&backup);
            return Err(error);
        }
    }
    Ok(backup)
}

/// Writes one file atomically: a reader, or an interrupted run, sees the old file or the new one,
/// never half of one.
pub fn write_atomically(target: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir)?;
    }
    let (temporary, mut file) = create_temporary(target)?;
    let result = file.write_all(contents).and_then(|()| file.flush());
    drop(file);
    let result = result.and_then(|()| fs::rename(&temporary, target));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}
