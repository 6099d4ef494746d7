// Fault tolerance, proven with numbers: each test starts a fresh stack, replays the Taobao sample
// with the emulator's at-least-once client (paced, so it lasts about 45 s), injects one fault
// while the replay is in flight, restarts the component, and then requires that the replay ends
// with exit code 0 and that every ClickHouse contract object equals the oracle - the result of
// an uninterrupted run, which the end-to-end test holds the pipeline to - row for row: nothing
// lost, nothing counted twice. It measures how long the recovery took and appends one JSON line
// per fault to CHAOS_RESULTS.
//
// Every round runs the job at its default IDLE_FLUSH: an outage upstream of Flink (the gateway or
// the broker down) is no silence of the input (the job's idle clock runs on the gateway's
// heartbeats), so the events clients hold back during it count when they come.
//
// ./pipeline test chaos runs it with CHAOS_CTL (scripts/chaos-ctl.sh bound to the test stack),
// CHAOS_GATEWAY_URL, CHAOS_KAFKA_BOOTSTRAP, CHAOS_RESULTS and CLICKHOUSE_HTTP_PORT set.

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "chaos_round.hpp"
#include "env.hpp"
#include "kafka_offsets.hpp"

namespace chaos {
namespace {

using namespace std::chrono_literals;
using test_support::env_or;

// The job's default IDLE_FLUSH (flink-job/README.md); CHAOS_IDLE_FLUSH sets another.
const std::string kDefaultIdleFlush = "5s";

class Chaos : public ChaosRound {
protected:
    void start_round(const std::string& fault, long long events_before_fault) {
        ChaosRound::start_round(fault, kDefaultIdleFlush, events_before_fault);
    }

    test_support::KafkaOffsets kafka_{env_or("CHAOS_KAFKA_BOOTSTRAP", "127.0.0.1:9092")};
};

// 1. kill -9 the gateway and restart it 10 s later: the emulator reconnects and resends what was
// not acked.
// The gateway is frozen (SIGSTOP) for a second first, so the kill always finds messages written
// but not acknowledged: some read and maybe in Kafka, some still in its socket buffer.
TEST_F(Chaos, GatewayKilledMidReplay) {
    ASSERT_NO_FATAL_FAILURE(start_round("gateway", 1200));
    ASSERT_NO_FATAL_FAILURE(fault_now());
    ASSERT_TRUE(ctl("freeze-kill gateway 1").ok);
    // Down for twice the default IDLE_FLUSH: were the outage taken for silence, the events the
    // emulator holds back meanwhile would be late.
    std::this_thread::sleep_for(10s);
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

// 2. and 3. The Kafka broker stopped (or killed with kill -9: no clean shutdown, its logs are
// recovered at the start) and started: the gateway holds the acks (and the emulator its window)
// until the broker is back; nothing acknowledged is lost, nothing is counted twice.
class ChaosKafka : public Chaos {
protected:
    void broker_round(const std::string& fault, const std::string& how) {
        ASSERT_NO_FATAL_FAILURE(start_round(fault, 1200));
        ASSERT_NO_FATAL_FAILURE(fault_now());
        ASSERT_TRUE(ctl(how + " kafka").ok);
        const auto acks = [] {
            return ctl_number("gateway-metric gateway_acks_sent_total").value_or(-1);
        };
        const long long acks_while_down = acks();
        ASSERT_TRUE(ctl("start kafka").ok) << "the broker did not come back";
        restarted();
        ASSERT_NO_FATAL_FAILURE(flowing_when([&] { return acks() > acks_while_down; },
                                             "the gateway acknowledging again"));
        note("gateway acks resumed after the broker restart, " +
             std::to_string(round_.events_at_fault) + " of " + std::to_string(events_) +
             " events delivered before the " + how);
        ASSERT_NO_FATAL_FAILURE(finish_round());
    }
};

TEST_F(ChaosKafka, KafkaBrokerRestartedMidReplay) { broker_round("kafka", "stop"); }

TEST_F(ChaosKafka, KafkaBrokerKilledMidReplay) { broker_round("kafka-kill", "kill"); }

// 4. kill -9 the Flink runtime and restart the job: it resumes from its newest checkpoint (the
// REST API must say it restored one), replays the input since then, and no final value changes.
TEST_F(Chaos, FlinkKilledMidReplayResumesFromItsCheckpoint) {
    ASSERT_NO_FATAL_FAILURE(start_round("flink", 1000));
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
    // Flowing again: the restarted job writes (it re-emits what it read since its checkpoint).
    const std::int64_t written = kafka_.end("analytics.events");
    ASSERT_NO_FATAL_FAILURE(flowing_when([&] { return kafka_.end("analytics.events") > written; },
                                         "a clean event from the restarted job in Kafka"));
    ASSERT_NO_FATAL_FAILURE(finish_round());
}

// 5. and 6. ClickHouse stopped (or killed with kill -9, between a block's insert and its offset
// commit, maybe) and started: its Kafka engine resumes from its committed offsets; rows it
// inserts twice are replaced by key and version.
class ChaosClickHouse : public Chaos {
protected:
    void clickhouse_round(const std::string& fault, const std::string& how) {
        ASSERT_NO_FATAL_FAILURE(start_round(fault, 1200));
        ASSERT_NO_FATAL_FAILURE(fault_now());
        ASSERT_TRUE(ctl(how + " clickhouse").ok);
        const std::int64_t stopped_s = wall_ms() / 1000;  // the old server is gone from here on
        const bool replay_ran_while_down = replay_->running();
        ASSERT_TRUE(ctl("start clickhouse").ok) << "ClickHouse did not come back";
        restarted();
        // Flowing again: the new server's Kafka engine inserted rows, i.e. a new part (level 0:
        // not a merge) appeared after the old server stopped.
        const std::string sql =
            "SELECT count() > 0 FROM system.parts WHERE database = 'analytics' AND level = 0 "
            "AND modification_time > toDateTime(" + std::to_string(stopped_s) + ")";
        ASSERT_NO_FATAL_FAILURE(flowing_when([&] { return clickhouse_says(sql); },
                                             "ClickHouse consuming from Kafka again"));
        note(std::string("the replay ") + (replay_ran_while_down ? "still ran" : "had ended") +
             " when ClickHouse was down (" + how + ")");
        ASSERT_NO_FATAL_FAILURE(finish_round());
    }
};

TEST_F(ChaosClickHouse, ClickHouseRestartedMidReplay) { clickhouse_round("clickhouse", "stop"); }

TEST_F(ChaosClickHouse, ClickHouseKilledMidReplay) { clickhouse_round("clickhouse-kill", "kill"); }

}  // namespace
}  // namespace chaos
