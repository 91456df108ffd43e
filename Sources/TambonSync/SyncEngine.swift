import Foundation
import Logging
import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// One full sync round of a node with its hub: push every pending change of its own, then pull every new change
/// in its office's scope. Each step is resumable: the hub answers how far it has durably accepted, and each
/// pulled page is applied together with the cursor after it, so a cut at any moment loses nothing and repeats
/// nothing that would change the state.
public struct SyncEngine: Sendable {
    public let store: Store
    /// How the requests reach the hub: ``HubClient`` over HTTPS, or an in-process hub in tests.
    public let transport: any HubTransport
    public let logger: Logger

    /// Pulled pages authenticate each origin's runs by their last signature (SPEC §5.3a); off, every signature is
    /// checked (the restore benchmark measures both in one run).
    public var authenticateRuns = true

    public init(store: Store, transport: any HubTransport, logger: Logger = Logger(label: "tambon.sync")) {
        self.store = store
        self.transport = transport
        self.logger = logger
    }

    /// Runs one round; `progress` receives human-readable lines (the CLI prints them on stderr).
    @discardableResult
    public func round(deadline: TimeAmount = .seconds(120), progress: @Sendable (String) -> Void = { _ in }) async throws -> SyncReport {
        let (start, signer) = try await begin()
        let node = start.node
        var logger = self.logger
        logger[metadataKey: "node"] = "\(node.id.short)"
        logger[metadataKey: "office"] = "\(node.office)"
        var report = SyncReport()
        do {
            if start.pending > 0 {
                try await push(node: node, signer: signer, report: &report, deadline: deadline, progress: progress, logger: logger)
            }
            try await pull(
                from: start.pullCursor, node: node, signer: signer, report: &report, deadline: deadline, progress: progress, logger: logger)
            // Files after the changes that refer to them: the hub accepts only files its records refer to.
            let files = AttachmentSync(store: store, transport: transport, signer: signer, deadline: deadline, logger: logger)
            let references = try await store.attachmentReferences(office: node.office)
            try await files.push(references, report: &report)
            try await files.pull(references, report: &report)
            if report.filesSent + report.filesReceived > 0 {
                progress("attachments: \(report.filesSent) sent, \(report.filesReceived) received")
            }
            if report.filesWaiting > 0 { progress("attachments: \(report.filesWaiting) not yet at the hub (they come in a later round)") }
        } catch {
            let message = "\(error)"
            let measured = report.skewMillis ?? (error as? TambonError)?.details[HubResponse.skewDetail]?.integerValue
            try? await store.recordSync(error: message, skewMillis: measured)
            logger.warning("sync failed", metadata: ["error": "\(message)"])
            throw error
        }
        try await store.recordSync(error: nil, skewMillis: report.skewMillis)
        logger.info("sync complete", metadata: ["pushed": "\(report.pushed)", "pulled": "\(report.pulled)"])
        return report
    }

    /// Pushes every pending change and pulls nothing (the benchmark measures a push alone). Not recorded as a
    /// sync in `node status`, since the node has not caught up.
    public func pushOnly(deadline: TimeAmount = .seconds(120)) async throws -> SyncReport {
        let (start, signer) = try await begin()
        var report = SyncReport()
        try await push(node: start.node, signer: signer, report: &report, deadline: deadline, progress: { _ in }, logger: logger)
        return report
    }

    private func push(
        node: NodeInfo, signer: RequestSigner, report: inout SyncReport, deadline: TimeAmount, progress: @Sendable (String) -> Void,
        logger: Logger
    ) async throws {
        // The next batch is read, encoded and compressed while the hub handles the one before it, so the node's
        // share of the work stays off the round trip.
        try await Self.readingAhead(prepareBatch(after: nil)) { upcoming in
            while let prepared = try await upcoming.value {
                let last = prepared.changes[prepared.changes.count - 1]
                upcoming = prepareBatch(after: last.seq)
                let members: [String: JSONValue]
                do {
                    let response = try await transport.sizing.push.adapting {
                        try await transport.post(SyncProtocol.Path.push, body: prepared.body, signer: signer, deadline: deadline)
                    }
                    report.record(response)
                    members = response.members
                } catch let refusal as TambonError where refusal.kind == .forbidden && PushRefusal.list(in: refusal.details) != nil {
                    // Some changes were refused by the hub's authority rules; the rest applied. The refused ones stay in
                    // this node's chain, marked, and their records are rebuilt without them: the log moves on.
                    let refused = PushRefusal.list(in: refusal.details) ?? []
                    let mine = refused.filter { seq in prepared.changes.contains { $0.seq == seq.seq } }
                    try await store.markRefused(mine.map { ($0.seq, $0.refusal) })
                    report.refused += mine.count
                    for item in mine {
                        logger.warning(
                            "change refused by the hub",
                            metadata: ["change": "#\(item.seq)", "collection": "\(item.collection)", "reason": "\(item.refusal.code)"])
                        progress("refused by the hub: #\(item.seq) \(item.collection)/\(item.record): \(item.refusal.message)")
                    }
                    members = refusal.details
                }
                report.pushRequests += 1
                let accepted = try SyncMessage.integer(members, "accepted_seq")
                try Self.checkNotStale(acceptedSeq: accepted, node: node)
                try await store.acknowledge(seq: accepted)
                report.pushed += prepared.changes.count
                progress("pushed \(prepared.changes.count) change(s), hub holds this node up to #\(accepted)")
                logger.debug("pushed", metadata: ["changes": "\(prepared.changes.count)", "accepted_seq": "\(accepted)"])
                guard accepted >= last.seq else {
                    throw TambonError(.badResponse, "not_accepted", "the hub accepted up to #\(accepted) of a batch ending at #\(last.seq)")
                }
            }
        }
    }

    /// Runs `body`, which keeps the next piece of work going in `task` (replacing it as it goes); if `body` throws,
    /// the task then pending is cancelled and awaited before the error is rethrown, so nothing started by a round
    /// outlives it.
    private static func readingAhead<Value: Sendable>(
        _ task: Task<Value, any Error>, isolation: isolated (any Actor)? = #isolation, _ body: (inout Task<Value, any Error>) async throws -> Void
    ) async throws {
        var task = task
        do {
            try await body(&task)
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    /// A push batch ready to send.
    private struct PreparedBatch: Sendable {
        let changes: [StoredChange]
        let body: EncodedBody
    }

    /// Reads the pending changes after `seq` (after the hub's acknowledgement if nil), sized for the link and cut at
    /// the protocol's byte limit, and encodes them; nil when nothing is pending.
    private func prepareBatch(after seq: Int64?) -> Task<PreparedBatch?, any Error> {
        Task { [store, transport] in
            var batch = try await store.pendingStoredChanges(limit: transport.sizing.push.size, after: seq)
            var size = 0
            if let cut = batch.firstIndex(where: {
                size += $0.canonicalOperations.count + 512; return size > SyncProtocol.pushBatchBytes
            }), cut > 0 {
                batch.removeSubrange(cut...)
            }
            guard !batch.isEmpty else { return nil }
            // Written from the stored bytes: the values are already canonical JSON.
            let body = ChangeBatchWriter.message(["protocol": .number(Double(SyncProtocol.version))], changes: batch)
            return PreparedBatch(changes: batch, body: try EncodedBody.encode(bytes: body))
        }
    }

    private func pull(
        from cursor: Int64, node: NodeInfo, signer: RequestSigner, report: inout SyncReport, deadline: TimeAmount,
        progress: @Sendable (String) -> Void,
        logger: Logger
    ) async throws {
        // While one page is applied, the next one is already being fetched: the hub reads and sends it, and this
        // node verifies it, while the page before it is written.
        try await Self.readingAhead(fetchPage(after: cursor, nonce: nil, signer: signer, deadline: deadline)) { fetching in
            while true {
                let (cursor, response, changes) = try await fetching.value
                report.record(response)
                report.pullRequests += 1
                let next = try SyncMessage.integer(response.members, "cursor")
                if response.members["accepted_seq"] != nil {
                    try Self.checkNotStale(acceptedSeq: try SyncMessage.integer(response.members, "accepted_seq"), node: node)
                }
                let more = response.members["more"] == .bool(true)
                if more {
                    // The nonce is drawn before this page's transaction takes the store's writer.
                    let nonce = try await signer.nextNonce()
                    fetching = fetchPage(after: next, nonce: nonce, signer: signer, deadline: deadline)
                }
                do {
                    // An empty page at the same cursor (the usual answer of a node that is up to date) changes nothing.
                    if !changes.isEmpty || next != cursor {
                        // A page from the hub: each origin's consecutive changes are authenticated by their chain and
                        // the run's last signature (SPEC §5.3a); a change arriving without its neighbours by its own.
                        try await store.apply(
                            changes, options: ApplyOptions(authenticateRuns: authenticateRuns), settingCursor: (Store.CursorName.pull, next))
                    }
                } catch let rejection as ChangeRejection {
                    if case .invalid(let text) = rejection.reason, text.contains("protocol version") {
                        throw TambonError(
                            .upgradeRequired, "upgrade_needed",
                            "the hub sent changes this version cannot read (\(text)); upgrade needed — pulling stopped before them")
                    }
                    throw rejection
                }
                report.pulled += changes.count
                if !changes.isEmpty { progress("pulled \(changes.count) change(s)") }
                logger.debug("pulled", metadata: ["changes": "\(changes.count)", "cursor": "\(next)"])
                if !more { break }
            }
        }
    }

    /// Requests the page after `cursor` and reads its changes (off the applying task, so that work overlaps too);
    /// the task's value carries the cursor it asked from.
    private func fetchPage(
        after cursor: Int64, nonce: Int64?, signer: RequestSigner, deadline: TimeAmount
    ) -> Task<(Int64, HubResponse, ReceivedChanges), any Error> {
        Task { [transport] in
            let body: JSONValue = [
                "protocol": .number(Double(SyncProtocol.version)), "after": .number(Double(cursor)),
                "limit": .number(Double(transport.sizing.pull.size)),
            ]
            let response = try await transport.sizing.pull.adapting {
                try await transport.post(SyncProtocol.Path.pull, body: body, signer: signer, nonce: nonce, deadline: deadline)
            }
            return (cursor, response, try SyncMessage.received(response.members))
        }
    }

    /// Fetches the hub's agency directory if its version changed (``AgencySync``), after a round. A hub without the
    /// directory (an older version) leaves the node's copy as it was: returns false, never fails the sync.
    @discardableResult
    public func refreshDirectory(deadline: TimeAmount = .seconds(60)) async -> Bool {
        do {
            let (_, signer) = try await begin()
            return try await AgencySync(store: store, transport: transport, signer: signer).refresh(deadline: deadline)
        } catch {
            logger.debug("agency directory not fetched", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The round's starting point in one read, and the signer of its requests; a node that has not joined a hub
    /// cannot sync.
    private func begin() async throws -> (SyncStart, RequestSigner) {
        let start = try await store.syncStart()
        guard let link = start.link else {
            throw StoreError(
                .notJoined, "this node is not enrolled with a hub", hint: "tambon node join --data DIR --hub URL --token TOKEN --ca FILE")
        }
        return (start, .store(store, node: start.node.id, hub: link.hubID))
    }

    /// The hub holding more of this node's log than the node itself means this directory is older than the
    /// node's history (restored from a backup, or a copy): writing on would fork.
    static func checkNotStale(acceptedSeq: Int64, node: NodeInfo) throws {
        guard acceptedSeq > node.lastSeq else { return }
        throw StoreError(
            .staleLog,
            "the hub holds this node's changes up to #\(acceptedSeq) but this data directory ends at #\(node.lastSeq): "
                + "it is older than the node's history (restored from a backup, or a copy)",
            hint: "stop writing here and rebuild the node from the hub (tambon node restore)")
    }
}
