import Distributed

extension DistributedGraphBuilder {
    /// Collective. For the inputs `SerialGraphInput` reads whole (standard input, `.gz`, `.npz`,
    /// `.npy`): rank 0 reads the graph, then deals the edges out in file order, in P contiguous
    /// blocks of equal size, the split a byte-range parse of the same edges would make; the
    /// assembly that follows is the one plain files go through. Returns nil on every rank for a
    /// plain text file. Bad input throws rank 0's error on every rank.
    static func readSerially(path: String, communicator: Communicator) throws(InputError)
        -> (list: EdgeList, format: GraphFormat)? {
        let root = communicator.rank == 0
        let chosen = try communicator.agree { () throws(InputError) in
            root ? try SerialGraphInput.form(of: path)?.rawValue ?? 0 : 0
        }
        guard let form = SerialGraphInput.Form(rawValue: communicator.broadcast(root ? chosen : nil)) else { return nil }
        let whole = try communicator.agree { () throws(InputError) -> (list: EdgeList, format: GraphFormat)? in
            root ? try SerialGraphInput.read(path: path, form: form) : nil
        }
        let list = whole?.list ?? EdgeList()
        let formats: [GraphFormat] = [.edgeList, .matrixMarket, .scipySparse, .npyEdges]
        let format = formats[communicator.allreduceMax(whole.map { formats.firstIndex(of: $0.format)! } ?? 0)]
        let declared = communicator.allreduceMax(list.declaredNodeCount ?? -1)
        let weighted = communicator.any(list.weights != nil)

        let p = communicator.size, m = list.count
        let counts = root ? (0..<p).map { r in m * (r + 1) / p - m * r / p } : [Int](repeating: 0, count: p)
        var mine = EdgeList(sources: communicator.exchange(list.sources, sendCounts: counts).values,
                            targets: communicator.exchange(list.targets, sendCounts: counts).values,
                            declaredNodeCount: declared >= 0 ? declared : nil,
                            zeroWeightEdges: list.zeroWeightEdges)
        if weighted {
            let bits = (list.weights ?? []).map(\.bitPattern)
            mine.weights = communicator.exchange(bits, sendCounts: counts).values.map(Double.init(bitPattern:))
        }
        return (mine, format)
    }
}
