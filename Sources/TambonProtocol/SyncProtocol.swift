import Crypto
import TambonCore

/// Constants of the sync protocol (sync-protocol/SPEC.md §9–§12).
public enum SyncProtocol {
    /// The protocol version every request and response carries.
    public static let version = 2
    /// This software's version, sent with every request for the hub's logs.
    public static let softwareVersion = "tambon/0.2.0"

    public enum Header {
        public static let protocolVersion = "Tambon-Protocol"
        public static let software = "Tambon-Software"
        public static let node = "Tambon-Node"
        public static let nonce = "Tambon-Nonce"
        public static let time = "Tambon-Time"
        public static let signature = "Tambon-Signature"
        public static let hubTime = "Tambon-Hub-Time"
        /// SHA-256 (hex) of an attachment chunk, on uploads and downloads.
        public static let chunkHash = "Tambon-Chunk-SHA256"
    }

    public enum Path {
        public static let hello = "/v1/hello"
        public static let enrol = "/v1/enrol"
        public static let push = "/v1/push"
        public static let pull = "/v1/pull"
        /// Which attachments the hub holds, and how much of each (SPEC §13).
        public static let blobsHave = "/v1/blobs/have"
        /// `/v1/blobs/put/{sha256}/{size}/{offset}`: one chunk of an attachment, as the raw body.
        public static let blobsPut = "/v1/blobs/put"
        /// One chunk of an attachment from the hub.
        public static let blobsGet = "/v1/blobs/get"
        /// The agency directory the hub keeps, for composing letters offline.
        public static let agencies = "/v1/agencies"
        /// A phone's pull: its officer's assigned applications (SPEC §11a).
        public static let assigned = "/v1/assigned"
        /// An office node asking for a phone's enrolment token for one of its officers (SPEC §11a).
        public static let phoneTokens = "/v1/phone-tokens"
    }

    /// Most attachments asked about in one `blobs/have` request.
    public static let maximumBlobQueries = 1000
    /// The largest attachment the hub accepts (bytes): the node's own per-file limit (TambonOSS `AttachmentPolicy`),
    /// enforced again against the bytes that arrive.
    public static let maximumAttachmentBytes = 20 << 20

    /// Most changes in one push request.
    public static let maximumPushChanges = 2000
    /// Most changes in one pull page.
    public static let maximumPullChanges = 2000
    /// Largest request or response body on the wire (compressed).
    public static let maximumWireBytes = 8 << 20
    /// Largest body once decompressed.
    public static let maximumBodyBytes = 32 << 20
    /// A push batch is cut when its changes' bodies reach this size (well under ``maximumBodyBytes``).
    public static let pushBatchBytes = 8 << 20
    /// A pull page is cut when its changes' bodies reach this size, whatever its count: the node reads at most
    /// ``maximumWireBytes`` of an answer, so a page of large changes must never outgrow it (found by the sync fuzzer).
    public static let pullPageBytes = 6 << 20

    /// The bytes a node signs for a request: everything that makes it unique and binds it to one hub.
    ///
    /// `tambon-request/1 \n METHOD \n PATH \n HUB-ID \n NONCE \n SHA-256(BODY AS SENT)`, each field on its own line
    /// (UTF-8, `\n` separators, no trailing newline).
    public static func signingMessage(method: String, path: String, hub: NodeID, nonce: Int64, body: [UInt8]) -> [UInt8] {
        let bodyHash = Hex.encode(Array(SHA256.hash(data: body)))
        return Array("tambon-request/1\n\(method)\n\(path)\n\(hub.hex)\n\(nonce)\n\(bodyHash)".utf8)
    }
}
