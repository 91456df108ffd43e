import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// TLS material for both roles: a private CA (whose certificate nodes pin) and a server certificate it signs — the
/// hub's, and an office node's own for `node serve`.
public enum TLSSetup {
    public struct Material: Sendable {
        public let caCertificatePEM: String
        public let caKeyPEM: String
        public let certificatePEM: String
        public let keyPEM: String
    }

    /// A new CA (valid 20 years) and server certificate (valid 825 days) naming localhost, 127.0.0.1, ::1 and
    /// `hostnames` (DNS names or IP addresses).
    public static func generate(hubName: String, hostnames: [String]) throws -> Material {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Tambon")
            CommonName("Tambon hub CA — \(hubName)")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))

        var names: [GeneralName] = []
        var seen = Set<String>()
        for host in ["localhost", "127.0.0.1", "::1"] + hostnames where seen.insert(host.lowercased()).inserted {
            if let address = ipAddressBytes(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))))
            } else {
                names.append(.dnsName(host))
            }
        }
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(825 * 86_400),
            issuer: caName,
            subject: try DistinguishedName {
                OrganizationName("Tambon"); CommonName(hubName)
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
        return Material(
            caCertificatePEM: try ca.serializeAsPEM().pemString, caKeyPEM: caKey.pemRepresentation,
            certificatePEM: try server.serializeAsPEM().pemString, keyPEM: serverKey.pemRepresentation)
    }

    /// The server TLS configuration from PEM files (the certificate file may hold a chain).
    public static func serverConfiguration(certificatePath: String, keyPath: String) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
