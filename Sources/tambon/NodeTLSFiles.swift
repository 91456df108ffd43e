import Foundation
import TambonTLS

/// The node's own TLS material for serving the office network, made on first need under `DATA/tls/`:
/// `node-ca.pem` (to install in the office's browsers), `node-cert.pem` and `node-key.pem` (mode 0600).
struct NodeTLSFiles {
    let ca: String
    let certificate: String
    let key: String

    static func ensure(data: String, nodeName: String, host: String) throws -> NodeTLSFiles {
        let directory = (data as NSString).appendingPathComponent("tls")
        let files = NodeTLSFiles(ca: directory + "/node-ca.pem", certificate: directory + "/node-cert.pem", key: directory + "/node-key.pem")
        if FileManager.default.fileExists(atPath: files.certificate) && FileManager.default.fileExists(atPath: files.key) { return files }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let hostnames = [host, ProcessInfo.processInfo.hostName].filter { !$0.isEmpty && $0 != "0.0.0.0" && $0 != "::" }
        let material = try TLSSetup.generate(hubName: nodeName, hostnames: Array(Set(hostnames)).sorted())
        try material.caCertificatePEM.write(toFile: files.ca, atomically: true, encoding: .utf8)
        try material.certificatePEM.write(toFile: files.certificate, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: files.key, contents: Data(material.keyPEM.utf8), attributes: [.posixPermissions: 0o600])
        return files
    }
}
