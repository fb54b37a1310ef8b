//! Submits a certificate order (ssl `CertificateOrderSubmit`) and prints the response as JSON.
//!
//! ```sh
//! cargo run -p tcapi --features mock --example certificate_order_submit -- --cert-id Dsqef134 --mock
//! cargo run -p tcapi --features mock --example certificate_order_submit -- --cert-id Dsqef134 \
//!     [--verify-type DNS|FILE] [--delete-dns-auto-record] [--endpoint URL] [--region R]
//! ```
//!
//! Without `--mock`, credentials come from the default chain: `TENCENTCLOUD_SECRET_ID`,
//! `TENCENTCLOUD_SECRET_KEY` and `TENCENTCLOUD_TOKEN`; then the profile file
//! (`TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`, a `role_arn` in it
//! assumed through STS); then TKE OIDC (`TKE_REGION`, `TKE_PROVIDER_ID`,
//! `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN`); then the CVM instance's role from the metadata
//! service. `TENCENTCLOUD_STS_ENDPOINT` and `TENCENTCLOUD_METADATA_ENDPOINT` point those at other
//! hosts. The region comes from `--region` or `TENCENTCLOUD_REGION`. With `--mock`, the built-in mock server starts
//! on 127.0.0.1 with the example credentials of the TC3 reference and checks the signature of the
//! real request it receives.
//!
//! On success the response is printed as JSON on stdout and the exit code is 0; on failure one
//! line `error: ...` goes to stderr and the exit code is 1 (2 for invalid arguments).

use std::process::ExitCode;

use clap::Parser;
use tcapi::ConfigBuilder;
use tcapi::ssl::{self, VerifyType};
use tcapi_runtime::mock::MockServer;

/// Submit a certificate order (ssl CertificateOrderSubmit) and print the response as JSON.
#[derive(Debug, Parser)]
#[command(name = "certificate_order_submit")]
struct Args {
    /// The ID of the paid certificate whose materials are submitted.
    #[arg(long, value_name = "ID")]
    cert_id: String,
    /// How the certificate authority validates the domain.
    #[arg(long, value_name = "TYPE", value_parser = ["DNS", "FILE"])]
    verify_type: Option<String>,
    /// Delete the DNS record added for automatic validation.
    #[arg(long)]
    delete_dns_auto_record: bool,
    /// Send to this URL instead of ssl.intl.tencentcloudapi.com (`https://host[:port]` or `http://host:port`).
    #[arg(long, value_name = "URL", conflicts_with = "mock")]
    endpoint: Option<String>,
    /// The region sent as X-TC-Region (default: TENCENTCLOUD_REGION, else none).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Start the built-in mock server on 127.0.0.1 and send the request there, with example credentials.
    #[arg(long)]
    mock: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(format!("cannot start the async runtime: {error}")),
    };
    match runtime.block_on(submit(args)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// Sends the request and returns the response as pretty JSON, or the one-line error.
async fn submit(args: Args) -> Result<String, String> {
    // The server stays up until the call is done: dropping it stops it.
    let (mut builder, _mock_server) = if args.mock {
        // The builder's default credentials are the reference's example ones.
        let server = MockServer::builder()
            .actions(ssl::ACTIONS)
            .examples(ssl::EXAMPLES)
            .start()
            .await
            .map_err(|error| format!("cannot start the mock server: {error}"))?;
        (server.config_builder(), Some(server))
    } else {
        (ConfigBuilder::from_env(), None)
    };
    if let Some(endpoint) = args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    let client = ssl::Client::new(builder.build().map_err(|error| error.to_string())?);

    let mut call = client.certificate_order_submit().cert_id(args.cert_id);
    if let Some(verify_type) = args.verify_type {
        call = call.verify_type(VerifyType::from_wire_value(&verify_type));
    }
    if args.delete_dns_auto_record {
        call = call.delete_dns_auto_record(true);
    }
    let response = call.send().await.map_err(|error| error.to_string())?;
    serde_json::to_string_pretty(&response).map_err(|error| format!("cannot print the response: {error}"))
}
