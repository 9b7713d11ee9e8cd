/// The one way the ranks agree on a failure: every rank reports success or a typed error, and
/// every rank then throws the error of the lowest failing rank (or none does). Work that only one
/// rank does (rank 0 reads a file, writes a report) passes success on the others, so its error
/// reaches every rank the same way.
extension Communicator {
    /// Collective. When `outcome` is a failure on any rank, every rank throws the lowest failing
    /// rank's error (JSON-encoded there and broadcast from it); otherwise each rank returns its own
    /// value. Costs one all-gather of a flag, plus one broadcast when something failed.
    public func agree<T, E: Error & Codable>(_ outcome: Result<T, E>) throws(E) -> T {
        var failure: E?
        if case .failure(let error) = outcome { failure = error }
        let failed = allgather(failure == nil ? 0 : 1)
        guard let first = failed.firstIndex(of: 1) else { return try outcome.get() }
        throw broadcast(rank == first ? failure : nil, root: first)
    }

    /// Collective. `agree` on the outcome of `body`, run on every rank.
    public func agree<T, E: Error & Codable>(_ body: () throws(E) -> T) throws(E) -> T {
        let outcome: Result<T, E>
        do throws(E) { outcome = .success(try body()) } catch { outcome = .failure(error) }
        return try agree(outcome)
    }

    /// Collective. `agree` on work that returns nothing: `failure` is this rank's error, if any.
    public func agree<E: Error & Codable>(failure: E?) throws(E) {
        try agree(failure.map { Result<Void, E>.failure($0) } ?? .success(()))
    }
}
