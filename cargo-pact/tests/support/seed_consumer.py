"""The seed's consumer test, on the seed's own stack (pact-python 2.x and its Ruby mock
service): writes `consumer-provider.json` (a V2 pact with a lower-case method and
`providerState`) into the directory given as the first argument.

Run by cargo-pact/tests/cli.rs with pact-python 2.x on PYTHONPATH.
"""

import json
import sys
import urllib.request

from pact import Consumer, Like, Provider

pact_dir = sys.argv[1]
pact = Consumer("Consumer").has_pact_with(
    Provider("Provider"), pact_dir=pact_dir, log_dir=pact_dir, port=int(sys.argv[2])
)
pact.start_service()
try:
    (
        pact.given("build 3455 exists")
        .upon_receiving("a request for build 3455")
        .with_request("get", "/builds/3455", headers={"Accept": "application/json"})
        .will_respond_with(
            200,
            body={
                "name": Like("#3455"),
                "completed": Like(True),
                "info": {"build_time": Like(123), "started_by": Like("ci")},
            },
        )
    )
    with pact:
        request = urllib.request.Request(
            f"{pact.uri}/builds/3455", headers={"Accept": "application/json"}
        )
        with urllib.request.urlopen(request) as response:
            build = json.load(response)
            assert build["name"] == "#3455", build
finally:
    pact.stop_service()
