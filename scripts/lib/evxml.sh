# scripts/lib/evxml.sh — an Event Log export (what `wevtutil qe AvSwap /f:xml` writes) made from
# the Event Log trace of a program run under Wine (scripts/lib/events.sh): Wine's event log
# stores nothing, so tests and demos build the export auditors would get from the events the
# program really reported. Source events.sh first.
#
#   avs_events_xml TRACE COMPUTER [CHANNEL]
#       One <Event> per event of TRACE, back to back with no root element and no XML
#       declaration, as wevtutil writes classic events: System/Provider/@Name (AvSwap),
#       EventID with @Qualifiers (the top 16 bits of the message ID), Level, TimeCreated/
#       @SystemTime (the trace has no times: one millisecond apart from now), EventRecordID,
#       Channel (default AvSwap), Computer, and EventData/Data, one per insertion string.
#       Text is XML-escaped; the attributes use single quotes, as wevtutil's do.

avs_events_xml() {
    local trace=$1 computer=$2 channel=${3:-AvSwap}
    avs_events_json "$trace" | jq -rs --arg computer "$computer" --arg channel "$channel" \
        --argjson now "$(date -u +%s)" '
        def level: {"1": 2, "2": 3, "4": 4, "8": 0, "16": 0}[tostring] // 4;
        def stamp($i): (($now | todate) | sub("Z$"; "")) + "." + ("000" + ($i % 1000 | tostring))[-3:] + "0000Z";
        to_entries[] | .key as $i | .value as $e |
        "<Event xmlns='"'"'http://schemas.microsoft.com/win/2004/08/events/event'"'"'><System>" +
        "<Provider Name='"'"'AvSwap'"'"'/>" +
        "<EventID Qualifiers='"'"'\(($e.full / 65536) | floor)'"'"'>\($e.id)</EventID>" +
        "<Version>0</Version><Level>\($e.type | level)</Level><Task>0</Task><Opcode>0</Opcode>" +
        "<Keywords>0x80000000000000</Keywords>" +
        "<TimeCreated SystemTime='"'"'\(stamp($i))'"'"'/>" +
        "<EventRecordID>\($i + 1)</EventRecordID><Correlation/>" +
        "<Execution ProcessID='"'"'0'"'"' ThreadID='"'"'0'"'"'/>" +
        "<Channel>\($channel | @html)</Channel><Computer>\($computer | @html)</Computer>" +
        "<Security UserID='"'"'S-1-5-18'"'"'/></System><EventData>" +
        ([$e.strings[] | "<Data>\(@html)</Data>"] | join("")) +
        "</EventData></Event>"'
}
