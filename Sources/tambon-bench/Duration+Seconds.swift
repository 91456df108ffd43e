import Foundation

extension Duration {
    /// The duration in seconds, for figures.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Double {
    /// Rounded to `places` decimals, for the JSON line.
    func rounded(to places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
