//! `cargo xtask bench-decode`: the generated models' decode and encode
//! speed next to serde's derives, measured side by side in one process.
//!
//! The spec is generated twice as standalone crates — once as users get it
//! (property tables), once with `Settings::serde_derive` (serde's derives:
//! the baseline) — plus a small built-in spec whose bodies are dominated by
//! a tagged and by an untagged union. A harness crate depending on all four
//! is built in release mode and times, on each body, `serde_json::from_slice`
//! (plain decode), the client's own response path
//! (`runtime::decode_json`), and `serde_json::to_vec` (encode), alternating
//! the two kinds of model run by run; it prints medians and ratios.

mod fill;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Config, Layout, SpecInput};
use serde_json::Value;

use generator::build::DiskLoader;

/// The bodies taken from GitHub's spec: (example name, schema name).
pub(crate) const GITHUB_BODIES: &[(&str, &str)] =
    &[("issue", "issue"), ("pull-request", "pull-request"), ("commit", "commit"), ("full-repository", "full-repository")];

/// The tags whose operations use those schemas (the crates are built with
/// only these Cargo features, to keep the release builds short).
const GITHUB_FEATURES: &[&str] = &["issues", "pulls", "repos"];

/// A spec whose bodies are unions: a tagged one (`kind` chooses the
/// variant) and an untagged one (the first variant that fits).
const UNIONS_SPEC: &str = r#"openapi: 3.0.3
info: {title: Union bench, version: "1"}
paths:
  /events:
    get:
      operationId: listEvents
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Event'}}
  /shapes:
    get:
      operationId: listShapes
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Shape'}}
components:
  schemas:
    Event:
      oneOf:
        - $ref: '#/components/schemas/Created'
        - $ref: '#/components/schemas/Updated'
        - $ref: '#/components/schemas/Deleted'
      discriminator:
        propertyName: kind
        mapping: {created: '#/components/schemas/Created', updated: '#/components/schemas/Updated', deleted: '#/components/schemas/Deleted'}
    Created:
      type: object
      required: [kind, id, at, name]
      properties:
        kind: {type: string}
        id: {type: integer}
        at: {type: string}
        name: {type: string}
        labels: {type: array, items: {type: string}}
    Updated:
      type: object
      required: [kind, id, at, changes]
      properties:
        kind: {type: string}
        id: {type: integer}
        at: {type: string}
        changes: {type: object, additionalProperties: {type: string}}
    Deleted:
      type: object
      required: [kind, id, at]
      properties:
        kind: {type: string}
        id: {type: integer}
        at: {type: string}
        reason: {type: string, nullable: true}
    Shape:
      anyOf:
        - $ref: '#/components/schemas/Circle'
        - $ref: '#/components/schemas/Rect'
        - $ref: '#/components/schemas/Polygon'
    Circle:
      type: object
      required: [radius, x, y]
      properties: {radius: {type: number}, x: {type: number}, y: {type: number}, label: {type: string}}
    Rect:
      type: object
      required: [width, height, x, y]
      properties: {width: {type: number}, height: {type: number}, x: {type: number}, y: {type: number}, label: {type: string}}
    Polygon:
      type: object
      required: [points]
      properties: {points: {type: array, items: {type: array, items: {type: number}}}, label: {type: string}}
"#;

/// Options of `bench-decode`.
pub(crate) struct Options {
    /// GitHub's spec (`@octokit/openapi`'s `api.github.com.json`).
    pub(crate) spec: String,
    /// Timed runs per body and column.
    pub(crate) runs: usize,
    /// Elements per body array.
    pub(crate) copies: usize,
    /// Where the crates and bodies are written (kept, so later runs reuse
    /// the builds).
    pub(crate) dir: PathBuf,
    /// More of the spec's examples to time besides [`GITHUB_BODIES`], each
    /// named like its schema (the GitHub crates are then built with every
    /// feature, as the schemas may belong to any tag).
    pub(crate) bodies: Vec<String>,
}

/// Generates, builds and runs the harness; returns its table.
pub(crate) fn bench_decode(root: &Path, options: &Options) -> Result<String, String> {
    fs::create_dir_all(options.dir.join("bodies")).map_err(|error| format!("{}: {error}", options.dir.display()))?;
    // Absolute, as the harness runs in a directory of its own.
    let dir = &fs::canonicalize(&options.dir).map_err(|error| format!("{}: {error}", options.dir.display()))?;
    let spec_text = fs::read_to_string(&options.spec).map_err(|error| format!("{}: {error}", options.spec))?;
    let spec: Value = serde_json::from_str(&spec_text).map_err(|error| format!("{}: {error}", options.spec))?;
    let unions_path = dir.join("unions.yaml");
    write(&unions_path, UNIONS_SPEC)?;
    for (name, path) in [("github", PathBuf::from(&options.spec)), ("unions", unions_path)] {
        for derive in [false, true] {
            let crate_dir = dir.join(format!("{name}-{}", if derive { "derive" } else { "ours" }));
            generate(&path, &crate_dir, &format!("bench-{name}-{}", if derive { "derive" } else { "ours" }), derive)?;
        }
    }
    let mut bodies = Vec::new();
    let extra = options.bodies.iter().map(|name| (name.as_str(), name.as_str()));
    for (example, schema) in GITHUB_BODIES.iter().copied().chain(extra) {
        let mut value = spec
            .pointer(&format!("/components/examples/{example}/value"))
            .cloned()
            .ok_or_else(|| format!("the spec has no example `{example}`"))?;
        fill::fill(&mut value, &serde_json::json!({"$ref": format!("#/components/schemas/{schema}")}), &spec);
        let body = Value::Array(vec![value; options.copies]);
        let file = dir.join("bodies").join(format!("{example}.json"));
        write(&file, &serde_json::to_string(&body).map_err(|error| error.to_string())?)?;
        bodies.push(("github", example.to_owned(), generator::type_name(schema), file));
    }
    for (example, ty, body) in [
        ("events (tagged union)", "Event", union_events(options.copies * 10)),
        ("shapes (untagged union)", "Shape", union_shapes(options.copies * 10)),
    ] {
        let file = dir.join("bodies").join(format!("{ty}.json"));
        write(&file, &body)?;
        bodies.push(("unions", example.to_owned(), ty.to_owned(), file));
    }
    write_harness(root, dir, &bodies, options.runs, options.bodies.is_empty())?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--release", "--quiet"])
        .current_dir(dir.join("harness"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|error| format!("cargo run: {error}"))?;
    if !status.status.success() {
        return Err(format!("the harness failed:\n{}", String::from_utf8_lossy(&status.stderr)));
    }
    Ok(String::from_utf8_lossy(&status.stdout).into_owned())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

fn generate(spec: &Path, out: &Path, crate_name: &str, serde_derive: bool) -> Result<(), String> {
    let config = Config {
        regenerate_command: "cargo xtask bench-decode".to_owned(),
        layout: Layout::standalone(crate_name),
        skip_unsupported: true,
        settings: generator::Settings { serde_derive, ..generator::Settings::default() },
        ..Config::default()
    };
    let spec_text = spec.to_string_lossy().into_owned();
    let input = SpecInput { path: spec_text.clone(), module: "api".to_owned() };
    let tree = spec.parent().unwrap_or(Path::new(""));
    let loader = DiskLoader::new(".", [tree], vec![spec_text]);
    let output = generator::generate(&[input], &loader, &config).map_err(|diagnostics| diagnostics.to_string())?;
    for (path, text) in &output.files {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
        }
        // Unchanged files keep their times, so cargo reuses the build.
        if fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            write(&target, text)?;
        }
    }
    Ok(())
}

/// `copies` events: created, updated and deleted in turn.
fn union_events(copies: usize) -> String {
    let events: Vec<Value> = (0..copies)
        .map(|index| match index % 3 {
            0 => serde_json::json!({"kind": "created", "id": index, "at": "2026-12-06T10:00:00Z", "name": format!("item {index}"), "labels": ["a", "b"]}),
            1 => serde_json::json!({"kind": "updated", "id": index, "at": "2026-12-06T10:00:00Z", "changes": {"name": "new", "state": "open"}}),
            _ => serde_json::json!({"kind": "deleted", "id": index, "at": "2026-12-06T10:00:00Z", "reason": null}),
        })
        .collect();
    Value::Array(events).to_string()
}

/// `copies` shapes: circles, rectangles and polygons in turn (a polygon is
/// tried as the other two first).
fn union_shapes(copies: usize) -> String {
    let shapes: Vec<Value> = (0..copies)
        .map(|index| match index % 3 {
            0 => serde_json::json!({"radius": 1.5, "x": 1.0, "y": 2.0, "label": "c"}),
            1 => serde_json::json!({"width": 2.0, "height": 3.0, "x": 1.0, "y": 2.0}),
            _ => serde_json::json!({"points": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "label": "p"}),
        })
        .collect();
    Value::Array(shapes).to_string()
}

/// Writes the harness crate; `sliced`: the GitHub crates with only
/// [`GITHUB_FEATURES`] (else whole).
fn write_harness(root: &Path, dir: &Path, bodies: &[(&str, String, String, PathBuf)], runs: usize, sliced: bool) -> Result<(), String> {
    let features = if sliced {
        let list = GITHUB_FEATURES.iter().map(|feature| format!("\"{feature}\"")).collect::<Vec<_>>().join(", ");
        format!(", default-features = false, features = [{list}]")
    } else {
        String::new()
    };
    let manifest = format!(
        r#"# Written by `cargo xtask bench-decode`.
[package]
name = "bench-decode"
version = "0.1.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
ours = {{ package = "bench-github-ours", path = "../github-ours"{features} }}
derive = {{ package = "bench-github-derive", path = "../github-derive"{features} }}
unions-ours = {{ package = "bench-unions-ours", path = "../unions-ours" }}
unions-derive = {{ package = "bench-unions-derive", path = "../unions-derive" }}
serde = "1"
serde_json = {{ version = "1", features = ["preserve_order"] }}

[profile.release]
debug = false
"#
    );
    let harness = dir.join("harness");
    fs::create_dir_all(harness.join("src")).map_err(|error| format!("{}: {error}", harness.display()))?;
    write(&harness.join("Cargo.toml"), &manifest)?;
    let _ = fs::copy(root.join("Cargo.lock"), harness.join("Cargo.lock"));
    let mut calls = String::new();
    for (spec, name, ty, file) in bodies {
        let (ours, derive) = if *spec == "github" { ("ours", "derive") } else { ("unions_ours", "unions_derive") };
        let _ = writeln!(
            calls,
            "    bench::<{ours}::types::{ty}, {derive}::types::{ty}>({name:?}, {:?}, {ours}::runtime::__private::decode_json, {derive}::runtime::__private::decode_json);",
            file.display()
        );
    }
    let main = format!(
        r#"// Written by `cargo xtask bench-decode`.
use std::time::Instant;

const RUNS: usize = {runs};

fn median(mut values: Vec<f64>) -> f64 {{
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}}

type Path<T> = fn(&[u8]) -> Result<T, (String, serde_json::Error)>;

fn bench<O, D>(name: &str, file: &str, ours_path: Path<Vec<O>>, derive_path: Path<Vec<D>>)
where
    O: serde::de::DeserializeOwned + serde::Serialize,
    D: serde::de::DeserializeOwned + serde::Serialize,
{{
    let bytes = std::fs::read(file).expect("body");
    let ours: Vec<O> = match serde_json::from_slice(&bytes) {{
        Ok(value) => value,
        Err(error) => return println!("| {{name}} | ours does not decode it: {{error}} |"),
    }};
    let derived: Vec<D> = match serde_json::from_slice(&bytes) {{
        Ok(value) => value,
        Err(error) => return println!("| {{name}} | the derive does not decode it: {{error}} |"),
    }};
    let same = serde_json::to_vec(&ours).ok() == serde_json::to_vec(&derived).ok();
    let mut times = [(); 6].map(|_| Vec::new());
    let mut time = |slot: usize, run: &mut dyn FnMut()| {{
        let started = Instant::now();
        run();
        times[slot].push(started.elapsed().as_secs_f64() * 1000.0);
    }};
    for run in 0..RUNS {{
        // Each step once for either kind, in turn which goes first (the
        // second of a pair finds the allocator warmer).
        let order: [usize; 2] = if run % 2 == 0 {{ [0, 1] }} else {{ [1, 0] }};
        for step in 0..3 {{
            for side in order {{
                let slot = step * 2 + side;
                match (step, side) {{
                    (0, 0) => {{ let mut kept = None; time(slot, &mut || kept = Some(serde_json::from_slice::<Vec<O>>(&bytes).expect("decodes"))); drop(kept); }}
                    (0, _) => {{ let mut kept = None; time(slot, &mut || kept = Some(serde_json::from_slice::<Vec<D>>(&bytes).expect("decodes"))); drop(kept); }}
                    (1, 0) => {{ let mut kept = None; time(slot, &mut || kept = Some(ours_path(&bytes).expect("decodes"))); drop(kept); }}
                    (1, _) => {{ let mut kept = None; time(slot, &mut || kept = Some(derive_path(&bytes).expect("decodes"))); drop(kept); }}
                    (_, 0) => {{ let mut out = Vec::new(); time(slot, &mut || out = serde_json::to_vec(&ours).expect("encodes")); drop(out); }}
                    (_, _) => {{ let mut out = Vec::new(); time(slot, &mut || out = serde_json::to_vec(&derived).expect("encodes")); drop(out); }}
                }}
            }}
        }}
    }}
    let m: Vec<f64> = times.iter().map(|column| median(column.clone())).collect();
    println!(
        "| {{name}} | {{:.1}} MB | {{:.1}} / {{:.1}} ms | **{{:.2}}×** | {{:.1}} / {{:.1}} ms | **{{:.2}}×** | {{:.1}} / {{:.1}} ms | **{{:.2}}×** | {{}} |",
        bytes.len() as f64 / 1e6,
        m[0], m[1], m[0] / m[1],
        m[2], m[3], m[2] / m[3],
        m[4], m[5], m[4] / m[5],
        if same {{ "same" }} else {{ "DIFFERENT" }},
    );
}}

fn main() {{
    println!("| body | size | plain decode, ours / derive | ratio | client path (`runtime::decode_json`), ours / derive | ratio | encode (`serde_json::to_vec`), ours / derive | ratio | re-encoded JSON |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
{calls}    println!("\nmedians of {{RUNS}} runs in one process (release build); each step runs for both kinds of model in turn, which one first alternating run by run");
}}
"#
    );
    write(&harness.join("src/main.rs"), &main)
}
