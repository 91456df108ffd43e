import TambonCore

/// A position (WGS 84) pinned on a form or by a survey officer's device.
public struct GeoPoint: Hashable, Sendable {
    public let latitude: Double
    public let longitude: Double

    /// Thailand's bounding box (domain facts: latitude 5.6–20.5 N, longitude 97.3–105.7 E). A box, not the border:
    /// it refuses a pin that is clearly elsewhere (swapped coordinates, a default 0/0) without a map data set.
    public static let thailandLatitudes: ClosedRange<Double> = 5.6...20.5
    public static let thailandLongitudes: ClosedRange<Double> = 97.3...105.7

    /// A point that must lie inside Thailand. `field` names the form field in the error.
    public init(latitude: Double, longitude: Double, field: String = "location") throws(FieldError) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude) else {
            throw FieldError(field, th: "พิกัดไม่ถูกต้อง", en: "the coordinates are not a valid position")
        }
        guard Self.thailandLatitudes.contains(latitude), Self.thailandLongitudes.contains(longitude) else {
            throw FieldError(
                field, th: "ตำแหน่งที่ปักหมุดต้องอยู่ในประเทศไทย (ละติจูด 5.6–20.5, ลองจิจูด 97.3–105.7)",
                en: "the pinned position must lie inside Thailand (latitude 5.6–20.5, longitude 97.3–105.7)")
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The `{"lat", "lon"}` object a form, a record or a payload carries: nil if there is none (or it lacks a
    /// number), refused (`field`) if it lies outside Thailand.
    public static func pinned(_ value: JSONValue?, field: String = "location") throws(FieldError) -> GeoPoint? {
        guard case .object(let point)? = value, let lat = point["lat"]?.numberValue, let lon = point["lon"]?.numberValue else { return nil }
        return try GeoPoint(latitude: lat, longitude: lon, field: field)
    }
}
