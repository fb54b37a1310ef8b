#!/usr/bin/env python3
"""The Python half of scripts/bench/compare.sh: times the official Tencent Cloud Python SDK
(tencentcloud-sdk-python-common and -ssl, versions pinned in compare.sh) on the same inputs as
runtime/benches/compare.rs and runtime/benches/loopback.rs, and prints one JSON object per
line.

  python_sdk.py micro --iterations N --repeats R [--only WORK]
  python_sdk.py load --endpoint http://127.0.0.1:PORT --requests N --concurrency C [--warmup W]

micro times, with timeit (a warm-up of N/10, then R repeats of N calls; median and minimum of the
repeats' per-call times):
  whole_call            SslClient.CertificateOrderSubmit with requests.Session.send stubbed to
                        return a canned 200 response: model, serialization, headers, TC3 signature,
                        requests' request preparation, the SDK's response checks and decoding;
  whole_call_adapter    the same with the stub one level lower, as a transport adapter mounted on
                        the session (requests.Session.send's own work is then measured too);
  build_sign_serialize  model, _serialize, RequestInternal and the SDK's _build_req_inter (headers,
                        json.dumps, TC3 signature);
  sign                  from the JSON body to the Authorization value, with the SDK's own
                        _get_tc3_signature (which calls Sign.sign_tc3);
  decode_success        json.loads + CertificateOrderSubmitResponse()._deserialize;
  decode_error          the SDK's _check_error on an error body (json.loads, raising
                        TencentCloudSDKException).
"""

import argparse
import itertools
import json
import os
import statistics
import sys
import threading
import time
import timeit
from datetime import datetime

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ssl.v20191205 import models, ssl_client

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "runtime", "benches", "data")
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
HOST = "ssl.intl.tencentcloudapi.com"


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


SUCCESS_BODY = read("success.json")
ERROR_BODY = read("error.json")


def make_client(endpoint=HOST, protocol="https"):
    http_profile = HttpProfile(protocol=protocol, endpoint=endpoint, reqMethod="POST")
    profile = ClientProfile(httpProfile=http_profile, language="en-US")
    return ssl_client.SslClient(credential.Credential(SECRET_ID, SECRET_KEY), "", profile)


def build_request():
    request = models.CertificateOrderSubmitRequest()
    request.CertId = "Dsqef134"
    request.DeleteDnsAutoRecord = 1
    request.VerifyType = "DNS"
    return request


def canned_response(body, request=None):
    response = requests.Response()
    response.status_code = 200
    response.reason = "OK"
    response.headers = CaseInsensitiveDict({"Content-Type": "application/json", "Content-Length": str(len(body))})
    response._content = body
    response.encoding = "utf-8"
    if request is not None:
        response.url = request.url
        response.request = request
    return response


class CannedAdapter(BaseAdapter):
    """A transport adapter that answers every request with a canned body."""

    def __init__(self, body):
        super().__init__()
        self.body = body

    def send(self, request, **kwargs):
        return canned_response(self.body, request)

    def close(self):
        pass


def whole_call_client(body, level):
    client = make_client()
    session = client.request.conn._session
    if level == "session":
        session.send = lambda request, **kwargs: canned_response(body, request)
    else:
        adapter = CannedAdapter(body)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return client


def micro(args):
    works = {}

    client = whole_call_client(SUCCESS_BODY, "session")
    assert client.CertificateOrderSubmit(build_request()).OrderId == "SO8zRv29"
    works["whole_call"] = (
        lambda: client.CertificateOrderSubmit(build_request()),
        "SslClient.CertificateOrderSubmit, requests.Session.send stubbed",
    )
    adapter_client = whole_call_client(SUCCESS_BODY, "adapter")
    assert adapter_client.CertificateOrderSubmit(build_request()).OrderId == "SO8zRv29"
    works["whole_call_adapter"] = (
        lambda: adapter_client.CertificateOrderSubmit(build_request()),
        "SslClient.CertificateOrderSubmit, transport adapter stubbed",
    )

    plain = make_client()

    def build_sign_serialize():
        params = build_request()._serialize()
        request = RequestInternal(plain._get_endpoint(), "POST", "/", header={})
        plain._build_req_inter("CertificateOrderSubmit", params, request)
        return request

    works["build_sign_serialize"] = (build_sign_serialize, "model, _serialize, _build_req_inter (TC3)")

    params = build_request()._serialize()
    signing_request = RequestInternal(HOST, "POST", "/", header={})
    signing_request.header["Content-Type"] = "application/json"
    signing_request.header["Host"] = HOST
    signing_request.data = json.dumps(params)
    timestamp = int(time.time())
    signing_request.header["X-TC-Timestamp"] = str(timestamp)

    def sign():
        date = datetime.utcfromtimestamp(timestamp).strftime("%Y-%m-%d")
        signature = plain._get_tc3_signature(params, signing_request, date, "ssl", SECRET_KEY)
        return (
            "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=content-type;host, Signature=%s"
            % (SECRET_ID, date, "ssl", signature)
        )

    works["sign"] = (sign, "date, _get_tc3_signature (Sign.sign_tc3), Authorization")

    def decode_success():
        model = models.CertificateOrderSubmitResponse()
        model._deserialize(json.loads(SUCCESS_BODY)["Response"])
        return model

    assert decode_success().Status == 8
    works["decode_success"] = (decode_success, "json.loads + CertificateOrderSubmitResponse._deserialize")

    error_response = canned_response(ERROR_BODY)

    def decode_error():
        try:
            plain._check_error(error_response)
        except TencentCloudSDKException as error:
            return error
        raise AssertionError("the error body was not an error")

    assert decode_error().code == "FailedOperation.CertificateNotFound"
    works["decode_error"] = (decode_error, "AbstractClient._check_error (json.loads, exception)")

    for name, (work, description) in works.items():
        if args.only and args.only != name:
            continue
        timer = timeit.Timer(work)
        timer.timeit(number=max(args.iterations // 10, 1))
        totals = timer.repeat(repeat=args.repeats, number=args.iterations)
        per_call = sorted(total / args.iterations * 1e9 for total in totals)
        print(
            json.dumps(
                {
                    "side": "python",
                    "work": name,
                    "median_ns": round(statistics.median(per_call), 1),
                    "min_ns": round(per_call[0], 1),
                    "iterations": args.iterations,
                    "repeats": args.repeats,
                    "description": description,
                }
            ),
            flush=True,
        )


def load(args):
    endpoint = args.endpoint
    if endpoint.startswith("http://"):
        endpoint = endpoint[len("http://"):]
    endpoint = endpoint.rstrip("/")
    local = threading.local()

    def client():
        # One SDK client (one requests.Session, one connection) per thread.
        if not hasattr(local, "client"):
            local.client = make_client(endpoint=endpoint, protocol="http")
        return local.client

    def run(total):
        counter = itertools.count()
        latencies = []
        errors = [0]
        lock = threading.Lock()

        def worker():
            mine = []
            failed = 0
            sdk = client()
            while next(counter) < total:
                started = time.perf_counter()
                try:
                    sdk.CertificateOrderSubmit(build_request())
                except TencentCloudSDKException as error:
                    failed += 1
                    if failed == 1:
                        print("python load: %s" % error, file=sys.stderr)
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)
                errors[0] += failed

        threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies, errors[0]

    run(args.warmup)
    started = time.perf_counter()
    latencies, errors = run(args.requests)
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        index = min(max(int(-(-len(latencies) * p // 1)), 1), len(latencies)) - 1
        return latencies[index]

    print(
        json.dumps(
            {
                "side": "python",
                "requests": args.requests,
                "concurrency": args.concurrency,
                "errors": errors,
                "seconds": round(elapsed, 3),
                "rps": round(args.requests / elapsed, 1),
                "p50_ms": round(percentile(0.50) * 1000, 3),
                "p99_ms": round(percentile(0.99) * 1000, 3),
            }
        ),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    micro_parser = commands.add_parser("micro")
    micro_parser.add_argument("--iterations", type=int, default=20000)
    micro_parser.add_argument("--repeats", type=int, default=5)
    micro_parser.add_argument("--only")
    load_parser = commands.add_parser("load")
    load_parser.add_argument("--endpoint", required=True)
    load_parser.add_argument("--requests", type=int, default=10000)
    load_parser.add_argument("--concurrency", type=int, default=8)
    load_parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args()
    if args.command == "micro":
        micro(args)
    else:
        load(args)


if __name__ == "__main__":
    main()
