//! Running `cargo check` on the generated crates: a warm-up build of the
//! dependencies, then N workers with their own copy of the target directory.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use super::report::{Check, ExampleRun, seconds};
use super::{SHOWN_LINES, WARMUP_DIR};
use crate::fs::{files_under, write_if_changed};

/// How to run cargo.
#[derive(Debug, Clone)]
pub(super) struct Cargo {
    /// The cargo executable (`$CARGO`, else `cargo`).
    program: OsString,
    /// Pass `--offline` (`CORPUS_OFFLINE=1`).
    offline: bool,
}

impl Cargo {
    pub(super) fn from_env() -> Self {
        Self {
            program: env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")),
            offline: env::var_os("CORPUS_OFFLINE").is_some_and(|value| value == "1"),
        }
    }

    /// `cargo check --quiet --message-format short` in `crate_dir`.
    fn check(&self, crate_dir: &Path, target_dir: &Path) -> Result<Check, String> {
        let mut command = Command::new(&self.program);
        command.args(["check", "--quiet", "--message-format", "short"]);
        if self.offline {
            command.arg("--offline");
        }
        command
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", target_dir)
            // One-shot checks gain nothing from incremental state.
            .env("CARGO_INCREMENTAL", "0")
            .stdin(Stdio::null());
        let started = Instant::now();
        let output = command.output().map_err(|error| format!("cannot run {}: {error}", self.program.to_string_lossy()))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        Ok(Check {
            passed: output.status.success(),
            elapsed: started.elapsed(),
            errors: if output.status.success() { Vec::new() } else { first_errors(&stderr, SHOWN_LINES) },
            warnings: count_warnings(&stderr),
            examples: None,
        })
    }

    /// `cargo test --lib` in `crate_dir`: the generated example tests.
    fn examples(&self, crate_dir: &Path, target_dir: &Path) -> Result<ExampleRun, String> {
        let mut command = Command::new(&self.program);
        command.args(["test", "--lib", "--message-format", "short"]);
        if self.offline {
            command.arg("--offline");
        }
        command.current_dir(crate_dir).env("CARGO_TARGET_DIR", target_dir).env("CARGO_INCREMENTAL", "0").stdin(Stdio::null());
        let output = command.output().map_err(|error| format!("cannot run {}: {error}", self.program.to_string_lossy()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        Ok(example_counts(&stdout, &stderr, output.status.success()))
    }
}

/// Passed and failed example tests from `cargo test` output (the
/// runtime's own unit tests are not examples); a run that built nothing is
/// one failure.
fn example_counts(stdout: &str, stderr: &str, success: bool) -> ExampleRun {
    let mut run = ExampleRun::default();
    for line in stdout.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test ") {
            let is_example = rest.contains("::examples::example_");
            if is_example && rest.ends_with("... ok") {
                run.passed += 1;
            } else if is_example && rest.ends_with("... FAILED") {
                run.failed += 1;
            }
        } else if (line.contains("panicked at") || line.contains("#/")) && run.failures.len() < SHOWN_LINES {
            run.failures.push(line.to_owned());
        }
    }
    if !success && run.failed == 0 {
        run.failed = 1;
        run.failures.extend(first_errors(stderr, SHOWN_LINES));
    }
    run
}

/// The first `limit` error lines of `cargo check --message-format short`
/// output (`src/x.rs:1:2: error[E0412]: …`), leaving out the closing
/// "could not compile" / "aborting" lines unless there is nothing else.
fn first_errors(stderr: &str, limit: usize) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim_end).filter(|line| !line.trim().is_empty()).collect();
    let is_error = |line: &&str| line.starts_with("error") || line.contains(": error");
    let is_closing = |line: &&str| line.starts_with("error: could not compile") || line.starts_with("error: aborting due to");
    let mut found: Vec<String> =
        lines.iter().filter(|line| is_error(line) && !is_closing(line)).take(limit).map(|line| (*line).to_owned()).collect();
    if found.is_empty() {
        found = lines.iter().take(limit).map(|line| (*line).to_owned()).collect();
    }
    found
}

/// Number of located warnings (`src/x.rs:1:2: warning: …`).
fn count_warnings(stderr: &str) -> usize {
    stderr.lines().filter(|line| !line.starts_with("warning") && line.contains(": warning")).count()
}

/// A generated crate waiting for its check.
pub(super) struct CheckJob<'a> {
    /// Index into the runs.
    pub(super) run: usize,
    pub(super) crate_dir: &'a Path,
    pub(super) shown: &'a str,
    pub(super) bytes: u64,
}

/// Checks every job, `jobs` at a time, and returns `(run index, check)`
/// sorted by run index.
pub(super) fn check_all(
    jobs: &[CheckJob<'_>],
    scratch: &Path,
    workers: usize,
    cargo: &Cargo,
    examples: bool,
) -> Result<Vec<(usize, Check)>, String> {
    let Some(first) = jobs.first() else {
        return Ok(Vec::new());
    };
    let target = scratch.join("target");
    let warmup = warm_up(first.crate_dir, scratch, &target, cargo)?;
    let lock = warmup.join("Cargo.lock");
    if lock.is_file() {
        for job in jobs {
            fs::copy(&lock, job.crate_dir.join("Cargo.lock")).map_err(|error| format!("{}: {error}", lock.display()))?;
        }
    }
    let workers = workers.clamp(1, jobs.len());
    let mut targets = vec![target.clone()];
    for worker in 1..workers {
        let copy = scratch.join(format!("target-{}", worker + 1));
        copy_tree(&target, &copy).map_err(|error| format!("copying {} to {}: {error}", target.display(), copy.display()))?;
        targets.push(copy);
    }
    // Largest first, so that one big crate does not run alone at the end.
    let mut order: Vec<&CheckJob<'_>> = jobs.iter().collect();
    order.sort_by_key(|job| std::cmp::Reverse(job.bytes));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    thread::scope(|scope| {
        for target in &targets {
            let (sender, order, next, done) = (sender.clone(), &order, &next, &done);
            scope.spawn(move || {
                while let Some(job) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mut result = cargo.check(job.crate_dir, target);
                    if let Ok(check) = &mut result
                        && check.passed
                        && examples
                    {
                        let run = cargo.examples(job.crate_dir, target).unwrap_or_else(|error| ExampleRun {
                            failed: 1,
                            failures: vec![error],
                            ..ExampleRun::default()
                        });
                        eprintln!("corpus: examples of {}: {} round-tripped, {} failed", job.shown, run.passed, run.failed);
                        check.examples = Some(run);
                    }
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if let Ok(check) = &result {
                        let verdict = match (check.passed, check.warnings) {
                            (false, _) => "FAILED".to_owned(),
                            (true, 0) => "ok".to_owned(),
                            (true, warnings) => format!("ok with {warnings} warnings"),
                        };
                        eprintln!("corpus: checked {finished}/{}: {verdict} in {} s: {}", order.len(), seconds(check.elapsed), job.shown);
                    }
                    if sender.send((job.run, result)).is_err() {
                        break;
                    }
                }
            });
        }
    });
    drop(sender);
    let mut checks = receiver.into_iter().map(|(run, result)| result.map(|check| (run, check))).collect::<Result<Vec<_>, _>>()?;
    checks.sort_by_key(|(run, _)| *run);
    Ok(checks)
}

/// Builds the dependencies once: a crate with the manifest of `model` and an
/// empty `lib.rs`, checked into `target`. Returns its directory.
fn warm_up(model: &Path, scratch: &Path, target: &Path, cargo: &Cargo) -> Result<PathBuf, String> {
    let dir = scratch.join(WARMUP_DIR);
    let manifest_path = model.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path).map_err(|error| format!("{}: {error}", manifest_path.display()))?;
    // A name of its own, or cargo would take it for the model crate.
    let manifest = rename_package(&manifest, "corpus-deps-warmup")
        .ok_or_else(|| format!("{}: no `name = …` line to rename", manifest_path.display()))?;
    for (file, text) in [("Cargo.toml", manifest.as_str()), ("src/lib.rs", "")] {
        let path = dir.join(file);
        write_if_changed(&path, text).map_err(|error| format!("{}: {error}", path.display()))?;
    }
    eprintln!("corpus: building dependencies once in {}", target.display());
    let check = cargo.check(&dir, target)?;
    if !check.passed {
        return Err(format!("building the generated crates' dependencies failed in {}:\n{}", dir.display(), check.errors.join("\n")));
    }
    eprintln!("corpus: dependencies ready in {} s", seconds(check.elapsed));
    Ok(dir)
}

/// `manifest` with the first `name = …` line (the package name) replaced.
fn rename_package(manifest: &str, name: &str) -> Option<String> {
    let mut renamed = false;
    let lines: Vec<String> = manifest
        .lines()
        .map(|line| {
            if !renamed && line.split('=').next().is_some_and(|key| key.trim() == "name") {
                renamed = true;
                format!("name = \"{name}\"")
            } else {
                line.to_owned()
            }
        })
        .collect();
    renamed.then(|| lines.join("\n") + "\n")
}

/// Copies the dependency builds under `from` (a target directory) to `to`,
/// keeping modification times so that cargo sees the copies as fresh.
/// Left out: `incremental/` and the corpus crates' own artifacts (every
/// path part starting with `corpus-`, `corpus_` or `libcorpus_`). Files
/// whose copy already has the same size and time are not copied again.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let own = |part: Component<'_>| {
        let part = part.as_os_str().to_string_lossy();
        part == "incremental" || ["corpus-", "corpus_", "libcorpus_"].iter().any(|prefix| part.starts_with(prefix))
    };
    for relative in files_under(from)? {
        if relative.components().any(own) {
            continue;
        }
        let source = from.join(&relative);
        let destination = to.join(&relative);
        let metadata = fs::metadata(&source)?;
        let modified = metadata.modified()?;
        let current = fs::metadata(&destination).ok();
        if current.is_some_and(|current| current.len() == metadata.len() && current.modified().ok() == Some(modified)) {
            continue;
        }
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(&source, &destination)?;
        fs::File::options().write(true).open(&destination)?.set_modified(modified)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::slash_path;
    use crate::test_support::TempDir;
    use std::time::Duration;

    #[test]
    fn picks_error_lines() {
        let stderr = "src/a.rs:1:1: warning: unused import\n\
                      src/a/types.rs:3:5: error[E0412]: cannot find type `X` in this scope\n\
                      src/a/mod.rs:9:1: error: expected item\n\
                      src/a/mod.rs:10:1: error[E0308]: mismatched types\n\
                      src/a/mod.rs:11:1: error[E0308]: mismatched types\n\
                      error: could not compile `x-client` (lib) due to 4 previous errors\n";
        assert_eq!(
            first_errors(stderr, 3),
            [
                "src/a/types.rs:3:5: error[E0412]: cannot find type `X` in this scope",
                "src/a/mod.rs:9:1: error: expected item",
                "src/a/mod.rs:10:1: error[E0308]: mismatched types",
            ]
        );
        assert_eq!(count_warnings(stderr), 1);
        assert_eq!(first_errors("error: could not compile `x`\n", 3), ["error: could not compile `x`"]);
        assert_eq!(first_errors("\nnetwork down\n", 3), ["network down"]);
    }

    #[test]
    fn renames_the_warmup_package() {
        let manifest = "# @generated\n[package]\nname = \"a-client\"\nversion = \"0.1.0\"\n\n[dependencies]\nname-x = \"1\"\n";
        assert_eq!(
            rename_package(manifest, "warm").as_deref(),
            Some("# @generated\n[package]\nname = \"warm\"\nversion = \"0.1.0\"\n\n[dependencies]\nname-x = \"1\"\n")
        );
        assert_eq!(rename_package("[package]\n", "warm"), None);
    }

    #[test]
    fn copies_trees_with_modification_times() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("corpus-copy")?;
        let from = temp.path().join("from");
        write_if_changed(&from.join("debug/deps/liba.rmeta"), "a")?;
        write_if_changed(&from.join("debug/incremental/x/y"), "skip")?;
        write_if_changed(&from.join("debug/deps/libcorpus_001_a_client-0123.rmeta"), "skip")?;
        write_if_changed(&from.join("debug/.fingerprint/corpus-001-a-client-0123/lib"), "skip")?;
        let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        fs::File::options().write(true).open(from.join("debug/deps/liba.rmeta"))?.set_modified(old)?;
        let to = temp.path().join("to");
        copy_tree(&from, &to)?;
        assert_eq!(fs::read_to_string(to.join("debug/deps/liba.rmeta"))?, "a");
        assert_eq!(fs::metadata(to.join("debug/deps/liba.rmeta"))?.modified()?, old);
        assert!(!to.join("debug/incremental").exists());
        assert!(!to.join("debug/.fingerprint").exists());
        let files: Vec<String> = files_under(&to)?.iter().map(|path| slash_path(path)).collect();
        assert_eq!(files, ["debug/deps/liba.rmeta"]);
        fs::write(to.join("debug/deps/liba.rmeta"), "b")?;
        copy_tree(&from, &to)?;
        assert_eq!(fs::read_to_string(to.join("debug/deps/liba.rmeta"))?, "a", "a changed copy is refreshed");
        Ok(())
    }
}
