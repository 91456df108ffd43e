import TambonCore

/// The checks every receiver makes, made before a store signs a change of its own (size included), so no store
/// signs a change the hub would refuse and block its log behind; whichever database holds it.
public enum LocalWriteCheck {
    /// `draft` checked: its encoded operations and canonical body, or the validator's reason as an invalid write.
    public static func check(_ draft: Change) throws -> (operations: EncodedOperations, body: [UInt8]) {
        do throws(ChangeRejection) {
            return try ChangeValidator.check(draft)
        } catch {
            guard case .invalid(let message) = error.reason else { throw error }
            throw StoreError(.invalidWrite, message)
        }
    }
}
