import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The survey officers' installable web app (README "Survey officers' phones"): plain ES modules, HTML and a
/// service worker, embedded in the binary from `app/` and served under `/survey/` by the hub (over its public
/// certificate) and by the office node. No build step: the files served are the files in the repository, except
/// `sw.js`, into which the app's version (a hash of every file) and the list of its files are written, so that any
/// change of a file installs a new cache on the phones; and `files.json`, that list.
public enum SurveyApp {
    public static let prefix = "/survey/"

    struct File: Sendable {
        let bytes: [UInt8]
        let type: String
        let etag: String

        init(_ bytes: [UInt8], type: String) {
            self.bytes = bytes
            self.type = type
            etag = "\"" + String(SurveyApp.fnv(bytes), radix: 16) + "\""
        }
    }

    /// FNV-1a: a validator, not a security check (the files are ours, in the binary).
    static func fnv(_ bytes: [UInt8], _ start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = start
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    static let javascript = "text/javascript; charset=utf-8"

    /// The files as they are in the repository, by name, with their media types.
    static let embedded: [String: (bytes: [UInt8], type: String)] = [
        "index.html": (PackageResources.index_html, "text/html; charset=utf-8"),
        "app.css": (PackageResources.app_css, "text/css; charset=utf-8"),
        "app.js": (PackageResources.app_js, javascript),
        "phone.js": (PackageResources.phone_js, javascript),
        "db.js": (PackageResources.db_js, javascript),
        "protocol.js": (PackageResources.protocol_js, javascript),
        "sync.js": (PackageResources.sync_js, javascript),
        "manifest.webmanifest": (PackageResources.manifest_webmanifest, "application/manifest+json"),
        "icon.svg": (PackageResources.icon_svg, "image/svg+xml"),
    ]

    /// Every file served: the sources, `sw.js` with the version (a hash over every source, in name order) and the
    /// list of sources written in, and `files.json`, that list.
    static func assemble(_ sources: [String: (bytes: [UInt8], type: String)], worker template: [UInt8]) -> [String: File] {
        var version: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in sources.keys.sorted() { version = fnv(Array(name.utf8) + sources[name]!.bytes, version) }
        var files = sources.mapValues { File($0.bytes, type: $0.type) }
        let list = "[" + sources.keys.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let worker = String(decoding: template, as: UTF8.self)
            .replacing("__TAMBON_APP_VERSION__", with: String(version, radix: 16)).replacing("__TAMBON_APP_FILES__", with: list)
        files["sw.js"] = File(Array(worker.utf8), type: javascript)
        files["files.json"] = File(Array(list.utf8), type: "application/json")
        return files
    }

    /// Libraries from Debian's packages on the serving machine (installed by scripts/setup), never fetched from the
    /// internet: Leaflet (`libjs-leaflet`; `TAMBON_LEAFLET_DIR` names another copy) for the map shown when online —
    /// without it the app shows coordinates and accuracy only — and TweetNaCl (`node-tweetnacl`).
    static let vendor: [String: (bytes: [UInt8], type: String)] = {
        let directory = ProcessInfo.processInfo.environment["TAMBON_LEAFLET_DIR"] ?? "/usr/share/javascript/leaflet"
        var found: [String: (bytes: [UInt8], type: String)] = [:]
        for (name, type) in [("leaflet.esm.min.js", javascript), ("leaflet.css", "text/css; charset=utf-8")] {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { found["vendor/" + name] = (Array(data), type) }
        }
        if !found.isEmpty, let licence = FileManager.default.contents(atPath: "/usr/share/doc/libjs-leaflet/copyright") {
            found["vendor/leaflet-copyright.txt"] = (Array(licence), "text/plain; charset=utf-8")
        }
        // TweetNaCl (Debian's node-tweetnacl): Ed25519 for browsers whose WebCrypto lacks it.
        let nacl = ProcessInfo.processInfo.environment["TAMBON_TWEETNACL_DIR"] ?? "/usr/share/nodejs/tweetnacl"
        if let script = FileManager.default.contents(atPath: nacl + "/nacl-fast.min.js") {
            found["vendor/nacl-fast.min.js"] = (Array(script), javascript)
            if let licence = FileManager.default.contents(atPath: "/usr/share/doc/node-tweetnacl/copyright") {
                found["vendor/tweetnacl-copyright.txt"] = (Array(licence), "text/plain; charset=utf-8")
            }
        }
        return found
    }()

    static let files = assemble(embedded.merging(vendor) { own, _ in own }, worker: PackageResources.sw_js)

    /// For developers and the browser tests: `TAMBON_SURVEY_APP_DIR` serves the app from a directory, read at each
    /// request (edit a file, reload the phone; no rebuild). Unset, the files in the binary are served.
    static let directory: String? = ProcessInfo.processInfo.environment["TAMBON_SURVEY_APP_DIR"].flatMap { $0.isEmpty ? nil : $0 }

    /// The files to serve now.
    static func current() -> [String: File] {
        guard let directory else { return files }
        func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: directory + "/" + name).map { Array($0) } }
        var sources: [String: (bytes: [UInt8], type: String)] = [:]
        for (name, file) in embedded { sources[name] = (read(name) ?? file.bytes, file.type) }
        sources.merge(vendor) { own, _ in own }
        return assemble(sources, worker: read("sw.js") ?? PackageResources.sw_js)
    }

    /// The names of the app's files, for tests.
    public static var fileNames: [String] { files.keys.sorted() }

    /// Adds `GET /survey`, `/survey/` (the app) and `/survey/<file>`, with ETag revalidation, to `router`.
    /// `hubOrigin` is the hub the app syncs with when it is served from elsewhere (an office node): its pages may
    /// connect there too.
    public static func addRoutes<Context: RequestContext>(to router: Router<Context>, hubOrigin: @escaping @Sendable () async -> String? = { nil }) {
        // The router takes "/survey" and "/survey/" for one path: the app lives at the latter (its worker's scope).
        router.get("/survey") { request, _ -> Response in
            guard request.uri.path == prefix else {
                var headers = HTTPFields()
                headers[.location] = prefix
                return Response(status: .permanentRedirect, headers: headers)
            }
            return serve("index.html", request, hub: await hubOrigin())
        }
        router.get("/survey/:file") { request, context -> Response in
            serve(context.parameters.get("file") ?? "", request, hub: await hubOrigin())
        }
        router.get("/survey/vendor/:file") { request, context -> Response in
            serve("vendor/" + (context.parameters.get("file") ?? ""), request, hub: nil)
        }
    }

    /// `https://host[:port]` of a URL, or nil if it is not one.
    static func origin(of url: String) -> String? {
        guard url.hasPrefix("https://") else { return nil }
        let rest = url.dropFirst("https://".count).prefix { $0 != "/" }
        guard !rest.isEmpty,
            rest.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x3A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x2D
            })
        else { return nil }
        return "https://" + rest
    }

    static func serve(_ name: String, _ request: Request, hub: String?) -> Response {
        guard let file = current()[name] else { return Response(status: .notFound) }
        var headers = HTTPFields()
        headers[.eTag] = file.etag
        // Revalidated on every load online (a 304 costs nothing); offline the service worker's cache answers.
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // Scripts, styles and connections to this origin only; photos are shown from blob: URLs.
        // A hub origin is scheme://host:port only (checked), so nothing else can be smuggled into the policy.
        let connect = hub.flatMap(origin(of:)).map { "'self' " + $0 } ?? "'self'"
        headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' blob: data: https://tile.openstreetmap.org; script-src 'self'; style-src 'self'; connect-src \(connect); "
            + "worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = file.type
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
