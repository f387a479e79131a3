//! The results of a corpus run and their presentation: the table and the
//! summary lines.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use generator::Diagnostic;

use super::discover::{Found, Unreadable};
use super::{MAX_LINE, SHOWN_LINES};

/// What the generator did with one spec.
#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// A crate was written to `crate_dir`; `skipped` lists the operations
    /// left out (with `--skip-unsupported`).
    Generated {
        /// Where the crate is.
        crate_dir: PathBuf,
        /// Left-out operations, with reasons.
        skipped: Vec<Diagnostic>,
        /// Interpretations the generator made.
        warnings: Vec<Diagnostic>,
    },
    /// The generator returned diagnostics.
    Diagnosed(Vec<Diagnostic>),
    /// The generator panicked; the message (with location).
    Panicked(String),
}

/// The result of `cargo check` on one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Check {
    /// Whether it succeeded.
    pub(super) passed: bool,
    /// Wall time.
    pub(super) elapsed: Duration,
    /// The first few error lines (of a failed check).
    pub(super) errors: Vec<String>,
    /// Number of warnings in the generated code.
    pub(super) warnings: usize,
    /// With `--examples`: the example tests that passed and failed, and
    /// the first failures.
    pub(super) examples: Option<ExampleRun>,
}

/// The outcome of a crate's example tests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct ExampleRun {
    /// Examples decoded (and re-encoded) as the spec wrote them.
    pub(super) passed: usize,
    /// Examples that did not (or tests that did not build: `usize::MAX`
    /// is never used; a build failure is one failure with its message).
    pub(super) failed: usize,
    /// The first failure lines.
    pub(super) failures: Vec<String>,
}

/// One spec's line in the table.
#[derive(Debug, Clone)]
pub(super) struct SpecRun {
    /// The spec, as discovered.
    pub(super) spec: Found,
    /// Wall time of the generator.
    pub(super) generation: Duration,
    /// What the generator did.
    pub(super) outcome: Outcome,
    /// The check, for generated crates.
    pub(super) check: Option<Check>,
}

/// The status column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
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
    pub(super) fn status(&self) -> Status {
        match &self.outcome {
            Outcome::Generated { .. } if self.check.as_ref().is_some_and(|check| check.passed) => Status::Compiled,
            Outcome::Generated { .. } => Status::CheckFailed,
            Outcome::Diagnosed(_) => Status::Diagnosed,
            Outcome::Panicked(_) => Status::Panicked,
        }
    }

    /// The table line, plus indented detail lines for anything but success.
    fn render(&self) -> String {
        let diagnostics = match &self.outcome {
            Outcome::Generated { skipped, .. } => skipped.len().to_string(),
            Outcome::Diagnosed(diagnostics) => diagnostics.len().to_string(),
            Outcome::Panicked(_) => "-".to_owned(),
        };
        let check = self.check.as_ref().map_or_else(|| "-".to_owned(), |check| seconds(check.elapsed));
        let mut text = row(self.status().as_str(), &self.generation.as_millis().to_string(), &check, &diagnostics, &self.spec.shown);
        let details: Vec<String> = match (&self.outcome, self.status()) {
            (Outcome::Diagnosed(diagnostics), _) => diagnostics
                .iter()
                .take(1)
                .map(|diagnostic| {
                    // The row names the spec already: `:line:column#/pointer: message [code]`.
                    let text = diagnostic.to_string();
                    text.strip_prefix(self.spec.path.as_str()).map_or_else(|| text.clone(), str::to_owned)
                })
                .collect(),
            (Outcome::Panicked(message), _) => message.lines().take(SHOWN_LINES).map(|line| format!("panicked: {line}")).collect(),
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
fn header() -> String {
    row("status", "gen_ms", "check_s", "diagnostics", "path")
}

pub(super) fn seconds(duration: Duration) -> String {
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
    /// Specs run.
    pub(crate) specs: usize,
    /// Specs the generator produced a crate for.
    generated: usize,
    /// Crates that passed `cargo check`.
    pub(crate) compiled: usize,
    /// Specs the generator returned diagnostics for.
    diagnosed: usize,
    /// Specs the generator panicked on.
    pub(crate) panicked: usize,
    /// Crates that failed `cargo check`.
    pub(crate) check_failed: usize,
    /// Files skipped as not a supported version.
    unreadable: usize,
}

impl Totals {
    /// Tallies `runs`.
    fn of(runs: &[SpecRun], unreadable: usize) -> Self {
        let mut totals = Totals { specs: runs.len(), unreadable, ..Totals::default() };
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
    /// 1 check-failed (skipped 12 not a supported version)`.
    fn summary(&self) -> String {
        format!(
            "corpus: {} specs, {} generated, {} compiled, {} diagnosed, {} panicked, {} check-failed (skipped {} not a supported version)",
            self.specs, self.generated, self.compiled, self.diagnosed, self.panicked, self.check_failed, self.unreadable
        )
    }
}

/// `label: a=1, b=2` sorted by key, or `label: none`.
fn counts_line<'a>(label: &str, keys: impl IntoIterator<Item = &'a str>) -> String {
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
pub(super) struct Largest {
    /// Display path.
    pub(super) shown: String,
    /// File size.
    pub(super) bytes: u64,
    /// Generation wall time (in process).
    pub(super) generation: Duration,
    /// Peak resident memory of a child process generating it, in KiB.
    pub(super) peak_kib: Option<u64>,
    /// `cargo check` time, if it was generated.
    pub(super) check: Option<Duration>,
}

impl Largest {
    /// `largest: <path> (<MB> MB): generated in <ms> ms, peak RSS <MB> MB,
    /// cargo check <s> s`.
    fn render(&self) -> String {
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
    /// One entry per spec, in path order.
    pub(super) runs: Vec<SpecRun>,
    /// Files that are not a supported version documents.
    pub(super) unreadable: Vec<(String, Unreadable)>,
    /// Whether `--skip-unsupported` was given.
    pub(super) skip_unsupported: bool,
    /// The largest spec's measurements.
    pub(super) largest: Option<Largest>,
}

impl Report {
    /// Totals of the run.
    pub(crate) fn totals(&self) -> Totals {
        Totals::of(&self.runs, self.unreadable.len())
    }

    /// True when nothing panicked and every generated crate checked.
    /// No panic, no failed check, and no warning in generated code (which
    /// must compile warning-free).
    pub(crate) fn passed(&self) -> bool {
        let totals = self.totals();
        let warnings: usize = self.runs.iter().filter_map(|run| run.check.as_ref()).map(|check| check.warnings).sum();
        let failed_examples: usize =
            self.runs.iter().filter_map(|run| run.check.as_ref()?.examples.as_ref()).map(|examples| examples.failed).sum();
        totals.panicked == 0 && totals.check_failed == 0 && warnings == 0 && failed_examples == 0
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
        let warnings = self.runs.iter().flat_map(|run| match &run.outcome {
            Outcome::Generated { warnings, .. } => warnings.as_slice(),
            _ => &[],
        });
        lines.push(counts_line("generator warnings by code", warnings.map(|diagnostic| diagnostic.code.as_str())));
        if self.skip_unsupported {
            let skipped = self.runs.iter().flat_map(|run| match &run.outcome {
                Outcome::Generated { skipped, .. } => skipped.as_slice(),
                _ => &[],
            });
            lines.push(counts_line("skipped operations by code", skipped.map(|diagnostic| diagnostic.code.as_str())));
        }
        let examples: Vec<(&SpecRun, &ExampleRun)> =
            self.runs.iter().filter_map(|run| Some((run, run.check.as_ref()?.examples.as_ref()?))).collect();
        if !examples.is_empty() {
            let mismatched = |run: &SpecRun| match &run.outcome {
                Outcome::Generated { warnings, .. } => {
                    warnings.iter().filter(|warning| warning.code.as_str() == "example-mismatch").count()
                }
                _ => 0,
            };
            for (run, result) in &examples {
                if result.passed + result.failed + mismatched(run) > 0 {
                    lines.push(format!(
                        "examples: {}: {} not fitting their schemas (warnings), {} fitting: {} round-tripped, {} failed",
                        run.spec.shown,
                        mismatched(run),
                        result.passed + result.failed,
                        result.passed,
                        result.failed
                    ));
                    lines.extend(result.failures.iter().map(|failure| format!("    {}", shorten(failure))));
                }
            }
            let (passed, failed): (usize, usize) =
                examples.iter().fold((0, 0), |(passed, failed), (_, result)| (passed + result.passed, failed + result.failed));
            let mismatches: usize = examples.iter().map(|(run, _)| mismatched(run)).sum();
            lines.push(format!(
                "examples: {} crates, {mismatches} examples not fitting, {} fitting: {passed} round-tripped, {failed} failed",
                examples.len(),
                passed + failed
            ));
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
        if !self.unreadable.is_empty() {
            let labels: Vec<String> = self.unreadable.iter().map(|(_, reason)| reason.label()).collect();
            lines.push(counts_line("not a supported version", labels.iter().map(String::as_str)));
        }
        if let Some(largest) = &self.largest {
            lines.push(largest.render());
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::Code;

    fn spec(shown: &str, bytes: u64) -> Found {
        Found { shown: shown.to_owned(), path: format!("corpus/{shown}"), bytes }
    }

    fn check(passed: bool, millis: u64, errors: &[&str]) -> Option<Check> {
        Some(Check {
            passed,
            elapsed: Duration::from_millis(millis),
            errors: errors.iter().map(ToString::to_string).collect(),
            warnings: if passed { 2 } else { 0 },
            examples: None,
        })
    }

    fn diagnostic(code: Code, pointer: &str) -> Diagnostic {
        Diagnostic::new(code, "corpus/x.json", pointer, "cannot do this")
    }

    fn sample_runs() -> Vec<SpecRun> {
        let generated = |skipped| Outcome::Generated { crate_dir: PathBuf::from("/tmp/c"), skipped, warnings: Vec::new() };
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
            "corpus: 4 specs, 2 generated, 1 compiled, 1 diagnosed, 1 panicked, 1 check-failed (skipped 12 not a supported version)"
        );
        let report = Report {
            runs,
            unreadable: vec![
                ("a.json".to_owned(), Unreadable::OtherSwagger("1.2".to_owned())),
                ("b.json".to_owned(), Unreadable::OtherVersion("3.1.0".to_owned())),
                ("c.json".to_owned(), Unreadable::OtherSwagger("1.2".to_owned())),
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
                "corpus: 4 specs, 2 generated, 1 compiled, 1 diagnosed, 1 panicked, 1 check-failed (skipped 3 not a supported version)",
                "diagnostics by code: broken-ref=2, unsupported-parameter=1",
                "generator warnings by code: none",
                "skipped operations by code: unsupported-schema=1",
                "warnings: 2 in 1 generated crates: petstore.json=2",
                "not a supported version: openapi 3.1.0=1, swagger 1.2=2",
                "largest: sub/broken.yaml (12.4 MB): generated in 6906 ms, peak RSS 467 MB, cargo check 61.2 s",
            ]
        );
        assert_eq!(counts_line("diagnostics by code", []), "diagnostics by code: none");
        let unknown = Largest { peak_kib: None, check: None, ..report.largest.clone().expect("largest") };
        assert!(unknown.render().ends_with("peak RSS unknown, cargo check not run"), "{}", unknown.render());
    }

    #[test]
    fn passes_without_panics_failed_checks_or_warnings() {
        let mut runs: Vec<SpecRun> = sample_runs().into_iter().filter(|run| run.spec.shown.starts_with(['p', 'x'])).collect();
        let report = Report { runs: runs.clone(), unreadable: Vec::new(), skip_unsupported: false, largest: None };
        assert!(!report.passed(), "warnings in generated code fail the run");
        for run in &mut runs {
            if let Some(check) = &mut run.check {
                check.warnings = 0;
            }
        }
        let report = Report { runs, unreadable: Vec::new(), skip_unsupported: false, largest: None };
        assert!(report.passed(), "diagnosed specs do not fail the run");
        assert!(!report.render().contains("skipped operations"));
    }
}
