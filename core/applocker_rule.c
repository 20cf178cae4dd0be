/* One AppLocker rule as Group Policy stores it (the "Value" of a rule's key under SrpV2), and
 * whether it denies the vendor's signed code.
 *
 * The value is a small, fixed-shape XML element written by Windows, but it sits in the registry
 * where anything with administrator rights may write anything: it is read with a strict little
 * tokenizer (start tags and their attributes; comments, end tags and text skipped) that refuses
 * what it cannot read instead of guessing, and never reads past the string. */
#include <stdlib.h>
#include <string.h>

#include "applocker.h"
#include "textutil.h"
#include "utf8.h"

#define MAX_ATTRS 16

struct tag {
    const char *name; /* points into the text; NAME_LEN bytes */
    size_t name_len;
    const char *an[MAX_ATTRS]; /* attribute names (into the text) */
    size_t an_len[MAX_ATTRS];
    char *av[MAX_ATTRS]; /* decoded values, malloc'd */
    size_t n;
};

static void tag_free(struct tag *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->av[i]);
    memset(t, 0, sizeof *t);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':';
}

/* Decodes the attribute value between P and END (entities resolved) into *OUT. */
static int decode(char **out, const char **why, const char *p, const char *end)
{
    struct avs_buf b = AVS_BUF_INIT;
    while (p < end) {
        if (*p == '<') {
            *why = "a '<' inside an attribute value";
            goto bad;
        }
        if (*p != '&') {
            avs_buf_putc(&b, *p++);
            continue;
        }
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi || semi - p > 12) {
            *why = "an unterminated character reference";
            goto bad;
        }
        size_t len = (size_t)(semi - p - 1);
        const char *e = p + 1;
        static const struct {
            const char *name;
            char c;
        } named[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
        int done = 0;
        for (size_t i = 0; i < sizeof named / sizeof named[0] && !done; i++)
            if (strlen(named[i].name) == len && memcmp(e, named[i].name, len) == 0) {
                avs_buf_putc(&b, named[i].c);
                done = 1;
            }
        if (!done && len >= 2 && e[0] == '#') {
            unsigned long cp = 0;
            int hex = e[1] == 'x', digits = 0;
            for (const char *d = e + 1 + hex; d < semi; d++, digits++) {
                int v = *d >= '0' && *d <= '9'          ? *d - '0'
                        : hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
                        : hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
                                                        : -1;
                if (v < 0 || cp > 0x10ffff) {
                    digits = -1000;
                    break;
                }
                cp = cp * (hex ? 16u : 10u) + (unsigned long)v;
            }
            if (digits > 0 && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
                char u[4];
                avs_buf_append(&b, u, avs_utf8_encode(u, (uint32_t)cp));
                done = 1;
            }
        }
        if (!done) {
            *why = "an unknown or invalid character reference";
            goto bad;
        }
        p = semi + 1;
    }
    if (b.err) {
        avs_buf_free(&b);
        return AVS_ENOMEM;
    }
    *out = avs_buf_detach(&b);
    if (!*out)
        return AVS_ENOMEM;
    if (!avs_utf8_valid(*out)) {
        free(*out);
        *out = NULL;
        *why = "an attribute value that is not UTF-8";
        return AVS_EFORMAT;
    }
    return 0;
bad:
    avs_buf_free(&b);
    return AVS_EFORMAT;
}

/* Reads the next start tag at or after *P into T; 0 with T->name NULL at the end of the text. */
static int next_tag(struct tag *t, const char **why, const char **pp)
{
    const char *p = *pp;
    memset(t, 0, sizeof *t);
    for (;;) {
        p = strchr(p, '<');
        if (!p) {
            *pp = p;
            return 0;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p + 4, "-->");
            if (!e) {
                *why = "an unterminated comment";
                return AVS_EFORMAT;
            }
            p = e + 3;
        } else if (p[1] == '/' || p[1] == '?' || p[1] == '!') {
            const char *e = strchr(p, '>');
            if (!e) {
                *why = "an unterminated tag";
                return AVS_EFORMAT;
            }
            p = e + 1;
        } else {
            break;
        }
    }
    p++;
    t->name = p;
    while (is_name(*p))
        p++;
    t->name_len = (size_t)(p - t->name);
    if (!t->name_len) {
        *why = "a '<' that starts no element";
        return AVS_EFORMAT;
    }
    for (;;) {
        while (is_space(*p))
            p++;
        if (*p == '>' || (p[0] == '/' && p[1] == '>')) {
            *pp = p + (*p == '>' ? 1 : 2);
            return 0;
        }
        const char *an = p;
        while (is_name(*p))
            p++;
        size_t an_len = (size_t)(p - an);
        while (is_space(*p))
            p++;
        if (!an_len || *p != '=') {
            *why = "an attribute without a value, or an unterminated tag";
            return AVS_EFORMAT;
        }
        p++;
        while (is_space(*p))
            p++;
        char q = *p;
        if (q != '"' && q != '\'') {
            *why = "an attribute value without quotes";
            return AVS_EFORMAT;
        }
        const char *v = ++p, *e = strchr(v, q);
        if (!e) {
            *why = "an unterminated attribute value";
            return AVS_EFORMAT;
        }
        if (t->n == MAX_ATTRS) {
            *why = "an element with too many attributes";
            return AVS_EFORMAT;
        }
        int rc = decode(&t->av[t->n], why, v, e);
        if (rc)
            return rc;
        t->an[t->n] = an;
        t->an_len[t->n] = an_len;
        t->n++;
        p = e + 1;
        if (!is_space(*p) && *p != '>' && *p != '/') {
            *why = "attributes not separated by white space";
            return AVS_EFORMAT;
        }
    }
}

static int tag_is(const struct tag *t, const char *name)
{
    return t->name_len == strlen(name) && memcmp(t->name, name, t->name_len) == 0;
}

/* Hands the value of attribute NAME over to *DST (NULL when T has none). */
static void take(char **dst, struct tag *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->an_len[i] == strlen(name) && memcmp(t->an[i], name, t->an_len[i]) == 0) {
            free(*dst);
            *dst = t->av[i];
            t->av[i] = NULL;
            return;
        }
}

int avs_applocker_rule_parse(struct avs_applocker_rule *out, const char **why, const char *xml)
{
    struct avs_applocker_rule r;
    struct tag t;
    const char *p = xml;
    char *action = NULL;
    int rc, first = 1;

    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    *why = NULL;
    if (strlen(xml) > AVS_REG_VALUE_MAX) {
        *why = "the rule is larger than AvSwap reads";
        return AVS_EFORMAT;
    }
    while ((rc = next_tag(&t, why, &p)) == 0 && t.name) {
        if (first) {
            if (!tag_is(&t, "FilePublisherRule") && !tag_is(&t, "FilePathRule") &&
                !tag_is(&t, "FileHashRule")) {
                *why = "the value is not an AppLocker rule element";
                rc = AVS_EFORMAT;
                break;
            }
            r.publisher_rule = tag_is(&t, "FilePublisherRule");
            take(&r.sid, &t, "UserOrGroupSid");
            take(&action, &t, "Action");
            first = 0;
        } else if (r.publisher_rule && tag_is(&t, "FilePublisherCondition")) {
            take(&r.publisher, &t, "PublisherName");
            take(&r.product, &t, "ProductName");
            take(&r.binary, &t, "BinaryName");
        } else if (r.publisher_rule && tag_is(&t, "BinaryVersionRange")) {
            take(&r.low, &t, "LowSection");
            take(&r.high, &t, "HighSection");
        }
        tag_free(&t);
    }
    tag_free(&t);
    if (!rc && first) {
        *why = "the value holds no element";
        rc = AVS_EFORMAT;
    }
    if (!rc && (!action || !r.sid)) {
        *why = "the rule has no Action or no UserOrGroupSid";
        rc = AVS_EFORMAT;
    }
    if (!rc && r.publisher_rule && (!r.publisher || !r.product || !r.binary)) {
        *why = "the publisher rule has no FilePublisherCondition with PublisherName, ProductName "
               "and BinaryName";
        rc = AVS_EFORMAT;
    }
    if (!rc && strcmp(action, "Deny") != 0 && strcmp(action, "Allow") != 0) {
        *why = "the rule's Action is neither Allow nor Deny";
        rc = AVS_EFORMAT;
    }
    if (!rc) {
        r.deny = strcmp(action, "Deny") == 0;
        *out = r;
    } else {
        avs_applocker_rule_free(&r);
    }
    free(action);
    return rc;
}

void avs_applocker_rule_free(struct avs_applocker_rule *r)
{
    free(r->sid);
    free(r->publisher);
    free(r->product);
    free(r->binary);
    free(r->low);
    free(r->high);
    memset(r, 0, sizeof *r);
}

static int any(const char *s)
{
    return !s || strcmp(s, "*") == 0;
}

/* Field by field as avs_signer_matches compares, but only where both sides name the field:
 * AppLocker writes every field the certificate has, the catalog only those it needs. */
static int same(const char *a, const char *b)
{
    if (!a || !b)
        return 1;
    char *x = avs_strdup(a), *y = avs_strdup(b);
    int eq = x && y && avs_str_ieq(avs_str_trim(x), avs_str_trim(y));
    free(x);
    free(y);
    return eq;
}

int avs_applocker_rule_covers(const struct avs_applocker_rule *r, const struct avs_signer *s)
{
    if (!r->publisher_rule || !r->deny || !any(r->product) || !any(r->binary) || !any(r->low) ||
        !any(r->high))
        return 0;
    if (strcmp(r->publisher, "*") == 0)
        return 1;
    struct avs_signer p;
    const char *why;
    if (avs_signer_parse(&p, &why, r->publisher) != 0)
        return 0;
    int ok = s->o && same(p.o, s->o) && same(p.l, s->l) && same(p.s, s->s) && same(p.c, s->c);
    avs_signer_free(&p);
    return ok;
}
