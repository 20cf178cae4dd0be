#!/usr/bin/env bash
# Checks an AppLocker policy file written by `avswap policy applocker` against the structure
# Microsoft documents for Set-AppLockerPolicy and the Group Policy editor, with xmllint:
#   AppLockerPolicy[@Version]/RuleCollection[@Type][@EnforcementMode]
#     /FilePublisherRule[@Id][@Name][@UserOrGroupSid][@Action]
#       /Conditions/FilePublisherCondition[@PublisherName][@ProductName][@BinaryName]
#         /BinaryVersionRange[@LowSection][@HighSection]
#     /FilePathRule/.../Conditions/FilePathCondition[@Path]
#     /RuleCollectionExtensions/ThresholdExtensions/Services + RedstoneExtensions/SystemApps
# Rule IDs are GUIDs, unique in the file.
#
# Usage: check_applocker.sh FILE [DENY_PER_COLLECTION]   exit 0 when it holds, 1 naming what not
#        check_applocker.sh --self-test FILE             shows that each broken copy is caught
set -uo pipefail

x() { xmllint --xpath "$2" "$1" 2>/dev/null; }

check() {
    local f=$1 want=${2:-} bad=0 n
    fail() { echo "check_applocker: $f: $*" >&2; bad=1; }
    xmllint --noout "$f" 2>/dev/null || { echo "check_applocker: $f: not well-formed XML" >&2; return 1; }
    [[ $(x "$f" 'count(/AppLockerPolicy[@Version="1"])') == 1 ]] || fail "root is not AppLockerPolicy Version=\"1\""
    [[ $(x "$f" 'count(/AppLockerPolicy/*[not(self::RuleCollection)])') == 0 ]] || fail "a child of AppLockerPolicy is not a RuleCollection"
    n=$(x "$f" 'count(/AppLockerPolicy/RuleCollection)')
    [[ $n -ge 1 ]] || fail "no RuleCollection"
    [[ $(x "$f" 'count(//RuleCollection[not(@Type="Exe" or @Type="Msi" or @Type="Dll" or @Type="Script" or @Type="Appx")])') == 0 ]] ||
        fail "a RuleCollection without a valid Type"
    [[ $(x "$f" 'count(//RuleCollection[not(@EnforcementMode="Enabled" or @EnforcementMode="AuditOnly" or @EnforcementMode="NotConfigured")])') == 0 ]] ||
        fail "a RuleCollection without a valid EnforcementMode"
    local types
    types=$(x "$f" '//RuleCollection/@Type' | tr ' ' '\n' | sed -n 's/^Type="\(.*\)"$/\1/p' | sort)
    [[ -z $(uniq -d <<<"$types") ]] || fail "two RuleCollections of one Type"
    [[ $(x "$f" 'count(//FilePublisherRule)') -ge 1 ]] || fail "no FilePublisherRule"
    [[ $(x "$f" 'count(//RuleCollection/*[not(self::FilePublisherRule or self::FilePathRule or self::FileHashRule or self::RuleCollectionExtensions)])') == 0 ]] ||
        fail "a RuleCollection holds something that is not a rule"
    [[ $(x "$f" 'count(//FilePublisherRule[not(@Id) or not(@Name) or not(@Description) or not(@UserOrGroupSid) or not(@Action="Deny" or @Action="Allow")])') == 0 ]] ||
        fail "a FilePublisherRule lacks Id, Name, Description, UserOrGroupSid or a valid Action"
    [[ $(x "$f" 'count(//FilePublisherRule[count(Conditions/FilePublisherCondition)!=1])') == 0 ]] ||
        fail "a FilePublisherRule without exactly one Conditions/FilePublisherCondition"
    [[ $(x "$f" 'count(//FilePublisherCondition[not(@PublisherName) or @PublisherName="" or not(@ProductName) or not(@BinaryName)])') == 0 ]] ||
        fail "a FilePublisherCondition lacks PublisherName, ProductName or BinaryName"
    [[ $(x "$f" 'count(//FilePublisherCondition[count(BinaryVersionRange[@LowSection and @HighSection])!=1])') == 0 ]] ||
        fail "a FilePublisherCondition without one BinaryVersionRange with LowSection and HighSection"
    [[ $(x "$f" 'count(//FilePathRule[not(@Id) or not(@Name) or not(@UserOrGroupSid) or not(@Action) or count(Conditions/FilePathCondition[@Path])!=1])') == 0 ]] ||
        fail "a FilePathRule lacks its attributes or one Conditions/FilePathCondition with a Path"
    [[ $(x "$f" 'count(//RuleCollectionExtensions[not(ThresholdExtensions/Services[@EnforcementMode]) or not(RedstoneExtensions/SystemApps[@Allow])])') == 0 ]] ||
        fail "RuleCollectionExtensions without both ThresholdExtensions/Services and RedstoneExtensions/SystemApps"
    [[ $(x "$f" 'count(//RuleCollection[@Type="Msi" or @Type="Script" or @Type="Appx"]/RuleCollectionExtensions)') == 0 ]] ||
        fail "rule collection extensions outside Exe and Dll"
    local ids
    ids=$(x "$f" '//@Id' | tr ' ' '\n' | sed -n 's/^Id="\(.*\)"$/\1/p')
    grep -qvE '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' <<<"$ids" && fail "a rule Id is not a GUID"
    [[ -z $(sort <<<"$ids" | uniq -d) ]] || fail "two rules share an Id"
    if [[ -n $want ]]; then
        local t
        for t in $types; do
            n=$(x "$f" "count(//RuleCollection[@Type=\"$t\"]/FilePublisherRule[@Action=\"Deny\"])")
            [[ $n == "$want" ]] || fail "collection $t has $n deny rules, expected $want"
        done
    fi
    return $bad
}

self_test() {
    local f=$1 tmp rc=0 i
    tmp=$(mktemp -d)
    check "$f" || { rm -rf "$tmp"; return 1; }
    # Each edit breaks one documented requirement; each must be caught.
    local edits=(
        's/ PublisherName="[^"]*"//'
        's/ BinaryName="\*"//'
        's/<BinaryVersionRange [^>]*\/>//'
        's/ Action="Deny"/ Action="Block"/'
        's/Type="Msi"/Type="Installer"/'
        's/EnforcementMode="Enabled"/EnforcementMode="On"/'
        '0,/ Id="[^"]*"/s// Id="not-a-guid"/'
        's/<\/AppLockerPolicy>//'
        's/<FilePathCondition Path="\*" \/>//'
    )
    for i in "${!edits[@]}"; do
        sed "${edits[$i]}" "$f" >"$tmp/broken.xml"
        if cmp -s "$f" "$tmp/broken.xml"; then
            echo "check_applocker: self-test edit $i changed nothing in $f" >&2
            rc=1
        elif check "$tmp/broken.xml" 2>/dev/null; then
            echo "check_applocker: self-test edit $i (${edits[$i]}) was not caught" >&2
            rc=1
        fi
    done
    # Duplicate IDs: the first rule's ID given to the second.
    local first
    first=$(x "$f" 'string((//FilePublisherRule/@Id)[1])')
    awk -v id="$first" '/<FilePublisherRule / && ++n == 2 { sub(/Id="[^"]*"/, "Id=\"" id "\"") } 1' "$f" >"$tmp/dup.xml"
    if check "$tmp/dup.xml" 2>/dev/null; then
        echo "check_applocker: self-test: duplicate rule IDs were not caught" >&2
        rc=1
    fi
    rm -rf "$tmp"
    [[ $rc == 0 ]] && echo "check_applocker: self-test: every broken copy of $f was caught"
    return $rc
}

if [[ ${1:-} == --self-test ]]; then
    self_test "$2"
else
    check "$@" && echo "check_applocker: $1 has the structure AppLocker requires"
fi
