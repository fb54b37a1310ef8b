//! Uses the generated crate the way a user's crate would: builds a request with the generated
//! builder, prints its wire JSON, and names the typed error code of a documented error.

use tcapi::runtime::ErrorCode as _;
use tcapi::ssl::{CertificateOrderSubmitErrorCode, CertificateOrderSubmitRequest, VerifyType};

fn main() {
    let request = CertificateOrderSubmitRequest::builder()
        .cert_id("Dsqef134")
        .verify_type(VerifyType::Dns)
        .delete_dns_auto_record(true)
        .build();
    match request {
        Ok(request) => println!("{}", serde_json::to_string(&request).unwrap_or_default()),
        Err(error) => eprintln!("{error}"),
    }
    println!("{}", CertificateOrderSubmitErrorCode::from_code("FailedOperation.CertificateNotFound"));
}
