import Foundation
import GRDB
import TambonCore

/// The `hub_link` table's single row (node side): the hub this node enrolled with and how its last sync went.
struct HubLinkRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hub_link"

    enum Columns: String, ColumnExpression {
        /// Always 1: the table holds one row.
        case id
        case url
        case caPEM = "ca_pem"
        case hubID = "hub_id"
        case role
        case joinedMillis = "joined_ms"
        case lastSuccessMillis = "last_success_ms"
        case lastError = "last_error"
        case lastErrorMillis = "last_error_ms"
        case skewMillis = "skew_ms"
    }

    let link: HubLink

    /// A new enrolment, before its first sync.
    init(url: String, caPEM: String, hubID: NodeID, role: String, joinedMillis: Int64) {
        link = HubLink(
            url: url, caPEM: caPEM, hubID: hubID, role: role, joinedMillis: joinedMillis, lastSuccessMillis: nil,
            lastError: nil, lastErrorMillis: nil, skewMillis: nil)
    }

    init(row: Row) throws {
        let hubID: Data = row[Columns.hubID]
        guard let id = NodeID(bytes: Array(hubID)) else { throw StoreError(.corrupt, "the hub's id is malformed") }
        link = HubLink(
            url: row[Columns.url], caPEM: row[Columns.caPEM], hubID: id, role: row[Columns.role],
            joinedMillis: row[Columns.joinedMillis], lastSuccessMillis: row[Columns.lastSuccessMillis],
            lastError: row[Columns.lastError], lastErrorMillis: row[Columns.lastErrorMillis], skewMillis: row[Columns.skewMillis])
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = 1
        container[Columns.url] = link.url
        container[Columns.caPEM] = link.caPEM
        container[Columns.hubID] = Data(link.hubID.bytes)
        container[Columns.role] = link.role
        container[Columns.joinedMillis] = link.joinedMillis
        container[Columns.lastSuccessMillis] = link.lastSuccessMillis
        container[Columns.lastError] = link.lastError
        container[Columns.lastErrorMillis] = link.lastErrorMillis
        container[Columns.skewMillis] = link.skewMillis
    }
}
