//! `cargo xtask corpus`: runs the generator over every OpenAPI 3.0 spec in a
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

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use generator::Diagnostic;

use crate::cli::{CorpusArgs, GenerateArgs};
use crate::codegen::is_spec_file;
use crate::fs::{files_under, slash_path, write_if_changed};
use crate::generate::{default_crate_name, generate_in_memory, write_crate};
use crate::{Error, workspace_root};

/// Name of the scratch directory under the system temp dir (without `--keep`).
const DEFAULT_SCRATCH: &str = "openapi-corpus";
/// The crate that builds the dependencies once, inside the scratch directory.
const WARMUP_DIR: &str = "deps-warmup";
/// How many error lines of a failed check (or panic message lines) are shown.
const SHOWN_LINES: usize = 3;
/// Longest detail line shown in the table, in characters.
const MAX_LINE: usize = 240;

// ---------------------------------------------------------------------------
// Discovery

/// Why a file with a spec extension is not run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum NotOpenApi30 {
    /// `swagger: "2.0"`.
    Swagger2,
    /// An `openapi` version other than 3.0.x (e.g. 3.1.0).
    OtherVersion(String),
    /// No top-level `openapi` or `swagger` key: a fragment, or not a spec.
    NoVersion,
}

impl NotOpenApi30 {
    fn label(&self) -> String {
        match self {
            NotOpenApi30::Swagger2 => "swagger 2.0".to_owned(),
            NotOpenApi30::OtherVersion(version) => format!("openapi {version}"),
            NotOpenApi30::NoVersion => "no version".to_owned(),
        }
    }
}

/// A spec file to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Path relative to the corpus directory, `/`-separated, for display.
    pub(crate) shown: String,
    /// Path as handed to the generator (the corpus directory joined with
    /// `shown`, so relative to the current directory if the directory is).
    pub(crate) path: String,
    /// File size.
    pub(crate) bytes: u64,
}

/// Every `*.json`, `*.yaml` and `*.yml` file under a directory, split into
/// OpenAPI 3.0 specs and the rest.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    /// The OpenAPI 3.0 documents, sorted by path.
    pub(crate) specs: Vec<Found>,
    /// The other files (display path, reason), sorted by path.
    pub(crate) skipped: Vec<(String, NotOpenApi30)>,
}

/// Finds the specs under `dir`, recursively and sorted. Files under
/// `exclude` (the scratch directory, if it lies inside `dir`) are ignored.
pub(crate) fn discover(dir: &Path, exclude: Option<&Path>) -> Result<Discovery, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let canonical_dir = fs::canonicalize(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let files = files_under(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut discovery = Discovery::default();
    for relative in files {
        if exclude.is_some_and(|exclude| canonical_dir.join(&relative).starts_with(exclude)) {
            continue;
        }
        let path = dir.join(&relative);
        if !is_spec_file(&path) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let shown = slash_path(&relative);
        match classify(&String::from_utf8_lossy(&bytes)) {
            Ok(()) => discovery.specs.push(Found {
                shown,
                path: path.to_string_lossy().into_owned(),
                bytes: bytes.len() as u64,
            }),
            Err(reason) => discovery.skipped.push((shown, reason)),
        }
    }
    Ok(discovery)
}

/// Decides from a cheap look at the text whether it is an OpenAPI 3.0
/// document: a top-level `openapi` key whose value starts with `3.0`.
pub(crate) fn classify(text: &str) -> Result<(), NotOpenApi30> {
    match top_level_scalar(text, "openapi") {
        Some(version) if version.starts_with("3.0") => Ok(()),
        Some(version) => Err(NotOpenApi30::OtherVersion(version)),
        None if top_level_scalar(text, "swagger").is_some() => Err(NotOpenApi30::Swagger2),
        None => Err(NotOpenApi30::NoVersion),
    }
}

/// The scalar value of `key`: in YAML a line starting with `key:` (plain or
/// quoted key, no indentation); in JSON the first `"key"` followed by `:`
/// and a string or number. Not a parser, a peek.
fn top_level_scalar(text: &str, key: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let keys = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")];
    for line in text.lines() {
        for candidate in &keys {
            if let Some(value) =
                line.strip_prefix(candidate.as_str()).and_then(|rest| rest.trim_start().strip_prefix(':'))
            {
                return scalar(value);
            }
        }
    }
    let needle = &keys[1];
    let mut rest = text;
    while let Some(found) = rest.find(needle.as_str()) {
        rest = &rest[found + needle.len()..];
        if let Some(value) = rest.trim_start().strip_prefix(':').and_then(scalar) {
            return Some(value);
        }
    }
    None
}

/// A quoted or plain scalar at the start of `value`; `None` for an object,
/// an array or nothing.
fn scalar(value: &str) -> Option<String> {
    let value = value.trim_start();
    let text = if let Some(quoted) = value.strip_prefix('"') {
        quoted.split('"').next()
    } else if let Some(quoted) = value.strip_prefix('\'') {
        quoted.split('\'').next()
    } else if value.starts_with(['{', '[']) {
        None
    } else {
        value.split([',', '}', '#', '\n', '\r']).next().map(str::trim)
    }?;
    (!text.is_empty()).then(|| text.to_owned())
}

// ---------------------------------------------------------------------------
// Results and their presentation

/// What the generator did with one spec.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// A crate was written to `crate_dir`; `skipped` lists the operations
    /// left out (with `--skip-unsupported`).
    Generated {
        /// Where the crate is.
        crate_dir: PathBuf,
        /// Left-out operations, with reasons.
        skipped: Vec<Diagnostic>,
    },
    /// The generator returned diagnostics.
    Diagnosed(Vec<Diagnostic>),
    /// The generator panicked; the message (with location).
    Panicked(String),
}

/// The result of `cargo check` on one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    /// Whether it succeeded.
    pub(crate) passed: bool,
    /// Wall time.
    pub(crate) elapsed: Duration,
    /// The first few error lines (of a failed check).
    pub(crate) errors: Vec<String>,
    /// Number of warnings in the generated code.
    pub(crate) warnings: usize,
}

/// One spec's line in the table.
#[derive(Debug, Clone)]
pub(crate) struct SpecRun {
    /// The spec, as discovered.
    pub(crate) spec: Found,
    /// Wall time of the generator.
    pub(crate) generation: Duration,
    /// What the generator did.
    pub(crate) outcome: Outcome,
    /// The check, for generated crates.
    pub(crate) check: Option<Check>,
}

/// The status column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Generated and `cargo check` passed.
    Compiled,
    /// Generated, but `cargo check` failed.
    CheckFailed,
    /// The generator returned diagnostics.
    Diagnosed,
    /// The generator panicked.
    Panicked,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Compiled => "compiled",
            Status::CheckFailed => "check-failed",
            Status::Diagnosed => "diagnosed",
            Status::Panicked => "panicked",
        }
    }
}

impl SpecRun {
    /// The status column. A generated crate that was never checked counts
    /// as a failed check.
    pub(crate) fn status(&self) -> Status {
        match &self.outcome {
            Outcome::Generated { .. } if self.check.as_ref().is_some_and(|check| check.passed) => Status::Compiled,
            Outcome::Generated { .. } => Status::CheckFailed,
            Outcome::Diagnosed(_) => Status::Diagnosed,
            Outcome::Panicked(_) => Status::Panicked,
        }
    }

    /// The table line, plus indented detail lines for anything but success.
    pub(crate) fn render(&self) -> String {
        let diagnostics = match &self.outcome {
            Outcome::Generated { skipped, .. } => skipped.len().to_string(),
            Outcome::Diagnosed(diagnostics) => diagnostics.len().to_string(),
            Outcome::Panicked(_) => "-".to_owned(),
        };
        let check = self.check.as_ref().map_or_else(|| "-".to_owned(), |check| seconds(check.elapsed));
        let mut text = row(
            self.status().as_str(),
            &self.generation.as_millis().to_string(),
            &check,
            &diagnostics,
            &self.spec.shown,
        );
        let details: Vec<String> = match (&self.outcome, self.status()) {
            (Outcome::Diagnosed(diagnostics), _) => diagnostics
                .iter()
                .take(1)
                .map(|diagnostic| {
                    // The row names the spec already: `#/pointer: message [code]`.
                    let text = diagnostic.to_string();
                    text.strip_prefix(self.spec.path.as_str()).map_or_else(|| text.clone(), str::to_owned)
                })
                .collect(),
            (Outcome::Panicked(message), _) => {
                message.lines().take(SHOWN_LINES).map(|line| format!("panicked: {line}")).collect()
            }
            (_, Status::CheckFailed) => match &self.check {
                Some(check) => check.errors.clone(),
                None => vec!["not checked".to_owned()],
            },
            _ => Vec::new(),
        };
        for line in details {
            text.push_str("\n    ");
            text.push_str(&shorten(&line));
        }
        text
    }
}

/// One aligned table row (also the header).
fn row(status: &str, gen_ms: &str, check_s: &str, diagnostics: &str, path: &str) -> String {
    format!("{status:<12}  {gen_ms:>6}  {check_s:>7}  {diagnostics:>11}  {path}")
}

/// The table header.
pub(crate) fn header() -> String {
    row("status", "gen_ms", "check_s", "diagnostics", "path")
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64())
}

fn shorten(line: &str) -> String {
    if line.chars().count() <= MAX_LINE {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(MAX_LINE).collect();
    short.push('…');
    short
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// OpenAPI 3.0 specs run.
    pub(crate) specs: usize,
    /// Specs the generator produced a crate for.
    pub(crate) generated: usize,
    /// Crates that passed `cargo check`.
    pub(crate) compiled: usize,
    /// Specs the generator returned diagnostics for.
    pub(crate) diagnosed: usize,
    /// Specs the generator panicked on.
    pub(crate) panicked: usize,
    /// Crates that failed `cargo check`.
    pub(crate) check_failed: usize,
    /// Files skipped as not OpenAPI 3.0.
    pub(crate) not_openapi_30: usize,
}

impl Totals {
    /// Tallies `runs`.
    pub(crate) fn of(runs: &[SpecRun], not_openapi_30: usize) -> Self {
        let mut totals = Totals { specs: runs.len(), not_openapi_30, ..Totals::default() };
        for run in runs {
            match run.status() {
                Status::Compiled => totals.compiled += 1,
                Status::CheckFailed => totals.check_failed += 1,
                Status::Diagnosed => totals.diagnosed += 1,
                Status::Panicked => totals.panicked += 1,
            }
        }
        totals.generated = totals.compiled + totals.check_failed;
        totals
    }

    /// `corpus: 42 specs, 41 generated, 40 compiled, 1 diagnosed, 0 panicked,
    /// 1 check-failed (skipped 12 not OpenAPI 3.0)`.
    pub(crate) fn summary(&self) -> String {
        format!(
            "corpus: {} specs, {} generated, {} compiled, {} diagnosed, {} panicked, {} check-failed (skipped {} not OpenAPI 3.0)",
            self.specs,
            self.generated,
            self.compiled,
            self.diagnosed,
            self.panicked,
            self.check_failed,
            self.not_openapi_30
        )
    }
}

/// `label: a=1, b=2` sorted by key, or `label: none`.
pub(crate) fn counts_line<'a>(label: &str, keys: impl IntoIterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    if counts.is_empty() {
        return format!("{label}: none");
    }
    let parts: Vec<String> = counts.iter().map(|(key, count)| format!("{key}={count}")).collect();
    format!("{label}: {}", parts.join(", "))
}

/// The largest spec's measurements.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Largest {
    /// Display path.
    pub(crate) shown: String,
    /// File size.
    pub(crate) bytes: u64,
    /// Generation wall time (in process).
    pub(crate) generation: Duration,
    /// Peak resident memory of a child process generating it, in KiB.
    pub(crate) peak_kib: Option<u64>,
    /// `cargo check` time, if it was generated.
    pub(crate) check: Option<Duration>,
}

impl Largest {
    /// `largest: <path> (<MB> MB): generated in <ms> ms, peak RSS <MB> MB,
    /// cargo check <s> s`.
    pub(crate) fn render(&self) -> String {
        let peak = self.peak_kib.map_or_else(|| "unknown".to_owned(), |kib| format!("{:.0} MB", kib as f64 / 1024.0));
        let check = self.check.map_or_else(|| "not run".to_owned(), |elapsed| format!("{} s", seconds(elapsed)));
        format!(
            "largest: {} ({:.1} MB): generated in {} ms, peak RSS {peak}, cargo check {check}",
            self.shown,
            self.bytes as f64 / (1024.0 * 1024.0),
            self.generation.as_millis()
        )
    }
}

/// Everything one `corpus` run found.
#[derive(Debug)]
pub(crate) struct Report {
    /// One entry per OpenAPI 3.0 spec, in path order.
    pub(crate) runs: Vec<SpecRun>,
    /// Files that are not OpenAPI 3.0 documents.
    pub(crate) not_openapi_30: Vec<(String, NotOpenApi30)>,
    /// Whether `--skip-unsupported` was given.
    pub(crate) skip_unsupported: bool,
    /// The largest spec's measurements.
    pub(crate) largest: Option<Largest>,
}

impl Report {
    /// Totals of the run.
    pub(crate) fn totals(&self) -> Totals {
        Totals::of(&self.runs, self.not_openapi_30.len())
    }

    /// True when nothing panicked and every generated crate checked.
    pub(crate) fn passed(&self) -> bool {
        let totals = self.totals();
        totals.panicked == 0 && totals.check_failed == 0
    }

    /// The table and the summary lines, for stdout.
    pub(crate) fn render(&self) -> String {
        let mut lines = vec![header()];
        lines.extend(self.runs.iter().map(SpecRun::render));
        lines.push(String::new());
        lines.push(self.totals().summary());
        let diagnosed = self.runs.iter().flat_map(|run| match &run.outcome {
            Outcome::Diagnosed(diagnostics) => diagnostics.as_slice(),
            _ => &[],
        });
        lines.push(counts_line("diagnostics by code", diagnosed.map(|diagnostic| diagnostic.code.as_str())));
        if self.skip_unsupported {
            let skipped = self.runs.iter().flat_map(|run| match &run.outcome {
                Outcome::Generated { skipped, .. } => skipped.as_slice(),
                _ => &[],
            });
            lines.push(counts_line("skipped operations by code", skipped.map(|diagnostic| diagnostic.code.as_str())));
        }
        let warned: Vec<(&str, usize)> = self
            .runs
            .iter()
            .filter_map(|run| Some((run.spec.shown.as_str(), run.check.as_ref()?.warnings)))
            .filter(|(_, warnings)| *warnings > 0)
            .collect();
        if !warned.is_empty() {
            let crates: Vec<String> = warned.iter().map(|(shown, warnings)| format!("{shown}={warnings}")).collect();
            lines.push(format!(
                "warnings: {} in {} generated crates: {}",
                warned.iter().map(|(_, warnings)| warnings).sum::<usize>(),
                warned.len(),
                crates.join(", ")
            ));
        }
        if !self.not_openapi_30.is_empty() {
            let labels: Vec<String> = self.not_openapi_30.iter().map(|(_, reason)| reason.label()).collect();
            lines.push(counts_line("not OpenAPI 3.0", labels.iter().map(String::as_str)));
        }
        if let Some(largest) = &self.largest {
            lines.push(largest.render());
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Where the last panic on this thread happened (set by the quiet hook).
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What [`panic::take_hook`] returns.
type PanicHook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Replaces the panic hook with one that prints nothing and only records
/// the location; the previous hook is restored on drop.
struct QuietPanics {
    previous: Option<PanicHook>,
}

impl QuietPanics {
    fn install() -> Self {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let location = info.location().map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()));
            PANIC_LOCATION.with(|slot| *slot.borrow_mut() = location);
        }));
        Self { previous: Some(previous) }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        // `set_hook` itself panics while panicking; the process is going
        // down with the default behaviour then anyway.
        if let Some(previous) = self.previous.take().filter(|_| !thread::panicking()) {
            panic::set_hook(previous);
        }
    }
}

/// Runs `f`; a panic becomes `Err(message (at file:line:column))` and is
/// not printed.
pub(crate) fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let quiet = QuietPanics::install();
    PANIC_LOCATION.with(|slot| slot.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(quiet);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(panic payload is not a string)".to_owned());
        match PANIC_LOCATION.with(|slot| slot.borrow_mut().take()) {
            Some(location) => format!("{message} (at {location})"),
            None => message,
        }
    })
}

// ---------------------------------------------------------------------------
// Peak memory

/// The `VmHWM` (peak resident set) line of a `/proc/<pid>/status` text, in
/// KiB.
pub(crate) fn parse_vmhwm(text: &str) -> Option<u64> {
    let rest = text.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let mut parts = rest.split_whitespace();
    let value = parts.next()?.parse().ok()?;
    match parts.next() {
        None | Some("kB") => Some(value),
        Some(_) => None,
    }
}

/// `cargo xtask corpus-measure`: generates `spec` in memory, then prints
/// `status: …`, `gen_ms: …` and this process's own `VmHWM` line (when
/// `/proc` has one) for the parent to read.
pub(crate) fn measure(spec: &str, skip_unsupported: bool) {
    let args = GenerateArgs { spec: spec.to_owned(), out: "-".to_owned(), crate_name: None, skip_unsupported };
    let started = Instant::now();
    let result = catch_panic(|| generate_in_memory(&args));
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(Ok(_)) => "generated",
        Ok(Err(_)) => "diagnosed",
        Err(_) => "panicked",
    };
    println!("status: {status}");
    println!("gen_ms: {}", elapsed.as_millis());
    if let Some(line) = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| text.lines().find(|line| line.starts_with("VmHWM:")).map(str::to_owned))
    {
        println!("{line}");
    }
    drop(result);
}

/// Runs `corpus-measure` for `spec` in a child process (this executable)
/// and returns its peak resident memory in KiB.
fn measure_in_child(spec: &str, skip_unsupported: bool) -> Option<u64> {
    let mut command = Command::new(env::current_exe().ok()?);
    command.arg("corpus-measure").arg(format!("--spec={spec}"));
    if skip_unsupported {
        command.arg("--skip-unsupported");
    }
    let output = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    parse_vmhwm(&String::from_utf8_lossy(&output.stdout))
}

// ---------------------------------------------------------------------------
// cargo check

/// How to run cargo.
#[derive(Debug, Clone)]
struct Cargo {
    /// The cargo executable (`$CARGO`, else `cargo`).
    program: OsString,
    /// Pass `--offline` (`CORPUS_OFFLINE=1`).
    offline: bool,
}

impl Cargo {
    fn from_env() -> Self {
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
        let output =
            command.output().map_err(|error| format!("cannot run {}: {error}", self.program.to_string_lossy()))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        Ok(Check {
            passed: output.status.success(),
            elapsed: started.elapsed(),
            errors: if output.status.success() { Vec::new() } else { first_errors(&stderr, SHOWN_LINES) },
            warnings: count_warnings(&stderr),
        })
    }
}

/// The first `limit` error lines of `cargo check --message-format short`
/// output (`src/x.rs:1:2: error[E0412]: …`), leaving out the closing
/// "could not compile" / "aborting" lines unless there is nothing else.
pub(crate) fn first_errors(stderr: &str, limit: usize) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim_end).filter(|line| !line.trim().is_empty()).collect();
    let is_error = |line: &&str| line.starts_with("error") || line.contains(": error");
    let is_closing =
        |line: &&str| line.starts_with("error: could not compile") || line.starts_with("error: aborting due to");
    let mut found: Vec<String> = lines
        .iter()
        .filter(|line| is_error(line) && !is_closing(line))
        .take(limit)
        .map(|line| (*line).to_owned())
        .collect();
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
struct CheckJob<'a> {
    /// Index into the runs.
    run: usize,
    crate_dir: &'a Path,
    shown: &'a str,
    bytes: u64,
}

/// Checks every job, `jobs` at a time, and returns `(run index, check)`
/// sorted by run index.
fn check_all(
    jobs: &[CheckJob<'_>],
    scratch: &Path,
    workers: usize,
    cargo: &Cargo,
) -> Result<Vec<(usize, Check)>, String> {
    let Some(first) = jobs.first() else {
        return Ok(Vec::new());
    };
    let target = scratch.join("target");
    let warmup = warm_up(first.crate_dir, scratch, &target, cargo)?;
    let lock = warmup.join("Cargo.lock");
    if lock.is_file() {
        for job in jobs {
            fs::copy(&lock, job.crate_dir.join("Cargo.lock"))
                .map_err(|error| format!("{}: {error}", lock.display()))?;
        }
    }
    let workers = workers.clamp(1, jobs.len());
    let mut targets = vec![target.clone()];
    for worker in 1..workers {
        let copy = scratch.join(format!("target-{}", worker + 1));
        copy_tree(&target, &copy)
            .map_err(|error| format!("copying {} to {}: {error}", target.display(), copy.display()))?;
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
                    let result = cargo.check(job.crate_dir, target);
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if let Ok(check) = &result {
                        let verdict = match (check.passed, check.warnings) {
                            (false, _) => "FAILED".to_owned(),
                            (true, 0) => "ok".to_owned(),
                            (true, warnings) => format!("ok with {warnings} warnings"),
                        };
                        eprintln!(
                            "corpus: checked {finished}/{}: {verdict} in {} s: {}",
                            order.len(),
                            seconds(check.elapsed),
                            job.shown
                        );
                    }
                    if sender.send((job.run, result)).is_err() {
                        break;
                    }
                }
            });
        }
    });
    drop(sender);
    let mut checks =
        receiver.into_iter().map(|(run, result)| result.map(|check| (run, check))).collect::<Result<Vec<_>, _>>()?;
    checks.sort_by_key(|(run, _)| *run);
    Ok(checks)
}

/// Builds the dependencies once: a crate with the manifest of `model` and an
/// empty `lib.rs`, checked into `target`. Returns its directory.
fn warm_up(model: &Path, scratch: &Path, target: &Path, cargo: &Cargo) -> Result<PathBuf, String> {
    let dir = scratch.join(WARMUP_DIR);
    let manifest_path = model.join("Cargo.toml");
    let manifest =
        fs::read_to_string(&manifest_path).map_err(|error| format!("{}: {error}", manifest_path.display()))?;
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
        return Err(format!(
            "building the generated crates' dependencies failed in {}:\n{}",
            dir.display(),
            check.errors.join("\n")
        ));
    }
    eprintln!("corpus: dependencies ready in {} s", seconds(check.elapsed));
    Ok(dir)
}

/// `manifest` with the first `name = …` line (the package name) replaced.
pub(crate) fn rename_package(manifest: &str, name: &str) -> Option<String> {
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
pub(crate) fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
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
        return Err(format!(
            "{} is inside the workspace {}; corpus crates must be written outside it",
            absolute.display(),
            root.display()
        ));
    }
    fs::create_dir_all(&absolute).map_err(|error| format!("{}: {error}", absolute.display()))?;
    Ok(absolute)
}

/// `path` made absolute, with its longest existing ancestor canonicalized
/// (symbolic links resolved), without creating anything.
pub(crate) fn prospective_canonical(path: &Path) -> Result<PathBuf, String> {
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
            "no OpenAPI 3.0 specs under {} ({} other *.json/*.yaml/*.yml files skipped)",
            args.dir,
            discovery.skipped.len()
        )));
    }
    if args.keep.is_none() {
        remove_old_crates(&scratch).map_err(Error::Message)?;
    }
    let count = discovery.specs.len();
    eprintln!(
        "corpus: {count} OpenAPI 3.0 specs under {} ({} other files skipped); crates go to {}",
        args.dir,
        discovery.skipped.len(),
        scratch.display()
    );

    let mut runs = Vec::with_capacity(count);
    for (index, spec) in discovery.specs.iter().enumerate() {
        runs.push(generate_one(index, spec, &scratch, args.skip_unsupported)?);
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
    let checks = check_all(&jobs, &scratch, args.jobs, &Cargo::from_env()).map_err(Error::Message)?;
    for (run, check) in checks {
        runs[run].check = Some(check);
    }

    if args.keep.is_none() {
        let mut kept = 0;
        for run in &runs {
            if let Outcome::Generated { crate_dir, .. } = &run.outcome {
                if run.status() == Status::Compiled {
                    fs::remove_dir_all(crate_dir)
                        .map_err(|error| Error::Message(format!("{}: {error}", crate_dir.display())))?;
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
    Ok(Report {
        runs,
        not_openapi_30: discovery.skipped,
        skip_unsupported: args.skip_unsupported,
        largest: Some(largest),
    })
}

/// Generates spec number `index` in process and writes its crate to
/// `scratch/<n>-<crate name>`, with the package name `corpus-<n>-<crate
/// name>`. Package names must be unique: cargo identifies a workspace-root
/// package in a shared target directory by name and version only, so a
/// second crate of the same name would look "fresh" and never be checked.
fn generate_one(index: usize, spec: &Found, scratch: &Path, skip_unsupported: bool) -> Result<SpecRun, Error> {
    let name = format!("{:03}-{}", index + 1, default_crate_name(&spec.path));
    let crate_dir = scratch.join(&name);
    let args = GenerateArgs {
        spec: spec.path.clone(),
        out: crate_dir.to_string_lossy().into_owned(),
        crate_name: Some(format!("corpus-{name}")),
        skip_unsupported,
    };
    let started = Instant::now();
    let result = catch_panic(|| generate_in_memory(&args));
    let generation = started.elapsed();
    let outcome = match result {
        Ok(Ok(generated)) => {
            let report = write_crate(&args, generated)?;
            Outcome::Generated { crate_dir, skipped: report.skipped }
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
    use generator::Code;

    #[test]
    fn classifies_by_peeking() {
        let table: &[(&str, Result<(), NotOpenApi30>)] = &[
            ("{\n  \"openapi\": \"3.0.3\",\n  \"info\": {}\n}", Ok(())),
            ("{\"openapi\":\"3.0.0\",\"paths\":{}}", Ok(())),
            ("openapi: 3.0.1\ninfo:\n  title: x\n", Ok(())),
            ("# comment\nopenapi: '3.0.2' # trailing\n", Ok(())),
            ("\u{feff}\"openapi\": \"3.0.0\"\n", Ok(())),
            ("openapi: 3.1.0\n", Err(NotOpenApi30::OtherVersion("3.1.0".to_owned()))),
            ("{ \"openapi\" : \"3.1.0\" }", Err(NotOpenApi30::OtherVersion("3.1.0".to_owned()))),
            ("{\"swagger\": \"2.0\", \"info\": {}}", Err(NotOpenApi30::Swagger2)),
            ("swagger: '2.0'\n", Err(NotOpenApi30::Swagger2)),
            ("type: object\nproperties:\n  openapi:\n    type: string\n", Err(NotOpenApi30::NoVersion)),
            ("{\"properties\": {\"openapi\": {\"type\": \"string\"}}}", Err(NotOpenApi30::NoVersion)),
            ("", Err(NotOpenApi30::NoVersion)),
        ];
        for (text, expected) in table {
            assert_eq!(&classify(text), expected, "text: {text:?}");
        }
    }

    #[test]
    fn discovers_specs_recursively_sorted() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("corpus-discover")?;
        let dir = temp.path();
        let files = [
            ("b.json", "{\"openapi\": \"3.0.0\"}"),
            ("a.yaml", "openapi: 3.0.3\n"),
            ("sub/c.YML", "openapi: \"3.0.1\"\n"),
            ("sub/deeper/v2.json", "{\"swagger\": \"2.0\"}"),
            ("v31.yaml", "openapi: 3.1.0\n"),
            ("fragment.json", "{\"type\": \"object\"}"),
            ("README.md", "openapi: 3.0.0\n"),
            ("scratch/generated.json", "{\"openapi\": \"3.0.0\"}"),
        ];
        for (file, text) in files {
            write_if_changed(&dir.join(file), text)?;
        }
        let scratch = fs::canonicalize(dir.join("scratch"))?;
        let found = discover(dir, Some(&scratch))?;
        let shown: Vec<&str> = found.specs.iter().map(|spec| spec.shown.as_str()).collect();
        assert_eq!(shown, ["a.yaml", "b.json", "sub/c.YML"]);
        assert_eq!(found.specs[1].path, dir.join("b.json").to_string_lossy());
        assert_eq!(found.specs[1].bytes, 20);
        assert_eq!(
            found.skipped,
            [
                ("fragment.json".to_owned(), NotOpenApi30::NoVersion),
                ("sub/deeper/v2.json".to_owned(), NotOpenApi30::Swagger2),
                ("v31.yaml".to_owned(), NotOpenApi30::OtherVersion("3.1.0".to_owned())),
            ]
        );
        assert!(discover(&dir.join("missing"), None).is_err());
        Ok(())
    }

    fn spec(shown: &str, bytes: u64) -> Found {
        Found { shown: shown.to_owned(), path: format!("corpus/{shown}"), bytes }
    }

    fn check(passed: bool, millis: u64, errors: &[&str]) -> Option<Check> {
        Some(Check {
            passed,
            elapsed: Duration::from_millis(millis),
            errors: errors.iter().map(ToString::to_string).collect(),
            warnings: if passed { 2 } else { 0 },
        })
    }

    fn diagnostic(code: Code, pointer: &str) -> Diagnostic {
        Diagnostic::new(code, "corpus/x.json", pointer, "cannot do this")
    }

    fn sample_runs() -> Vec<SpecRun> {
        let generated = |skipped| Outcome::Generated { crate_dir: PathBuf::from("/tmp/c"), skipped };
        vec![
            SpecRun {
                spec: spec("petstore.json", 1000),
                generation: Duration::from_millis(12),
                outcome: generated(Vec::new()),
                check: check(true, 3_460, &[]),
            },
            SpecRun {
                spec: spec("sub/broken.yaml", 2000),
                generation: Duration::from_millis(7),
                outcome: generated(vec![diagnostic(Code::UnsupportedSchema, "/paths/~1a")]),
                check: check(false, 1_000, &["src/x/types.rs:1:2: error[E0412]: cannot find type `A`", "second"]),
            },
            SpecRun {
                spec: spec("x.json", 300),
                generation: Duration::from_millis(1),
                outcome: Outcome::Diagnosed(vec![
                    diagnostic(Code::BrokenRef, "/a"),
                    diagnostic(Code::UnsupportedParameter, "/b"),
                    diagnostic(Code::BrokenRef, "/c"),
                ]),
                check: None,
            },
            SpecRun {
                spec: spec("boom.json", 10),
                generation: Duration::from_millis(2),
                outcome: Outcome::Panicked("index out of bounds (at generator/src/lower/mod.rs:10:5)".to_owned()),
                check: None,
            },
        ]
    }

    #[test]
    fn renders_table_rows() {
        let rendered: Vec<String> = sample_runs().iter().map(SpecRun::render).collect();
        assert_eq!(header(), "status        gen_ms  check_s  diagnostics  path");
        assert_eq!(
            rendered,
            [
                "compiled          12      3.5            0  petstore.json",
                "check-failed       7      1.0            1  sub/broken.yaml\n    \
                 src/x/types.rs:1:2: error[E0412]: cannot find type `A`\n    second",
                "diagnosed          1        -            3  x.json\n    \
                 #/a: cannot do this [broken-ref]",
                "panicked           2        -            -  boom.json\n    \
                 panicked: index out of bounds (at generator/src/lower/mod.rs:10:5)",
            ]
        );
    }

    #[test]
    fn renders_summary() {
        let runs = sample_runs();
        let totals = Totals::of(&runs, 12);
        assert_eq!(
            totals.summary(),
            "corpus: 4 specs, 2 generated, 1 compiled, 1 diagnosed, 1 panicked, 1 check-failed (skipped 12 not OpenAPI 3.0)"
        );
        let report = Report {
            runs,
            not_openapi_30: vec![
                ("a.json".to_owned(), NotOpenApi30::Swagger2),
                ("b.json".to_owned(), NotOpenApi30::OtherVersion("3.1.0".to_owned())),
                ("c.json".to_owned(), NotOpenApi30::Swagger2),
            ],
            skip_unsupported: true,
            largest: Some(Largest {
                shown: "sub/broken.yaml".to_owned(),
                bytes: 13_001_822,
                generation: Duration::from_millis(6_906),
                peak_kib: Some(478_324),
                check: Some(Duration::from_millis(61_240)),
            }),
        };
        assert!(!report.passed());
        let text = report.render();
        let tail: Vec<&str> = text.lines().skip_while(|line| !line.is_empty()).skip(1).collect();
        assert_eq!(
            tail,
            [
                "corpus: 4 specs, 2 generated, 1 compiled, 1 diagnosed, 1 panicked, 1 check-failed (skipped 3 not OpenAPI 3.0)",
                "diagnostics by code: broken-ref=2, unsupported-parameter=1",
                "skipped operations by code: unsupported-schema=1",
                "warnings: 2 in 1 generated crates: petstore.json=2",
                "not OpenAPI 3.0: openapi 3.1.0=1, swagger 2.0=2",
                "largest: sub/broken.yaml (12.4 MB): generated in 6906 ms, peak RSS 467 MB, cargo check 61.2 s",
            ]
        );
        assert_eq!(counts_line("diagnostics by code", []), "diagnostics by code: none");
        let unknown = Largest { peak_kib: None, check: None, ..report.largest.clone().expect("largest") };
        assert!(unknown.render().ends_with("peak RSS unknown, cargo check not run"), "{}", unknown.render());
    }

    #[test]
    fn passes_without_panics_or_failed_checks() {
        let runs: Vec<SpecRun> =
            sample_runs().into_iter().filter(|run| run.spec.shown.starts_with(['p', 'x'])).collect();
        let report = Report { runs, not_openapi_30: Vec::new(), skip_unsupported: false, largest: None };
        assert!(report.passed(), "diagnosed specs do not fail the run");
        assert!(!report.render().contains("skipped operations"));
    }

    #[test]
    fn parses_vmhwm() {
        let status = "Name:\txtask\nVmPeak:\t  900000 kB\nVmHWM:\t  478324 kB\nVmRSS:\t  1000 kB\n";
        assert_eq!(parse_vmhwm(status), Some(478_324));
        assert_eq!(parse_vmhwm("status: generated\nVmHWM: 12 kB"), Some(12));
        assert_eq!(parse_vmhwm("VmRSS:\t 1 kB\n"), None);
        assert_eq!(parse_vmhwm("VmHWM:\t lots kB\n"), None);
        assert_eq!(parse_vmhwm("VmHWM:\t 12 MB\n"), None);
    }

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
    fn catches_panics_with_location() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        let caught = catch_panic(|| -> u8 { panic!("boom {}", 1) });
        let message = caught.err().unwrap_or_default();
        assert!(message.starts_with("boom 1 (at xtask/src/corpus.rs:"), "{message}");
        let caught = catch_panic(|| std::panic::panic_any(5_u8));
        assert!(caught.is_err_and(|message| message.starts_with("(panic payload is not a string)")));
    }

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

    #[test]
    fn renames_the_warmup_package() {
        let manifest =
            "# @generated\n[package]\nname = \"a-client\"\nversion = \"0.1.0\"\n\n[dependencies]\nname-x = \"1\"\n";
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
