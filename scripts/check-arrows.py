#!/usr/bin/env python3
"""Fails if a dependency arrow crosses roles or leaves the pure core (ARCHITECTURE.md, "Targets and arrows").

Reads the package's own description (`swift package dump-package`) and follows every target's dependencies
through the package's targets, collecting the external products each one links. Run by scripts/test.
"""
import json
import subprocess
import sys

# Target -> what its closure must never contain (targets of this package or products of others).
FORBIDDEN = {
    # Pure: no storage, no network, no web.
    "TambonCore": {"GRDB", "Hummingbird", "AsyncHTTPClient", "NIOPosix", "NIOSSL", "PostgresNIO"},
    "TambonOSS": {"GRDB", "Hummingbird", "AsyncHTTPClient", "NIOPosix", "NIOSSL", "TambonStore", "PostgresNIO"},
    "TambonProtocol": {"GRDB", "Hummingbird", "AsyncHTTPClient", "NIOPosix", "NIOSSL", "TambonStore"},
    # Codes draw images: no storage, no network, no web.
    "TambonCodes": {"GRDB", "Hummingbird", "AsyncHTTPClient", "NIOPosix", "NIOSSL", "TambonStore"},
    # The e-CMS exchange reads and writes bytes only.
    "TambonECMS": {"GRDB", "Hummingbird", "AsyncHTTPClient", "NIOPosix", "NIOSSL", "TambonStore"},
    # The survey app is files and their routes: no storage, no client, none of the node's or the hub's code.
    "TambonSurveyApp": {"GRDB", "AsyncHTTPClient", "TambonStore", "TambonSync", "TambonWeb", "TambonHub"},
    # The store hands out no web or network.
    "TambonStore": {"Hummingbird", "AsyncHTTPClient", "TambonProtocol", "TambonOffice", "PostgresNIO", "TambonPostgres"},
    # The hub's PostgreSQL backend is storage: no web, no network client, no domain above the store.
    "TambonPostgres": {"Hummingbird", "AsyncHTTPClient", "TambonProtocol", "TambonOffice", "TambonHub", "TambonWeb", "TambonSync"},
    # The hub links no HTTP client and none of the node's code.
    "TambonHub": {"AsyncHTTPClient", "TambonSync", "TambonServer", "TambonWeb"},
    "TambonReports": {"AsyncHTTPClient", "TambonSync", "TambonServer", "TambonWeb", "TambonHub"},
    # The node links none of the hub's code.
    "TambonSync": {"TambonHub", "TambonReports", "Hummingbird"},
    "TambonServer": {"TambonHub", "TambonReports"},
    "TambonWeb": {"TambonHub", "TambonReports", "AsyncHTTPClient"},
    "TambonWebKit": {"TambonHub", "TambonReports", "TambonWeb", "TambonSync", "AsyncHTTPClient"},
}


def closure(targets, name):
    seen, products, stack = set(), set(), [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for dependency in targets[current]["dependencies"]:
            if "byName" in dependency:
                stack.append(dependency["byName"][0])
            elif "target" in dependency:
                stack.append(dependency["target"][0])
            elif "product" in dependency:
                products.add(dependency["product"][0])
    return (seen - {name}) | products


def main():
    description = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    targets = {target["name"]: target for target in description["targets"]}
    failures = []
    for name, forbidden in FORBIDDEN.items():
        if name not in targets:
            failures.append(f"{name}: no such target (update scripts/check-arrows.py with the layout)")
            continue
        for bad in sorted(closure(targets, name) & forbidden):
            failures.append(f"{name} depends on {bad}, against the layout in ARCHITECTURE.md")
    if failures:
        print("\n".join("check-arrows: " + failure for failure in failures), file=sys.stderr)
        sys.exit(1)
    print(f"check-arrows: {len(FORBIDDEN)} targets keep their arrows")


if __name__ == "__main__":
    main()
