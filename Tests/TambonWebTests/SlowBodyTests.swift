import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonTestSupport
import TambonWebKit
import Testing

/// A client that sends a complete head and then dribbles its body is answered 408 and closed, not waited on.
@Suite(.serialized) struct SlowBodyTests {
    static func application() -> some ApplicationProtocol {
        let router = Router(context: TambonRequestContext.self)
        router.post("/echo") { request, _ -> String in
            let buffer = try await BodyReader.collect(request, upTo: 1_000, grace: .seconds(1))
            return "got \(buffer.readableBytes)"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func aDribbledBodyIsAnswered408WithinItsDeadline() async throws {
        #expect(BodyReader.deadline(forAtMost: 64 << 10) == .seconds(32), "30 s, plus 64 KiB at 32 KiB/s")
        try await Self.application().test(.live) { client in
            let port = try #require(client.port)
            let head = Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".utf8)
            // One byte every half second: 100 bytes would take 50 s; the deadline is 1 s and a bit. The client waits up
            // to 30 s for the answer, since the whole suite shares two cores with this server and its timer (a busy
            // run once starved it past 10 s); any answer before the 50 s the body needs shows the cut.
            let slow = await SlowClient.runOnItsOwnThread(
                port: port, head: head, dribbling: Array(repeating: 0x41, count: 100), every: 0.5, limit: 30)
            let answer = String(decoding: slow.answer, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(80))")
            #expect(answer.contains("body_timeout"))
            // A body sent at once is read as usual.
            let fast = await SlowClient.runOnItsOwnThread(
                port: port, head: head + Array(repeating: 0x41, count: 100), dribbling: [], every: 0, limit: 5)
            #expect(String(decoding: fast.answer, as: UTF8.self).contains("got 100"))
        }
    }
}
