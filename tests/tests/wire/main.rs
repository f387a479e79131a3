//! The wire-level behaviour tests, as one test binary: every file below
//! starts local HTTP servers (wiremock, or a hand-rolled one where the
//! framing must be awkward) and checks what the generated clients send and
//! how they decode what comes back. One binary links reqwest, tokio and
//! wiremock once instead of eleven times (`cargo test -p tests --test wire
//! runtime_wire::` runs one file). `tests/bounded_bodies.rs` measures the
//! process's peak memory, so it is a binary of its own.

mod support;

mod behaviour_apibricks_console;
mod behaviour_pack_cloud;
mod credentials_wire;
mod fixtures_wire;
mod multipart;
mod runtime_wire;
mod security_wire;
mod servers;
mod shared_runtime;
mod streaming;
mod versions_wire;
