import Distributed
import PairGraph

/// One connected component's rows on this rank, with a halo plan of its own.
///
/// The graph's halo plan links every pair of ranks that share an edge of any component; a
/// component's Lanczos solve runs only on the ranks that hold its rows (PARPACK rejects a local
/// dimension of 0), so its products must exchange only with those. Local columns: the graph's
/// owned rows `0..<localRowCount` (so a row keeps its local index), then this plan's ghosts.
final class ComponentBlock {
    let component: Int
    /// Rows of the component over all ranks.
    let size: Int
    /// The component's local rows of the graph, ascending.
    let rows: [Int32]
    /// Global row of local row 0 of the graph.
    let firstRow: Int
    /// Entries of row `rows[t]`: `rowStart[t]..<rowEnd[t]` of `columns`/`weights`.
    let rowStart: [Int]
    let rowEnd: [Int]
    let columns: [Int32]
    let weights: [Double]
    /// Whether every weight is exactly 1: products then read the pattern alone.
    let hasUnitWeights: Bool
    /// Weighted degree of each of `rows`.
    let degrees: [Double]
    /// Length of a local vector (owned rows, then ghosts).
    let width: Int
    let exchange: HaloExchange
    /// The graph's matvec clock: Lanczos products count in the report's halo/SpMV split.
    let clock: MatvecClock
    /// Whether the graph's own block and halo plan are used (no copy).
    let sharesGraphBlock: Bool
    /// The graph, when its whole local product serves this component (every row of the rank is
    /// the component's): products then run in the graph's `spmvOrder` layout.
    let wholeGraph: DistributedGraph?

    /// Collective over `graph.communicator` (builds the halo plan when one is needed).
    ///
    /// When every rank holds rows of the component, the solve runs on all of them and the graph's
    /// block and halo plan serve as they are (the arrays are shared, not copied: 12 bytes per
    /// nonzero saved on the giant component); entries of other components then travel as zeros.
    /// Otherwise the component's rows are copied with a halo plan over the holding ranks only.
    init(graph: DistributedGraph, component c: Int) {
        component = c
        clock = graph.clock
        size = graph.components.size(c)
        rows = Array(graph.localRows(ofComponent: c))
        firstRow = graph.firstRow
        degrees = rows.map { graph.degrees[Int($0)] }
        let everywhere = graph.communicator.allreduceMin(rows.isEmpty ? 0 : 1) == 1
        sharesGraphBlock = everywhere
        wholeGraph = everywhere && rows.count == graph.localRowCount ? graph : nil
        wholeGraph?.prepareLocalProduct()
        if everywhere {
            let pointers = graph.block.rowPointers
            rowStart = rows.map { pointers[Int($0)] }
            rowEnd = rows.map { pointers[Int($0) + 1] }
            columns = graph.block.columnIndices
            weights = graph.block.values
            hasUnitWeights = graph.block.hasUnitValues
            width = graph.block.columnCount
            exchange = graph.exchange
            return
        }
        var pointers = [0]
        var weights: [Double] = []
        var count = 0
        for r in rows {
            let (cols, w) = graph.neighbours(ofLocal: Int(r))
            weights.append(contentsOf: w)
            count += cols.count
            pointers.append(count)
        }
        let global = rows.lazy.flatMap { graph.neighbours(ofLocal: Int($0)).columns }.map { graph.globalColumn(ofLocal: Int($0)) }
        let requests = HaloRequests(partition: graph.partition, rank: graph.rank, globalColumns: global)
        columns = requests.renumber(global)
        rowStart = Array(pointers.dropLast())
        rowEnd = Array(pointers.dropFirst())
        self.weights = weights
        hasUnitWeights = weights.allSatisfy { $0 == 1 }
        width = requests.localWidth
        // A tag of its own: the graph's exchange may be in use between the same ranks.
        exchange = HaloExchange(plan: HaloPlan(requests: requests, communicator: graph.communicator),
                                communicator: graph.communicator, tag: 0x4343)
    }

    var nonzeros: Int { zip(rowStart, rowEnd).reduce(0) { $0 + $1.1 - $1.0 } }

    /// Collective over the graph's communicator. Anderson-Morley: lambda_max(L_c) <= max over the
    /// component's edges of d_i + d_j (ghost degrees by one halo exchange).
    func andersonMorley(graph: DistributedGraph) -> Double {
        var extended = graph.degrees + [Double](repeating: 0, count: width - graph.localRowCount + 1)
        extended.withUnsafeMutableBufferPointer { exchange.exchange($0.baseAddress!) }
        var sigma = 0.0
        for t in rows.indices {
            for q in rowStart[t]..<rowEnd[t] { sigma = max(sigma, degrees[t] + extended[Int(columns[q])]) }
        }
        return graph.communicator.allreduceMax(sigma)
    }
}

/// G, A_n or sigma I - L restricted to one component, on this rank's rows of it, with the
/// component's known eigenvector projected out of every input and output (docs/math.md section 7):
/// Lanczos then never spends Krylov directions on it. `apply` is collective over the ranks that
/// hold rows of the component (halo exchange, deflation dot products).
final class ComponentOperator: LinearOperator {
    let localDimension: Int
    private let block: ComponentBlock
    /// d^{-1/2} on the component's rows (A_n), else nil.
    private let scale: [Double]?
    /// sigma - d_i on the component's rows (sigma I - L), else nil.
    private let diagonal: [Double]?
    private let deflation: Deflation
    /// x scattered into the graph's local numbering, with the ghost tail; zero off the component.
    private let extended: UnsafeMutablePointer<Double>
    private let projected: UnsafeMutablePointer<Double>
    /// One rank holding the whole component with no ghosts, and no scaling: products read their
    /// input in place.
    private let readsInPlace: Bool

    init(block: ComponentBlock, kind: RelationOperatorKind, shift: Double, deflation: Deflation) {
        self.block = block
        localDimension = block.rows.count
        switch kind {
        case .adjacency:
            scale = nil
            diagonal = nil
        case .normalizedAdjacency:
            scale = block.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            diagonal = nil
        case .laplacian:
            scale = nil
            diagonal = block.degrees.map { shift - $0 }
        }
        self.deflation = deflation
        readsInPlace = scale == nil && block.wholeGraph != nil && block.exchange.communicator.size == 1
            && block.width == block.rows.count
        extended = .allocate(capacity: max(block.width, 1))
        extended.initialize(repeating: 0, count: max(block.width, 1))
        projected = .allocate(capacity: max(localDimension, 1))
        projected.initialize(repeating: 0, count: max(localDimension, 1))
    }

    deinit {
        extended.deallocate()
        projected.deallocate()
    }

    /// Collective like `apply`. Projects the deflated vector out of `v` (a wrapper's own terms).
    func project(_ v: UnsafeMutablePointer<Double>) { deflation.project(v) }

    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        apply(x, into: y, deflating: true)
    }

    /// Collective like `apply`. With `deflating` false, M x without the two projections: M maps the
    /// deflated vector's complement to itself, so a caller that chains products (the Chebyshev
    /// filter) projects once before and once after instead of twice per product, each a pass
    /// over the vector, a dot product and an all-reduce (docs/math.md 7.11).
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, deflating: Bool) {
        let n = localDimension
        let input: UnsafePointer<Double>
        if deflating {
            projected.update(from: x, count: n)
            deflation.project(projected)
            input = UnsafePointer(projected)
        } else {
            input = x
        }
        if readsInPlace {
            // One rank, the component its whole block, no scaling: the product reads x where it is,
            // without the copy into the extended vector (a pass of 20 bytes per row) or an exchange.
            localProduct(UnsafeMutablePointer(mutating: input), exchanging: false, into: y)
        } else {
            block.rows.withUnsafeBufferPointer { rows in
                if let scale {
                    for t in 0..<n { extended[Int(rows[t])] = input[t] * scale[t] }
                } else {
                    for t in 0..<n { extended[Int(rows[t])] = input[t] }
                }
            }
            localProduct(extended, exchanging: true, into: y)
        }
        if let scale { for i in 0..<n { y[i] *= scale[i] } }
        if let diagonal { for i in 0..<n { y[i] += diagonal[i] * input[i] } }
        if deflating { deflation.project(y) }
    }

    /// Entries of a vector buffer that `applyInPlace` can multiply: the block's width (owned rows,
    /// then the ghost tail) where the component is this rank's whole block (its rows are the
    /// block's rows in order) and nothing scales the input; nil otherwise.
    var inPlaceWidth: Int? { scale == nil && block.wholeGraph != nil ? max(block.width, 1) : nil }

    /// Collective like `apply`. M x without the projections (as `apply(_:into:deflating: false)`),
    /// for x held in the first `localDimension` entries of a buffer of `inPlaceWidth` entries: the
    /// halo exchange fills the buffer's ghost tail, so no copy into `extended` comes first (one pass
    /// over the vector per product, which the Chebyshev filter pays m times per step).
    func applyInPlace(_ x: UnsafeMutablePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        precondition(inPlaceWidth != nil, "applyInPlace needs the whole block and no scaling (inPlaceWidth)")
        localProduct(x, exchanging: !readsInPlace, into: y)
        if let diagonal { for i in 0..<localDimension { y[i] += diagonal[i] * x[i] } }
    }

    /// Collective when `exchanging` (the halo exchange). The local product of x, whose owned
    /// entries lead its local vector (the graph's layout, or `extended`'s), with the halo exchange
    /// filling its ghost tail first when `exchanging`; timed into the graph's matvec clock.
    private func localProduct(_ x: UnsafeMutablePointer<Double>, exchanging: Bool, into y: UnsafeMutablePointer<Double>) {
        let t0 = MatvecClock.now()
        if exchanging { block.exchange.exchange(x) }
        let t1 = MatvecClock.now()
        if let graph = block.wholeGraph {
            graph.localProduct(x: x, y: y)
        } else {
            rowProducts(x, into: y)
        }
        block.clock.record(halo: t1 - t0, spmv: MatvecClock.now() - t1)
    }

    /// Collective like `apply`. Y = M X for `count` columns (`localDimension` x count,
    /// column-major, in and out): `apply` on each column, with the halo exchange and the pass over
    /// the rows shared by up to `DistributedGraph.blockProductWidth` columns (one exchange carrying
    /// that many values per ghost) when `blocked` (default: never, as `DistributedGraph.blocksByDefault`). Each
    /// column's deflation, products and sums are `apply`'s, so
    /// every column is bit for bit `apply` of that column.
    func apply(columns x: UnsafePointer<Double>, count: Int, into y: UnsafeMutablePointer<Double>,
               blocked: Bool? = nil) {
        let n = localDimension, rows = block.rows
        guard blocked ?? DistributedGraph.blocksByDefault else {
            for j in 0..<count { apply(x + j * n, into: y + j * n) }
            return
        }
        let chunk = min(count, DistributedGraph.blockProductWidth)
        guard chunk > 0 else { return }
        let inputs = UnsafeMutablePointer<Double>.allocate(capacity: max(n * chunk, 1))
        let wide = UnsafeMutablePointer<Double>.allocate(capacity: max(block.width * chunk, 1))
        let products = UnsafeMutablePointer<Double>.allocate(capacity: max(n * chunk, 1))
        defer {
            inputs.deallocate()
            wide.deallocate()
            products.deallocate()
        }
        for first in stride(from: 0, to: count, by: chunk) {
            let k = min(chunk, count - first)
            // Off the component the block stays zero, as `extended` does for one vector.
            wide.initialize(repeating: 0, count: max(block.width * k, 1))
            for j in 0..<k {
                let p = inputs + j * n
                p.update(from: x + (first + j) * n, count: n)
                deflation.project(p)
            }
            // Row by row (contiguous stores into the interleaved block), as in `DistributedGraph.multiply`.
            for t in 0..<n {
                let row = wide + Int(rows[t]) * k
                for j in 0..<k { row[j] = scale.map { inputs[j * n + t] * $0[t] } ?? inputs[j * n + t] }
            }
            let t0 = MatvecClock.now()
            block.exchange.exchange(wide, width: k)
            let t1 = MatvecClock.now()
            if let graph = block.wholeGraph {
                graph.localProduct(block: wide, width: k, y: products)
            } else {
                rowProducts(block: wide, width: k, into: products)
            }
            block.clock.record(halo: t1 - t0, spmv: MatvecClock.now() - t1, products: k)
            for i in 0..<n { for j in 0..<k { y[(first + j) * n + i] = products[i * k + j] } }
            for j in 0..<k {
                let out = y + (first + j) * n, p = inputs + j * n
                if let scale { for i in 0..<n { out[i] *= scale[i] } }
                if let diagonal { for i in 0..<n { out[i] += diagonal[i] * p[i] } }
                deflation.project(out)
            }
        }
    }

    /// The component's rows of the local product of `width` interleaved columns, from `x`.
    private func rowProducts(block x: UnsafePointer<Double>, width: Int, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        block.rowStart.withUnsafeBufferPointer { start in
            block.rowEnd.withUnsafeBufferPointer { end in
                block.columns.withUnsafeBufferPointer { col in
                    block.weights.withUnsafeBufferPointer { w in
                        RowSums.blockProducts(rows: n, width: width, x: x, columns: col,
                                              values: block.hasUnitWeights ? nil : w, into: y) { t in (t, start[t], end[t]) }
                    }
                }
            }
        }
    }

    /// The component's rows of the local product, from x (`extended`'s layout).
    private func rowProducts(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        block.rowStart.withUnsafeBufferPointer { start in
            block.rowEnd.withUnsafeBufferPointer { end in
                block.columns.withUnsafeBufferPointer { col in
                    block.weights.withUnsafeBufferPointer { w in
                        RowSums.products(rows: n, x: x, columns: col, values: block.hasUnitWeights ? nil : w,
                                         into: y) { t in (t, start[t], end[t]) }
                    }
                }
            }
        }
    }
}
