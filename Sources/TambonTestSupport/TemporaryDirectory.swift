import Foundation

/// A path for a new directory under the system's temporary directory, unique to this call
/// (`<tmp>/<prefix>-<UUID>`); nothing is created.
public func temporaryDirectory(_ prefix: String = "tambon-test") -> String {
    NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
}
