import TambonCore

/// Building-permit sites and food places as a GeoJSON FeatureCollection (RFC 7946): a point and its service,
/// status and office — nothing that names or reaches a person.
public enum SiteMap {
    public struct Site: Sendable, Equatable {
        public let location: GeoPoint
        public let service: String
        public let status: String
        public let office: String

        public init(location: GeoPoint, service: String, status: String, office: String) {
            self.location = location
            self.service = service
            self.status = status
            self.office = office
        }
    }

    public static func featureCollection(_ sites: [Site]) -> JSONValue {
        .object([
            "type": "FeatureCollection",
            "features": .array(
                sites.map { site in
                    .object([
                        "type": "Feature",
                        // RFC 7946 §3.1.1: longitude first; 6 decimals (about 0.1 m) is all a pin carries.
                        "geometry": .object([
                            "type": "Point",
                            "coordinates": .array([.number(rounded(site.location.longitude)), .number(rounded(site.location.latitude))]),
                        ]),
                        "properties": .object(["service": .string(site.service), "status": .string(site.status), "office": .string(site.office)]),
                    ])
                }),
        ])
    }

    /// The same collection as canonical JSON bytes, written straight out: a national map has hundreds of thousands
    /// of points, and a tree of `JSONValue`s for each would cost more than the query.
    public static func encoded(_ sites: [Site]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(sites.count * 150)
        output += Array(#"{"features":["#.utf8)
        for (index, site) in sites.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output += Array(#"{"geometry":{"coordinates":["#.utf8)
            CanonicalJSON.appendNumber(rounded(site.location.longitude), to: &output)
            output.append(UInt8(ascii: ","))
            CanonicalJSON.appendNumber(rounded(site.location.latitude), to: &output)
            output += Array(#"],"type":"Point"},"properties":{"office":"#.utf8)
            CanonicalJSON.appendString(site.office, to: &output)
            output += Array(#","service":"#.utf8)
            CanonicalJSON.appendString(site.service, to: &output)
            output += Array(#","status":"#.utf8)
            CanonicalJSON.appendString(site.status, to: &output)
            output += Array(#"},"type":"Feature"}"#.utf8)
        }
        output += Array(#"],"type":"FeatureCollection"}"#.utf8)
        return output
    }

    static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}
