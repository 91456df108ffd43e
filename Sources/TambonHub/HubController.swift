import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TambonCore
import TambonOSS
import TambonProtocol
import TambonReports
import TambonStore
import TambonWebKit

/// The hub's protocol endpoints (SPEC §9–§12): hello, enrol, push, pull.
public struct HubController: Sendable {
    public let store: any HubLog
    public let hub: NodeInfo
    public let logger: Logger
    public let metrics: HubMetrics
    /// The operator's limits (attachment quota, partial uploads' lifetime).
    public let limits: HubLimits
    /// Requests in progress per node (at most ``NodeRequestLimiter/maximumPerNode``).
    let limiter = NodeRequestLimiter()
    /// Bank payments that wait for bills an office pushes.
    let payments: PaymentDesk?
    /// Every request's nonce check (SPEC §9).
    public let nonces: NonceLedger
    /// The report index's lag that `/metrics` shows, if the hub serves reports.
    let reportLag: ReportLagProbe?

    /// `nonces`: when nil, each request's nonce is written before it is answered; `tambon hub serve` passes a
    /// ledger written behind by a ``NonceFlusher``.
    public init(
        store: any HubLog, hub: NodeInfo, logger: Logger, metrics: HubMetrics = HubMetrics(), limits: HubLimits = HubLimits(),
        payments: PaymentDesk? = nil, nonces: NonceLedger? = nil, reportIndex: ReportIndex? = nil
    ) {
        self.store = store
        self.nonces = nonces ?? NonceLedger(directory: store.registry, wallClock: store.configuration.wallClock, writeThrough: true)
        self.payments = payments
        self.limits = limits
        self.hub = hub
        self.logger = logger
        self.metrics = metrics
        self.reportLag = reportIndex.map { index in ReportLagProbe { try await index.arrivalsBehind() } }
        store.observeConnectionWaits { [metrics] pool, wait in metrics.connectionWait(pool, wait) }
    }

    public func addRoutes(to router: Router<TambonRequestContext>) {
        router.get(RouterPath(SyncProtocol.Path.hello)) { _, _ in
            self.json(
                [
                    "hub": .string(self.hub.id.hex), "office": .string(self.hub.office), "protocol": .number(Double(SyncProtocol.version)),
                    "software": .string(SyncProtocol.softwareVersion),
                ], request: nil)
        }
        router.get("/metrics") { _, _ -> Response in
            self.metrics.writesWaiting(await self.limiter.waitingWrites)
            if let probe = self.reportLag {
                do {
                    if let behind = try await probe.value() { self.metrics.reportIndexBehind(behind) }
                } catch {
                    // The other metrics are still worth answering with; the gauge keeps its last value.
                    self.logger.warning("report index lag not read", metadata: ["error": "\(error)"])
                }
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: self.metrics.exposition())))
        }
        router.post(RouterPath(SyncProtocol.Path.enrol)) { request, _ in
            try await self.handle(request, endpoint: "enrol") { self.json(try await self.enrol($0), request: request) }
        }
        router.post(RouterPath(SyncProtocol.Path.push)) { request, _ in
            try await self.handle(request, endpoint: "push") { self.json(try await self.push($0), request: request) }
        }
        router.post(RouterPath(SyncProtocol.Path.pull)) { request, _ in
            try await self.handle(request, endpoint: "pull") { self.json(bytes: try await self.pull($0), request: request) }
        }
        let assigned = AssignedWork(store: store)
        router.post(RouterPath(SyncProtocol.Path.assigned)) { request, _ in
            try await self.handle(request, endpoint: "assigned") { signed in
                let peer = try await self.nonces.authenticate(node: signed.node, nonce: signed.nonce, skewMillis: signed.skewMillis)
                guard try SyncMessage.integer(signed.members, "protocol") == Int64(SyncProtocol.version) else {
                    throw TambonError(.invalid, "malformed_message", "\"protocol\" must be \(SyncProtocol.version)")
                }
                return self.json(bytes: try await assigned.answer(for: peer, have: try AssignedWork.have(signed.members)), request: request)
            }
        }
        router.post(RouterPath(SyncProtocol.Path.phoneTokens)) { request, _ in
            try await self.handle(request, endpoint: "phone_tokens") { self.json(try await self.phoneToken($0), request: request) }
        }
        router.post(RouterPath(SyncProtocol.Path.agencies)) { request, _ in
            try await self.handle(request, endpoint: "agencies") { self.json(try await self.agencies($0), request: request) }
        }
        let blobs = HubBlobs(store: store, logger: logger, limits: limits)
        router.post(RouterPath(SyncProtocol.Path.blobsHave)) { request, _ in
            try await self.handle(request, endpoint: "blobs_have") { signed in
                let peer = try await self.nonces.authenticate(node: signed.node, nonce: signed.nonce, skewMillis: signed.skewMillis)
                return self.json(try await blobs.have(signed.members, peer: peer), request: request)
            }
        }
        router.post(RouterPath(SyncProtocol.Path.blobsPut + "/:sha256/:size/:offset")) { request, context in
            try await self.handle(request, endpoint: "blobs_put") { signed in
                let peer = try await self.nonces.authenticate(node: signed.node, nonce: signed.nonce, skewMillis: signed.skewMillis)
                let received = try await blobs.put(
                    hash: try context.parameters.require("sha256"), size: try context.parameters.require("size", as: Int.self),
                    offset: try context.parameters.require("offset", as: Int.self), chunk: signed.body,
                    chunkHash: request.headers[Self.name(SyncProtocol.Header.chunkHash)] ?? "", peer: peer)
                return self.json(["received": .number(Double(received))], request: request)
            }
        }
        router.post(RouterPath(SyncProtocol.Path.blobsGet)) { request, _ in
            try await self.handle(request, endpoint: "blobs_get") { signed in
                let peer = try await self.nonces.authenticate(node: signed.node, nonce: signed.nonce, skewMillis: signed.skewMillis)
                let (chunk, hash) = try await blobs.get(signed.members, peer: peer)
                var headers = HTTPFields()
                headers[.contentType] = "application/octet-stream"
                headers[Self.name(SyncProtocol.Header.protocolVersion)] = String(SyncProtocol.version)
                headers[Self.name(SyncProtocol.Header.hubTime)] = String(self.store.configuration.wallClock())
                headers[Self.name(SyncProtocol.Header.chunkHash)] = hash
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: chunk)))
            }
        }
        refuseOtherMethods(in: router)
    }

    /// Another method on a protocol endpoint's path is refused with 405 and `Allow` (RFC 9110 §15.5.6), not the 404
    /// of a path that does not exist: the path is right, the method is not. Nothing is read or authenticated first.
    private func refuseOtherMethods(in router: Router<TambonRequestContext>) {
        let posts = [
            SyncProtocol.Path.enrol, SyncProtocol.Path.push, SyncProtocol.Path.pull, SyncProtocol.Path.assigned, SyncProtocol.Path.phoneTokens,
            SyncProtocol.Path.agencies, SyncProtocol.Path.blobsHave, SyncProtocol.Path.blobsPut + "/:sha256/:size/:offset",
            SyncProtocol.Path.blobsGet,
        ]
        let served = posts.map { ($0, HTTPRequest.Method.post) } + [(SyncProtocol.Path.hello, .get)]
        for (path, allowed) in served {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where method != allowed {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw HubRefusal(
                        TambonError(
                            .methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not served at this path: use \(allowed.rawValue)",
                            details: ["allow": .string(allowed.rawValue)]))
                }
            }
        }
    }

    /// Pushes and attachment uploads write; everything else reads (``NodeRequestLimiter``).
    static func kind(of request: Request) -> NodeRequestLimiter.Kind {
        let path = request.uri.path
        return path == SyncProtocol.Path.push || path.hasPrefix(SyncProtocol.Path.blobsPut) ? .write : .read
    }

    /// A request whose signature has been checked: who sent it and its decoded JSON body.
    struct SignedRequest {
        let node: NodeID
        let nonce: Int64
        let skewMillis: Int64?
        let members: [String: JSONValue]
        /// The body as received (decompressed): an attachment chunk for `blobs/put`.
        let body: [UInt8]
    }

    /// An enrolment is a token, an office and a name: nothing more is read from a node not yet enrolled.
    static let maximumEnrolBytes = 64 << 10

    private func handle(_ request: Request, endpoint: String, _ body: (SignedRequest) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            // verify takes the node's slot before it reads the body; the slot is given back here once answered.
            let signed = try await verify(request)
            let kind = Self.kind(of: request)
            var response: Response
            do {
                response = try await body(signed)
            } catch {
                await limiter.leave(signed.node, kind: kind)
                throw error
            }
            await limiter.leave(signed.node, kind: kind)
            let seconds = ContinuousClock.now - started
            metrics.request(endpoint: endpoint, outcome: "ok", seconds: seconds)
            response.headers[Self.serverTiming] = Self.serverTimingValue(seconds)
            return response
        } catch {
            var refusal = HubRefusal(error)
            refusal.hubMillis = store.configuration.wallClock()
            let code = refusal.error.code.rawValue
            metrics.request(endpoint: endpoint, outcome: code, seconds: ContinuousClock.now - started)
            if endpoint == "push" { metrics.refused(reason: code) }
            if refusal.error.code == PeerRegistry.Refusal.replayedRequest,
                let node = request.headers[Self.name(SyncProtocol.Header.node)].flatMap(NodeID.init(hex:)),
                let last = try? await nonces.lastNonce(of: node)
            {
                // The node's counter is behind (a restored backup, or another process): tell it where to resume.
                refusal.error.details["last_nonce"] = .number(Double(last))
            }
            if refusal.error.kind == .internal {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            } else {
                logger.notice(
                    "refused",
                    metadata: [
                        "path": "\(request.uri.path)", "node": "\(request.headers[Self.name(SyncProtocol.Header.node)]?.prefix(12) ?? "-")",
                        "status": "\(refusal.status.code)", "reason": "\(code)",
                    ])
            }
            throw refusal
        }
    }

    static func name(_ text: String) -> HTTPField.Name { HTTPField.Name(text)! }

    /// `Server-Timing` (W3C): how long the hub took over a request, from its head to its answer, in milliseconds.
    /// What a node measures beyond it was spent connecting, queued on the hub's event loops or on the wire — the
    /// split the national simulation reports for its slowest syncs. Nothing a client could not time itself.
    static let serverTiming = name("Server-Timing")

    static func serverTimingValue(_ elapsed: Duration) -> String {
        "hub;dur=" + String(format: "%.1f", WritePace.seconds(elapsed) * 1_000)
    }

    /// Checks the protocol version and the Ed25519 request signature, then decompresses and parses the body.
    private func verify(_ request: Request) async throws -> SignedRequest {
        let headers = request.headers
        guard let version = headers[Self.name(SyncProtocol.Header.protocolVersion)] else {
            throw TambonError(.invalid, "missing_protocol", "requests must carry \(SyncProtocol.Header.protocolVersion)")
        }
        guard version == String(SyncProtocol.version) else {
            throw TambonError(
                .upgradeRequired, "unsupported_protocol",
                "this hub speaks protocol \(SyncProtocol.version); the node sent \(version): upgrade the node")
        }
        guard let node = headers[Self.name(SyncProtocol.Header.node)].flatMap(NodeID.init(hex:)),
            let nonce = headers[Self.name(SyncProtocol.Header.nonce)].flatMap({ Int64($0) }), nonce > 0,
            let signature = headers[Self.name(SyncProtocol.Header.signature)].flatMap(Hex.decode), signature.count == 64
        else {
            throw TambonError(
                .unauthenticated, "unauthenticated",
                "the request is not signed by a node (\(SyncProtocol.Header.node), \(SyncProtocol.Header.nonce), \(SyncProtocol.Header.signature))")
        }
        // Who claims to send it must be an enrolled, active node (enrolling aside) before a byte of the body is read:
        // a stranger with a key of its own makes the hub check one header, not read, inflate or parse anything.
        let enrolling = request.uri.path == SyncProtocol.Path.enrol
        if !enrolling {
            guard let peer = try await store.registry.peer(node) else { throw PeerRegistry.Refusal.notEnrolled(node, hint: "tambon node join") }
            guard peer.active else { throw PeerRegistry.Refusal.revoked(node) }
        }
        // The node's slot is taken before its body is read (the id is public; the signature comes with the body).
        let kind = Self.kind(of: request)
        try await limiter.enter(node, kind: kind)
        do {
            return try await verifyBody(request, node: node, nonce: nonce, signature: signature, enrolling: enrolling)
        } catch {
            await limiter.leave(node, kind: kind)
            throw error
        }
    }

    /// The body's part of ``verify(_:)``: read, signature checked, then decompressed and parsed.
    private func verifyBody(_ request: Request, node: NodeID, nonce: Int64, signature: [UInt8], enrolling: Bool) async throws -> SignedRequest {
        let headers = request.headers
        let wire = try await BodyReader.collect(
            request, upTo: enrolling ? Self.maximumEnrolBytes : SyncProtocol.maximumWireBytes, grace: limits.bodyGrace)
        let wireBytes = Array(buffer: wire)
        let message = SyncProtocol.signingMessage(method: request.method.rawValue, path: request.uri.path, hub: hub.id, nonce: nonce, body: wireBytes)
        guard SignatureVerifier.isValid(signature: signature, message: message, publicKey: node.bytes) else {
            throw TambonError(.unauthenticated, "bad_request_signature", "the request signature does not verify against node \(node.short)…")
        }
        // Only now, with the signature checked against an enrolled node's key, is the body decompressed and parsed.
        // Not covered by the signature: any value may come, so only a time in range is subtracted (no overflow trap).
        let skew = headers[Self.name(SyncProtocol.Header.time)].flatMap { Int64($0) }.flatMap {
            (0...(1 << 50)).contains($0) ? $0 - store.configuration.wallClock() : nil
        }
        let gzip: Bool
        switch headers[.contentEncoding]?.lowercased() {
        case nil, "identity": gzip = false
        case "gzip": gzip = true
        case let other?:
            throw TambonError(.unsupportedMediaType, "unsupported_encoding", "Content-Encoding \(other) is not supported (use gzip)")
        }
        let isRaw = headers[.contentType]?.hasPrefix("application/octet-stream") ?? false
        let decode: @Sendable () throws -> ([String: JSONValue], [UInt8]) = {
            let bytes = gzip ? try Self.inflate(wireBytes) : wireBytes
            return (isRaw ? [:] : try SyncMessage.object(bytes), bytes)
        }
        let (members, bytes) = wireBytes.count >= HeavyWork.minimumBytes ? try await HeavyWork.run(decode) : try decode()
        return SignedRequest(node: node, nonce: nonce, skewMillis: skew, members: members, body: bytes)
    }

    private static func inflate(_ wire: [UInt8]) throws -> [UInt8] {
        do {
            return try Gzip.decompress(wire)
        } catch is Gzip.TooLarge {
            throw TambonError(.tooLarge, "body_too_large", "the body expands beyond \(SyncProtocol.maximumBodyBytes) bytes")
        } catch {
            throw TambonError(
                .invalid, "malformed_gzip", "the body is not valid gzip (RFC 1952: header, CRC and length, nothing after the last member)")
        }
    }

    private func json(_ value: JSONValue, request: Request?) -> Response {
        json(bytes: SyncMessage.encode(value), request: request)
    }

    /// A JSON answer already encoded.
    private func json(bytes: [UInt8], request: Request?) -> Response {
        var bytes = bytes
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[Self.name(SyncProtocol.Header.protocolVersion)] = String(SyncProtocol.version)
        headers[Self.name(SyncProtocol.Header.hubTime)] = String(store.configuration.wallClock())
        if bytes.count > 1024, request?.headers[.acceptEncoding]?.contains("gzip") == true, let compressed = try? Gzip.compress(bytes) {
            bytes = compressed
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: - Endpoints

    private func enrol(_ request: SignedRequest) async throws -> JSONValue {
        let token = try SyncMessage.string(request.members, "token")
        // A node being restored does not know its office yet: the token says it.
        let office =
            try request.members["office"] == nil && request.members["restore"] == .bool(true)
            ? await store.registry.enrolmentTokenOffice(token) : SyncMessage.string(request.members, "office")
        let name = (request.members["name"]?.stringValue).map { String($0.prefix(200)) } ?? office
        guard Names.isValidOffice(office) else { throw TambonError(.invalid, "invalid_office", "invalid office code \"\(office)\"") }
        let peer = try await store.registry.enrol(token: token, node: request.node, office: office, name: name)
        _ = try await nonces.authenticate(node: request.node, nonce: request.nonce, skewMillis: request.skewMillis)
        logger.info("enrolled", metadata: ["node": "\(peer.id.short)", "office": "\(peer.office)", "role": "\(peer.role.rawValue)"])
        var answer: [String: JSONValue] = [
            "hub": .string(hub.id.hex), "office": .string(peer.office), "role": .string(peer.role.rawValue),
            "protocol": .number(Double(SyncProtocol.version)),
        ]
        // A phone learns whose work it holds (SPEC §11a).
        if let officer = peer.officer { answer["officer"] = .string(officer) }
        return .object(answer)
    }

    private func push(_ request: SignedRequest) async throws -> JSONValue {
        let peer = try await nonces.authenticate(node: request.node, nonce: request.nonce, skewMillis: request.skewMillis)
        let members = request.members
        let received =
            request.body.count >= HeavyWork.minimumBytes
            ? try await HeavyWork.run { try SyncMessage.received(members) } : try SyncMessage.received(members)
        let changes = received.changes
        guard changes.count <= SyncProtocol.maximumPushChanges else {
            throw TambonError(.tooLarge, "batch_too_large", "at most \(SyncProtocol.maximumPushChanges) changes per push")
        }
        let outcome = try await HubIntake(store: store, logger: logger).accept(received, from: peer)
        metrics.accepted(outcome.applied)
        let bills = changes.filter { $0.collection == Bill.collection && Authority.isOwned(record: $0.record, by: peer.office) }
        let settings = changes.contains { $0.collection == "office_settings" }
        if let payments, outcome.applied > 0, settings || !bills.isEmpty {
            // Bank payments that arrived before these settings (their biller ID unknown) or bills match now. The push
            // stands whatever happens here: a payment still waiting is matched by the next push of its bill.
            do {
                if settings { try await payments.settingsArrived() }
                try await payments.billsArrived(office: peer.office, references: bills.map { String($0.record.dropFirst(peer.office.count + 1)) })
            } catch {
                logger.error(
                    "matching waiting bank payments failed", metadata: ["office": "\(peer.office)", "error": "\(TambonError(error).english)"])
            }
        }
        let answer: [String: JSONValue] = [
            "accepted_seq": .number(Double(outcome.acceptedSeq)), "applied": .number(Double(outcome.applied)),
            "duplicates": .number(Double(outcome.duplicates)),
        ]
        if let first = outcome.refused.first {
            // 403 with the reason; the rest of the batch applied and the refused changes stay in the node's chain.
            var details = answer
            details["refused"] = .array(outcome.refused.map(\.value))
            throw TambonError(
                .forbidden, TambonError.Code(first.refusal.code),
                "\(outcome.refused.count) change(s) refused; #\(first.seq) (\(first.collection)/\(first.record)): \(first.refusal.message)",
                thai: first.refusal.thai, details: details)
        }
        return .object(answer)
    }

    /// The agency directory (`agencies`, hub-only, in the hub's own scope) for any enrolled node: the whole list with
    /// its version (SHA-256 of its canonical JSON), or only the version when the node already holds it.
    /// A phone's one-time token for an officer of the asking office node's own office, valid a day (SPEC §11a): the
    /// office's staff page shows it as a QR code. Only an office node asks; a survey node or a phone is refused.
    private func phoneToken(_ request: SignedRequest) async throws -> JSONValue {
        let peer = try await nonces.authenticate(node: request.node, nonce: request.nonce, skewMillis: request.skewMillis)
        guard peer.role == .office else {
            throw TambonError(
                .forbidden, "office_node_only", "only the office's node asks for a phone's token",
                thai: "ขอรหัสลงทะเบียนโทรศัพท์ได้จากเครื่องหลักของสำนักงานเท่านั้น")
        }
        let officer = try SyncMessage.string(request.members, "officer")
        guard PeerRegistry.isValidOfficer(officer) else {
            throw TambonError(.invalid, "malformed_message", "\"officer\" is an account name: 1 to 64 letters, digits, '.', '_' or '-'")
        }
        let lifetime: Int64 = 86_400_000
        let token = try await store.registry.createEnrolmentToken(office: peer.office, role: .survey, officer: officer, lifetimeMillis: lifetime)
        logger.info("phone token issued", metadata: ["office": "\(peer.office)", "node": "\(peer.id.short)"])
        return [
            "token": .string(token), "office": .string(peer.office), "officer": .string(officer),
            "expires_ms": .number(Double(store.configuration.wallClock() + lifetime)),
        ]
    }

    private func agencies(_ request: SignedRequest) async throws -> JSONValue {
        _ = try await nonces.authenticate(node: request.node, nonce: request.nonce, skewMillis: request.skewMillis)
        guard try SyncMessage.integer(request.members, "protocol") == Int64(SyncProtocol.version) else {
            throw TambonError(.invalid, "malformed_message", "\"protocol\" must be \(SyncProtocol.version)")
        }
        let known: String?
        switch request.members["version"] {
        case nil: known = nil
        case .string(let text)? where text.utf8.count == 64 && text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }):
            known = text
        default: throw TambonError(.invalid, "malformed_message", "\"version\" must be 64 lower-case hex digits")
        }
        let agencies = try await store.records(collection: Agency.collection, office: Store.hubOffice).compactMap { Agency(fields: $0.fields) }
            .sorted { $0.code < $1.code }.prefix(Agency.maximumCount)
        let list = JSONValue.array(agencies.map { .object($0.fields) })
        let version = SHA256.hash(data: Array(list.canonicalText.utf8)).map { String(format: "%02x", $0) }.joined()
        guard version != known else { return ["version": .string(version), "unchanged": true] }
        return ["version": .string(version), "agencies": list]
    }

    private func pull(_ request: SignedRequest) async throws -> [UInt8] {
        let peer = try await nonces.authenticate(node: request.node, nonce: request.nonce, skewMillis: request.skewMillis)
        // A phone holds its officer's assigned work only (SPEC §11a): the office's feed is not for it.
        guard !peer.isPhone else {
            throw TambonError(
                .forbidden, "phone_pulls_assigned", "a phone pulls its officer's assigned work (POST /v1/assigned), not the office's feed",
                thai: "โทรศัพท์รับได้เฉพาะงานที่มอบหมายให้ผู้ตรวจ")
        }
        let after = try SyncMessage.integer(request.members, "after")
        let limit = Int(min(try SyncMessage.integer(request.members, "limit"), Int64(SyncProtocol.maximumPullChanges)))
        guard limit >= 1 else { throw TambonError(.invalid, "malformed_message", "\"limit\" must be at least 1") }
        // The page is written from the stored bytes: a hub answers every office's pulls, so it never parses and
        // re-encodes the values it sends.
        let page = try await store.storedChanges(after: after, scope: peer.office, excluding: peer.id, limit: limit)
        // Cut by size as well as by count (at least one change), so the answer always fits what a node reads.
        var changes = page.changes
        var cursor = page.cursor
        var more = page.more
        var size = 0
        if let cut = changes.firstIndex(where: {
            size += $0.change.canonicalOperations.count + 512; return size > SyncProtocol.pullPageBytes
        }),
            cut > 0
        {
            changes.removeSubrange(cut...)
            cursor = changes[changes.count - 1].position
            more = true
        }
        logger.debug("pull", metadata: ["node": "\(peer.id.short)", "office": "\(peer.office)", "changes": "\(changes.count)"])
        return ChangeBatchWriter.message(
            ["cursor": .number(Double(cursor)), "more": .bool(more), "accepted_seq": .number(Double(peer.acceptedSeq))],
            changes: changes.map(\.change))
    }
}
