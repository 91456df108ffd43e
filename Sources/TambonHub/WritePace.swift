/// How fast the hub's store is finishing writes (pushes and uploads), from the times of the last completions, and
/// so how long a write arriving now would wait behind those queued: what ``NodeRequestLimiter`` admits to its queue
/// and the `Retry-After` it gives a push it turns away.
///
/// A node turned away with a bare "try again in a second" backs off on its own, exponentially up to a minute. In the
/// national simulation's outage that left the hub idle at the end of the drain while offices waited out back-offs
/// they did not need, and kept others knocking every second while the queue could not take them. The hub knows its
/// queue and its pace; it says when to come back.
///
/// The pace is the write slots over the time a write holds one, smoothed (an exponential moving average): with the
/// slots all taken, writes finish at that rate (Little's law). When the hub is not busy a write holds its slot
/// briefly and the estimate is generous, so the queue takes what comes; once big pushes queue it converges within
/// about ten writes.
///
/// Pure: durations are passed in.
struct WritePace: Sendable {
    /// The weight of the latest write in the average.
    static let smoothing = 0.2

    let slots: Int
    /// Smoothed seconds a write holds its slot; nil before the first.
    private var held: Double?

    init(slots: Int) {
        precondition(slots >= 1)
        self.slots = slots
    }

    /// A write held its slot for `duration`.
    mutating func completed(holding duration: Duration) {
        let seconds = max(0, Self.seconds(duration))
        held = held.map { $0 + Self.smoothing * (seconds - $0) } ?? seconds
    }

    /// Writes finished per second with every slot busy; nil before the first write, or while writes take no time.
    var perSecond: Double? {
        guard let held, held.isFinite, held > 0 else { return nil }
        return Double(slots) / held
    }

    /// How long `writes` writes take at the current pace; nil while the pace is unknown.
    func time(for writes: Int) -> Duration? {
        guard let perSecond else { return nil }
        let seconds = Double(max(0, writes)) / perSecond
        // Bounded at a day before any conversion to an integer; a quotient that is not a finite number is a day too.
        guard seconds.isFinite, seconds < 86_400 else { return .seconds(86_400) }
        return .milliseconds(Int64(seconds * 1_000))
    }

    /// The `Retry-After` for a write turned away with `queued` writes waiting, in whole seconds: when the queue should
    /// have drained to half of what a write may wait (`maximumWait`), so the writes that come back then find room and
    /// the writer still has work. At least 1 s (also while the pace is unknown), at most `ceiling`.
    func retryAfter(queued: Int, maximumWait: Duration, ceiling: Duration = .seconds(300)) -> Int {
        guard let drain = time(for: queued) else { return 1 }
        let wait = drain - maximumWait / 2
        return Int(Self.seconds(min(max(wait, .seconds(1)), ceiling)).rounded(.up))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
