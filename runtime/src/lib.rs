//! The hand-written runtime of `tcapi`: every generated action calls into it.
//!
//! Users depend on `tcapi`, which re-exports what they use from here. One module, one job:
//! [`action`] (the contract with generated code), [`codes`] (error-code facts and enums),
//! [`wire`] (reading and writing the API's JSON, with error correction), [`config`] (settings),
//! [`credentials`] (where secrets come from), [`sign`] (TC3-HMAC-SHA256), [`verify`] (checking
//! signatures, written apart from the signer), [`transport`] (HTTP), `decode` (reading
//! responses, private), [`rate_limit`] (pacing), [`retry`] (what is retried), [`client`] (the send
//! path), [`paginate`] (walking pages), [`error`] (what can go wrong) and, behind the `mock`
//! feature, [`mock`] (a test server that verifies signatures).

// `#[derive(Wire)]` names the runtime `::tcapi_runtime`, in its unit tests too.
#[cfg(test)]
extern crate self as tcapi_runtime;

pub mod action;
pub mod call;
pub mod client;
pub mod codes;
pub mod config;
pub mod credentials;
mod decode;
pub mod error;
#[cfg(feature = "mock")]
pub mod mock;
pub mod paginate;
pub mod rate_limit;
pub mod retry;
pub mod sign;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;
pub mod verify;
pub mod wire;

pub use action::{Action, ActionInfo, ErrorCode, ExampleInfo, ServiceInfo};
pub use client::Client;
pub use codes::CodeFacts;
pub use config::{Config, ConfigBuilder, Endpoint, Language, Site};
pub use credentials::{
    AssumeRoleCredentials, CachedCredentials, Credentials, CredentialsChain, CredentialsError, CredentialsFuture,
    CvmRoleCredentials, EnvCredentials, Environment, ProfileCredentials, ProvideCredentials, WebIdentityCredentials,
};
pub use decode::{decode_response, decode_response_with};
pub use error::{BuildError, ConfigError, Error, Result, ServiceError};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
/// Generated structures derive it: see [`wire`].
pub use tcapi_derive::Wire;
pub use transport::{HttpTransport, ReqwestTransport, TransportError, TransportFuture};
pub use wire::{Correction, CorrectionKind, Corrections};

/// The serde the generated code and the derive use, so that `tcapi` needs no serde of its own.
#[doc(hidden)]
pub use serde;
