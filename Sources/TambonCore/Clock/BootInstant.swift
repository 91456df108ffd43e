/// A moment on the machine's monotonic clock since boot (Linux `CLOCK_BOOTTIME`, which counts suspended time and
/// ignores every change to the wall clock), with the boot it belongs to: two instants of one boot give the real time
/// that passed between them, whatever the wall clock did meanwhile.
public struct BootInstant: Sendable, Equatable {
    /// The kernel's id of this boot (`/proc/sys/kernel/random/boot_id`).
    public let boot: String
    /// Milliseconds since that boot.
    public let uptimeMillis: Int64

    public init(boot: String, uptimeMillis: Int64) {
        self.boot = boot
        self.uptimeMillis = uptimeMillis
    }
}
