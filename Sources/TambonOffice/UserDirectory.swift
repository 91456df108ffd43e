import HummingbirdBcrypt
import TambonCore
import TambonOSS
import TambonStore

/// The office's staff accounts: adding them and checking passwords (bcrypt).
public struct UserDirectory: Sendable {
    public static let collection = "users"
    public let store: any HubLog
    /// bcrypt's cost: 12 (about a quarter of a second per login on an office PC); tests use less.
    public let cost: UInt8

    /// A valid bcrypt hash of nothing anyone knows, at the same cost: unknown names take as long as wrong passwords.
    private let decoyHash: String

    public init(store: any HubLog, cost: UInt8 = 12) {
        self.store = store
        self.cost = cost
        decoyHash = Bcrypt.hash("decoy-\(UInt64.random(in: 0...UInt64.max))", cost: cost)
    }

    /// User names: lower-case letters, digits, `.`, `_` and `-`, 2–32 characters, starting with a letter.
    public static func isValidName(_ name: String) -> Bool {
        guard (2...32).contains(name.count), let first = name.first, first.isASCII, first.isLowercase else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    public static let minimumPasswordLength = 10

    /// Adds an account to this node's office. Refused if the name is taken.
    @discardableResult
    public func add(name: String, role: ActorRole, password: String) async throws -> UserAccount {
        guard Self.isValidName(name) else {
            throw OfficeError(
                .unprocessable, code: "invalid_name", th: "ชื่อผู้ใช้ต้องเป็นอักษรภาษาอังกฤษตัวเล็ก ตัวเลข . _ - ยาว 2–32 ตัว ขึ้นต้นด้วยตัวอักษร",
                en: "a user name is 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter")
        }
        guard role != .citizen else {
            throw OfficeError(
                .unprocessable, code: "invalid_role", th: "บทบาทต้องเป็น admin, officer, surveyor หรือ records-officer",
                en: "the role must be admin, officer, surveyor or records-officer"
            )
        }
        guard password.count >= Self.minimumPasswordLength, password.count <= 72 else {
            throw OfficeError(
                .unprocessable, code: "weak_password", th: "รหัสผ่านต้องยาว \(Self.minimumPasswordLength)–72 ตัวอักษร",
                en: "the password must be \(Self.minimumPasswordLength)–72 characters")
        }
        let cost = self.cost
        let hash = await PasswordWork.run { Bcrypt.hash(password, cost: cost) }
        let now = store.configuration.wallClock()
        let changes = try await store.readWrite { transaction in
            let office = transaction.node.office
            let id = Self.recordID(office: office, name: name)
            if try transaction.record(collection: Self.collection, id: id) != nil {
                throw OfficeError(.conflict, code: "user_exists", th: "มีผู้ใช้ชื่อ \(name) อยู่แล้ว", en: "there is already a user \(name)")
            }
            return [
                LocalEdit(
                    collection: Self.collection, record: id,
                    set: [
                        "name": .string(name), "role": .string(role.rawValue), "password_hash": .string(hash), "created_ms": .number(Double(now)),
                        "disabled": false,
                    ], scope: [office])
            ]
        }
        guard let record = try await store.record(collection: Self.collection, id: changes[0].record),
            let account = UserAccount(fields: record.fields, office: record.scope[0])
        else { throw OfficeError.notFound }
        return account
    }

    /// The account if `password` is right; nil otherwise (unknown names cost the same time as wrong passwords).
    public func authenticate(name: String, password: String) async throws -> UserAccount? {
        guard let office = try await store.node()?.office else { return nil }
        let record = Self.isValidName(name) ? try await store.record(collection: Self.collection, id: Self.recordID(office: office, name: name)) : nil
        guard let record, let account = UserAccount(fields: record.fields, office: office) else {
            let decoy = decoyHash
            _ = await PasswordWork.run { Bcrypt.verify(password, hash: decoy) }
            return nil
        }
        let hash = account.passwordHash
        guard await PasswordWork.run({ Bcrypt.verify(password, hash: hash) }), !account.disabled else { return nil }
        return account
    }

    /// An account by name (for sessions), or nil.
    public func account(named name: String) async throws -> UserAccount? {
        guard Self.isValidName(name), let office = try await store.node()?.office,
            let record = try await store.record(collection: Self.collection, id: Self.recordID(office: office, name: name))
        else { return nil }
        return UserAccount(fields: record.fields, office: office)
    }

    /// The office's accounts, by name.
    public func accounts() async throws -> [UserAccount] {
        guard let office = try await store.node()?.office else { return [] }
        return try await store.records(collection: Self.collection, office: office).compactMap { UserAccount(fields: $0.fields, office: office) }
    }

    static func recordID(office: String, name: String) -> String { office + "." + name }
}
