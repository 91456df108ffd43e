import TambonCore

/// A survey officer's site inspection: the pin (position and its accuracy), the result and notes. Photos are
/// attachments of the application.
public struct SiteInspection: Sendable, Equatable {
    public enum Result: String, Sendable {
        case pass
        case fail
    }

    public let location: GeoPoint
    public let accuracyMetres: Double
    public let result: Result
    public let notes: String
    /// Where the device said it was, with its accuracy, when the officer moved the pin by hand (a phone records
    /// both positions); nil when the pin is the device's position, or the inspection came without it.
    public let device: (location: GeoPoint, accuracyMetres: Double)?

    public static func == (lhs: SiteInspection, rhs: SiteInspection) -> Bool {
        lhs.value == rhs.value
    }

    /// Reads the `inspection` member of a `record-inspection` action.
    public init(payload: [String: JSONValue]) throws(ActionRefusal) {
        guard case .object(let inspection)? = payload["inspection"] else {
            throw Self.invalid("ต้องมีผลการตรวจ (inspection)", "\"inspection\" is required: {lat, lon, accuracy_m, result, notes}")
        }
        guard let lat = inspection["lat"]?.numberValue, let lon = inspection["lon"]?.numberValue else {
            throw Self.invalid("ต้องมีพิกัดจุดตรวจ (lat, lon)", "the inspection needs \"lat\" and \"lon\"")
        }
        do {
            location = try GeoPoint(latitude: lat, longitude: lon, field: "inspection")
        } catch {
            throw Self.invalid(error.thai, error.english)
        }
        guard let accuracy = inspection["accuracy_m"]?.numberValue, accuracy.isFinite, accuracy >= 0, accuracy <= 10_000 else {
            throw Self.invalid("ต้องระบุความแม่นยำของพิกัดเป็นเมตร (0–10,000)", "\"accuracy_m\" must be metres between 0 and 10,000")
        }
        accuracyMetres = accuracy
        guard let resultText = inspection["result"]?.stringValue, let result = Result(rawValue: resultText) else {
            throw Self.invalid("ผลการตรวจต้องเป็น pass หรือ fail", "\"result\" must be \"pass\" or \"fail\"")
        }
        self.result = result
        let notes = inspection["notes"]?.stringValue ?? ""
        guard notes.count <= 5000 else { throw Self.invalid("บันทึกยาวเกิน 5,000 ตัวอักษร", "\"notes\" is longer than 5,000 characters") }
        self.notes = notes
        if case .object(let position)? = inspection["device"] {
            guard let lat = position["lat"]?.numberValue, let lon = position["lon"]?.numberValue,
                let accuracy = position["accuracy_m"]?.numberValue, accuracy.isFinite, accuracy >= 0, accuracy <= 100_000,
                let point = try? GeoPoint(latitude: lat, longitude: lon, field: "inspection")
            else {
                throw Self.invalid(
                    "พิกัดของเครื่อง (device) ต้องมี lat, lon และ accuracy_m", "\"device\" needs \"lat\", \"lon\" and \"accuracy_m\" (0–100,000 m)")
            }
            device = (point, accuracy)
        } else {
            device = nil
        }
    }

    /// The stored form.
    public var value: [String: JSONValue] {
        var value: [String: JSONValue] = [
            "lat": .number(location.latitude), "lon": .number(location.longitude), "accuracy_m": .number(accuracyMetres),
            "result": .string(result.rawValue), "notes": .string(notes),
        ]
        if let device {
            value["device"] = [
                "lat": .number(device.location.latitude), "lon": .number(device.location.longitude), "accuracy_m": .number(device.accuracyMetres),
            ]
        }
        return value
    }

    static func invalid(_ thai: String, _ english: String) -> ActionRefusal {
        ActionRefusal(.invalidPayload, th: thai, en: english)
    }
}
