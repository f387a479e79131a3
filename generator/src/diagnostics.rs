//! Located problems found in a spec. Every stage reports through these;
//! nothing reachable from user input panics.

use std::fmt;

/// Stable diagnostic codes. The string form (`as_str`) is part of the
/// user-facing output and must not change once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file could not be read by the loader.
    Io,
    /// The text is not valid YAML or JSON.
    Syntax,
    /// Collections nest deeper than the loader accepts (checked before
    /// parsing, so hostile input costs linear time).
    NestingTooDeep,
    /// A `$ref` names a file outside the root spec's directory tree (an
    /// absolute path, `..` leading out, a `file:` or remote URL). The file
    /// is never read.
    RefOutsideSpecTree,
    /// The document does not have the shape of an OpenAPI 3.0 document.
    InvalidDocument,
    /// The document declares an OpenAPI version this generator does not read.
    UnsupportedVersion,
    /// A `$ref` points at nothing, or at the wrong kind of object.
    BrokenRef,
    /// A `$ref` chain loops without ever reaching a definition.
    RefCycle,
    /// A schema construct that cannot be turned into a Rust type.
    UnsupportedSchema,
    /// A parameter style/location combination that is not supported.
    UnsupportedParameter,
    /// A request or response media type that is not supported.
    UnsupportedMediaType,
    /// Something the spec says that is contradictory or invalid.
    InvalidSpec,
    /// An `x-pagination` declaration that does not fit its operation.
    InvalidPagination,
    /// A bug in the generator itself (generated code that does not parse).
    Internal,
    /// A security requirement names a scheme that is not defined (warning:
    /// that alternative is dropped).
    UndefinedSecurityScheme,
    /// A security requirement lists `null` instead of scopes (warning: no
    /// scopes).
    NullScopes,
    /// A documentation field (`description`, `summary`, `title`) holds
    /// something other than text (warning: ignored).
    NonTextDocumentation,
    /// A `$ref` points into another components section than its position
    /// needs, at something of a compatible shape (warning: used).
    WrongSectionRef,
    /// An OpenAPI 3.1 / JSON Schema keyword in a 3.0 document (warning:
    /// read as in 3.1).
    JsonSchemaKeyword,
    /// A validation keyword holds a number beyond 64 bits (warning: the
    /// keyword is ignored).
    OutOfRangeNumber,
    /// A validation keyword holds a value of the wrong JSON type
    /// (`pattern: 0`, `maxLength: "10"`) (warning: the keyword is ignored).
    IllTypedKeyword,
    /// A number or boolean in the `enum` of a `type: string` schema
    /// (warning: read as the string it is on the wire).
    StringEnumValue,
    /// A path template and the declared path parameters disagree (warning:
    /// an undeclared placeholder is a required string, a declared
    /// parameter missing from the template is ignored).
    PathParameterMismatch,
    /// An operation the generator cannot express (warning: it is left out,
    /// the rest of the client is generated; the reasons follow).
    SkippedOperation,
    /// Named types nest deeper than the Rust compiler's default recursion
    /// limit (warning: the generated crate root raises the limit; a crate
    /// that includes the module must do the same).
    DeepTypeNesting,
    /// An example does not fit the schema it illustrates, as the client
    /// reads it (warning: examples never change the generated types).
    ExampleMismatch,
    /// Two schemas, two properties of an object, two values of an enum, two
    /// operations, two parameters of an operation or two headers of a
    /// response make the same Rust name
    /// (`foo-bar` and `foo_bar`; `admin` and `Admin`), or one makes a name
    /// the generated code keeps for itself (`Unknown`, `builder`) (warning:
    /// the later one is numbered, `foo_bar_2`; the wire names are
    /// unchanged).
    NameCollision,
    /// The module name a caller gave a spec ([`crate::SpecInput::module`])
    /// is not a Rust identifier, is the crate root's own (`runtime`), or
    /// is given to two specs. The front ends name modules with
    /// [`crate::module_name_for_path`] and refuse the last case themselves.
    InvalidModuleName,
}

impl Code {
    /// The stable, user-facing name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Syntax => "syntax",
            Code::NestingTooDeep => "nesting-too-deep",
            Code::RefOutsideSpecTree => "ref-outside-spec-tree",
            Code::InvalidDocument => "invalid-document",
            Code::UnsupportedVersion => "unsupported-version",
            Code::BrokenRef => "broken-ref",
            Code::RefCycle => "ref-cycle",
            Code::UnsupportedSchema => "unsupported-schema",
            Code::UnsupportedParameter => "unsupported-parameter",
            Code::UnsupportedMediaType => "unsupported-media-type",
            Code::InvalidSpec => "invalid-spec",
            Code::InvalidPagination => "invalid-pagination",
            Code::Internal => "internal",
            Code::UndefinedSecurityScheme => "undefined-security-scheme",
            Code::NullScopes => "null-scopes",
            Code::NonTextDocumentation => "non-text-documentation",
            Code::WrongSectionRef => "wrong-section-ref",
            Code::JsonSchemaKeyword => "json-schema-keyword",
            Code::OutOfRangeNumber => "out-of-range-number",
            Code::IllTypedKeyword => "ill-typed-keyword",
            Code::StringEnumValue => "string-enum-value",
            Code::PathParameterMismatch => "path-parameter-mismatch",
            Code::SkippedOperation => "skipped-operation",
            Code::DeepTypeNesting => "deep-type-nesting",
            Code::ExampleMismatch => "example-mismatch",
            Code::NameCollision => "name-collision",
            Code::InvalidModuleName => "invalid-module-name",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    /// No correct client is possible (or the user asked for strictness).
    #[default]
    Error,
    /// The generator made a stated, conservative interpretation and went
    /// on; the message says which.
    Warning,
}

/// One problem, located by file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// What kind of problem this is.
    pub code: Code,
    /// The spec file the problem is in.
    pub file: String,
    /// JSON pointer (RFC 6901) to the offending node; empty for the root.
    pub pointer: String,
    /// Line and column (1-based) of the node in the file's text, when the
    /// text has it: from the parser for syntax errors, looked up by pointer
    /// for everything found later.
    pub line_column: Option<(usize, usize)>,
    /// Human-readable explanation.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Diagnostic {
    /// A diagnostic at `file#pointer`.
    pub fn new(code: Code, file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            file: file.to_owned(),
            pointer: pointer.to_owned(),
            line_column: None,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning at `file#pointer`: `message` says what was assumed.
    pub fn warning(code: Code, file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::new(code, file, pointer, message) }
    }

    /// True for an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() || self.line_column.is_none() {
            write!(f, "#{}", self.pointer)?;
        }
        if self.severity == Severity::Warning {
            f.write_str(": warning")?;
        }
        write!(f, ": {} [{}]", self.message, self.code)
    }
}

/// All problems found in one run, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Records one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Moves all problems of `other` into `self`.
    pub fn append(&mut self, other: &mut Diagnostics) {
        self.0.append(&mut other.0);
    }

    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, to fill in what is known only later (positions).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.0.iter_mut()
    }

    /// The problems, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Number of errors (a failed run also carries the warnings it found).
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|diagnostic| diagnostic.is_error()).count()
    }

    /// How a front end prints a failed run: each error as `error: …`, each
    /// warning as it is written (`…: warning: …`), then `error: N problems
    /// found` and `ending`.
    pub fn render_failure(&self, ending: &str) -> String {
        let mut text = String::new();
        for diagnostic in &self.0 {
            if diagnostic.is_error() {
                text.push_str("error: ");
            }
            text.push_str(&format!("{diagnostic}\n"));
        }
        let count = |count: usize, word: &str| if count == 1 { format!("1 {word}") } else { format!("{count} {word}s") };
        let warnings = self.len() - self.errors();
        let also = if warnings > 0 { format!(" (and {})", count(warnings, "warning")) } else { String::new() };
        text.push_str(&format!("error: {} found{also}{ending}", count(self.errors(), "problem")));
        text
    }

    /// `Ok(value)` when nothing was found, otherwise all problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
