import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebKit
import TambonWebTestSupport
import Testing

@testable import TambonWeb

/// Password guessing is slowed per account; a session lives no longer than its account's standing, twelve hours,
/// or the store's bound.
@Suite struct SessionSecurityTests {
    @Test func failedLoginsMakeTheAccountWaitTwiceAsLongEachTime() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(clock: { clock.now })
        for _ in 0..<LoginThrottle.freeAttempts {
            try await throttle.check("somsri")
            await throttle.failed("somsri")
        }
        await #expect { try await throttle.check("SomSri") } throws: { ($0 as? WebError)?.retryAfterSeconds == 1 }
        #expect(await throttle.wait(for: "other") == 0, "another account is not held up")
        clock.advance(1_000)
        try await throttle.check("somsri")
        await throttle.failed("somsri")
        #expect(await throttle.wait(for: "somsri") == 2_000)
        for _ in 0..<30 { await throttle.failed("somsri") }
        #expect(await throttle.wait(for: "somsri") == LoginThrottle.maximumWaitMillis, "capped at 15 minutes")
        await throttle.succeeded("somsri")
        try await throttle.check("somsri")
    }

    /// Guesses spread over many accounts from one client are slowed by the client's own count.
    @Test func failedLoginsFromOneClientOverManyAccountsMakeTheClientWait() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(clock: { clock.now })
        let attacker = "203.0.113.9"
        for index in 0..<LoginThrottle.clientFreeAttempts {
            try await throttle.check("user\(index)", client: attacker)
            await throttle.failed("user\(index)", client: attacker)
        }
        await #expect { try await throttle.check("fresh-account", client: attacker) } throws: {
            ($0 as? WebError)?.kind == .tooManyRequests && ($0 as? WebError)?.retryAfterSeconds == 1
        }
        try await throttle.check("fresh-account", client: "198.51.100.7")
        try await throttle.check("fresh-account")
        clock.advance(1_000)
        try await throttle.check("fresh-account", client: attacker)
        await throttle.failed("fresh-account", client: attacker)
        #expect(await throttle.wait(client: attacker) == 2_000, "then twice as long each time")
    }

    @Test func aClientIsItsIPv4AddressOrItsIPv6Slash64() throws {
        let v4 = try SocketAddress(ipAddress: "203.0.113.9", port: 50_000)
        #expect(TambonRequestContext.client(of: v4) == "203.0.113.9")
        let a = TambonRequestContext.client(of: try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1))
        let b = TambonRequestContext.client(of: try SocketAddress(ipAddress: "2001:db8:1:2:ffff:eeee:dddd:9", port: 2))
        let c = TambonRequestContext.client(of: try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1))
        #expect(a != nil && a == b, "one /64 is one client")
        #expect(a != c)
        #expect(TambonRequestContext.client(of: nil) == nil)
    }

    @Test func theAPIAnswers429WithRetryAfterBeforeCheckingThePassword() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            func login(_ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/session", method: .post, headers: WebFixture.jsonHeaders,
                    body: WebFixture.json(["username": "somsri", "password": .string(password)])
                ) { $0 }
            }
            for _ in 0..<LoginThrottle.freeAttempts { #expect(try await login("wrong password").status == .unauthorized) }
            let held = try await login("officer password 1")
            #expect(held.status == .tooManyRequests, "even the right password waits: nothing is checked")
            #expect(held.headers[.retryAfter] == "1")
            #expect(try WebFixture.object(held)["error"] == "too_many_attempts")
        }
    }

    @Test func aSessionEndsWhenItsAccountIsDisabledOrGivenAnotherRole() async throws {
        for change in [["disabled": JSONValue.bool(true)], ["role": "surveyor"]] {
            let fixture = try await WebFixture()
            try await fixture.application.test(.router) { client in
                let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
                try await client.execute(uri: "/api/v1/applications", method: .get, headers: officer.headers(csrf: false)) {
                    #expect($0.status == .ok)
                }
                // The admin changes the account (here, or on another node of the office and it syncs).
                try await fixture.store.write(collection: UserDirectory.collection, record: "5001.somsri", set: change)
                try await client.execute(uri: "/api/v1/applications", method: .get, headers: officer.headers(csrf: false)) {
                    #expect($0.status == .unauthorized, "\(change)")
                }
            }
        }
    }

    @Test func sessionsHaveAnAbsoluteLifetimeAndABoundedStore() async throws {
        let clock = ManualClock()
        let store = SessionStore(idleMillis: 8 * 3_600_000, absoluteMillis: 12 * 3_600_000, maximumSessions: 3, clock: { clock.now })
        let account = try #require(try await WebFixture().web.users.account(named: "somsri"))
        let busy = await store.start(for: account)
        for _ in 0..<11 {
            clock.advance(3_600_000)
            #expect(await store.session(busy.token) != nil, "in use every hour")
        }
        clock.advance(3_600_001)
        #expect(await store.session(busy.token) == nil, "but not for more than twelve hours in all")

        let first = await store.start(for: account)
        clock.advance(1)
        let second = await store.start(for: account)
        clock.advance(1)
        let third = await store.start(for: account)
        clock.advance(1)
        _ = await store.session(first.token)
        _ = await store.start(for: account)
        #expect(await store.count == 3)
        #expect(await store.session(second.token) == nil, "the one seen least recently made room")
        #expect(await store.session(first.token) != nil)
        #expect(await store.session(third.token) != nil)
    }
}
