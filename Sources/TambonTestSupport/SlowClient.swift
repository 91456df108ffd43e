import Foundation

/// A client on a raw loopback socket that sends its request as slowly as a slowloris attack does.
public enum SlowClient {
    /// ``run(port:head:dribbling:every:limit:)`` on a thread of its own: its blocking socket calls must not hold one
    /// of the few cooperative threads the server under test needs to answer it.
    public static func runOnItsOwnThread(
        port: Int, head: [UInt8] = [], dribbling bytes: [UInt8], every interval: Double, limit: Double
    ) async -> (
        closedAfter: Double?, answer: [UInt8]
    ) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run(port: port, head: head, dribbling: bytes, every: interval, limit: limit)) }.start()
        }
    }

    /// Connects to `port` on loopback, sends `head` at once, then `bytes` one at a time every `interval` seconds,
    /// reading whatever the server answers; returns the seconds until the server closed the connection (nil if it
    /// was still open after `limit`) and what it sent back.
    public static func run(
        port: Int, head: [UInt8] = [], dribbling bytes: [UInt8], every interval: Double, limit: Double
    ) -> (
        closedAfter: Double?, answer: [UInt8]
    ) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return (nil, []) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if !head.isEmpty { _ = send(fd, head, head.count, Int32(MSG_NOSIGNAL)) }
        let started = Date()
        var sent = 0
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < limit {
            if sent < bytes.count, Date().timeIntervalSince(started) >= Double(sent) * interval {
                _ = send(fd, [bytes[sent]], 1, Int32(MSG_NOSIGNAL))
                sent += 1
            }
            let read = recv(fd, &buffer, buffer.count, 0)
            if read > 0 { answer += buffer.prefix(read) }
            if read == 0 { return (Date().timeIntervalSince(started), answer) }
            if read < 0, errno != EAGAIN, errno != EWOULDBLOCK { return (Date().timeIntervalSince(started), answer) }
        }
        return (nil, answer)
    }
}
