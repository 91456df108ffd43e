#!/usr/bin/env bash
# Makes Tests/TambonCLITests/Fixtures/protocol1.tar.gz: a hub and an office node's data directories written by a
# build of protocol 1 (before the authority rules, commit dd7f0f2), for the upgrade test. Run once with that build:
#   git worktree add /tmp/old dd7f0f2 && (cd /tmp/old && swift build -c release --product tambon)
#   scripts/make-protocol1-fixture.sh /tmp/old/.build/release/tambon
# It holds: a synced application filed through the web API (its id the bare tracking code), synced records with
# bare ids, and two writes the hub never received (one namespaced, one with a bare id). The hub's TLS certificate
# is valid for 825 days from when the fixture was made: make it again before then (the test says so when it fails).
set -euo pipefail
old=${1:?usage: make-protocol1-fixture.sh PATH-TO-PROTOCOL-1-TAMBON}
out=$(cd "$(dirname "$0")/.." && pwd)/Tests/TambonCLITests/Fixtures/protocol1.tar.gz
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$old" hub init --data "$work/hub" --name "ศูนย์กลาง" >/dev/null
# A fixed port: the node keeps the hub's address, and the upgrade test serves the upgraded hub there again.
"$old" hub serve --data "$work/hub" --listen 127.0.0.1:18443 2>"$work/hub.log" &
for _ in $(seq 100); do grep -q 'address=' "$work/hub.log" && break; sleep 0.1; done
hub=$(grep -o 'address=https://[0-9.:]*' "$work/hub.log" | head -1 | cut -d= -f2)
token=$("$old" hub token --data "$work/hub" --office 6500101)
"$old" node init --data "$work/office" --office 6500101 --name "อบต.ทดสอบ" >/dev/null
"$old" node join --data "$work/office" --hub "$hub" --token "$token" --ca "$work/hub/hub-ca.pem" >/dev/null
echo "password of somsri" | "$old" node user add --data "$work/office" --name somsri --role officer --password-stdin >/dev/null

"$old" node serve --data "$work/office" --listen 127.0.0.1:0 2>"$work/node.log" &
node=$!
for _ in $(seq 100); do grep -q 'address=' "$work/node.log" && break; sleep 0.1; done
web=$(grep -o 'address=http://[0-9.:]*' "$work/node.log" | head -1 | cut -d= -f2)
curl -sf -H 'Content-Type: application/json' "$web/api/v1/applications" -d '{
  "service": "building-permit",
  "applicant": {"name": "นายสมชาย ใจดี", "national_id": "1234545678781", "phone": "0812345678", "address": "12 หมู่ 3 ต.แม่เหียะ"},
  "details": {"land_title": {"type": "chanote", "number": "4521"}, "building_use": "residence", "storeys": 2,
              "floor_area_m2": 120, "location": {"lat": 18.7605, "lon": 98.936}}}' >"$work/filed.json"
kill "$node"; wait "$node" 2>/dev/null || true
"$old" records put --data "$work/office" letters l-1 'subject="ขอเชิญประชุม"' >/dev/null
"$old" node sync --data "$work/office" 2>/dev/null
"$old" records put --data "$work/office" notes 6500101.n-1 x=1 >/dev/null
"$old" records put --data "$work/office" notes n-2 x=2 >/dev/null
kill %1; wait 2>/dev/null || true
cp "$work/filed.json" "$work/office/filed.json"
tar -C "$work" -czf "$out" hub office
echo "wrote $out ($(stat -c %s "$out") bytes); application $(grep -o '"tracking_code":"[A-Z0-9]*"' "$work/filed.json")"
