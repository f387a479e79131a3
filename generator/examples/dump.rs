//! Prints the generated files for the specs given on the command line.
use std::collections::BTreeMap;

struct Disk;
impl generator::Loader for Disk {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }
}

fn main() {
    let specs: Vec<generator::SpecInput> = std::env::args()
        .skip(1)
        .map(|path| generator::SpecInput { module: generator::naming::module_name_for_path(&path), path })
        .collect();
    let _unused: BTreeMap<String, String> = BTreeMap::new();
    match generator::generate(&specs, &Disk, &generator::Config::default()) {
        Ok(output) => {
            for (path, text) in output.files {
                println!("==== {path}\n{text}");
            }
        }
        Err(diagnostics) => eprint!("{diagnostics}"),
    }
}
