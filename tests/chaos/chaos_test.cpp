// Fault tolerance, proven with numbers: each test starts a fresh stack, replays the Taobao sample
// with the emulator's at-least-once client (paced, so it lasts about 45 s), injects one fault
// while the replay is in flight, restarts the component, and then requires that the replay ends
// with exit code 0 and that every ClickHouse contract object equals the oracle - the result of
// an uninterrupted run, which the end-to-end test holds the pipeline to - row for row: nothing
// lost, nothing counted twice. It measures how long the recovery took and appends one JSON line
// per fault to CHAOS_RESULTS.
//
// ./pipeline test chaos runs it with CHAOS_CTL (scripts/chaos-ctl.sh bound to the test stack),
// CHAOS_GATEWAY_URL, CHAOS_RESULTS and CLICKHOUSE_HTTP_PORT set.

#include <gtest/gtest.h>

#include <string>

#include "chaos_round.hpp"

namespace chaos {
namespace {

using namespace std::chrono_literals;

class Chaos : public ChaosRound {};

// 1. kill -9 the gateway and restart it: the emulator reconnects and resends what was not acked.
// The gateway is frozen (SIGSTOP) for a second first, so the kill always finds messages written
// but not acknowledged: some read and maybe in Kafka, some still in its socket buffer.
TEST_F(Chaos, GatewayKilledMidReplay) {
    ASSERT_NO_FATAL_FAILURE(start_round("gateway", "20s", 1200));
    ASSERT_NO_FATAL_FAILURE(fault_now());
    ASSERT_TRUE(ctl("freeze-kill gateway 1").ok);
    ASSERT_TRUE(ctl("start gateway").ok) << "the gateway did not come back";
    restarted();
    // The new gateway counts from 0: its first ack means the emulator reconnected and is acked.
    ASSERT_NO_FATAL_FAILURE(flowing_when(
        [&] { return ctl_number("gateway-metric gateway_acks_sent_total").value_or(0) > 0; },
        "an ack from the new gateway"));
    ASSERT_NO_FATAL_FAILURE(finish_round());
    const long long resent = replay_->value("resent after reconnects");
    const long long lost = replay_->value(R"(\(lost)");
    note("emulator lost " + std::to_string(lost) + " connection(s), resent " + std::to_string(resent) +
         " events");
    EXPECT_GE(lost, 1) << "the emulator never noticed the gateway die";
    EXPECT_GT(resent, 0) << "nothing was resent: the kill found nothing in flight";
}

// 2. Stop and restart the Kafka broker: the gateway holds the acks (and the emulator its window)
// until the broker is back; nothing acknowledged is lost, nothing is counted twice.
TEST_F(Chaos, KafkaBrokerRestartedMidReplay) {
    ASSERT_NO_FATAL_FAILURE(start_round("kafka", "60s", 1200));
    ASSERT_NO_FATAL_FAILURE(fault_now());
    ASSERT_TRUE(ctl("stop kafka").ok);
    const long long acks_while_down = ctl_number("gateway-metric gateway_acks_sent_total").value_or(-1);
    ASSERT_TRUE(ctl("start kafka").ok) << "the broker did not come back";
    restarted();
    ASSERT_NO_FATAL_FAILURE(flowing_when(
        [&] { return ctl_number("gateway-metric gateway_acks_sent_total").value_or(-1) > acks_while_down; },
        "the gateway acknowledging again"));
    note("gateway acks resumed after the broker restart, " +
         std::to_string(round_.events_at_fault) + " of " + std::to_string(events_) +
         " events delivered before the stop");
    ASSERT_NO_FATAL_FAILURE(finish_round());
}

// 3. kill -9 the Flink runtime and restart the job: it resumes from its newest checkpoint (the
// REST API must say it restored one), replays the input since then, and no final value changes.
TEST_F(Chaos, FlinkKilledMidReplayResumesFromItsCheckpoint) {
    ASSERT_NO_FATAL_FAILURE(start_round("flink", "5s", 1000));
    // A checkpoint completed after those events, so the restore has real state to resume from.
    const auto checkpoint = [](const std::string& field) { return ctl_field("flink-checkpoints", field); };
    const long long at_threshold = checkpoint("latest_id");
    long long taken = -1;
    ASSERT_TRUE(poll_until([&] { return (taken = checkpoint("latest_id")) > at_threshold; }, 120s))
        << "no checkpoint completed";
    ASSERT_NO_FATAL_FAILURE(fault_now());
    ASSERT_TRUE(ctl("kill flink").ok);
    ASSERT_TRUE(ctl("start flink").ok) << "the Flink job did not come back";
    restarted();
    const CtlResult stats = ctl("flink-checkpoints");
    std::cerr << "[chaos] flink after the restart: " << stats.out << std::endl;
    EXPECT_EQ(checkpoint("restored"), 1) << stats.out;
    const long long restored = checkpoint("restored_id");
    EXPECT_GE(restored, taken) << "the job did not resume from its newest checkpoint: " << stats.out;
    note("checkpoint " + std::to_string(taken) + " completed before the kill -9, the restarted job " +
         "restored checkpoint " + std::to_string(restored));
    // Flowing again: ClickHouse gets a row the restarted job emitted (versions are wall-clock ms).
    const std::string sql = "SELECT max(version) >= " + std::to_string(fault_wall_ms_) +
                            " FROM analytics.events_store";
    ASSERT_NO_FATAL_FAILURE(flowing_when([&] { return clickhouse_says(sql); },
                                         "a row from the restarted job in ClickHouse"));
    ASSERT_NO_FATAL_FAILURE(finish_round());
}

// 4. Stop and restart ClickHouse: its Kafka engine resumes from its committed offsets.
TEST_F(Chaos, ClickHouseRestartedMidReplay) {
    ASSERT_NO_FATAL_FAILURE(start_round("clickhouse", "5s", 1200));
    ASSERT_NO_FATAL_FAILURE(fault_now());
    ASSERT_TRUE(ctl("stop clickhouse").ok);
    const std::int64_t stopped_s = wall_ms() / 1000;  // the old server is gone from here on
    const bool replay_ran_while_down = replay_->running();
    ASSERT_TRUE(ctl("start clickhouse").ok) << "ClickHouse did not come back";
    restarted();
    // Flowing again: the new server's Kafka engine inserted rows, i.e. a new part (level 0: not
    // a merge) appeared after the old server stopped.
    const std::string sql =
        "SELECT count() > 0 FROM system.parts WHERE database = 'analytics' AND level = 0 "
        "AND modification_time > toDateTime(" + std::to_string(stopped_s) + ")";
    ASSERT_NO_FATAL_FAILURE(flowing_when([&] { return clickhouse_says(sql); },
                                         "ClickHouse consuming from Kafka again"));
    note(std::string("the replay ") + (replay_ran_while_down ? "still ran" : "had ended") +
         " when ClickHouse had stopped");
    ASSERT_NO_FATAL_FAILURE(finish_round());
}

}  // namespace
}  // namespace chaos
