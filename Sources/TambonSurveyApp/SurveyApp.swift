import HTTPTypes
import Hummingbird
import NIOCore

/// The survey officers' installable web app (README "Survey officers' phones"): plain ES modules, HTML and a
/// service worker, embedded in the binary from `app/` and served under `/survey/` by the hub (over its public
/// certificate) and by the office node. No build step: the files served are the files in the repository.
public enum SurveyApp {
    public static let prefix = "/survey/"

    struct File: Sendable {
        let bytes: [UInt8]
        let type: String
        let etag: String

        init(_ bytes: [UInt8], type: String) {
            self.bytes = bytes
            self.type = type
            // FNV-1a over the bytes: a validator, not a security check (the files are ours, in the binary).
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            etag = "\"" + String(hash, radix: 16) + "\""
        }
    }

    static let javascript = "text/javascript; charset=utf-8"

    /// The app's files by name.
    static let files: [String: File] = [
        "protocol.js": File(PackageResources.protocol_js, type: javascript),
        "sync.js": File(PackageResources.sync_js, type: javascript),
    ]

    /// The names of the app's files, for tests and for the service worker's list.
    public static var fileNames: [String] { files.keys.sorted() }

    /// Adds `GET /survey/<file>` (with ETag revalidation) to `router`.
    public static func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/survey/:file") { request, context -> Response in
            guard let name = context.parameters.get("file"), let file = files[name] else { return Response(status: .notFound) }
            var headers = HTTPFields()
            headers[.eTag] = file.etag
            // Revalidated on every load online (304 costs nothing); offline the service worker's cache answers.
            headers[.cacheControl] = "no-cache"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
            headers[.contentType] = file.type
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
    }
}
