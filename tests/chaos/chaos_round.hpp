#pragma once
// The machinery of a fault round, shared by the chaos test (tests/chaos) and the Flink cluster
// test (tests/cluster): the control script (CHAOS_CTL, scripts/chaos-ctl.sh bound to the test
// stack), the emulator's replay of the Taobao sample in the background, and a gtest fixture that
// starts a fresh stack, marks the fault, times the recovery, and ends the round by requiring that
// the replay ended well and that every ClickHouse object equals the oracle, row for row. Each
// round appends one JSON line to CHAOS_RESULTS (scripts/chaos-ctl.sh report prints them).
//
// Settings (the environment): CHAOS_CTL, CHAOS_GATEWAY_URL, CHAOS_RESULTS, CHAOS_CSV,
// CHAOS_REPLAY_RATE (100 events/s), CHAOS_IDLE_FLUSH, EMULATOR_BIN, CLICKHOUSE_*.

#include <gtest/gtest.h>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clickhouse_http.hpp"
#include "taobao_oracle.hpp"

namespace chaos {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d);
std::int64_t wall_ms();

// Runs the control script (its progress goes to our stderr); stdout, trimmed, and success.
struct CtlResult {
    bool ok = false;
    std::string out;
};
CtlResult ctl(const std::string& args);

// The control script's answer as a number, if it is one.
std::optional<long long> ctl_number(const std::string& args);

// The number after "field=" in the control script's answer (e.g. "flink-checkpoints",
// "latest_id"), or -1.
long long ctl_field(const std::string& args, const std::string& field);

// Polls `probe` every 250 ms until it returns true or `timeout` passes; the time it became true.
std::optional<Clock::time_point> poll_until(const std::function<bool()>& probe, Clock::duration timeout);

// The emulator's replay, in the background, its summary (stdout) and log (stderr) in files.
class Replay {
public:
    Replay(const std::vector<std::string>& args, const std::string& out, const std::string& log);
    ~Replay();
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    bool spawned() const { return pid_ > 0; }
    bool running();

    // The exit code, or nullopt if it did not end within `timeout` (then it is killed).
    std::optional<int> wait(Clock::duration timeout);

    Clock::time_point started() const { return started_; }
    Clock::time_point ended() const { return ended_; }
    std::string summary() const;
    // A number of the summary, e.g. value("resent after reconnects"), or -1.
    long long value(const std::string& label) const;

private:
    bool reap(int flags);

    pid_t pid_ = -1;
    std::string out_path_;
    std::optional<int> exit_code_;
    Clock::time_point started_, ended_;
};

// What one fault round measured; written as one JSON line.
struct Round {
    std::string fault;
    std::string idle_flush;
    long long events_at_fault = -1;  // events the gateway had delivered to Kafka at the fault
    double restart_s = -1;           // fault -> the component healthy again
    double flow_s = -1;              // fault -> data flowing through the component again
    double replay_end_s = -1;        // fault -> the emulator's replay finished
    double complete_s = -1;          // fault -> ClickHouse equal to the oracle
    double replay_s = -1;            // the replay's whole duration
    std::size_t differences = 0;
    std::string evidence;
};

class ChaosRound : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;
    void TearDown() override;

    // A fresh stack (its data deleted), with the job's IDLE_FLUSH set for this round
    // (CHAOS_IDLE_FLUSH overrides it). An outage of the gateway or the broker is no silence for
    // the idle flush (the gateway's heartbeats stop), but a replay that pauses for longer than
    // IDLE_FLUSH while the gateway is up is, by design, over: its rest would be late.
    void fresh_stack(const std::string& fault, const std::string& idle_flush);
    // The replay of the sample starts, at most `max_rate` events/s ("0": as fast as it can; empty:
    // CHAOS_REPLAY_RATE, 100), with bounded disorder and duplicate sends as in the e2e test.
    void start_replay(const std::string& max_rate = "");
    // Waits until the gateway has delivered `events` events, while the replay still runs.
    void replay_until(long long events);
    // All three: the fault then lands in the middle of the replay.
    void start_round(const std::string& fault, const std::string& idle_flush, long long events_before_fault);

    // The fault happens now: mid-stream, asserted.
    void fault_now();
    void restarted();
    void flowing_when(const std::function<bool()>& probe, const std::string& what);
    // The replay must end well (everything acknowledged) and ClickHouse must equal the oracle.
    void finish_round();

    // True when the query answers 1 (a failed query is a no, for now).
    bool clickhouse_says(const std::string& sql) const;
    void note(const std::string& evidence);

    static e2e::Expected* expected_;
    static long long events_;

    test_support::ClickHouseHttp ch_ = test_support::clickhouse_from_env();
    std::string gateway_url_, home_;
    std::optional<Replay> replay_;
    Round round_;
    Clock::time_point fault_at_;
};

}  // namespace chaos
