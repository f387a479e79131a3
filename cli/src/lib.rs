//! `oagen`: typed async Rust clients from OpenAPI specs (Swagger 2.0,
//! OpenAPI 3.0 and 3.1), on the command line.
//!
//! * `oagen generate SPEC… --out DIR [--name NAME] [--version VERSION]`
//!   writes a standalone crate (one module per spec, one shared runtime).
//! * `oagen check SPEC…` reports diagnostics and warnings and writes
//!   nothing (exit 1 on errors; with `--strict`, on warnings too).
//!
//! The library is what front ends with a command line share (`cargo xtask`
//! depends on it): [`generate`] (the options' clap grammar, generation in
//! memory, writing the crate, printing warnings), [`sync`] (bringing a
//! directory in line with generated output, or checking it) and [`fs`]
//! (atomic, all-or-nothing writes). Specs are read with the generator's
//! [`generator::build::DiskLoader`].
//!
//! Exit codes: 0 success, 1 failure (diagnostics, I/O), 2 bad command line.

#![warn(missing_docs)]

pub mod fs;
pub mod generate;
pub mod sync;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand};

use crate::generate::{Job, Options, plural};
use crate::sync::ChangeKind;

/// Runs the command line `args` (without the program name), printing
/// results to stdout and problems to stderr.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    ExitCode::from(execute(args))
}

/// Printed after the list of commands in `oagen --help`.
const AFTER_HELP: &str = "\
`oagen <COMMAND> --help` lists the options of a command.
Exit codes: 0 success; 1 failure (diagnostics, I/O); 2 bad command line.";

/// Typed async Rust clients from OpenAPI specs (Swagger 2.0, OpenAPI 3.0 and 3.1)
#[derive(Debug, Parser)]
#[command(name = "oagen", version, no_binary_name = true, subcommand_required = true, arg_required_else_help = true, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Generate a standalone client crate from one or more specs
    #[command(after_help = "\
Paths are relative to the current directory. Each spec becomes a module
named after its file (with one spec, its items are also at the crate root);
all share one runtime. Regenerating rewrites only files that changed and
removes generated files that are no longer generated.")]
    Generate(GenerateCmd),
    /// Report a spec's problems and warnings; write nothing
    #[command(after_help = "\
Exit code 1 when a spec has errors (with --strict, warnings too): for a spec
author's CI.")]
    Check(CheckCmd),
}

#[derive(Debug, Args)]
struct GenerateCmd {
    /// The spec files (YAML or JSON)
    #[arg(value_name = "SPEC", required = true, value_parser = NonEmptyStringValueParser::new())]
    specs: Vec<String>,
    /// The crate directory to write
    #[arg(long, short, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    out: String,
    /// Package name [default: from the first spec's file name]
    #[arg(long, short, value_name = "NAME", value_parser = crate_name)]
    name: Option<String>,
    /// Package version [default: 0.1.0]
    #[arg(long = "version", short = 'v', value_name = "VERSION", value_parser = version)]
    package_version: Option<String>,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Args)]
struct CheckCmd {
    /// The spec files (YAML or JSON)
    #[arg(value_name = "SPEC", required = true, value_parser = NonEmptyStringValueParser::new())]
    specs: Vec<String>,
    #[command(flatten)]
    options: Options,
}

fn crate_name(text: &str) -> Result<String, String> {
    generate::check_crate_name(text).map(str::to_owned)
}

fn version(text: &str) -> Result<String, String> {
    generate::check_version(text).map(str::to_owned)
}

/// [`run`], returning the exit code as a number so tests can compare it.
fn execute(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // The help or version that was asked for (stdout, 0) or a usage
        // error (stderr, 2).
        Err(stop) => {
            if stop.use_stderr() {
                eprint!("{stop}");
                return 2;
            }
            print!("{stop}");
            return 0;
        }
    };
    let result = match cli.command {
        Cmd::Generate(command) => run_generate(command),
        Cmd::Check(command) => run_check(command),
    };
    match result {
        Ok(()) => 0,
        Err(text) => {
            eprintln!("{text}");
            1
        }
    }
}

fn run_generate(command: GenerateCmd) -> Result<(), String> {
    let crate_name = command.name.clone().unwrap_or_else(|| generate::default_crate_name(&command.specs[0]));
    let job = Job {
        regenerate_command: regenerate_command(&command),
        specs: command.specs,
        crate_name,
        version: command.package_version.unwrap_or_else(|| "0.1.0".to_owned()),
        options: command.options,
    };
    let generated = generate::generate_in_memory(&job).map_err(|diagnostics| generate::render_diagnostics(&diagnostics))?;
    let report = generate::write_crate(Path::new(&command.out), generated).map_err(|error| format!("error: {error}"))?;
    generate::print_warnings(&report.warnings, job.options.warnings);
    generate::print_skipped(&report.skipped);
    let (written, removed) = report.changes.iter().fold((0, 0), |(written, removed), change| match change.kind {
        ChangeKind::Stale | ChangeKind::Missing => (written + 1, removed),
        ChangeKind::Orphaned => (written, removed + 1),
    });
    println!(
        "generate: {} in {}: {}, {written} updated, {removed} removed ({} ms)",
        report.crate_name,
        command.out,
        plural(report.files, "file"),
        report.elapsed.as_millis()
    );
    Ok(())
}

fn run_check(command: CheckCmd) -> Result<(), String> {
    let job = Job {
        specs: command.specs,
        crate_name: "check".to_owned(),
        version: "0.1.0".to_owned(),
        options: command.options,
        regenerate_command: "oagen check".to_owned(),
    };
    let generated = generate::generate_in_memory(&job).map_err(|diagnostics| diagnostics.render_failure(""))?;
    generate::print_warnings(&generated.output.warnings, job.options.warnings);
    generate::print_skipped(&generated.output.skipped);
    println!("check: {}, no errors, {}", plural(job.specs.len(), "spec"), plural(generated.output.warnings.len(), "warning"));
    Ok(())
}

/// The command that reproduces this run, for the generated files' headers.
fn regenerate_command(command: &GenerateCmd) -> String {
    let mut line = String::from("oagen generate");
    for spec in &command.specs {
        line.push(' ');
        line.push_str(&generate::quote(spec));
    }
    line.push_str(&format!(" --out {}", generate::quote(&command.out)));
    if let Some(name) = &command.name {
        line.push_str(&format!(" --name {}", generate::quote(name)));
    }
    if let Some(version) = &command.package_version {
        line.push_str(&format!(" --version {}", generate::quote(version)));
    }
    line + &command.options.flags()
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A self-deleting temporary directory (no `tempfile` dependency).

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::{fs, io};

    /// A fresh directory under the system temp dir, removed on drop.
    pub(crate) struct TempDir(PathBuf);

    impl TempDir {
        /// Creates `<temp>/oagen-<label>-<pid>-<n>`.
        pub(crate) fn new(label: &str) -> io::Result<Self> {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("oagen-{label}-{}-{unique}", std::process::id()));
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

    /// Everything below `dir`: each directory (`None`) and each file with its
    /// bytes, hidden files included, by `/`-separated relative path. Two
    /// equal snapshots mean a byte-identical tree.
    pub(crate) fn snapshot(dir: &Path) -> io::Result<std::collections::BTreeMap<String, Option<Vec<u8>>>> {
        let mut found = std::collections::BTreeMap::new();
        let mut pending = vec![PathBuf::new()];
        while let Some(relative) = pending.pop() {
            for entry in fs::read_dir(dir.join(&relative))? {
                let entry = entry?;
                let path = relative.join(entry.file_name());
                let key = path.to_string_lossy().replace('\\', "/");
                if entry.file_type()?.is_dir() {
                    found.insert(key, None);
                    pending.push(path);
                } else {
                    found.insert(key, Some(fs::read(entry.path())?));
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn command_line_exit_codes() {
        for line in [
            "",
            "frobnicate",
            "generate",
            "generate a.yaml",
            "generate --out o",
            "generate a.yaml --out o --version 1",
            "generate a.yaml --out o --name 1x",
            "generate a.yaml --out o --only-tags=",
            "generate a.yaml --out o --warnings some",
            "check",
            "check a.yaml --out o",
        ] {
            assert_eq!(execute(args(line)), 2, "{line:?}");
        }
        for line in ["--help", "-h", "--version", "-V", "help", "help generate", "generate --help", "check -h"] {
            assert_eq!(execute(args(line)), 0, "{line:?}");
        }
    }

    #[test]
    fn parses_every_option() {
        let line = "generate a.yaml b.json --out o --name x --version 1.2.3 --skip-unsupported --only-tags a,,b --no-pagination-detection --strict --serde-as-used --date-time-strings --no-partial-eq --params-always --serde-derive --ref-root .. --warnings summary";
        let cli = Cli::try_parse_from(args(line)).expect("parses");
        let Cmd::Generate(command) = cli.command else { panic!("generate") };
        assert_eq!(command.specs, ["a.yaml", "b.json"]);
        assert_eq!(
            regenerate_command(&command),
            "oagen generate a.yaml b.json --out o --name x --version 1.2.3 --skip-unsupported --no-pagination-detection --only-tags a,b --strict --serde-as-used --date-time-strings --no-partial-eq --params-always --serde-derive --ref-root .."
        );
        assert_eq!(command.options.warnings, generate::WarningsMode::Summary);
    }
}
