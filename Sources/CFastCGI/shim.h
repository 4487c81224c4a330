#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>

/// `prctl` is variadic, which Swift cannot call: the one option the pool uses.
/// Asks the kernel to send `signal` to this process when its parent (thread) exits.
static inline int CFastCGI_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
