import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy for fault injection: it relays loopback connections to `upstream` and cuts each connection after a
/// random number of bytes (both directions counted), optionally adding latency to every chunk and throttling to a
/// bandwidth. Blocking sockets on threads: simple, and entirely separate from the code under test.
public final class FaultyProxy: @unchecked Sendable {
    public struct Faults: Sendable {
        /// Each connection is cut after a byte budget drawn from this range (nil: never cut).
        public var cutAfterBytes: ClosedRange<Int>?
        /// Added before forwarding each chunk.
        public var latency: TimeInterval = 0
        /// Bytes per second (nil: unthrottled).
        public var bytesPerSecond: Int?

        public init(cutAfterBytes: ClosedRange<Int>? = nil, latency: TimeInterval = 0, bytesPerSecond: Int? = nil) {
            self.cutAfterBytes = cutAfterBytes
            self.latency = latency
            self.bytesPerSecond = bytesPerSecond
        }
    }

    public let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let lock = NSLock()
    private var faults: Faults
    private var stopped = false
    private var connectionCount = 0
    private var cutCount = 0
    public var connections: Int { lock.withLock { connectionCount } }
    public var cuts: Int { lock.withLock { cutCount } }

    public init(upstreamPort: Int, faults: Faults) throws {
        self.upstreamPort = upstreamPort
        self.faults = faults
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw CocoaError(.fileNoSuchFile) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { self.acceptLoop() }
    }

    public func setFaults(_ faults: Faults) { lock.withLock { self.faults = faults } }

    public func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let (isStopped, faults) = lock.withLock { (stopped, self.faults) }
            if isStopped { close(client); return }
            lock.withLock { connectionCount += 1 }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(upstreamPort).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { close(client); close(server); continue }
            let budget = Budget(faults.cutAfterBytes.map { Int.random(in: $0) })
            let pair = Pair(client: client, server: server)
            Thread.detachNewThread { self.relay(from: client, to: server, budget: budget, faults: faults, pair: pair) }
            Thread.detachNewThread { self.relay(from: server, to: client, budget: budget, faults: faults, pair: pair) }
        }
    }

    /// Bytes left before the connection is cut, shared by both directions.
    final class Budget: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int?
        init(_ left: Int?) { self.left = left }
        /// How many of `count` bytes may pass; 0 means cut now.
        func take(_ count: Int) -> Int {
            lock.withLock {
                guard let remaining = left else { return count }
                let allowed = min(count, remaining)
                left = remaining - allowed
                return allowed
            }
        }
    }

    /// Closes both sockets once, when either direction ends.
    final class Pair: @unchecked Sendable {
        private let lock = NSLock()
        private var closed = false
        let client: Int32, server: Int32
        init(client: Int32, server: Int32) { self.client = client; self.server = server }
        func close() {
            let first = lock.withLock { () -> Bool in
                defer { closed = true }
                return !closed
            }
            guard first else { return }
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
            Glibc.close(client)
            Glibc.close(server)
        }
    }

    /// Relays one direction. Latency delays each chunk's delivery without holding back the chunks behind it (as
    /// on a real long link, the pipe stays full); the bandwidth limit paces delivery.
    private func relay(from source: Int32, to target: Int32, budget: Budget, faults: Faults, pair: Pair) {
        let queue = DeliveryQueue()
        Thread.detachNewThread { self.deliver(queue, to: target, faults: faults, pair: pair) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            let allowed = budget.take(count)
            queue.push(Array(buffer[0..<allowed]), due: Date().addingTimeInterval(faults.latency))
            if allowed < count {
                lock.withLock { cutCount += 1 }
                break
            }
        }
        queue.finish()
    }

    private func deliver(_ queue: DeliveryQueue, to target: Int32, faults: Faults, pair: Pair) {
        defer { pair.close() }
        // When the link is next free. Pacing follows this schedule rather than sleeping a slice's duration after
        // each send, so the sleeps' overshoot does not pile up: the link carries exactly `bytesPerSecond`.
        var free = Date()
        while let (bytes, due) = queue.pop() {
            let wait = due.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            var sent = 0
            while sent < bytes.count {
                let slice = faults.bytesPerSecond.map { min(bytes.count - sent, max(256, $0 / 50)) } ?? (bytes.count - sent)
                if faults.bytesPerSecond != nil {
                    let idle = free.timeIntervalSinceNow
                    if idle > 0 { Thread.sleep(forTimeInterval: idle) } else { free = Date() }
                }
                let written = bytes.withUnsafeBytes { send(target, $0.baseAddress! + sent, slice, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                sent += written
                if let rate = faults.bytesPerSecond { free += Double(written) / Double(rate) }
            }
        }
    }

    /// Chunks waiting for their delivery time, in order.
    final class DeliveryQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var chunks: [([UInt8], Date)] = []
        private var finished = false

        func push(_ bytes: [UInt8], due: Date) {
            condition.lock()
            chunks.append((bytes, due))
            condition.signal()
            condition.unlock()
        }

        func finish() {
            condition.lock()
            finished = true
            condition.signal()
            condition.unlock()
        }

        func pop() -> ([UInt8], Date)? {
            condition.lock()
            defer { condition.unlock() }
            while chunks.isEmpty && !finished { condition.wait() }
            return chunks.isEmpty ? nil : chunks.removeFirst()
        }
    }
}
