"""The staff API against its own description (`/api/v1/openapi.json`), with schemathesis: requests
made up from the schema, valid and not, sent with the token of each role. No 5xx, every
documented response matches its schema, every route refuses a missing or wrong token.

`make fuzz` runs it with API_EXAMPLES examples per operation (the suite: 12).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.staff.conftest import StaffWeb

EXAMPLES = int(os.environ.get("API_EXAMPLES", "12"))
ROLES = ("agent", "manager", "admin")


@pytest.fixture
def staff_api(web_factory: Callable[..., StaffWeb]) -> Iterator[StaffWeb]:
    web = web_factory()
    for _ in range(3):  # a few complaints for the routes that take a reference
        web.register()
    yield web


def test_every_operation_with_each_role_no_5xx_and_responses_as_described(staff_api: StaffWeb) -> None:
    """Each operation in turn (schemathesis' pytest plug-in does not run on pytest 9: its cases are
    drawn here with hypothesis directly), positive and negative data."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", staff_api.app)
    seen: Counter[str] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
               | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            for role in ROLES:
                response = case.call(headers=staff_api.auth(role))
                seen[str(response.status_code)[0] + "xx"] += 1
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        run()
    print(f"schemathesis: {len(operations)} operations, {sum(seen.values())} calls, {dict(sorted(seen.items()))}")
    assert len(operations) >= 15 and seen["2xx"] > 0 and "5xx" not in seen


def test_every_operation_refuses_a_missing_or_wrong_token(staff_api: StaffWeb) -> None:
    paths = staff_api.client.get("/api/v1/openapi.json").json()["paths"]
    tried = 0
    for path, operations in paths.items():
        concrete = path.replace("{reference}", "IGR-2026-000001").replace("{email}", "agent@org.be")
        concrete = concrete.replace("{attachment_id}", "x").replace("{outbox_id}", "1")
        assert "{" not in concrete, path
        for method in operations:
            for headers in ({}, {"Authorization": "Bearer faux-jeton"}, {"Authorization": "Basic YTpi"}):
                response = staff_api.client.request(method.upper(), concrete, headers=headers)
                assert response.status_code == 401, (method, path, headers, response.status_code)
                assert response.json()["detail"]  # in French, for the staff member
                tried += 1
    assert tried >= 3 * 15  # every route of the API was tried, not a few
