//! `cargo xtask bench`: what generation costs next to the least any tool
//! must do — parse the document — measured side by side in one run. Each
//! measurement runs in a fresh child process (this executable), so peak
//! memory is that run's alone; medians over several runs.

use std::env;
use std::fs;
use std::process::{Command, Stdio};
use std::time::Instant;

use generator::{Config, Layout, SpecInput};

use crate::corpus::measure::{parse_vmhwm, print_own_peak};
use generator::build::DiskLoader;

/// One child's result.
#[derive(Debug, Clone, Copy)]
struct Run {
    millis: f64,
    peak_kib: u64,
}

/// `bench-measure`: one parse or one generation of `spec`, timed without
/// reading the file, then the time and this process's peak memory on
/// stdout.
pub(crate) fn measure(spec: &str, generate: bool) {
    let Ok(text) = fs::read_to_string(spec) else {
        println!("error: cannot read {spec}");
        return;
    };
    let started = Instant::now();
    let ok = if generate {
        let config = Config {
            regenerate_command: "cargo xtask bench".to_owned(),
            layout: Layout::standalone("bench"),
            skip_unsupported: true,
            ..Config::default()
        };
        let input = SpecInput { path: spec.to_owned(), module: "api".to_owned() };
        let tree = std::path::Path::new(spec).parent().unwrap_or(std::path::Path::new(""));
        let loader = DiskLoader::new(".", [tree], vec![spec.to_owned()]);
        generator::generate(&[input], &loader, &config).is_ok()
    } else {
        serde_json::from_str::<serde_json::Value>(&text).is_ok()
    };
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    println!("ok: {ok}");
    println!("ms: {millis:.3}");
    print_own_peak();
}

fn run_child(spec: &str, mode: &str) -> Result<Run, String> {
    let exe = env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new(exe)
        // `--spec=PATH`: a path starting with `-` stays a value.
        .args(["bench-measure", &format!("--spec={spec}"), "--mode", mode])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|error| error.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| text.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
    if field("ok:") != Some("true") {
        return Err(format!("{mode} of {spec} failed: {text}"));
    }
    let millis = field("ms:").and_then(|ms| ms.parse().ok()).ok_or("no time reported")?;
    let peak_kib = parse_vmhwm(&text).unwrap_or(0);
    Ok(Run { millis, peak_kib })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Measures every spec `runs` times in each mode, alternating parse and
/// generate runs so both see the same machine; returns the table.
pub(crate) fn bench(specs: &[String], runs: usize) -> Result<String, String> {
    let mut table = String::from(
        "| spec | size | parse (serde_json) | generate | time ratio | parse peak | generate peak | memory ratio |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for spec in specs {
        let size = fs::metadata(spec).map_err(|error| format!("{spec}: {error}"))?.len();
        let (mut parses, mut generations) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            parses.push(run_child(spec, "parse")?);
            generations.push(run_child(spec, "generate")?);
        }
        let time = |runs: &[Run]| median(runs.iter().map(|run| run.millis).collect());
        let peak = |runs: &[Run]| median(runs.iter().map(|run| run.peak_kib as f64).collect()) / 1024.0;
        let (parse_ms, generate_ms) = (time(&parses), time(&generations));
        let (parse_mib, generate_mib) = (peak(&parses), peak(&generations));
        let name = std::path::Path::new(spec).file_name().map_or_else(|| spec.clone(), |name| name.to_string_lossy().into_owned());
        table.push_str(&format!(
            "| {name} | {:.1} MB | {parse_ms:.0} ms | {generate_ms:.0} ms | {:.1}× | {parse_mib:.0} MiB | {generate_mib:.0} MiB | {:.1}× |\n",
            size as f64 / 1_000_000.0,
            generate_ms / parse_ms.max(0.001),
            generate_mib / parse_mib.max(0.001),
        ));
    }
    table.push_str(&format!("\nmedians of {runs} runs per spec and column, each in a fresh process; peak = VmHWM\n"));
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }
}
