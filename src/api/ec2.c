/*
 * EC2 query requests and answers (see ec2.h). One table per resource kind
 * says where its items are ("/subnetSet/item") and which child paths fill
 * which struct member; a single xml_walk visitor does the rest, so the five
 * operations share one parser, one cleanup and one paging loop (S_API).
 */
#include "ec2.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awserr.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "util/buf.h"
#include "util/xalloc.h"

enum s_type { S_STR, S_BOOL, S_LL, S_STRV };

struct s_field {
    const char *rel;   /* path below the item: "subnetId", "groupSet/item/groupId" */
    enum s_type type;
    size_t off;        /* the member */
    size_t off_n;      /* S_STRV: its count member */
};

struct s_kind {
    const char *action;
    const char *id_param;
    const char *item_path;        /* below the root element */
    size_t size;                  /* one item */
    const struct s_field *fields; /* fields[0] is the id, required */
    size_t n_fields;
};

/* Table rows; S_T names the struct the table describes. */
#define F(rel, m, type) {rel, type, offsetof(S_T, m), 0}
#define FV(rel, m) {rel, S_STRV, offsetof(S_T, m), offsetof(S_T, n_##m)}

#define S_T struct ec2_network_interface
static const struct s_field s_network_interface_fields[] = {
    F("networkInterfaceId", id, S_STR),
    F("subnetId", subnet_id, S_STR),
    F("vpcId", vpc_id, S_STR),
    F("availabilityZone", availability_zone, S_STR),
    F("privateIpAddress", private_ip, S_STR),
    F("association/publicIp", public_ip, S_STR),
    F("status", status, S_STR),
    F("interfaceType", interface_type, S_STR),
    F("description", description, S_STR),
    FV("groupSet/item/groupId", group_ids),
    FV("groupSet/item/groupName", group_names),
};
#undef S_T
#define S_T struct ec2_subnet
static const struct s_field s_subnet_fields[] = {
    F("subnetId", id, S_STR),
    F("vpcId", vpc_id, S_STR),
    F("availabilityZone", availability_zone, S_STR),
    F("availabilityZoneId", availability_zone_id, S_STR),
    F("cidrBlock", cidr_block, S_STR),
    F("state", state, S_STR),
    F("availableIpAddressCount", available_ips, S_LL),
    F("defaultForAz", default_for_az, S_BOOL),
    F("mapPublicIpOnLaunch", map_public_ip_on_launch, S_BOOL),
};
#undef S_T
#define S_T struct ec2_security_group
static const struct s_field s_security_group_fields[] = {
    F("groupId", id, S_STR),
    F("groupName", name, S_STR),
    F("vpcId", vpc_id, S_STR),
    F("groupDescription", description, S_STR),
};
#undef S_T
#define S_T struct ec2_vpc
static const struct s_field s_vpc_fields[] = {
    F("vpcId", id, S_STR),
    F("cidrBlock", cidr_block, S_STR),
    F("state", state, S_STR),
    F("isDefault", is_default, S_BOOL),
};
#undef S_T
#define S_T struct ec2_instance
static const struct s_field s_instance_fields[] = {
    F("instanceId", id, S_STR),
    F("instanceType", type, S_STR),
    F("instanceState/name", state, S_STR),
    F("privateIpAddress", private_ip, S_STR),
    F("subnetId", subnet_id, S_STR),
    F("vpcId", vpc_id, S_STR),
    F("placement/availabilityZone", availability_zone, S_STR),
    FV("groupSet/item/groupId", group_ids),
};
#undef S_T

/* s_{kind}: struct ec2_{kind} items, described by s_{kind}_fields. */
#define S_KIND(kind, action, id_param, item_path)                                                  \
    static const struct s_kind s_##kind = {action, id_param, item_path, sizeof(struct ec2_##kind), \
                                           s_##kind##_fields,                                      \
                                           sizeof s_##kind##_fields / sizeof s_##kind##_fields[0]}

S_KIND(network_interface, "DescribeNetworkInterfaces", "NetworkInterfaceId",
       "/networkInterfaceSet/item");
S_KIND(subnet, "DescribeSubnets", "SubnetId", "/subnetSet/item");
S_KIND(security_group, "DescribeSecurityGroups", "GroupId", "/securityGroupInfo/item");
S_KIND(vpc, "DescribeVpcs", "VpcId", "/vpcSet/item");
S_KIND(instance, "DescribeInstances", "InstanceId", "/reservationSet/item/instancesSet/item");

/* --- items as bytes ----------------------------------------------------------- */

static char **
s_strp(unsigned char *item, size_t off)
{
    return (char **)(void *)(item + off);
}

static void
s_item_cleanup(const struct s_kind *k, unsigned char *item)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct s_field *f = &k->fields[i];
        if (f->type == S_STR) {
            free(*s_strp(item, f->off));
        } else if (f->type == S_STRV) {
            char **v = *(char ***)(void *)(item + f->off);
            size_t n = *(size_t *)(void *)(item + f->off_n);
            for (size_t j = 0; j < n; j++) {
                free(v[j]);
            }
            free(v);
        }
    }
    memset(item, 0, k->size);
}

static void
s_items_free(const struct s_kind *k, unsigned char *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s_item_cleanup(k, items + i * k->size);
    }
    free(items);
}

static void
s_set(const struct s_field *f, unsigned char *item, const char *text)
{
    switch (f->type) {
    case S_STR: {
        char **p = s_strp(item, f->off);
        if (!*p) { /* the first wins */
            *p = xstrdup(text);
        }
        break;
    }
    case S_BOOL:
        *(bool *)(void *)(item + f->off) = strcmp(text, "true") == 0;
        break;
    case S_LL: {
        char *end = NULL;
        long long v = strtoll(text, &end, 10);
        *(long long *)(void *)(item + f->off) = (end != text && *end == '\0') ? v : 0;
        break;
    }
    case S_STRV: {
        char ***v = (char ***)(void *)(item + f->off);
        size_t *n = (size_t *)(void *)(item + f->off_n);
        *v = xrealloc(*v, (*n + 1) * sizeof **v);
        (*v)[(*n)++] = xstrdup(text);
        break;
    }
    }
}

/* --- the parser ----------------------------------------------------------------- */

struct s_walk {
    const struct s_kind *k;
    char *prefix;            /* "/{Action}Response{item_path}" */
    size_t prefix_len;
    char *next_path;         /* "/{Action}Response/nextToken" */
    unsigned char *pending;  /* the item being read */
    unsigned char *items;
    size_t n;
    char *next_token;
    bool missing_id;
};

static void
s_visit(void *ctx, const char *path, const char *text, int depth)
{
    struct s_walk *w = ctx;
    (void)depth;
    if (strcmp(path, w->next_path) == 0) {
        if (!w->next_token && text[0]) {
            w->next_token = xstrdup(text);
        }
        return;
    }
    if (strncmp(path, w->prefix, w->prefix_len) != 0) {
        return;
    }
    const char *rest = path + w->prefix_len;
    if (rest[0] == '\0') { /* the item ended */
        if (!*s_strp(w->pending, w->k->fields[0].off)) {
            w->missing_id = true;
            s_item_cleanup(w->k, w->pending);
            return;
        }
        w->items = xrealloc(w->items, (w->n + 1) * w->k->size);
        memcpy(w->items + w->n * w->k->size, w->pending, w->k->size);
        w->n++;
        memset(w->pending, 0, w->k->size);
        return;
    }
    if (rest[0] != '/') {
        return;
    }
    for (size_t i = 0; i < w->k->n_fields; i++) {
        if (strcmp(rest + 1, w->k->fields[i].rel) == 0) {
            s_set(&w->k->fields[i], w->pending, text);
            return;
        }
    }
}

/*
 * Parse one page: on EB_OK *out_items (n items of k->size bytes, owned) and
 * *out_next (owned or NULL).
 */
static int
s_parse(const struct s_kind *k, const char *xml, size_t len, unsigned char **out_items,
        size_t *out_n, char **out_next, struct eb_error *err)
{
    struct s_walk w;
    char root[128];
    int rc;
    memset(&w, 0, sizeof w);
    *out_items = NULL;
    *out_n = 0;
    if (out_next) {
        *out_next = NULL;
    }
    w.k = k;
    w.prefix = xasprintf("/%sResponse%s", k->action, k->item_path);
    w.prefix_len = strlen(w.prefix);
    w.next_path = xasprintf("/%sResponse/nextToken", k->action);
    w.pending = xcalloc(1, k->size);
    rc = xml_walk(xml, len, s_visit, &w, err);
    if (rc != EB_OK) {
        err_prefix(err, "EC2 %s answer", k->action);
        goto out;
    }
    xml_root_name(xml, len, root, sizeof root);
    if (strcmp(root, "Response") == 0 || strcmp(root, "ErrorResponse") == 0) {
        struct awserr ae;
        awserr_parse(xml, len, 200, NULL, &ae);
        rc = err_set(err, EB_ERR_AWS, "EC2 %s failed: %s: %s", k->action, ae.code, ae.message);
        if (err) {
            snprintf(err->aws_code, sizeof err->aws_code, "%s", ae.code);
            snprintf(err->request_id, sizeof err->request_id, "%s", ae.request_id);
        }
        goto out;
    }
    if (strncmp(root, k->action, strlen(k->action)) != 0 ||
        strcmp(root + strlen(k->action), "Response") != 0) {
        rc = err_set(err, EB_ERR_PARSE, "EC2 %s answer not understood: root <%s>", k->action,
                     root);
        goto out;
    }
    if (w.missing_id) {
        rc = err_set(err, EB_ERR_PARSE, "EC2 %s answer not understood: an item has no %s",
                     k->action, k->fields[0].rel);
        goto out;
    }
    *out_items = w.items;
    *out_n = w.n;
    w.items = NULL;
    w.n = 0;
    if (out_next) {
        *out_next = w.next_token;
        w.next_token = NULL;
    }
out:
    s_item_cleanup(k, w.pending);
    free(w.pending);
    s_items_free(k, w.items, w.n);
    free(w.next_token);
    free(w.prefix);
    free(w.next_path);
    return rc;
}

/* Append a parsed page to a typed list {T *v; size_t n;} given as its members. */
static void
s_append(void **v, size_t *n, size_t size, unsigned char *items, size_t add)
{
    if (add) {
        *v = xrealloc(*v, (*n + add) * size);
        memcpy((unsigned char *)*v + *n * size, items, add * size);
        *n += add;
    }
    free(items);
}

/* --- requests ------------------------------------------------------------------- */

/* Percent-encode everything but RFC 3986 unreserved characters. */
static void
s_form_escape(struct eb_buf *b, const char *s)
{
    sigv4_uri_encode(b, s, strlen(s), false);
}

char *
ec2_request_build(const char *action, const char *id_param, const struct ec2_query *q,
                  const char *next_token)
{
    struct eb_buf b;
    buf_init(&b, 0);
    buf_puts(&b, "Action=");
    s_form_escape(&b, action);
    buf_puts(&b, "&Version=" EC2_API_VERSION);
    for (size_t i = 0; q && id_param && i < q->n_ids; i++) {
        buf_printf(&b, "&%s.%zu=", id_param, i + 1);
        s_form_escape(&b, q->ids[i]);
    }
    for (size_t i = 0; q && i < q->n_filters; i++) {
        const struct ec2_filter *f = &q->filters[i];
        buf_printf(&b, "&Filter.%zu.Name=", i + 1);
        s_form_escape(&b, f->name);
        for (size_t j = 0; j < f->n_values; j++) {
            buf_printf(&b, "&Filter.%zu.Value.%zu=", i + 1, j + 1);
            s_form_escape(&b, f->values[j]);
        }
    }
    if (next_token) {
        buf_puts(&b, "&NextToken=");
        s_form_escape(&b, next_token);
    }
    return buf_steal(&b);
}

/* Every page of one Describe call: items appended to the typed list's members. */
static int
s_describe(struct aws_client *c, const struct s_kind *k, const struct ec2_query *q, void **v,
           size_t *n, struct eb_error *err)
{
    char *next = NULL;
    int rc = EB_OK;
    for (int page = 0; page < EC2_PAGES_MAX; page++) {
        char *form = ec2_request_build(k->action, k->id_param, q, next);
        struct aws_response resp;
        unsigned char *items = NULL;
        size_t got = 0;
        memset(&resp, 0, sizeof resp);
        free(next);
        next = NULL;
        rc = aws_call_query(c, AWS_EC2, form, &resp, err);
        free(form);
        if (rc == EB_OK && resp.status != 200) {
            struct awserr ae;
            awserr_parse(resp.body.ptr, resp.body.len, resp.status, NULL, &ae);
            rc = err_set(err, EB_ERR_AWS, "EC2 %s: HTTP %ld %s: %s", k->action, resp.status,
                         ae.code, ae.message);
            if (err) {
                err->http_status = resp.status;
                snprintf(err->aws_code, sizeof err->aws_code, "%s", ae.code);
            }
        }
        if (rc == EB_OK) {
            rc = s_parse(k, resp.body.ptr, resp.body.len, &items, &got, &next, err);
        }
        aws_response_cleanup(&resp);
        if (rc != EB_OK) {
            break;
        }
        s_append(v, n, k->size, items, got);
        if (!next) {
            break;
        }
    }
    free(next);
    return rc;
}

/*
 * The public functions of one kind, over the typed list {struct ec2_{kind} *v; size_t n;}:
 * ec2_{kind}s_parse, ec2_{kind}_list_cleanup and ec2_describe_{kind}s.
 */
#define S_API(kind)                                                                                \
    int ec2_##kind##s_parse(const char *xml, size_t len, struct ec2_##kind##_list *out,            \
                            char **out_next, struct eb_error *err)                                 \
    {                                                                                              \
        unsigned char *items = NULL;                                                               \
        size_t n = 0;                                                                              \
        void *v = out->v;                                                                          \
        int rc = s_parse(&s_##kind, xml, len, &items, &n, out_next, err);                          \
        if (rc == EB_OK) {                                                                         \
            s_append(&v, &out->n, s_##kind.size, items, n);                                        \
            out->v = v;                                                                            \
        }                                                                                          \
        return rc;                                                                                 \
    }                                                                                              \
                                                                                                   \
    void ec2_##kind##_list_cleanup(struct ec2_##kind##_list *l)                                    \
    {                                                                                              \
        if (l) {                                                                                   \
            s_items_free(&s_##kind, (unsigned char *)l->v, l->n);                                  \
            l->v = NULL;                                                                           \
            l->n = 0;                                                                              \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    int ec2_describe_##kind##s(struct aws_client *c, const struct ec2_query *q,                    \
                               struct ec2_##kind##_list *out, struct eb_error *err)                \
    {                                                                                              \
        void *v = NULL;                                                                            \
        memset(out, 0, sizeof *out);                                                               \
        int rc = s_describe(c, &s_##kind, q, &v, &out->n, err);                                    \
        out->v = v;                                                                                \
        return rc;                                                                                 \
    }

S_API(network_interface)
S_API(subnet)
S_API(security_group)
S_API(vpc)
S_API(instance)

int
ec2_default_vpc(struct aws_client *c, char **out_vpc_id, struct eb_error *err)
{
    static const char *const yes[] = {"true"};
    const struct ec2_filter f = {"is-default", yes, 1};
    const struct ec2_query q = {NULL, 0, &f, 1};
    struct ec2_vpc_list l = {NULL, 0};
    *out_vpc_id = NULL;
    int rc = ec2_describe_vpcs(c, &q, &l, err);
    if (rc == EB_OK) {
        if (l.n == 0) {
            rc = err_set(err, EB_ERR_NOT_FOUND, "the region has no default VPC");
        } else {
            *out_vpc_id = xstrdup(l.v[0].id);
        }
    }
    ec2_vpc_list_cleanup(&l);
    return rc;
}
