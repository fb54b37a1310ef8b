//! The name table: every Rust item, file and cargo feature the emitters will produce is claimed in
//! the namespace of its scope before anything is emitted. A second claim of a name is a clash,
//! reported at the spec location that made it, with what it clashes with; so whatever validates
//! also compiles, and emitters never meet a name nobody registered.

use std::collections::HashMap;

use crate::location::NodePath;

/// Who holds a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// An item made from the spec, at this place (`actions.Send`), described for messages
    /// (`the method of action `Send``).
    Spec { path: NodePath, description: String },
    /// An item every generated scope of this kind has, or a name the language or cargo reserves.
    Reserved(&'static str),
}

impl Owner {
    fn describe(&self) -> &str {
        match self {
            Owner::Spec { description, .. } => description,
            Owner::Reserved(why) => why,
        }
    }
}

/// A second claim of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The name claimed twice.
    pub name: String,
    /// What the claimant would make of it (`the method`).
    pub item: String,
    /// The scope (`of the service's `Client``).
    pub scope: &'static str,
    /// Who holds it already.
    pub holder: Owner,
}

impl Clash {
    /// `action `Send` makes the method `send` of the service's `Client`, which is already a
    /// method every service client has`.
    pub fn message(&self, claimant: &str) -> String {
        format!(
            "{claimant} makes {} `{}` {}, which is already {}",
            self.item,
            self.name,
            self.scope,
            self.holder.describe()
        )
    }
}

/// The names of one scope: a module's types, a type's methods, a directory's files.
#[derive(Debug, Clone)]
pub struct Namespace {
    scope: &'static str,
    names: HashMap<String, Owner>,
}

impl Namespace {
    /// An empty namespace; `scope` names it in messages.
    pub fn new(scope: &'static str) -> Self {
        Namespace { scope, names: HashMap::new() }
    }

    /// A namespace holding `reserved` already, each for the reason `why`.
    pub fn with_reserved(scope: &'static str, reserved: &[&str], why: &'static str) -> Self {
        let mut namespace = Namespace::new(scope);
        namespace.reserve(reserved, why);
        namespace
    }

    /// Reserves `names` for the reason `why` (names reserved twice keep the first reason).
    pub fn reserve(&mut self, names: &[&str], why: &'static str) {
        for name in names {
            self.names.entry((*name).to_owned()).or_insert(Owner::Reserved(why));
        }
    }

    /// Claims `name` (`item` says what it is: `the method`) for `owner`; a name held already is
    /// a [`Clash`].
    pub fn claim(&mut self, name: &str, item: &str, owner: Owner) -> Result<(), Clash> {
        match self.names.get(name) {
            Some(holder) => {
                Err(Clash { name: name.to_owned(), item: item.to_owned(), scope: self.scope, holder: holder.clone() })
            }
            None => {
                self.names.insert(name.to_owned(), owner);
                Ok(())
            }
        }
    }

    /// Whether `name` is held.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
}

/// The methods every service client has.
pub const CLIENT_METHODS: &[&str] = &["new", "from_runtime", "runtime", "send", "clone", "clone_from", "fmt"];

/// The methods every request builder has besides its setters.
pub const BUILDER_METHODS: &[&str] =
    &["build", "build_with_client", "send", "into_stream", "with_client", "clone", "clone_from", "fmt"];

/// The methods of a structure with setters besides them (its traits' methods).
pub const STRUCTURE_METHODS: &[&str] =
    &["default", "clone", "clone_from", "fmt", "eq", "ne", "serialize", "deserialize", "builder"];

/// The items every service module has in the type namespace.
pub const SERVICE_TYPES: &[&str] = &["Client", "ErrorCode"];

/// The items every service module has in the value namespace.
pub const SERVICE_VALUES: &[&str] = &["SERVICE", "ACTIONS", "EXAMPLES"];

/// The modules and files every service module has.
pub const SERVICE_FILES: &[&str] = &["mod", "types", "errors", "examples", "tests"];

/// The members every response has besides its fields.
pub const RESPONSE_MEMBERS: &[&str] = &["request_id", "corrections"];

/// The variants every enum has besides the listed ones, and its associated items.
pub const ENUM_VARIANTS: &[&str] = &["Unknown", "KNOWN"];

/// Names at the root of the generated crate (`tcapi::runtime`, `tcapi::Config`, ...) and paths
/// generated code starts from, which no service module may take.
pub const CRATE_ROOT_MODULES: &[&str] =
    &["runtime", "common_errors", "std", "core", "alloc", "serde", "tcapi", "tcapi_runtime", "lib", "main"];
