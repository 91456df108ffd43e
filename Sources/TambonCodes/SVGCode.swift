import TambonCore

/// Draws a module matrix as SVG: one black rectangle per dark run of a row, on white, with a quiet zone. The
/// drawing is in module units and scales to any size without blur (`shape-rendering: crispEdges`).
public enum SVGCode {
    /// A QR code's SVG, `quietZone` modules of white on each side (the standard asks for 4), `pixels` wide.
    public static func qr(_ matrix: ModuleMatrix, quietZone: Int = 4, pixels: Int = 240, title: String? = nil) -> String {
        let side = matrix.width + 2 * quietZone
        var path = ""
        path.reserveCapacity(matrix.width * matrix.height * 4)
        for y in 0..<matrix.height {
            for run in matrix.runs(inRow: y) {
                path += "M\(run.start + quietZone) \(y + quietZone)h\(run.length)v1h-\(run.length)z"
            }
        }
        return document(width: side, height: side, pixelsWide: pixels, pixelsHigh: pixels, path: path, title: title)
    }

    /// A linear barcode's SVG: bars `barHeight` modules high, `quietZone` modules of white left and right (Code
    /// 128 asks for 10), drawn `moduleWidth` pixels per module.
    public static func barcode(_ matrix: ModuleMatrix, barHeight: Int = 50, quietZone: Int = 10, moduleWidth: Int = 2, title: String? = nil) -> String
    {
        var path = ""
        for run in matrix.runs(inRow: 0) {
            path += "M\(run.start + quietZone) 0h\(run.length)v\(barHeight)h-\(run.length)z"
        }
        let width = matrix.width + 2 * quietZone
        return document(
            width: width, height: barHeight, pixelsWide: width * moduleWidth, pixelsHigh: barHeight * moduleWidth, path: path, title: title)
    }

    private static func document(width: Int, height: Int, pixelsWide: Int, pixelsHigh: Int, path: String, title: String?) -> String {
        let label = title.map { "<title>\(escaped($0))</title>" } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="\(pixelsWide)" height="\(pixelsHigh)" \
            shape-rendering="crispEdges" role="img">\(label)<rect width="\(width)" height="\(height)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }

    /// Text safe inside an SVG element.
    static func escaped(_ text: String) -> String { XMLText.escaped(text) }
}
