//! Project automation, run as `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`).
//!
//! * `codegen [--check]` regenerates `generated-client/src` from `specs/`,
//!   or checks that it is up to date.
//! * `generate --spec PATH --out DIR` writes a standalone client crate for
//!   any spec.
//! * `corpus --dir DIR` generates and `cargo check`s a crate for every
//!   spec (Swagger 2.0, OpenAPI 3.0 or 3.1) under a directory (scratch crates live outside the
//!   workspace) and prints a table and a summary.
//!
//! The `generator` pipeline does no I/O; the front ends touch the disk.
//! Code map:
//!
//! * `cli`: the command line (a clap grammar; `--help` for every command).
//! * `codegen` / `generate` / `corpus`: the commands; each returns a report
//!   and leaves printing to [`run`] (`corpus` reports progress on stderr).
//! * from `oagen`'s library (the `oagen` command line shares them):
//!   `sync`, the one helper that compares a directory with generated output
//!   and either reports the differences (`--check`) or fixes them; `fs`,
//!   atomic, only-when-changed writes and directory walks; and the
//!   generation behind `generate` (its options' grammar included). Specs
//!   are read with `generator::build::DiskLoader`.
//!
//! Exit codes: 0 success, 1 failure (diagnostics, stale output, I/O; for
//! `corpus` a generator panic or a failed check), 2 bad command line.

#![warn(missing_docs)]

mod bench;
mod bench_decode;
mod cli;
mod codegen;
mod corpus;
mod generate;

// Writing generated files is `oagen`'s library (shared with the `oagen`
// command line), as is reading specs (`generator::build::DiskLoader`).
use oagen::{fs, sync};

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::Diagnostics;

use crate::cli::{Command, MeasureMode};
use crate::sync::{ChangeKind, Mode};

/// The workspace root: the parent of the `xtask` crate's directory, fixed at
/// compile time, so `cargo xtask` behaves the same from any directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or_else(|| manifest_dir.join(".."), Path::to_path_buf)
}

/// Checks that `root/generated-client/src` is exactly what
/// `cargo xtask codegen` would write for `root/specs`, without writing
/// anything. Returns the problems found (empty when fresh), each like
/// `stale: generated-client/src/lib.rs`, `missing: …` or `orphaned: …`.
///
/// Fails with printable text when the output cannot be generated at all
/// (generator diagnostics, no specs, I/O errors).
///
/// Meant for a freshness `#[test]`:
///
/// ```no_run
/// let problems = xtask::codegen_check(&xtask::workspace_root()).unwrap();
/// assert!(problems.is_empty(), "{}\nrun `cargo xtask codegen`", problems.join("\n"));
/// ```
pub fn codegen_check(root: &Path) -> Result<Vec<String>, String> {
    let report = codegen::codegen(root, Mode::Check).map_err(|error| error.to_string())?;
    Ok(report.changes.iter().map(|(dir, change)| change.describe(dir)).collect())
}

/// Runs the command line `args` (without the program name), printing
/// results to stdout and problems to stderr.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    ExitCode::from(execute(args))
}

/// [`run`], returning the exit code as a number so tests can compare it.
fn execute(args: impl IntoIterator<Item = OsString>) -> u8 {
    let command = match cli::parse(args) {
        Ok(command) => command,
        // The help that was asked for (stdout, 0) or a usage error (stderr, 2).
        Err(stop) => {
            if stop.use_stderr() {
                eprint!("{stop}");
                return 2;
            }
            print!("{stop}");
            return 0;
        }
    };
    let result = match command {
        Command::Codegen { check } => run_codegen(check),
        Command::Generate(args) => run_generate(&args),
        Command::Corpus(args) => run_corpus(&args),
        Command::Bench { specs, runs } => bench::bench(&specs.0, runs).map(|table| print!("{table}")).map_err(Error::Message),
        Command::BenchDecode { spec, runs, copies, dir, bodies } => {
            let options = bench_decode::Options { spec, runs, copies, dir: PathBuf::from(dir), bodies: bodies.0 };
            bench_decode::bench_decode(&workspace_root(), &options).map(|table| print!("{table}")).map_err(Error::Message)
        }
        Command::BenchMeasure { spec, mode } => {
            bench::measure(&spec, mode == MeasureMode::Generate);
            Ok(())
        }
        Command::CorpusMeasure { spec, skip_unsupported } => {
            corpus::measure(&spec, skip_unsupported);
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("{error}");
            1
        }
    }
}

fn run_codegen(check: bool) -> Result<(), Error> {
    let root = workspace_root();
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = codegen::codegen(&root, mode)?;
    // The fixtures warn on purpose: counts keep `codegen` output short.
    print_warnings(&report.warnings, cli::WarningsMode::Summary);
    let counts = format!("{}, {}", plural(report.specs, "spec"), plural(report.files, "file"));
    if !check {
        let (updated, removed) = tally(report.changes.iter().map(|(_, change)| change.kind));
        println!("codegen: {counts}, {updated} updated, {removed} removed");
        return Ok(());
    }
    if report.changes.is_empty() {
        println!("codegen: {counts}, up to date");
        return Ok(());
    }
    let mut problems: Vec<String> = report.changes.iter().map(|(dir, change)| change.describe(dir)).collect();
    problems.push(format!("run `{}` to update", codegen::REGENERATE_COMMAND));
    Err(Error::Plain(problems.join("\n")))
}

/// Prints warnings to stderr (see [`oagen::generate::print_warnings`]).
pub(crate) fn print_warnings(warnings: &[generator::Diagnostic], mode: cli::WarningsMode) {
    oagen::generate::print_warnings(warnings, mode);
}

fn run_generate(args: &cli::GenerateArgs) -> Result<(), Error> {
    let report = generate::generate(args)?;
    print_warnings(&report.warnings, args.options.warnings);
    oagen::generate::print_skipped(&report.skipped);
    eprintln!("generate: generation took {} ms", report.elapsed.as_millis());
    let (updated, removed) = tally(report.changes.iter().map(|change| change.kind));
    println!("generate: {} in {}: {}, {updated} updated, {removed} removed", report.crate_name, args.out, plural(report.files, "file"));
    Ok(())
}

fn run_corpus(args: &cli::CorpusArgs) -> Result<(), Error> {
    let report = corpus::corpus(args)?;
    print!("{}", report.render());
    let totals = report.totals();
    if let Some(min) = args.min_compiled {
        // Compare compiled/specs with min/100 in integers.
        if totals.compiled * 100 < usize::from(min) * totals.specs {
            return Err(Error::Message(format!("corpus: {} of {} compiled, below the required {min}%", totals.compiled, totals.specs)));
        }
    }
    if report.passed() {
        return Ok(());
    }
    Err(Error::Message(format!(
        "corpus: {} panicked, {} failed `cargo check`, or generated code has warnings",
        plural(totals.panicked, "spec"),
        plural(totals.check_failed, "crate")
    )))
}

/// (written, removed) counts of a write-mode sync.
fn tally(kinds: impl Iterator<Item = ChangeKind>) -> (usize, usize) {
    kinds.fold((0, 0), |(written, removed), kind| match kind {
        ChangeKind::Stale | ChangeKind::Missing => (written + 1, removed),
        ChangeKind::Orphaned => (written, removed + 1),
    })
}

use oagen::generate::plural;

/// Why a command failed. Its `Display` is the full text for stderr.
#[derive(Debug)]
enum Error {
    /// The generator found problems in the specs; nothing was written.
    Diagnostics(Diagnostics),
    /// Anything else, as one message (printed after `error: `).
    Message(String),
    /// Text printed exactly as is.
    Plain(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Diagnostics(diagnostics) => f.write_str(&diagnostics.render_failure("; no files were written")),
            Error::Message(message) => write!(f, "error: {message}"),
            Error::Plain(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod test_support {
    //! A self-deleting temporary directory (no `tempfile` dependency).

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::{fs, io};

    /// A fresh directory under the system temp dir, removed on drop.
    pub(crate) struct TempDir(PathBuf);

    impl TempDir {
        /// Creates `<temp>/xtask-<label>-<pid>-<n>`.
        pub(crate) fn new(label: &str) -> io::Result<Self> {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("xtask-{label}-{}-{unique}", std::process::id()));
            if path.exists() {
                fs::remove_dir_all(&path)?;
            }
            fs::create_dir_all(&path)?;
            Ok(Self(path))
        }

        /// The directory.
        pub(crate) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::test_support::TempDir;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn command_line_exit_codes() {
        for line in ["", "frobnicate", "codegen --nope", "generate --spec a.yaml", "corpus --dir c --jobs 0", "help me"] {
            assert_eq!(execute(args(line)), 2, "{line:?}");
        }
        for line in ["help", "--help", "-h", "help generate", "generate --help", "corpus -h", "bench --help"] {
            assert_eq!(execute(args(line)), 0, "{line:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_arguments_exit_2() {
        use std::os::unix::ffi::OsStringExt;
        let spec = OsString::from_vec(b"a\xff.yaml".to_vec());
        let line = [OsString::from("generate"), OsString::from("--spec"), spec, OsString::from("--out"), OsString::from("o")];
        assert_eq!(execute(line), 2);
    }

    #[test]
    fn workspace_root_holds_the_specs() {
        assert!(workspace_root().join("xtask/Cargo.toml").is_file());
    }

    /// End to end on a copy of the real specs: write, recheck, then break
    /// the output in every way `--check` must notice.
    #[test]
    fn codegen_round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("codegen")?;
        let root = temp.path();
        fs::create_dir_all(root.join("specs"))?;
        for spec in codegen::spec_inputs(&workspace_root(), codegen::SPECS_DIR).map_err(|error| error.to_string())? {
            fs::copy(workspace_root().join(&spec.path), root.join(&spec.path))?;
        }

        let written = codegen::codegen(root, Mode::Write).map_err(|error| error.to_string())?;
        assert!(!written.changes.is_empty());
        assert_eq!(codegen_check(root)?, Vec::<String>::new());
        let again = codegen::codegen(root, Mode::Write).map_err(|error| error.to_string())?;
        assert!(again.changes.is_empty(), "a second run changes nothing");

        let src = root.join("generated-client/src");
        fs::write(src.join("lib.rs"), "// edited\n")?;
        fs::remove_file(src.join("runtime/retry.rs"))?;
        fs::write(src.join("stray.rs"), "")?;
        assert_eq!(
            codegen_check(root)?,
            [
                "stale: generated-client/src/lib.rs",
                "missing: generated-client/src/runtime/retry.rs",
                "orphaned: generated-client/src/stray.rs",
            ]
        );
        Ok(())
    }

    /// Symbolic links out of the spec directory are refused by the disk
    /// loader, whether a `$ref` names them or they sit in `specs/`; the
    /// diagnostics never quote the file behind them.
    #[cfg(unix)]
    #[test]
    fn codegen_refuses_links_out_of_the_spec_directory() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::symlink;
        let temp = TempDir::new("links")?;
        let root = temp.path();
        fs::create_dir_all(root.join("specs"))?;
        fs::create_dir_all(root.join("outside"))?;
        fs::write(root.join("outside/secret.yaml"), "S: {type: string, maxLength: s3cr3t}\ns3cr3t: [\n")?;
        symlink(root.join("outside"), root.join("specs/shared"))?;
        symlink(root.join("outside/secret.yaml"), root.join("specs/linked.yaml"))?;
        let spec =
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'shared/secret.yaml#/S'}\n";
        fs::write(root.join("specs/api.yaml"), spec)?;

        let Err(error @ Error::Diagnostics(_)) = codegen::codegen(root, Mode::Write) else {
            return Err("links out of the spec directory must fail with diagnostics".into());
        };
        let text = error.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("specs/api.yaml:6:5#/components/schemas/A: `shared/secret.yaml#/S`: cannot load `specs/shared/secret.yaml`: cannot read file: refused"), "{text}");
        assert!(text.contains("specs/linked.yaml#: cannot read file: refused"), "{text}");
        assert!(!root.join("generated-client").exists(), "nothing written");
        Ok(())
    }

    #[test]
    fn diagnostics_write_nothing() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("broken")?;
        let root = temp.path();
        fs::create_dir_all(root.join("specs"))?;
        fs::write(root.join("specs/broken.yaml"), "openapi: 3.0.3\ninfo: [\n")?;

        let Err(Error::Diagnostics(diagnostics)) = codegen::codegen(root, Mode::Write) else {
            return Err("a YAML syntax error must fail with diagnostics".into());
        };
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.file.as_str(), d.line_column.is_some())).collect();
        assert_eq!(found, [(generator::Code::Syntax, "specs/broken.yaml", true)], "located syntax error");
        assert!(!root.join("generated-client").exists(), "nothing written");

        let text = codegen_check(root).err().unwrap_or_default();
        assert!(text.starts_with("error: specs/broken.yaml"), "{text}");
        assert!(text.ends_with("error: 1 problem found; no files were written"), "{text}");
        Ok(())
    }

    /// A failed run reports the warnings it found too (of the specs that
    /// lowered), printed as warnings after the errors and not counted as
    /// problems.
    #[test]
    fn a_failed_run_keeps_the_other_specs_warnings() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("broken-and-warned")?;
        let root = temp.path();
        fs::create_dir_all(root.join("specs"))?;
        fs::write(root.join("specs/broken.yaml"), "openapi: 3.0.3\ninfo: [\n")?;
        fs::write(
            root.join("specs/warned.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nsecurity: [{bearer: []}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {\"200\": {description: ok}}\n",
        )?;

        let Err(Error::Diagnostics(diagnostics)) = codegen::codegen(root, Mode::Write) else {
            return Err("the broken spec must fail the run".into());
        };
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.file.as_str(), d.severity)).collect();
        assert_eq!(
            found,
            [
                (generator::Code::Syntax, "specs/broken.yaml", generator::Severity::Error),
                (generator::Code::UndefinedSecurityScheme, "specs/warned.yaml", generator::Severity::Warning),
            ],
            "the error, then the other spec's warning"
        );
        assert!(!root.join("generated-client").exists(), "nothing written");
        let text = codegen_check(root).err().unwrap_or_default();
        assert!(text.contains("\nspecs/warned.yaml:3:"), "the warning, located: {text}");
        assert!(text.contains(": warning: security requirement names undefined scheme `bearer`"), "{text}");
        assert!(text.ends_with("error: 1 problem found (and 1 warning); no files were written"), "{text}");
        Ok(())
    }
}
