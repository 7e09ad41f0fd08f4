/*
 * SigV4 against the official suites and the project's worked examples in
 * $EB_SIGV4_VECTORS (default ../shared/testdata/sigv4 beside the repo), read at
 * run time: canonical request, string to sign, signature and Authorization are
 * compared byte for byte. Plus the worked ECS example inline, so the signer is
 * covered even where the folder is absent.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "aws/sigv4.h"
#include "unit.h"
#include "util/atomicfile.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define CLASSIC_TOKEN "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

/* dir/name's text, or NULL when it cannot be read. */
static char *
s_read(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *text = NULL;
    if (atomicfile_read(path, &text, NULL, NULL) != EB_OK) {
        text = NULL;
    }
    free(path);
    return text;
}

static const char *
s_vectors(void)
{
    static char path[1024];
    const char *env = getenv("EB_SIGV4_VECTORS");
    if (env && env[0]) {
        return env;
    }
    snprintf(path, sizeof path, "%s/../../shared/testdata/sigv4", unit_data_dir());
    return path;
}

struct s_parsed {
    char *method, *path, *query, *body;
    size_t body_len;
    char *names[32], *values[32];
    size_t n;
};

static void
s_parsed_free(struct s_parsed *p)
{
    free(p->method);
    free(p->path);
    free(p->query);
    free(p->body);
    for (size_t i = 0; i < p->n; i++) {
        free(p->names[i]);
        free(p->values[i]);
    }
}

/* "METHOD PATH HTTP/1.1\nName:value\n(continuation)\n\nbody": the path may contain spaces. */
static int
s_parse_request(const char *text, struct s_parsed *p)
{
    memset(p, 0, sizeof *p);
    const char *eol = strchr(text, '\n');
    if (!eol) {
        eol = text + strlen(text);
    }
    const char *sp = memchr(text, ' ', (size_t)(eol - text));
    const char *ver = NULL;
    for (const char *q = eol - 1; q > text; q--) {
        if (*q == ' ') {
            ver = q;
            break;
        }
    }
    if (!sp || !ver || ver <= sp) {
        return -1;
    }
    p->method = xstrndup(text, (size_t)(sp - text));
    char *target = xstrndup(sp + 1, (size_t)(ver - sp - 1));
    char *qm = strchr(target, '?');
    if (qm) {
        p->query = xstrdup(qm + 1);
        *qm = '\0';
    }
    p->path = target;
    const char *line = *eol ? eol + 1 : eol;
    while (*line && *line != '\n') {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if ((line[0] == ' ' || line[0] == '\t') && p->n > 0) {
            char *joined = xasprintf("%s\n%.*s", p->values[p->n - 1], (int)len, line);
            free(p->values[p->n - 1]);
            p->values[p->n - 1] = joined;
        } else {
            const char *colon = memchr(line, ':', len);
            if (!colon || p->n >= 32) {
                return -1;
            }
            p->names[p->n] = xstrndup(line, (size_t)(colon - line));
            p->values[p->n] = xstrndup(colon + 1, len - (size_t)(colon - line) - 1);
            p->n++;
        }
        line = end ? end + 1 : line + len;
    }
    if (*line == '\n') {
        line++;
        p->body = xstrdup(line);
        p->body_len = strlen(line);
    }
    return 0;
}

/* Whether name (any case) is in the ';'-separated list. */
static bool
s_in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (*p) {
        size_t l = strcspn(p, ";");
        if (l == n && strncasecmp(p, name, n) == 0) {
            return true;
        }
        p += l;
        if (*p == ';') {
            p++;
        }
    }
    return false;
}

/* The SignedHeaders line of a canonical request (its second-to-last line). */
static char *
s_creq_signed(const char *creq)
{
    const char *last = strrchr(creq, '\n');
    if (!last) {
        return xstrdup("");
    }
    const char *prev = last - 1;
    while (prev > creq && *prev != '\n') {
        prev--;
    }
    return xstrndup(prev + 1, (size_t)(last - prev - 1));
}

struct s_case {
    const char *name;
    const char *request;
    const char *creq, *sts, *authz, *signature; /* expected (authz or signature may be NULL) */
    const char *service, *region, *amzdate;
    const char *token;      /* signed as x-amz-security-token, or NULL */
    bool normalize, encode;
    bool sign_body;         /* add x-amz-content-sha256 */
    bool all_headers;       /* sign every header of the request (else the creq's list) */
};

static int s_passed, s_failed, s_skipped;

static void
s_run_case(const struct s_case *c)
{
    struct s_parsed p;
    if (s_parse_request(c->request, &p) != 0) {
        unit_fail(__FILE__, __LINE__, "%s: cannot parse the request", c->name);
        s_failed++;
        return;
    }
    char *list = s_creq_signed(c->creq);
    struct sigv4_header hs[40];
    size_t nh = 0;
    const char *payload_hash = NULL;
    char body_hash[65];
    for (size_t i = 0; i < p.n; i++) {
        if (strcasecmp(p.names[i], "x-amz-content-sha256") == 0) {
            payload_hash = p.values[i];
        }
        if (c->all_headers || s_in_list(list, p.names[i])) {
            hs[nh++] = (struct sigv4_header){p.names[i], p.values[i]};
        }
    }
    bool has_date = false;
    for (size_t i = 0; i < nh; i++) {
        has_date |= strcasecmp(hs[i].name, "x-amz-date") == 0;
    }
    if (!has_date) {
        hs[nh++] = (struct sigv4_header){"X-Amz-Date", c->amzdate};
    }
    if (c->token) {
        hs[nh++] = (struct sigv4_header){"X-Amz-Security-Token", c->token};
    }
    if (c->sign_body) {
        sigv4_sha256_hex(p.body, p.body_len, body_hash);
        hs[nh++] = (struct sigv4_header){"X-Amz-Content-Sha256", body_hash};
    }
    struct sigv4_request r = {p.method, p.path, p.query, hs, nh, payload_hash, p.body,
                              p.body_len, c->normalize, c->encode};
    struct sigv4_key k = {"AKIDEXAMPLE", SECRET, c->region, c->service, c->amzdate};
    struct sigv4_result res;
    int rc = sigv4_sign(&r, &k, &res);
    bool ok = rc == 0 && strcmp(buf_cstr(&res.canonical_request), c->creq) == 0 &&
              strcmp(buf_cstr(&res.string_to_sign), c->sts) == 0 &&
              (!c->authz || strcmp(buf_cstr(&res.authorization), c->authz) == 0) &&
              (!c->signature || strcmp(res.signature, c->signature) == 0);
    char creq_hash[65];
    sigv4_sha256_hex(c->creq, strlen(c->creq), creq_hash);
    const char *sts_hash = strrchr(c->sts, '\n');
    if (ok) {
        s_passed++;
    } else if (rc == 0 && strcmp(buf_cstr(&res.canonical_request), c->creq) == 0 && sts_hash &&
               strcmp(sts_hash + 1, creq_hash) != 0) {
        /* The data disagrees with itself: nothing a signer could match. */
        s_skipped++;
        printf("skip sigv4 %s: canonical request matches, but the expected string to sign does "
               "not hash the expected canonical request (inconsistent upstream data)\n",
               c->name);
    } else {
        s_failed++;
        unit_fail(__FILE__, __LINE__, "%s: got canonical request\n%s\n--- expected\n%s\n---sts\n%s",
                  c->name, buf_cstr(&res.canonical_request), c->creq,
                  buf_cstr(&res.string_to_sign));
    }
    sigv4_result_cleanup(&res);
    free(list);
    s_parsed_free(&p);
}

/* JSON-driven suite: aws-signing-test-suite/v4/NAME/{context.json,request.txt,header-*}. */
static void
s_json_suite(const char *root)
{
    char *dir = xasprintf("%s/aws-signing-test-suite/v4", root);
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    REQUIRE(n > 2);
    for (int i = 0; i < n; i++) {
        if (ents[i]->d_name[0] == '.') {
            free(ents[i]);
            continue;
        }
        char *cd = xasprintf("%s/%s", dir, ents[i]->d_name);
        char *ctx = s_read(cd, "context.json"), *req = s_read(cd, "request.txt");
        char *creq = s_read(cd, "header-canonical-request.txt");
        char *sts = s_read(cd, "header-string-to-sign.txt");
        char *sig = s_read(cd, "header-signature.txt");
        cJSON *j = ctx ? cJSON_Parse(ctx) : NULL;
        if (!j || !req || !creq || !sts) {
            printf("skip sigv4 %s: incomplete test folder\n", ents[i]->d_name);
        } else {
            const cJSON *cr = cJSON_GetObjectItemCaseSensitive(j, "credentials");
            const char *ts = jsonx_str(j, "timestamp");
            char amz[17] = "";
            /* "2015-08-30T12:36:00Z" → "20150830T123600Z" */
            for (size_t a = 0, b = 0; ts && ts[a] && b < 16; a++) {
                if (ts[a] != '-' && ts[a] != ':') {
                    amz[b++] = ts[a];
                }
            }
            struct s_case c = {
                .name = ents[i]->d_name, .request = req, .creq = creq, .sts = sts,
                .signature = sig, .service = jsonx_str(j, "service"),
                .region = jsonx_str(j, "region"), .amzdate = amz,
                .token = jsonx_bool(j, "omit_session_token", false) ? NULL
                                                                     : jsonx_str(cr, "token"),
                .normalize = jsonx_bool(j, "normalize", true), .encode = true,
                .sign_body = jsonx_bool(j, "sign_body", false), .all_headers = true,
            };
            s_run_case(&c);
        }
        cJSON_Delete(j);
        free(ctx);
        free(req);
        free(creq);
        free(sts);
        free(sig);
        free(cd);
        free(ents[i]);
    }
    free(ents);
    free(dir);
}

/* Classic suite and worked examples: folders holding NAME.req/.creq/.sts/.authz. */
static void
s_classic_dir(const char *dir, bool worked)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        size_t nl = strlen(name);
        char *sub = xasprintf("%s/%s", dir, name);
        if (name[0] == '.') {
            /* skip */
        } else if (ents[i]->d_type == DT_DIR) {
            s_classic_dir(sub, worked);
        } else if (nl > 4 && strcmp(name + nl - 4, ".req") == 0) {
            char *stem = xstrndup(name, nl - 4);
            char *fn_creq = xasprintf("%s.creq", stem), *fn_sts = xasprintf("%s.sts", stem);
            char *fn_authz = xasprintf("%s.authz", stem);
            char *req = s_read(dir, name), *creq = s_read(dir, fn_creq);
            char *sts = s_read(dir, fn_sts), *authz = s_read(dir, fn_authz);
            if (!creq || !sts || !authz) {
                printf("skip sigv4 %s: no .creq/.sts/.authz beside the .req\n", stem);
            } else {
                /* Service and region from the scope "AKID/DATE/REGION/SERVICE/aws4_request". */
                char region[32] = "", service[32] = "";
                const char *cred = strstr(authz, "Credential=");
                if (cred) {
                    const char *p = strchr(cred, '/');
                    p = p ? strchr(p + 1, '/') : NULL;
                    if (p) {
                        size_t rl = strcspn(p + 1, "/");
                        snprintf(region, sizeof region, "%.*s", (int)rl, p + 1);
                        const char *s = p + 1 + rl + 1;
                        snprintf(service, sizeof service, "%.*s", (int)strcspn(s, "/"), s);
                    }
                }
                bool s3 = strcmp(service, "s3") == 0;
                struct s_case c = {
                    .name = stem, .request = req, .creq = creq, .sts = sts, .authz = authz,
                    .service = service, .region = region, .amzdate = "20150830T123600Z",
                    .token = (!worked && strcmp(stem, "get-vanilla-with-session-token") == 0)
                                 ? CLASSIC_TOKEN : NULL,
                    .normalize = !s3, .encode = !s3,
                };
                s_run_case(&c);
            }
            free(req);
            free(creq);
            free(sts);
            free(authz);
            free(fn_creq);
            free(fn_sts);
            free(fn_authz);
            free(stem);
        }
        free(sub);
        free(ents[i]);
    }
    free(ents);
}

TEST(sigv4_vectors)
{
    const char *root = s_vectors();
    DIR *d = opendir(root);
    if (!d) {
        printf("skip sigv4 vectors: %s not found (set EB_SIGV4_VECTORS)\n", root);
        return;
    }
    closedir(d);
    s_passed = s_failed = s_skipped = 0;
    s_json_suite(root);
    int json = s_passed;
    char *classic = xasprintf("%s/aws-sig-v4-test-suite", root);
    s_classic_dir(classic, false);
    int cl = s_passed - json;
    char *worked = xasprintf("%s/worked-examples", root);
    s_classic_dir(worked, true);
    printf("sigv4 vectors: %d json-suite, %d classic, %d worked examples passed; %d skipped, "
           "%d failed\n",
           json, cl, s_passed - json - cl, s_skipped, s_failed);
    EXPECT(s_skipped <= 2);
    EXPECT(json >= 38);
    EXPECT(cl >= 30);
    EXPECT(s_passed - json - cl >= 5);
    EXPECT_INT(s_failed, 0);
    free(classic);
    free(worked);
}

/* aws-facts §6.2, inline: ECS DescribeTasks with a session token. */
TEST(sigv4_worked_ecs_inline)
{
    const char *body =
        "{\"cluster\":\"default\",\"tasks\":[\"0123456789abcdef0123456789abcdef\"],"
        "\"include\":[\"TAGS\"]}";
    struct sigv4_header hs[] = {
        {"Content-Type", "application/x-amz-json-1.1"},
        {"Host", "ecs.us-east-1.amazonaws.com"},
        {"X-Amz-Date", "20150830T123600Z"},
        {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeTasks"},
        {"X-Amz-Security-Token", "EXAMPLESESSIONTOKEN"},
    };
    struct sigv4_request r = {"POST", "/", NULL, hs, 5, NULL, body, strlen(body), true, true};
    struct sigv4_key k = {"AKIDEXAMPLE", SECRET, "us-east-1", "ecs", "20150830T123600Z"};
    struct sigv4_result res;
    REQUIRE(sigv4_sign(&r, &k, &res) == 0);
    EXPECT_STR(res.signature, "36a751dbbbfbc905388e1f0ec290774e05f63ce28fec45d964f4ad47f66a8446");
    EXPECT_STR(res.signed_headers, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    sigv4_result_cleanup(&res);
}

/* The derived signing key is cached per secret and scope: a cached key never signs for
 * another secret, and a key recomputed after eviction signs the same. */
TEST(sigv4_signing_key_cache)
{
    struct sigv4_header hs[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    struct sigv4_request r = {"GET", "/", NULL, hs, 2, NULL, "", 0, true, true};
    static const char *const regions[] = {"us-east-1", "eu-west-1", "ap-south-1", "sa-east-1",
                                          "ca-central-1"};
    char first[2][65];
    for (int round = 0; round < 2; round++) {
        for (int s = 0; s < 2; s++) {
            struct sigv4_key k = {"AKIDEXAMPLE", s ? "another-secret" : SECRET, "us-east-1",
                                  "service", "20150830T123600Z"};
            struct sigv4_result res;
            REQUIRE(sigv4_sign(&r, &k, &res) == 0);
            if (round == 0) {
                memcpy(first[s], res.signature, sizeof first[s]);
            } else {
                EXPECT_STR(res.signature, first[s]);
            }
            sigv4_result_cleanup(&res);
        }
        for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) { /* evict */
            struct sigv4_key k = {"AKIDEXAMPLE", SECRET, regions[i], "ecs", "20150830T123600Z"};
            struct sigv4_result res;
            REQUIRE(sigv4_sign(&r, &k, &res) == 0);
            sigv4_result_cleanup(&res);
        }
    }
    EXPECT(strcmp(first[0], first[1]) != 0);
    /* the suite's get-vanilla vector: the same request and key */
    EXPECT_STR(first[0], "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(sigv4_uri_encode_rows)
{
    static const struct {
        const char *in;
        bool keep_slash;
        const char *out;
    } rows[] = {
        {"abcXYZ019-_.~", false, "abcXYZ019-_.~"},
        {"a b", false, "a%20b"},
        {"a/b", true, "a/b"},
        {"a/b", false, "a%2Fb"},
        {"a+b=c&d", false, "a%2Bb%3Dc%26d"},
        {"\xe1\x88\xb4", true, "%E1%88%B4"},
        {"run 1/out.txt", true, "run%201/out.txt"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct eb_buf b = EB_BUF_INIT;
        sigv4_uri_encode(&b, rows[i].in, strlen(rows[i].in), rows[i].keep_slash);
        EXPECT_STR(buf_cstr(&b), rows[i].out);
        buf_cleanup(&b);
    }
}

TEST(sigv4_canonical_query_rows)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"uploads", "uploads="},
        {"uploadId=ID&partNumber=1", "partNumber=1&uploadId=ID"},
        {"b=2&a=1&a=0", "a=0&a=1&b=2"},
        {"k=a%20b", "k=a%20b"},
        {"k=a b", "k=a%20b"},
        {"k=a+b", "k=a%2Bb"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct eb_buf b = EB_BUF_INIT;
        sigv4_canonical_query(&b, rows[i].in);
        EXPECT_STR(buf_cstr(&b), rows[i].out);
        buf_cleanup(&b);
    }
}
