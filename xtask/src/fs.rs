//! The only place that touches the disk: atomic writes, directory walks and
//! the [`Loader`] handed to the generator.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use generator::Loader;

/// Reads spec files relative to a base directory (the workspace root for
/// `codegen`, the current directory for `generate`).
///
/// The second wall behind the generator's own `$ref` confinement: a file is
/// read only if it lies inside the spec directory tree once both are
/// canonicalized, so `..` and symbolic links (to files or to directories)
/// cannot lead out of it. Only a spec named on the command line is read
/// wherever it is.
#[derive(Debug, Clone)]
pub(crate) struct DiskLoader {
    /// Directory that relative paths are resolved against.
    base: PathBuf,
    /// The directory tree referenced files must be in (relative to `base`,
    /// or absolute).
    tree: PathBuf,
    /// Specs named on the command line, as the generator names them: read
    /// as given.
    named: Vec<String>,
}

impl DiskLoader {
    /// A loader resolving relative paths against `base` that reads the
    /// specs `named` on the command line and files inside `tree`.
    pub(crate) fn new(base: impl Into<PathBuf>, tree: impl Into<PathBuf>, named: Vec<String>) -> Self {
        Self { base: base.into(), tree: tree.into(), named }
    }

    /// The canonical path of `path`, if it is inside the tree.
    fn confined(&self, path: &str) -> Result<PathBuf, String> {
        let tree = self.base.join(&self.tree);
        let tree = fs::canonicalize(&tree)
            .map_err(|error| format!("cannot resolve the spec directory {}: {error}", tree.display()))?;
        let file = fs::canonicalize(self.base.join(path)).map_err(|error| error.to_string())?;
        if file.starts_with(&tree) {
            Ok(file)
        } else {
            Err("refused: the file is outside the root spec's directory once symbolic links and `..` are resolved"
                .to_owned())
        }
    }
}

impl Loader for DiskLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        let file = if self.named.iter().any(|named| named == path) {
            self.base.join(path)
        } else {
            // Read the checked, canonical path, not the name again.
            self.confined(path)?
        };
        fs::read_to_string(file).map_err(|error| error.to_string())
    }
}

/// Writes `contents` to `path` unless the file already holds exactly these
/// bytes. Returns whether it wrote. Parent directories are created.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
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
pub(crate) fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
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
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no file name", path.display())))?;
    let mut last_error = None;
    for _ in 0..100 {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}-{unique}.tmp", std::process::id()));
        let temp = path.with_file_name(temp_name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("could not create a temporary file")))
}

/// Every file below `dir` (recursively), as paths relative to `dir`, sorted.
/// A missing `dir` has no files. Symbolic links are listed as files and not
/// followed.
pub(crate) fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
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
pub(crate) fn remove_empty_parents(file: &Path, stop: &Path) -> io::Result<()> {
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
pub(crate) fn slash_path(relative: &Path) -> String {
    let parts: Vec<_> = relative.components().map(|part| part.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

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
        let loader = DiskLoader::new(root, "specs", vec!["specs/api.yaml".to_owned()]);

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
