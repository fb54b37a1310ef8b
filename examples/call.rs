//! Calls any action of any service and version with a JSON body, and prints the `Response`
//! object as JSON: the generic call, for what tcapi does not generate yet.
//!
//! ```sh
//! cargo run -p tcapi --example call -- --service cvm --version 2017-03-12 --action DescribeZones \
//!     --region ap-singapore --body '{"Product":"cvm"}' [--endpoint URL] [--mock]
//! ```
//!
//! The endpoint is `<service>.intl.tencentcloudapi.com` unless `--endpoint` says otherwise. Without
//! `--mock`, credentials come from the default chain (environment, profile file, TKE OIDC, CVM
//! role) and the region from `--region` or `TENCENTCLOUD_REGION`. With `--mock`, the built-in mock
//! server starts on 127.0.0.1 with the TC3 reference's example credentials, checks the signature
//! of the real request and answers with the action's documented example when this build has its
//! service (else an empty success). On success the JSON goes to stdout and the exit code is 0; on
//! failure one line `error: ...` goes to stderr and the exit code is 1 (2 for invalid arguments).

use std::process::ExitCode;

use clap::Parser;
use tcapi::runtime::mock::MockServer;
use tcapi::{CommonErrorCode, ConfigBuilder, JsonCall};

/// Call any Tencent Cloud API action with a JSON body and print the response as JSON.
#[derive(Debug, Parser)]
#[command(name = "call")]
struct Args {
    /// The service's short name (`cvm`).
    #[arg(long)]
    service: String,
    /// The API version (`2017-03-12`).
    #[arg(long)]
    version: String,
    /// The action (`DescribeZones`).
    #[arg(long)]
    action: String,
    /// The region sent as X-TC-Region (default: TENCENTCLOUD_REGION, else none).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The request's parameters, a JSON object.
    #[arg(long, default_value = "{}")]
    body: String,
    /// Send to this URL instead of the service's host (`https://host[:port]` or `http://host:port`).
    #[arg(long, value_name = "URL", conflicts_with = "mock")]
    endpoint: Option<String>,
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
    match runtime.block_on(call(args)) {
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

/// Sends the call and returns the response as pretty JSON, or the one-line error.
async fn call(args: Args) -> Result<String, String> {
    let body: serde_json::Value =
        serde_json::from_str(&args.body).map_err(|error| format!("--body is not JSON: {error}"))?;
    // The server stays up until the call is done: dropping it stops it.
    let (mut builder, _mock_server) = if args.mock {
        let server = MockServer::builder()
            .services(tcapi::SERVICES)
            .any_action()
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
    let client = tcapi::Client::new(builder.build().map_err(|error| error.to_string())?);
    let call = JsonCall { service: &args.service, version: &args.version, action: &args.action };
    let response = client.call_json::<CommonErrorCode>(&call, &body).await.map_err(|error| error.to_string())?;
    serde_json::to_string_pretty(&response).map_err(|error| format!("cannot print the response: {error}"))
}
