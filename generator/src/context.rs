//! What the stages read about a run besides the spec: built once by
//! [`crate::generate`] from the caller's [`Config`](crate::Config) and passed
//! to lowering and analysis, which make every choice the IR records (type
//! mappings, serde directions, which operations exist). Emission reads only
//! the IR, so no choice is made twice or in two places.

use crate::Settings;

/// The run's choices, as the stages see them.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The shape of the generated code.
    pub settings: &'a Settings,
    /// Leave out operations that use unsupported constructs.
    pub skip_unsupported: bool,
    /// Only operations with one of these tags (all when empty).
    pub only_tags: &'a [String],
    /// Detect paginated operations from their shape.
    pub detect_pagination: bool,
    /// Cut the crate into Cargo features (standalone crates).
    pub features: bool,
    /// How generated code names the runtime's macros (from the layout and
    /// the runtime setting).
    pub macro_calls: crate::ir::MacroCalls,
}

impl<'a> Context<'a> {
    /// The context of a run with `config`.
    pub fn new(config: &'a crate::Config) -> Self {
        Self {
            settings: &config.settings,
            skip_unsupported: config.skip_unsupported,
            only_tags: &config.only_tags,
            detect_pagination: config.detect_pagination,
            features: matches!(config.layout, crate::Layout::Standalone { .. }),
            macro_calls: match (&config.layout, &config.settings.runtime) {
                // A macro of another crate has a path even in included code.
                (_, crate::Runtime::Crate { .. }) => crate::ir::MacroCalls::RuntimeCrate,
                (crate::Layout::Include { .. }, crate::Runtime::Copied) => crate::ir::MacroCalls::ByName,
                (_, crate::Runtime::Copied) => crate::ir::MacroCalls::CrateRoot,
            },
        }
    }
}

#[cfg(test)]
impl Context<'static> {
    /// Defaults, for tests.
    pub fn default_for_tests() -> Self {
        static SETTINGS: Settings = Settings::DEFAULT;
        Self {
            settings: &SETTINGS,
            skip_unsupported: false,
            only_tags: &[],
            detect_pagination: true,
            features: false,
            macro_calls: crate::ir::MacroCalls::CrateRoot,
        }
    }
}
