//! `cargo xtask`: see the library crate for the commands.

use std::process::ExitCode;

// Generation allocates and frees millions of small strings and token trees;
// the system allocator spent about a third of the time of a large spec
// (Microsoft Graph) in malloc and free, mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    xtask::run(std::env::args_os().skip(1))
}

/// Generation touches its memory once: with transparent huge pages the
/// kernel zeroes 2 MiB for every fresh region mimalloc touches, which
/// `perf` showed as a sixth of a large spec's generation time (and made
/// runs vary by 20 %). Off for this process, the way mimalloc's own
/// `MIMALLOC_ALLOW_THP=0` does it (which can only be set from outside).
/// Children inherit the setting: the `cargo check`s `cargo xtask corpus`
/// runs do without huge pages too.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // Best effort: a kernel without THP refuses, and nothing changes.
    let _ = nix::sys::prctl::set_thp_disable(true);
}
