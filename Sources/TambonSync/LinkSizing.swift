import TambonProtocol
import TambonStore

/// The request sizes adapted to one link to the hub (``BatchSizing``): kept as long as the link, across rounds.
public struct LinkSizing: Sendable {
    /// Changes per push.
    public let push: BatchSizing
    /// Changes per pull page.
    public let pull = BatchSizing(maximum: SyncProtocol.maximumPullChanges)
    /// Attachment chunk sizes (bytes), halved after a cut so a link that drops every few hundred kilobytes still
    /// moves files.
    public let chunk = BatchSizing(maximum: AttachmentStore.maximumChunk)

    /// `maximumPushChanges` caps push batches below the protocol's limit (tests use it to get many batches).
    public init(maximumPushChanges: Int = SyncProtocol.maximumPushChanges) {
        push = BatchSizing(maximum: min(max(1, maximumPushChanges), SyncProtocol.maximumPushChanges))
    }
}
