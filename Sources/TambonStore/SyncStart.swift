/// What a sync round starts from, read together: the node, its enrolment, how many of its own changes the hub has
/// not acknowledged, and where its pull resumes.
public struct SyncStart: Sendable {
    public let node: NodeInfo
    /// nil until the node has joined a hub.
    public let link: HubLink?
    public let pending: Int64
    public let pullCursor: Int64
}
