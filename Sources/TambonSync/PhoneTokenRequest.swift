import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// The office node asking the hub for a phone's enrolment token for one of its officers (SPEC §11a), for the staff
/// page that shows it as a QR code. Needs the hub: a phone enrols online.
public enum PhoneTokenRequest {
    /// The token and the hub's address the phone opens.
    public static func token(store: Store, officer: String) async throws -> (token: String, hubURL: String) {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        guard let link = try await store.hubLink() else {
            throw TambonError(
                .conflict, "not_enrolled", "this node is not enrolled with a hub", thai: "เครื่องนี้ยังไม่ได้ลงทะเบียนกับศูนย์กลาง",
                hint: "tambon node join")
        }
        let client = try HubClient(url: link.url, caPEM: link.caPEM)
        do {
            let answer = try await client.post(
                SyncProtocol.Path.phoneTokens, body: ["protocol": .number(Double(SyncProtocol.version)), "officer": .string(officer)],
                signer: .store(store, node: node.id, hub: link.hubID), deadline: .seconds(20))
            await client.shutdown()
            return (try SyncMessage.string(answer.members, "token"), link.url)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
