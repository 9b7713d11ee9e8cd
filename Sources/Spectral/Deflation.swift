import Distributed

/// A known unit eigenvector projected out of the start vector and of every operator input and
/// output, so that Lanczos spends no Krylov direction on it (docs/math.md section 7). Each rank holds
/// its rows of the vector; the dot product is summed over `communicator`, so `project` is
/// collective. Empty when there is nothing to deflate (the adjacency operator); then it is not.
struct Deflation {
    let vector: [Double]
    let communicator: Communicator
    let isActive: Bool

    /// Not collective. `active` must be the same on every rank of `communicator`.
    init(_ vector: [Double], active: Bool, communicator: Communicator) {
        self.vector = vector
        self.isActive = active
        self.communicator = communicator
    }

    /// Collective when active. v <- v - (u . v) u.
    func project(_ v: UnsafeMutablePointer<Double>) {
        guard isActive else { return }
        var dot = 0.0
        for i in 0..<vector.count { dot += vector[i] * v[i] }
        dot = communicator.allreduceSum(dot)
        for i in 0..<vector.count { v[i] -= dot * vector[i] }
    }

    func project(_ v: inout [Double]) {
        v.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress {
                project(base)
            } else {
                var spare = 0.0
                project(&spare)
            }
        }
    }
}
