import CMPI

/// The process's MPI world. Created once per process by the executable; a plain run without
/// `mpirun` becomes a 1-rank job (singleton init), so every stage sees a communicator either way.
public final class MPIEnvironment {
    public let world: Communicator

    /// Collective over the world. Initialises MPI unless already initialised.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            MPI_Init(nil, nil)
        }
        world = Communicator(cmpi_comm_world())
    }

    /// Collective. Finalises MPI; the communicator must not be used afterwards.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }
}
