import Dispatch

/// bcrypt takes about a quarter of a second at cost 12. It runs here, on threads of its own and at most two at a
/// time, never on Swift's cooperative threads: an office PC has two, and they serve every other request, so a few
/// logins a second (or someone guessing) would otherwise stall the node for everyone.
enum PasswordWork {
    static let concurrency = 2
    private static let queue = DispatchQueue(label: "tambon.bcrypt", attributes: .concurrent)
    private static let slots = DispatchSemaphore(value: concurrency)

    static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(returning: work())
            }
        }
    }
}
