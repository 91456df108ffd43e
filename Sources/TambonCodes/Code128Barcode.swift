import CZint

/// A Code 128 barcode made by libzint (Debian's libzint-dev), as the one-row module matrix of its bars: the Bank of
/// Thailand's bill-payment barcode on printed bills (`|`, biller ID, CR, ref 1, CR, ref 2, CR, amount), which needs
/// Code 128's control characters. Quiet zones are the renderer's.
public enum Code128Barcode {
    /// Longer texts are refused: a bill-payment barcode is under 70 characters, and a counter scanner reads a
    /// printed Code 128 of at most about 80.
    public static let maximumCharacters = 80

    /// The bars of `text` (ASCII only); throws if it is empty, too long, not ASCII or libzint refuses it.
    public static func matrix(for text: String) throws(CodeImageError) -> ModuleMatrix {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumCharacters, bytes.allSatisfy({ $0 > 0 && $0 < 128 }) else {
            throw CodeImageError("a Code 128 barcode needs 1 to \(maximumCharacters) ASCII characters without NUL (\(bytes.count) bytes given)")
        }
        guard let symbol = ZBarcode_Create() else { throw CodeImageError("libzint could not allocate a symbol") }
        defer { ZBarcode_Delete(symbol) }
        symbol.pointee.symbology = BARCODE_CODE128
        symbol.pointee.input_mode = DATA_MODE
        let status = ZBarcode_Encode(symbol, bytes, Int32(bytes.count))
        guard status < ZINT_ERROR else {
            let message = withUnsafeBytes(of: symbol.pointee.errtxt) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw CodeImageError("libzint refused the text: \(message)")
        }
        // Row 0 of zint's encoded modules: bit x of the row's bytes is module x, set for a bar.
        let width = Int(symbol.pointee.width)
        let modules = withUnsafeBytes(of: symbol.pointee.encoded_data.0) { row in
            (0..<width).map { row[$0 >> 3] & (1 << ($0 & 7)) != 0 }
        }
        return ModuleMatrix(width: width, height: 1, dark: modules)
    }
}
