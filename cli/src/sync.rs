//! Bringing a directory in line with generated output. One helper serves
//! both writing and `--check`, so the two can never disagree about what
//! "up to date" means.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::fs::{Edit, files_under, replace_all, slash_path};

/// First bytes of every generated Rust file (see `generator::format::header`).
const GENERATED_MARKER: &[u8] = b"// @generated";

/// Whether [`sync`] may change the file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write stale and missing files, remove orphaned ones.
    Write,
    /// Touch nothing; only report.
    Check,
}

/// Why a file differs from the generated output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// The file exists but its content differs.
    Stale,
    /// The output has the file but the disk does not.
    Missing,
    /// The disk has a file under `src/` that the output does not.
    Orphaned,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeKind::Stale => "stale",
            ChangeKind::Missing => "missing",
            ChangeKind::Orphaned => "orphaned",
        })
    }
}

/// One file that differs from the generated output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How it differs.
    pub kind: ChangeKind,
    /// Path relative to the synced directory.
    pub path: PathBuf,
}

impl Change {
    /// `stale: generated-client/src/lib.rs`, with `shown_dir` standing for
    /// the synced directory.
    pub fn describe(&self, shown_dir: &str) -> String {
        let dir = shown_dir.trim_end_matches('/');
        format!("{}: {dir}/{}", self.kind, slash_path(&self.path))
    }
}

/// Which files under `src/` that are not part of the output get removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orphans {
    /// Every one: `src/` holds generated code only (the workspace client).
    AllFiles,
    /// Only `*.rs` files that start with the generated-file marker, so that
    /// pointing `generate --out` at a hand-written crate cannot delete
    /// hand-written code.
    GeneratedRust,
}

/// One directory to bring in line with generated output.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The directory (a crate root).
    pub dir: &'a Path,
    /// The output: paths relative to `dir`, `/`-separated → contents.
    pub files: &'a BTreeMap<String, String>,
    /// Which files under `src/` that are not in `files` get removed.
    pub orphans: Orphans,
}

/// Compares `dir` with `files` (paths relative to `dir`, `/`-separated) and
/// returns every difference. In [`Mode::Write`] it also fixes them: stale
/// and missing files are written, orphans are removed together with
/// directories left empty — all or nothing (see [`sync_all`]).
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, orphans: Orphans, mode: Mode) -> Result<Vec<Change>, String> {
    let mut changes = sync_all(&[Target { dir, files, orphans }], mode)?;
    Ok(changes.pop().unwrap_or_default())
}

/// [`sync`] for several directories as one transaction: every difference
/// of every target is found first; in [`Mode::Write`] every new file is
/// then staged beside its target and only then are targets replaced and
/// orphans removed. If any step fails, what was already done is undone
/// (see [`replace_all`]) and the error says so. Only files that differ are
/// touched. Returns the changes per target, in order.
pub fn sync_all(targets: &[Target<'_>], mode: Mode) -> Result<Vec<Vec<Change>>, String> {
    let changes = targets.iter().map(|target| differences(target.dir, target.files, target.orphans)).collect::<Result<Vec<_>, _>>()?;
    if mode == Mode::Write {
        replace_all(&edits(targets, &changes))?;
    }
    Ok(changes)
}

/// The edits that fix `changes`: removals first, then writes.
fn edits<'a>(targets: &[Target<'a>], changes: &[Vec<Change>]) -> Vec<Edit<'a>> {
    let mut removals = Vec::new();
    let mut writes = Vec::new();
    for (target, changes) in targets.iter().zip(changes) {
        for change in changes {
            let path = target.dir.join(&change.path);
            match change.kind {
                ChangeKind::Stale | ChangeKind::Missing => {
                    let contents = target.files.get(&slash_path(&change.path)).map_or("", String::as_str);
                    writes.push(Edit::Write { path, contents });
                }
                ChangeKind::Orphaned => removals.push(Edit::Remove { path, stop: target.dir.join("src") }),
            }
        }
    }
    removals.append(&mut writes);
    removals
}

fn differences(dir: &Path, files: &BTreeMap<String, String>, orphans: Orphans) -> Result<Vec<Change>, String> {
    let mut changes = Vec::new();
    let mut expected = Vec::new();
    for (key, contents) in files {
        let relative = checked_relative(key)?;
        let path = dir.join(&relative);
        match fs::read(&path) {
            Ok(existing) if existing == contents.as_bytes() => {}
            // Something other than a file in the way (a directory) is stale
            // too: writing fails on it, and says so.
            Ok(_) => changes.push(Change { kind: ChangeKind::Stale, path: relative.clone() }),
            Err(error) if error.kind() == io::ErrorKind::IsADirectory => {
                changes.push(Change { kind: ChangeKind::Stale, path: relative.clone() });
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                changes.push(Change { kind: ChangeKind::Missing, path: relative.clone() });
            }
            Err(error) => return Err(context(&path, &error)),
        }
        expected.push(relative);
    }
    let src = dir.join("src");
    for file in files_under(&src).map_err(|error| context(&src, &error))? {
        let relative = Path::new("src").join(&file);
        if expected.contains(&relative) || !is_removable(&src.join(&file), orphans)? {
            continue;
        }
        changes.push(Change { kind: ChangeKind::Orphaned, path: relative });
    }
    Ok(changes)
}

fn is_removable(path: &Path, orphans: Orphans) -> Result<bool, String> {
    match orphans {
        Orphans::AllFiles => Ok(true),
        Orphans::GeneratedRust => {
            if path.extension().is_none_or(|extension| extension != "rs") {
                return Ok(false);
            }
            let text = fs::read(path).map_err(|error| context(path, &error))?;
            Ok(text.starts_with(GENERATED_MARKER))
        }
    }
}

/// The generator's output key as a relative path, refusing anything that
/// could escape the output directory.
fn checked_relative(key: &str) -> Result<PathBuf, String> {
    let path: PathBuf = key.split('/').collect();
    let safe = !key.is_empty() && path.components().all(|part| matches!(part, Component::Normal(_)));
    if safe && slash_path(&path) == key {
        Ok(path)
    } else {
        Err(format!("the generator produced an invalid output path `{key}` (a generator bug)"))
    }
}

fn context(path: &Path, error: &io::Error) -> String {
    format!("{}: {error}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::write_if_changed;
    use crate::test_support::{TempDir, snapshot};

    fn output(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect()
    }

    fn described(changes: &[Change]) -> Vec<String> {
        changes.iter().map(|change| change.describe("out/")).collect()
    }

    fn put(dir: &Path, file: &str, text: &str) -> io::Result<()> {
        write_if_changed(&dir.join(file), text).map(drop)
    }

    #[test]
    fn reports_stale_missing_and_orphaned() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("sync-check")?;
        let dir = temp.path();
        put(dir, "src/lib.rs", "old")?;
        put(dir, "src/same.rs", "same")?;
        put(dir, "src/gone/mod.rs", "// @generated by x\n")?;
        put(dir, "src/stray.txt", "notes")?;
        let files = output(&[("src/lib.rs", "new"), ("src/same.rs", "same"), ("src/api/mod.rs", "api")]);

        let changes = sync(dir, &files, Orphans::AllFiles, Mode::Check)?;
        assert_eq!(
            described(&changes),
            ["missing: out/src/api/mod.rs", "stale: out/src/lib.rs", "orphaned: out/src/gone/mod.rs", "orphaned: out/src/stray.txt",]
        );
        assert_eq!(fs::read_to_string(dir.join("src/lib.rs"))?, "old", "check mode writes nothing");
        assert!(dir.join("src/stray.txt").exists(), "check mode removes nothing");
        Ok(())
    }

    #[test]
    fn write_mode_fixes_everything() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("sync-write")?;
        let dir = temp.path();
        put(dir, "src/lib.rs", "old")?;
        put(dir, "src/gone/deep/mod.rs", "x")?;
        put(dir, "Cargo.toml", "hand-written")?;
        let files = output(&[("src/lib.rs", "new"), ("src/api/mod.rs", "api")]);

        assert_eq!(sync(dir, &files, Orphans::AllFiles, Mode::Write)?.len(), 3);
        assert_eq!(fs::read_to_string(dir.join("src/lib.rs"))?, "new");
        assert_eq!(fs::read_to_string(dir.join("src/api/mod.rs"))?, "api");
        assert!(!dir.join("src/gone").exists(), "emptied directories are removed");
        assert!(dir.join("Cargo.toml").exists(), "files outside src/ are never orphans");
        assert_eq!(sync(dir, &files, Orphans::AllFiles, Mode::Check)?, [], "fresh after writing");
        Ok(())
    }

    #[test]
    fn standalone_orphans_are_generated_rust_only() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("sync-standalone")?;
        let dir = temp.path();
        put(dir, "src/old.rs", "// @generated by `cargo xtask generate`. Do not edit by hand.\n")?;
        put(dir, "src/mine.rs", "// hand-written\n")?;
        put(dir, "src/notes.md", "// @generated\n")?;
        let files = output(&[("src/lib.rs", "lib")]);

        let changes = sync(dir, &files, Orphans::GeneratedRust, Mode::Write)?;
        assert_eq!(described(&changes), ["missing: out/src/lib.rs", "orphaned: out/src/old.rs"]);
        assert!(dir.join("src/mine.rs").exists());
        assert!(dir.join("src/notes.md").exists());
        Ok(())
    }

    /// A write that fails halfway (a non-empty directory where a file
    /// belongs: fails for root too) restores every target byte for byte.
    #[test]
    fn a_failed_write_restores_every_target() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("sync-rollback")?;
        let (first, second) = (temp.path().join("first"), temp.path().join("second"));
        put(&first, "src/lib.rs", "old lib")?;
        put(&first, "src/orphan.rs", "orphan")?;
        put(&second, "src/lib.rs", "old second lib")?;
        put(&second, "Cargo.toml/blocker.txt", "a directory where a file belongs")?;
        let first_files = output(&[("src/lib.rs", "new lib"), ("src/new/mod.rs", "new module")]);
        let second_files = output(&[("src/lib.rs", "new second lib"), ("Cargo.toml", "[package]")]);
        let targets = [
            Target { dir: &first, files: &first_files, orphans: Orphans::AllFiles },
            Target { dir: &second, files: &second_files, orphans: Orphans::AllFiles },
        ];
        let before = snapshot(temp.path())?;

        let checked = sync_all(&targets, Mode::Check)?;
        let described: Vec<Vec<String>> = checked.iter().map(|changes| described(changes)).collect();
        assert_eq!(
            described,
            [
                vec!["stale: out/src/lib.rs", "missing: out/src/new/mod.rs", "orphaned: out/src/orphan.rs"],
                vec!["stale: out/Cargo.toml", "stale: out/src/lib.rs"],
            ]
        );
        let error = sync_all(&targets, Mode::Write).err().unwrap_or_default();
        assert!(error.contains("Cargo.toml: "), "names the path: {error}");
        assert!(error.ends_with("every file already replaced or removed was restored; the tree is as it was"), "{error}");
        assert_eq!(snapshot(temp.path())?, before, "byte-identical: no file replaced, removed, created or left over");

        fs::remove_dir_all(second.join("Cargo.toml"))?;
        sync_all(&targets, Mode::Write)?;
        assert_eq!(fs::read_to_string(second.join("Cargo.toml"))?, "[package]", "succeeds once the way is clear");
        assert!(!first.join("src/orphan.rs").exists());
        Ok(())
    }

    #[test]
    fn writes_only_what_changed() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("sync-unchanged")?;
        let dir = temp.path();
        put(dir, "src/same.rs", "same")?;
        put(dir, "src/lib.rs", "old")?;
        let modified = fs::metadata(dir.join("src/same.rs"))?.modified()?;
        let files = output(&[("src/same.rs", "same"), ("src/lib.rs", "new")]);
        assert_eq!(described(&sync(dir, &files, Orphans::AllFiles, Mode::Write)?), ["stale: out/src/lib.rs"]);
        assert_eq!(fs::metadata(dir.join("src/same.rs"))?.modified()?, modified, "an unchanged file is not rewritten");
        assert_eq!(files_under(dir)?.len(), 2, "no temporary or backup file is left");
        Ok(())
    }

    #[test]
    fn refuses_paths_outside_the_directory() {
        for key in ["../escape.rs", "/abs.rs", "src//x.rs", "src/./x.rs", ""] {
            assert!(checked_relative(key).is_err(), "{key:?} must be refused");
        }
        assert_eq!(checked_relative("src/a/b.rs"), Ok(PathBuf::from("src/a/b.rs")));
    }
}
