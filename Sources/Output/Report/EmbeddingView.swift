import DenseAlgebra
import Distributed

/// The rows of one Z* that report.html draws: its first two non-constant columns (a column is
/// constant when its range is below 1e-12 of the largest entry: the zero directions a closed form
/// drops), at every row, or at `limit` evenly spaced rows (row floor(j N / limit), j < limit) when
/// N is larger, so the picture is the same whatever the rank count.
public struct EmbeddingView: Sendable {
    public var loss: String
    /// The Z* columns shown (0-based): two, one (drawn against the row index) or none.
    public var columns: [Int]
    /// Rows of Z* (N), of which `x.count` are drawn.
    public var rows: Int
    public var x: [Double]
    public var y: [Double]
    /// Class index of each drawn row (-1: unlabelled); empty without labels.
    public var classes: [Int]

    public static let defaultLimit = 5000

    /// Collective. `z` holds this rank's rows, the first being global row `firstRow`; `classes`
    /// (this rank's rows' class indices, -1 unlabelled) may be nil.
    public static func gather(loss: String, z: DenseMatrix, firstRow: Int, globalRows n: Int, classes: [Int]?,
                              communicator: Communicator, limit: Int = defaultLimit) -> EmbeddingView {
        var low = [Double](repeating: .infinity, count: z.columns)
        var high = [Double](repeating: -.infinity, count: z.columns)
        for j in 0..<z.columns {
            for v in z.column(j) {
                low[j] = min(low[j], v)
                high[j] = max(high[j], v)
            }
        }
        communicator.allreduceMin(&low)
        communicator.allreduceMax(&high)
        let scale = zip(low, high).map { max(abs($0), abs($1)) }.max() ?? 0
        let shown = Array((0..<z.columns).filter { high[$0] - low[$0] > 1e-12 * scale }.prefix(2))

        var packed: [Double] = []
        if !shown.isEmpty {
            for i in 0..<z.rows {
                let row = firstRow + i
                if n > limit {
                    // Row `row` is drawn iff floor(j n / limit) == row for the smallest j reaching it.
                    let j = (row * limit + n - 1) / n
                    guard j < limit, j * n / limit == row else { continue }
                }
                packed += [z[i, shown[0]], shown.count > 1 ? z[i, shown[1]] : Double(row), Double(classes?[i] ?? -1)]
            }
        }
        let all = communicator.allgatherv(double: packed).values
        let count = all.count / 3
        return EmbeddingView(loss: loss, columns: shown, rows: n,
                             x: (0..<count).map { all[3 * $0] }, y: (0..<count).map { all[3 * $0 + 1] },
                             classes: classes == nil ? [] : (0..<count).map { Int(all[3 * $0 + 2]) })
    }
}
