import Mustache

/// The hub's report page (Thai first, English second). The two charts are SVG made by `SVGChart`, which escapes
/// its own labels; everything else goes through `{{ }}`, which escapes HTML.
enum ReportTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        try library.register(reports, named: "reports")
        return library
    }

    static let reports = """
        <!doctype html>
        <html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Tambon</title>
        <style>
        body{font-family:"Sarabun","Noto Sans Thai",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f3;line-height:1.5}
        header{background:#23395d;color:#fff;padding:.6rem 1rem}header a{color:#fff}main{max-width:64rem;margin:0 auto;padding:1rem}
        table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.5rem}td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}
        td.n,th.n{text-align:right}.stale{color:#b00020;font-weight:600}.behind{background:#fff4d6;border-left:4px solid #c0712b;padding:.5rem}.en{color:#666;font-size:.85rem}.err{color:#b00020}
        .chart{background:#fff;padding:.5rem;margin:1rem 0}form{background:#fff;padding:.6rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:end}
        label{display:block;font-weight:600}input,select,button{font:inherit;padding:.3rem}
        </style></head><body>
        <header><strong>Tambon · ศูนย์กลาง</strong> · <a href="/reports">รายงานระดับประเทศ</a></header>
        <main>
        <h1>{{title}} <span class="en">National report</span></h1>
        <p class="en">ข้อมูลเปิด: จำนวนคำขอต่อสำนักงาน บริการ และสถานะ ไม่มีข้อมูลส่วนบุคคล · Open data: counts only, no personal data.
        ตัวเลขของแต่ละสำนักงานเป็นข้อมูล ณ เวลาที่ซิงก์ล่าสุด · Each office's figures are as of its last sync.</p>
        {{#error}}<p class="err">{{error}}</p>{{/error}}
        {{#behind}}<p class="behind" role="status">กำลังปรับปรุงรายงาน: ตัวเลขยังไม่รวมรายการที่ศูนย์กลางเพิ่งรับเข้ามา โปรดโหลดหน้านี้อีกครั้งในอีกสักครู่
        <span class="en">Still catching up: these figures leave out changes the hub has just received. Reload in a minute.</span></p>{{/behind}}
        <form method="get" action="/reports">
          <div><label for="office">สำนักงาน <span class="en">office</span></label><input id="office" name="office" value="{{office}}" size="10"></div>
          <div><label for="service">บริการ <span class="en">service</span></label><select id="service" name="service"><option value="">ทั้งหมด</option>
            {{#services}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/services}}</select></div>
          <div><label for="from">ยื่นตั้งแต่ <span class="en">from</span></label><input id="from" name="from" type="date" value="{{filterFrom}}"></div>
          <div><label for="to">ถึง <span class="en">to</span></label><input id="to" name="to" type="date" value="{{filterTo}}"></div>
          <button>แสดง</button> <a href="/api/v1/reports/applications?{{csvQuery}}">ดาวน์โหลด CSV</a>
        </form>
        <div class="chart">{{{monthChart}}}</div>
        <div class="chart">{{{overdueChart}}}</div>
        {{#office}}
        <h2>สำนักงาน {{office}} <span class="en">office drill-down</span></h2>
        <p>ข้อมูล ณ <span class="en">data as of</span> {{officeAsOf}}</p>
        <table><thead><tr><th>บริการ</th><th>สถานะ</th><th class="n">จำนวน</th><th class="n">เกินกำหนด</th><th class="n">มัธยฐานวันถึงการพิจารณา</th></tr></thead><tbody>
        {{#officeRows}}<tr><td>{{service}}</td><td>{{status}}</td><td class="n">{{count}}</td><td class="n">{{overdue}}</td><td class="n">{{median}}</td></tr>{{/officeRows}}
        </tbody></table>
        {{/office}}
        {{#hasDamaged}}<p class="err" role="alert">ไม่ได้นับคำขอ {{damagedTotal}} รายการที่ข้อมูลเสียหาย อ่านไม่ได้
        <span class="en">applications left out because they cannot be read</span>:
        {{#damaged}}<a href="/reports?office={{office}}">{{office}}</a> ({{count}}) {{/damaged}}</p>{{/hasDamaged}}
        <h2>ภาพรวมทั้งประเทศ <span class="en">national totals by service and status</span></h2>
        <table><thead><tr><th>บริการ</th><th>สถานะ</th><th class="n">จำนวน</th></tr></thead><tbody>
        {{#national}}<tr><td>{{service}}</td><td>{{status}}</td><td class="n">{{count}}</td></tr>{{/national}}
        </tbody></table>
        <h2>สำนักงานที่ไม่ได้ซิงก์เกิน {{staleDays}} วัน <span class="en">offices not synced for over a week</span></h2>
        <table><thead><tr><th>สำนักงาน</th><th>ซิงก์ล่าสุด</th></tr></thead><tbody>
        {{#stale}}<tr><td><a href="/reports?office={{office}}">{{office}}</a></td><td class="stale">{{asOf}}</td></tr>{{/stale}}
        {{^stale}}<tr><td colspan="2">ไม่มี <span class="en">none</span></td></tr>{{/stale}}
        </tbody></table>
        <h2>ค่าธรรมเนียม ปีงบประมาณ {{feeYear}} <span class="en">fees billed and collected, fiscal year {{feeYear}}</span></h2>
        <p class="en">ผลรวมต่อสำนักงาน ไม่มีข้อมูลผู้ชำระ · Sums per office, no payer. <a href="/api/v1/reports/fees?fiscal_year={{feeYear}}">JSON</a></p>
        <table><thead><tr><th>สำนักงาน</th><th class="n">เรียกเก็บ (บาท)</th><th class="n">จัดเก็บได้ (บาท)</th><th class="n">ร้อยละ</th></tr></thead><tbody>
        {{#fees}}<tr><td>{{office}}</td><td class="n">{{billed}}</td><td class="n">{{collected}}</td><td class="n">{{rate}}</td></tr>{{/fees}}
        {{^fees}}<tr><td colspan="4">ยังไม่มี <span class="en">none yet</span></td></tr>{{/fees}}
        </tbody></table>
        <h2>รายสำนักงาน <span class="en">by office</span></h2>
        <table><thead><tr><th>สำนักงาน</th><th class="n">คำขอ</th><th class="n">เกินกำหนด</th><th class="n">พิจารณาแล้ว</th><th>ข้อมูล ณ</th></tr></thead><tbody>
        {{#offices}}<tr><td><a href="/reports?office={{office}}">{{office}}</a></td><td class="n">{{count}}</td><td class="n">{{overdue}}</td><td class="n">{{decided}}</td>
        <td{{#stale}} class="stale"{{/stale}}>{{asOf}}</td></tr>{{/offices}}
        </tbody></table>
        </main></body></html>
        """
}
