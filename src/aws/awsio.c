/*
 * Local inputs of the AWS client core (see awsio.h): non-empty environment
 * variables, bounded file reads worded for the caller, secret wiping
 * (STYLE §3.4: credentials are zeroed when freed), and one child process
 * whose stdout is captured (credential_process).
 */
#include "aws/awsio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "util/buf.h"
#include "util/pipe.h"
#include "util/xalloc.h"

#define S_MIB (1024u * 1024u)

const char *
awsio_env(const char *name)
{
    const char *v = getenv(name);
    return (v && v[0]) ? v : NULL;
}

int
awsio_file_read(const char *path, const char *what, size_t max, bool missing_ok, char **out,
                size_t *out_len, struct eb_error *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (missing_ok && (errno == ENOENT || errno == ENOTDIR)) {
            return EB_OK;
        }
        return err_set(err, EB_ERR_IO, "%s %s: %s", what, path, strerror(errno));
    }
    struct eb_buf b = EB_BUF_INIT;
    buf_init(&b, max);
    char chunk[8192];
    size_t n;
    int rc = EB_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, n) != 0) {
            rc = err_set(err, EB_ERR_INVALID, "%s %s: larger than %zu %s", what, path,
                         max % S_MIB == 0 ? max / S_MIB : max / 1024,
                         max % S_MIB == 0 ? "MiB" : "KiB");
            break;
        }
    }
    if (rc == EB_OK && ferror(f)) {
        rc = err_set(err, EB_ERR_IO, "%s %s: read error", what, path);
    }
    fclose(f);
    if (rc != EB_OK) {
        buf_cleanup(&b);
        return rc;
    }
    *out_len = b.len;
    *out = buf_steal(&b);
    return EB_OK;
}

void
awsio_secret_free(char **p)
{
    if (*p) {
        mbedtls_platform_zeroize(*p, strlen(*p));
        free(*p);
        *p = NULL;
    }
}

void
awsio_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++) {
        free(argv[i]);
    }
    free(argv);
}

static void
s_push_word(char ***v, size_t *n, size_t *cap, struct eb_buf *w)
{
    if (*n + 2 > *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = xstrdup(buf_cstr(w));
    (*v)[*n] = NULL;
    buf_reset(w);
}

int
awsio_split_words(const char *cmd, char ***out, struct eb_error *err)
{
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct eb_buf w = EB_BUF_INIT;
    bool in_word = false;
    const char *p = cmd ? cmd : "";
    int rc = EB_OK;
    *out = NULL;
    for (;;) {
        char ch = *p;
        if (ch == '\0' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            if (in_word) {
                s_push_word(&v, &n, &cap, &w);
                in_word = false;
            }
            if (ch == '\0') {
                break;
            }
            p++;
            continue;
        }
        in_word = true;
        if (ch == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (!end) {
                rc = err_set(err, EB_ERR_INVALID, "no closing quotation");
                goto out;
            }
            (void)buf_append(&w, p + 1, (size_t)(end - p - 1));
            p = end + 1;
        } else if (ch == '"') {
            p++;
            for (;;) {
                if (*p == '\0') {
                    rc = err_set(err, EB_ERR_INVALID, "no closing quotation");
                    goto out;
                }
                if (*p == '"') {
                    p++;
                    break;
                }
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
                    p++;
                }
                (void)buf_putc(&w, *p++);
            }
        } else if (ch == '\\') {
            if (p[1] == '\0') {
                rc = err_set(err, EB_ERR_INVALID, "nothing after a backslash");
                goto out;
            }
            (void)buf_putc(&w, p[1]);
            p += 2;
        } else {
            (void)buf_putc(&w, ch);
            p++;
        }
    }
    if (n == 0) {
        rc = err_set(err, EB_ERR_INVALID, "no command");
        goto out;
    }
    *out = v;
    v = NULL;
out:
    awsio_argv_free(v);
    buf_cleanup(&w);
    return rc;
}

static int64_t
s_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* In the child, after fork: only async-signal-safe calls, then execvp. */
static void
s_child(int devnull, int out_w, int status_w, char *const *argv)
{
    if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0) {
        int e = errno;
        (void)!write(status_w, &e, sizeof e);
        _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    (void)signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    int e = errno;
    (void)!write(status_w, &e, sizeof e);
    _exit(127);
}

int
awsio_run_capture(char *const *argv, size_t max, long timeout_ms, char **out, size_t *out_len,
                  int *exit_code, struct eb_error *err)
{
    int outp[2] = {-1, -1}, stp[2] = {-1, -1}, devnull = -1;
    struct eb_buf b = EB_BUF_INIT;
    pid_t pid = -1;
    int rc = EB_OK;
    *out = NULL;
    *out_len = 0;
    *exit_code = -1;
    buf_init(&b, max);
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || pipe_cloexec(outp) != 0 || pipe_cloexec(stp) != 0) {
        rc = err_set(err, EB_ERR_IO, "cannot run %s: %s", argv[0], strerror(errno));
        goto out;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        rc = err_set(err, EB_ERR_IO, "cannot run %s: %s", argv[0], strerror(errno));
        goto out;
    }
    if (pid == 0) {
        s_child(devnull, outp[1], stp[1], argv);
    }
    s_close(&outp[1]);
    s_close(&stp[1]);
    /* the status pipe closes on a successful exec, or carries errno */
    int code = 0;
    ssize_t got;
    do {
        got = read(stp[0], &code, sizeof code);
    } while (got < 0 && errno == EINTR);
    if (got == (ssize_t)sizeof code) {
        rc = err_set(err, EB_ERR_IO, "cannot run %s: %s", argv[0], strerror(code));
        goto out;
    }
    int64_t deadline = timeout_ms > 0 ? s_mono_ms() + timeout_ms : 0;
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            int64_t left = deadline - s_mono_ms();
            if (left <= 0) {
                rc = err_set(err, EB_ERR_TIMEOUT, "%s did not finish within %ld ms", argv[0],
                             timeout_ms);
                goto out;
            }
            wait_ms = left > 60000 ? 60000 : (int)left;
        }
        struct pollfd pfd = {.fd = outp[0], .events = POLLIN};
        int pr = poll(&pfd, 1, wait_ms);
        if (pr < 0 && errno != EINTR) {
            rc = err_set(err, EB_ERR_IO, "reading the output of %s: %s", argv[0], strerror(errno));
            goto out;
        }
        if (pr <= 0) {
            continue;
        }
        char chunk[4096];
        ssize_t n = read(outp[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = err_set(err, EB_ERR_IO, "reading the output of %s: %s", argv[0], strerror(errno));
            goto out;
        }
        if (n == 0) {
            break;
        }
        if (buf_append(&b, chunk, (size_t)n) != 0) {
            rc = err_set(err, EB_ERR_INVALID, "the output of %s is larger than %zu bytes",
                         argv[0], max);
            goto out;
        }
    }
out:
    s_close(&outp[0]);
    s_close(&outp[1]);
    s_close(&stp[0]);
    s_close(&stp[1]);
    s_close(&devnull);
    if (pid > 0) {
        int st = 0;
        if (rc != EB_OK) {
            (void)kill(pid, SIGKILL);
        }
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
    }
    if (rc != EB_OK) {
        if (b.ptr) {
            mbedtls_platform_zeroize(b.ptr, b.len);
        }
        buf_cleanup(&b);
        return rc;
    }
    *out_len = b.len;
    *out = buf_steal(&b);
    if (!*out) {
        *out = xstrdup("");
    }
    return EB_OK;
}
