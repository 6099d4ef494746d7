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

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iomanip>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "clickhouse_http.hpp"
#include "contract_comparison.hpp"
#include "env.hpp"
#include "kafka_offsets.hpp"
#include "taobao_oracle.hpp"

namespace chaos {
namespace {

using Clock = std::chrono::steady_clock;
using test_support::env_or;
using namespace std::chrono_literals;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Runs the control script (its progress goes to our stderr); stdout, trimmed, and success.
struct CtlResult {
    bool ok = false;
    std::string out;
};

CtlResult ctl(const std::string& args) {
    const std::string cmd = env_or("CHAOS_CTL", "false") + " " + args;
    CtlResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == ' ')) r.out.pop_back();
    return r;
}

std::optional<long long> ctl_number(const std::string& args) {
    const CtlResult r = ctl(args);
    if (!r.ok || r.out.empty() || r.out.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(r.out);
}

// Polls `probe` every 250 ms until it returns true or `timeout` passes; the time it became true.
std::optional<Clock::time_point> poll_until(const std::function<bool()>& probe,
                                            Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (probe()) return Clock::now();
        std::this_thread::sleep_for(250ms);
    }
    return std::nullopt;
}

// The emulator's replay, in the background, its summary (stdout) and log (stderr) in files.
class Replay {
public:
    Replay(const std::vector<std::string>& args, const std::string& out, const std::string& log)
        : out_path_(out) {
        std::vector<std::string> a = args;
        std::vector<char*> argv;
        for (auto& s : a) argv.push_back(s.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
        started_ = Clock::now();
    }
    ~Replay() {
        if (running()) {
            ::kill(pid_, SIGKILL);
            reap(0);
        }
    }
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    bool spawned() const { return pid_ > 0; }
    bool running() { return spawned() && !exit_code_ && !reap(WNOHANG); }

    // The exit code, or nullopt if it did not end within `timeout` (then it is killed).
    std::optional<int> wait(Clock::duration timeout) {
        if (poll_until([&] { return !running(); }, timeout)) return exit_code_;
        ::kill(pid_, SIGKILL);
        reap(0);
        return std::nullopt;
    }

    Clock::time_point started() const { return started_; }
    Clock::time_point ended() const { return ended_; }

    std::string summary() const {
        std::ifstream in(out_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    // A number of the summary, e.g. value("resent after reconnects").
    long long value(const std::string& label) const {
        const std::regex re(label + R"(\s+(\d+))");
        std::smatch m;
        const std::string s = summary();
        return std::regex_search(s, m, re) ? std::stoll(m[1]) : -1;
    }

private:
    bool reap(int flags) {
        int status = 0;
        pid_t r;
        while ((r = ::waitpid(pid_, &status, flags)) < 0 && errno == EINTR) {
        }
        if (r != pid_) return false;
        ended_ = Clock::now();
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
    }

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

std::string json_escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

class Chaos : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto events = e2e::read_taobao_csv(env_or("CHAOS_CSV", E2E_DEFAULT_CSV));
        expected_ = new e2e::Expected(
            e2e::compute_expected(events, {"page_view", "click", "purchase"}, 30 * 60'000));
        events_ = static_cast<long long>(events.size());
    }
    static void TearDownTestSuite() {
        delete expected_;
        expected_ = nullptr;
    }

    void SetUp() override {
        gateway_url_ = env_or("CHAOS_GATEWAY_URL", "");
        if (gateway_url_.empty() || env_or("CHAOS_CTL", "").empty()) {
            GTEST_SKIP() << "CHAOS_GATEWAY_URL / CHAOS_CTL are not set: no stack to test";
        }
        home_ = env_or("PIPELINE_HOME", ".");
    }

    void TearDown() override {
        if (round_.fault.empty()) return;
        const bool passed = !HasFailure();
        std::ostringstream j;
        j << std::fixed << std::setprecision(1);
        j << "{\"fault\":\"" << round_.fault << "\",\"result\":\"" << (passed ? "pass" : "FAIL")
          << "\",\"idle_flush\":\"" << round_.idle_flush << "\",\"events\":" << events_
          << ",\"events_at_fault\":" << round_.events_at_fault << ",\"restart_s\":" << round_.restart_s
          << ",\"flow_s\":" << round_.flow_s << ",\"replay_end_s\":" << round_.replay_end_s
          << ",\"complete_s\":" << round_.complete_s << ",\"replay_s\":" << round_.replay_s
          << ",\"differences\":" << round_.differences << ",\"evidence\":\""
          << json_escape(round_.evidence) << "\"}";
        std::cerr << "[chaos] " << j.str() << std::endl;
        std::ofstream(env_or("CHAOS_RESULTS", home_ + "/chaos-results.jsonl"), std::ios::app)
            << j.str() << "\n";
    }

    // A fresh stack (its data deleted), the job at its default IDLE_FLUSH (CHAOS_IDLE_FLUSH sets
    // another). Then the replay starts and runs until the gateway has delivered
    // `events_before_fault` events: the fault lands in the middle.
    void start_round(const std::string& fault, long long events_before_fault) {
        round_.fault = fault;
        round_.idle_flush = env_or("CHAOS_IDLE_FLUSH", "5s");
        ::setenv("IDLE_FLUSH", round_.idle_flush.c_str(), 1);
        std::cerr << "[chaos] " << fault << ": fresh stack (IDLE_FLUSH " << round_.idle_flush << ")" << std::endl;
        ASSERT_TRUE(ctl("fresh").ok) << "the test stack did not start";

        const std::vector<std::string> args = {
            env_or("EMULATOR_BIN", E2E_EMULATOR_BIN), "replay", env_or("CHAOS_CSV", E2E_DEFAULT_CSV),
            "--url", gateway_url_, "--max-rate", env_or("CHAOS_REPLAY_RATE", "100"),
            "--batch", "10", "--disorder-ms", "2000", "--duplicate-rate", "0.1", "--seed", "1",
            "--reconnect-max-ms", "1000", "--drain-timeout", "300"};
        std::string cmd;
        for (const auto& a : args) cmd += a + " ";
        std::cerr << "[chaos] " << cmd << std::endl;
        replay_.emplace(args, home_ + "/chaos-" + fault + "-replay.out",
                        home_ + "/logs/chaos-" + fault + "-replay.log");
        ASSERT_TRUE(replay_->spawned()) << "cannot start the emulator";

        const auto reached = poll_until(
            [&] {
                const auto n = ctl_number("gateway-metric gateway_events_delivered_total");
                return (n && *n >= events_before_fault) || !replay_->running();
            },
            180s);
        ASSERT_TRUE(reached) << "the replay did not get " << events_before_fault << " events into Kafka";
        ASSERT_TRUE(replay_->running()) << "the replay ended before the fault:\n" << replay_->summary();
    }

    // The fault happens now: mid-stream, asserted.
    void fault_now() {
        ASSERT_TRUE(replay_->running()) << "the replay ended before the fault";
        round_.events_at_fault = ctl_number("gateway-metric gateway_events_delivered_total").value_or(-1);
        EXPECT_LT(round_.events_at_fault, events_) << "the fault would not be mid-stream";
        fault_at_ = Clock::now();
        std::cerr << "[chaos] " << round_.fault << ": FAULT after "
                  << seconds(fault_at_ - replay_->started()) << " s of replay, "
                  << round_.events_at_fault << " events delivered" << std::endl;
    }

    void restarted() { round_.restart_s = seconds(Clock::now() - fault_at_); }

    void flowing_when(const std::function<bool()>& probe, const std::string& what) {
        const auto at = poll_until(probe, 240s);
        ASSERT_TRUE(at) << what << " did not happen within 240 s of the restart";
        round_.flow_s = seconds(*at - fault_at_);
    }

    // The replay must end well (everything acknowledged) and ClickHouse must equal the oracle.
    void finish_round() {
        const auto code = replay_->wait(420s);
        ASSERT_TRUE(code) << "the replay did not finish within 420 s";
        round_.replay_end_s = seconds(replay_->ended() - fault_at_);
        round_.replay_s = seconds(replay_->ended() - replay_->started());
        std::cerr << "[chaos] replay summary:\n" << replay_->summary() << std::endl;
        ASSERT_EQ(*code, 0) << "the replay failed:\n" << replay_->summary();

        const auto diffs = e2e::wait_until_equal(ch_, *expected_, 300s, "[chaos] " + round_.fault);
        round_.differences = diffs.size();
        if (diffs.empty()) round_.complete_s = seconds(Clock::now() - fault_at_);
        ASSERT_TRUE(diffs.empty()) << "after the " << round_.fault << " fault, " << e2e::summarize(diffs);
    }

    // True when the query answers 1 (a failed query is a no, for now).
    bool clickhouse_says(const std::string& sql) const {
        const auto r = ch_.post(sql);
        return r.status == 200 && r.body.rfind("1", 0) == 0;
    }

    void note(const std::string& evidence) {
        if (!round_.evidence.empty()) round_.evidence += "; ";
        round_.evidence += evidence;
    }

    static e2e::Expected* expected_;
    static long long events_;

    test_support::ClickHouseHttp ch_ = test_support::clickhouse_from_env();
    test_support::KafkaOffsets kafka_{env_or("CHAOS_KAFKA_BOOTSTRAP", "127.0.0.1:9092")};
    std::string gateway_url_, home_;
    std::optional<Replay> replay_;
    Round round_;
    Clock::time_point fault_at_;
};

e2e::Expected* Chaos::expected_ = nullptr;
long long Chaos::events_ = 0;

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

// 3. kill -9 the Flink runtime and restart the job: it resumes from its newest checkpoint (the
// REST API must say it restored one), replays the input since then, and no final value changes.
TEST_F(Chaos, FlinkKilledMidReplayResumesFromItsCheckpoint) {
    ASSERT_NO_FATAL_FAILURE(start_round("flink", 1000));
    // A checkpoint completed after those events, so the restore has real state to resume from.
    const auto checkpoint = [](const std::string& field) {
        const CtlResult r = ctl("flink-checkpoints");
        std::smatch m;
        const std::regex re(field + R"(=(\d+))");
        return r.ok && std::regex_search(r.out, m, re) ? std::stoll(m[1]) : -1LL;
    };
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
