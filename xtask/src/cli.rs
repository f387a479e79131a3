//! Command-line parsing, by hand: a few subcommands and flags do not
//! justify a dependency.

/// The text printed for `help` and after every usage error.
pub(crate) const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--check]
      Regenerate generated-client/src from specs/*.yaml|*.yml|*.json.
      --check    write nothing; exit 1 if any generated file is out of date
  generate --spec PATH --out DIR [--crate-name NAME] [--skip-unsupported] [--only-tags A,B]
           [--no-pagination-detection]
           [--strict] [--warnings all|summary]
      Generate a standalone client crate for one spec (Swagger 2.0, OpenAPI
      3.0 or 3.1). PATH and DIR are relative to the current directory.
      --crate-name NAME    package name (default: from the spec file name)
      --skip-unsupported   leave out operations the generator cannot handle
      --strict             every warning (an interpretation of a sloppy spec)
                           is an error
      --warnings MODE      `all` (default) prints every warning with its
                           location; `summary` prints counts by code
  corpus --dir DIR [--jobs N] [--skip-unsupported] [--strict] [--keep DIR] [--min-compiled PERCENT]
      Generate a crate for every Swagger 2.0, OpenAPI 3.0 and 3.1 spec under DIR (recursively;
      *.yaml, *.yml, *.json; other documents are counted and skipped), then
      `cargo check` each one. Prints one line per spec and a summary; exits 1
      if the generator panicked or a generated crate failed to check.
      --jobs N             run up to N `cargo check`s at once (default 1)
      --skip-unsupported   leave out operations the generator cannot handle
      --keep DIR           write crates and the shared target dir under DIR and
                           keep them (default: <temp>/openapi-corpus; crates
                           that compile are removed afterwards)
      Set CORPUS_OFFLINE=1 to pass --offline to cargo.
  bench --specs A,B,… [--runs N]
      Side by side, in one run: parse each spec with serde_json alone, and
      generate it whole (in memory), each N times (default 5) in a fresh
      child process; print median times, peak memory and their ratios.
  help
      Print this message.
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// `codegen [--check]`: regenerate (or check) the workspace client.
    Codegen {
        /// Write nothing, only report what is out of date.
        check: bool,
    },
    /// `generate --spec PATH --out DIR …`: a standalone crate for one spec.
    Generate(GenerateArgs),
    /// `corpus --dir DIR …`: generate and check every spec of a directory.
    Corpus(CorpusArgs),
    /// `corpus-measure --spec PATH [--skip-unsupported]` (not in [`USAGE`]):
    /// generate one spec in memory and print the peak memory use; run by
    /// `corpus` in a child process.
    CorpusMeasure {
        /// The spec file, relative to the current directory.
        spec: String,
        /// `--skip-unsupported`.
        skip_unsupported: bool,
    },
    /// `bench --specs A,B [--runs N]`: parse vs generate, side by side.
    Bench {
        /// The spec files.
        specs: Vec<String>,
        /// Runs per spec and mode.
        runs: usize,
    },
    /// `bench-measure --spec PATH --mode parse|generate` (not in
    /// [`USAGE`]): one measured run, in a child process of `bench`.
    BenchMeasure {
        /// The spec file.
        spec: String,
        /// True to generate, false to parse only.
        generate: bool,
    },
    /// `help`, `--help` or `-h`.
    Help,
}

/// Options of `cargo xtask generate`, exactly as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenerateArgs {
    /// The spec file, relative to the current directory.
    pub(crate) spec: String,
    /// The crate directory to write, relative to the current directory.
    pub(crate) out: String,
    /// `--crate-name`, if given; already checked to be a valid package name.
    pub(crate) crate_name: Option<String>,
    /// `--skip-unsupported`.
    pub(crate) skip_unsupported: bool,
    /// `--only-tags a,b`: generate only operations with one of these tags.
    pub(crate) only_tags: Vec<String>,
    /// `--no-pagination-detection`: only `x-pagination` declarations
    /// paginate.
    pub(crate) no_pagination_detection: bool,
    /// `--strict`: warnings are errors.
    pub(crate) strict: bool,
    /// `--warnings all|summary`.
    pub(crate) warnings: WarningsMode,
}

/// How `generate` prints warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum WarningsMode {
    /// Every warning, with its location and the interpretation taken.
    #[default]
    All,
    /// Counts by code (the total is never hidden).
    Summary,
}

/// Options of `cargo xtask corpus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CorpusArgs {
    /// The directory searched for specs, relative to the current directory.
    pub(crate) dir: String,
    /// `--jobs`: how many `cargo check`s run at once (at least 1).
    pub(crate) jobs: usize,
    /// `--skip-unsupported`.
    pub(crate) skip_unsupported: bool,
    /// `--strict`: warnings are errors.
    pub(crate) strict: bool,
    /// `--keep`: where to write the crates (and keep them).
    pub(crate) keep: Option<String>,
    /// `--min-compiled PERCENT`: fail unless at least this share of the
    /// specs compiled (the real-world bar).
    pub(crate) min_compiled: Option<u8>,
}

/// Parses the arguments after `cargo xtask`. The error is a one-line
/// explanation; the caller adds [`USAGE`].
pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("no command given".to_owned());
    };
    let mut flags = Flags::new(rest);
    let parsed = match command.as_str() {
        "codegen" => Command::Codegen { check: flags.switch("--check") },
        "generate" => {
            let spec = flags.value("--spec")?;
            let out = flags.value("--out")?;
            let crate_name = flags.value("--crate-name")?;
            if let Some(name) = &crate_name {
                crate::generate::check_crate_name(name)?;
            }
            let skip_unsupported = flags.switch("--skip-unsupported");
            let no_pagination_detection = flags.switch("--no-pagination-detection");
            let only_tags = flags
                .value("--only-tags")?
                .map(|tags| tags.split(',').map(str::trim).filter(|tag| !tag.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default();
            let strict = flags.switch("--strict");
            let warnings = match flags.value("--warnings")?.as_deref() {
                None | Some("all") => WarningsMode::All,
                Some("summary") => WarningsMode::Summary,
                Some(other) => return Err(format!("invalid --warnings `{other}`: use `all` or `summary`")),
            };
            Command::Generate(GenerateArgs {
                spec: spec.ok_or("generate: missing --spec PATH")?,
                out: out.ok_or("generate: missing --out DIR")?,
                crate_name,
                skip_unsupported,
                only_tags,
                no_pagination_detection,
                strict,
                warnings,
            })
        }
        "corpus" => {
            let dir = flags.value("--dir")?;
            let jobs = match flags.value("--jobs")? {
                None => 1,
                Some(text) => text
                    .parse::<usize>()
                    .ok()
                    .filter(|jobs| *jobs > 0)
                    .ok_or_else(|| format!("invalid --jobs `{text}`: use a whole number of at least 1"))?,
            };
            let keep = flags.value("--keep")?;
            let min_compiled = match flags.value("--min-compiled")? {
                None => None,
                Some(text) => Some(
                    text.parse::<u8>()
                        .ok()
                        .filter(|percent| *percent <= 100)
                        .ok_or_else(|| format!("invalid --min-compiled `{text}`: use a percentage from 0 to 100"))?,
                ),
            };
            let skip_unsupported = flags.switch("--skip-unsupported");
            let strict = flags.switch("--strict");
            let dir = dir.ok_or("corpus: missing --dir DIR")?;
            Command::Corpus(CorpusArgs { dir, jobs, skip_unsupported, strict, keep, min_compiled })
        }
        "corpus-measure" => {
            let spec = flags.value("--spec")?;
            let skip_unsupported = flags.switch("--skip-unsupported");
            Command::CorpusMeasure { spec: spec.ok_or("corpus-measure: missing --spec PATH")?, skip_unsupported }
        }
        "bench" => {
            let specs: Vec<String> = flags
                .value("--specs")?
                .map(|specs| specs.split(',').map(str::trim).filter(|spec| !spec.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default();
            if specs.is_empty() {
                return Err("bench: missing --specs A,B,…".to_owned());
            }
            let runs = match flags.value("--runs")? {
                None => 5,
                Some(text) => text.parse::<usize>().ok().filter(|runs| *runs > 0).ok_or_else(|| format!("invalid --runs `{text}`"))?,
            };
            Command::Bench { specs, runs }
        }
        "bench-measure" => {
            let spec = flags.value("--spec")?.ok_or("bench-measure: missing --spec PATH")?;
            let generate = match flags.value("--mode")?.as_deref() {
                Some("parse") => false,
                Some("generate") => true,
                _ => return Err("bench-measure: --mode parse|generate".to_owned()),
            };
            Command::BenchMeasure { spec, generate }
        }
        "help" | "--help" | "-h" => Command::Help,
        other => return Err(format!("unknown command `{other}`")),
    };
    flags.finish(command)?;
    Ok(parsed)
}

/// The flags after the subcommand. Each lookup removes what it recognises,
/// so whatever is left at the end is unknown.
struct Flags {
    /// Remaining arguments; `None` once consumed.
    args: Vec<Option<String>>,
}

impl Flags {
    fn new(args: &[String]) -> Self {
        Self { args: args.iter().cloned().map(Some).collect() }
    }

    /// True if the switch `name` is present (it may be repeated).
    fn switch(&mut self, name: &str) -> bool {
        let mut found = false;
        for slot in &mut self.args {
            if slot.as_deref() == Some(name) {
                *slot = None;
                found = true;
            }
        }
        found
    }

    /// The value of `name`, written `name VALUE` or `name=VALUE`.
    fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let mut found = None;
        let mut index = 0;
        while index < self.args.len() {
            let Some(arg) = self.args[index].clone() else {
                index += 1;
                continue;
            };
            let value = if arg == name {
                self.args[index] = None;
                let next = self.args.get_mut(index + 1).and_then(Option::take);
                match next {
                    Some(value) if !value.starts_with("--") => {
                        index += 1;
                        value
                    }
                    _ => return Err(format!("{name} needs a value")),
                }
            } else if let Some(value) = arg.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')) {
                self.args[index] = None;
                value.to_owned()
            } else {
                index += 1;
                continue;
            };
            if value.is_empty() {
                return Err(format!("{name} needs a non-empty value"));
            }
            if found.replace(value).is_some() {
                return Err(format!("{name} given more than once"));
            }
            index += 1;
        }
        Ok(found)
    }

    /// Fails on the first argument nobody asked for.
    fn finish(self, command: &str) -> Result<(), String> {
        match self.args.into_iter().flatten().next() {
            Some(arg) if arg.starts_with('-') => Err(format!("{command}: unknown flag `{arg}`")),
            Some(arg) => Err(format!("{command}: unexpected argument `{arg}`")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &str, expected: Result<Command, &str>) {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        assert_eq!(parse(&args), expected.map_err(str::to_owned), "args: {args:?}");
    }

    fn generate(spec: &str, out: &str, crate_name: Option<&str>, skip_unsupported: bool) -> Command {
        Command::Generate(GenerateArgs {
            spec: spec.to_owned(),
            out: out.to_owned(),
            crate_name: crate_name.map(str::to_owned),
            skip_unsupported,
            only_tags: Vec::new(),
            no_pagination_detection: false,
            strict: false,
            warnings: WarningsMode::All,
        })
    }

    #[test]
    fn commands() {
        check("codegen", Ok(Command::Codegen { check: false }));
        check("codegen --check", Ok(Command::Codegen { check: true }));
        check("help", Ok(Command::Help));
        check("--help", Ok(Command::Help));
        check("-h", Ok(Command::Help));
    }

    #[test]
    fn generate_flags() {
        check("generate --spec a.yaml --out out", Ok(generate("a.yaml", "out", None, false)));
        check("generate --out out --spec a.yaml", Ok(generate("a.yaml", "out", None, false)));
        check("generate --spec=a.yaml --out=out", Ok(generate("a.yaml", "out", None, false)));
        check(
            "generate --skip-unsupported --spec a.yaml --crate-name x-client --out /tmp/o",
            Ok(generate("a.yaml", "/tmp/o", Some("x-client"), true)),
        );
        let strict_summary = match generate("a.yaml", "out", None, false) {
            Command::Generate(args) => Command::Generate(GenerateArgs { strict: true, warnings: WarningsMode::Summary, ..args }),
            other => other,
        };
        check("generate --spec a.yaml --out out --strict --warnings summary", Ok(strict_summary));
        check("generate --spec a.yaml --out out --warnings all", Ok(generate("a.yaml", "out", None, false)));
        check(
            "generate --spec a.yaml --out out --warnings some",
            Err("invalid --warnings `some`: use `all` or `summary`"),
        );
    }

    fn corpus(dir: &str, jobs: usize, skip_unsupported: bool, keep: Option<&str>) -> Command {
        Command::Corpus(CorpusArgs {
            dir: dir.to_owned(),
            jobs,
            skip_unsupported,
            strict: false,
            keep: keep.map(str::to_owned),
            min_compiled: None,
        })
    }

    #[test]
    fn generate_only_tags() {
        let mut expected = generate("a.yaml", "out", None, false);
        if let Command::Generate(args) = &mut expected {
            args.only_tags = vec!["users".to_owned(), "repos".to_owned()];
        }
        check("generate --spec a.yaml --out out --only-tags users,repos", Ok(expected));
    }

    #[test]
    fn corpus_flags() {
        check("corpus --dir specs", Ok(corpus("specs", 1, false, None)));
        check("corpus --jobs 4 --dir=/c --skip-unsupported", Ok(corpus("/c", 4, true, None)));
        check("corpus --dir c --keep /tmp/k --jobs=2", Ok(corpus("c", 2, false, Some("/tmp/k"))));
        check(
            "corpus-measure --spec a.json --skip-unsupported",
            Ok(Command::CorpusMeasure { spec: "a.json".to_owned(), skip_unsupported: true }),
        );
        check("corpus", Err("corpus: missing --dir DIR"));
        check("corpus --dir c --jobs 0", Err("invalid --jobs `0`: use a whole number of at least 1"));
        let mut with_bar = corpus("c", 1, false, None);
        if let Command::Corpus(args) = &mut with_bar {
            args.min_compiled = Some(95);
        }
        check("corpus --dir c --min-compiled 95", Ok(with_bar));
        check("corpus --dir c --min-compiled 101", Err("invalid --min-compiled `101`: use a percentage from 0 to 100"));
        check("corpus --dir c --jobs many", Err("invalid --jobs `many`: use a whole number of at least 1"));
        check("corpus --dir c --check", Err("corpus: unknown flag `--check`"));
        check("corpus-measure", Err("corpus-measure: missing --spec PATH"));
    }

    #[test]
    fn errors() {
        check("", Err("no command given"));
        check("build", Err("unknown command `build`"));
        check("codegen --chek", Err("codegen: unknown flag `--chek`"));
        check("codegen extra", Err("codegen: unexpected argument `extra`"));
        check("generate --out o", Err("generate: missing --spec PATH"));
        check("generate --spec a.yaml", Err("generate: missing --out DIR"));
        check("generate --spec", Err("--spec needs a value"));
        check("generate --spec --out o", Err("--spec needs a value"));
        check("generate --spec= --out o", Err("--spec needs a non-empty value"));
        check("generate --spec a --spec b --out o", Err("--spec given more than once"));
        check("generate --spec a --out o --check", Err("generate: unknown flag `--check`"));
        check("help me", Err("help: unexpected argument `me`"));
        check(
            "generate --spec a --out o --crate-name 9lives",
            Err("invalid --crate-name `9lives`: use ASCII letters, digits, `-` and `_`, starting with a letter"),
        );
    }
}
