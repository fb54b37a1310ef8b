//! The hand-written runtime every generated action calls into.
//!
//! One module, one job: [`action`] (the contract with generated code), [`config`] (settings),
//! [`credentials`] (where secrets come from), [`sign`] (TC3-HMAC-SHA256), [`transport`] (HTTP),
//! `decode` (reading responses, private), [`rate_limit`] (pacing), [`retry`] (what is retried),
//! [`client`] (the send path), [`error`] (what can go wrong), [`wire`] (serde adapters) and,
//! behind the `mock` feature, `mock` (a test server that verifies signatures).

pub mod action;
pub mod client;
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
pub mod transport;
pub mod wire;

pub use action::{Action, ActionInfo, ErrorCode, ExampleInfo, ServiceInfo};
pub use client::Client;
pub use config::{Config, ConfigBuilder, Endpoint, Language, Site};
pub use credentials::{
    AssumeRoleCredentials, CachedCredentials, Credentials, CredentialsChain, CredentialsError, CredentialsFuture,
    CvmRoleCredentials, EnvCredentials, Environment, ProfileCredentials, ProvideCredentials, WebIdentityCredentials,
};
pub use decode::decode_response;
pub use error::{BuildError, ConfigError, Error, ServiceError};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use transport::{HttpTransport, ReqwestTransport, TransportError, TransportFuture};
