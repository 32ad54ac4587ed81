@_spi(SiftInternal) import SiftIndex

/// A query whose filter clauses cannot be taken apart from its scoring clauses.
public struct FilterPlacementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field of the misplaced filter.
    public var field: String

    public var description: String {
        "the filter on '\(field)' is inside a group of search words; filters restrict the whole query: put them at the top level, or group them only with other filters"
    }
}

extension Query {
    /// The query split into what scores and what filters: filters at the top of the query,
    /// top-level clauses that are filters or groups of only filters (required, optional or
    /// excluded — a filter always restricts, so an optional one counts as required), combined
    /// with AND. The scoring part is nil when nothing scores (a query of filters only).
    /// - Throws: `FilterPlacementError` for a filter inside a group that also holds words,
    ///   where it could not restrict the whole query.
    package func separatingFilters() throws(FilterPlacementError) -> (scoring: Query?, filter: MetadataFilter?) {
        if let filter = try Self.pureFilter(self) { return (nil, filter) }
        guard case .boolean(let clauses, let boost) = self else { return (self, nil) }
        var kept: [BooleanClause] = []
        var filters: [MetadataFilter] = []
        for clause in clauses {
            if let filter = try Self.pureFilter(clause.query) {
                filters.append(clause.occur == .mustNot ? .not(filter) : filter)
            } else {
                try Self.requireNoFilter(clause.query)
                kept.append(clause)
            }
        }
        if filters.isEmpty { return (self, nil) }
        let filter: MetadataFilter = filters.count == 1 ? filters[0] : .all(filters)
        if kept.isEmpty { return (nil, filter) }
        // A lone clause that is not excluded stands for itself, as the parser would have made it.
        if kept.count == 1, kept[0].occur != .mustNot { return (boost == 1 ? kept[0].query : kept[0].query.boosted(by: boost), filter) }
        return (.boolean(kept, boost: boost), filter)
    }

    /// The query as a filter when it holds nothing else: a filter, or a boolean of only filters
    /// (its required clauses all hold, then at least one optional one if there is no required
    /// one, and no excluded one). Nil when it holds words; throws when it mixes both.
    private static func pureFilter(_ query: Query) throws(FilterPlacementError) -> MetadataFilter? {
        switch query {
        case .filter(let filter):
            return filter
        case .term, .phrase, .prefix:
            return nil
        case .boolean(let clauses, _):
            var filters: [(occur: Occur, filter: MetadataFilter)] = []
            for clause in clauses {
                // Words among them: the caller decides whether the filters may stand apart.
                guard let filter = try pureFilter(clause.query) else { return nil }
                filters.append((clause.occur, filter))
            }
            guard !clauses.isEmpty else { return nil }
            return MetadataFilter.combining(filters)
        }
    }

    /// Throws when a filter lies anywhere inside `query` (a clause that holds words).
    private static func requireNoFilter(_ query: Query) throws(FilterPlacementError) {
        var pending: [Query] = [query]
        while let next = pending.popLast() {
            switch next {
            case .filter(let filter):
                throw FilterPlacementError(field: filter.fields.first ?? "")
            case .boolean(let clauses, _):
                pending.append(contentsOf: clauses.map(\.query))
            case .term, .phrase, .prefix:
                continue
            }
        }
    }
}

extension MetadataFilter {
    /// Filters as boolean clauses combine: every required one, at least one optional one when
    /// none is required, no excluded one.
    package static func combining(_ filters: [(occur: Occur, filter: MetadataFilter)]) -> MetadataFilter {
        var parts = filters.filter { $0.occur == .must }.map(\.filter)
        let optional = filters.filter { $0.occur == .should }.map(\.filter)
        if parts.isEmpty && !optional.isEmpty { parts.append(optional.count == 1 ? optional[0] : .any(optional)) }
        parts += filters.filter { $0.occur == .mustNot }.map { .not($0.filter) }
        return parts.count == 1 ? parts[0] : .all(parts)
    }
}
