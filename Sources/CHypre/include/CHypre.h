// hypre 2.26 (Debian's libhypre-dev, built against the same OpenMPI): IJ matrices and vectors,
// PCG and BoomerAMG on ParCSR (docs/math.md 7.13). Debian ships no pkg-config file for hypre, and
// its headers include <HYPRE_config.h> with angle brackets, so this is a C target: its include/
// directory (on every dependent's path) forwards that header; CMPI supplies mpi.h's directory.
#include "/usr/include/hypre/HYPRE.h"
#include "/usr/include/hypre/HYPRE_IJ_mv.h"
#include "/usr/include/hypre/HYPRE_parcsr_ls.h"

// PCG's preconditioner hook takes function pointers of hypre's own typedef; handing BoomerAMG's
// over in C keeps Swift from converting between the two C function types.
HYPRE_Int chypre_pcg_set_boomeramg(HYPRE_Solver pcg, HYPRE_Solver amg);
HYPRE_Int chypre_pcg_set_diagscale(HYPRE_Solver pcg);

// hypre's LOBPCG for the `block` smallest eigenpairs of `a` orthogonal to `constraint`, with one
// BoomerAMG V-cycle (`amg`, set up here on `t`) as preconditioner; the multivector plumbing stays in C
// (lobpcg.c). `start` and `vectors` are column-major, `local` rows per column.
HYPRE_Int chypre_lobpcg_boomeramg(HYPRE_ParCSRMatrix a, HYPRE_ParCSRMatrix t, HYPRE_ParVector sample,
                                  HYPRE_Solver amg, HYPRE_Int block, HYPRE_Int local,
                                  const double *constraint, const double *start,
                                  double absolute, double relative, HYPRE_Int maxIterations,
                                  double *values, double *vectors, double *residuals, HYPRE_Int *iterations);
