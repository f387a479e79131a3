//! The command line: the [clap] grammar and nothing else. [`parse`] returns
//! its [`Command`], which the rest of xtask runs as it is; every check of a
//! value is a value parser here, so a parsed command is a valid one.
//!
//! Help (`cargo xtask --help`, `cargo xtask help`, `cargo xtask <command>
//! --help`) is generated from the doc comments below: a variant's or a
//! field's `///` is its help line, kept to one line (clap's long help would
//! spread every option over three lines), and what the code should know
//! beyond it is a `//` comment next to it.
//!
//! Why clap (derive) and not xflags, the parser of rust-analyzer's xtask:
//! xflags 0.3.2, its latest release, has one help text for the whole program
//! (no per-command `--help`), no `--flag=value` form (which `corpus` uses to
//! hand its child `--spec=PATH`, so that any path stays a value) and no
//! hidden commands (`corpus-measure` and `bench-measure` are internal). Its
//! 0.4 pre-release adds per-command help but rewrites any argument spelled
//! `help`, wherever it stands, into `--help`, and still lacks the other two.
//! clap does all three. Without its `color` and `wrap_help` features it adds
//! `clap`, `clap_builder`, `clap_derive`, `clap_lex`, `anstyle` and `strsim`
//! to the build (`syn` 2 and `heck` were already in it), and help text is not
//! wrapped: the doc comments keep their lines short.

use std::ffi::OsString;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
#[cfg(test)]
pub(crate) use oagen::generate::TagList;
pub(crate) use oagen::generate::{Options, WarningsMode};

/// Parses the arguments after `cargo xtask`.
///
/// The error is clap's, and its `Display` is the full text to print: a
/// usage error (`use_stderr()` true; exit code 2), or the help that was asked
/// for with `--help`, `-h` or `help` (stdout; exit code 0).
pub(crate) fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_from(args).map(|cli| cli.command)
}

/// Printed after the list of commands in `cargo xtask --help`.
const AFTER_HELP: &str = "\
`cargo xtask <COMMAND> --help` lists the options of a command.
Exit codes: 0 success; 1 failure (diagnostics, stale output, I/O, a failed
corpus); 2 bad command line.";

// The grammar; its doc comment is the first line of `cargo xtask --help`.
// Every switch overrides itself, so it may be repeated (as before clap); an
// option given twice is an error.
/// Project automation for the OpenAPI client generator
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    no_binary_name = true,
    subcommand_required = true,
    arg_required_else_help = true,
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A parsed command line: the commands. Each doc comment is one line, the
/// command's summary in the list of commands; more is said in `after_help`,
/// so that `-h` and `--help` print the same compact text.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub(crate) enum Command {
    /// Regenerate generated-client/ from specs/ and tests/src/ from tests/fixtures/ok/
    #[command(after_help = "\
Specs are the *.yaml, *.yml and *.json files of each directory.")]
    Codegen {
        /// Write nothing; exit 1 if a generated file is stale, missing or orphaned
        #[arg(long, overrides_with = "check")]
        check: bool,
    },
    /// Generate a standalone client crate for one spec (Swagger 2.0, OpenAPI 3.0 or 3.1)
    #[command(after_help = "PATH and DIR are relative to the current directory.")]
    Generate(GenerateArgs),
    /// Generate and `cargo check` a crate for every spec under a directory
    #[command(after_help = "\
Every Swagger 2.0, OpenAPI 3.0 and 3.1 spec under DIR, recursively (*.yaml,
*.yml, *.json; other documents are counted and skipped). Prints one line per
spec and a summary; exits 1 if the generator panicked or a generated crate
failed `cargo check` or had warnings. Without --keep, crates go to
<temp>/openapi-corpus, and those that compile are removed.
Set CORPUS_OFFLINE=1 to pass --offline to cargo.")]
    Corpus(CorpusArgs),
    /// Time parsing each spec with serde_json alone against generating it whole
    #[command(after_help = "\
Side by side, in one run: each spec is parsed, and generated in memory, N
times each, every run in a fresh child process; prints the median times, the
peak memory (VmHWM) and their ratios.")]
    Bench {
        /// Comma-separated spec files
        #[arg(long, value_name = "A,B,…", value_parser = spec_list)]
        specs: List,
        /// Runs per spec and mode
        #[arg(long, value_name = "N", default_value = "5", value_parser = at_least_one)]
        runs: usize,
    },
    /// Time the models' decode and encode next to serde's derives, side by side
    #[command(after_help = "\
Generates GitHub's spec (@octokit/openapi's api.github.com.json) twice as
standalone crates, as users get it and with --serde-derive (the baseline),
plus a small spec of union bodies; builds a harness in release mode that
times plain serde_json decoding, the client's response path and encoding
on the spec's issue, pull-request, commit and full-repository examples
(filled out where they omit required properties, COPIES to an array) and on
tagged and untagged union bodies; prints medians and ours/derive ratios.
--bodies adds more of the spec's examples (each named like its schema, as
`release` or `workflow-run`); the GitHub crates are then built whole.")]
    BenchDecode {
        /// GitHub's spec (JSON)
        #[arg(long, value_name = "PATH", value_parser = NonEmptyStringValueParser::new())]
        spec: String,
        /// Timed runs per body and column
        #[arg(long, value_name = "N", default_value = "15", value_parser = at_least_one)]
        runs: usize,
        /// Elements per body array
        #[arg(long, value_name = "N", default_value = "2000", value_parser = at_least_one)]
        copies: usize,
        /// Where the crates, bodies and build go (reused by later runs)
        #[arg(long, value_name = "DIR", default_value = "target/bench-decode")]
        dir: String,
        /// More of the spec's examples to time, comma-separated (each the name of its schema too)
        #[arg(long, value_name = "A,B,…", value_parser = body_list, default_value = "")]
        bodies: List,
    },
    /// Generate one spec in memory and print the peak memory (a child of `corpus`)
    #[command(hide = true)]
    CorpusMeasure {
        /// The spec file
        // Relative to the current directory; `corpus` passes `--spec=PATH`,
        // so a path starting with `-` stays a value.
        #[arg(long, value_name = "PATH", value_parser = NonEmptyStringValueParser::new())]
        spec: String,
        /// Leave out operations the generator cannot handle
        #[arg(long, overrides_with = "skip_unsupported")]
        skip_unsupported: bool,
    },
    /// One timed parse or generation of a spec (a child of `bench`)
    #[command(hide = true)]
    BenchMeasure {
        /// The spec file
        #[arg(long, value_name = "PATH", value_parser = NonEmptyStringValueParser::new())]
        spec: String,
        /// What to time
        #[arg(long, value_enum)]
        mode: MeasureMode,
    },
}

/// Options of `cargo xtask generate`, exactly as given on the command line.
/// (The `Command::Generate` variant's doc is the command's help.)
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct GenerateArgs {
    /// The spec file (YAML or JSON)
    // Relative to the current directory, as the paths below.
    #[arg(long, value_name = "PATH", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) spec: String,
    /// The crate directory to write
    #[arg(long, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) out: String,
    /// Package name [default: from the spec file name]
    // Checked to be a valid package name.
    #[arg(long, value_name = "NAME", value_parser = crate_name)]
    pub(crate) crate_name: Option<String>,
    /// The generator's options (`oagen`'s grammar, shared).
    #[command(flatten)]
    pub(crate) options: Options,
}

/// Options of `cargo xtask corpus`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct CorpusArgs {
    /// The directory searched for specs
    // Relative to the current directory.
    #[arg(long, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) dir: String,
    /// Run up to N `cargo check`s at once
    // At least 1.
    #[arg(long, value_name = "N", default_value = "1", value_parser = at_least_one)]
    pub(crate) jobs: usize,
    /// Leave out operations the generator cannot handle
    #[arg(long, overrides_with = "skip_unsupported")]
    pub(crate) skip_unsupported: bool,
    /// Count a spec with warnings as diagnosed (warnings are errors)
    #[arg(long, overrides_with = "strict")]
    pub(crate) strict: bool,
    /// Write the crates and their shared target dir under DIR, and keep them
    #[arg(long, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) keep: Option<String>,
    /// Exit 1 unless at least PERCENT of the specs compiled (0 to 100)
    // The real-world bar.
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub(crate) min_compiled: Option<u8>,
    /// Also run each compiled crate's example tests (`cargo test --lib`: the spec's body examples decoded and re-encoded); a failing one fails the run
    #[arg(long, overrides_with = "examples")]
    pub(crate) examples: bool,
}

/// `bench-measure --mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MeasureMode {
    /// Parse with serde_json only.
    Parse,
    /// Generate the whole crate in memory.
    Generate,
}

/// A comma-separated list, trimmed, without empty items: one value to clap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct List(pub(crate) Vec<String>);

fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

/// `--specs`: at least one file.
fn spec_list(text: &str) -> Result<List, String> {
    let specs = split_list(text);
    if specs.is_empty() {
        return Err("name one or more comma-separated spec files".to_owned());
    }
    Ok(List(specs))
}

/// `--bodies`: any number of example names.
fn body_list(text: &str) -> Result<List, String> {
    Ok(List(split_list(text)))
}

fn at_least_one(text: &str) -> Result<usize, String> {
    text.parse::<usize>().ok().filter(|number| *number > 0).ok_or_else(|| "use a whole number of at least 1".to_owned())
}

fn percent(text: &str) -> Result<u8, String> {
    text.parse::<u8>().ok().filter(|percent| *percent <= 100).ok_or_else(|| "use a percentage from 0 to 100".to_owned())
}

fn crate_name(text: &str) -> Result<String, String> {
    oagen::generate::check_crate_name(text).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;

    use super::*;

    fn words(line: &str) -> Vec<&str> {
        line.split_whitespace().collect()
    }

    fn check(line: &str, expected: Command) {
        match parse(words(line)) {
            Ok(command) => assert_eq!(command, expected, "{line:?}"),
            Err(error) => panic!("{line:?}: {error}"),
        }
    }

    /// `line` is a usage error of `kind` whose text contains `fragment`.
    fn refused(line: &str, kind: ErrorKind, fragment: &str) {
        match parse(words(line)) {
            Ok(command) => panic!("{line:?} parsed as {command:?}"),
            Err(error) => {
                let text = error.to_string();
                assert_eq!(error.kind(), kind, "{line:?}: {text}");
                assert!(error.use_stderr(), "{line:?}: a usage error goes to stderr");
                assert!(text.contains(fragment), "{line:?}: {text}");
            }
        }
    }

    /// The help text printed for `line`, which must ask for it.
    fn help(line: &str) -> String {
        match parse(words(line)) {
            Ok(command) => panic!("{line:?} parsed as {command:?}"),
            Err(error) => {
                assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{line:?}: {error}");
                assert!(!error.use_stderr(), "{line:?}: help goes to stdout");
                error.to_string()
            }
        }
    }

    fn generate(spec: &str, out: &str, crate_name: Option<&str>, skip_unsupported: bool) -> Command {
        Command::Generate(GenerateArgs {
            spec: spec.to_owned(),
            out: out.to_owned(),
            crate_name: crate_name.map(str::to_owned),
            options: Options { skip_unsupported, ..Options::default() },
        })
    }

    #[test]
    fn commands() {
        check("codegen", Command::Codegen { check: false });
        check("codegen --check", Command::Codegen { check: true });
        check("codegen --check --check", Command::Codegen { check: true });
        check("bench --specs a.json,b.json", Command::Bench { specs: List(vec!["a.json".to_owned(), "b.json".to_owned()]), runs: 5 });
        check("bench --specs=a.json, --runs 3", Command::Bench { specs: List(vec!["a.json".to_owned()]), runs: 3 });
        check(
            "bench-decode --spec gh.json",
            Command::BenchDecode {
                spec: "gh.json".to_owned(),
                runs: 15,
                copies: 2000,
                dir: "target/bench-decode".to_owned(),
                bodies: List(Vec::new()),
            },
        );
        check(
            "bench-decode --spec gh.json --runs 5 --copies 10 --dir /tmp/b --bodies release,,workflow-run",
            Command::BenchDecode {
                spec: "gh.json".to_owned(),
                runs: 5,
                copies: 10,
                dir: "/tmp/b".to_owned(),
                bodies: List(vec!["release".to_owned(), "workflow-run".to_owned()]),
            },
        );
        check(
            "bench-measure --spec a.json --mode generate",
            Command::BenchMeasure { spec: "a.json".to_owned(), mode: MeasureMode::Generate },
        );
        check("bench-measure --spec=a.json --mode=parse", Command::BenchMeasure { spec: "a.json".to_owned(), mode: MeasureMode::Parse });
        // How `corpus` and `bench` name the spec to their children: any path
        // stays a value.
        check("corpus-measure --spec=-a.json", Command::CorpusMeasure { spec: "-a.json".to_owned(), skip_unsupported: false });
        check(
            "bench-measure --spec=--a.json --mode parse",
            Command::BenchMeasure { spec: "--a.json".to_owned(), mode: MeasureMode::Parse },
        );
        check("generate --spec help --out help", generate("help", "help", None, false));
    }

    #[test]
    fn generate_flags() {
        check("generate --spec a.yaml --out out", generate("a.yaml", "out", None, false));
        check("generate --out out --spec a.yaml", generate("a.yaml", "out", None, false));
        check("generate --spec=a.yaml --out=out", generate("a.yaml", "out", None, false));
        check(
            "generate --skip-unsupported --spec a.yaml --crate-name x-client --out /tmp/o",
            generate("a.yaml", "/tmp/o", Some("x-client"), true),
        );
        let strict_summary = match generate("a.yaml", "out", None, false) {
            Command::Generate(args) => Command::Generate(GenerateArgs {
                options: Options { strict: true, warnings: WarningsMode::Summary, ..args.options },
                ..args
            }),
            other => other,
        };
        check("generate --spec a.yaml --out out --strict --warnings summary", strict_summary);
        check("generate --spec a.yaml --out out --warnings all", generate("a.yaml", "out", None, false));
        refused(
            "generate --spec a.yaml --out out --warnings some",
            ErrorKind::InvalidValue,
            "invalid value 'some' for '--warnings <MODE>'",
        );
        refused("generate --spec a.yaml --out out --warnings some", ErrorKind::InvalidValue, "[possible values: all, summary]");
        let no_detection = match generate("a.yaml", "out", None, false) {
            Command::Generate(args) => {
                Command::Generate(GenerateArgs { options: Options { no_pagination_detection: true, ..args.options }, ..args })
            }
            other => other,
        };
        check("generate --spec a.yaml --out out --no-pagination-detection", no_detection);
        let ref_root = match generate("a.yaml", "out", None, false) {
            Command::Generate(args) => {
                Command::Generate(GenerateArgs { options: Options { ref_root: Some("..".to_owned()), ..args.options }, ..args })
            }
            other => other,
        };
        check("generate --spec a.yaml --out out --ref-root ..", ref_root);
    }

    fn corpus(dir: &str, jobs: usize, skip_unsupported: bool, keep: Option<&str>) -> Command {
        Command::Corpus(CorpusArgs {
            dir: dir.to_owned(),
            jobs,
            skip_unsupported,
            strict: false,
            keep: keep.map(str::to_owned),
            min_compiled: None,
            examples: false,
        })
    }

    #[test]
    fn generate_only_tags() {
        let mut expected = generate("a.yaml", "out", None, false);
        if let Command::Generate(args) = &mut expected {
            args.options.only_tags = Some(TagList(vec!["users".to_owned(), "repos".to_owned()]));
        }
        check("generate --spec a.yaml --out out --only-tags users,repos", expected.clone());
        check("generate --spec a.yaml --out out --only-tags=users,,repos,", expected);
        refused("generate --spec a.yaml --out out --only-tags=", ErrorKind::ValueValidation, "use one or more comma-separated tags");
    }

    #[test]
    fn corpus_flags() {
        check("corpus --dir specs", corpus("specs", 1, false, None));
        check("corpus --jobs 4 --dir=/c --skip-unsupported", corpus("/c", 4, true, None));
        check("corpus --dir c --keep /tmp/k --jobs=2", corpus("c", 2, false, Some("/tmp/k")));
        check(
            "corpus-measure --spec a.json --skip-unsupported",
            Command::CorpusMeasure { spec: "a.json".to_owned(), skip_unsupported: true },
        );
        refused("corpus", ErrorKind::MissingRequiredArgument, "--dir <DIR>");
        refused(
            "corpus --dir c --jobs 0",
            ErrorKind::ValueValidation,
            "invalid value '0' for '--jobs <N>': use a whole number of at least 1",
        );
        let mut with_bar = corpus("c", 1, false, None);
        if let Command::Corpus(args) = &mut with_bar {
            args.min_compiled = Some(95);
        }
        check("corpus --dir c --min-compiled 95", with_bar);
        let mut with_examples = corpus("c", 1, false, None);
        if let Command::Corpus(args) = &mut with_examples {
            args.examples = true;
        }
        check("corpus --dir c --examples", with_examples);
        refused(
            "corpus --dir c --min-compiled 101",
            ErrorKind::ValueValidation,
            "invalid value '101' for '--min-compiled <PERCENT>': use a percentage from 0 to 100",
        );
        refused(
            "corpus --dir c --jobs many",
            ErrorKind::ValueValidation,
            "invalid value 'many' for '--jobs <N>': use a whole number of at least 1",
        );
        refused("corpus --dir c --check", ErrorKind::UnknownArgument, "unexpected argument '--check' found");
        refused("corpus-measure", ErrorKind::MissingRequiredArgument, "--spec <PATH>");
    }

    #[test]
    fn errors() {
        refused("", ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, "Usage: cargo xtask <COMMAND>");
        refused("build", ErrorKind::InvalidSubcommand, "unrecognized subcommand 'build'");
        refused("codegen --chek", ErrorKind::UnknownArgument, "unexpected argument '--chek' found");
        refused("codegen --chek", ErrorKind::UnknownArgument, "a similar argument exists: '--check'");
        refused("codegen extra", ErrorKind::UnknownArgument, "unexpected argument 'extra' found");
        refused("generate --out o", ErrorKind::MissingRequiredArgument, "--spec <PATH>");
        refused("generate --spec a.yaml", ErrorKind::MissingRequiredArgument, "--out <DIR>");
        refused("generate --spec", ErrorKind::InvalidValue, "a value is required for '--spec <PATH>'");
        refused("generate --spec --out o", ErrorKind::InvalidValue, "a value is required for '--spec <PATH>'");
        refused("generate --spec= --out o", ErrorKind::InvalidValue, "a value is required for '--spec <PATH>'");
        refused("generate --spec a --spec b --out o", ErrorKind::ArgumentConflict, "'--spec <PATH>' cannot be used multiple times");
        refused("generate --spec a --out o --check", ErrorKind::UnknownArgument, "unexpected argument '--check' found");
        refused("help me", ErrorKind::InvalidSubcommand, "unrecognized subcommand 'me'");
        refused(
            "generate --spec a --out o --crate-name 9lives",
            ErrorKind::ValueValidation,
            "invalid value '9lives' for '--crate-name <NAME>': use ASCII letters, digits, `-` and `_`, starting with a letter",
        );
        refused("bench", ErrorKind::MissingRequiredArgument, "--specs <A,B,…>");
        refused("bench --specs ,", ErrorKind::ValueValidation, "name one or more comma-separated spec files");
        refused("bench --specs a --runs 0", ErrorKind::ValueValidation, "use a whole number of at least 1");
        refused("bench-measure --spec a --mode both", ErrorKind::InvalidValue, "[possible values: parse, generate]");
        // Every usage error ends by pointing at the help.
        refused("generate --spec a.yaml", ErrorKind::MissingRequiredArgument, "Usage: cargo xtask generate");
        refused("generate --spec a.yaml", ErrorKind::MissingRequiredArgument, "For more information, try '--help'.");
    }

    #[test]
    fn top_level_help() {
        let text = help("--help");
        assert!(text.starts_with("Project automation for the OpenAPI client generator\n\nUsage: cargo xtask <COMMAND>\n"), "{text}");
        for command in ["codegen", "generate", "corpus", "bench", "help"] {
            assert!(text.contains(&format!("\n  {command} ")), "{command} is listed: {text}");
        }
        for hidden in ["corpus-measure", "bench-measure"] {
            assert!(!text.contains(hidden), "{hidden} is internal: {text}");
        }
        assert!(text.contains("2 bad command line"), "{text}");
        assert_eq!(help("-h"), text);
        assert_eq!(help("help"), text);
    }

    #[test]
    fn command_help() {
        let commands: [(&str, &[&str]); 4] = [
            ("codegen", &["--check"]),
            (
                "generate",
                &[
                    "--spec <PATH>",
                    "--out <DIR>",
                    "--crate-name <NAME>",
                    "--skip-unsupported",
                    "--only-tags <A,B>",
                    "--no-pagination-detection",
                    "--strict",
                    "--warnings <MODE>",
                ],
            ),
            ("corpus", &["--dir <DIR>", "--jobs <N>", "--skip-unsupported", "--strict", "--keep <DIR>", "--min-compiled <PERCENT>"]),
            ("bench", &["--specs <A,B,…>", "--runs <N>"]),
        ];
        for (command, flags) in commands {
            let text = help(&format!("{command} --help"));
            assert!(text.contains(&format!("Usage: cargo xtask {command} ")), "{text}");
            for flag in flags {
                let line = text.lines().find(|line| line.trim_start().starts_with(flag));
                let described = line.is_some_and(|line| line.len() > flag.len() + 8);
                assert!(described, "{command} --help: `{flag}` on a line with its description:\n{text}");
            }
            assert_eq!(help(&format!("help {command}")), text, "`help {command}` is `{command} --help`");
        }
        let generate = help("generate --help");
        assert!(generate.contains("[default: all]"), "{generate}");
        assert!(help("corpus --help").contains("CORPUS_OFFLINE=1"));
        assert!(help("bench --help").contains("[default: 5]"));
    }
}
