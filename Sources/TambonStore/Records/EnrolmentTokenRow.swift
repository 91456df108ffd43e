import Foundation
import GRDB

/// A row of `enrolment_tokens` (hub side): a one-time token, kept only as its SHA-256, the office and role it
/// enrols, when it expires, and the node that used it.
struct EnrolmentTokenRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "enrolment_tokens"

    enum Columns: String, ColumnExpression {
        case tokenHash = "token_hash"
        case office
        case role
        case createdMillis = "created_ms"
        case expiresMillis = "expires_ms"
        case usedBy = "used_by"
        case usedMillis = "used_ms"
        case officer
    }

    var tokenHash: Data
    var office: String
    var role: String
    var createdMillis: Int64
    var expiresMillis: Int64
    /// The id of the node that enrolled with it, once used.
    var usedBy: Data?
    var usedMillis: Int64?
    /// For a phone's token: the officer (account name at the office) whose assigned work the phone will hold.
    var officer: String?

    init(tokenHash: Data, office: String, role: String, createdMillis: Int64, expiresMillis: Int64, officer: String? = nil) {
        self.officer = officer
        self.tokenHash = tokenHash
        self.office = office
        self.role = role
        self.createdMillis = createdMillis
        self.expiresMillis = expiresMillis
    }

    init(row: Row) throws {
        tokenHash = row[Columns.tokenHash]
        office = row[Columns.office]
        role = row[Columns.role]
        createdMillis = row[Columns.createdMillis]
        expiresMillis = row[Columns.expiresMillis]
        usedBy = row[Columns.usedBy]
        usedMillis = row[Columns.usedMillis]
        officer = row[Columns.officer]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.tokenHash] = tokenHash
        container[Columns.office] = office
        container[Columns.role] = role
        container[Columns.createdMillis] = createdMillis
        container[Columns.expiresMillis] = expiresMillis
        container[Columns.usedBy] = usedBy
        container[Columns.usedMillis] = usedMillis
        container[Columns.officer] = officer
    }
}
