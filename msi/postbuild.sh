#!/usr/bin/env bash
# msi/postbuild.sh MSI EVLOG_SQL — adds to the MSI wixl built from msi/avswap.wxs what wixl
# cannot write (WINE.md, "Packaging facts"), with msibuild:
#   - the AvSwap event log's registry rows (EVLOG_SQL: msi/evlog_sql.c's output, generated from
#     win32/eventlog_def.h) and the Permanent bit on their component EventLog;
#   - the service's delayed auto-start (MsiServiceConfig) and its recovery actions
#     (MsiServiceConfigFailureActions), applied by the MsiConfigureServices action;
#   - the conditions that write MODE, REPLACEMENTPATH and REPLACEMENTSHA256 only when given, and
#     the property-setting actions (type 51: no code runs) that remember them across a repair
#     or an upgrade (docs/DEPLOY.md, "Installing the MSI").
# Called by scripts/build; tests/msi/check_tables.sh reads every one of these back.
set -euo pipefail
msi=${1:?usage: msi/postbuild.sh MSI EVLOG_SQL}
sql=${2:?usage: msi/postbuild.sh MSI EVLOG_SQL}
q='`'

run() {
    msibuild "$msi" -q "$1" || { echo "msi/postbuild.sh: msibuild failed on: $1" >&2; exit 1; }
}

# --- The event log: generated rows, kept on uninstall ----------------------------------------
[[ -s $sql ]] || { echo "msi/postbuild.sh: $sql is empty" >&2; exit 1; }
while IFS= read -r line; do
    [[ -n $line ]] && run "$line"
done <"$sql"
# msidbComponentAttributes64bit (256) | msidbComponentAttributesPermanent (16)
run "UPDATE ${q}Component${q} SET ${q}Attributes${q} = 272 WHERE ${q}Component${q} = 'EventLog'"

# --- The service: delayed auto-start and recovery ---------------------------------------------
# Event 3 = msidbServiceConfigEventInstall | msidbServiceConfigEventReinstall.
run "CREATE TABLE ${q}MsiServiceConfig${q} (${q}MsiServiceConfig${q} CHAR(72) NOT NULL, ${q}Name${q} CHAR(255) NOT NULL LOCALIZABLE, ${q}Event${q} SHORT NOT NULL, ${q}ConfigType${q} LONG NOT NULL, ${q}Argument${q} LONGCHAR, ${q}Component_${q} CHAR(72) NOT NULL PRIMARY KEY ${q}MsiServiceConfig${q})"
# ConfigType 3 = SERVICE_CONFIG_DELAYED_AUTO_START_INFO, Argument 1 = delayed: the service
# starts a little after boot, out of the logon rush; the random delay is on top of that.
run "INSERT INTO ${q}MsiServiceConfig${q} (${q}MsiServiceConfig${q},${q}Name${q},${q}Event${q},${q}ConfigType${q},${q}Argument${q},${q}Component_${q}) VALUES ('AvSwapDelayedStart','AvSwap',3,3,'1','Service')"
run "CREATE TABLE ${q}MsiServiceConfigFailureActions${q} (${q}MsiServiceConfigFailureActions${q} CHAR(72) NOT NULL, ${q}Name${q} CHAR(255) NOT NULL LOCALIZABLE, ${q}Event${q} SHORT NOT NULL, ${q}ResetPeriod${q} LONG, ${q}RebootMessage${q} CHAR(255) LOCALIZABLE, ${q}Command${q} CHAR(255), ${q}Actions${q} CHAR(255), ${q}DelayActions${q} CHAR(255), ${q}Component_${q} CHAR(72) NOT NULL PRIMARY KEY ${q}MsiServiceConfigFailureActions${q})"
# Restart (SC_ACTION_RESTART = 1) after each of the first three failures, after 1, 1 and 5
# minutes; the count resets after a day without failure. No command and no reboot: recovery
# must not become a way to run something else as SYSTEM.
run "INSERT INTO ${q}MsiServiceConfigFailureActions${q} (${q}MsiServiceConfigFailureActions${q},${q}Name${q},${q}Event${q},${q}ResetPeriod${q},${q}Actions${q},${q}DelayActions${q},${q}Component_${q}) VALUES ('AvSwapRecovery','AvSwap',3,86400,'1[~]1[~]1','60000[~]60000[~]300000','Service')"
# After InstallServices (5800), before StartServices (5900), as Windows Installer's own sequence.
run "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('MsiConfigureServices','VersionNT >= 600',5850)"

# --- The public properties: written only when given, remembered otherwise --------------------
seq=51
for p in MODE REPLACEMENTPATH REPLACEMENTSHA256; do
    case $p in
        MODE) comp=DefaultMode ;;
        REPLACEMENTPATH) comp=DefaultReplacementPath ;;
        REPLACEMENTSHA256) comp=DefaultReplacementSha256 ;;
    esac
    run "UPDATE ${q}Component${q} SET ${q}Condition${q} = '$p' WHERE ${q}Component${q} = '$comp'"
    # AppSearch (50) read the value a previous install wrote into AVS_OLD_<p>; the command line
    # wins over it. Type 51 sets a property: no code runs.
    run "INSERT INTO ${q}CustomAction${q} (${q}Action${q},${q}Type${q},${q}Source${q},${q}Target${q}) VALUES ('AvsKeep$p',51,'$p','[AVS_OLD_$p]')"
    run "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('AvsKeep$p','NOT $p AND AVS_OLD_$p',$seq)"
    seq=$((seq + 1))
done
# Public properties reach the elevated server side only when listed here (a managed install,
# or one with a UI).
run "UPDATE ${q}Property${q} SET ${q}Value${q} = 'AVS_OLD_MODE;AVS_OLD_REPLACEMENTPATH;AVS_OLD_REPLACEMENTSHA256;MODE;REPLACEMENTPATH;REPLACEMENTSHA256;WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED' WHERE ${q}Property${q} = 'SecureCustomProperties'"
