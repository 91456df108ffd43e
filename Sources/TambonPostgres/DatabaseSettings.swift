import Foundation
import NIOSSL
import PostgresNIO
import TambonCore

/// Where a hub's PostgreSQL database is, read from a `postgres://` URL that carries no password.
///
/// - `postgres://USER@HOST:PORT/DB` over TCP; `?sslmode=disable|prefer|require|verify-full` (default `prefer`, as
///   libpq), with `&sslrootcert=FILE` for `verify-full` against a CA of one's own.
/// - `postgres://USER@/DB?host=/run/postgresql` over the Unix socket in that directory (PORT picks the socket's
///   name, `.s.PGSQL.PORT`, default 5432); no TLS on a socket.
///
/// The password is never part of the URL, so it never reaches a command line, a shell's history, the process list,
/// a log line or the data directory: it comes from the environment, `TAMBON_DATABASE_PASSWORD` (or libpq's
/// `PGPASSWORD`), when the store is opened. A URL with a password is refused with that advice.
public struct DatabaseSettings: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public let endpoint: Endpoint
    public let user: String
    public let database: String
    public let tls: TLSMode
    /// A CA certificate file (PEM) that `verify-full` trusts instead of the system's roots.
    public let rootCertificate: String?

    /// The environment variable the password is read from (before libpq's `PGPASSWORD`).
    public static let passwordVariable = "TAMBON_DATABASE_PASSWORD"

    public init(url text: String) throws {
        func invalid(_ message: String) -> TambonError {
            TambonError(
                .invalid, "invalid_database_url",
                "\(message) (expected postgres://USER@HOST:PORT/DATABASE or postgres://USER@/DATABASE?host=/socket/dir)",
                thai: "ที่อยู่ฐานข้อมูลไม่ถูกต้อง")
        }
        guard text.count <= 2_048, let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw invalid("the database must be a postgres:// URL") }
        guard components.password == nil else {
            throw TambonError(
                .invalid, "password_in_url", "the database URL must not carry a password: it would show in the process list, shell history and logs",
                thai: "ห้ามใส่รหัสผ่านในที่อยู่ฐานข้อมูล", hint: "put it in the environment: \(Self.passwordVariable)=… (read when the hub starts)")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else { throw invalid("the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the URL names no database") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value, query[item.name] == nil else { throw invalid("query parameter \(item.name) is empty or repeated") }
            query[item.name] = value
        }
        if let unknown = Set(query.keys).subtracting(["host", "sslmode", "sslrootcert"]).sorted().first {
            throw invalid("unknown parameter \(unknown)")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("the port must be 1–65535") }
        if let directory = query["host"] {
            guard directory.hasPrefix("/"), components.host?.isEmpty ?? true else {
                throw invalid("?host= must be the absolute directory of the server's socket, with no host before the path")
            }
            endpoint = .socket(path: (directory as NSString).appendingPathComponent(".s.PGSQL.\(port)"))
        } else {
            guard let host = components.host, !host.isEmpty else { throw invalid("the URL names no host") }
            endpoint = .tcp(host: host, port: port)
        }
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw invalid("sslmode must be disable, prefer, require or verify-full")
        }
        if case .socket = endpoint, mode == .require || mode == .verifyFull {
            throw invalid("a Unix socket carries no TLS: leave sslmode out")
        }
        if query["sslrootcert"] != nil, mode != .verifyFull { throw invalid("sslrootcert goes with sslmode=verify-full") }
        self.user = user
        self.database = database
        tls = mode
        rootCertificate = query["sslrootcert"]
    }

    /// The URL again, as given (it holds no secret).
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.path = "/" + database
        var items: [URLQueryItem] = []
        switch endpoint {
        case .tcp(let host, let port):
            components.host = host
            components.port = port
        case .socket(let path):
            let name = (path as NSString).lastPathComponent
            if let port = Int(name.dropFirst(".s.PGSQL.".count)), port != 5432 { components.port = port }
            items.append(URLQueryItem(name: "host", value: (path as NSString).deletingLastPathComponent))
        }
        if tls != .prefer, case .tcp = endpoint { items.append(URLQueryItem(name: "sslmode", value: tls.rawValue)) }
        if let rootCertificate { items.append(URLQueryItem(name: "sslrootcert", value: rootCertificate)) }
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? ""
    }

    public var description: String { url }

    /// The same server and user, another database (the tests' throwaway ones).
    public func with(database name: String) throws -> DatabaseSettings {
        var copy = URLComponents(string: url)!
        copy.path = "/" + name
        return try DatabaseSettings(url: copy.string!)
    }

    /// The client's configuration, with the password from `environment`; `role` names the pool in the server's
    /// `application_name` ("tambon hub writer"), so an operator tells the pools apart in `pg_stat_activity`.
    func clientConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment, role: String? = nil
    ) throws -> PostgresClient.Configuration {
        let password = environment[Self.passwordVariable] ?? environment["PGPASSWORD"]
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            let tls: PostgresClient.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer:
                tlsConfiguration.certificateVerification = .none
                tls = .prefer(tlsConfiguration)
            case .require:
                // libpq's `require`: encrypted, the server's certificate not checked.
                tlsConfiguration.certificateVerification = .none
                tls = .require(tlsConfiguration)
            case .verifyFull:
                if let rootCertificate {
                    tlsConfiguration.trustRoots = .file(rootCertificate)
                }
                tls = .require(tlsConfiguration)
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("application_name", role.map { "tambon hub \($0)" } ?? "tambon hub")]
        return configuration
    }
}
