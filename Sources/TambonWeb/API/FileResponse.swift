import HTTPTypes
import Hummingbird
import NIOCore
import TambonOSS

/// A stored file as a response: served as what its bytes prove (PDF, JPEG, PNG) and only then inline; anything else
/// — an SVG a hostile record calls an image, say — is a download, never run in the office's origin. The record's
/// type is a claim.
enum FileResponse {
    static func make(_ bytes: [UInt8], hash: String) -> Response {
        let proven = AttachmentPolicy.provenType(of: bytes)
        var headers = HTTPFields()
        headers[.contentType] = proven ?? "application/octet-stream"
        headers[.cacheControl] = "private, max-age=3600"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.contentSecurityPolicy] = "sandbox"
        let suffix = proven.map { $0 == "image/jpeg" ? "jpg" : String($0.split(separator: "/").last ?? "bin") } ?? "bin"
        headers[.contentDisposition] = (proven == nil ? "attachment" : "inline") + "; filename=\"\(hash.prefix(12)).\(suffix)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
