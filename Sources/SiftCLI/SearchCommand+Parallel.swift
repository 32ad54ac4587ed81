import Dispatch
import Sift

extension SearchCommand {
    /// One query's ranking, searched ahead of printing.
    struct Ranked: Sendable {
        var outcome: Result<SearchResults, SearchError>
        var micros: Int
    }

    /// Ranks every query of a batch on `jobs` threads, one `Searcher` each over the one shared
    /// reader (and its length factors); the answers are in query order and are exactly what
    /// one thread gives. Snippets and explanations are made afterwards, as the results print.
    /// Returns the rankings and the wall-clock seconds the batch took.
    static func rankInParallel(_ queries: [(id: String, text: String)], reader: IndexReader, options: SearchOptions,
                               statistics: CollectionStatistics? = nil, jobs: Int) -> (ranked: [Ranked], seconds: Double) {
        let slots = RankedSlots(count: queries.count)
        let texts = queries.map(\.text)
        let clock = ContinuousClock()
        let started = clock.now
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            let searcher = Searcher(reader: reader)
            for index in stride(from: job, to: texts.count, by: jobs) {
                let queryStarted = clock.now
                let outcome: Result<SearchResults, SearchError>
                do throws(SearchError) {
                    outcome = .success(try searcher.search(texts[index], options: options, statistics: statistics))
                } catch {
                    outcome = .failure(error)
                }
                slots.set(index, Ranked(outcome: outcome, micros: Int((seconds(since: queryStarted, clock: clock) * 1e6).rounded())))
            }
        }
        return (slots.values.map { $0! }, seconds(since: started, clock: clock))
    }

    /// Results written by several threads, each to its own slots.
    private final class RankedSlots: @unchecked Sendable {
        private(set) var values: [Ranked?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        /// Each index is written by exactly one thread, and read only after all have finished.
        func set(_ index: Int, _ value: Ranked) {
            values.withUnsafeMutableBufferPointer { $0[index] = value }
        }
    }
}
