#include "ack.hpp"

#include <simdjson.h>

namespace pipeline::emulator {

namespace {

bool parse_rejections(simdjson::dom::element value, std::vector<AckRejection>& out,
                      std::string& error) {
    simdjson::dom::array array;
    if (value.get_array().get(array)) {
        error = "\"rejected\" is not an array";
        return false;
    }
    for (simdjson::dom::element element : array) {
        simdjson::dom::object item;
        if (element.get_object().get(item)) {
            error = "a rejection is not an object";
            return false;
        }
        AckRejection r;
        if (item["index"].get_int64().get(r.index)) {
            error = "rejection without an integer index";
            return false;
        }
        std::string_view reason;
        if (!item["reason"].get_string().get(reason)) r.reason = reason;
        out.push_back(std::move(r));
    }
    return true;
}

}  // namespace

std::optional<Ack> parse_ack(std::string_view text, std::string& error) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::object object;
    // realloc_if_needed: copies the (small) frame into padded memory.
    if (parser.parse(text.data(), text.size(), true).get(doc) || doc.get_object().get(object)) {
        error = "ack is not a JSON object";
        return std::nullopt;
    }
    Ack ack;
    if (object["ack"].get_uint64().get(ack.ack)) {
        error = "\"ack\" missing or not an unsigned integer";
        return std::nullopt;
    }
    if (object["accepted"].get_uint64().get(ack.accepted)) {
        error = "\"accepted\" missing or not an unsigned integer";
        return std::nullopt;
    }
    simdjson::dom::element rejected;
    if (!object["rejected"].get(rejected)) {
        if (!parse_rejections(rejected, ack.rejected, error)) return std::nullopt;
    }
    return ack;
}

}  // namespace pipeline::emulator
