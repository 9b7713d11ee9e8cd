#include "CHypre.h"

HYPRE_Int chypre_pcg_set_boomeramg(HYPRE_Solver pcg, HYPRE_Solver amg) {
    return HYPRE_ParCSRPCGSetPrecond(pcg, HYPRE_BoomerAMGSolve, HYPRE_BoomerAMGSetup, amg);
}

HYPRE_Int chypre_pcg_set_diagscale(HYPRE_Solver pcg) {
    return HYPRE_ParCSRPCGSetPrecond(pcg, HYPRE_ParCSRDiagScale, HYPRE_ParCSRDiagScaleSetup, NULL);
}
