//! `cargo xtask generate`: a standalone client crate for any one spec.

use std::path::Path;
use std::time::{Duration, Instant};

use generator::module_name_for_path;
use generator::{Config, DateTimes, Diagnostic, Diagnostics, Layout, Output, Parameters, SerdeImpls, Settings, SpecInput};

use crate::Error;
use crate::cli::GenerateArgs;
use crate::fs::DiskLoader;
use crate::sync::{Change, Mode, Orphans, sync};

/// What one `generate` run did.
#[derive(Debug)]
pub(crate) struct Report {
    /// The package name written to `Cargo.toml`.
    pub(crate) crate_name: String,
    /// Number of files the generator produced.
    pub(crate) files: usize,
    /// Files written or removed.
    pub(crate) changes: Vec<Change>,
    /// Operations left out (only with `--skip-unsupported`).
    pub(crate) skipped: Vec<Diagnostic>,
    /// Interpretations the generator made (warnings).
    pub(crate) warnings: Vec<Diagnostic>,
    /// Time spent in the generator (not in writing files).
    pub(crate) elapsed: Duration,
}

/// A crate generated in memory, not yet written.
#[derive(Debug)]
pub(crate) struct Generated {
    /// The package name written to `Cargo.toml`.
    pub(crate) crate_name: String,
    /// The generator's output.
    pub(crate) output: Output,
    /// Time spent in the generator.
    pub(crate) elapsed: Duration,
}

/// Generates the crate described by `args` and writes it. Paths are used as
/// given, so they are relative to the current directory. On any generator
/// diagnostic the output directory is left untouched.
pub(crate) fn generate(args: &GenerateArgs) -> Result<Report, Error> {
    let generated = generate_in_memory(args).map_err(Error::Diagnostics)?;
    write_crate(args, generated)
}

/// Runs the generator for `args` without touching the output directory
/// (`args.out` only appears in the regenerate command). The spec path is
/// read as given, relative to the current directory.
pub(crate) fn generate_in_memory(args: &GenerateArgs) -> Result<Generated, Diagnostics> {
    let crate_name = args.crate_name.clone().unwrap_or_else(|| default_crate_name(&args.spec));
    let spec = SpecInput { path: args.spec.clone(), module: module_name_for_path(&args.spec) };
    let config = Config {
        regenerate_command: regenerate_command(args),
        layout: Layout::Standalone { crate_name: crate_name.clone() },
        skip_unsupported: args.skip_unsupported,
        only_tags: args.only_tags.clone(),
        detect_pagination: !args.no_pagination_detection,
        strict: args.strict,
        settings: Settings {
            serde_impls: if args.serde_as_used { SerdeImpls::AsUsed } else { SerdeImpls::Both },
            date_time: if args.date_time_strings { DateTimes::String } else { DateTimes::Chrono },
            partial_eq: !args.no_partial_eq,
            parameters: if args.params_always { Parameters::Always } else { Parameters::WhenAny },
            serde_derive: args.serde_derive,
        },
    };
    let started = Instant::now();
    // `$ref`s may name files in the spec's directory tree only.
    let tree = Path::new(&args.spec).parent().unwrap_or(Path::new(""));
    let loader = DiskLoader::new(".", tree, vec![spec.path.clone()]);
    let output = generator::generate(&[spec], &loader, &config)?;
    Ok(Generated { crate_name, output, elapsed: started.elapsed() })
}

/// Writes `generated` into `args.out` (stale and missing files; orphaned
/// generated `*.rs` files are removed).
pub(crate) fn write_crate(args: &GenerateArgs, generated: Generated) -> Result<Report, Error> {
    let Generated { crate_name, output, elapsed } = generated;
    let changes = sync(Path::new(&args.out), &output.files, Orphans::GeneratedRust, Mode::Write).map_err(Error::Message)?;
    Ok(Report { crate_name, files: output.files.len(), changes, skipped: output.skipped, warnings: output.warnings, elapsed })
}

/// The package name for a spec at `spec_path`: its file stem, lowercased,
/// with every run of non-alphanumerics turned into one `-`, starting with a
/// letter (`api-` is prepended otherwise) and ending in `-client`.
pub(crate) fn default_crate_name(spec_path: &str) -> String {
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
/// starting with a letter. Checked while parsing `--crate-name`.
pub(crate) fn check_crate_name(name: &str) -> Result<&str, String> {
    let valid =
        name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid { Ok(name) } else { Err("use ASCII letters, digits, `-` and `_`, starting with a letter".to_owned()) }
}

/// The command that reproduces this run, for the generated files' headers.
fn regenerate_command(args: &GenerateArgs) -> String {
    let mut command = format!("cargo xtask generate --spec {} --out {}", quote(&args.spec), quote(&args.out));
    if let Some(name) = &args.crate_name {
        command.push_str(&format!(" --crate-name {}", quote(name)));
    }
    if args.skip_unsupported {
        command.push_str(" --skip-unsupported");
    }
    if args.no_pagination_detection {
        command.push_str(" --no-pagination-detection");
    }
    if !args.only_tags.is_empty() {
        command.push_str(&format!(" --only-tags {}", quote(&args.only_tags.join(","))));
    }
    if args.strict {
        command.push_str(" --strict");
    }
    if args.serde_as_used {
        command.push_str(" --serde-as-used");
    }
    if args.date_time_strings {
        command.push_str(" --date-time-strings");
    }
    if args.no_partial_eq {
        command.push_str(" --no-partial-eq");
    }
    if args.params_always {
        command.push_str(" --params-always");
    }
    if args.serde_derive {
        command.push_str(" --serde-derive");
    }
    command
}

/// `arg` as a POSIX shell word. Control characters become `?`: the command
/// ends up in a one-line comment and must not break out of it.
fn quote(arg: &str) -> String {
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
    fn regenerate_commands() {
        let mut args = GenerateArgs {
            spec: "specs/a.yaml".to_owned(),
            out: "../out".to_owned(),
            crate_name: None,
            skip_unsupported: false,
            only_tags: Vec::new(),
            no_pagination_detection: false,
            strict: false,
            serde_as_used: false,
            date_time_strings: false,
            no_partial_eq: false,
            params_always: false,
            serde_derive: false,
            warnings: crate::cli::WarningsMode::All,
        };
        assert_eq!(regenerate_command(&args), "cargo xtask generate --spec specs/a.yaml --out ../out");
        args.spec = "my specs/it's.yaml".to_owned();
        args.crate_name = Some("x".to_owned());
        args.skip_unsupported = true;
        assert_eq!(
            regenerate_command(&args),
            r"cargo xtask generate --spec 'my specs/it'\''s.yaml' --out ../out --crate-name x --skip-unsupported"
        );
        args.only_tags = vec!["users".to_owned(), "repos".to_owned()];
        assert!(regenerate_command(&args).ends_with(" --skip-unsupported --only-tags users,repos"));
        args.spec = "a\nb".to_owned();
        assert!(regenerate_command(&args).starts_with("cargo xtask generate --spec 'a?b'"));
    }
}
