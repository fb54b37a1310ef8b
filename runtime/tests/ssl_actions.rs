//! Generated ssl actions end to end over loopback, against the built-in mock server (which checks
//! every signature): an action with nested structures in its request and response, one with
//! lists, a paginator walking several pages, and actions alternating on one client.

use futures_util::StreamExt;
use tcapi::ssl::{self, ResourceTypeRegions, Tags};
use tcapi::{Config, RateLimit};
use tcapi_runtime::mock::{MockServer, Reply, example_credentials};

async fn mock() -> MockServer {
    match MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await {
        Ok(server) => server,
        Err(error) => panic!("mock server failed to start: {error}"),
    }
}

fn client(server: &MockServer) -> ssl::Client {
    let config = Config::builder()
        .credentials(example_credentials())
        .endpoint(server.endpoint())
        .rate_limit(RateLimit::Disabled)
        .build();
    match config {
        Ok(config) => ssl::Client::new(config),
        Err(error) => panic!("config rejected: {error}"),
    }
}

fn received_json(server: &MockServer, index: usize) -> serde_json::Value {
    let requests = server.requests();
    assert!(requests[index].signature_valid, "the mock rejected the signature");
    serde_json::from_slice(&requests[index].body).unwrap_or_default()
}

#[tokio::test]
async fn nested_structures_travel_both_ways() {
    let server = mock().await;
    let response = client(&server)
        .update_certificate_instance()
        .old_certificate_id("gej**kkk")
        .certificate_id("Th**jj")
        .resource_types(["clb".to_owned()])
        .resource_types_regions([ResourceTypeRegions::default().resource_type("clb").regions(["ap-guangzhou"])])
        .tags([Tags::default().tag_key("team").tag_value("web")])
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => panic!("{error}"),
    };
    // The mock answers with the spec's example: a list of structures holding lists of structures.
    let progress = response.update_sync_progress.unwrap_or_default();
    assert_eq!(progress.len(), 1);
    assert_eq!(progress[0].resource_type.as_deref(), Some("clb"));
    let regions = progress[0].update_sync_progress_regions.clone().unwrap_or_default();
    assert_eq!(regions[0].region.as_deref(), Some("ap-guangzhou"));
    assert_eq!(response.request_id, "14727a68-3b90-4408-99c9-dea6d7de9456");
    assert_eq!(
        received_json(&server, 0),
        serde_json::json!({
            "OldCertificateId": "gej**kkk",
            "ResourceTypes": ["clb"],
            "CertificateId": "Th**jj",
            "ResourceTypesRegions": [{"ResourceType": "clb", "Regions": ["ap-guangzhou"]}],
            "Tags": [{"TagKey": "team", "TagValue": "web"}]
        })
    );
}

/// A client keeps each action's fixed headers after its first call; alternating actions must still
/// each send their own `X-TC-Action`, with a signature made for that request.
#[tokio::test]
async fn alternating_actions_on_one_client_each_send_their_own_headers() {
    let server = mock().await;
    let client = client(&server);
    for _ in 0..2 {
        if let Err(error) = client.describe_certificate().certificate_id("a1").send().await {
            panic!("DescribeCertificate failed: {error}");
        }
        if let Err(error) = client.certificate_order_submit().cert_id("c1").send().await {
            panic!("CertificateOrderSubmit failed: {error}");
        }
    }
    let requests = server.requests();
    let actions: Vec<&str> = requests.iter().map(|request| request.action.as_str()).collect();
    assert_eq!(
        actions,
        ["DescribeCertificate", "CertificateOrderSubmit", "DescribeCertificate", "CertificateOrderSubmit"]
    );
    assert!(requests.iter().all(|request| request.signature_valid), "the mock rejected a signature");
    assert_eq!(received_json(&server, 2), serde_json::json!({"CertificateId": "a1"}));
    assert_eq!(received_json(&server, 3), serde_json::json!({"CertId": "c1"}));
}

#[tokio::test]
async fn lists_of_primitives_and_of_structures_decode() {
    let server = mock().await;
    let response = client(&server)
        .describe_certificate_bind_resource_task_detail()
        .task_id("37710177")
        .resource_types(["clb".to_owned(), "cdn".to_owned()])
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => panic!("{error}"),
    };
    let clb = response.clb.unwrap_or_default();
    assert_eq!(clb.len(), 1);
    assert_eq!(clb[0].region, "ap-guangzhou");
    assert!(clb[0].instance_list.is_empty());
    assert_eq!(received_json(&server, 0)["ResourceTypes"], serde_json::json!(["clb", "cdn"]));
}

#[tokio::test]
async fn a_paginator_walks_every_page_through_the_stream() {
    let server = mock().await;
    let company = |id: i64| {
        serde_json::json!({
            "CompanyName": format!("company {id}"), "CompanyId": id, "CompanyCountry": "CN",
            "CompanyProvince": "GD", "CompanyCity": "SZ", "CompanyAddress": "road", "CompanyPhone": "1",
            "IdType": "OrganizationCode", "IdNumber": "n", "Tags": [{"TagKey": "k", "TagValue": "v"}]
        })
    };
    for page in [vec![1, 2], vec![3, 4], vec![5]] {
        let companies: Vec<_> = page.into_iter().map(company).collect();
        server.enqueue(Reply::Response(serde_json::json!({"Companies": companies, "TotalCount": 5})));
    }
    let items: Vec<_> = client(&server).describe_companies().limit(2).into_stream().collect().await;
    let ids: Vec<i64> = items
        .into_iter()
        .map(|item| match item {
            Ok(company) => company.company_id,
            Err(error) => panic!("{error}"),
        })
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    // The offsets the pages asked for (the first as the caller left it: unset, the server's 0), and
    // no request after the total was reached.
    let offsets: Vec<serde_json::Value> = (0..3).map(|index| received_json(&server, index)["Offset"].clone()).collect();
    assert_eq!(offsets, [serde_json::Value::Null, serde_json::json!(2), serde_json::json!(4)]);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_paginator_stops_at_the_first_error_and_yields_it() {
    let server = mock().await;
    server.enqueue(Reply::ServiceError { code: "FailedOperation".into(), message: "boom".into() });
    let items: Vec<_> = client(&server).describe_companies().into_stream().collect().await;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(tcapi::Error::Service(error)) if error.code == ssl::ErrorCode::FailedOperation));
}
