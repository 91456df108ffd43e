#!/usr/bin/env python3
"""Validates sync-protocol/examples/*.json and every change in sync-protocol/test-vectors/ against the JSON Schemas
in sync-protocol/schemas/. Run by scripts/test; needs the `jsonschema` package (scripts/test installs it)."""
import json
import os
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sync-protocol")
schemas = {}
for name in sorted(os.listdir(os.path.join(root, "schemas"))):
    with open(os.path.join(root, "schemas", name), encoding="utf-8") as f:
        schemas[name] = json.load(f)
registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
for schema in schemas.values():
    Draft202012Validator.check_schema(schema)

def validator(name):
    return Draft202012Validator(schemas[name], registry=registry)

checked, failures = 0, 0
def check(name, value, where):
    global checked, failures
    checked += 1
    errors = sorted(validator(name).iter_errors(value), key=lambda e: e.path)
    for error in errors[:3]:
        failures += 1
        print(f"FAIL {where}: {'/'.join(map(str, error.path))}: {error.message}")

for example in sorted(os.listdir(os.path.join(root, "examples"))):
    with open(os.path.join(root, "examples", example), encoding="utf-8") as f:
        value = json.load(f)
    base = example[:-len(".json")]
    schema = next(s for s in (base + ".schema.json", base.rsplit("-", 1)[0] + ".schema.json") if s in schemas)
    check(schema, value, "examples/" + example)

vectors = os.path.join(root, "test-vectors")
with open(os.path.join(vectors, "changes.json"), encoding="utf-8") as f:
    for entry in json.load(f)["changes"]:
        check("change.schema.json", entry["change"], "test-vectors/changes.json")
with open(os.path.join(vectors, "merge.json"), encoding="utf-8") as f:
    for change in json.load(f)["changes"]:
        check("change.schema.json", change, "test-vectors/merge.json")
with open(os.path.join(vectors, "authority.json"), encoding="utf-8") as f:
    for vector in json.load(f)["vectors"]:
        check("change.schema.json", vector["change"], "test-vectors/authority.json")

# A schema that accepts everything checks nothing: each must refuse an obviously wrong message.
for name, schema in schemas.items():
    if validator(name).is_valid({"unexpected": True}):
        failures += 1
        print(f"FAIL {name} accepts an arbitrary object")

# The OpenAPI 3.1 documents: their schemas are JSON Schema 2020-12 and each describes every contract path.
def hub_examples(components):
    """The hub's report accepts a row as the hub writes it and refuses one carrying personal data."""
    defs = json.loads(json.dumps(components).replace("#/components/schemas/", "#/$defs/"))
    report = dict(defs["Report"], **{"$defs": defs})
    example = {"rows": [{"office": "6500101", "service": "food-certificate", "status": "approved", "count": 1, "overdue": 0,
                         "median_days_to_decision": 2, "data_as_of": "2026-11-26T09:00:00+07:00"}]}
    Draft202012Validator(report).validate(example)
    assert not Draft202012Validator(report).is_valid({"rows": [{"office": "6500101", "national_id": "1234545678781"}]})


documents = {
    "tambon-node.openapi.json": ({"/api/v1/session", "/api/v1/applications", "/api/v1/applications/{id}", "/api/v1/applications/{id}/actions",
                                  "/api/v1/applications/{id}/attachments", "/api/v1/attachments/{sha256}", "/api/v1/track/{tracking_code}"}, None),
    "tambon-hub.openapi.json": ({"/api/v1/session", "/api/v1/reports/applications", "/api/v1/reports/sites.geojson"}, hub_examples),
}
for document, (contract, examples) in documents.items():
    with open(os.path.join(root, "..", "openapi", document), encoding="utf-8") as f:
        openapi = json.load(f)
    checked += 1
    try:
        assert openapi["openapi"].startswith("3.1")
        for name, schema in openapi["components"]["schemas"].items():
            Draft202012Validator.check_schema(schema)
        missing = contract - set(openapi["paths"])
        assert not missing, f"paths missing: {sorted(missing)}"
        if examples:
            examples(openapi["components"]["schemas"])
    except Exception as error:  # noqa: BLE001 — report and count, like the other checks
        failures += 1
        print(f"FAIL openapi/{document}: {error}")

print(f"schemas: {checked - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
