//! `cargo xtask`: see the library crate for the commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    xtask::run(std::env::args_os().skip(1))
}
