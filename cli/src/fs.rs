//! Writing generated files: atomic, only-when-changed writes, all-or-nothing
//! transactions, directory walks. (Specs are read with
//! [`generator::build::DiskLoader`].)

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` unless the file already holds exactly these
/// bytes. Returns whether it wrote. Parent directories are created.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    match fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => return Ok(false),
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    write_atomic(path, contents)?;
    Ok(true)
}

/// Writes a temporary file next to `path`, then renames it over `path`, so
/// readers (and a build running in parallel) see the old or the new file,
/// never half of one.
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    let (temp, mut file) = create_temp_beside(path)?;
    let written = file.write_all(contents.as_bytes()).and_then(|()| file.sync_all());
    drop(file);
    let written = written.and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Creates a fresh, uniquely named file in the directory of `path`.
fn create_temp_beside(path: &Path) -> io::Result<(PathBuf, fs::File)> {
    beside(path, "tmp", |temp| fs::OpenOptions::new().write(true).create_new(true).open(temp))
}

/// Calls `create` with fresh names beside `path` (`.name.<pid>-<n>.<suffix>`)
/// until it does not fail with `AlreadyExists`.
fn beside<T>(path: &Path, suffix: &str, mut create: impl FnMut(&Path) -> io::Result<T>) -> io::Result<(PathBuf, T)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name =
        path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no file name", path.display())))?;
    let mut last_error = None;
    for _ in 0..100 {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut unique_name = std::ffi::OsString::from(".");
        unique_name.push(name);
        unique_name.push(format!(".{}-{unique}.{suffix}", std::process::id()));
        let candidate = path.with_file_name(unique_name);
        match create(&candidate) {
            Ok(created) => return Ok((candidate, created)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("could not create a uniquely named file")))
}

/// One change of a [`replace_all`] transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<'a> {
    /// Create or replace the file at `path`.
    Write {
        /// The file.
        path: PathBuf,
        /// Its new contents.
        contents: &'a str,
    },
    /// Remove the file at `path`, then the directories that leaves empty,
    /// up to but not including `stop`.
    Remove {
        /// The file.
        path: PathBuf,
        /// Where removing empty parents stops.
        stop: PathBuf,
    },
}

/// What the commit phase did to one path, and how to undo it.
enum Done {
    /// A file was replaced; `backup` holds the old one (a hard link, or a
    /// copy where links are not supported).
    Replaced { path: PathBuf, backup: PathBuf },
    /// A file was created where there was none.
    Created { path: PathBuf },
    /// A file was removed by renaming it to `backup`.
    Removed { path: PathBuf, backup: PathBuf },
}

impl Done {
    fn undo(&self) -> io::Result<()> {
        match self {
            Done::Replaced { path, backup } | Done::Removed { path, backup } => fs::rename(backup, path),
            Done::Created { path } => fs::remove_file(path),
        }
    }

    fn backup(&self) -> Option<&Path> {
        match self {
            Done::Replaced { backup, .. } | Done::Removed { backup, .. } => Some(backup),
            Done::Created { .. } => None,
        }
    }
}

/// Applies every edit or none, as far as the file system allows:
///
/// 1. **stage**: each new file is written (and synced) to a temporary file
///    beside its target, creating missing directories; a failure removes the
///    temporary files and the directories created, and nothing was changed;
/// 2. **replace**: one by one, each target is replaced by an atomic rename
///    (the old file kept as a hard-linked backup) and each removed file is
///    renamed aside; if any step fails, every step already taken is undone
///    in reverse, the staged files and created directories are removed, and
///    the error says the tree was restored;
/// 3. **clean up**: backups are deleted and directories left empty by
///    removals are removed.
///
/// Readers see each file old or new, never half written. Errors name the
/// path; if undoing itself fails, the error lists what to check by hand.
pub fn replace_all(edits: &[Edit<'_>]) -> Result<(), String> {
    let mut created_dirs = Vec::new();
    let mut staged: Vec<Option<PathBuf>> = Vec::with_capacity(edits.len());
    for edit in edits {
        let Edit::Write { path, contents } = edit else {
            staged.push(None);
            continue;
        };
        match stage(path, contents, &mut created_dirs) {
            Ok(temp) => staged.push(Some(temp)),
            Err(error) => {
                let mut problems = Vec::new();
                discard(&staged, &created_dirs, &mut problems);
                return Err(failure("write", path, &error, "nothing was changed", &problems));
            }
        }
    }
    let mut done: Vec<Done> = Vec::with_capacity(edits.len());
    for (index, edit) in edits.iter().enumerate() {
        let (verb, path, result) = match (edit, staged.get_mut(index).and_then(Option::take)) {
            (Edit::Write { path, .. }, Some(temp)) => match replace(path, &temp) {
                Ok(step) => ("write", path, Ok(step)),
                Err(error) => {
                    staged[index] = Some(temp); // still there: discard it below
                    ("write", path, Err(error))
                }
            },
            (Edit::Write { path, .. }, None) => ("write", path, Err(io::Error::other("the file was not staged"))),
            (Edit::Remove { path, .. }, _) => ("remove", path, remove_aside(path)),
        };
        match result {
            Ok(step) => done.push(step),
            Err(error) => {
                let mut problems = Vec::new();
                for step in done.iter().rev() {
                    if let Err(undo_error) = step.undo() {
                        let kept = step.backup().map_or_else(String::new, |backup| format!(" (old file kept as {})", backup.display()));
                        problems.push(format!("{}: {undo_error}{kept}", step_path(step).display()));
                    }
                }
                discard(&staged, &created_dirs, &mut problems);
                let outcome = "every file already replaced or removed was restored; the tree is as it was";
                return Err(failure(verb, path, &error, outcome, &problems));
            }
        }
    }
    let mut problems = Vec::new();
    for backup in done.iter().filter_map(Done::backup) {
        if let Err(error) = fs::remove_file(backup) {
            problems.push(format!("{}: {error}", backup.display()));
        }
    }
    for edit in edits {
        if let Edit::Remove { path, stop } = edit
            && let Err(error) = remove_empty_parents(path, stop)
        {
            problems.push(format!("{}: {error}", path.display()));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(format!("every file was updated, but cleaning up failed: {}", problems.join("; "))) }
}

fn step_path(step: &Done) -> &Path {
    match step {
        Done::Replaced { path, .. } | Done::Created { path } | Done::Removed { path, .. } => path,
    }
}

/// Writes `contents` to a synced temporary file beside `path`, creating
/// missing parent directories (recorded in `created_dirs`, outermost first).
fn stage(path: &Path, contents: &str, created_dirs: &mut Vec<PathBuf>) -> io::Result<PathBuf> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        let mut missing = Vec::new();
        let mut dir = Some(parent);
        while let Some(current) = dir.filter(|current| !current.as_os_str().is_empty()) {
            match fs::symlink_metadata(current) {
                Ok(_) => break,
                Err(error) if error.kind() == io::ErrorKind::NotFound => missing.push(current.to_path_buf()),
                Err(error) => return Err(error),
            }
            dir = current.parent();
        }
        for dir in missing.into_iter().rev() {
            match fs::create_dir(&dir) {
                Ok(()) => created_dirs.push(dir),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(error),
            }
        }
    }
    let (temp, mut file) = create_temp_beside(path)?;
    let written = file.write_all(contents.as_bytes()).and_then(|()| file.sync_all());
    drop(file);
    if let Err(error) = written {
        let _ = fs::remove_file(&temp); // best effort; the write error is the one to report
        return Err(error);
    }
    Ok(temp)
}

/// Renames the staged `temp` over `path`, keeping a backup of a file that
/// was there.
fn replace(path: &Path, temp: &Path) -> io::Result<Done> {
    let backup = match fs::symlink_metadata(path) {
        // A directory cannot be backed up this way; the rename below fails
        // on it and leaves it alone.
        Ok(metadata) if !metadata.is_dir() => Some(backup_of(path)?),
        Ok(_) => None,
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if let Err(error) = fs::rename(temp, path) {
        if let Some(backup) = &backup {
            let _ = fs::remove_file(backup); // the original is untouched
        }
        return Err(error);
    }
    Ok(match backup {
        Some(backup) => Done::Replaced { path: path.to_path_buf(), backup },
        None => Done::Created { path: path.to_path_buf() },
    })
}

/// A second name for the file at `path` (a hard link; a copy where the file
/// system has no links), so that it can be put back.
fn backup_of(path: &Path) -> io::Result<PathBuf> {
    match beside(path, "bak", |backup| fs::hard_link(path, backup)) {
        Ok((backup, ())) => Ok(backup),
        Err(_) => {
            let (backup, file) = beside(path, "bak", |backup| fs::OpenOptions::new().write(true).create_new(true).open(backup))?;
            drop(file);
            match fs::copy(path, &backup) {
                Ok(_) => Ok(backup),
                Err(error) => {
                    let _ = fs::remove_file(&backup);
                    Err(error)
                }
            }
        }
    }
}

/// Removes the file at `path` by renaming it aside.
fn remove_aside(path: &Path) -> io::Result<Done> {
    let (backup, ()) = beside(path, "bak", |backup| match fs::symlink_metadata(backup) {
        Ok(_) => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    })?;
    fs::rename(path, &backup)?;
    Ok(Done::Removed { path: path.to_path_buf(), backup })
}

/// Removes the staged files still present and the directories created for
/// them (innermost first, only if empty).
fn discard(staged: &[Option<PathBuf>], created_dirs: &[PathBuf], problems: &mut Vec<String>) {
    for temp in staged.iter().flatten() {
        if let Err(error) = fs::remove_file(temp)
            && error.kind() != io::ErrorKind::NotFound
        {
            problems.push(format!("{}: {error}", temp.display()));
        }
    }
    for dir in created_dirs.iter().rev() {
        if let Err(error) = fs::remove_dir(dir)
            && error.kind() != io::ErrorKind::NotFound
        {
            problems.push(format!("{}: {error}", dir.display()));
        }
    }
}

/// The error text of a failed [`replace_all`].
fn failure(verb: &str, path: &Path, error: &io::Error, outcome: &str, problems: &[String]) -> String {
    if problems.is_empty() {
        format!("cannot {verb} {}: {error}; {outcome}", path.display())
    } else {
        format!(
            "cannot {verb} {}: {error}; restoring the previous state failed too, check by hand: {}",
            path.display(),
            problems.join("; ")
        )
    }
}

/// Every file below `dir` (recursively), as paths relative to `dir`, sorted.
/// A missing `dir` has no files. Symbolic links are listed as files and not
/// followed.
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let entries = match fs::read_dir(dir.join(&relative)) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound && relative.as_os_str().is_empty() => {
                return Ok(files);
            }
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let path = relative.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// After `file` was removed, removes its parent directories that are now
/// empty, up to but not including `stop`.
pub fn remove_empty_parents(file: &Path, stop: &Path) -> io::Result<()> {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == stop || !current.starts_with(stop) || fs::read_dir(current)?.next().is_some() {
            break;
        }
        fs::remove_dir(current)?;
        dir = current.parent();
    }
    Ok(())
}

/// `relative` with `/` separators on every platform, for messages and for
/// comparing with the generator's output keys.
pub fn slash_path(relative: &Path) -> String {
    let parts: Vec<_> = relative.components().map(|part| part.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    use generator::Loader;
    use generator::build::DiskLoader;

    #[cfg(unix)]
    #[test]
    fn loader_refuses_files_outside_the_tree() -> io::Result<()> {
        use std::os::unix::fs::symlink;
        let temp = TempDir::new("loader")?;
        let root = temp.path();
        write_if_changed(&root.join("specs/api.yaml"), "root")?;
        write_if_changed(&root.join("specs/shared/real.yaml"), "inside")?;
        write_if_changed(&root.join("outside/secret.yaml"), "s3cr3t")?;
        symlink(root.join("outside/secret.yaml"), root.join("specs/link.yaml"))?;
        symlink(root.join("outside"), root.join("specs/dir-link"))?;
        symlink(root.join("specs/shared/real.yaml"), root.join("specs/inner-link.yaml"))?;
        let loader = DiskLoader::new(root, ["specs"], vec!["specs/api.yaml".to_owned()]);

        assert_eq!(loader.load("specs/api.yaml"), Ok("root".to_owned()));
        assert_eq!(loader.load("specs/shared/real.yaml"), Ok("inside".to_owned()));
        assert_eq!(loader.load("specs/inner-link.yaml"), Ok("inside".to_owned()), "a link inside the tree is fine");
        for path in ["specs/link.yaml", "specs/dir-link/secret.yaml", "specs/../outside/secret.yaml", "outside/secret.yaml"] {
            let error = loader.load(path).err().unwrap_or_default();
            assert!(error.starts_with("refused: the file is outside"), "{path}: {error:?}");
        }
        assert!(loader.load("specs/missing.yaml").is_err_and(|error| !error.starts_with("refused")));
        Ok(())
    }

    #[test]
    fn writes_only_when_changed() -> io::Result<()> {
        let temp = TempDir::new("write")?;
        let path = temp.path().join("a/b/file.rs");

        assert!(write_if_changed(&path, "one")?, "a missing file is written");
        assert_eq!(fs::read_to_string(&path)?, "one");
        let modified = fs::metadata(&path)?.modified()?;

        assert!(!write_if_changed(&path, "one")?, "identical content is left alone");
        assert_eq!(fs::metadata(&path)?.modified()?, modified);

        assert!(write_if_changed(&path, "two")?, "different content is written");
        assert_eq!(fs::read_to_string(&path)?, "two");

        assert_eq!(files_under(temp.path())?, vec![PathBuf::from("a/b/file.rs")], "no temporary file is left");
        Ok(())
    }

    fn write_edit<'a>(dir: &Path, path: &str, contents: &'a str) -> Edit<'a> {
        Edit::Write { path: dir.join(path), contents }
    }

    #[test]
    fn replace_all_writes_creates_and_removes() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("replace")?;
        let dir = temp.path();
        write_if_changed(&dir.join("src/a.rs"), "old a")?;
        write_if_changed(&dir.join("src/gone/deep/old.rs"), "old")?;
        let edits = [
            Edit::Remove { path: dir.join("src/gone/deep/old.rs"), stop: dir.join("src") },
            write_edit(dir, "src/a.rs", "new a"),
            write_edit(dir, "src/new/b.rs", "new b"),
        ];
        replace_all(&edits)?;
        let files: Vec<String> = files_under(dir)?.iter().map(|path| slash_path(path)).collect();
        assert_eq!(files, ["src/a.rs", "src/new/b.rs"], "no temporary or backup file is left; emptied directories are gone");
        assert_eq!(fs::read_to_string(dir.join("src/a.rs"))?, "new a");
        assert_eq!(fs::read_to_string(dir.join("src/new/b.rs"))?, "new b");
        Ok(())
    }

    /// The replace phase fails on the fourth edit (a non-empty directory at
    /// a file's path: `rename` fails, also for root); the removal, the
    /// replacement and the new file and directory before it are undone.
    #[test]
    fn a_failed_replacement_restores_the_tree() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("replace-fails")?;
        let dir = temp.path();
        write_if_changed(&dir.join("src/a.rs"), "old a")?;
        write_if_changed(&dir.join("src/orphan/old.rs"), "orphan")?;
        write_if_changed(&dir.join("src/m.rs/inner.txt"), "in the way")?;
        write_if_changed(&dir.join("src/z.rs"), "old z")?;
        let modified = fs::metadata(dir.join("src/a.rs"))?.modified()?;
        let before = crate::test_support::snapshot(dir)?;
        let edits = [
            Edit::Remove { path: dir.join("src/orphan/old.rs"), stop: dir.join("src") },
            write_edit(dir, "src/a.rs", "new a"),
            write_edit(dir, "src/new/deeper/b.rs", "new b"),
            write_edit(dir, "src/m.rs", "new m"),
            write_edit(dir, "src/z.rs", "new z"),
        ];
        let error = replace_all(&edits).err().unwrap_or_default();
        assert!(error.starts_with(&format!("cannot write {}: ", dir.join("src/m.rs").display())), "{error}");
        assert!(error.ends_with("was restored; the tree is as it was"), "{error}");
        assert_eq!(crate::test_support::snapshot(dir)?, before, "byte-identical, no staged or backup file left");
        assert_eq!(fs::metadata(dir.join("src/a.rs"))?.modified()?, modified, "the original file itself is back");
        Ok(())
    }

    /// Staging fails (a file where a directory must be created: fails for
    /// root too); the files staged before it and their directories go.
    #[test]
    fn a_failed_staging_changes_nothing() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("stage-fails")?;
        let dir = temp.path();
        write_if_changed(&dir.join("src/a.rs"), "old a")?;
        write_if_changed(&dir.join("src/file"), "not a directory")?;
        let before = crate::test_support::snapshot(dir)?;
        let edits = [
            write_edit(dir, "src/a.rs", "new a"),
            write_edit(dir, "src/new/deeper/b.rs", "new b"),
            write_edit(dir, "src/file/c.rs", "new c"),
        ];
        let error = replace_all(&edits).err().unwrap_or_default();
        assert!(error.ends_with("; nothing was changed"), "{error}");
        assert_eq!(crate::test_support::snapshot(dir)?, before);
        Ok(())
    }

    #[test]
    fn lists_files_recursively() -> io::Result<()> {
        let temp = TempDir::new("list")?;
        assert_eq!(files_under(&temp.path().join("missing"))?, Vec::<PathBuf>::new());
        for file in ["z.rs", "a/x.rs", "a/b/y.rs"] {
            write_if_changed(&temp.path().join(file), "")?;
        }
        fs::create_dir_all(temp.path().join("empty"))?;
        let files: Vec<String> = files_under(temp.path())?.iter().map(|path| slash_path(path)).collect();
        assert_eq!(files, ["a/b/y.rs", "a/x.rs", "z.rs"]);
        Ok(())
    }

    #[test]
    fn removes_only_empty_parents() -> io::Result<()> {
        let temp = TempDir::new("parents")?;
        let src = temp.path().join("src");
        write_if_changed(&src.join("keep/other.rs"), "")?;
        write_if_changed(&src.join("keep/gone/deeper/file.rs"), "")?;
        let file = src.join("keep/gone/deeper/file.rs");
        fs::remove_file(&file)?;
        remove_empty_parents(&file, &src)?;
        assert!(!src.join("keep/gone").exists());
        assert!(src.join("keep/other.rs").exists());
        Ok(())
    }
}
