//! `cargo xtask`: see the library crate for the commands.

use std::process::ExitCode;

// Generation allocates and frees millions of small strings and token trees;
// the system allocator spent about a third of the time of a large spec
// (Microsoft Graph) in malloc and free, mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    xtask::run(std::env::args_os().skip(1))
}
