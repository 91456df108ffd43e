/// A grid of dark and light modules: what a QR code or a barcode is before it is drawn. Row-major; `true` is dark.
/// A one-row matrix is a linear barcode, drawn as bars of the height the renderer is given.
public struct ModuleMatrix: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height` modules, row by row.
    public let dark: [Bool]

    public init(width: Int, height: Int, dark: [Bool]) {
        precondition(width > 0 && height > 0 && dark.count == width * height, "a module matrix is width × height modules")
        self.width = width
        self.height = height
        self.dark = dark
    }

    public subscript(x: Int, y: Int) -> Bool { dark[y * width + x] }

    /// The dark runs of row `y` as (start, length), left to right: one SVG rectangle per run keeps the file small.
    func runs(inRow y: Int) -> [(start: Int, length: Int)] {
        var runs: [(start: Int, length: Int)] = []
        var x = 0
        while x < width {
            guard self[x, y] else {
                x += 1
                continue
            }
            let start = x
            while x < width && self[x, y] { x += 1 }
            runs.append((start, x - start))
        }
        return runs
    }
}
