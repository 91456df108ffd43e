import Foundation

/// `tambon hub serve` as a subprocess on a free port, read back from its log line.
typealias HubProcess = ServerProcess

extension ServerProcess {
    convenience init(data: String) throws {
        try self.init(arguments: ["hub", "serve", "--data", data, "--listen", "127.0.0.1:0"], address: #"address=https://127\.0\.0\.1:\d+"#)
    }
}

/// A `tambon … serve` subprocess; `url` is read back from the log line matching `address` (a regular expression
/// starting with `address=`).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var url = ""
    private let lock = NSLock()
    private var log = ""

    init(arguments: [String], address pattern: String) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            guard let self else { return }
            self.lock.withLock { self.log += chunk }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = lock.withLock { log }
            if let range = text.range(of: pattern, options: .regularExpression) {
                url = String(text[range].dropFirst("address=".count))
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw CLIFailure("\(arguments.prefix(2).joined(separator: " ")) did not start: \(lock.withLock { log })")
    }

    var output: String { lock.withLock { log } }

    /// Stops the server (SIGTERM, then waits); stopping one already stopped does nothing.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
