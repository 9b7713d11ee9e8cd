/// A known unit eigenvector projected out of the start vector and of every operator input and
/// output, so that Lanczos spends no Krylov direction on it (MATH.md section 1). Empty when there
/// is nothing to deflate (the adjacency operator).
struct Deflation {
    let vector: [Double]

    init(_ vector: [Double]) {
        self.vector = vector
    }

    /// v <- v - (u . v) u.
    func project(_ v: UnsafeMutablePointer<Double>) {
        guard !vector.isEmpty else { return }
        var dot = 0.0
        for i in 0..<vector.count { dot += vector[i] * v[i] }
        for i in 0..<vector.count { v[i] -= dot * vector[i] }
    }

    func project(_ v: inout [Double]) {
        v.withUnsafeMutableBufferPointer { project($0.baseAddress!) }
    }
}
