// The survey app's screens: enrolment, the assigned inspections, recording one, and the sync bar. Thai first,
// English beside it. Every value from the hub is set as text, never as HTML.
import { Phone, downscale, DEFAULT_ACCURACY_LIMIT_M } from "./phone.js";

const main = document.getElementById("main");
let phone;

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else if (value !== false && value != null) element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child != null) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

const en = (text) => h("span", { class: "en" }, " " + text);

function show(...children) {
  main.replaceChildren(...children.filter((child) => child != null));
}

/** What a sync failure means, in Thai, with its code. */
const failures = {
  unreachable: "ติดต่อศูนย์กลางไม่ได้ (ไม่มีสัญญาณ) — ข้อมูลเก็บไว้ในเครื่องแล้ว จะส่งเมื่อมีสัญญาณ",
  revoked_node: "โทรศัพท์นี้ถูกเพิกถอนสิทธิ์แล้ว ติดต่อผู้ดูแลสำนักงาน",
  unknown_node: "ศูนย์กลางไม่รู้จักโทรศัพท์นี้ ลงทะเบียนใหม่",
  clock_skew: "นาฬิกาของโทรศัพท์ไม่ตรง ตั้งวันเวลาให้ถูกต้อง",
};

function ago(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes < 1) return "ไม่ถึงนาที";
  if (minutes < 60) return `${minutes} นาที`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} ชั่วโมง` : `${Math.round(hours / 24)} วัน`;
}

async function renderSync() {
  const bar = document.getElementById("sync");
  if (!phone?.enrolled) return bar.replaceChildren();
  const state = await phone.state();
  const parts = [
    h("span", { id: "waiting" }, `รอส่ง ${state.waiting} รายการ`),
    state.waiting ? h("span", { id: "oldest" }, `ค้างนานสุด ${ago(state.oldestWaitingMs)}`) : null,
    h("span", { id: "photos-uploading" }, `รูปที่ยังส่งไม่ครบ ${state.photosUploading}`),
    h("span", { id: "last-sync" }, state.lastSyncMs ? `ซิงก์ล่าสุด ${new Date(state.lastSyncMs).toLocaleString("th-TH")}` : "ยังไม่เคยซิงก์"),
    state.lastError ? h("span", { class: "err", id: "sync-error" }, `ซิงก์ไม่สำเร็จ: ${failures[state.lastError] ?? "ลองใหม่ภายหลัง"} (${state.lastError})`) : null,
    h("button", { class: "secondary", id: "sync-now", onclick: () => syncNow() }, "ซิงก์"),
  ];
  bar.replaceChildren(...parts.filter(Boolean));
}

// One round at a time; asked during one, another follows it (what was written meanwhile goes too).
let syncing = null, again = false;
async function syncNow() {
  if (!phone?.enrolled) return;
  if (syncing) {
    again = true;
    return syncing;
  }
  const started = performance.now();
  syncing = phone.sync().then(() => { document.body.dataset.syncMs = String(Math.round(performance.now() - started)); }, () => {}).finally(async () => {
    syncing = null;
    await renderSync();
    if (main.dataset.screen === "list") await renderList();
    if (again) {
      again = false;
      syncNow();
    }
  });
  return syncing;
}

async function checkStorage() {
  const warning = document.getElementById("storage");
  const messages = [];
  if (navigator.storage?.persist) {
    const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    if (!persisted) messages.push("เบราว์เซอร์ยังไม่ยืนยันการเก็บข้อมูลถาวร ข้อมูลที่ยังไม่ซิงก์อาจถูกลบเมื่อพื้นที่เต็ม — ซิงก์ให้บ่อย");
  }
  if (navigator.storage?.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    if (quota && quota - usage < 50 * 1024 * 1024) messages.push(`พื้นที่เก็บข้อมูลเหลือน้อย (${Math.round((quota - usage) / 1048576)} MB)`);
  }
  warning.hidden = messages.length === 0;
  warning.textContent = messages.join(" · ");
}

function renderEnrol(error) {
  main.dataset.screen = "enrol";
  const params = new URLSearchParams(location.hash.slice(1));
  show(
    h("h1", {}, "ลงทะเบียนโทรศัพท์", en("Enrol this phone")),
    h("p", {}, "สแกน QR จากหน้าเจ้าหน้าที่ของสำนักงาน หรือพิมพ์รหัสลงทะเบียน"),
    error ? h("p", { class: "err", role: "alert" }, error) : null,
    h("form", { id: "enrol", onsubmit: async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      try {
        await phone.enrol(String(form.get("token")), String(form.get("office")), String(form.get("name")) || "โทรศัพท์ช่างสำรวจ", String(form.get("hub") ?? ""));
        history.replaceState(null, "", "/survey/");
        await syncNow();
        await renderList();
      } catch (failure) {
        renderEnrol(`ลงทะเบียนไม่สำเร็จ: ${failure.message}`);
      }
    } },
      h("label", { for: "office" }, "รหัสสำนักงาน ", en("Office code")), h("input", { id: "office", name: "office", required: true, value: params.get("office") ?? "", inputmode: "numeric" }),
      h("label", { for: "token" }, "รหัสลงทะเบียน ", en("Enrolment token")), h("input", { id: "token", name: "token", required: true, value: params.get("token") ?? "", autocomplete: "off" }),
      h("label", { for: "name" }, "ชื่อเครื่อง ", en("Name")), h("input", { id: "name", name: "name", value: "โทรศัพท์ช่างสำรวจ" }),
      // Opened from an office node, the app syncs with the hub the QR code names.
      params.get("hub") ? h("input", { type: "hidden", name: "hub", value: params.get("hub") }) : null,
      h("p", {}, h("button", { type: "submit" }, "ลงทะเบียน"))),
  );
}

async function renderList() {
  main.dataset.screen = "list";
  const work = await phone.assignments();
  show(
    h("h1", {}, "งานตรวจสถานที่ที่ได้รับมอบหมาย", en("Assigned inspections")),
    work.length === 0 ? h("p", { id: "no-work" }, "ไม่มีงานที่ได้รับมอบหมาย") : null,
    h("details", { id: "settings" }, h("summary", {}, "ตั้งค่า ", en("Settings")),
      h("label", { for: "accuracy-limit" }, "พิกัดคลาดเคลื่อนเกินกี่เมตรจึงต้องยืนยัน ", en("Accuracy needing confirmation (m)")),
      h("input", { id: "accuracy-limit", type: "number", min: 5, max: 1000, step: 5, value: localStorage.getItem("accuracyLimit") ?? DEFAULT_ACCURACY_LIMIT_M,
        onchange: (event) => {
          const metres = Number(event.target.value);
          if (Number.isFinite(metres) && metres >= 5 && metres <= 1000) localStorage.setItem("accuracyLimit", String(metres));
          else event.target.value = localStorage.getItem("accuracyLimit") ?? DEFAULT_ACCURACY_LIMIT_M;
        } }),
      phone.identity?.isFallback ? h("p", { class: "warn" }, "เบราว์เซอร์นี้ไม่มี Ed25519 ในตัว จึงเก็บกุญแจของเครื่องแบบสำรอง (TweetNaCl)") : null),
    ...work.map((application) => {
      const site = application.fields.details?.location;
      const inspected = Object.values(application.sets.events ?? {}).some((event) => event.action === "record-inspection");
      return h("article", { class: "card", "data-id": application.record },
        h("h2", {}, application.record.split(".").pop(), " · ", application.fields.applicant?.name ?? ""),
        h("p", {}, application.fields.applicant?.address ?? ""),
        site ? h("p", {}, `จุดที่ตั้ง ${site.lat?.toFixed?.(5)}, ${site.lon?.toFixed?.(5)}`) : null,
        inspected ? h("p", { class: "ok" }, "บันทึกผลตรวจแล้ว รอซิงก์") : h("button", { class: "inspect", onclick: () => renderInspection(application) }, "บันทึกผลการตรวจ"));
    }),
  );
}

function renderInspection(application, error) {
  main.dataset.screen = "inspect";
  const limit = Number(localStorage.getItem("accuracyLimit") ?? DEFAULT_ACCURACY_LIMIT_M);
  let device = null;
  const photos = [];
  const status = h("p", { id: "position" }, "ยังไม่มีพิกัด");
  const lat = h("input", { id: "lat", name: "lat", inputmode: "decimal", required: true });
  const lon = h("input", { id: "lon", name: "lon", inputmode: "decimal", required: true });
  const confirm = h("label", { hidden: true, id: "confirm-row" }, h("input", { type: "checkbox", id: "confirm-accuracy" }), ` ยืนยันใช้พิกัดที่คลาดเคลื่อนเกิน ${limit} ม.`);
  const thumbs = h("div", { class: "thumbs" });
  const locate = () => {
    if (!navigator.geolocation) return (status.textContent = "โทรศัพท์นี้หาพิกัดไม่ได้ พิมพ์พิกัดเอง");
    status.textContent = "กำลังหาพิกัด…";
    navigator.geolocation.getCurrentPosition((position) => {
      device = { lat: position.coords.latitude, lon: position.coords.longitude, accuracy: position.coords.accuracy };
      lat.value = device.lat.toFixed(6);
      lon.value = device.lon.toFixed(6);
      status.textContent = `พิกัด ${lat.value}, ${lon.value} ความแม่นยำ ±${Math.round(device.accuracy)} ม.`;
      confirm.hidden = device.accuracy <= limit;
      place(device, true);
    }, (failure) => { status.textContent = `หาพิกัดไม่ได้ (${failure.message}) พิมพ์พิกัดเอง`; }, { enableHighAccuracy: true, timeout: 20000 });
  };
  const mapBox = h("div", { id: "map", hidden: true });
  const mapNote = h("p", { class: "en", id: "map-note" }, "แผนที่แสดงเมื่อมีสัญญาณ · offline: coordinates only");
  let marker = null;
  const place = (point, fit) => {
    if (!marker) return;
    marker.setLatLng([point.lat, point.lon]);
    if (fit) marker._map.setView([point.lat, point.lon], 17);
  };
  // The map, when online: Leaflet from the server (Debian's copy), the pin draggable; offline, coordinates only.
  const showMap = async () => {
    if (!navigator.onLine) return;
    try {
      const L = await import("/survey/vendor/leaflet.esm.min.js");
      if (!document.querySelector("link[data-leaflet]")) document.head.append(h("link", { rel: "stylesheet", href: "/survey/vendor/leaflet.css", "data-leaflet": true }));
      mapBox.hidden = false;
      mapNote.hidden = true;
      const site = application.fields.details?.location ?? { lat: 13.75, lon: 100.5 };
      const map = L.map(mapBox).setView([site.lat, site.lon], 16);
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
      marker = L.marker([site.lat, site.lon], { draggable: true, icon: L.divIcon({ className: "pin", iconSize: [22, 22] }) }).addTo(map);
      marker.on("dragend", () => {
        const at = marker.getLatLng();
        lat.value = at.lat.toFixed(6);
        lon.value = at.lng.toFixed(6);
        status.textContent = `ย้ายหมุดเอง ${lat.value}, ${lon.value}` + (device ? ` (เครื่องบอก ±${Math.round(device.accuracy)} ม.)` : "");
      });
      if (device) place(device, true);
    } catch {
      mapBox.hidden = true;  // the map is an aid: without it, coordinates and accuracy
    }
  };
  show(
    h("h1", {}, "บันทึกผลการตรวจ ", en(application.record.split(".").pop())),
    h("p", {}, application.fields.applicant?.name ?? "", " · ", application.fields.applicant?.address ?? ""),
    error ? h("p", { class: "err", role: "alert" }, error) : null,
    h("form", { id: "inspection", onsubmit: async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const pin = { lat: Number(form.get("lat")), lon: Number(form.get("lon")) };
      if (!Number.isFinite(pin.lat) || !Number.isFinite(pin.lon) || Math.abs(pin.lat) > 90 || Math.abs(pin.lon) > 180) {
        return renderInspection(application, "พิกัดไม่ถูกต้อง");
      }
      const from = device ?? { ...pin, accuracy: 10000 };
      const moved = !device || Math.abs(device.lat - pin.lat) > 1e-6 || Math.abs(device.lon - pin.lon) > 1e-6;
      const accuracy = moved ? Math.max(from.accuracy, 5) : from.accuracy;
      if (accuracy > limit && !document.getElementById("confirm-accuracy").checked) {
        confirm.hidden = false;
        return (status.textContent = `พิกัดคลาดเคลื่อน ±${Math.round(accuracy)} ม. เกิน ${limit} ม. — ติ๊กยืนยันก่อนบันทึก`);
      }
      const started = performance.now();
      await phone.recordInspection(application.record, {
        device: from, pin: { ...pin, accuracy, moved }, result: String(form.get("result")), notes: String(form.get("notes") ?? ""), photos,
      });
      document.body.dataset.savedMs = String(Math.round(performance.now() - started));
      await renderSync();
      await renderList();
      syncNow();
    } },
      h("div", { class: "row" }, h("div", {}, h("label", { for: "lat" }, "ละติจูด"), lat), h("div", {}, h("label", { for: "lon" }, "ลองจิจูด"), lon)),
      status, confirm, mapBox, mapNote,
      h("p", {}, h("button", { type: "button", class: "secondary", id: "locate", onclick: locate }, "ใช้พิกัดปัจจุบัน")),
      h("label", { for: "photos" }, "รูปถ่าย ", en("Photos")),
      h("input", { id: "photos", type: "file", accept: "image/*", capture: "environment", multiple: true, onchange: async (event) => {
        const started = performance.now();
        for (const file of event.target.files) {
          const small = await downscale(file);
          photos.push(small);
          thumbs.append(h("img", { src: URL.createObjectURL(small), alt: "รูปถ่าย" }));
        }
        document.body.dataset.downscaleMs = String(Math.round(performance.now() - started));
        document.body.dataset.photos = String(photos.length);
      } }),
      thumbs,
      h("label", {}, "ผลการตรวจ ", en("Result")),
      h("div", { class: "choice" },
        h("label", {}, h("input", { type: "radio", name: "result", value: "pass", checked: true }), "ตรงตามแบบ"),
        h("label", {}, h("input", { type: "radio", name: "result", value: "fail" }), "ไม่ตรงตามแบบ")),
      h("label", { for: "notes" }, "บันทึก ", en("Notes")), h("textarea", { id: "notes", name: "notes", maxlength: 5000 }),
      h("p", { class: "row" }, h("button", { type: "button", class: "secondary", onclick: () => renderList() }, "กลับ"), h("button", { type: "submit", id: "save" }, "บันทึก"))),
  );
  locate();
  showMap();
}

async function start() {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/survey/sw.js", { scope: "/survey/" }).catch(() => {});
  phone = await Phone.open();
  window.tambonPhone = phone;  // for the browser tests
  await checkStorage();
  if (!phone.enrolled) return renderEnrol();
  await renderSync();
  await renderList();
  syncNow();
  setInterval(syncNow, 60_000);
  addEventListener("online", syncNow);
}

start().catch((error) => show(h("p", { class: "err" }, `เปิดแอปไม่ได้: ${error.message}`)));
