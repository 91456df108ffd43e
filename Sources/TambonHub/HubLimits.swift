import Foundation
import TambonProtocol
import TambonWebKit

/// What the operator sets for the hub's resources (SPEC §14): each office's attachment storage, and how long an
/// abandoned upload's bytes are kept.
public struct HubLimits: Sendable {
    /// The bytes of attachments one office may upload (`tambon hub serve --office-quota-gib`; 10 GiB by default).
    public var officeQuotaBytes: Int64
    /// A partial upload not written to for this long is removed; its node starts it again.
    public var partialLifetime: Duration
    /// The time any request body gets before its size is counted (`BodyReader`): a node that sends a complete head
    /// and then dribbles its body is answered 408 after this plus its size at 32 KiB/s.
    public var bodyGrace: Duration

    public init(officeQuotaBytes: Int64 = 10 << 30, partialLifetime: Duration = .seconds(7 * 86_400), bodyGrace: Duration = BodyReader.grace) {
        self.officeQuotaBytes = officeQuotaBytes
        self.partialLifetime = partialLifetime
        self.bodyGrace = bodyGrace
    }

    /// The largest single file (the node's per-file limit, enforced against the bytes received).
    public static let maximumFileBytes = SyncProtocol.maximumAttachmentBytes
}
