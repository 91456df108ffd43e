#!/usr/bin/env python3
"""The survey app in a real browser (Debian's headless Chromium, driven over the DevTools protocol): a phone enrols
from the hub's own page, goes offline and reloads (the service worker serves the app), records an inspection with an
emulated position and a photo, is closed and opened again, comes back online and syncs; the office node then holds
the inspection and the photo, and approves. It also checks the budgets of issue 16 and prints them.

    scripts/test-app --bin .build/debug/tambon          # scripts/test runs it

Exit status 0 only if every check passed. Uses only the standard library (scripts/devtools.py).
"""
import argparse, base64, gzip, html, json, os, re, shutil, socket, ssl, subprocess, sys, tempfile, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devtools import Browser  # noqa: E402

OFFICE = "6500101"
FAILURES = []
SHOTS = None


def shot(page, name):
    """A phone-size screenshot of the screen as it is, when --shots is given."""
    if SHOTS:
        time.sleep(0.3)
        with open(os.path.join(SHOTS, name + ".png"), "wb") as f:
            f.write(base64.b64decode(page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]))


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tambon … serve` as a subprocess; its address read from its log line."""

    def __init__(self, bin, args, env=None):
        self.process = subprocess.Popen([bin] + args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                        env=None if env is None else {**os.environ, **env})
        deadline = time.time() + 20
        self.url = None
        while time.time() < deadline and self.url is None:
            line = self.process.stderr.readline()
            if "address=" in line:
                self.url = line.split("address=")[1].split()[0].strip('"')
        if self.url is None:
            raise SystemExit(f"error: {' '.join(args[:2])} did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def api(base, path, body=None, cookie=None, csrf=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), method="GET" if body is None else "POST")
    request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    if csrf:
        request.add_header("X-CSRF-Token", csrf)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--applications", type=int, default=50)
    parser.add_argument("--shots", help="a directory for phone-size screenshots of every screen (scripts/screenshots)")
    args = parser.parse_args()
    global SHOTS
    SHOTS = args.shots
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
    bin = os.path.abspath(args.bin)
    root = tempfile.mkdtemp(prefix="tambon-app-")
    run = lambda *a, **k: subprocess.run([bin] + list(a), check=True, capture_output=True, text=True, **k).stdout.strip()
    hub_dir, office_dir = os.path.join(root, "hub"), os.path.join(root, "office")
    hub_args = ["hub", "serve", "--data", hub_dir, "--listen", f"127.0.0.1:{free_port()}"]
    run("hub", "init", "--data", hub_dir)
    # The hub serves the app from a copy of its files, so the test can publish a new version of it.
    app_dir = os.path.join(root, "app")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "TambonSurveyApp", "app"), app_dir)
    hub_env = {"TAMBON_SURVEY_APP_DIR": app_dir}
    hub = Server(bin, hub_args, hub_env)
    office = None
    browser = None
    try:
        run("node", "init", "--data", office_dir, "--office", OFFICE)
        run("node", "join", "--data", office_dir, "--hub", hub.url, "--token", run("hub", "token", "--data", hub_dir, "--office", OFFICE),
            "--ca", os.path.join(hub_dir, "hub-ca.pem"))
        for name, role in (("somsri", "officer"), ("chai", "surveyor"), ("dang", "surveyor"), ("nayok", "admin")):
            run("node", "user", "add", "--data", office_dir, "--name", name, "--role", role, "--password-stdin", input=f"password of {name}\n")
        office = Server(bin, ["node", "serve", "--data", office_dir, "--listen", "127.0.0.1:0"])
        status, headers, body = api(office.url, "/api/v1/session", {"username": "somsri", "password": "password of somsri"})
        cookie, csrf = headers["Set-Cookie"].split(";")[0], json.loads(body)["csrf_token"]
        ids = []
        for index in range(args.applications):
            status, _, body = api(office.url, "/api/v1/applications", {
                "service": "building-permit",
                "applicant": {"name": f"ผู้ยื่นคำขอ {index + 1}", "national_id": "3100600445635", "phone": "0812345678", "address": f"{index + 1} หมู่ 2 ต.แม่เหียะ"},
                "details": {"land_title": {"type": "chanote", "number": str(4500 + index)}, "building_use": "residence", "storeys": 1,
                            "floor_area_m2": 80 + index % 60, "location": {"lat": 18.76 + index / 1e4, "lon": 98.93}}})
            assert status == 201, body
            application = json.loads(body)["id"]
            for action in ({"action": "accept"}, {"action": "assign-inspection", "assignee": "chai"}):
                status, _, body = api(office.url, f"/api/v1/applications/{application}/actions", action, cookie, csrf)
                assert status == 200, body
            ids.append(application)
        run("node", "sync", "--data", office_dir)
        # The office's admin makes chai's phone token on the phones page: the QR code's text is the app's address.
        status, headers, body = api(office.url, "/api/v1/session", {"username": "nayok", "password": "password of nayok"})
        admin, admin_csrf = headers["Set-Cookie"].split(";")[0], json.loads(body)["csrf_token"]
        form = urllib.parse.urlencode({"csrf": admin_csrf, "officer": "chai"}).encode()
        request = urllib.request.Request(office.url + "/office/phones", data=form, method="POST")
        request.add_header("Cookie", admin)
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        page_text = urllib.request.urlopen(request).read().decode()
        found = re.search(r"<code>(https://[^<]+/survey/#[^<]+)</code>", page_text)
        check(found is not None and "<svg" in page_text, "the office's phones page shows chai's QR code and its address")
        link = html.unescape(found.group(1))

        # Budget: the app shell, gzipped, as the hub serves it.
        shell = 0
        pinned = ssl.create_default_context(cafile=os.path.join(hub_dir, "hub-ca.pem"))
        for name in json.loads(urllib.request.urlopen(hub.url + "/survey/files.json", context=pinned).read()):
            shell += len(gzip.compress(urllib.request.urlopen(hub.url + "/survey/" + name, context=pinned).read(), 9))
        check(shell <= 200 * 1024, f"budget: the app shell is {shell / 1024:.1f} KB gzipped (at most 200 KB)")

        profile = os.path.join(root, "chromium")
        browser = Browser(profile, width=390, height=844)
        page = browser.page
        page.call("Browser.grantPermissions", permissions=["geolocation"], origin=hub.url)
        page.call("Emulation.setGeolocationOverride", latitude=18.76061, longitude=98.93604, accuracy=4.5)
        # 1. Online: enrol with the token (the office's QR code carries it in the address).
        page.go(link)
        page.wait_for("document.querySelector('#enrol')")
        shot(page, "31-phone-enrol")
        page.eval("document.querySelector('#enrol button').click()")
        check(page.wait_for(f"document.querySelectorAll('article.card').length === {args.applications}", seconds=30),
              f"enrolled; the {args.applications} assigned applications arrived")
        page.wait_for("document.body.dataset.syncMs !== undefined", seconds=10)
        sync_ms = float(page.eval("document.body.dataset.syncMs") or 1e9)
        check(sync_ms < 5000, f"budget: the first sync, of {args.applications} assigned applications, took {sync_ms:.0f} ms (under 5 s)")
        page.wait_for("navigator.serviceWorker.controller !== null", seconds=15)
        shot(page, "32-phone-work")

        # 2. Offline: the hub stops answering; a reload is served by the service worker.
        hub.stop()
        page.go(f"{hub.url}/survey/")
        check(page.wait_for("document.querySelectorAll('article.card').length > 0", seconds=10), "offline: the app and its work open from the phone")
        paint = page.eval("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        check(paint is not None and paint < 1000, f"budget: first paint offline {paint and round(paint)} ms (under 1 s)")

        # 3. An inspection with a position and three photos, offline.
        photos = []
        for quality in (90, 80, 70):  # three different pictures of the site
            photos.append(os.path.join(root, f"site-{quality}.jpg"))
            with open(photos[-1], "wb") as f:
                f.write(base64.b64decode(page.call("Page.captureScreenshot", format="jpeg", quality=quality)["data"]))
        page.eval(f"document.querySelector('article.card[data-id=\"{ids[0]}\"] button.inspect').click()")
        check(page.wait_for("document.querySelector('#position').textContent.includes('±')", seconds=10), "the emulated position, with its accuracy")
        node = page.call("DOM.querySelector", nodeId=page.call("DOM.getDocument")["root"]["nodeId"], selector="#photos")["nodeId"]
        page.call("DOM.setFileInputFiles", nodeId=node, files=photos)
        page.wait_for("document.body.dataset.photos === '3'", seconds=15)
        page.eval("document.querySelector('#notes').value = 'ตรงตามแบบ ถ่ายรูปด้านหน้า ด้านข้าง และหลังคา'")
        shot(page, "33-phone-inspection")
        page.eval("document.querySelector('#save').click()")
        check(page.wait_for("document.body.dataset.savedMs !== undefined", seconds=10), "the inspection saved")
        saved = int(page.eval("document.body.dataset.savedMs") or 99999)
        scaled = int(page.eval("document.body.dataset.downscaleMs") or 99999)
        check(scaled + saved < 2000, f"budget: an inspection with 3 photos stored in {scaled + saved} ms: downscaled {scaled}, signed and stored {saved} (under 2 s)")
        check(page.wait_for("document.querySelector('#waiting').textContent.includes('1')", seconds=5), "one change waits to sync")
        shot(page, "34-phone-offline-waiting")
        # A pin worse than 50 m needs the officer's confirmation; without it nothing is saved.
        page.call("Emulation.setGeolocationOverride", latitude=18.7613, longitude=98.9301, accuracy=120)
        page.eval(f"document.querySelector('article.card[data-id=\"{ids[2]}\"] button.inspect').click()")
        page.wait_for("document.querySelector('#position').textContent.includes('±120')", seconds=10)
        page.eval("document.querySelector('#save').click()")
        check(page.wait_for("document.querySelector('#position').textContent.includes('ยืนยัน')", seconds=5)
              and not page.eval("document.querySelector('#confirm-row').hidden"), "a 120 m pin asks for confirmation and is not saved")
        shot(page, "35-phone-confirm-accuracy")
        page.eval("document.querySelector('#confirm-accuracy').checked = true; document.querySelector('#save').click()")
        check(page.wait_for("document.querySelector('#waiting') && document.querySelector('#waiting').textContent.includes('2')", seconds=5),
              "confirmed: saved, two changes wait")
        # Meanwhile at the office (its own link to the hub is down too): one of chai's inspections goes to dang,
        # and a new application is assigned to chai.
        status, _, body = api(office.url, f"/api/v1/applications/{ids[1]}/actions", {"action": "assign-inspection", "assignee": "dang"}, cookie, csrf)
        check(status == 200, "the office reassigns one inspection to dang")
        status, _, body = api(office.url, "/api/v1/applications", {
            "service": "building-permit", "applicant": {"name": "ผู้ยื่นคำขอใหม่", "national_id": "3100600445635", "phone": "0812345678", "address": "99 หมู่ 9"},
            "details": {"land_title": {"type": "chanote", "number": "9999"}, "building_use": "residence", "storeys": 1, "floor_area_m2": 70,
                        "location": {"lat": 18.77, "lon": 98.94}}})
        fresh = json.loads(body)["id"]
        for action in ({"action": "accept"}, {"action": "assign-inspection", "assignee": "chai"}):
            api(office.url, f"/api/v1/applications/{fresh}/actions", action, cookie, csrf)

        # 4. The browser closed and opened again, still offline: nothing is lost.
        browser.close()
        browser = Browser(profile, width=390, height=844)
        page = browser.page
        page.go(f"{hub.url}/survey/")
        check(page.wait_for("document.querySelector('#waiting') && document.querySelector('#waiting').textContent.includes('2')", seconds=10),
              "after a restart, offline: the inspections still wait")

        # 5. Online again, and a new version of the app published meanwhile: the update installs while the
        # inspection waits, and loses nothing; then the inspection and the photos reach the hub and the office node.
        old_caches = page.eval_async("caches.keys()")
        with open(os.path.join(app_dir, "app.css"), "a") as f:
            f.write("\n/* a new version */\n")
        hub = Server(bin, hub_args, hub_env)
        run("node", "sync", "--data", office_dir)
        page.go(f"{hub.url}/survey/")
        updated = page.wait_for(f"caches.keys().then(k => {{ window.__caches = k; }}) && window.__caches && window.__caches.length === 1 "
                                f"&& !{json.dumps(old_caches)}.includes(window.__caches[0])", seconds=20)
        check(updated, f"the app updated: cache {old_caches} replaced by {page.eval('window.__caches')}")
        page.eval("document.querySelector('#sync-now').click()")
        check(page.wait_for("document.querySelector('#waiting').textContent.includes('รอส่ง 0') && document.querySelector('#photos-uploading').textContent.endsWith(' 0')",
                            seconds=30), "synced: nothing waits, no photo left to upload")
        shot(page, "36-phone-synced")
        run("node", "sync", "--data", office_dir)
        status, _, body = api(office.url, f"/api/v1/applications/{ids[0]}", cookie=cookie, csrf=csrf)
        application = json.loads(body)
        check(application.get("status") == "inspected", f"the office holds the inspection ({application.get('status')})")
        photos = [a for a in application.get("attachments", []) if a.get("kind") == "photo"]
        check(len(photos) == 3, f"the three photos are on the application: {len(photos)}")
        for photo in photos:
            status, _, data = api(office.url, f"/api/v1/attachments/{photo['sha256']}", cookie=cookie, csrf=csrf)
            check(status == 200 and data[:3] == b"\xff\xd8\xff", f"photo {photo['sha256'][:8]} arrived whole at the office, a JPEG")
        status, _, body = api(office.url, f"/api/v1/applications/{ids[2]}", cookie=cookie, csrf=csrf)
        inspection = json.loads(body).get("inspection") or {}
        check(json.loads(body).get("status") == "inspected" and inspection.get("accuracy_m") == 120, f"the poor pin arrived with its accuracy: {inspection}")
        check(page.wait_for(f"!document.querySelector('article.card[data-id=\"{ids[1]}\"]') && document.querySelector('article.card[data-id=\"{fresh}\"]')",
                            seconds=10), "the phone's work follows the office: dang's inspection gone, the new one come")
        # 6. The office approves.
        status, _, body = api(office.url, f"/api/v1/applications/{ids[0]}/actions", {"action": "approve"}, cookie, csrf)
        check(status == 200, "the office approves")
        # The approved application leaves the phone at its next sync.
        page.eval("document.querySelector('#sync-now').click()")
        check(page.wait_for(f"!document.querySelector('article.card[data-id=\"{ids[0]}\"]')", seconds=20), "the finished inspection left the phone")
        # 7. Revoked at the hub like any node: the phone's next sync is refused, and says so.
        run("hub", "revoke", "--data", hub_dir, "--node", page.eval("window.tambonPhone.identity.id"))
        page.eval("document.querySelector('#sync-now').click()")
        refused = page.wait_for("document.querySelector('#sync-error') && document.querySelector('#sync-error').textContent.includes('revoked_node')",
                                seconds=15)
        bar = page.eval("document.querySelector('#sync').textContent")
        check(refused, f"revoked: the phone's sync is refused (revoked_node): {bar}")
        shot(page, "37-phone-revoked")
        # 8. Dang's phone installs the app from the office node and syncs with the hub across origins.
        browser.close()
        browser = Browser(os.path.join(root, "chromium-dang"), width=390, height=844)
        page = browser.page
        dang = run("hub", "token", "--data", hub_dir, "--office", OFFICE, "--role", "survey", "--officer", "dang")
        page.go(f"{office.url}/survey/#hub={urllib.parse.quote(hub.url)}&office={OFFICE}&token={dang}")
        page.wait_for("document.querySelector('#enrol')")
        page.eval("document.querySelector('#enrol button').click()")
        check(page.wait_for(f"document.querySelector('article.card[data-id=\"{ids[1]}\"]') && document.querySelectorAll('article.card').length === 1",
                            seconds=20), "from the office node: dang's phone enrols with the hub and holds dang's one inspection")
    finally:
        if browser:
            browser.close()
        for server in (office, hub):
            if server and server.process.poll() is None:
                server.stop()
        shutil.rmtree(root, ignore_errors=True)
    print("test-app:", "passed" if not FAILURES else f"{len(FAILURES)} failed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
