// HYPRE_utilities.h includes <HYPRE_config.h> with angle brackets, which needs /usr/include/hypre on
// the include path; this target's include/ directory is on it, so this forwards to the installed one.
#include "/usr/include/hypre/HYPRE_config.h"
