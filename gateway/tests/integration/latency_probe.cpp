#include "latency_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "gateway_fixture.hpp"
#include "raw_ws_client.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {

std::string LatencySummary::describe() const {
    return fmt::format("acks={} failures={} p50={:.1f} ms p99={:.1f} ms max={:.1f} ms", acks,
                       failures, p50_ms, p99_ms, max_ms);
}

LatencyProbe::LatencyProbe(std::uint16_t port, std::chrono::milliseconds pause)
    : port_(port), pause_(pause), thread_([this] { run(); }) {}

LatencyProbe::~LatencyProbe() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void LatencyProbe::run() {
    test_support::RawWsClient client;
    std::uint64_t n = 0;
    auto connect = [&] {
        return client.connect(port_) && client.handshake(port_) == 101;
    };
    if (!connect()) ++failures_;
    while (!stopping_) {
        ++n;
        const std::string event = make_event("probe-" + std::to_string(n), "probe");
        const auto start = std::chrono::steady_clock::now();
        const auto ack = client.send_text(event) ? client.read_text(std::chrono::seconds(30))
                                                 : std::nullopt;
        const auto took = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - start)
                              .count();
        if (ack && ack->find(R"("accepted":1,"rejected":[]})") != std::string::npos) {
            latencies_ms_.push_back(took);
        } else {
            ++failures_;
            if (client.closed() || !ack) {
                n = 0;  // acks count from 1 again on a new connection
                if (!connect()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        }
        std::this_thread::sleep_for(pause_);
    }
}

LatencySummary LatencyProbe::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    LatencySummary s;
    s.acks = latencies_ms_.size();
    s.failures = failures_;
    if (latencies_ms_.empty()) return s;
    std::vector<double> v = latencies_ms_;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
        return v[std::min(i, v.size() - 1)];
    };
    s.p50_ms = at(0.50);
    s.p99_ms = at(0.99);
    s.max_ms = v.back();
    return s;
}

double metric_value(std::uint16_t port, const std::string& name) {
    const auto m = test_support::http_get(port, "/metrics");
    if (!m) return -1;
    const std::string key = "\n" + name + " ";
    const auto pos = m->body.find(key);
    if (pos == std::string::npos) return -1;
    return std::strtod(m->body.c_str() + pos + key.size(), nullptr);
}

}  // namespace gateway::test
