/* Command-line parsing and help text (SPEC §2). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_names[CMD__COUNT] = {
    [CMD_NONE] = NULL,         [CMD_RUN] = "run",         [CMD_VALIDATE] = "validate",
    [CMD_WHOAMI] = "whoami",   [CMD_STATUS] = "status",   [CMD_VERSION] = "version",
    [CMD_HELP] = "help",
};

enum cli_command
cli_command_from_name(const char *name)
{
    for (int i = 1; i < CMD__COUNT; i++) {
        if (strcmp(name, s_names[i]) == 0) {
            return (enum cli_command)i;
        }
    }
    return CMD_NONE;
}

static const char s_overview[] =
    "usage: ecsbatch COMMAND [options]\n"
    "\n"
    "Run a batch of AWS ECS tasks to its end: launch, poll, retry, time out,\n"
    "collect logs and write a result.\n"
    "\n"
    "commands:\n"
    "  run      [options] [JOB]   run a job to its end (the main command)\n"
    "  validate [options] [JOB]   check catalogue and job, print the resolved plan, touch nothing\n"
    "  whoami                     print what the launcher discovered about itself, as JSON\n"
    "  status   JOB_ID [options]  print the status or result document of a job\n"
    "  version | --version        version and the versions of the linked libraries\n"
    "  help [COMMAND] | --help    this text, or a command's\n"
    "\n"
    "JOB is a JSON or YAML file, - for standard input, or s3://bucket/key; without\n"
    "it the job comes from ECSBATCH_JOB (the document) or ECSBATCH_JOB_URI.\n"
    "\n"
    "exit codes: 0 SUCCEEDED, 1 FAILED, 2 bad usage/catalogue/job (nothing launched),\n"
    "3 TIMED_OUT, 4 CANCELLED, 5 ERROR (credentials, AWS, results not stored).\n";

static const char s_job_options[] =
    "options:\n"
    "  --config PATH|s3://...   catalogue of commands and clusters (ECSBATCH_CONFIG;\n"
    "                           default ./ecsbatch.yaml, then /etc/ecsbatch/ecsbatch.yaml)\n"
    "  --results URI            s3://bucket/prefix or a folder (ECSBATCH_RESULTS; else the\n"
    "                           cluster context's results, else ./ecsbatch-results)\n"
    "  --job-id ID              the job's id, [A-Za-z0-9_-]{1,64} (ECSBATCH_JOB_ID; else one\n"
    "                           derived from ECSBATCH_JOB_KEY, the document's id, or a new one)\n"
    "  --local                  run tasks as local processes (ECSBATCH_BACKEND=local)\n"
    "  --dry-run                resolve everything, print the requests, send none\n"
    "  --log-format text|json   diagnostics format on stderr (ECSBATCH_LOG_FORMAT)\n"
    "  -q, -v                   less, more (ECSBATCH_LOG_LEVEL=error|warn|info|debug)\n";

void
cli_help(enum cli_command command)
{
    switch (command) {
    case CMD_RUN:
        printf("usage: ecsbatch run [options] [JOB]\n\n"
               "Run a job to its end and exit with its status's code.\n\n%s",
               s_job_options);
        break;
    case CMD_VALIDATE:
        printf("usage: ecsbatch validate [options] [JOB]\n\n"
               "Check the catalogue and the job and print the resolved plan (the merged\n"
               "task definition and the RunTask requests); touches nothing. Secret-looking\n"
               "environment values are masked.\n\n%s",
               s_job_options);
        break;
    case CMD_WHOAMI:
        printf("usage: ecsbatch whoami\n\n"
               "Print, as one JSON document, what the launcher discovered about itself:\n"
               "cluster, task ARN, family, revision, launch type, region, availability zone,\n"
               "subnets, security groups, and where its credentials come from (never the\n"
               "secrets). Outside ECS it says so and prints what it knows.\n");
        break;
    case CMD_STATUS:
        printf("usage: ecsbatch status JOB_ID [--results URI] [--local]\n\n"
               "Print the result document of a finished job, or its live status document.\n"
               "Exit code: the job's (SPEC exit codes) when finished, 0 while running.\n");
        break;
    case CMD_VERSION:
        printf("usage: ecsbatch version | --version\n\n"
               "Print the version and the versions of the libraries linked in.\n");
        break;
    case CMD_HELP:
    case CMD_NONE:
    case CMD__COUNT:
        fputs(s_overview, stdout);
        break;
    }
}

static int
s_usage(const char *fmt, const char *arg)
{
    fputs("ecsbatch: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'ecsbatch help'.\n", stderr);
    return EXIT_USAGE;
}

static int
s_parse_level(const char *s, enum log_level *out)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < LOG__COUNT; i++) {
        if (strcmp(s, levels[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

static int
s_parse_format(const char *s, enum log_format *out)
{
    if (strcmp(s, "text") == 0) {
        *out = LOG_TEXT;
    } else if (strcmp(s, "json") == 0) {
        *out = LOG_JSON;
    } else {
        return -1;
    }
    return 0;
}

static const char *
s_env(const char *name)
{
    const char *v = getenv(name);
    return (v && v[0]) ? v : NULL;
}

int
cli_parse(int argc, char **argv, struct cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->log_level = LOG_INFO;
    o->log_format = LOG_TEXT;
    /* The hidden diagnostic runs at once, outside the normal commands (not in the help). */
    if (argc >= 2 && strcmp(argv[1], "_https-get") == 0) {
        exit(cmd_diag_https_get(argc - 2, argv + 2));
    }

    const char *v;
    if ((v = s_env("ECSBATCH_LOG_LEVEL")) && s_parse_level(v, &o->log_level) != 0) {
        return s_usage("ECSBATCH_LOG_LEVEL: unknown level '%s' (error, warn, info, debug)", v);
    }
    if ((v = s_env("ECSBATCH_LOG_FORMAT")) && s_parse_format(v, &o->log_format) != 0) {
        return s_usage("ECSBATCH_LOG_FORMAT: unknown format '%s' (text, json)", v);
    }
    o->config = s_env("ECSBATCH_CONFIG");
    o->results = s_env("ECSBATCH_RESULTS");
    o->job_id = s_env("ECSBATCH_JOB_ID");
    if ((v = s_env("ECSBATCH_BACKEND"))) {
        if (strcmp(v, "local") == 0) {
            o->local = true;
        } else if (strcmp(v, "ecs") != 0) {
            return s_usage("ECSBATCH_BACKEND: unknown backend '%s' (ecs, local)", v);
        }
    }

    const char *positional[2] = {NULL, NULL};
    int npos = 0;
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->command == CMD_NONE) {
                o->command = cli_command_from_name(a);
                if (o->command == CMD_NONE) {
                    return s_usage("unknown command '%s'", a);
                }
            } else if (npos < 2) {
                positional[npos++] = a;
            } else {
                return s_usage("unexpected argument '%s'", a);
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            opts_done = true;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
#define IS(name) (nlen == strlen(name) && strncmp(a, name, nlen) == 0)
        const char **target = NULL;
        if (IS("--config")) {
            target = &o->config;
        } else if (IS("--results")) {
            target = &o->results;
        } else if (IS("--job-id")) {
            target = &o->job_id;
        } else if (IS("--log-format")) {
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) {
                return s_usage("%s needs a value (text or json)", "--log-format");
            }
            if (s_parse_format(val, &o->log_format) != 0) {
                return s_usage("--log-format: unknown format '%s' (text, json)", val);
            }
            continue;
        } else if (IS("--local") && !eq) {
            o->local = true;
            continue;
        } else if (IS("--dry-run") && !eq) {
            o->dry_run = true;
            continue;
        } else if ((IS("-q") || IS("--quiet")) && !eq) {
            o->log_level = o->log_level > LOG_ERROR ? o->log_level - 1 : LOG_ERROR;
            continue;
        } else if ((IS("-v") || IS("--verbose")) && !eq) {
            o->log_level = o->log_level < LOG_DEBUG ? o->log_level + 1 : LOG_DEBUG;
            continue;
        } else if ((IS("--help") || IS("-h")) && !eq) {
            o->help_topic = s_names[o->command];
            o->command = CMD_HELP;
            continue;
        } else if (IS("--version") && !eq) {
            o->command = CMD_VERSION;
            continue;
        } else {
            return s_usage("unknown option '%s'", a);
        }
#undef IS
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val || !val[0]) {
            return s_usage("option '%s' needs a value", a);
        }
        *target = val;
    }

    switch (o->command) {
    case CMD_RUN:
    case CMD_VALIDATE:
        o->job = positional[0];
        if (positional[1]) {
            return s_usage("unexpected argument '%s'", positional[1]);
        }
        break;
    case CMD_STATUS:
        o->job_id_arg = positional[0];
        if (!o->job_id_arg) {
            return s_usage("%s", "status needs a JOB_ID");
        }
        if (positional[1]) {
            return s_usage("unexpected argument '%s'", positional[1]);
        }
        break;
    case CMD_HELP:
        if (positional[0]) {
            if (cli_command_from_name(positional[0]) == CMD_NONE) {
                return s_usage("no help for unknown command '%s'", positional[0]);
            }
            o->help_topic = positional[0];
        }
        break;
    case CMD_WHOAMI:
    case CMD_VERSION:
        if (positional[0]) {
            return s_usage("unexpected argument '%s'", positional[0]);
        }
        break;
    case CMD_NONE:
        o->command = CMD_HELP;
        break;
    case CMD__COUNT:
        break;
    }
    return 0;
}
