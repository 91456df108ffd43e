/// What one ``Store/apply(_:options:settingCursor:)`` did.
public struct ApplyResult: Sendable, Equatable {
    /// Changes new to this store, now in its log and state.
    public let applied: Int
    /// Changes already held (identical hash): no-ops.
    public let duplicates: Int
    /// The store's highest arrival sequence after the batch.
    public let lastArrival: Int64
    /// Changes the authority rules refused (SPEC §15): held in their origin's chain but inert. A re-sent change
    /// refused before is listed again. Changes waiting for their writer's roster entry are not listed.
    public let refused: [RefusedChange]

    public init(applied: Int, duplicates: Int, lastArrival: Int64, refused: [RefusedChange] = []) {
        self.applied = applied
        self.duplicates = duplicates
        self.lastArrival = lastArrival
        self.refused = refused
    }
}
