/* `avswap scan` for a helpdesk engineer reading a console. */
#include <stdlib.h>
#include <string.h>

#include "avs_version.h"
#include "commands.h"
#include "exitcode.h"

void avs_report_put_safe(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
}

/* Display width in characters: UTF-8 continuation bytes do not count, escapes take four. */
static size_t width(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            n += 4;
        else if ((*p & 0xc0) != 0x80)
            n++;
    }
    return n;
}

static void cell(FILE *out, const char *s, size_t w)
{
    avs_report_put_safe(out, s);
    for (size_t n = width(s); n < w; n++)
        fputc(' ', out);
}

enum { COL_NAME, COL_VERSION, COL_PUBLISHER, COL_SCOPE, COL_ARCH, COL_REMOVAL, NCOLS };

static const char *column(const struct avs_finding *f, int c)
{
    const char *arch;
    switch (c) {
    case COL_NAME: return f->name;
    case COL_VERSION: return f->version ? f->version : "-";
    case COL_PUBLISHER: return f->publisher ? f->publisher : "-";
    case COL_SCOPE: return f->user_sid ? "user" : "machine";
    case COL_ARCH: return (arch = avs_arch_name(f->arch)) ? arch : "-";
    default: return avs_uninstall_name(f->uninstall);
    }
}

static void findings(FILE *out, const struct avs_detection *d)
{
    static const char *const head[NCOLS] = {"Product", "Version", "Publisher",
                                            "Scope",   "Arch",    "Removal"};
    size_t w[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        w[c] = width(head[c]);
        for (size_t i = 0; i < d->n_findings; i++)
            if (width(column(&d->findings[i], c)) > w[c])
                w[c] = width(column(&d->findings[i], c));
    }
    fprintf(out, "Prohibited software: %zu found (listed in removal order)\n\n", d->n_findings);
    fputs("  #  ", out);
    for (int c = 0; c < NCOLS; c++) {
        cell(out, head[c], w[c]);
        fputs(c + 1 < NCOLS ? "  " : "\n", out);
    }
    for (size_t i = 0; i < d->n_findings; i++) {
        const struct avs_finding *f = &d->findings[i];
        fprintf(out, "%3zu  ", i + 1);
        for (int c = 0; c < NCOLS; c++) {
            cell(out, column(f, c), c + 1 < NCOLS ? w[c] : 0);
            fputs(c + 1 < NCOLS ? "  " : "\n", out);
        }
        if (f->product_code[0])
            fprintf(out, "     product code: %s\n", f->product_code);
        if (f->user_sid) {
            fputs("     user: ", out);
            avs_report_put_safe(out, f->user_sid);
            fputc('\n', out);
        }
        fputs("     matched: ", out);
        for (size_t k = 0; k < f->n_signals; k++) {
            avs_report_put_safe(out, f->signals[k]);
            fputs(k + 1 < f->n_signals ? ", " : "\n", out);
        }
    }
}

void avs_report_scan_text(FILE *out, const struct avs_scan *s, int exit_code)
{
    fprintf(out, "AvSwap %s scan of ", AVS_VERSION);
    avs_report_put_safe(out, s->who.host);
    fputs(" as ", out);
    avs_report_put_safe(out, s->who.user);
    fputs("\n\n", out);

    if (s->det.n_findings)
        findings(out, &s->det);
    else
        fputs("Prohibited software: none found\n", out);

    fputs("\nApproved antivirus:", out);
    if (!s->det.n_approved)
        fputs(" none found\n", out);
    else
        fputc('\n', out);
    for (size_t i = 0; i < s->det.n_approved; i++) {
        fputs("  - ", out);
        avs_report_put_safe(out, s->det.approved[i].name);
        fprintf(out, " (%s) [", s->det.approved[i].state);
        avs_report_put_safe(out, s->det.approved[i].source);
        fputs("]\n", out);
    }

    fputs("\nInventory sources:\n", out);
    for (int i = 0; i < AVS_SRC_COUNT; i++) {
        char *st = avs_scan_source_state(s, (enum avs_source_id)i);
        fprintf(out, "  %-16s %s", avs_source_name((enum avs_source_id)i), st ? st : "?");
        if (s->inv.sources[i].err == 0)
            fprintf(out, " (%zu read)", s->inv.sources[i].count);
        fputc('\n', out);
        free(st);
    }

    fprintf(out, "\nAppLocker (future use of the vendor's code): %s\n",
            avs_applocker_level_name(s->inv.applocker.level));
    if (s->inv.applocker.detail) {
        fputs("  ", out);
        avs_report_put_safe(out, s->inv.applocker.detail);
        fputc('\n', out);
    }

    if (s->inv.n_notes) {
        fprintf(out, "\nNotes (%zu; unusable data was ignored, nothing was inferred from it):\n",
                s->inv.n_notes);
        for (size_t i = 0; i < s->inv.n_notes; i++) {
            fputs("  - ", out);
            avs_report_put_safe(out, s->inv.notes[i].key);
            if (s->inv.notes[i].value[0]) {
                fputs(" [", out);
                avs_report_put_safe(out, s->inv.notes[i].value);
                fputc(']', out);
            }
            fputs(": ", out);
            avs_report_put_safe(out, s->inv.notes[i].problem);
            fputc('\n', out);
        }
    }

    fputc('\n', out);
    if (exit_code == AVS_EXIT_FOUND)
        fprintf(out, "Result: NOT COMPLIANT - %zu prohibited product(s) present (exit code %d)\n",
                s->det.n_findings, exit_code);
    else if (exit_code == AVS_EXIT_OK)
        fprintf(out, "Result: COMPLIANT - no prohibited software found (exit code %d)\n",
                exit_code);
    else
        fprintf(out,
                "Result: INCOMPLETE - an inventory source could not be read, compliance "
                "cannot be established (exit code %d)\n",
                exit_code);
}
