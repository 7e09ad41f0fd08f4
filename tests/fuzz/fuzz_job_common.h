/*
 * Shared by fuzz_job.c and fuzz_catalogue.c: one input through job_load with
 * its partner document fixed, in a private temporary folder, and, when it
 * loads, through the plan document and the task-definition hash.
 */
#ifndef EB_FUZZ_JOB_COMMON_H
#define EB_FUZZ_JOB_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/load.h"
#include "job/runtask.h"

static char s_dir[64];

/* The task-definition template the catalogue names (td.json). */
static const char s_td[] =
    "{\"family\": \"f\", \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": "
    "[{\"name\": \"main\", \"image\": \"x\", \"environment\": [{\"name\": \"A\", \"value\": \"b\"}]}]}";

static void
s_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", s_dir, name);
}

static void
s_put(const char *name, const void *data, size_t len)
{
    char path[128];
    s_path(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        abort();
    }
    fwrite(data, 1, len, f);
    fclose(f);
}

static void
s_cleanup(void)
{
    const char *names[] = {"cat.yaml", "td.json", "job", "job.json"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        s_path(path, sizeof path, names[i]);
        unlink(path);
    }
    rmdir(s_dir);
}

/* What one target fuzzes: the job or the catalogue, the other document being fixed. */
struct fuzz_job_files {
    const char *tag;        /* the folder is /tmp/eb-fuzz-<tag>-XXXXXX */
    const char *job_name;   /* file name of the job document */
    const char *cat_name;   /* file name of the catalogue */
    bool input_is_job;      /* the input is the job document (else the catalogue) */
    const char *fixed_text; /* the other document */
};

/*
 * Write data as the fuzzed document beside the fixed one and td.json (the
 * folder is made on the first call, removed at exit), then load the job.
 */
static void
fuzz_job_load(const struct fuzz_job_files *f, const uint8_t *data, size_t size)
{
    if (!s_dir[0]) {
        snprintf(s_dir, sizeof s_dir, "/tmp/eb-fuzz-%s-XXXXXX", f->tag);
        if (!mkdtemp(s_dir)) {
            abort();
        }
        atexit(s_cleanup);
        s_put(f->input_is_job ? f->cat_name : f->job_name, f->fixed_text, strlen(f->fixed_text));
        s_put("td.json", s_td, strlen(s_td));
    }
    s_put(f->input_is_job ? f->job_name : f->cat_name, data, size);
    char cat[128], job[128];
    s_path(cat, sizeof cat, f->cat_name);
    s_path(job, sizeof job, f->job_name);
    struct job_load_options o = {job, cat, NULL, NULL};
    struct plan *p = NULL;
    struct job_problems pr = {NULL, 0};
    if (job_load(&o, &p, &pr, NULL) == EB_OK) {
        cJSON *doc = runtask_plan_document(p, NULL);
        char *text = cJSON_PrintUnformatted(doc);
        free(text);
        cJSON_Delete(doc);
        char hash[65];
        runtask_taskdef_hash(p, hash);
        plan_free(p);
    }
    job_problems_cleanup(&pr);
}

#endif
