/*
 * Task attempts as local processes: see backend_local.h. One child per
 * attempt, in its own process group; its output is read line by line into
 * the attempt's log (report/logfmt.h) while the engine waits in poll(2).
 */
#include "backend_local.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "report/logfmt.h"
#include "util/buf.h"
#include "util/pipe.h"
#include "util/xalloc.h"


#define S_READ_CHUNK 8192

/* The unfinished line of one output stream. */
struct s_stream {
    int fd;             /* -1 once closed */
    struct eb_buf line; /* at most LOGFMT_LINE_MAX bytes kept */
    size_t cut;         /* bytes of this line beyond that */
};

struct s_child {
    char *handle;
    int task_index, attempt;
    pid_t pid;              /* 0: never started */
    struct s_stream out, err;
    struct eb_buf log;
    struct logfmt fmt;
    bool reaped;
    int wstatus;
    bool finished;          /* output drained, group killed, log closed */
    char *start_error;      /* why it never ran, or NULL */
    int64_t created_ms, started_ms, stopped_ms;
    bool stop_requested;
    int64_t stop_mono;      /* when SIGTERM was sent */
    bool killed;            /* SIGKILL sent */
    char *stop_reason;
};

struct s_local {
    struct backend base;
    const struct plan *plan;
    const struct eb_clock *clock;
    int64_t stop_grace_ms;
    size_t log_max;
    struct s_child **children;
    size_t n, cap;
};

static int64_t
s_now(const struct s_local *l)
{
    return clock_now(l->clock);
}

/* --- output -------------------------------------------------------------------------------- */

static void
s_emit(struct s_local *l, struct s_child *c, struct s_stream *s)
{
    logfmt_line(&c->fmt, s_now(l), buf_cstr(&s->line), s->line.len, s->cut);
    buf_reset(&s->line);
    s->cut = 0;
}

static void
s_feed(struct s_local *l, struct s_child *c, struct s_stream *s, const char *p, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        size_t room = LOGFMT_LINE_MAX > s->line.len ? LOGFMT_LINE_MAX - s->line.len : 0;
        size_t keep = take < room ? take : room;
        (void)buf_append(&s->line, p, keep);
        s->cut += take - keep;
        if (!nl) {
            return;
        }
        s_emit(l, c, s);
        p += take + 1;
        n -= take + 1;
    }
}

static void
s_close_stream(struct s_local *l, struct s_child *c, struct s_stream *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->line.len > 0 || s->cut > 0) {
        s_emit(l, c, s);
    }
}

/* Read what is there without blocking; closes the stream at EOF. */
static void
s_drain(struct s_local *l, struct s_child *c, struct s_stream *s)
{
    char chunk[S_READ_CHUNK];
    while (s->fd >= 0) {
        ssize_t r = read(s->fd, chunk, sizeof chunk);
        if (r > 0) {
            s_feed(l, c, s, chunk, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        s_close_stream(l, c, s);
    }
}

/* --- children ------------------------------------------------------------------------------ */

static struct s_child *
s_find(struct s_local *l, const char *handle)
{
    for (size_t i = 0; handle && i < l->n; i++) {
        if (strcmp(l->children[i]->handle, handle) == 0) {
            return l->children[i];
        }
    }
    return NULL;
}

static void
s_reap(struct s_local *l, struct s_child *c)
{
    if (c->pid <= 0 || c->reaped) {
        return;
    }
    int st;
    pid_t r = waitpid(c->pid, &st, WNOHANG);
    if (r == c->pid) {
        c->reaped = true;
        c->wstatus = st;
        c->stopped_ms = s_now(l);
    } else if (r < 0 && errno == ECHILD) {
        /* someone else reaped it: we cannot know how it ended */
        c->reaped = true;
        c->wstatus = 0;
        c->stopped_ms = s_now(l);
        free(c->start_error);
        c->start_error = xstrdup("the process vanished (reaped elsewhere)");
    }
}

/* After the main process ended: take the rest of its output, end its group, close the log. */
static void
s_finish(struct s_local *l, struct s_child *c)
{
    if (c->finished) {
        return;
    }
    s_drain(l, c, &c->out);
    s_drain(l, c, &c->err);
    if (c->pid > 0) {
        (void)kill(-c->pid, SIGKILL); /* ESRCH when the group is already gone */
    }
    s_close_stream(l, c, &c->out);
    s_close_stream(l, c, &c->err);
    if (c->start_error) {
        char *note = xasprintf("(the process did not start: %s)", c->start_error);
        logfmt_note(&c->fmt, note);
        free(note);
    }
    logfmt_end(&c->fmt);
    c->finished = true;
}

/* SIGKILL what did not stop within the grace period. */
static void
s_enforce_stops(struct s_local *l)
{
    int64_t now = clock_mono(l->clock);
    for (size_t i = 0; i < l->n; i++) {
        struct s_child *c = l->children[i];
        if (c->pid > 0 && c->stop_requested && !c->reaped && !c->killed &&
            now - c->stop_mono >= l->stop_grace_ms) {
            (void)kill(-c->pid, SIGKILL);
            (void)kill(c->pid, SIGKILL);
            c->killed = true;
        }
    }
}

static void
s_child_free(struct s_child *c)
{
    if (!c) {
        return;
    }
    if (c->out.fd >= 0) {
        close(c->out.fd);
    }
    if (c->err.fd >= 0) {
        close(c->err.fd);
    }
    buf_cleanup(&c->out.line);
    buf_cleanup(&c->err.line);
    buf_cleanup(&c->log);
    free(c->handle);
    free(c->start_error);
    free(c->stop_reason);
    free(c);
}

/* --- launching ----------------------------------------------------------------------------- */

static bool
s_env_has(const struct plan_env *env, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(env[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* "NAME=value" strings: the plan's environment, then PATH and HOME when it has none. */
static char **
s_envp(const struct plan_env *env, size_t n, const char **out_path)
{
    char **envp = xcalloc(n + 3, sizeof *envp);
    size_t k = 0;
    *out_path = NULL;
    for (size_t i = 0; i < n; i++) {
        envp[k++] = xasprintf("%s=%s", env[i].name, env[i].value ? env[i].value : "");
        if (strcmp(env[i].name, "PATH") == 0) {
            *out_path = env[i].value;
        }
    }
    static const char *const inherit[] = {"PATH", "HOME"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(inherit[i]);
        if (!s_env_has(env, n, inherit[i]) && v) {
            envp[k++] = xasprintf("%s=%s", inherit[i], v);
            if (i == 0) {
                *out_path = getenv("PATH");
            }
        }
    }
    envp[k] = NULL;
    return envp;
}

static void
s_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

/* execvp's search list, computed before fork: the name itself when it has a '/', else
 * each PATH entry (an empty entry is the current folder). */
static char **
s_candidates(const char *file, const char *path)
{
    if (strchr(file, '/')) {
        char **v = xcalloc(2, sizeof *v);
        v[0] = xstrdup(file);
        return v;
    }
    if (!path) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    size_t n = 1;
    for (const char *p = path; *p; p++) {
        n += *p == ':';
    }
    char **v = xcalloc(n + 1, sizeof *v);
    size_t k = 0;
    const char *p = path;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        v[k++] = len ? xasprintf("%.*s/%s", (int)len, p, file) : xasprintf("./%s", file);
        if (!end) {
            break;
        }
        p = end + 1;
    }
    v[k] = NULL;
    return v;
}

/* In the child, after fork: only async-signal-safe calls. */
static void
s_child_exec(int out_w, int err_w, int status_w, char **argv, char **envp, char **cands,
             pid_t parent)
{
    (void)setpgid(0, 0);
#ifdef __linux__
    /* if the launcher dies without stopping us, end too (ECS would stop the task) */
    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) {
        _exit(127);
    }
#else
    (void)parent;
#endif
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    static const int sigs[] = {SIGPIPE, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        (void)sigaction(sigs[i], &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);

    int in = open("/dev/null", O_RDONLY);
    if (in >= 0 && in != 0) {
        (void)dup2(in, 0);
        (void)close(in);
    }
    (void)dup2(out_w, 1);
    (void)dup2(err_w, 2);
    int saved = ENOENT;
    for (size_t i = 0; cands[i]; i++) {
        execve(cands[i], argv, envp);
        if (errno == EACCES || (errno != ENOENT && errno != ENOTDIR && saved == ENOENT)) {
            saved = errno;
        }
    }
    ssize_t w = write(status_w, &saved, sizeof saved);
    (void)w;
    _exit(127);
}

static struct s_child *
s_new_child(struct s_local *l, const struct launch_request *req)
{
    struct s_child *c = xcalloc(1, sizeof *c);
    c->task_index = req->task_index;
    c->attempt = req->attempt;
    c->out.fd = c->err.fd = -1;
    c->created_ms = s_now(l);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->children = xrealloc(l->children, l->cap * sizeof(struct s_child *));
    }
    l->children[l->n++] = c;
    return c;
}

/* An attempt that never ran: it is STOPPED at once with the reason. */
static void
s_never_started(struct s_local *l, struct s_child *c, const char *container, const char *why,
                const struct launch_request *req)
{
    c->handle = xasprintf("local:task-%d-attempt-%d", req->task_index, req->attempt);
    c->start_error = xstrdup(why);
    c->reaped = true;
    c->stopped_ms = c->created_ms;
    char *stream = xasprintf("local/%s/%s", container, c->handle + 6);
    logfmt_begin(&c->fmt, &c->log, stream, l->log_max);
    free(stream);
}

static int
s_launch(struct backend *b, const struct launch_request *req, struct launch_result *out,
         struct eb_error *err)
{
    struct s_local *l = (struct s_local *)b;
    const struct plan *p = l->plan;
    const char *container = p->essential_container ? p->essential_container : "main";
    memset(out, 0, sizeof *out);
    struct s_child *c = s_new_child(l, req);
    out->status = LAUNCH_STARTED;
    out->created_at_ms = c->created_ms;

    char **argv = plan_container_argv(p, container);
    if (!argv || !argv[0]) {
        char *why = xasprintf("CannotStartContainerError: container %s has no command", container);
        s_never_started(l, c, container, why, req);
        free(why);
        plan_argv_free(argv);
        out->handle = xstrdup(c->handle);
        return EB_OK;
    }
    size_t nenv = 0;
    struct plan_env *env =
        plan_container_env(p, container, req->task_index, req->attempt, req->deadline_ms, &nenv);
    const char *path = NULL;
    char **envp = s_envp(env, nenv, &path);
    char **cands = s_candidates(argv[0], path);
    plan_env_free(env, nenv);

    int rc = EB_OK;
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, stp[2] = {-1, -1};
    if (pipe_cloexec(outp) != 0 || pipe_cloexec(errp) != 0 || pipe_cloexec(stp) != 0) {
        rc = err_set(err, EB_ERR_IO, "cannot create pipes for task %d: %s", req->task_index,
                     strerror(errno));
        goto out;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        rc = err_set(err, EB_ERR_IO, "cannot start a process for task %d: %s", req->task_index,
                     strerror(errno));
        goto out;
    }
    if (pid == 0) {
        s_child_exec(outp[1], errp[1], stp[1], argv, envp, cands, parent);
    }
    (void)setpgid(pid, pid); /* also in the child: whichever runs first */
    close(outp[1]);
    close(errp[1]);
    close(stp[1]);
    outp[1] = errp[1] = stp[1] = -1;
    c->pid = pid;
    c->handle = xasprintf("local:%ld", (long)pid);
    char *stream = xasprintf("local/%s/%ld", container, (long)pid);
    logfmt_begin(&c->fmt, &c->log, stream, l->log_max);
    free(stream);

    /* the status pipe closes on a successful exec, or carries errno */
    int code = 0;
    ssize_t got;
    do {
        got = read(stp[0], &code, sizeof code);
    } while (got < 0 && errno == EINTR);
    if (got == (ssize_t)sizeof code) {
        char *why = xasprintf("CannotStartContainerError: exec \"%s\": %s", argv[0], strerror(code));
        c->start_error = why;
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        c->reaped = true;
        c->wstatus = st;
        c->stopped_ms = s_now(l);
        close(outp[0]);
        close(errp[0]);
        outp[0] = errp[0] = -1;
    } else {
        c->started_ms = s_now(l);
        (void)fcntl(outp[0], F_SETFL, O_NONBLOCK);
        (void)fcntl(errp[0], F_SETFL, O_NONBLOCK);
        c->out.fd = outp[0];
        c->err.fd = errp[0];
        outp[0] = errp[0] = -1;
    }
    out->handle = xstrdup(c->handle);
out:
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0) {
            close(outp[i]);
        }
        if (errp[i] >= 0) {
            close(errp[i]);
        }
        if (stp[i] >= 0) {
            close(stp[i]);
        }
    }
    if (rc != EB_OK) {
        /* forget the slot: nothing started */
        l->n--;
        s_child_free(c);
    }
    s_strv_free(cands);
    s_strv_free(envp);
    plan_argv_free(argv);
    return rc;
}

/* --- observing ----------------------------------------------------------------------------- */

static void
s_observe(struct s_local *l, struct s_child *c, struct observation *o)
{
    const char *container = l->plan->essential_container ? l->plan->essential_container : "main";
    memset(o, 0, sizeof *o);
    s_reap(l, c);
    o->created_at_ms = c->created_ms;
    o->started_at_ms = c->started_ms;
    o->containers = xcalloc(1, sizeof *o->containers);
    o->ncontainers = 1;
    struct container_obs *co = &o->containers[0];
    co->name = xstrdup(container);
    co->essential = true;
    if (!c->reaped) {
        s_drain(l, c, &c->out);
        s_drain(l, c, &c->err);
        o->state = c->stop_requested ? OBS_STOPPING : OBS_RUNNING;
        o->last_status = xstrdup(c->stop_requested ? "STOPPING" : "RUNNING");
        return;
    }
    s_finish(l, c);
    o->state = OBS_STOPPED;
    o->last_status = xstrdup("STOPPED");
    o->stopped_at_ms = c->stopped_ms;
    if (c->start_error) {
        o->stop_code = xstrdup("TaskFailedToStart");
        o->stopped_reason = xstrdup(strncmp(c->start_error, "CannotStartContainerError", 25) == 0
                                        ? c->start_error
                                        : "CannotStartContainerError: the process did not start");
        co->reason = xstrdup(c->start_error);
        return;
    }
    if (WIFSIGNALED(c->wstatus)) {
        co->has_exit_code = true;
        co->exit_code = 128 + WTERMSIG(c->wstatus);
        co->reason = xasprintf("killed by signal %d", WTERMSIG(c->wstatus));
    } else {
        co->has_exit_code = true;
        co->exit_code = WEXITSTATUS(c->wstatus);
    }
    if (c->stop_requested) {
        o->stop_code = xstrdup("UserInitiated");
        o->stopped_reason = xstrdup(c->stop_reason ? c->stop_reason : "Task stopped by user");
    } else {
        o->stop_code = xstrdup("EssentialContainerExited");
        o->stopped_reason = xstrdup("Essential container in task exited");
    }
}

static int
s_describe(struct backend *b, const char *const *handles, size_t n, struct observation *out,
           struct eb_error *err)
{
    (void)err;
    struct s_local *l = (struct s_local *)b;
    s_enforce_stops(l);
    for (size_t i = 0; i < n; i++) {
        struct s_child *c = s_find(l, handles[i]);
        if (!c) {
            memset(&out[i], 0, sizeof out[i]);
            out[i].state = OBS_MISSING;
            continue;
        }
        s_observe(l, c, &out[i]);
    }
    return EB_OK;
}

static int
s_stop(struct backend *b, const char *handle, const char *reason, struct eb_error *err)
{
    struct s_local *l = (struct s_local *)b;
    struct s_child *c = s_find(l, handle);
    if (!c) {
        return err_set(err, EB_ERR_NOT_FOUND, "no local task %s", handle ? handle : "(null)");
    }
    s_reap(l, c);
    if (c->reaped || c->stop_requested) {
        return EB_OK;
    }
    c->stop_requested = true;
    c->stop_mono = clock_mono(l->clock);
    free(c->stop_reason);
    c->stop_reason = xstrdup(reason);
    if (kill(-c->pid, SIGTERM) != 0) {
        (void)kill(c->pid, SIGTERM);
    }
    return EB_OK;
}

static int
s_fetch_log(struct backend *b, const char *handle, int task_index, int attempt, struct eb_buf *out,
            struct eb_error *err)
{
    struct s_local *l = (struct s_local *)b;
    struct s_child *c = s_find(l, handle);
    if (!c) {
        return err_set(err, EB_ERR_NOT_FOUND, "no local task %s (task %d attempt %d)",
                       handle ? handle : "(null)", task_index, attempt);
    }
    if (!c->finished) {
        s_drain(l, c, &c->out);
        s_drain(l, c, &c->err);
    }
    if (buf_append(out, buf_cstr(&c->log), c->log.len) != 0) {
        return err_set(err, EB_ERR_IO, "the log of %s does not fit", handle);
    }
    return EB_OK;
}

/* --- waiting ------------------------------------------------------------------------------- */

static void
s_wait(struct backend *b, int64_t ms)
{
    struct s_local *l = (struct s_local *)b;
    int64_t end = clock_mono(l->clock) + ms;
    struct pollfd *fds = xcalloc(2 * l->n + 1, sizeof *fds);
    struct s_stream **streams = xcalloc(2 * l->n + 1, sizeof(struct s_stream *));
    struct s_child **owners = xcalloc(2 * l->n + 1, sizeof(struct s_child *));
    for (;;) {
        s_enforce_stops(l);
        size_t nf = 0;
        int64_t now = clock_mono(l->clock);
        int64_t until = end;
        for (size_t i = 0; i < l->n; i++) {
            struct s_child *c = l->children[i];
            s_reap(l, c);
            struct s_stream *ss[2] = {&c->out, &c->err};
            for (int k = 0; k < 2; k++) {
                if (ss[k]->fd >= 0) {
                    fds[nf].fd = ss[k]->fd;
                    fds[nf].events = POLLIN;
                    fds[nf].revents = 0;
                    streams[nf] = ss[k];
                    owners[nf] = c;
                    nf++;
                }
            }
            if (c->stop_requested && !c->reaped && !c->killed &&
                c->stop_mono + l->stop_grace_ms < until) {
                until = c->stop_mono + l->stop_grace_ms;
            }
            /* a child whose pipes are held by its own children: look again soon */
            if (!c->reaped && c->pid > 0 && c->out.fd < 0 && c->err.fd < 0 && now + 50 < until) {
                until = now + 50;
            }
        }
        if (now >= end) {
            break;
        }
        int64_t t = until - now;
        if (t < 0) {
            t = 0;
        }
        int r = poll(fds, nf, (int)(t > 60000 ? 60000 : t));
        if (r < 0) {
            if (errno == EINTR) {
                break; /* a signal: let the engine look at its flags */
            }
            break;
        }
        for (size_t i = 0; i < nf; i++) {
            if (fds[i].revents) {
                s_drain(l, owners[i], streams[i]);
            }
        }
    }
    free(fds);
    free(streams);
    free(owners);
}

/* --- the rest ------------------------------------------------------------------------------ */

static const char *
s_task_definition(struct backend *b)
{
    (void)b;
    return "local";
}

static void
s_destroy(struct backend *b)
{
    struct s_local *l = (struct s_local *)b;
    if (!l) {
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        struct s_child *c = l->children[i];
        if (c->pid > 0 && !c->reaped) {
            (void)kill(-c->pid, SIGKILL);
            (void)kill(c->pid, SIGKILL);
            int st;
            while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR) {
            }
        }
        if (c->pid > 0) {
            (void)kill(-c->pid, SIGKILL);
        }
        s_child_free(c);
    }
    free(l->children);
    free(l);
}

static const struct backend_ops s_ops = {
    .name = "local",
    .prepare = NULL,
    .launch = s_launch,
    .describe = s_describe,
    .stop = s_stop,
    .fetch_log = s_fetch_log,
    .find_live = NULL,
    .wait = s_wait,
    .task_definition = s_task_definition,
    .destroy = s_destroy,
};

int
backend_local_new(const struct backend_local_options *o, struct backend **out, struct eb_error *err)
{
    *out = NULL;
    if (!o->plan) {
        return err_set(err, EB_ERR_INVALID, "the local backend needs a plan");
    }
    struct s_local *l = xcalloc(1, sizeof *l);
    l->base.ops = &s_ops;
    l->plan = o->plan;
    l->clock = o->clock ? o->clock : clock_real();
    l->stop_grace_ms = o->stop_grace_ms > 0 ? o->stop_grace_ms : BACKEND_LOCAL_STOP_GRACE_MS;
    l->log_max = o->log_max_bytes;
    *out = &l->base;
    return EB_OK;
}
