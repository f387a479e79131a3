//! `oagen`: see the library crate for the commands.

use std::process::ExitCode;

// Generation allocates and frees millions of small strings and token trees;
// mimalloc spends a fraction of the system allocator's time on them (see
// xtask's main).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    oagen::run(std::env::args_os().skip(1))
}
