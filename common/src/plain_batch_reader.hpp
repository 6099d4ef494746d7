#pragma once
// The fast path of message_parser.cpp: reads a message that is nothing but valid events
// written plainly (what clients send) in one pass over its bytes, with no DOM, no copy and
// no second look at any byte.
//
// Why not simdjson here: in the gateway's profile (callgrind, 50 events of ~200 bytes per
// message) simdjson's DOM cost ~88k instructions per message (stage 1 ~34k, building the
// tape ~53k) before validation (~41k) even started; simdjson On Demand instead of the DOM
// still took ~100k for stage 1 plus iteration. This reader needs only a small subset of JSON
// (below) and checks it in the same pass that validates the events.
//
// It only ever says "all of these events are valid, here they are" or "not sure": read()
// returns false on anything outside that subset, and the caller then parses the message
// with the simdjson DOM path, which decides every reject reason. So the fast path cannot
// change a verdict; it must only never accept what the DOM path would not, and never read
// a value differently (the unit tests and the fuzz target compare both paths byte for byte).
//
// The subset: a JSON object, or an array of objects, whose keys are the event fields of
// contract section 3, each at most once, with values that pass the rules, and
//   - strings of printable ASCII without a backslash (no escapes, no UTF-8 to check);
//   - `ts` an integer of at most 18 digits;
//   - `props` a flat object of distinct keys (at most 16) whose values are such strings,
//     keys and strings within their limits (event_rules.hpp),
//     true, false, integers of at most 18 digits, or numbers with a fraction or exponent
//     (read with std::from_chars, correctly rounded as simdjson's are);
//   - no null (an optional field that is null is "not given": the DOM path says so).
// Anything else (unknown fields, escapes, non-ASCII text, a rejected event, any JSON error)
// goes to the DOM path.
//
// Events in the canonical layout (json_writer.hpp: the members in its order, compact, which is
// how the emulator and any client using append_event_json write them) are read with a literal
// compare per key, and are handed over with their own text as EventView::canonical_text, so
// the gateway copies them to Kafka instead of writing them again. Together that took the
// gateway's parse-and-write cost per 50-event message from ~93k to ~58k instructions
// (callgrind, no-op sink). Any other layout of the subset is read member by member.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/event_view.hpp"

namespace pipeline {

class PlainBatchReader {
public:
    // Receives the events of a message, in order. After read() returns false, whatever it
    // received from that read() must be thrown away.
    class Events {
    public:
        virtual void accept(int index, const EventView& event) = 0;

    protected:
        ~Events() = default;
    };

    // True: every element of `text` was a valid event (contract section 3, received at now_ms) in
    // the subset above and went to `events`, at most max_events of them. kParsePaddingBytes
    // bytes after `text` must be readable (strings are scanned 16 bytes at a time); their
    // content does not matter.
    bool read(std::string_view text, std::size_t max_events, std::int64_t now_ms,
              Events& events);

private:
    std::vector<PropView> props_;  // the props of the event being read, reused
};

}  // namespace pipeline
