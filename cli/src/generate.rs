//! Generating a standalone client crate: the options every front end with a
//! command line shares (`oagen generate`/`check`, `cargo xtask generate`),
//! their clap grammar, generation in memory and writing the crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use generator::build::DiskLoader;
use generator::{Config, DateTimes, Diagnostic, Diagnostics, Layout, Output, Parameters, Runtime, SerdeImpls, Settings, SpecInput};

use crate::sync::{Change, Mode, Orphans, sync};

/// The generator's options, as every command line spells them (flattened
/// into `oagen generate`, `oagen check` and `cargo xtask generate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct Options {
    /// Leave out operations the generator cannot handle
    #[arg(long, overrides_with = "skip_unsupported")]
    pub skip_unsupported: bool,
    /// Generate only the operations with one of these tags
    #[arg(long, value_name = "A,B", value_parser = tag_list)]
    pub only_tags: Option<TagList>,
    /// Paginate only the operations that declare `x-pagination`
    #[arg(long, overrides_with = "no_pagination_detection")]
    pub no_pagination_detection: bool,
    /// Make every warning (an interpretation of a sloppy spec) an error
    #[arg(long, overrides_with = "strict")]
    pub strict: bool,
    /// Derive only the serde directions each model type is used in
    /// [default: both on every type]
    #[arg(long, overrides_with = "serde_as_used")]
    pub serde_as_used: bool,
    /// Keep `format: date-time` and `date` strings as `String`
    /// [default: chrono types]
    #[arg(long, overrides_with = "date_time_strings")]
    pub date_time_strings: bool,
    /// Models derive `Debug` and `Clone` but not `PartialEq` (faster to
    /// compile) [default: they derive `PartialEq` too]
    #[arg(long, overrides_with = "no_partial_eq")]
    pub no_partial_eq: bool,
    /// Every operation takes a `…Params` struct, even without parameters,
    /// so a parameter the spec adds later breaks no caller [default: only
    /// operations with query, header or cookie parameters]
    #[arg(long, overrides_with = "params_always")]
    pub params_always: bool,
    /// Models derive serde's `Serialize`/`Deserialize` with attributes
    /// (about 2.5x the `cargo check` time of a large API) [default: the
    /// runtime's property tables]
    #[arg(long, overrides_with = "serde_derive")]
    pub serde_derive: bool,
    /// Depend on the `oagen-runtime` crate at DIR (relative to the
    /// generated crate) instead of copying the runtime in, so clients
    /// generated against it share `Error`, `RetryPolicy`, `Hook` and
    /// credential types [default: the runtime is copied into the crate]
    #[arg(long, value_name = "DIR", conflicts_with = "runtime_version", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub runtime_path: Option<String>,
    /// As `--runtime-path`, with `oagen-runtime` from the registry at
    /// version requirement REQ
    #[arg(long, value_name = "REQ", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub runtime_version: Option<String>,
    /// `$ref`s may read files anywhere below DIR (which must hold the
    /// specs) [default: only below each spec's own directory]
    #[arg(long, value_name = "DIR", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub ref_root: Option<String>,
    /// `all`: every warning with its location; `summary`: counts by code
    #[arg(long, value_name = "MODE", value_enum, default_value_t, hide_possible_values = true)]
    pub warnings: WarningsMode,
}

/// `--only-tags`: a comma-separated list, trimmed, without empty items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagList(pub Vec<String>);

/// `--only-tags`: `,` alone is no filter; an empty value is refused.
fn tag_list(text: &str) -> Result<TagList, String> {
    if text.is_empty() {
        return Err("use one or more comma-separated tags".to_owned());
    }
    Ok(TagList(text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()))
}

/// How warnings are printed (`--warnings all|summary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum WarningsMode {
    /// Every warning, with its location and the interpretation taken.
    #[default]
    All,
    /// Counts by code (the total is never hidden).
    Summary,
}

impl Options {
    /// The generator's [`Config`] for these options.
    pub fn config(&self, regenerate_command: String, layout: Layout) -> Config {
        Config {
            regenerate_command,
            layout,
            skip_unsupported: self.skip_unsupported,
            only_tags: self.only_tags.clone().map(|tags| tags.0).unwrap_or_default(),
            detect_pagination: !self.no_pagination_detection,
            strict: self.strict,
            settings: Settings {
                serde_impls: if self.serde_as_used { SerdeImpls::AsUsed } else { SerdeImpls::Both },
                date_time: if self.date_time_strings { DateTimes::String } else { DateTimes::Chrono },
                partial_eq: !self.no_partial_eq,
                parameters: if self.params_always { Parameters::Always } else { Parameters::WhenAny },
                serde_derive: self.serde_derive,
                runtime: match (&self.runtime_path, &self.runtime_version) {
                    (Some(dir), _) => Runtime::path(dir),
                    (None, Some(requirement)) => Runtime::version(requirement),
                    (None, None) => Runtime::Copied,
                },
            },
            ref_root: self.ref_root.clone(),
        }
    }

    /// The options as command-line flags (` --strict --only-tags a,b`),
    /// for the generated files' headers (`--warnings` changes no output).
    pub fn flags(&self) -> String {
        let mut flags = String::new();
        for (set, flag) in [(self.skip_unsupported, "--skip-unsupported"), (self.no_pagination_detection, "--no-pagination-detection")] {
            if set {
                flags.push_str(&format!(" {flag}"));
            }
        }
        if let Some(tags) = self.only_tags.as_ref().filter(|tags| !tags.0.is_empty()) {
            flags.push_str(&format!(" --only-tags {}", quote(&tags.0.join(","))));
        }
        let switches = [
            (self.strict, "--strict"),
            (self.serde_as_used, "--serde-as-used"),
            (self.date_time_strings, "--date-time-strings"),
            (self.no_partial_eq, "--no-partial-eq"),
            (self.params_always, "--params-always"),
            (self.serde_derive, "--serde-derive"),
        ];
        for (set, flag) in switches {
            if set {
                flags.push_str(&format!(" {flag}"));
            }
        }
        if let Some(dir) = &self.runtime_path {
            flags.push_str(&format!(" --runtime-path {}", quote(dir)));
        }
        if let Some(requirement) = &self.runtime_version {
            flags.push_str(&format!(" --runtime-version {}", quote(requirement)));
        }
        if let Some(root) = &self.ref_root {
            flags.push_str(&format!(" --ref-root {}", quote(root)));
        }
        flags
    }
}

/// One crate to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The spec files, relative to the current directory: one module each.
    pub specs: Vec<String>,
    /// The package name.
    pub crate_name: String,
    /// The package version.
    pub version: String,
    /// The generator's options.
    pub options: Options,
    /// The command written into every generated file's header.
    pub regenerate_command: String,
}

/// A crate generated in memory, not yet written.
#[derive(Debug)]
pub struct Generated {
    /// The package name written to `Cargo.toml`.
    pub crate_name: String,
    /// The generator's output.
    pub output: Output,
    /// Time spent in the generator.
    pub elapsed: Duration,
}

/// What writing a crate did.
#[derive(Debug)]
pub struct Report {
    /// The package name written to `Cargo.toml`.
    pub crate_name: String,
    /// Number of files the generator produced.
    pub files: usize,
    /// Files written or removed.
    pub changes: Vec<Change>,
    /// Operations left out (only with `--skip-unsupported`).
    pub skipped: Vec<Diagnostic>,
    /// Interpretations the generator made (warnings).
    pub warnings: Vec<Diagnostic>,
    /// Time spent in the generator (not in writing files).
    pub elapsed: Duration,
}

/// Runs the generator for `job` without writing anything. Spec paths are
/// read as given, relative to the current directory; `$ref`s are confined
/// to each spec's directory, or to `--ref-root`, by the generator and again
/// by the [`DiskLoader`] (on canonical paths). Two specs that would be one
/// module are an error (the generator's `invalid-module-name`).
pub fn generate_in_memory(job: &Job) -> Result<Generated, Diagnostics> {
    let specs: Vec<SpecInput> =
        job.specs.iter().map(|path| SpecInput { path: path.clone(), module: generator::module_name_for_path(path) }).collect();
    let layout = Layout::Standalone { crate_name: job.crate_name.clone(), version: job.version.clone() };
    let config = job.options.config(job.regenerate_command.clone(), layout);
    let trees: Vec<PathBuf> = match &job.options.ref_root {
        Some(root) => vec![PathBuf::from(root)],
        None => job.specs.iter().map(|spec| Path::new(spec).parent().map_or_else(PathBuf::new, Path::to_path_buf)).collect(),
    };
    let started = Instant::now();
    let loader = DiskLoader::new(".", trees, job.specs.clone());
    let output = generator::generate(&specs, &loader, &config)?;
    Ok(Generated { crate_name: job.crate_name.clone(), output, elapsed: started.elapsed() })
}

/// Writes `generated` into `out` (stale and missing files; orphaned
/// generated `*.rs` files are removed), all or nothing.
pub fn write_crate(out: &Path, generated: Generated) -> Result<Report, String> {
    let Generated { crate_name, output, elapsed } = generated;
    let changes = sync(out, &output.files, Orphans::GeneratedRust, Mode::Write)?;
    Ok(Report { crate_name, files: output.files.len(), changes, skipped: output.skipped, warnings: output.warnings, elapsed })
}

/// Prints warnings to stderr: each with its location and the
/// interpretation taken (`all`), or counts by code (`summary`). Never
/// silent: the total is always printed.
pub fn print_warnings(warnings: &[Diagnostic], mode: WarningsMode) {
    if warnings.is_empty() {
        return;
    }
    match mode {
        WarningsMode::All => warnings.iter().for_each(|warning| eprintln!("{warning}")),
        WarningsMode::Summary => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for warning in warnings {
                *counts.entry(warning.code.as_str()).or_default() += 1;
            }
            let counts: Vec<String> = counts.iter().map(|(code, count)| format!("{code}={count}")).collect();
            eprintln!("warnings by code: {} (`--warnings all` lists them)", counts.join(" "));
        }
    }
    eprintln!("{}: the generator interpreted the spec as stated (`--strict` makes these errors)", plural(warnings.len(), "warning"));
}

/// Prints the operations left out (`--skip-unsupported`) and their count.
pub fn print_skipped(skipped: &[Diagnostic]) {
    for item in skipped {
        eprintln!("skipped: {item}");
    }
    if !skipped.is_empty() {
        eprintln!("{} skipped", plural(skipped.len(), "unsupported item"));
    }
}

/// Diagnostics as printed on failure: one `error: …` line per error, the
/// warnings found as they are written, and the count of errors.
pub fn render_diagnostics(diagnostics: &Diagnostics) -> String {
    diagnostics.render_failure("; no files were written")
}

/// `1 spec`, `2 specs`.
pub fn plural(count: usize, word: &str) -> String {
    if count == 1 { format!("1 {word}") } else { format!("{count} {word}s") }
}

/// The package name for a spec at `spec_path`: its file stem, lowercased,
/// with every run of non-alphanumerics turned into one `-`, starting with a
/// letter (`api-` is prepended otherwise) and ending in `-client`.
pub fn default_crate_name(spec_path: &str) -> String {
    let file = spec_path.rsplit(['/', '\\']).next().unwrap_or(spec_path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _extension)| stem);
    let mut name = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    let name = match name {
        "" => "api".to_owned(),
        _ if name.starts_with(|c: char| c.is_ascii_alphabetic()) => name.to_owned(),
        _ => format!("api-{name}"),
    };
    if name.ends_with("-client") { name } else { format!("{name}-client") }
}

/// Accepts `name` if Cargo would: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
pub fn check_crate_name(name: &str) -> Result<&str, String> {
    let valid =
        name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid { Ok(name) } else { Err("use ASCII letters, digits, `-` and `_`, starting with a letter".to_owned()) }
}

/// Accepts a SemVer version (`1.2.3`, `0.1.0-beta.1`, `1.0.0+build.5`), as
/// Cargo requires of a package.
pub fn check_version(version: &str) -> Result<&str, String> {
    let (rest, build) = version.split_once('+').map_or((version, None), |(rest, build)| (rest, Some(build)));
    let (core, pre) = rest.split_once('-').map_or((rest, None), |(core, pre)| (core, Some(pre)));
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) && (part == "0" || !part.starts_with('0'));
    let ident = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    let valid = parts.len() == 3
        && parts.iter().all(|part| number(part))
        && pre.is_none_or(|pre| pre.split('.').all(ident))
        && build.is_none_or(|build| build.split('.').all(ident));
    if valid { Ok(version) } else { Err("use a SemVer version such as 0.1.0 or 1.2.0-beta.1".to_owned()) }
}

/// `arg` as a POSIX shell word. Control characters become `?`: the command
/// ends up in a one-line comment and must not break out of it.
pub fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:=@%".contains(c);
    let arg: String = arg.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if !arg.is_empty() && arg.chars().all(plain) { arg } else { format!("'{}'", arg.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names() {
        let table = [
            ("GitHub API.json", "github-api-client"),
            ("3d.yaml", "api-3d-client"),
            ("specs/pack-cloud.yaml", "pack-cloud-client"),
            ("/tmp/broken.yaml", "broken-client"),
            (r"C:\specs\Stripe_v1.yml", "stripe-v1-client"),
            ("petstore.v2.json", "petstore-v2-client"),
            ("  weird -- name!.yaml", "weird-name-client"),
            ("_private.yaml", "private-client"),
            ("2024-api.yaml", "api-2024-api-client"),
            ("Café.yaml", "caf-client"),
            ("!!!.yaml", "api-client"),
            ("noext", "noext-client"),
            ("foo-client.yaml", "foo-client"),
        ];
        for (spec, expected) in table {
            assert_eq!(default_crate_name(spec), expected, "spec: {spec}");
            assert!(check_crate_name(expected).is_ok(), "derived name {expected} must be valid");
        }
    }

    #[test]
    fn crate_name_validation() {
        for good in ["a", "my-api_client", "x1"] {
            assert_eq!(check_crate_name(good), Ok(good));
        }
        for bad in ["", "1abc", "-x", "a b", "a\"b", "ünï"] {
            assert!(check_crate_name(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn versions() {
        for good in ["0.1.0", "1.22.333", "1.0.0-beta.1", "1.0.0+build.5", "1.0.0-rc-1+x"] {
            assert_eq!(check_version(good), Ok(good));
        }
        for bad in ["", "1", "1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0\"", "1.0.0-a..b", "2022-11-28"] {
            assert!(check_version(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn flags() {
        let mut options = Options::default();
        assert_eq!(options.flags(), "");
        options.skip_unsupported = true;
        options.only_tags = Some(TagList(vec!["users".to_owned(), "repos".to_owned()]));
        options.ref_root = Some("my dir".to_owned());
        options.strict = true;
        assert_eq!(options.flags(), " --skip-unsupported --only-tags users,repos --strict --ref-root 'my dir'");
        assert_eq!(quote("a\nb"), "'a?b'");
    }
}
