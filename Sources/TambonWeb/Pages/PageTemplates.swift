import Mustache

/// The pages' Mustache templates, compiled into the binary (an office installs one file, nothing beside it).
/// Thai first, English second; `{{ }}` escapes HTML, so no value a citizen typed can become markup.
enum PageTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(text, named: name) }
        return library
    }

    static let templates: [String: String] = [
        "header": header, "footer": footer, "home": home, "apply": apply, "submitted": submitted, "track": track,
        "login": login, "queue": queue, "application": application, "permit": permit, "error": error,
        "apply_food": applyFood, "certificate": certificate,
    ]

    static let header = """
    <!doctype html>
    <html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Tambon</title>
    <style>
    body{font-family:"Sarabun","Noto Sans Thai",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f3;line-height:1.5}
    header{background:#23395d;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
    header a{color:#fff}main{max-width:60rem;margin:0 auto;padding:1rem}
    .sync{padding:.4rem 1rem;font-size:.9rem;background:#e8eef7}.sync.down{background:#fde8e8}
    label{display:block;margin:.6rem 0 .2rem;font-weight:600}input,select,textarea{font:inherit;padding:.4rem;width:100%;max-width:30rem;box-sizing:border-box}
    .err{color:#b00020;font-size:.9rem}.field-error input,.field-error select{border:2px solid #b00020}
    button{font:inherit;padding:.5rem 1rem;margin-top:.8rem;background:#23395d;color:#fff;border:0;border-radius:.3rem}
    table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}
    tr.overdue td:first-child{border-left:6px solid #b00020}tr.due-soon td:first-child{border-left:6px solid #e0a000}
    tr.on-track td:first-child{border-left:6px solid #2e7d32}tr.paused td:first-child,tr.not-started td:first-child{border-left:6px solid #999}
    .notice{background:#fff;padding:1rem;border-radius:.3rem;margin:1rem 0}.code{font-size:2rem;letter-spacing:.2rem;font-weight:700}
    .not-applied{color:#888;text-decoration:line-through}.en{color:#666;font-size:.85rem}
    </style>
    <script>
    // One file to /api/v1/…/attachments as multipart/form-data; the page reloads to show it, or says why not.
    function tambonUpload(url, fileId, kindId, headers) {
      var f = document.getElementById(fileId).files[0]; if (!f) return;
      var d = new FormData(); d.append('kind', document.getElementById(kindId).value); d.append('file', f);
      fetch(url, {method: 'POST', headers: headers, body: d}).then(function (r) {
        return r.json().then(function (j) { if (r.ok) { location.reload() } else { alert(j.message) } })
      })
    }
    </script></head><body>
    <header><strong>Tambon · {{officeName}}</strong><a href="/">หน้าแรก</a><a href="/track">ติดตามคำขอ</a>
    {{#user}}<a href="/office">งานของสำนักงาน</a><span>{{user}} ({{role}})</span>
    <form method="post" action="/logout" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button style="margin:0">ออกจากระบบ</button></form>{{/user}}
    {{^user}}<a href="/login">เจ้าหน้าที่เข้าสู่ระบบ</a>{{/user}}</header>
    {{#sync}}<div class="sync{{#down}} down{{/down}}">การซิงก์: {{text}} <span class="en">{{text_en}}</span></div>{{/sync}}
    <main>
    """

    static let footer = """
    </main></body></html>
    """

    static let home = """
    {{> header}}
    <h1>บริการประชาชนออนไลน์ <span class="en">Online services</span></h1>
    <div class="notice"><h2>ขออนุญาตก่อสร้างอาคาร (ไม่เกิน 150 ตร.ม.)</h2>
    <p>ยื่นคำขอ (แบบ ข.1) พร้อมปักหมุดที่ตั้งอาคาร ระบบคำนวณค่าธรรมเนียมให้ก่อนยื่น <span class="en">Building permit, at most 150 m²</span></p>
    <a href="/apply/building-permit">ยื่นคำขอ →</a></div>
    <div class="notice"><h2>แจ้งจัดตั้งสถานที่จำหน่ายอาหารหรือสะสมอาหาร (ไม่เกิน 200 ตร.ม.)</h2>
    <p>รับหนังสือรับรองการแจ้ง ชำระค่าธรรมเนียมรายปี <span class="en">Food-place notification certificate</span></p>
    <a href="/apply/food-certificate">แจ้งจัดตั้ง →</a></div>
    <div class="notice"><h2>ติดตามสถานะคำขอ <span class="en">Track an application</span></h2>
    <form method="get" action="/track"><label for="code">รหัสติดตาม 8 ตัวอักษร</label><input id="code" name="code" autocomplete="off"><button>ติดตาม</button></form></div>
    {{> footer}}
    """

    static let apply = """
    {{> header}}
    <h1>ขออนุญาตก่อสร้างอาคาร <span class="en">Building permit (แบบ ข.1)</span></h1>
    {{#formError}}<p class="err">{{formError}}</p>{{/formError}}
    <form method="post" action="/apply/building-permit" enctype="multipart/form-data"><input type="hidden" name="form_token" value="{{formToken}}">
    <h2>ผู้ยื่นคำขอ</h2>
    {{#f}}
    <div class="{{#e_name}}field-error{{/e_name}}"><label for="name">ชื่อ-นามสกุล</label><input id="name" name="applicant.name" value="{{name}}" required>{{#e_name}}<div class="err">{{e_name}}</div>{{/e_name}}</div>
    <div class="{{#e_national_id}}field-error{{/e_national_id}}"><label for="nid">เลขประจำตัวประชาชน 13 หลัก</label><input id="nid" name="applicant.national_id" value="{{national_id}}" inputmode="numeric" required>{{#e_national_id}}<div class="err">{{e_national_id}}</div>{{/e_national_id}}</div>
    <div class="{{#e_phone}}field-error{{/e_phone}}"><label for="phone">โทรศัพท์</label><input id="phone" name="applicant.phone" value="{{phone}}" inputmode="tel" required>{{#e_phone}}<div class="err">{{e_phone}}</div>{{/e_phone}}</div>
    <div class="{{#e_address}}field-error{{/e_address}}"><label for="address">ที่อยู่ที่ติดต่อได้</label><textarea id="address" name="applicant.address" required>{{address}}</textarea>{{#e_address}}<div class="err">{{e_address}}</div>{{/e_address}}</div>
    <h2>อาคารและที่ดิน</h2>
    <div class="{{#e_land_title}}field-error{{/e_land_title}}"><label for="ltk">เอกสารสิทธิ์ที่ดิน (ประเภท และเลขที่)</label><select id="ltk" name="details.land_title_type">
    {{#titleKinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/titleKinds}}</select>
    <input id="ltn" name="details.land_title_number" value="{{land_title_number}}" placeholder="เลขที่">{{#e_land_title}}<div class="err">{{e_land_title}}</div>{{/e_land_title}}</div>
    <div class="{{#e_building_use}}field-error{{/e_building_use}}"><label for="use">การใช้อาคาร</label><select id="use" name="details.building_use">
    {{#uses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/uses}}</select>{{#e_building_use}}<div class="err">{{e_building_use}}</div>{{/e_building_use}}</div>
    <div class="{{#e_storeys}}field-error{{/e_storeys}}"><label for="storeys">จำนวนชั้น</label><input id="storeys" name="details.storeys" value="{{storeys}}" inputmode="numeric">{{#e_storeys}}<div class="err">{{e_storeys}}</div>{{/e_storeys}}</div>
    <div class="{{#e_floor_area_m2}}field-error{{/e_floor_area_m2}}"><label for="area">พื้นที่รวมทุกชั้น (ตร.ม.)</label><input id="area" name="details.floor_area_m2" value="{{floor_area_m2}}" inputmode="decimal">{{#e_floor_area_m2}}<div class="err">{{e_floor_area_m2}}</div>{{/e_floor_area_m2}}</div>
    <div class="{{#e_location}}field-error{{/e_location}}"><label>ที่ตั้งอาคาร (ละติจูด, ลองจิจูด)</label>
    <input id="lat" name="details.lat" value="{{lat}}" placeholder="18.7883" inputmode="decimal"> <input id="lon" name="details.lon" value="{{lon}}" placeholder="98.9853" inputmode="decimal">
    <button type="button" onclick="navigator.geolocation&&navigator.geolocation.getCurrentPosition(function(p){document.getElementById('lat').value=p.coords.latitude.toFixed(6);document.getElementById('lon').value=p.coords.longitude.toFixed(6)})">ใช้ตำแหน่งปัจจุบัน</button>
    {{#e_location}}<div class="err">{{e_location}}</div>{{/e_location}}</div>
    <h2>แบบแปลนและเอกสาร (PDF, JPEG, PNG ไม่เกิน 20 MB ต่อไฟล์)</h2>
    <div class="{{#e_plans}}field-error{{/e_plans}}"><label for="plans">แบบแปลนอาคาร</label><input type="file" id="plans" name="plans" accept="application/pdf,image/jpeg,image/png">{{#e_plans}}<div class="err">{{e_plans}}</div>{{/e_plans}}</div>
    <div class="{{#e_documents}}field-error{{/e_documents}}"><label for="docs">เอกสารประกอบ (สำเนาโฉนด บัตรประชาชน ฯลฯ)</label><input type="file" id="docs" name="documents" accept="application/pdf,image/jpeg,image/png">{{#e_documents}}<div class="err">{{e_documents}}</div>{{/e_documents}}</div>
    {{/f}}
    {{#quote}}<div class="notice">ค่าธรรมเนียมโดยประมาณ: ตรวจแบบ {{planCheck}} + ใบอนุญาต {{permit}} = <strong>{{total}}</strong></div>{{/quote}}
    <button name="step" value="quote">คำนวณค่าธรรมเนียม</button> <button name="step" value="submit">ยื่นคำขอ</button>
    </form>
    {{> footer}}
    """

    static let applyFood = """
    {{> header}}
    <h1>แจ้งจัดตั้งสถานที่จำหน่ายอาหาร / สถานที่สะสมอาหาร <span class="en">Food-place notification</span></h1>
    <p>พื้นที่เกิน 200 ตร.ม. หรืออยู่ในตลาด ต้องขอใบอนุญาตแทน <span class="en">Over 200 m² or in a market: a licence is needed instead.</span></p>
    {{#formError}}<p class="err">{{formError}}</p>{{/formError}}
    <form method="post" action="/apply/food-certificate" enctype="multipart/form-data"><input type="hidden" name="form_token" value="{{formToken}}">
    {{#f}}
    <h2>ผู้แจ้ง</h2>
    <div class="{{#e_kind}}field-error{{/e_kind}}"><label for="kind">ประเภทผู้แจ้ง</label><select id="kind" name="applicant.kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select>{{#e_kind}}<div class="err">{{e_kind}}</div>{{/e_kind}}</div>
    <div class="{{#e_name}}field-error{{/e_name}}"><label for="name">ชื่อ-นามสกุล หรือชื่อนิติบุคคล</label><input id="name" name="applicant.name" value="{{a_name}}" required>{{#e_name}}<div class="err">{{e_name}}</div>{{/e_name}}</div>
    <div class="{{#e_national_id}}field-error{{/e_national_id}}"><label for="nid">เลขประจำตัวประชาชน / เลขทะเบียนนิติบุคคล 13 หลัก</label><input id="nid" name="applicant.national_id" value="{{a_national_id}}" inputmode="numeric" required>{{#e_national_id}}<div class="err">{{e_national_id}}</div>{{/e_national_id}}</div>
    <div class="{{#e_phone}}field-error{{/e_phone}}"><label for="phone">โทรศัพท์</label><input id="phone" name="applicant.phone" value="{{a_phone}}" inputmode="tel" required>{{#e_phone}}<div class="err">{{e_phone}}</div>{{/e_phone}}</div>
    <div class="{{#e_address}}field-error{{/e_address}}"><label for="address">ที่อยู่ที่ติดต่อได้</label><textarea id="address" name="applicant.address" required>{{a_address}}</textarea>{{#e_address}}<div class="err">{{e_address}}</div>{{/e_address}}</div>
    <h2>สถานที่</h2>
    <div class="{{#e_establishment_name}}field-error{{/e_establishment_name}}"><label for="est">ชื่อสถานที่ / ร้าน</label><input id="est" name="details.establishment_name" value="{{d_establishment_name}}" required>{{#e_establishment_name}}<div class="err">{{e_establishment_name}}</div>{{/e_establishment_name}}</div>
    <div class="{{#e_place_kind}}field-error{{/e_place_kind}}"><label for="pk">ประเภท</label><select id="pk" name="details.place_kind">{{#placeKinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/placeKinds}}</select>{{#e_place_kind}}<div class="err">{{e_place_kind}}</div>{{/e_place_kind}}</div>
    <div class="{{#e_area_m2}}field-error{{/e_area_m2}}"><label for="area">พื้นที่ประกอบการ (ตร.ม.)</label><input id="area" name="details.area_m2" value="{{d_area_m2}}" inputmode="decimal" required>{{#e_area_m2}}<div class="err">{{e_area_m2}}</div>{{/e_area_m2}}</div>
    <div class="{{#e_in_market}}field-error{{/e_in_market}}"><label><input type="checkbox" name="details.in_market" value="yes" style="width:auto"{{#inMarket}} checked{{/inMarket}}> ตั้งอยู่ในตลาด</label>{{#e_in_market}}<div class="err">{{e_in_market}}</div>{{/e_in_market}}</div>
    <div class="{{#e_workers}}field-error{{/e_workers}}"><label for="workers">จำนวนผู้สัมผัสอาหาร (คน)</label><input id="workers" name="details.workers" value="{{d_workers}}" inputmode="numeric" required>{{#e_workers}}<div class="err">{{e_workers}}</div>{{/e_workers}}</div>
    <div class="{{#e_address}}field-error{{/e_address}}"><label for="paddr">ที่ตั้งสถานที่</label><textarea id="paddr" name="details.address" required>{{d_address}}</textarea></div>
    <div class="{{#e_location}}field-error{{/e_location}}"><label>พิกัดสถานที่ (ละติจูด, ลองจิจูด)</label>
    <input id="lat" name="details.lat" value="{{d_lat}}" placeholder="18.7883" inputmode="decimal"> <input id="lon" name="details.lon" value="{{d_lon}}" placeholder="98.9853" inputmode="decimal">
    {{#e_location}}<div class="err">{{e_location}}</div>{{/e_location}}</div>
    <h2>เอกสารประกอบ (PDF, JPEG, PNG ไม่เกิน 20 MB)</h2>
    <div class="{{#e_documents}}field-error{{/e_documents}}"><label for="docs">สำเนาบัตรประชาชน / หนังสือรับรองนิติบุคคล / แผนที่</label><input type="file" id="docs" name="documents" accept="application/pdf,image/jpeg,image/png">{{#e_documents}}<div class="err">{{e_documents}}</div>{{/e_documents}}</div>
    {{/f}}
    <button name="step" value="submit">แจ้ง</button>
    </form>
    {{> footer}}
    """

    static let certificate = """
    <!doctype html><html lang="th"><head><meta charset="utf-8"><title>หนังสือรับรองการแจ้ง {{number}}</title>
    <style>@page{size:A4;margin:20mm}body{font-family:"Sarabun","Noto Sans Thai",serif;font-size:16pt;line-height:1.6}
    h1{text-align:center;font-size:20pt}.row{margin:.3em 0;overflow-wrap:anywhere}.sign{margin-top:2.5em;text-align:right}.small{font-size:12pt}@media screen{body{max-width:210mm;margin:1em auto}}</style></head>
    <body><h1>หนังสือรับรองการแจ้งจัดตั้ง{{placeKind}}</h1>
    <div class="row">เลขที่ {{number}} {{replacement}}</div><div class="row">{{office}}</div>
    <div class="row">หนังสือฉบับนี้ให้ไว้เพื่อแสดงว่า {{notifier}} ({{notifierKind}})</div>
    <div class="row">ได้แจ้งจัดตั้ง{{placeKind}} ชื่อ {{establishment}}</div>
    <div class="row">พื้นที่ประกอบการ {{area}} ตารางเมตร · ผู้สัมผัสอาหาร {{workers}} คน</div>
    <div class="row">ตั้งอยู่ ณ {{address}}</div>
    <div class="row">ค่าธรรมเนียมปี {{feeYear}}: {{fee}} · ใบเสร็จรับเงิน {{receipt}}</div>
    <div class="row">ออกให้ ณ วันที่ {{issued}} · ใช้ได้ถึงวันที่ {{validUntil}}</div>
    <div class="sign">(ลงชื่อ) ........................................<br>{{#signatoryName}}({{signatoryName}})<br>{{/signatoryName}}{{#signatoryTitle}}{{signatoryTitle}}<br>{{/signatoryTitle}}เจ้าพนักงานท้องถิ่น</div>
    <p class="small">ต้องแสดงหนังสือรับรองนี้ไว้ในที่เปิดเผย เห็นได้ง่าย ณ สถานที่ดังกล่าว และชำระค่าธรรมเนียมทุกปีก่อนวันครบกำหนด</p></body></html>
    """

    static let submitted = """
    {{> header}}
    <h1>ยื่นคำขอเรียบร้อยแล้ว <span class="en">Application received</span></h1>
    <div class="notice"><p>รหัสติดตามของท่าน (โปรดจดไว้):</p><p class="code">{{code}}</p>
    <p>ค่าธรรมเนียม: {{total}}</p><p><a href="/track?code={{code}}">ดูสถานะคำขอ และส่งแบบแปลน/เอกสารประกอบ</a></p></div>
    {{> footer}}
    """

    static let track = """
    {{> header}}
    <h1>ติดตามสถานะคำขอ <span class="en">Track an application</span></h1>
    <form method="get" action="/track"><label for="code">รหัสติดตาม</label><input id="code" name="code" value="{{code}}" autocomplete="off"><button>ติดตาม</button></form>
    {{#message}}<p class="err">{{message}}</p>{{/message}}
    {{#notFound}}<p class="err">ไม่พบคำขอรหัสนี้ <span class="en">No application with this code</span></p>{{/notFound}}
    {{#app}}<div class="notice"><p>สถานะ: <strong>{{status_th}}</strong></p>
    {{#number}}<p>เลขที่ใบอนุญาต / หนังสือรับรอง: {{number}}</p>{{/number}}
    {{#due}}<p>กำหนดพิจารณาแล้วเสร็จ: {{due}} (เหลือ {{days_left}} วัน)</p>{{/due}}
    <ol>{{#timeline}}<li class="{{^applied}}not-applied{{/applied}}">{{on}} — {{label}}{{^applied}} (ไม่มีผล: {{reason}}){{/applied}}</li>{{/timeline}}</ol></div>
    {{#canUpload}}<div class="notice"><strong>ส่งเอกสารประกอบ (PDF, JPEG, PNG ไม่เกิน 20 MB)</strong> · ส่งแล้ว {{attachments}} ไฟล์
    <label for="unid">เลขประจำตัวประชาชนของผู้ยื่น</label><input id="unid" inputmode="numeric">
    <label for="ufile">ไฟล์</label><input type="file" id="ufile" accept="application/pdf,image/jpeg,image/png">
    <select id="ukind"><option value="plan">แบบแปลน</option><option value="document">เอกสาร</option><option value="photo">ภาพถ่าย</option></select>
    <button type="button" onclick="tambonUpload('/api/v1/applications/{{code}}/attachments','ufile','ukind',{'X-National-ID':document.getElementById('unid').value})">ส่งไฟล์</button></div>{{/canUpload}}
    {{#open}}<form method="post" action="/track/withdraw" class="notice"><input type="hidden" name="code" value="{{code}}"><input type="hidden" name="form_token" value="{{formToken}}">
    <label for="wnid">ถอนคำขอ: ยืนยันด้วยเลขประจำตัวประชาชนของผู้ยื่น</label><input id="wnid" name="national_id" inputmode="numeric"><button>ถอนคำขอ</button></form>{{/open}}{{/app}}
    {{> footer}}
    """

    static let login = """
    {{> header}}
    <h1>เจ้าหน้าที่เข้าสู่ระบบ <span class="en">Staff login</span></h1>
    {{#error}}<p class="err">{{error}}</p>{{/error}}
    <form method="post" action="/login"><input type="hidden" name="form_token" value="{{formToken}}"><label for="n">ชื่อผู้ใช้</label><input id="n" name="name" value="{{name}}" autocomplete="username">
    <label for="p">รหัสผ่าน</label><input id="p" name="password" type="password" autocomplete="current-password"><button>เข้าสู่ระบบ</button></form>
    {{> footer}}
    """

    static let queue = """
    {{> header}}
    <h1>คำขอของสำนักงาน <span class="en">Applications</span></h1>
    <form method="get" action="/office">
    <select name="service"><option value="">ทุกบริการ</option>{{#services}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/services}}</select>
    <select name="status"><option value="">ทุกสถานะ</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
    <input name="assignee" value="{{assignee}}" placeholder="ผู้รับผิดชอบ (assignee)"><button>กรอง</button></form>
    <table><tr><th>รหัส</th><th>บริการ</th><th>สถานะ</th><th>ผู้ตรวจ</th><th>เหลือ (วัน)</th></tr>
    {{#rows}}<tr class="{{urgency}}"><td><a href="/office/applications/{{id}}">{{id}}</a></td><td>{{service}}</td><td>{{status}}</td><td>{{assignee}}</td><td>{{daysLeft}}</td></tr>{{/rows}}
    </table>{{^rows}}<p>ไม่มีคำขอ</p>{{/rows}}
    {{> footer}}
    """

    static let application = """
    {{> header}}
    <h1>คำขอ {{id}} <span class="en">{{service}}</span></h1>
    {{#actionError}}<p class="err">{{actionError}}</p>{{/actionError}}
    <div class="notice"><p>สถานะ: <strong>{{status_th}}</strong> {{#number}}· เลขที่ {{number}} · <a href="/office/applications/{{id}}/{{printPath}}">พิมพ์{{#isFood}}หนังสือรับรอง{{/isFood}}{{#isPermit}}ใบอนุญาต{{/isPermit}}</a>{{/number}}</p>
    {{#due}}<p>ครบกำหนด {{due}} (เหลือ {{days_left}} วัน)</p>{{/due}}
    <p>ถึงศูนย์กลาง (hub) แล้ว: {{#atHub}}ใช่{{/atHub}}{{^atHub}}ยัง — รอซิงก์{{/atHub}}</p></div>
    <h2>ผู้ยื่น</h2><p>{{applicant.name}} · {{nationalID}} · {{applicant.phone}}<br>{{applicant.address}}</p>
    {{#isPermit}}<h2>อาคาร</h2><p>เอกสารสิทธิ์ {{landText}} · {{useText}} · {{details.storeys}} ชั้น · {{details.floor_area_m2}} ตร.ม. · พิกัด {{details.location.lat}}, {{details.location.lon}}</p>
    <p>ค่าธรรมเนียม {{feeTotal}}</p>{{/isPermit}}
    {{#isFood}}<h2>สถานที่</h2><p>{{details.establishment_name}} · {{placeKind}} · {{details.area_m2}} ตร.ม. · ผู้สัมผัสอาหาร {{details.workers}} คน<br>{{details.address}} · พิกัด {{details.location.lat}}, {{details.location.lon}}</p>
    <h2>ค่าธรรมเนียมรายปี</h2><table><tr><th>ปี</th><th>ครบกำหนด</th><th>จำนวน</th><th>ใบเสร็จ</th></tr>
    {{#feesDue}}<tr><td>{{year}}</td><td>{{dueOn}}</td><td>{{amount}}{{#late}} (รวมเงินเพิ่ม){{/late}}</td><td>{{#paid}}{{receipt}} · {{paidOn}}{{/paid}}{{^paid}}ยังไม่ชำระ{{/paid}}</td></tr>{{/feesDue}}
    {{^feesDue}}<tr><td colspan="4">ค่าธรรมเนียมปีแรก {{feeTotal}} ครบกำหนดเมื่อออกหนังสือรับรอง</td></tr>{{/feesDue}}</table>{{/isFood}}
    <h2>ไฟล์แนบ</h2><ul>{{#attachments}}<li>{{kind}}: {{#here}}<a href="/api/v1/attachments/{{sha256}}">{{name}}</a>{{/here}}{{^here}}{{name}} (ยังรับไฟล์ไม่ครบ — รอซิงก์){{/here}} · {{size}} KB</li>{{/attachments}}</ul>
    {{#canAttach}}<div class="notice"><label for="file">แนบไฟล์ (PDF, JPEG, PNG ไม่เกิน 20 MB)</label><input type="file" id="file" accept="application/pdf,image/jpeg,image/png">
    <select id="kind"><option value="plan">แบบแปลน</option><option value="photo">ภาพถ่าย</option><option value="document">เอกสาร</option></select>
    <button type="button" onclick="tambonUpload('/api/v1/applications/{{id}}/attachments','file','kind',{})">อัปโหลด</button></div>{{/canAttach}}
    <h2>ลำดับเหตุการณ์</h2><ol>{{#timeline}}<li class="{{^applied}}not-applied{{/applied}}">{{on}} — {{action}} โดย {{actor}}{{#eventReason}} ({{eventReason}}){{/eventReason}}{{^applied}} — ไม่มีผล: {{not_applied_reason}}{{/applied}}</li>{{/timeline}}</ol>
    <h2>ดำเนินการ</h2>
    {{#actions}}<form method="post" action="/office/applications/{{id}}/actions" class="notice"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="{{action}}">
    <strong>{{label}}</strong>
    {{#needsReason}}<label>เหตุผล</label><input name="reason" required>{{/needsReason}}
    {{#needsAssignee}}<label>ผู้ตรวจ (ชื่อผู้ใช้)</label><input name="assignee" required>{{/needsAssignee}}
    {{#needsYear}}<label>ปี พ.ศ.</label><input name="year" value="{{year}}" inputmode="numeric" required>{{/needsYear}}
    {{#needsReceipt}}<label>เลขที่ใบเสร็จรับเงิน</label><input name="receipt" required>{{/needsReceipt}}
    {{#needsInspection}}<label>ละติจูด / ลองจิจูด / ความแม่นยำ (ม.)</label><input name="lat"><input name="lon"><input name="accuracy_m">
    <label>ผล</label><select name="result"><option value="pass">ผ่าน</option><option value="fail">ไม่ผ่าน</option></select><label>บันทึก</label><textarea name="notes"></textarea>{{/needsInspection}}
    <button>{{label}}</button></form>{{/actions}}
    {{> footer}}
    """

    static let permit = """
    <!doctype html><html lang="th"><head><meta charset="utf-8"><title>ใบอนุญาต {{number}}</title>
    <style>@page{size:A4;margin:20mm}body{font-family:"Sarabun","Noto Sans Thai",serif;font-size:16pt;line-height:1.6}
    h1{text-align:center;font-size:20pt}.row{margin:.4em 0}.sign{margin-top:3em;text-align:right}@media screen{body{max-width:210mm;margin:1em auto}}</style></head>
    <body><h1>ใบอนุญาตก่อสร้างอาคาร (แบบ อ.1)</h1>
    <div class="row">เลขที่ {{number}}</div><div class="row">สำนักงาน: {{office}}</div>
    <div class="row">อนุญาตให้ {{applicant}}</div><div class="row">ที่ดิน: {{land}}</div>
    <div class="row">ที่ตั้ง: ละติจูด {{lat}} ลองจิจูด {{lon}}</div><div class="row">พื้นที่อาคารรวม {{area}} ตร.ม. · {{storeys}} ชั้น · {{use}}</div>
    <div class="row">ออกให้ ณ วันที่ {{issued}} · ใช้ได้ถึงวันที่ {{validUntil}}</div>
    <div class="sign">(ลงชื่อ) ........................................<br>เจ้าพนักงานท้องถิ่น</div></body></html>
    """

    static let error = """
    {{> header}}
    <h1>{{title}}</h1><p>{{message}}</p><p class="en">{{message_en}}</p>
    {{> footer}}
    """
}
