//! Sends N `CertificateOrderSubmit` calls through one client and prints the achieved rate,
//! p50/p99 latency and errors by kind.
//!
//! ```sh
//! cargo run --release -p tcapi --features mock --example load -- --mock --requests 100 --concurrency 50
//! cargo run --release -p tcapi --features mock --example load -- --endpoint URL --requests N --concurrency C [--no-rate-limit]
//! ```
//!
//! With `--endpoint`, credentials come from the default chain (environment, then
//! `~/.tencentcloud/credentials`); with `--mock`, the built-in mock server starts on 127.0.0.1
//! with the example credentials. The client paces calls to the spec's 10 requests per second
//! unless `--no-rate-limit` is given. Exits 0 when every call succeeded, 1 otherwise.

mod driver;

use std::process::ExitCode;

use clap::Parser;
use tcapi::ssl::{self, CertificateOrderSubmitRequest, VerifyType};
use tcapi::{ConfigBuilder, RateLimit};
use tcapi_runtime::mock::MockServer;

/// Send N CertificateOrderSubmit calls through one client and report rate, latency and errors.
#[derive(Debug, Parser)]
#[command(name = "load")]
struct Args {
    /// The endpoint to load (`https://host[:port]` or `http://host:port`).
    #[arg(long, value_name = "URL", required_unless_present = "mock", conflicts_with = "mock")]
    endpoint: Option<String>,
    /// Start the built-in mock server on 127.0.0.1 and load it, with example credentials.
    #[arg(long)]
    mock: bool,
    /// How many calls to make.
    #[arg(long, value_name = "N", default_value_t = 100)]
    requests: usize,
    /// How many calls are in flight at once.
    #[arg(long, value_name = "C", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// Turn the client-side rate limit (10/s for this action) off.
    #[arg(long)]
    no_rate_limit: bool,
    /// The certificate ID every call submits.
    #[arg(long, value_name = "ID", default_value = "Dsqef134")]
    cert_id: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    match runtime.block_on(load(args)) {
        Ok(report) => {
            println!("{report}");
            if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn load(args: Args) -> Result<driver::Report, String> {
    // The server stays up until the run is done: dropping it stops it.
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
    if let Some(endpoint) = &args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if args.no_rate_limit {
        builder = builder.rate_limit(RateLimit::Disabled);
    }
    let client = ssl::Client::new(builder.build().map_err(|error| error.to_string())?);
    let request = CertificateOrderSubmitRequest::builder()
        .cert_id(args.cert_id)
        .verify_type(VerifyType::Dns)
        .build()
        .map_err(|error| error.to_string())?;
    let endpoint = client.runtime().config().endpoint_for(&ssl::SERVICE).map_err(|error| error.to_string())?;
    let limit = match ssl::CERTIFICATE_ORDER_SUBMIT_INFO.rate_limit {
        Some(per_second) if !args.no_rate_limit => format!("{per_second}/s (the spec's)"),
        _ => "off".to_owned(),
    };
    println!(
        "loading {endpoint} with {} CertificateOrderSubmit calls, {} at a time, rate limit {limit}",
        args.requests, args.concurrency
    );
    Ok(driver::run(&client, &request, args.requests, usize::from(args.concurrency)).await)
}
