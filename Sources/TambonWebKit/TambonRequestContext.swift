import Hummingbird
import NIOCore

/// The request context of the node's and the hub's routers: Hummingbird's basic one plus the client's address,
/// which login throttling counts per client (tests through the router have none: nil).
public struct TambonRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client as login throttling counts it: its IP address (an IPv6 address by its /64, which one household
    /// or office is usually given whole); nil when unknown.
    public var client: String? { Self.client(of: remoteAddress) }

    /// ``client`` of an address.
    public static func client(of remoteAddress: SocketAddress?) -> String? {
        switch remoteAddress {
        case .v4?: return remoteAddress?.ipAddress
        case .v6(let address)?:
            // The first 8 bytes of the address (sin6_addr follows family, port and flow info in sockaddr_in6).
            var storage = address.address
            let prefix = withUnsafeBytes(of: &storage) { Array($0.dropFirst(8).prefix(8)) }
            return prefix.map { String($0, radix: 16) }.joined(separator: ".") + "/64"
        default: return nil
        }
    }
}
