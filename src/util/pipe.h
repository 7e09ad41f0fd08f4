/*
 * A pipe whose two ends close on exec: the launcher's children (local tasks, a
 * credential_process) inherit only the ends dup2'ed onto their standard streams.
 */
#ifndef EB_UTIL_PIPE_H
#define EB_UTIL_PIPE_H

#include <fcntl.h>
#include <unistd.h>

static inline int
pipe_cloexec(int fds[2])
{
    if (pipe(fds) != 0) {
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        (void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

#endif
