/* Durable file writes: see atomicfile.h. */
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

int
atomicfile_mkdirs(const char *path, struct eb_error *err)
{
    char *p = xstrdup(path);
    int rc = EB_OK;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') {
            continue;
        }
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            rc = err_set(err, EB_ERR_IO, "cannot create folder %s: %s", p, strerror(errno));
            break;
        }
        *s = '/';
    }
    free(p);
    return rc;
}

static void
s_sync_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) {
        slash[1] = '\0';
    } else if (slash) {
        *slash = '\0';
    } else {
        free(dir);
        dir = xstrdup(".");
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Write data to a fresh temporary file beside path; returns its name or NULL. */
static char *
s_write_tmp(const char *path, const void *data, size_t len, struct eb_error *err)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err_set(err, EB_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            err_set(err, EB_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            free(tmp);
            return NULL;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        err_set(err, EB_ERR_IO, "cannot flush %s: %s", tmp, strerror(errno));
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

int
atomicfile_write(const char *path, const void *data, size_t len, struct eb_error *err)
{
    int rc = atomicfile_mkdirs(path, err);
    if (rc != EB_OK) {
        return rc;
    }
    char *tmp = s_write_tmp(path, data, len, err);
    if (!tmp) {
        return EB_ERR_IO;
    }
    if (rename(tmp, path) != 0) {
        rc = err_set(err, EB_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
    } else {
        s_sync_dir(path);
    }
    free(tmp);
    return rc;
}

int
atomicfile_create(const char *path, const void *data, size_t len, struct eb_error *err)
{
    int rc = atomicfile_mkdirs(path, err);
    if (rc != EB_OK) {
        return rc;
    }
    char *tmp = s_write_tmp(path, data, len, err);
    if (!tmp) {
        return EB_ERR_IO;
    }
    if (link(tmp, path) != 0) {
        rc = errno == EEXIST ? EB_ERR_EXISTS
                             : err_set(err, EB_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    } else {
        s_sync_dir(path);
    }
    unlink(tmp);
    free(tmp);
    return rc;
}

int
atomicfile_read(const char *path, char **out, size_t *out_len, struct eb_error *err)
{
    *out = NULL;
    if (out_len) {
        *out_len = 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return err_set(err, EB_ERR_NOT_FOUND, "%s does not exist", path);
        }
        return err_set(err, EB_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    }
    struct eb_buf b = EB_BUF_INIT;
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            close(fd);
            buf_cleanup(&b);
            return err_set(err, EB_ERR_IO, "cannot read %s: %s", path, strerror(e));
        }
        if (n == 0) {
            break;
        }
        buf_append(&b, chunk, (size_t)n);
    }
    close(fd);
    if (out_len) {
        *out_len = b.len;
    }
    *out = buf_steal(&b);
    return EB_OK;
}
