/// A node's wall clock compared with its hub's at a sync (SPEC §4.1): how far ahead it was (negative: behind), when
/// by its own wall clock, and when on the machine's boot clock.
public struct SkewMeasurement: Sendable, Equatable {
    /// This node's wall clock minus the hub's (ms).
    public let skewMillis: Int64
    /// This node's wall clock when it was measured (ms).
    public let wallMillis: Int64
    /// The boot clock when it was measured, if the machine has one.
    public let boot: BootInstant?

    public init(skewMillis: Int64, wallMillis: Int64, boot: BootInstant?) {
        self.skewMillis = skewMillis
        self.wallMillis = wallMillis
        self.boot = boot
    }
}
