import CQREncode

/// A QR code made by libqrencode (Debian's libqrencode-dev): the module matrix of a text, with the quiet zone the
/// standard asks for left to the renderer. Error correction M (15% of the symbol may be lost) suits a code printed
/// on paper and read by phone cameras; byte mode keeps the payload exactly as given.
public enum QRCode {
    /// Payloads longer than this are refused: a Thai QR is under 200 characters, and a version-40 symbol holds
    /// at most 2,331 bytes at level M.
    public static let maximumBytes = 2_048

    /// The modules of `text`; throws if it is empty, too long or libqrencode refuses it.
    public static func matrix(for text: String) throws(CodeImageError) -> ModuleMatrix {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumBytes, !bytes.contains(0) else {
            throw CodeImageError("a QR code needs 1 to \(maximumBytes) bytes of text without NUL (\(bytes.count) given)")
        }
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw CodeImageError("libqrencode could not encode the text (\(bytes.count) bytes)")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour (1 dark); the other bits say what part of the symbol it is.
        let modules = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        return ModuleMatrix(width: width, height: width, dark: modules.map { $0 & 1 == 1 })
    }
}
