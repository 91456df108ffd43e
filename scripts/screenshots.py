#!/usr/bin/env python3
"""Drives headless Chromium (Debian's `chromium`) through the citizen's building-permit form, the officer's
queue, the fee pages (payer register, billing run, bill and its A5 print, the phone page, the review queue) on a throwaway node, and saves screenshots. Uses only the Python standard library: the DevTools protocol is
spoken over a minimal WebSocket client below.

    scripts/screenshots            # builds tambon, installs chromium if missing, writes ./screenshots/*.png

Environment: TAMBON_BIN (a built `tambon`), CHROMIUM (the browser binary), OUT (the output directory).
"""
import base64, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devtools import CHROMIUM, Page, free_port  # noqa: E402

OUT = os.environ.get("OUT", "screenshots")
TAMBON = os.environ.get("TAMBON_BIN", ".build/debug/tambon")


class DevTools(Page):
    """The page session the screenshots are taken through."""

    def shot(self, name):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path = os.path.join(OUT, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        print(f"screenshot {path}")


def fill(devtools, values):
    script = "".join(f"document.querySelector('[name=\"{k}\"]').value = {json.dumps(v)};" for k, v in values.items())
    devtools.eval(script)


def main():
    if not CHROMIUM:
        sys.exit("error: chromium not found (apt-get install chromium, or set CHROMIUM)")
    os.makedirs(OUT, exist_ok=True)
    data = tempfile.mkdtemp(prefix="tambon-screens-")
    node_port, debug_port, hub_port = free_port(), free_port(), free_port()
    hub_data = os.path.join(data, "hub")
    subprocess.run([TAMBON, "hub", "init", "--data", hub_data], check=True, stdout=subprocess.DEVNULL)
    hub = subprocess.Popen([TAMBON, "hub", "serve", "--data", hub_data, "--listen", f"127.0.0.1:{hub_port}"], stderr=subprocess.DEVNULL)
    subprocess.run([TAMBON, "node", "init", "--data", data + "/node", "--office", "5001", "--name", "อบต.ตัวอย่าง"], check=True, stdout=subprocess.DEVNULL)
    data = data + "/node"
    subprocess.run([TAMBON, "node", "user", "add", "--data", data, "--name", "somsri", "--role", "officer", "--password-stdin"],
                   input=b"screenshot password\n", check=True, stdout=subprocess.DEVNULL)
    # Fees: the office's biller ID, a payer register and November's bills, before the node serves (it reads the
    # settings at start); a bank that may confirm payments to the hub.
    with open(os.path.join(data, "..", "settings.json"), "w") as f:
        json.dump({"letter_code": "ชม 7201", "billing": {"tax_id": "0994000165501", "biller_suffix": "00", "late_surcharge_percent": 10,
                               "wastewater_rates": [{"effective_from": "2024-10-01", "schedule": {"household": {"monthly": 1000}}}]}}, f)
    subprocess.run([TAMBON, "node", "settings", "--data", data, "--set", os.path.join(data, "..", "settings.json")], check=True, stdout=subprocess.DEVNULL)
    payers = os.path.join(data, "..", "payers.csv")
    with open(payers, "w") as f:
        f.write("code,name,address,house_no,village,services,rate_class,starts\n"
                "A0001,นางสมศรี ใจดี,ต.แม่เหียะ อ.เมือง จ.เชียงใหม่,12,3,ขยะ,household,1/1/2568\n"
                "A0002,นายชัย ดีงาม,ต.แม่เหียะ อ.เมือง จ.เชียงใหม่,14,3,ขยะ,household,1/1/2568\n"
                "A0003,ร้านข้าวแกงป้าศรี,ต.แม่เหียะ อ.เมือง จ.เชียงใหม่,99,2,ขยะ+น้ำเสีย,household,1/1/2568\n")
    subprocess.run([TAMBON, "fees", "import-payers", "--data", data, payers], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([TAMBON, "fees", "billing-run", "--data", data, "--period", "2569-10"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([TAMBON, "node", "user", "add", "--data", data, "--name", "mayor", "--role", "admin", "--password-stdin"],
                   input=b"screenshot password\n", check=True, stdout=subprocess.DEVNULL)
    agencies = os.path.join(data, "..", "agencies.csv")
    with open(agencies, "w") as f:
        f.write("code,name,letter_code,parent\n5002,องค์การบริหารส่วนตำบลสุเทพ,ชม 7202,5000\n5003,เทศบาลตำบลแม่เหียะ,ชม 7203,5000\n"
                "5000,อำเภอเมืองเชียงใหม่,ชม 0017,\n")
    subprocess.run([TAMBON, "hub", "agency", "import", "--data", hub_data, agencies], check=True, stdout=subprocess.DEVNULL)
    bank_secret = "screenshot bank secret, 32 bytes"
    subprocess.run([TAMBON, "hub", "bank", "add", "--data", hub_data, "--name", "scb", "--secret-stdin"], input=bank_secret.encode(),
                   check=True, stdout=subprocess.DEVNULL)
    node = subprocess.Popen([TAMBON, "node", "serve", "--data", data, "--listen", f"127.0.0.1:{node_port}"], stderr=subprocess.DEVNULL)
    # The hub's certificate is its own CA's: the browser is told to accept it (the nodes pin it instead).
    browser = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--ignore-certificate-errors",
                                f"--remote-debugging-port={debug_port}", f"--user-data-dir={data}/chromium", "--window-size=420,900", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{node_port}"
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{debug_port}/json"))
                page = next(t for t in targets if t.get("type") == "page")
                urllib.request.urlopen(base + "/health")
                break
            except Exception:  # noqa: BLE001 — still starting
                time.sleep(0.2)
        else:
            sys.exit("error: chromium or the node did not start")
        devtools = DevTools(page["webSocketDebuggerUrl"])
        devtools.call("Page.enable")

        devtools.go(base + "/")
        devtools.shot("01-home")
        devtools.go(base + "/apply/building-permit")
        devtools.shot("02-form")
        # A wrong check digit and 151 m²: the errors come back beside their fields, the input kept.
        fill(devtools, {"applicant.name": "นางสาวมาลี ดีใจ", "applicant.national_id": "3100600445630", "applicant.phone": "0812345678",
                        "applicant.address": "5 หมู่ 1 ต.แม่เหียะ อ.เมือง จ.เชียงใหม่", "details.land_title_number": "4521",
                        "details.storeys": "2", "details.floor_area_m2": "151", "details.lat": "18.7605", "details.lon": "98.9360"})
        devtools.eval("document.querySelector('button[value=submit]').click()")
        devtools.wait_loaded()
        devtools.shot("03-form-errors")
        fill(devtools, {"applicant.national_id": "3100600445635", "details.floor_area_m2": "120"})
        devtools.eval("document.querySelector('button[value=submit]').click()")
        devtools.wait_loaded()
        devtools.shot("04-submitted")
        code = devtools.eval("document.querySelector('.code').textContent")
        devtools.go(base + f"/track?code={code}")
        devtools.shot("05-tracking")

        devtools.go(base + "/login")
        fill(devtools, {"name": "somsri", "password": "screenshot password"})
        devtools.eval("document.querySelector('form[action=\"/login\"] button').click()")
        devtools.wait_loaded()
        devtools.shot("06-queue")
        devtools.go(base + f"/office/applications/{code}")
        devtools.shot("07-application")
        devtools.eval("document.querySelector('input[name=action][value=accept]').form.submit()")
        devtools.wait_loaded()
        devtools.shot("08-accepted")

        # A food-place notification: over 200 m² is refused (a licence is needed), then filed, approved and paid.
        devtools.go(base + "/apply/food-certificate")
        fill(devtools, {"applicant.name": "นางศรี ขายดี", "applicant.national_id": "3100600445635", "applicant.phone": "0812345678",
                        "applicant.address": "5 หมู่ 1 ต.แม่เหียะ", "details.establishment_name": "ร้านข้าวแกงป้าศรี", "details.area_m2": "250",
                        "details.workers": "3", "details.address": "99 หมู่ 2 ต.แม่เหียะ", "details.lat": "18.7601", "details.lon": "98.9402"})
        devtools.eval("document.querySelector('button[value=submit]').click()")
        devtools.wait_loaded()
        devtools.shot("09-food-form-errors")
        fill(devtools, {"details.area_m2": "48"})
        devtools.eval("document.querySelector('button[value=submit]').click()")
        devtools.wait_loaded()
        food = devtools.eval("document.querySelector('.code').textContent")
        for action in ["accept", "approve"]:
            devtools.go(base + f"/office/applications/{food}")
            devtools.eval(f"document.querySelector('input[name=action][value={action}]').form.submit()")
            devtools.wait_loaded()
        devtools.eval("var f = document.querySelector('input[name=action][value=record-payment]').form;"
                      "f.querySelector('[name=receipt]').value = 'เล่ม 12 เลขที่ 345'; f.submit()")
        devtools.wait_loaded()
        devtools.shot("10-food-application")
        devtools.go(base + f"/office/applications/{food}/certificate")
        devtools.shot("11-food-certificate")

        # Fees: the payer register, November's billing run, a bill and its A5 print, the citizen's phone page.
        devtools.go(base + "/office/fees/payers")
        devtools.shot("14-payer-register")
        devtools.go(base + "/office/fees")
        fill(devtools, {"period": "2569-11"})
        devtools.eval("document.querySelector('form[action=\"/office/fees/billing-run\"]').submit()")
        devtools.wait_loaded()
        devtools.shot("15-billing-run")
        devtools.go(base + "/office/fees/bills/6911A0003")
        devtools.shot("16-bill")
        public = devtools.eval("document.querySelector('a[href^=\"/pay/\"]').getAttribute('href')")
        devtools.go(base + "/office/fees/bills/6911A0003/print")
        devtools.shot("17-bill-print-a5")
        devtools.go(base + public)
        devtools.shot("18-bill-phone-page")
        # The bank confirms at the hub: one paid in full, one short by a baht, one for a bill the hub does not have.
        # The node joins the hub first (its settings tell the hub its biller ID).
        token = subprocess.run([TAMBON, "hub", "token", "--data", hub_data, "--office", "5001"], check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run([TAMBON, "node", "join", "--data", data, "--hub", f"https://127.0.0.1:{hub_port}", "--token", token,
                        "--ca", os.path.join(hub_data, "hub-ca.pem")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([TAMBON, "node", "sync", "--data", data], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import hmac, hashlib
        for txn, ref, amount in [("T1001", "6911A0001", "40.00"), ("T1002", "6911A0002", "39.00"), ("T1003", "6912A0009", "20.00")]:
            body = json.dumps({"transactionId": txn, "amount": amount, "transactionDateandTime": "2026-11-20T09:30:00+07:00",
                               "currencyCode": "764", "payeeProxyId": "099400016550100", "billPaymentRef1": ref,
                               "billPaymentRef2": "256911", "sendingBankCode": "014"}, separators=(",", ":"))
            signature = hmac.new(bank_secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            subprocess.run(["curl", "-sS", "-o", "/dev/null", "--cacert", os.path.join(hub_data, "hub-ca.pem"), "-H", "Content-Type: application/json",
                            "-H", "Tambon-Bank: scb", "-H", f"Tambon-Signature: {signature}", "--data-binary", body,
                            f"https://127.0.0.1:{hub_port}/v1/bank/confirmations"], check=True)
        subprocess.run([TAMBON, "node", "sync", "--data", data], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        devtools.call("Emulation.setDeviceMetricsOverride", width=1100, height=900, deviceScaleFactor=1, mobile=False)
        devtools.go(base + "/office/fees/review")
        devtools.shot("19-review-queue")
        devtools.go(base + "/office/fees/report")
        devtools.shot("20-fee-report")
        # e-Saraban: the compose form (the agency directory fetched at the last sync), a circular approved by the
        # mayor's typed name and sent, and the registers.
        devtools.go(base + "/office/letters/new")
        fill(devtools, {"subject": "ขอเชิญประชุมคณะกรรมการพัฒนาตำบล", "salutation": "นายกองค์การบริหารส่วนตำบล", "receivers": "5002, 5003",
                        "urgency": "very-urgent", "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ",
                        "contact_unit": "สำนักปลัด โทร 053-123456"})
        devtools.eval("document.querySelector('details') && (document.querySelector('details').open = true)")
        devtools.shot("21-letter-compose")
        devtools.eval("document.querySelector('form[action=\"/office/letters\"]').submit()")
        devtools.wait_loaded()
        letter_page = devtools.eval("location.pathname")
        devtools.eval("document.querySelector('form[action=\"/logout\"]').submit()")
        devtools.wait_loaded()
        devtools.go(base + "/login")
        fill(devtools, {"name": "mayor", "password": "screenshot password"})
        devtools.eval("document.querySelector('form[action=\"/login\"] button').click()")
        devtools.wait_loaded()
        devtools.go(base + letter_page)
        fill(devtools, {"typed_name": "นายสมหมาย ใจงาม"})
        devtools.eval("document.querySelector('form[action$=\"/approve\"]').submit()")
        devtools.wait_loaded()
        devtools.eval("document.querySelector('form[action$=\"/send\"]').submit()")
        devtools.wait_loaded()
        devtools.shot("22-letter-sent")
        devtools.go(base + "/office/letters")
        devtools.shot("23-letters")
        devtools.go(base + "/office/letters/registers")
        devtools.shot("24-registers")
        # A letter from the district office (not on Tambon) filed from its e-CMS envelope, received with the
        # office's incoming number, routed by a minute, and the incoming register.
        envelope = os.path.join(data, "..", "district.xml")
        pdf = base64.b64encode(b"%PDF-1.4\n% district letter\n" + b" " * 200).decode()
        with open(envelope, "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Letter xmlns="urn:tambon:ecms:letter:1"><ID>ชม 0017/ว 2451</ID>'
                    '<CorrespondenceDate>2026-11-28</CorrespondenceDate><Subject>ขอให้สำรวจความเสียหายจากอุทกภัยและรายงานอำเภอ</Subject>'
                    '<SecretCode>001</SecretCode><SpeedCode>003</SpeedCode><LetterKind>external</LetterKind>'
                    '<Salutation>นายกองค์การบริหารส่วนตำบลทุกแห่ง</Salutation><Sender><Name>อำเภอเมืองเชียงใหม่</Name>'
                    '<JobTitle>นายอำเภอเมืองเชียงใหม่</JobTitle><OrganizationID>5000</OrganizationID></Sender>'
                    '<Receiver><Name>อบต.ตัวอย่าง</Name><OrganizationID>5001</OrganizationID></Receiver>'
                    '<SendDate>2026-11-28T10:15:00+07:00</SendDate>'
                    f'<MainLetter MimeCode="application/pdf" Name="หนังสืออำเภอ.pdf">{pdf}</MainLetter></Letter>\n')
        subprocess.run([TAMBON, "letters", "import", "--data", data, envelope], check=True, stdout=subprocess.DEVNULL)
        devtools.go(base + "/office/letters")
        incoming = devtools.eval("document.querySelector('a[href^=\"/office/letters/in/\"]').getAttribute('href')")
        devtools.go(base + incoming)
        devtools.eval("document.querySelector('form[action$=\"/receive\"]').submit()")
        devtools.wait_loaded()
        devtools.eval("document.querySelector('details').open = true")
        fill(devtools, {"to": "กองช่าง", "instruction": "สำรวจความเสียหายในหมู่ 1–5 และสรุปรายงานเสนอภายใน 7 วัน"})
        devtools.eval("document.querySelector('form[action$=\"/minutes\"] button').click()")
        devtools.wait_loaded()
        devtools.eval("document.querySelector('form[action$=\"/answer\"] button').click()")
        devtools.wait_loaded()
        devtools.shot("25-letter-received")
        devtools.go(base + "/office/letters/registers")
        devtools.shot("26-registers-incoming")
        devtools.call("Emulation.setDeviceMetricsOverride", width=1100, height=1400, deviceScaleFactor=1, mobile=False)
        devtools.go(f"https://127.0.0.1:{hub_port}/reports")
        devtools.shot("12-hub-report")
        devtools.go(f"https://127.0.0.1:{hub_port}/reports?office=5001")
        devtools.shot("13-hub-report-office")
        print(f"done: {OUT}/ (applications {code}, {food})")
    finally:
        browser.terminate()
        node.terminate()
        hub.terminate()
        shutil.rmtree(os.path.dirname(data), ignore_errors=True)


if __name__ == "__main__":
    main()
