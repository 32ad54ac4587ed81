import Synchronization

/// Values derived from an open index that every searcher of it can share (BM25's length
/// factors for a choice of k1 and b, …), made once on first use and kept for the reader's life.
///
/// The reader knows nothing of what is cached: the layer above gives a key and a way to make
/// the value. Thread-safe; the value must be immutable once made.
package final class ReaderCache: Sendable {
    private let values = Mutex<[AnyHashable: any Sendable]>([:])

    package init() {}

    /// The value for `key`, made by `make` the first time. Two threads asking at once may both
    /// make it; the first stored wins and both get that one.
    package func value<Key: Hashable & Sendable, Value: Sendable>(for key: Key, make: () -> Value) -> Value {
        if let found = values.withLock({ $0[AnyHashable(key)] }) as? Value { return found }
        let made = make()
        return values.withLock { stored in
            if let found = stored[AnyHashable(key)] as? Value { return found }
            stored[AnyHashable(key)] = made
            return made
        }
    }
}
