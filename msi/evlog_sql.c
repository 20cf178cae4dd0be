/* Prints the MSI's event log registry rows, as SQL for msibuild, from win32/eventlog_def.h, the
 * header win32/eventlog.c registers the log from: the package and the code cannot disagree about
 * the log's size, retention, CustomSD or message file. Built and run on the Linux host by
 * msi/postbuild.sh, which inserts each line into the built MSI:
 *
 *   evlog_sql > evlog.sql         one INSERT INTO `Registry` per line
 *
 * The rows belong to the component EventLog (msi/avswap.wxs: avswapmsg.dll, Permanent), so an
 * uninstall keeps the log, its registration and the message file: old events stay readable.
 * SQL rather than WiX because wixl cannot write a REG_EXPAND_SZ value ("#%" in the table). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "eventlog_def.h"

#define COMPONENT "EventLog"
#define HKLM 2 /* msidbRegistryRootLocalMachine */

static int g_row;

/* Windows Installer formats the Value column: '[' and '{' would be read as properties; a quote
 * would end the SQL string. None belongs in these values, so refuse them. */
static int check(const char *s)
{
    if (strpbrk(s, "[]{}'")) {
        fprintf(stderr, "evlog_sql: '%s' holds a character the table cannot carry as is\n", s);
        return -1;
    }
    return 0;
}

/* One row: VALUE in the Registry table's notation ("#N" DWORD, "#%" REG_EXPAND_SZ, else REG_SZ). */
static int row(const char *key, const char *name, const char *prefix, const char *value,
               int formatted)
{
    if (check(key) || (!formatted && check(value)))
        return -1;
    printf("INSERT INTO `Registry` (`Registry`,`Root`,`Key`,`Name`,`Value`,`Component_`) "
           "VALUES ('AvsEvlog%d',%d,'%s','%s','%s%s','" COMPONENT "')\n",
           ++g_row, HKLM, key, name, prefix, value);
    return 0;
}

/* Windows Installer reads "#N" as a signed 32-bit DWORD: 0xFFFFFFFF is written as -1. */
static int dword(const char *key, const char *name, uint32_t v)
{
    char num[16];
    snprintf(num, sizeof num, "%ld", (long)(int32_t)v);
    return row(key, name, "#", num, 0);
}

int main(void)
{
    int err = 0;
    err |= dword(AVS_EVLOG_LOG_KEY, "MaxSize", AVS_EVLOG_MAX_SIZE);
    err |= dword(AVS_EVLOG_LOG_KEY, "Retention", AVS_EVLOG_RETENTION);
    err |= dword(AVS_EVLOG_LOG_KEY, "AutoBackupLogFiles", AVS_EVLOG_AUTO_BACKUP);
    err |= row(AVS_EVLOG_LOG_KEY, "File", "#%", AVS_EVLOG_FILE, 0);
    err |= row(AVS_EVLOG_LOG_KEY, "CustomSD", "", AVS_EVLOG_SDDL, 0);
    err |= dword(AVS_EVLOG_SOURCE_KEY, "TypesSupported", AVS_EVLOG_TYPES);
    /* The installed file's full path ([#file] is formatted at install time), as eventlog.c
     * writes it: a REG_EXPAND_SZ holding the expanded path. */
    err |= row(AVS_EVLOG_SOURCE_KEY, "EventMessageFile", "#%", "[#" AVS_EVLOG_MSGDLL_NAME "]", 1);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("evlog_sql");
        return 1;
    }
    return err ? 1 : 0;
}
