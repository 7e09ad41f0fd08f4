/*
 * job_load (load.h): find and parse the job document and the catalogue,
 * select a command and a cluster (SPEC §3), read the contexts, merge and
 * validate, and hand back a plan or every problem found.
 */
#include "job/load.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/catalogue.h"
#include "job/context.h"
#include "job/jobid.h"
#include "job/problems.h"
#include "job/source.h"
#include "job/yamljson.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const char *const s_catalogue_defaults[] = {"./ecsbatch.yaml", "/etc/ecsbatch/ecsbatch.yaml"};

/* The job document's text and its name for messages. */
struct s_job_text {
    struct eb_buf text;
    char *name;  /* file, URI, "standard input" or "ECSBATCH_JOB" */
    char *base;  /* what relative paths in it resolve against; NULL = the current folder */
};

static int
s_job_text(const struct job_load_options *o, struct s_job_text *out, struct eb_error *err)
{
    const char *where = o->job;
    if (!where) {
        const char *doc = getenv("ECSBATCH_JOB");
        if (doc && doc[0]) {
            buf_init(&out->text, SOURCE_MAX_BYTES);
            if (buf_puts(&out->text, doc) != 0) {
                return err_set(err, EB_ERR_INVALID, "ECSBATCH_JOB: larger than %u bytes",
                               SOURCE_MAX_BYTES);
            }
            out->name = xstrdup("ECSBATCH_JOB");
            return EB_OK;
        }
        where = getenv("ECSBATCH_JOB_URI");
        if (where && !where[0]) {
            where = NULL;
        }
    }
    if (!where) {
        return err_set(err, EB_ERR_USAGE,
                       "no job: give a JOB argument (a file, - or an s3:// URI), or set "
                       "ECSBATCH_JOB (the document) or ECSBATCH_JOB_URI");
    }
    out->name = xstrdup(strcmp(where, "-") == 0 ? "standard input" : where);
    if (strcmp(where, "-") != 0) {
        out->base = xstrdup(where);
    }
    return source_read(where, o->in, &out->text, err);
}

static int
s_catalogue_text(const struct job_load_options *o, struct eb_buf *text, char **out_path,
                 struct eb_error *err)
{
    const char *path = o->config;
    if (!path) {
        for (size_t i = 0; i < 2 && !path; i++) {
            if (access(s_catalogue_defaults[i], F_OK) == 0) {
                path = s_catalogue_defaults[i];
            }
        }
        if (!path) {
            return err_set(err, EB_ERR_NOT_FOUND,
                           "no catalogue: neither %s nor %s exists; give --config or "
                           "ECSBATCH_CONFIG", s_catalogue_defaults[0], s_catalogue_defaults[1]);
        }
    }
    *out_path = xstrdup(path);
    int rc = source_read(path, o->in, text, err);
    if (rc != EB_OK) {
        err_prefix(err, "catalogue");
    }
    return rc;
}

/* A criteria list as text for messages: ["a", "b"]. */
static char *
s_list_text(const char *const *v, size_t n)
{
    struct eb_buf b = EB_BUF_INIT;
    (void)buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        (void)buf_printf(&b, "%s\"%s\"", i ? ", " : "", v[i]);
    }
    (void)buf_putc(&b, ']');
    return buf_steal(&b);
}

static void
s_criteria(const cJSON *job, const char *key, const char *file, const char ***out_v,
           size_t *out_n, struct job_problems *pr)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(job, key);
    if (catalogue_strings(v, out_v, out_n) != 0) {
        char *text = problems_value(v);
        problems_addf(pr, "%s: %s: %s must be a list of tags", file, key, text);
        free(text);
    }
}

static char *
s_doc_string(const cJSON *job, const char *key, const char *file, struct job_problems *pr)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(job, key);
    char tmp[64];
    if (!v || cJSON_IsNull(v)) {
        return NULL;
    }
    const char *s = yamljson_scalar_text(v, tmp, sizeof tmp);
    if (!s) {
        char *text = problems_value(v);
        problems_addf(pr, "%s: %s: %s must be a string", file, key, text);
        free(text);
        return NULL;
    }
    return xstrdup(s);
}

static struct plan *
s_plan_new(void)
{
    struct plan *p = xcalloc(1, sizeof *p);
    p->task_name_prefix = xstrdup("ecsbatch");
    p->task_count = 1;
    p->polling_interval_ms = 30 * 1000;
    p->timeout_ms = 3600 * 1000;
    p->status_interval_ms = 30 * 1000;
    p->max_fail_count = 3;
    p->max_spot_attempts = 5;
    p->log_fetch = LOG_FETCH_FAILED;
    p->assign_public_ip = -1;
    return p;
}

/* The job id: --job-id / ECSBATCH_JOB_ID, then the document's id, else a generated one. */
static void
s_job_id(struct plan *p, const struct job_load_options *o, const cJSON *job, const char *file,
         struct job_problems *pr)
{
    const cJSON *id = job ? cJSON_GetObjectItemCaseSensitive(job, "id") : NULL;
    if (o->job_id) {
        if (!jobid_is_valid(o->job_id)) {
            problems_addf(pr, "--job-id (or ECSBATCH_JOB_ID): \"%.100s\" is not a job id: 1 to 64 "
                          "characters of A-Z a-z 0-9 _ -", o->job_id);
            return;
        }
        p->job_id = xstrdup(o->job_id);
        return;
    }
    if (id && !cJSON_IsNull(id)) {
        char tmp[64];
        const char *s = yamljson_scalar_text(id, tmp, sizeof tmp);
        if (!s || !jobid_is_valid(s)) {
            char *text = problems_value(id);
            problems_addf(pr, "%s: id: %s is not a job id: 1 to 64 characters of A-Z a-z 0-9 _ -",
                          file, text);
            free(text);
            return;
        }
        p->job_id = xstrdup(s);
        return;
    }
    char gen[JOBID_GENERATED_LEN + 1];
    jobid_generate(gen);
    p->job_id = xstrdup(gen);
}

int
job_load(const struct job_load_options *o, struct plan **out, struct job_problems *problems,
         struct eb_error *err)
{
    int rc;
    struct s_job_text jt;
    memset(&jt, 0, sizeof jt);
    struct eb_buf cat_text = EB_BUF_INIT;
    char *cat_path = NULL;
    cJSON *job = NULL;
    struct catalogue cat;
    memset(&cat, 0, sizeof cat);
    struct job_build b;
    memset(&b, 0, sizeof b);
    const char **ccrit = NULL, **kcrit = NULL;
    size_t nccrit = 0, nkcrit = 0;
    struct job_problems local = {NULL, 0};
    struct job_problems *pr = problems ? problems : &local;
    *out = NULL;

    TRY(s_job_text(o, &jt, err));
    TRY(s_catalogue_text(o, &cat_text, &cat_path, err));

    struct eb_error perr;
    err_clear(&perr);
    job = yamljson_parse(jt.text.ptr ? jt.text.ptr : "", jt.text.len, jt.name, &perr);
    if (!job) {
        problems_addf(pr, "%s", perr.msg);
    } else if (!cJSON_IsObject(job)) {
        char *v = problems_value(job);
        problems_addf(pr, "%s: %s: a job must be a mapping (name, version, command_criteria, "
                      "cluster_criteria, context)", jt.name, v);
        free(v);
        cJSON_Delete(job);
        job = NULL;
    }
    cJSON *cat_root = yamljson_parse(cat_text.ptr ? cat_text.ptr : "", cat_text.len, cat_path, &perr);
    if (!cat_root) {
        problems_addf(pr, "%s", perr.msg);
    }
    catalogue_parse(cat_root, cat_path, &cat, pr);

    struct plan *p = s_plan_new();
    b.plan = p;
    b.pr = pr;
    p->job_source = xstrdup(jt.name);
    p->catalogue_path = xstrdup(cat_path);
    s_job_id(p, o, job, jt.name, pr);
    const cJSON *job_ctx = NULL;
    if (job) {
        p->name = s_doc_string(job, "name", jt.name, pr);
        p->version = s_doc_string(job, "version", jt.name, pr);
        s_criteria(job, "command_criteria", jt.name, &ccrit, &nccrit, pr);
        s_criteria(job, "cluster_criteria", jt.name, &kcrit, &nkcrit, pr);
        job_ctx = cJSON_GetObjectItemCaseSensitive(job, "context");
        if (job_ctx && !cJSON_IsNull(job_ctx) && !cJSON_IsObject(job_ctx)) {
            char *v = problems_value(job_ctx);
            problems_addf(pr, "%s: context: %s must be a mapping", jt.name, v);
            free(v);
        }
        if (!cJSON_IsObject(job_ctx)) {
            job_ctx = NULL;
        }
    }

    if (job && cat_root && cJSON_IsObject(cat_root)) {
        const struct cat_entry *cmd =
            catalogue_select(cat.commands, cat.ncommands, ccrit, nccrit, NULL, 0);
        if (!cmd) {
            char *want = s_list_text(ccrit, nccrit);
            problems_addf(pr, "%s: command_criteria: %s: no active command in %s has all these tags",
                          jt.name, want, cat_path);
            free(want);
        }
        const struct cat_entry *cl = catalogue_select(
            cat.clusters, cat.nclusters, kcrit, nkcrit,
            cmd ? (const char *const *)cmd->cluster_tags : NULL, cmd ? cmd->ncluster_tags : 0);
        if (!cl) {
            char *want = s_list_text(kcrit, nkcrit);
            char *more = cmd ? s_list_text(cmd->cluster_tags, cmd->ncluster_tags) : NULL;
            problems_addf(pr, "%s: cluster_criteria: %s%s%s%s%s: no active cluster in %s has all "
                          "these tags", jt.name, want, more ? " with the cluster_tags " : "",
                          more ? more : "", more ? " of command " : "", more ? cmd->name : "",
                          cat_path);
            free(want);
            free(more);
        }
        if (cmd && cl) {
            p->command_name = xstrdup(cmd->name);
            p->cluster_entry = xstrdup(cl->name);
            b.cmd[0] = (struct ctx_layer){job_ctx, jt.name, jt.base, xstrdup("context")};
            b.cmd[1] = (struct ctx_layer){cmd->context, cat_path, cat_path,
                                          xasprintf("commands[%zu].context", cmd->index)};
            b.ncmd = 2;
            b.cluster = (struct ctx_layer){cl->context, cat_path, cat_path,
                                           xasprintf("clusters[%zu].context", cl->index)};
            context_read(&b);
            validate_plan(&b);
        }
    }

    if (pr->n > 0) {
        plan_free(p);
        rc = err_set(err, EB_ERR_INVALID, "%zu problem%s in the job or the catalogue", pr->n,
                     pr->n == 1 ? "" : "s");
        goto out;
    }
    *out = p;
    rc = EB_OK;
out:
    free(b.cmd[0].prefix);
    free(b.cmd[1].prefix);
    free(b.cluster.prefix);
    context_origins_cleanup(&b.org);
    free(ccrit);
    free(kcrit);
    cJSON_Delete(job);
    catalogue_cleanup(&cat);
    buf_cleanup(&cat_text);
    free(cat_path);
    buf_cleanup(&jt.text);
    free(jt.name);
    free(jt.base);
    job_problems_cleanup(&local);
    return rc;
}
