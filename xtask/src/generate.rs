//! `cargo xtask generate`: a standalone client crate for any one spec, by
//! `oagen`'s library (the same generation as `oagen generate`; only the
//! command line and the header's command differ).

use std::path::Path;

use generator::Diagnostics;
pub(crate) use oagen::generate::{Generated, Report, default_crate_name};
use oagen::generate::{Job, quote};

use crate::Error;
use crate::cli::GenerateArgs;

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
    let job = Job {
        specs: vec![args.spec.clone()],
        crate_name: args.crate_name.clone().unwrap_or_else(|| default_crate_name(&args.spec)),
        version: "0.1.0".to_owned(),
        options: args.options.clone(),
        regenerate_command: regenerate_command(args),
    };
    oagen::generate::generate_in_memory(&job)
}

/// Writes `generated` into `args.out` (stale and missing files; orphaned
/// generated `*.rs` files are removed).
pub(crate) fn write_crate(args: &GenerateArgs, generated: Generated) -> Result<Report, Error> {
    oagen::generate::write_crate(Path::new(&args.out), generated).map_err(Error::Message)
}

/// The command that reproduces this run, for the generated files' headers.
fn regenerate_command(args: &GenerateArgs) -> String {
    let mut command = format!("cargo xtask generate --spec {} --out {}", quote(&args.spec), quote(&args.out));
    if let Some(name) = &args.crate_name {
        command.push_str(&format!(" --crate-name {}", quote(name)));
    }
    command + &args.options.flags()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Options, TagList};

    #[test]
    fn regenerate_commands() {
        let mut args =
            GenerateArgs { spec: "specs/a.yaml".to_owned(), out: "../out".to_owned(), crate_name: None, options: Options::default() };
        assert_eq!(regenerate_command(&args), "cargo xtask generate --spec specs/a.yaml --out ../out");
        args.spec = "my specs/it's.yaml".to_owned();
        args.crate_name = Some("x".to_owned());
        args.options.skip_unsupported = true;
        assert_eq!(
            regenerate_command(&args),
            r"cargo xtask generate --spec 'my specs/it'\''s.yaml' --out ../out --crate-name x --skip-unsupported"
        );
        args.options.only_tags = Some(TagList(vec!["users".to_owned(), "repos".to_owned()]));
        assert!(regenerate_command(&args).ends_with(" --skip-unsupported --only-tags users,repos"));
        args.spec = "a\nb".to_owned();
        assert!(regenerate_command(&args).starts_with("cargo xtask generate --spec 'a?b'"));
    }
}
