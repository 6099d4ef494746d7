#include "run_outcome.hpp"

#include <fmt/format.h>

#include <iterator>

namespace pipeline::emulator {

int exit_code(const RunOutcome& outcome) {
    if (outcome.rejected_events > 0) return kExitRejected;
    if (outcome.bad_input_lines > 0) return kExitBadInput;
    if (outcome.unacked_events > 0) return kExitUnacked;
    return kExitOk;
}

std::string describe_rejections(std::uint64_t rejected, const std::vector<RejectedEvent>& kept) {
    if (rejected == 0) return {};
    std::string out = fmt::format(
        "FAILED: the gateway rejected {} event(s) the emulator considered valid:\n", rejected);
    constexpr std::size_t kShown = 20;
    for (std::size_t i = 0; i < kept.size() && i < kShown; ++i) {
        fmt::format_to(std::back_inserter(out), "  {} (index {}): {}\n", kept[i].event_id,
                       kept[i].index, kept[i].reason);
    }
    if (kept.size() > kShown || rejected > kept.size()) {
        fmt::format_to(std::back_inserter(out), "  (only the first reasons are shown)\n");
    }
    return out;
}

}  // namespace pipeline::emulator
