import Foundation
import TambonCore

/// A hub run as its own process, `tambon hub serve`, from the binary built beside this benchmark: the national
/// simulation measures the hub's CPU apart from its clients', which share this process.
final class HubProcess: Sendable {
    let url: String
    private let process: Process

    /// The `tambon` binary beside this executable (`swift build -c release` builds both).
    static func binary() throws -> String {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let path = own.deletingLastPathComponent().appendingPathComponent("tambon").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TambonError(.notFound, "bench", "no tambon binary beside tambon-bench at \(path): run `swift build -c release` first")
        }
        return path
    }

    /// Runs `tambon` with `arguments` to the end, its output to `log`; fails if it does.
    static func run(_ arguments: [String], log: String) throws {
        let process = try launch(arguments, log: log)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TambonError(.internal, "bench", "tambon \(arguments.joined(separator: " ")) failed; see \(log)")
        }
    }

    private static func launch(_ arguments: [String], log: String) throws -> Process {
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    /// Starts `tambon hub serve --data DIR` on a free loopback port and waits until it answers.
    init(data: String, log: String, extraArguments: [String] = []) async throws {
        let port = try Self.freePort()
        process = try Self.launch(["hub", "serve", "--data", data, "--listen", "127.0.0.1:\(port)"] + extraArguments, log: log)
        url = "https://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(60)
        while !Self.accepts(port: port) {
            guard process.isRunning else { throw TambonError(.internal, "bench", "the hub exited at start; see \(log)") }
            guard Date() < deadline else { throw TambonError(.unavailable, "bench", "the hub did not listen within 60 s; see \(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The CPU seconds the hub process has used (user and system), from /proc.
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8) else { return 0 }
        return Self.cpuSeconds(stat: text)
    }

    /// The CPU seconds every PostgreSQL server process on this machine has used (user and system), from /proc:
    /// the postmaster and the backends serving the hub, whose work is the PostgreSQL hub's too. A backend that
    /// exits within a window takes its time with it; the hub's pool keeps its connections open, so few do.
    static func postgresCPUSeconds() -> Double {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var total = 0.0
        for entry in entries where entry.allSatisfy(\.isNumber) {
            guard let text = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8), text.contains("(postgres)") else { continue }
            total += cpuSeconds(stat: text)
        }
        return total
    }

    /// utime + stime of a `/proc/PID/stat` line, in seconds.
    static func cpuSeconds(stat text: String) -> Double {
        guard let close = text.lastIndex(of: ")") else { return 0 }
        // After "pid (comm) ", fields start at 3 (state); utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The hub's resident memory in MiB, from /proc.
    func residentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// Stops the hub (SIGTERM, as an operator's service manager would) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TambonError(.internal, "bench", "no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TambonError(.internal, "bench", "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the loopback port.
    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
