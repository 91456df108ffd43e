import Hummingbird
import NIOCore
import TambonCore

/// Reads a request's body with a cap on its size and on its time: a client that sends a complete head and then
/// dribbles its body (a slow POST) is answered 408 and its connection closed, instead of holding a connection and a
/// task for as long as it likes. The time allowed is a grace period plus the cap's bytes at ``minimumBytesPerSecond``,
/// so a slow but honest link still gets its biggest allowed upload through.
public enum BodyReader {
    /// The slowest rate a body's time allows for (32 KiB/s: a poor 3G link).
    public static let minimumBytesPerSecond = 32 << 10
    /// The time any body gets before its size is counted.
    public static let grace: Duration = .seconds(30)

    /// The time a body of at most `maximumBytes` may take.
    public static func deadline(forAtMost maximumBytes: Int, grace: Duration = grace) -> Duration {
        grace + .milliseconds(Int64(maximumBytes) * 1000 / Int64(minimumBytesPerSecond))
    }

    /// The whole body, at most `maximumBytes` (`413 body_too_large` beyond), within ``deadline(forAtMost:grace:)``
    /// (`408 body_timeout` beyond).
    public static func collect(_ request: Request, upTo maximumBytes: Int, grace: Duration = grace) async throws -> ByteBuffer {
        // A body announced larger than the cap is refused before anything is read or waited for.
        if let announced = request.headers[.contentLength].flatMap({ Int($0) }), announced > maximumBytes {
            throw tooLarge(maximumBytes)
        }
        let body = request.body
        let limit = deadline(forAtMost: maximumBytes, grace: grace)
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do { return try await body.collect(upTo: maximumBytes) } catch is NIOTooManyBytesError { throw tooLarge(maximumBytes) }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let buffer)) = try await group.next() else {
                throw WebError(
                    .timedOut, "body_timeout", th: "ส่งข้อมูลช้าเกินกำหนด กรุณาลองใหม่เมื่อสัญญาณดีขึ้น",
                    en: "the request body did not arrive within \(limit)")
            }
            return buffer
        }
    }

    static func tooLarge(_ maximumBytes: Int) -> WebError {
        WebError(
            .tooLarge, "body_too_large", th: "ข้อมูลที่ส่งมาใหญ่เกินกำหนด (ไม่เกิน \(maximumBytes / 1024) KB)",
            en: "the request body is larger than \(maximumBytes) bytes")
    }
}
