#include "out_message.hpp"

#include "common/json_writer.hpp"

namespace pipeline::emulator {

std::string OutMessage::event_id(std::size_t i) const {
    if (!id_spans) return event_ids.at(i);
    const IdSpan span = id_spans->at(i);
    return payload->substr(span.offset, span.length);
}

OutMessage make_message(std::span<const Event> events) {
    auto text = std::make_shared<std::string>();
    text->reserve(events.size() * 256);
    OutMessage m;
    m.event_ids.reserve(events.size());
    text->push_back('[');
    for (const Event& e : events) {
        if (text->size() > 1) text->push_back(',');
        append_event_json(*text, e);
        m.event_ids.push_back(e.event_id);
    }
    text->push_back(']');
    m.payload = std::move(text);
    return m;
}

}  // namespace pipeline::emulator
