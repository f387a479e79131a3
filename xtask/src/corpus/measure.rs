//! Catching generator panics quietly, and measuring the peak memory of
//! generating a spec in a child process.

use std::cell::RefCell;
use std::env;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Instant;

use crate::cli::GenerateArgs;
use crate::generate::generate_in_memory;

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Where the last panic on this thread happened (set by the quiet hook).
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What [`panic::take_hook`] returns.
type PanicHook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Replaces the panic hook with one that prints nothing and only records
/// the location; the previous hook is restored on drop.
struct QuietPanics {
    previous: Option<PanicHook>,
}

impl QuietPanics {
    fn install() -> Self {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let location = info.location().map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()));
            PANIC_LOCATION.with(|slot| *slot.borrow_mut() = location);
        }));
        Self { previous: Some(previous) }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        // `set_hook` itself panics while panicking; the process is going
        // down with the default behaviour then anyway.
        if let Some(previous) = self.previous.take().filter(|_| !thread::panicking()) {
            panic::set_hook(previous);
        }
    }
}

/// Runs `f`; a panic becomes `Err(message (at file:line:column))` and is
/// not printed.
pub(super) fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let quiet = QuietPanics::install();
    PANIC_LOCATION.with(|slot| slot.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(quiet);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(panic payload is not a string)".to_owned());
        match PANIC_LOCATION.with(|slot| slot.borrow_mut().take()) {
            Some(location) => format!("{message} (at {location})"),
            None => message,
        }
    })
}

// ---------------------------------------------------------------------------
// Peak memory

/// The `VmHWM` (peak resident set) line of a `/proc/<pid>/status` text, in
/// KiB.
pub(crate) fn parse_vmhwm(text: &str) -> Option<u64> {
    let rest = text.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let mut parts = rest.split_whitespace();
    let value = parts.next()?.parse().ok()?;
    match parts.next() {
        None | Some("kB") => Some(value),
        Some(_) => None,
    }
}

/// `cargo xtask corpus-measure`: generates `spec` in memory, then prints
/// `status: …`, `gen_ms: …` and this process's own `VmHWM` line (when
/// `/proc` has one) for the parent to read.
pub(crate) fn measure(spec: &str, skip_unsupported: bool) {
    let args = GenerateArgs {
        spec: spec.to_owned(),
        out: "-".to_owned(),
        crate_name: None,
        options: crate::cli::Options { skip_unsupported, strict: false, ..Default::default() },
    };
    let started = Instant::now();
    let result = catch_panic(|| generate_in_memory(&args));
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(Ok(_)) => "generated",
        Ok(Err(_)) => "diagnosed",
        Err(_) => "panicked",
    };
    println!("status: {status}");
    println!("gen_ms: {}", elapsed.as_millis());
    print_own_peak();
    drop(result);
}

/// Prints this process's `VmHWM` line (when `/proc` has one) for a parent
/// process to read with [`parse_vmhwm`].
pub(crate) fn print_own_peak() {
    if let Some(line) = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| text.lines().find(|line| line.starts_with("VmHWM:")).map(str::to_owned))
    {
        println!("{line}");
    }
}

/// Runs `corpus-measure` for `spec` in a child process (this executable)
/// and returns its peak resident memory in KiB.
pub(super) fn measure_in_child(spec: &str, skip_unsupported: bool) -> Option<u64> {
    let mut command = Command::new(env::current_exe().ok()?);
    command.arg("corpus-measure").arg(format!("--spec={spec}"));
    if skip_unsupported {
        command.arg("--skip-unsupported");
    }
    let output = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    parse_vmhwm(&String::from_utf8_lossy(&output.stdout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vmhwm() {
        let status = "Name:\txtask\nVmPeak:\t  900000 kB\nVmHWM:\t  478324 kB\nVmRSS:\t  1000 kB\n";
        assert_eq!(parse_vmhwm(status), Some(478_324));
        assert_eq!(parse_vmhwm("status: generated\nVmHWM: 12 kB"), Some(12));
        assert_eq!(parse_vmhwm("VmRSS:\t 1 kB\n"), None);
        assert_eq!(parse_vmhwm("VmHWM:\t lots kB\n"), None);
        assert_eq!(parse_vmhwm("VmHWM:\t 12 MB\n"), None);
    }

    #[test]
    fn catches_panics_with_location() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        let caught = catch_panic(|| -> u8 { panic!("boom {}", 1) });
        let message = caught.err().unwrap_or_default();
        assert!(message.starts_with("boom 1 (at xtask/src/corpus/measure.rs:"), "{message}");
        let caught = catch_panic(|| std::panic::panic_any(5_u8));
        assert!(caught.is_err_and(|message| message.starts_with("(panic payload is not a string)")));
    }
}
