#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>

/// `prctl` is variadic, which Swift cannot call: the one option the pool uses.
/// Asks the kernel to send `signal` to this process when its parent (thread) exits.
static inline int CFastCGI_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

#include <sys/epoll.h>
#include <unistd.h>

/// An epoll instance watching `fd` for a connection to accept. -1 on failure.
///
/// Not `EPOLLEXCLUSIVE`: with it the kernel wakes one waiting instance per connection, and
/// while a woken thread has not run yet its instance still counts as waiting, so a second
/// connection can wake it again instead of another idle thread, which then finds that
/// connection only at its next timeout (measured: ~100 ms stalls under load). Every idle
/// thread wakes instead; all but one find `EAGAIN` and wait again.
static inline int CFastCGI_watch_listener(int fd) {
    int poller = epoll_create1(EPOLL_CLOEXEC);
    if (poller < 0) return -1;
    struct epoll_event interest = { .events = EPOLLIN };
    if (epoll_ctl(poller, EPOLL_CTL_ADD, fd, &interest) != 0) {
        close(poller);
        return -1;
    }
    return poller;
}

/// Waits up to `milliseconds` on `poller`: 1 when a connection may be waiting, 0 on timeout,
/// -1 on error (errno set; EINTR when a signal arrived).
static inline int CFastCGI_wait_listener(int poller, int milliseconds) {
    struct epoll_event ready;
    return epoll_wait(poller, &ready, 1, milliseconds);
}
