# shellcheck shell=bash
# Usage errors of the remediation commands: exit 2, a one- or two-line hint on stderr that names the
# problem, nothing on stdout, and nothing done (usage_case is in t_20_exit_codes.sh).

t_remediate_usage_errors() {
    local pw=$E2E_RES/usage-pw.txt
    printf 'unused\n' >"$pw"
    usage_case rem-no-sha256 --sha256 remediate --replacement 'C:\x\contoso-av.msi'
    usage_case rem-sha256-alone --replacement remediate --sha256 "$(printf '0%.0s' {1..64})"
    usage_case rem-two-passwords 'not both' remediate --password-file "$(avs_winpath "$pw")" --password-prompt
    usage_case rem-reboot-maybe --reboot remediate --reboot maybe
    usage_case rem-busy-timeout --busy-timeout remediate --busy-timeout soon
    usage_case rem-unknown-flag --force remediate --force
    usage_case status-extra --verbose status --verbose
    usage_case evidence-what evidence evidence frobnicate
    [[ ! -e $(e2e_prefix clean)/drive_c/ProgramData/AvSwap ]] ||
        fail "a usage error created C:\\ProgramData\\AvSwap"
}
e2e_test remediate-usage-errors t_remediate_usage_errors
