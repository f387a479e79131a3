//! `cargo xtask corpus`: runs the generator over every Swagger 2.0, OpenAPI 3.0 and 3.1 spec in a
//! directory and `cargo check`s what it produced, to find generator bugs on
//! real-world specs.
//!
//! Per spec: generate in process (a panic is caught and counted, not fatal),
//! write a standalone crate into a scratch directory outside the workspace,
//! then `cargo check` it. Dependencies are built once, by checking a
//! "warm-up" crate with the generated `Cargo.toml` and an empty `lib.rs`;
//! every crate then gets the warm-up's `Cargo.lock`, so all of them use the
//! same dependency builds. Cargo locks a target directory for a whole build,
//! so with `--jobs N` each of the N workers gets its own copy of the warmed
//! target directory (copied, not rebuilt).
//!
//! The peak memory of generating the largest spec is measured in a child
//! process (`cargo xtask corpus-measure`), which prints its own `VmHWM`.

mod check;
mod discover;
pub(crate) mod measure;
mod report;

use std::env;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use crate::cli::{CorpusArgs, GenerateArgs};
use crate::generate::{default_crate_name, generate_in_memory, write_crate};
use crate::{Error, workspace_root};

use check::{Cargo, CheckJob, check_all};
use discover::{Found, discover};
pub(crate) use measure::measure;
use measure::{catch_panic, measure_in_child};
use report::{Largest, Outcome, Report, SpecRun, Status};

/// Name of the scratch directory under the system temp dir (without `--keep`).
const DEFAULT_SCRATCH: &str = "openapi-corpus";
/// The crate that builds the dependencies once, inside the scratch directory.
const WARMUP_DIR: &str = "deps-warmup";
/// How many error lines of a failed check (or panic message lines) are shown.
const SHOWN_LINES: usize = 3;
/// Longest detail line shown in the table, in characters.
const MAX_LINE: usize = 240;

// ---------------------------------------------------------------------------
// Scratch directory

/// The scratch directory, absolute and canonical, created; refused if it
/// is inside the workspace.
fn scratch_dir(keep: Option<&str>) -> Result<PathBuf, String> {
    let wanted = match keep {
        Some(dir) => PathBuf::from(dir),
        None => env::temp_dir().join(DEFAULT_SCRATCH),
    };
    let absolute = prospective_canonical(&wanted)?;
    let root = workspace_root();
    let root = fs::canonicalize(&root).unwrap_or(root);
    if absolute.starts_with(&root) {
        return Err(format!("{} is inside the workspace {}; corpus crates must be written outside it", absolute.display(), root.display()));
    }
    fs::create_dir_all(&absolute).map_err(|error| format!("{}: {error}", absolute.display()))?;
    Ok(absolute)
}

/// `path` made absolute, with its longest existing ancestor canonicalized
/// (symbolic links resolved), without creating anything.
fn prospective_canonical(path: &Path) -> Result<PathBuf, String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        env::current_dir().map_err(|error| format!("current directory: {error}"))?.join(path)
    };
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(canonical) = fs::canonicalize(existing) {
            return Ok(missing.iter().rev().fold(canonical, |path, part| path.join(part)));
        }
        match existing.components().next_back() {
            Some(Component::Normal(part)) => missing.push(part.to_owned()),
            _ => {
                return Err(format!("{}: use a path without `..` or `.` in its missing part", path.display()));
            }
        }
        existing = existing.parent().ok_or_else(|| format!("{}: no existing ancestor", path.display()))?;
    }
}

/// Crate directories of earlier runs (`<n>-<name>`) in the default scratch
/// directory, which belongs to this command alone.
fn remove_old_crates(scratch: &Path) -> Result<(), String> {
    let entries = fs::read_dir(scratch).map_err(|error| format!("{}: {error}", scratch.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let numbered = name
            .to_str()
            .and_then(|name| name.split_once('-'))
            .is_some_and(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()));
        if numbered && entry.path().is_dir() {
            fs::remove_dir_all(entry.path()).map_err(|error| format!("{}: {error}", entry.path().display()))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The command

/// Runs the whole corpus: discover, generate, measure the largest, check.
pub(crate) fn corpus(args: &CorpusArgs) -> Result<Report, Error> {
    let scratch = scratch_dir(args.keep.as_deref()).map_err(Error::Message)?;
    let discovery = discover(Path::new(&args.dir), Some(&scratch)).map_err(Error::Message)?;
    if discovery.specs.is_empty() {
        return Err(Error::Message(format!(
            "no Swagger 2.0 or OpenAPI 3.x specs under {} ({} other *.json/*.yaml/*.yml files skipped)",
            args.dir,
            discovery.skipped.len()
        )));
    }
    if args.keep.is_none() {
        remove_old_crates(&scratch).map_err(Error::Message)?;
    }
    let count = discovery.specs.len();
    eprintln!(
        "corpus: {count} specs under {} ({} other files skipped); crates go to {}",
        args.dir,
        discovery.skipped.len(),
        scratch.display()
    );

    let mut runs = Vec::with_capacity(count);
    for (index, spec) in discovery.specs.iter().enumerate() {
        runs.push(generate_one(index, spec, &scratch, args.skip_unsupported, args.strict)?);
        let run: &SpecRun = &runs[index];
        eprintln!(
            "corpus: generated {}/{count}: {} in {} ms: {}",
            index + 1,
            match run.outcome {
                Outcome::Generated { .. } => "ok",
                Outcome::Diagnosed(_) => "diagnosed",
                Outcome::Panicked(_) => "PANICKED",
            },
            run.generation.as_millis(),
            spec.shown
        );
    }

    let largest_index = (0..runs.len()).rev().max_by_key(|index| runs[*index].spec.bytes).unwrap_or_default();
    eprintln!("corpus: measuring peak memory of generating {}", runs[largest_index].spec.shown);
    let peak_kib = measure_in_child(&runs[largest_index].spec.path, args.skip_unsupported);

    let jobs: Vec<CheckJob<'_>> = runs
        .iter()
        .enumerate()
        .filter_map(|(run, spec_run)| match &spec_run.outcome {
            Outcome::Generated { crate_dir, .. } => {
                Some(CheckJob { run, crate_dir, shown: &spec_run.spec.shown, bytes: spec_run.spec.bytes })
            }
            _ => None,
        })
        .collect();
    let checks = check_all(&jobs, &scratch, args.jobs, &Cargo::from_env(), args.examples).map_err(Error::Message)?;
    for (run, check) in checks {
        runs[run].check = Some(check);
    }

    if args.keep.is_none() {
        let mut kept = 0;
        for run in &runs {
            if let Outcome::Generated { crate_dir, .. } = &run.outcome {
                if run.status() == Status::Compiled {
                    fs::remove_dir_all(crate_dir).map_err(|error| Error::Message(format!("{}: {error}", crate_dir.display())))?;
                } else {
                    kept += 1;
                }
            }
        }
        if kept > 0 {
            eprintln!("corpus: kept {kept} crates that failed to check in {}", scratch.display());
        }
    }

    let largest = &runs[largest_index];
    let largest = Largest {
        shown: largest.spec.shown.clone(),
        bytes: largest.spec.bytes,
        generation: largest.generation,
        peak_kib,
        check: largest.check.as_ref().map(|check| check.elapsed),
    };
    Ok(Report { runs, unreadable: discovery.skipped, skip_unsupported: args.skip_unsupported, largest: Some(largest) })
}

/// Generates spec number `index` in process and writes its crate to
/// `scratch/<n>-<crate name>`, with the package name `corpus-<n>-<crate
/// name>`. Package names must be unique: cargo identifies a workspace-root
/// package in a shared target directory by name and version only, so a
/// second crate of the same name would look "fresh" and never be checked.
fn generate_one(index: usize, spec: &Found, scratch: &Path, skip_unsupported: bool, strict: bool) -> Result<SpecRun, Error> {
    let name = format!("{:03}-{}", index + 1, default_crate_name(&spec.path));
    let crate_dir = scratch.join(&name);
    let args = GenerateArgs {
        spec: spec.path.clone(),
        out: crate_dir.to_string_lossy().into_owned(),
        crate_name: Some(format!("corpus-{name}")),
        options: crate::cli::Options { skip_unsupported, strict, ..Default::default() },
    };
    let started = Instant::now();
    let result = catch_panic(|| generate_in_memory(&args));
    let generation = started.elapsed();
    let outcome = match result {
        Ok(Ok(generated)) => {
            let report = write_crate(&args, generated)?;
            Outcome::Generated { crate_dir, skipped: report.skipped, warnings: report.warnings }
        }
        Ok(Err(diagnostics)) => Outcome::Diagnosed(diagnostics.into_iter().collect()),
        Err(message) => Outcome::Panicked(message),
    };
    Ok(SpecRun { spec: spec.clone(), generation, outcome, check: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    #[test]
    fn refuses_scratch_inside_the_workspace() -> Result<(), Box<dyn std::error::Error>> {
        let inside = workspace_root().join("target/corpus-never-created/deeper");
        let refused = scratch_dir(Some(&inside.to_string_lossy()));
        assert!(refused.is_err_and(|message| message.contains("inside the workspace")));
        assert!(!workspace_root().join("target/corpus-never-created").exists(), "nothing was created");
        let temp = TempDir::new("corpus-scratch")?;
        let outside = temp.path().join("a/b");
        assert_eq!(scratch_dir(Some(&outside.to_string_lossy()))?, fs::canonicalize(&outside)?);
        assert!(prospective_canonical(&temp.path().join("missing/../x")).is_err());
        Ok(())
    }
}
