import Testing

/// Every CLI test spawns `eigenpair` (and sometimes `mpirun`) as a child process. They run one at a
/// time: on a 2-core machine concurrent MPI jobs busy-poll each other. The
/// serialized trait is recursive, so the nested suites in the other files are serialized too.
@Suite(.serialized)
struct CLITests {}
