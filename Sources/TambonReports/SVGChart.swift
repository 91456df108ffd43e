import TambonCore

/// Charts drawn on the server as inline SVG: no JavaScript, readable on an old PC and in print. Every label is
/// XML-escaped here, so the markup can be placed in a page as it is.
enum SVGChart {
    struct Series {
        let name: String
        let color: String
        let values: [Int]
    }

    /// Stacked columns: one column per category (a month), one colour per series (a service), with a legend.
    static func stackedColumns(title: String, categories: [String], series: [Series]) -> String {
        let width = 720.0, height = 260.0, left = 44.0, bottom = 36.0, top = 28.0
        let totals = categories.indices.map { index in series.reduce(0) { $0 + ($1.values.indices.contains(index) ? $1.values[index] : 0) } }
        let maximum = Double(max(1, totals.max() ?? 1))
        let slot = (width - left - 8) / Double(max(1, categories.count))
        let scale = (height - top - bottom) / maximum
        var svg = open(width: width, height: height, title: title)
        svg += axis(left: left, top: top, bottom: height - bottom, right: width - 8, maximum: Int(maximum))
        for (index, category) in categories.enumerated() {
            var y = height - bottom
            let x = left + Double(index) * slot + slot * 0.15
            for item in series {
                let value = item.values.indices.contains(index) ? item.values[index] : 0
                guard value > 0 else { continue }
                let h = Double(value) * scale
                y -= h
                svg +=
                    "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(slot * 0.7))\" height=\"\(f(h))\" fill=\"\(item.color)\"><title>\(escape(category)) · \(escape(item.name)): \(value)</title></rect>"
            }
            if categories.count <= 24 || index % 3 == 0 {
                svg +=
                    "<text x=\"\(f(x + slot * 0.35))\" y=\"\(f(height - bottom + 14))\" font-size=\"10\" text-anchor=\"middle\">\(escape(category))</text>"
            }
        }
        for (index, item) in series.enumerated() {
            let x = left + Double(index) * 200
            svg +=
                "<rect x=\"\(f(x))\" y=\"\(f(height - 14))\" width=\"10\" height=\"10\" fill=\"\(item.color)\"/>"
                + "<text x=\"\(f(x + 14))\" y=\"\(f(height - 5))\" font-size=\"11\">\(escape(item.name))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, largest first (overdue applications by office).
    static func bars(title: String, items: [(label: String, value: Int)], color: String) -> String {
        let rowHeight = 18.0, left = 120.0, width = 720.0, top = 28.0
        let height = top + Double(max(1, items.count)) * rowHeight + 8
        let maximum = Double(max(1, items.map(\.value).max() ?? 1))
        var svg = open(width: width, height: height, title: title)
        if items.isEmpty {
            svg += "<text x=\"\(f(left))\" y=\"\(f(top + 12))\" font-size=\"12\">ไม่มี (none)</text>"
        }
        for (index, item) in items.enumerated() {
            let y = top + Double(index) * rowHeight
            let w = Double(item.value) / maximum * (width - left - 60)
            svg +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y + 12))\" font-size=\"11\" text-anchor=\"end\">\(escape(item.label))</text>"
                + "<rect x=\"\(f(left))\" y=\"\(f(y + 2))\" width=\"\(f(max(1, w)))\" height=\"\(f(rowHeight - 5))\" fill=\"\(color)\"/>"
                + "<text x=\"\(f(left + w + 4))\" y=\"\(f(y + 12))\" font-size=\"11\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    private static func open(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"\(escape(title))\">"
            + "<title>\(escape(title))</title><text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
    }

    private static func axis(left: Double, top: Double, bottom: Double, right: Double, maximum: Int) -> String {
        "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"#888\"/>"
            + "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#888\"/>"
            + "<text x=\"\(f(left - 4))\" y=\"\(f(top + 4))\" font-size=\"10\" text-anchor=\"end\">\(maximum)</text>"
            + "<text x=\"\(f(left - 4))\" y=\"\(f(bottom))\" font-size=\"10\" text-anchor=\"end\">0</text>"
    }

    private static func f(_ value: Double) -> String { String((value * 10).rounded() / 10) }

    static func escape(_ text: String) -> String { XMLText.escaped(text) }
}
