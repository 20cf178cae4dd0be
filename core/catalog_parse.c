/* The catalog file parser (format: docs/CATALOG.md).
 *
 * A file is parsed completely into a scratch catalog first and merged only when every line was
 * valid: a malformed administrator file changes nothing, and the message names the line. */
#include "catalog.h"
#include "catalog_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "textutil.h"
#include "utf8.h"

enum section_kind { SEC_NONE, SEC_VENDOR, SEC_PRODUCT, SEC_COMPONENT, SEC_APPROVED };

struct parser {
    struct avs_catalog add; /* what this file defines */
    const char *origin;
    int line;
    struct avs_buf *err;
    enum section_kind kind;
    int section_line;
    /* which single-valued keys the open section has set, to refuse repeats */
    unsigned seen;
    int priority_set, role_set, kind_set;
    const struct avs_catalog *base; /* what the file is merged over: its builtin entries hold */
};

#if defined(__MINGW32__)
__attribute__((format(gnu_printf, 2, 3)))
#elif defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    avs_buf_printf(p->err, "%s:%d: ", p->origin, p->line);
    va_start(ap, fmt);
    avs_buf_vprintf(p->err, fmt, ap);
    va_end(ap);
    return AVS_EFORMAT;
}

static int push_str(char ***arr, size_t *n, const char *s)
{
    char *copy = avs_strdup(s);
    char **grown = copy ? realloc(*arr, (*n + 1) * sizeof **arr) : NULL;
    if (!grown) {
        free(copy);
        return AVS_ENOMEM;
    }
    grown[(*n)++] = copy;
    *arr = grown;
    return 0;
}

/* Appends one zeroed element of SIZE bytes to the array *ARR of *N elements; NULL when out of
 * memory (the array is then unchanged). */
static void *grow_one(void *arr, size_t *n, size_t size)
{
    void **a = arr;
    char *g = realloc(*a, (*n + 1) * size);
    if (!g)
        return NULL;
    *a = g;
    memset(g + *n * size, 0, size);
    return g + (*n)++ * size;
}

static void free_strs(char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

static void free_product(struct avs_cat_product *p)
{
    free(p->id);
    free(p->name);
    free_strs(p->match, p->n_match);
    free_strs(p->password_properties, p->n_password_properties);
    free(p->quiet_args);
    free(p->origin);
    free(p->login_property);
}

static void free_approved(struct avs_cat_approved *a)
{
    free(a->id);
    free(a->name);
    free(a->service);
    free_strs(a->match, a->n_match);
}

void avs_catalog_free(struct avs_catalog *cat)
{
    free_strs(cat->publishers, cat->n_publishers);
    free_strs(cat->registry_roots, cat->n_registry_roots);
    for (size_t i = 0; i < cat->n_products; i++)
        free_product(&cat->products[i]);
    free(cat->products);
    for (size_t i = 0; i < cat->n_components; i++)
        free(cat->components[i].pattern);
    free(cat->components);
    for (size_t i = 0; i < cat->n_approved; i++)
        free_approved(&cat->approved[i]);
    free(cat->approved);
    for (size_t i = 0; i < cat->n_signers; i++)
        avs_signer_free(&cat->signers[i]);
    free(cat->signers);
    memset(cat, 0, sizeof *cat);
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
              *s == '.'))
            return 0;
    return 1;
}

static int valid_pattern(const char *s)
{
    if (!*s || strlen(s) > 256)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == '[' || *s == ']' || *s == '\\' || *s == ' ')
            return 0;
    return 1;
}

static int parse_role(enum avs_role *out, const char *v)
{
    if (strcmp(v, "protection") == 0)
        *out = AVS_ROLE_PROTECTION;
    else if (strcmp(v, "utility") == 0)
        *out = AVS_ROLE_UTILITY;
    else if (strcmp(v, "management") == 0)
        *out = AVS_ROLE_MANAGEMENT;
    else
        return AVS_EFORMAT;
    return 0;
}

static int parse_yesno(int *out, const char *v)
{
    if (strcmp(v, "yes") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0)
        *out = 0;
    else
        return AVS_EFORMAT;
    return 0;
}

static size_t entries(const struct avs_catalog *c)
{
    return c->n_publishers + c->n_registry_roots + c->n_products + c->n_components + c->n_approved +
           c->n_signers;
}

/* Checks the section that just ended for its required keys. */
static int close_section(struct parser *p)
{
    int line = p->line;
    int rc = 0;
    p->line = p->section_line;
    if (p->kind == SEC_PRODUCT) {
        struct avs_cat_product *x = &p->add.products[p->add.n_products - 1];
        if (!x->name)
            rc = fail(p, "[product %s] has no 'name'", x->id);
        else if (x->n_match == 0)
            rc = fail(p, "[product %s] has no 'match' pattern", x->id);
        else if (!p->role_set)
            rc = fail(p, "[product %s] has no 'role'", x->id);
        else if (!p->priority_set)
            rc = fail(p, "[product %s] has no 'priority'", x->id);
    } else if (p->kind == SEC_COMPONENT) {
        struct avs_cat_component *x = &p->add.components[p->add.n_components - 1];
        if (!p->kind_set)
            rc = fail(p, "[component %s] has no 'kind'", x->pattern);
        else if (!p->role_set)
            rc = fail(p, "[component %s] has no 'role'", x->pattern);
    } else if (p->kind == SEC_APPROVED) {
        struct avs_cat_approved *x = &p->add.approved[p->add.n_approved - 1];
        if (!x->name)
            rc = fail(p, "[approved %s] has no 'name'", x->id);
        else if (!x->service && x->n_match == 0)
            rc = fail(p, "[approved %s] needs a 'service' or a 'match' pattern", x->id);
    }
    p->line = line;
    p->kind = SEC_NONE;
    return rc;
}

static int open_section(struct parser *p, char *hdr)
{
    int rc = close_section(p);
    if (rc)
        return rc;
    if (entries(&p->add) >= AVS_CATALOG_MAX_ENTRIES)
        return fail(p, "too many entries (the limit is %u)", AVS_CATALOG_MAX_ENTRIES);

    char *sp = strchr(hdr, ' ');
    char *id = NULL;
    if (sp) {
        *sp = '\0';
        id = avs_str_trim(sp + 1);
    }
    p->section_line = p->line;
    p->seen = 0;
    p->priority_set = p->role_set = p->kind_set = 0;

    if (strcmp(hdr, "vendor") == 0) {
        if (id && *id)
            return fail(p, "[vendor] takes no name");
        p->kind = SEC_VENDOR;
        return 0;
    }
    if (!id || !*id)
        return fail(p, "section [%s] needs a name, e.g. [product my-id]", hdr);

    if (strcmp(hdr, "product") == 0 || strcmp(hdr, "approved") == 0) {
        if (!valid_id(id))
            return fail(p, "'%s' is not a valid id (use a-z, 0-9, '-', '_', '.')", id);
        int is_product = hdr[0] == 'p';
        size_t n = is_product ? p->add.n_products : p->add.n_approved;
        for (size_t i = 0; i < n; i++) {
            const char *other = is_product ? p->add.products[i].id : p->add.approved[i].id;
            if (strcmp(other, id) == 0)
                return fail(p, "[%s] is defined twice in this file", id);
        }
        if (is_product) {
            struct avs_cat_product *x = grow_one(&p->add.products, &p->add.n_products, sizeof *x);
            if (!x)
                return AVS_ENOMEM;
            x->line = p->line;
            x->id = avs_strdup(id);
            x->origin = avs_strdup(p->origin);
            if (!x->id || !x->origin)
                return AVS_ENOMEM;
            p->kind = SEC_PRODUCT;
        } else {
            struct avs_cat_approved *x = grow_one(&p->add.approved, &p->add.n_approved, sizeof *x);
            if (!x || !(x->id = avs_strdup(id)))
                return AVS_ENOMEM;
            p->kind = SEC_APPROVED;
        }
        return 0;
    }
    if (strcmp(hdr, "component") == 0) {
        if (!valid_pattern(id))
            return fail(p, "'%s' is not a valid service or driver name pattern", id);
        for (size_t i = 0; i < p->add.n_components; i++)
            if (avs_str_ieq(p->add.components[i].pattern, id))
                return fail(p, "[component %s] is defined twice in this file", id);
        struct avs_cat_component *x = grow_one(&p->add.components, &p->add.n_components, sizeof *x);
        if (!x || !(x->pattern = avs_strdup(id)))
            return AVS_ENOMEM;
        p->kind = SEC_COMPONENT;
        return 0;
    }
    return fail(p, "unknown section [%s] (expected vendor, product, component or approved)", hdr);
}

/* Refuses a second occurrence of a single-valued key within one section. */
static int once(struct parser *p, unsigned bit, const char *key)
{
    if (p->seen & bit)
        return fail(p, "'%s' is given twice in this section", key);
    p->seen |= bit;
    return 0;
}

static int set_string(struct parser *p, char **field, unsigned bit, const char *key, const char *v)
{
    int rc = once(p, bit, key);
    if (rc)
        return rc;
    *field = avs_strdup(v);
    return *field ? 0 : AVS_ENOMEM;
}

static int product_key(struct parser *p, const char *k, const char *v)
{
    struct avs_cat_product *x = &p->add.products[p->add.n_products - 1];
    int rc;
    if (strcmp(k, "name") == 0)
        return set_string(p, &x->name, 1, k, v);
    if (strcmp(k, "match") == 0) {
        if (strlen(v) > 256)
            return fail(p, "match pattern longer than 256 bytes");
        return push_str(&x->match, &x->n_match, v);
    }
    if (strcmp(k, "role") == 0) {
        if ((rc = once(p, 2, k)) != 0)
            return rc;
        p->role_set = 1;
        if (parse_role(&x->role, v))
            return fail(p, "role '%s' is not one of protection, utility, management", v);
        return 0;
    }
    if (strcmp(k, "priority") == 0) {
        long ver[4];
        int n;
        if ((rc = once(p, 4, k)) != 0)
            return rc;
        p->priority_set = 1;
        if (avs_version_parse(ver, &n, v) || n != 1 || ver[0] < 1 || ver[0] > 999)
            return fail(p, "priority '%s' is not a whole number from 1 to 999", v);
        x->priority = (int)ver[0];
        return 0;
    }
    if (strcmp(k, "fallback") == 0) {
        if ((rc = once(p, 8, k)) != 0)
            return rc;
        if (parse_yesno(&x->fallback, v))
            return fail(p, "fallback '%s' is not yes or no", v);
        const struct avs_cat_product *b = avs_catalog_builtin_product(p->base, x->id);
        if (!x->fallback && b && b->fallback)
            return fail(p,
                        "[product %s] is the built-in fallback for the vendor's unlisted products; "
                        "a catalog file cannot turn it off",
                        x->id);
        return 0;
    }
    if (strcmp(k, "password-properties") == 0) {
        if ((rc = once(p, 16, k)) != 0)
            return rc;
        /* A space-separated list of MSI public property names. */
        for (const char *t = v; *t && !rc;) {
            size_t n = strcspn(t, " ");
            char name[64];
            if (n >= sizeof name)
                return fail(p, "property name longer than %zu bytes", sizeof name - 1);
            memcpy(name, t, n);
            name[n] = '\0';
            for (const char *c = name; *c; c++)
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                    return fail(p, "'%s' is not an MSI public property name (A-Z, 0-9, _)", name);
            if (x->login_property && strcmp(x->login_property, name) == 0)
                return fail(p, "'%s' is both the login-property and a password-property", name);
            rc = push_str(&x->password_properties, &x->n_password_properties, name);
            t += n;
            t += strspn(t, " ");
        }
        return rc;
    }
    if (strcmp(k, "quiet-args") == 0)
        return set_string(p, &x->quiet_args, 32, k, v);
    if (strcmp(k, "login-property") == 0) {
        /* The login name is not a secret: one property, never one of the password's. */
        if (strlen(v) >= 64 || !*v)
            return fail(p, "login-property must be one MSI property name");
        for (const char *c = v; *c; c++)
            if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                return fail(p, "'%s' is not an MSI public property name (A-Z, 0-9, _)", v);
        for (size_t i = 0; i < x->n_password_properties; i++)
            if (strcmp(x->password_properties[i], v) == 0)
                return fail(p, "'%s' is both the login-property and a password-property", v);
        return set_string(p, &x->login_property, 1u << 12, k, v);
    }
    if (strcmp(k, "user-removal") == 0) {
        /* Default no: a per-user product is reported, never acted on, unless an admin says so. */
        if ((rc = once(p, 1u << 13, k)) != 0)
            return rc;
        if (parse_yesno(&x->user_removal, v))
            return fail(p, "user-removal '%s' is not yes or no", v);
        return 0;
    }
    return fail(p, "unknown key '%s' in a [product] section", k);
}

/* [vendor] signer = O=..., L=..., S=..., C=... (core/signer.h). */
static int vendor_signer(struct parser *p, const char *v)
{
    struct avs_signer s;
    const char *why = NULL;
    int rc = avs_signer_parse(&s, &why, v);
    if (rc == AVS_EFORMAT)
        return fail(p, "signer '%s' is not valid: %s", v, why);
    if (rc)
        return rc;
    struct avs_signer *x = grow_one(&p->add.signers, &p->add.n_signers, sizeof *x);
    if (!x) {
        avs_signer_free(&s);
        return AVS_ENOMEM;
    }
    *x = s;
    return 0;
}

static int line_body(struct parser *p, char *s)
{
    avs_str_trim(s);
    if (*s == '\0' || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        size_t n = strlen(s);
        if (s[n - 1] != ']')
            return fail(p, "section header does not end with ']'");
        s[n - 1] = '\0';
        return open_section(p, avs_str_trim(s + 1));
    }
    char *eq = strchr(s, '=');
    if (!eq)
        return fail(p, "expected 'key = value' or a [section], got '%s'", s);
    *eq = '\0';
    char *k = avs_str_trim(s), *v = avs_str_trim(eq + 1);
    if (!*v)
        return fail(p, "'%s' has an empty value", k);

    switch (p->kind) {
    case SEC_NONE: return fail(p, "'%s' appears before any [section]", k);
    case SEC_VENDOR:
        if (strcmp(k, "publisher") == 0)
            return push_str(&p->add.publishers, &p->add.n_publishers, v);
        if (strcmp(k, "registry") == 0) {
            if (strncmp(v, "SOFTWARE\\", 9) != 0 || strstr(v, "\\\\") || v[strlen(v) - 1] == '\\')
                return fail(p, "registry root '%s' must be a key path under SOFTWARE\\", v);
            return push_str(&p->add.registry_roots, &p->add.n_registry_roots, v);
        }
        if (strcmp(k, "signer") == 0)
            return vendor_signer(p, v);
        return fail(p, "unknown key '%s' in [vendor] (expected publisher, registry or signer)", k);
    case SEC_PRODUCT: return product_key(p, k, v);
    case SEC_COMPONENT: {
        struct avs_cat_component *x = &p->add.components[p->add.n_components - 1];
        int rc;
        if (strcmp(k, "kind") == 0) {
            if ((rc = once(p, 1, k)) != 0)
                return rc;
            p->kind_set = 1;
            if (strcmp(v, "service") == 0)
                x->is_driver = 0;
            else if (strcmp(v, "driver") == 0)
                x->is_driver = 1;
            else
                return fail(p, "kind '%s' is not service or driver", v);
            const struct avs_cat_component *b = avs_catalog_builtin_pattern(p->base, x->pattern);
            if (b && b->is_driver != x->is_driver)
                return fail(p,
                            "[component %s] is a built-in prohibited %s; a catalog file cannot "
                            "change its kind",
                            x->pattern, b->is_driver ? "driver" : "service");
            return 0;
        }
        if (strcmp(k, "role") == 0) {
            if ((rc = once(p, 2, k)) != 0)
                return rc;
            p->role_set = 1;
            if (parse_role(&x->role, v))
                return fail(p, "role '%s' is not one of protection, utility, management", v);
            return 0;
        }
        return fail(p, "unknown key '%s' in a [component] section", k);
    }
    case SEC_APPROVED: {
        struct avs_cat_approved *x = &p->add.approved[p->add.n_approved - 1];
        if (strcmp(k, "name") == 0)
            return set_string(p, &x->name, 1, k, v);
        if (strcmp(k, "service") == 0) {
            if (!valid_pattern(v) || strpbrk(v, "*?"))
                return fail(p, "'%s' is not a service name", v);
            const struct avs_cat_component *c = avs_catalog_builtin_component(p->base, v);
            if (c)
                return fail(p,
                            "service '%s' is the built-in prohibited %s '%s'; a catalog file "
                            "cannot approve what the built-in catalog prohibits",
                            v, c->is_driver ? "driver" : "service", c->pattern);
            return set_string(p, &x->service, 2, k, v);
        }
        if (strcmp(k, "match") == 0) {
            const char *which;
            if (strlen(v) > 256)
                return fail(p, "match pattern longer than 256 bytes");
            const struct avs_cat_product *b = avs_catalog_builtin_overlap(p->base, v, &which);
            if (b)
                return fail(p,
                            "approved pattern '%s' would also match names of the built-in "
                            "prohibited product '%s' (pattern '%s'); a catalog file cannot "
                            "approve what the built-in catalog prohibits",
                            v, b->id, which ? which : "?");
            return push_str(&x->match, &x->n_match, v);
        }
        if (strcmp(k, "coexist") == 0) {
            int rc = once(p, 4, k);
            if (rc)
                return rc;
            if (parse_yesno(&x->coexist, v))
                return fail(p, "coexist '%s' is not yes or no", v);
            return 0;
        }
        return fail(p, "unknown key '%s' in an [approved] section", k);
    }
    }
    return AVS_EINVAL;
}

/* Moves every entry of ADD into CAT, replacing same-named ones. ADD is left empty. */
static int merge(struct avs_catalog *cat, struct avs_catalog *add)
{
    size_t np = cat->n_products + add->n_products, nc = cat->n_components + add->n_components,
           na = cat->n_approved + add->n_approved, nv = cat->n_publishers + add->n_publishers,
           nr = cat->n_registry_roots + add->n_registry_roots;
    /* Grow everything first so that the moves below cannot fail half-way. */
    void *g;
    if (!(g = realloc(cat->products, (np ? np : 1) * sizeof *cat->products)))
        return AVS_ENOMEM;
    cat->products = g;
    if (!(g = realloc(cat->components, (nc ? nc : 1) * sizeof *cat->components)))
        return AVS_ENOMEM;
    cat->components = g;
    if (!(g = realloc(cat->approved, (na ? na : 1) * sizeof *cat->approved)))
        return AVS_ENOMEM;
    cat->approved = g;
    if (!(g = realloc(cat->publishers, (nv ? nv : 1) * sizeof *cat->publishers)))
        return AVS_ENOMEM;
    cat->publishers = g;
    if (!(g = realloc(cat->registry_roots, (nr ? nr : 1) * sizeof *cat->registry_roots)))
        return AVS_ENOMEM;
    cat->registry_roots = g;
    size_t ns = cat->n_signers + add->n_signers;
    if (!(g = realloc(cat->signers, (ns ? ns : 1) * sizeof *cat->signers)))
        return AVS_ENOMEM;
    cat->signers = g;

    for (size_t i = 0; i < add->n_products; i++) {
        size_t j = 0;
        while (j < cat->n_products && strcmp(cat->products[j].id, add->products[i].id) != 0)
            j++;
        if (j < cat->n_products)
            free_product(&cat->products[j]);
        else
            cat->n_products++;
        cat->products[j] = add->products[i];
    }
    for (size_t i = 0; i < add->n_components; i++) {
        size_t j = 0;
        while (j < cat->n_components &&
               !avs_str_ieq(cat->components[j].pattern, add->components[i].pattern))
            j++;
        if (j < cat->n_components)
            free(cat->components[j].pattern);
        else
            cat->n_components++;
        cat->components[j] = add->components[i];
    }
    for (size_t i = 0; i < add->n_approved; i++) {
        size_t j = 0;
        while (j < cat->n_approved && strcmp(cat->approved[j].id, add->approved[i].id) != 0)
            j++;
        if (j < cat->n_approved)
            free_approved(&cat->approved[j]);
        else
            cat->n_approved++;
        cat->approved[j] = add->approved[i];
    }
    for (size_t i = 0; i < add->n_publishers; i++)
        cat->publishers[cat->n_publishers++] = add->publishers[i];
    for (size_t i = 0; i < add->n_registry_roots; i++)
        cat->registry_roots[cat->n_registry_roots++] = add->registry_roots[i];
    for (size_t i = 0; i < add->n_signers; i++)
        cat->signers[cat->n_signers++] = add->signers[i];

    free(add->products);
    free(add->components);
    free(add->approved);
    free(add->publishers);
    free(add->registry_roots);
    free(add->signers);
    memset(add, 0, sizeof *add);
    return 0;
}

int avs_catalog_parse(struct avs_catalog *cat, const char *text, size_t len, const char *origin,
                      struct avs_buf *err)
{
    struct parser p;
    char line[AVS_CATALOG_MAX_LINE + 1];
    int rc = 0;

    memset(&p, 0, sizeof p);
    p.origin = origin;
    p.err = err;
    p.base = cat;
    if (len > AVS_CATALOG_MAX_BYTES) {
        avs_buf_printf(err, "%s: larger than the 1 MiB a catalog may have", origin);
        return AVS_EFORMAT;
    }
    /* A UTF-8 byte-order mark, as Notepad writes, is allowed at the very start. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }

    size_t pos = 0;
    while (pos < len && rc == 0) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        p.line++;
        size_t n = end - pos;
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (n > AVS_CATALOG_MAX_LINE) {
            rc = fail(&p, "line longer than %u bytes", AVS_CATALOG_MAX_LINE);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (strlen(line) != n)
            rc = fail(&p, "line contains a NUL byte");
        else if (!avs_utf8_valid(line))
            rc = fail(&p, "line is not valid UTF-8");
        else
            rc = line_body(&p, line);
        pos = end + 1;
    }
    if (rc == 0) {
        p.line++;
        rc = close_section(&p);
    }
    if (rc == 0)
        rc = avs_catalog_keep_builtin(cat, &p.add);
    if (rc == 0)
        rc = merge(cat, &p.add);
    avs_catalog_free(&p.add);
    return rc;
}
