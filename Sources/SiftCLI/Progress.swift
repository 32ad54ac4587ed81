/// A progress line on stderr while indexing, when stderr is a terminal (not `TERM=dumb`) and
/// `--quiet` was not given; silent otherwise.
struct Progress {
    let total: Int
    let enabled = Output.showsProgress
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant

    init(total: Int) {
        self.total = total
        started = clock.now
        lastShown = started
    }

    mutating func update(files: Int, bytes: Int, documents: Int) {
        guard enabled else { return }
        let now = clock.now
        guard now - lastShown > .milliseconds(200) else { return }
        lastShown = now
        let elapsed = seconds(since: started, clock: clock)
        let rate = Int((Double(documents) / max(elapsed, 1e-9)).rounded())
        Output.errorInline("\rfiles \(files)/\(total)  \(Format.fixed(Double(bytes) / 1_048_576, decimals: 1)) MB  \(documents) documents  \(rate) documents/s   ")
    }

    func finish() {
        if enabled { Output.errorInline("\r\u{1B}[K") }
    }
}
