//! No secret in `Debug` output or in the tracing output of a failed call.
//!
//! Alone in its test binary: tracing caches per-callsite interest process-wide, so a thread-local
//! subscriber can miss spans that tests on other threads registered first.

mod runtime_common;

use std::sync::{Arc, Mutex};

use runtime_common::{CertificateOrderSubmitErrorCode as Code, client_for, request};
use tcapi_runtime::mock::Reply;
use tcapi_runtime::{Credentials, Error};

#[tokio::test]
async fn secrets_never_appear_in_debug_or_tracing_output() {
    use tracing_subscriber::fmt::format::FmtSpan;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    const KEY: &str = "super-secret-key-value";
    const TOKEN: &str = "super-secret-token-value";
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let credentials = Credentials::new("AKIDvisibleid", KEY).with_token(TOKEN);
    let server = runtime_common::mock_with_credentials(credentials.clone()).await;
    // Two rate-limit refusals then a non-retryable error: three attempts, a failed call.
    let client = client_for(&server, |builder| builder.credentials(credentials.clone()));
    server.enqueue(Reply::service_error("RequestLimitExceeded", "slow down"));
    server.enqueue(Reply::service_error("RequestLimitExceeded", "slow down"));
    server.enqueue(Reply::service_error("InternalError", "oops"));
    let result = client.send(&request()).await;
    assert!(matches!(&result, Err(Error::Service(e)) if e.code == Code::InternalError), "{result:?}");
    assert!(server.requests().iter().all(|request| request.signature_valid));

    let captured =
        String::from_utf8_lossy(&buffer.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned();
    assert!(captured.contains("tcapi.call"), "{captured}");
    assert!(captured.contains("tcapi.attempt"), "{captured}");
    assert!(captured.contains("CertificateOrderSubmit"), "{captured}");
    assert!(captured.contains("attempt=3"), "{captured}");
    assert!(captured.contains("attempts=3"), "{captured}");
    assert!(captured.contains("request_id="), "{captured}");
    for secret in [KEY, TOKEN, "TC3-HMAC-SHA256", "Signature="] {
        assert!(!captured.contains(secret), "{secret} leaked into tracing output:\n{captured}");
    }
    let debug = format!("{client:?} {:?} {credentials:?} {result:?}", client.config());
    assert!(debug.contains("AKIDvisibleid"));
    for secret in [KEY, TOKEN] {
        assert!(!debug.contains(secret), "{secret} leaked into Debug output: {debug}");
    }
}
