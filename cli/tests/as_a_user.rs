//! The two routes a user outside this workspace takes, done as they would:
//!
//! * `cargo install --path cli`, then the installed `oagen generate` on a
//!   spec and `cargo check` of the crate it wrote; `oagen check`'s exit
//!   codes on a good and a bad spec;
//! * a throw-away crate whose `build.rs` calls `generator::build::Builder`
//!   (a path build-dependency) and whose test calls the client against a
//!   local HTTP server.
//!
//! Each runs one `cargo` build; all share the workspace's target directory
//! (`CARGO_TARGET_DIR`, or `target/`) and its `Cargo.lock`, so dependencies
//! are built once and their versions are the workspace's. Cargo runs
//! `--offline`: everything is in the workspace's lock file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The workspace's target directory: builds reuse its artifacts.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("oagen-user-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("a temporary directory");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.env("CARGO_TARGET_DIR", target_dir()).env("CARGO_TERM_COLOR", "never");
    command
}

fn succeeded(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn install_the_cli_generate_and_check() {
    let temp = TempDir::new("install");
    let root = temp.0.join("root");
    let output = cargo()
        .args(["install", "--path"])
        .arg(workspace().join("cli"))
        .arg("--root")
        .arg(&root)
        .args(["--debug", "--offline", "--locked", "--quiet"])
        .output()
        .expect("cargo install runs");
    succeeded(&output, "cargo install --path cli");
    let oagen = root.join("bin").join(format!("oagen{}", std::env::consts::EXE_SUFFIX));
    assert!(oagen.is_file(), "installed as {}", oagen.display());

    let version = Command::new(&oagen).arg("--version").output().expect("oagen runs");
    succeeded(&version, "oagen --version");
    assert_eq!(String::from_utf8_lossy(&version.stdout), format!("oagen {}\n", env!("CARGO_PKG_VERSION")));

    // Generate a crate from one of the workspace's seed specs, as a user
    // would from theirs.
    let spec = workspace().join("specs/pack-cloud.yaml");
    let out = temp.0.join("pack-cloud");
    let generate = Command::new(&oagen)
        .arg("generate")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .args(["--name", "pack-cloud", "--version", "1.2.3"])
        .output();
    succeeded(&generate.expect("oagen runs"), "oagen generate");
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("a manifest");
    assert!(manifest.contains("name = \"pack-cloud\"\nversion = \"1.2.3\""), "{manifest}");
    fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).expect("the workspace's lock file");
    let check = cargo().args(["check", "--offline", "--quiet", "--manifest-path"]).arg(out.join("Cargo.toml")).output();
    succeeded(&check.expect("cargo check runs"), "cargo check of the generated crate");

    // `check`: 0 on a good spec, 1 on a broken one (the diagnostic located).
    let good = Command::new(&oagen).arg("check").arg(&spec).output().expect("oagen runs");
    succeeded(&good, "oagen check on a good spec");
    let broken = temp.0.join("broken.yaml");
    fs::write(
        &broken,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {$ref: '#/nowhere'}}\n",
    )
    .expect("a broken spec");
    let bad = Command::new(&oagen).arg("check").arg(&broken).output().expect("oagen runs");
    assert_eq!(bad.status.code(), Some(1), "{}", String::from_utf8_lossy(&bad.stderr));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains(&format!("{}:6:", broken.display())) && stderr.contains("[broken-ref]"), "{stderr}");
    assert!(!temp.0.join("broken-client").exists(), "check writes nothing");
}

/// The crate a user writes: the client's dependencies
/// (`generator::runtime_dependencies`), `generator` as a build-dependency,
/// three lines of `build.rs` and one `include!`.
#[test]
fn a_build_script_generates_a_client_that_calls_a_server() {
    let temp = TempDir::new("build-rs");
    let dir = &temp.0;
    // The chat layout: `$ref`s reach a sibling tree, so the build script
    // names the `$ref` root, and reruns when the referenced files change.
    copy_tree(&workspace().join("tests/fixtures/layouts/chat"), &dir.join("api")).expect("the spec");
    let generator = workspace().join("generator");
    let manifest = format!(
        "[package]\nname = \"uses-build-rs\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n[build-dependencies]\ngenerator = {{ path = {:?} }}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }}\n\n[workspace]\n",
        generator::runtime_dependencies().trim_end(),
        generator.to_string_lossy(),
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("Cargo.toml");
    fs::write(dir.join("build.rs"), BUILD_RS).expect("build.rs");
    fs::create_dir_all(dir.join("src")).expect("src");
    fs::write(dir.join("src/lib.rs"), LIB_RS).expect("lib.rs");
    fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("the workspace's lock file");

    // `-vv` shows what the build script printed (on stdout).
    let test = cargo().args(["test", "-vv", "--offline", "--manifest-path"]).arg(dir.join("Cargo.toml")).output().expect("cargo test runs");
    succeeded(&test, "cargo test of the crate with a build script");
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(stdout.contains("test tests::the_client_decodes_the_servers_answer ... ok"), "{stdout}");
    let stderr = String::from_utf8_lossy(&test.stderr);
    for file in ["data/api/client-server/sync.yaml", "event-schemas/schema/m.room.message.yaml", "event-schemas/schema/core/timestamp.yaml"]
    {
        let line = format!("[uses-build-rs 0.1.0] cargo:rerun-if-changed=api/{file}");
        assert!(stdout.contains(&line), "the build script names every file it read: {line}");
    }
    // (Dependencies' build scripts print `warning:` lines under `-vv`.)
    assert!(!stderr.contains("warning: `uses-build-rs`"), "the client compiles without warnings");
    assert!(!stderr.contains("warning: uses-build-rs@"), "the spec has no warnings");
}

const BUILD_RS: &str = r#"fn main() -> Result<(), Box<dyn std::error::Error>> {
    generator::build::Builder::new("api/data/api/client-server/sync.yaml").ref_root("api").generate()?;
    Ok(())
}
"#;

/// The client at the crate root, and a test that serves one HTTP response
/// from a `TcpListener` and decodes it through the client.
const LIB_RS: &str = r##"include!(concat!(env!("OUT_DIR"), "/openapi.rs"));

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn the_client_decodes_the_servers_answer() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let address = listener.local_addr().expect("an address");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("a connection");
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                let read = socket.read(&mut buffer).await.expect("the request");
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..read]);
            }
            let body = r#"{"body":"hello","sender":"@ana:example.org","origin_server_ts":1700000000000}"#;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.expect("the response");
            String::from_utf8_lossy(&request).into_owned()
        });
        let client = crate::Client::builder().base_url(format!("http://{address}")).build().expect("a client");
        let message = client.sync().await.expect("the call succeeds");
        assert_eq!(message.body, "hello");
        assert_eq!(message.sender, "@ana:example.org");
        assert_eq!(message.origin_server_ts, Some(1_700_000_000_000));
        let request = server.await.expect("the server ran");
        assert!(request.starts_with("GET /sync HTTP/1.1\r\n"), "{request}");
    }
}
"##;

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
