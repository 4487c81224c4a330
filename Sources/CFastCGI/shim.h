#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>

/// `prctl` is variadic, which Swift cannot call: the one option the pool uses.
/// Asks the kernel to send `signal` to this process when its parent (thread) exits.
static inline int CFastCGI_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

#include <sys/socket.h>
#include <sys/time.h>

/// Sets `SO_RCVTIMEO` on `fd` to `milliseconds` (0: none). On a listening socket it bounds
/// a blocking `accept()`, which then fails with `EAGAIN`.
static inline int CFastCGI_set_receive_timeout(int fd, int milliseconds) {
    struct timeval timeout = { .tv_sec = milliseconds / 1000, .tv_usec = (milliseconds % 1000) * 1000 };
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}
