#include "CHypre.h"
#include <stdio.h>
#include "/usr/include/hypre/HYPRE_lobpcg.h"
#include "/usr/include/hypre/_hypre_parcsr_mv.h"

// hypre's LOBPCG works on its "interpreter" multivectors: an array of ParVectors made from a sample
// vector. This copies the start block and the constraint in, runs LOBPCG preconditioned by
// `amg` (set up on `t`), and copies values, vectors (column-major, `local` rows each) and the final
// residual norms out (docs/math.md 7.13, "hypre's LOBPCG").
HYPRE_Int chypre_lobpcg_boomeramg(HYPRE_ParCSRMatrix a, HYPRE_ParCSRMatrix t, HYPRE_ParVector sample,
                                  HYPRE_Solver amg, HYPRE_Int block, HYPRE_Int local,
                                  const double *constraint, const double *start,
                                  double absolute, double relative, HYPRE_Int maxIterations,
                                  double *values, double *vectors, double *residuals, HYPRE_Int *iterations) {
    mv_InterfaceInterpreter interpreter;
    HYPRE_MatvecFunctions matvec;
    HYPRE_ParCSRSetupInterpreter(&interpreter);
    HYPRE_ParCSRSetupMatvec(&matvec);
    HYPRE_Solver solver = NULL;
    HYPRE_Int status = HYPRE_LOBPCGCreate(&interpreter, &matvec, &solver);
    if (status) return status;
    HYPRE_LOBPCGSetMaxIter(solver, maxIterations);
    HYPRE_LOBPCGSetTol(solver, absolute);
    HYPRE_LOBPCGSetRTol(solver, relative);
    HYPRE_LOBPCGSetPrecondUsageMode(solver, 0);
    HYPRE_LOBPCGSetPrintLevel(solver, 0);
    HYPRE_LOBPCGSetPrecond(solver, (HYPRE_PtrToSolverFcn)HYPRE_BoomerAMGSolve,
                           (HYPRE_PtrToSolverFcn)HYPRE_BoomerAMGSetup, amg);
    HYPRE_LOBPCGSetupT(solver, (HYPRE_Matrix)t, (HYPRE_Vector)sample);
    status = HYPRE_LOBPCGSetup(solver, (HYPRE_Matrix)a, (HYPRE_Vector)sample, (HYPRE_Vector)sample);
    if (status) {
        HYPRE_LOBPCGDestroy(solver);
        return status;
    }
    mv_MultiVectorPtr x = mv_MultiVectorCreateFromSampleVector(&interpreter, block, sample);
    mv_MultiVectorPtr y = mv_MultiVectorCreateFromSampleVector(&interpreter, 1, sample);
    HYPRE_ParVector *xs = (HYPRE_ParVector *)((mv_TempMultiVector *)mv_MultiVectorGetData(x))->vector;
    HYPRE_ParVector *ys = (HYPRE_ParVector *)((mv_TempMultiVector *)mv_MultiVectorGetData(y))->vector;
    double *c = hypre_VectorData(hypre_ParVectorLocalVector((hypre_ParVector *)ys[0]));
    for (HYPRE_Int i = 0; i < local; i++) c[i] = constraint[i];
    for (HYPRE_Int j = 0; j < block; j++) {
        double *v = hypre_VectorData(hypre_ParVectorLocalVector((hypre_ParVector *)xs[j]));
        for (HYPRE_Int i = 0; i < local; i++) v[i] = start[(size_t)j * local + i];
    }
    // Not converging to the tolerance within maxIterations is reported through the residuals.
    HYPRE_Int flag = HYPRE_LOBPCGSolve(solver, y, x, values); fprintf(stderr, "LOBPCGDEBUG flag %d err %d it %d\n", (int)flag, (int)HYPRE_GetError(), (int)HYPRE_LOBPCGIterations(solver));
    HYPRE_ClearAllErrors();
    *iterations = HYPRE_LOBPCGIterations(solver);
    double *norms = utilities_FortranMatrixValues(HYPRE_LOBPCGResidualNorms(solver));
    for (HYPRE_Int j = 0; j < block; j++) {
        residuals[j] = norms[j];
        double *v = hypre_VectorData(hypre_ParVectorLocalVector((hypre_ParVector *)xs[j]));
        for (HYPRE_Int i = 0; i < local; i++) vectors[(size_t)j * local + i] = v[i];
    }
    mv_MultiVectorDestroy(x);
    mv_MultiVectorDestroy(y);
    HYPRE_LOBPCGDestroy(solver);
    return 0;
}
