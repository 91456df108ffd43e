import CompressNIO
import NIOCore

/// Draws a module matrix as a PNG: 1-bit greyscale, each module `scale` pixels square (bars `barHeight` modules
/// high for a one-row barcode), with a white quiet zone. The image data is compressed by zlib (through
/// compress-nio); the container — signature, IHDR, IDAT, IEND with their CRC-32s — is the PNG specification's.
public enum PNGCode {
    /// The largest image side drawn, in pixels: a bound on memory for any matrix and scale.
    public static let maximumSide = 4_096

    public static func image(_ matrix: ModuleMatrix, scale: Int = 8, quietZone: Int = 4, barHeight: Int = 50) throws(CodeImageError) -> [UInt8] {
        let rowsOfModules = matrix.height == 1 ? barHeight : matrix.height
        let width = (matrix.width + 2 * quietZone) * scale
        let height = (rowsOfModules + 2 * (matrix.height == 1 ? 0 : quietZone)) * scale
        guard scale >= 1, quietZone >= 0, barHeight >= 1, width <= maximumSide, height <= maximumSide else {
            throw CodeImageError("a \(width) × \(height) pixel image is outside 1 to \(maximumSide) pixels a side")
        }
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter type None
            var row = [UInt8](repeating: 0xFF, count: rowBytes)  // white; a 0 bit is black in 1-bit greyscale
            let moduleY = matrix.height == 1 ? 0 : y / scale - quietZone
            if (0..<matrix.height).contains(moduleY) {
                for x in 0..<width {
                    let moduleX = x / scale - quietZone
                    if (0..<matrix.width).contains(moduleX), matrix[moduleX, moduleY] {
                        row[x >> 3] &= ~(0x80 >> UInt8(x & 7))
                    }
                }
            }
            raw += row
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
        append(chunk: "IHDR", header, to: &png)
        append(chunk: "IDAT", try zlib(raw), to: &png)
        append(chunk: "IEND", [], to: &png)
        return png
    }

    private static func zlib(_ bytes: [UInt8]) throws(CodeImageError) -> [UInt8] {
        do {
            var buffer = ByteBuffer(bytes: bytes)
            var compressed = try buffer.compress(with: .zlib())
            return compressed.readBytes(length: compressed.readableBytes) ?? []
        } catch {
            throw CodeImageError("zlib could not compress the image: \(error)")
        }
    }

    private static func append(chunk type: String, _ data: [UInt8], to png: inout [UInt8]) {
        png += bigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        png += typed
        png += bigEndian(CRC32.checksum(typed))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
