#include "chaos_round.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "contract_comparison.hpp"
#include "env.hpp"

namespace chaos {

using test_support::env_or;
using namespace std::chrono_literals;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

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

long long ctl_field(const std::string& args, const std::string& field) {
    const CtlResult r = ctl(args);
    std::smatch m;
    const std::regex re(field + R"(=(\d+))");
    return r.ok && std::regex_search(r.out, m, re) ? std::stoll(m[1]) : -1LL;
}

std::optional<Clock::time_point> poll_until(const std::function<bool()>& probe, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (probe()) return Clock::now();
        std::this_thread::sleep_for(250ms);
    }
    return std::nullopt;
}

Replay::Replay(const std::vector<std::string>& args, const std::string& out, const std::string& log)
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

Replay::~Replay() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        reap(0);
    }
}

bool Replay::running() { return spawned() && !exit_code_ && !reap(WNOHANG); }

std::optional<int> Replay::wait(Clock::duration timeout) {
    if (poll_until([&] { return !running(); }, timeout)) return exit_code_;
    ::kill(pid_, SIGKILL);
    reap(0);
    return std::nullopt;
}

std::string Replay::summary() const {
    std::ifstream in(out_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

long long Replay::value(const std::string& label) const {
    const std::regex re(label + R"(\s+(\d+))");
    std::smatch m;
    const std::string s = summary();
    return std::regex_search(s, m, re) ? std::stoll(m[1]) : -1;
}

bool Replay::reap(int flags) {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, flags)) < 0 && errno == EINTR) {
    }
    if (r != pid_) return false;
    ended_ = Clock::now();
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

namespace {

std::string json_escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

}  // namespace

e2e::Expected* ChaosRound::expected_ = nullptr;
long long ChaosRound::events_ = 0;

void ChaosRound::SetUpTestSuite() {
    const auto events = e2e::read_taobao_csv(env_or("CHAOS_CSV", E2E_DEFAULT_CSV));
    expected_ = new e2e::Expected(e2e::compute_expected(events, {"page_view", "click", "purchase"}, 30 * 60'000));
    events_ = static_cast<long long>(events.size());
}

void ChaosRound::TearDownTestSuite() {
    delete expected_;
    expected_ = nullptr;
}

void ChaosRound::SetUp() {
    gateway_url_ = env_or("CHAOS_GATEWAY_URL", "");
    if (gateway_url_.empty() || env_or("CHAOS_CTL", "").empty()) {
        GTEST_SKIP() << "CHAOS_GATEWAY_URL / CHAOS_CTL are not set: no stack to test";
    }
    home_ = env_or("PIPELINE_HOME", ".");
}

void ChaosRound::TearDown() {
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
    std::ofstream(env_or("CHAOS_RESULTS", home_ + "/chaos-results.jsonl"), std::ios::app) << j.str() << "\n";
}

void ChaosRound::fresh_stack(const std::string& fault, const std::string& idle_flush) {
    round_.fault = fault;
    round_.idle_flush = env_or("CHAOS_IDLE_FLUSH", idle_flush);  // to see the limit for oneself
    ::setenv("IDLE_FLUSH", round_.idle_flush.c_str(), 1);
    std::cerr << "[chaos] " << fault << ": fresh stack (IDLE_FLUSH " << round_.idle_flush << ")" << std::endl;
    ASSERT_TRUE(ctl("fresh").ok) << "the test stack did not start";
}

void ChaosRound::start_replay(const std::string& max_rate) {
    const std::vector<std::string> args = {
        env_or("EMULATOR_BIN", E2E_EMULATOR_BIN), "replay", env_or("CHAOS_CSV", E2E_DEFAULT_CSV),
        "--url", gateway_url_, "--max-rate", max_rate.empty() ? env_or("CHAOS_REPLAY_RATE", "100") : max_rate,
        "--batch", "10", "--disorder-ms", "2000", "--duplicate-rate", "0.1", "--seed", "1",
        "--reconnect-max-ms", "1000", "--drain-timeout", "300"};
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    std::cerr << "[chaos] " << cmd << std::endl;
    replay_.emplace(args, home_ + "/chaos-" + round_.fault + "-replay.out",
                    home_ + "/logs/chaos-" + round_.fault + "-replay.log");
    ASSERT_TRUE(replay_->spawned()) << "cannot start the emulator";
}

void ChaosRound::replay_until(long long events) {
    const auto reached = poll_until(
        [&] {
            const auto n = ctl_number("gateway-metric gateway_events_delivered_total");
            return (n && *n >= events) || !replay_->running();
        },
        180s);
    ASSERT_TRUE(reached) << "the replay did not get " << events << " events into Kafka";
    ASSERT_TRUE(replay_->running()) << "the replay ended before " << events << " events:\n" << replay_->summary();
}

void ChaosRound::start_round(const std::string& fault, const std::string& idle_flush, long long events_before_fault) {
    ASSERT_NO_FATAL_FAILURE(fresh_stack(fault, idle_flush));
    ASSERT_NO_FATAL_FAILURE(start_replay());
    ASSERT_NO_FATAL_FAILURE(replay_until(events_before_fault));
}

void ChaosRound::fault_now() {
    ASSERT_TRUE(replay_->running()) << "the replay ended before the fault";
    round_.events_at_fault = ctl_number("gateway-metric gateway_events_delivered_total").value_or(-1);
    EXPECT_LT(round_.events_at_fault, events_) << "the fault would not be mid-stream";
    fault_at_ = Clock::now();
    std::cerr << "[chaos] " << round_.fault << ": FAULT after " << seconds(fault_at_ - replay_->started())
              << " s of replay, " << round_.events_at_fault << " events delivered" << std::endl;
}

void ChaosRound::restarted() { round_.restart_s = seconds(Clock::now() - fault_at_); }

void ChaosRound::flowing_when(const std::function<bool()>& probe, const std::string& what) {
    const auto at = poll_until(probe, 240s);
    ASSERT_TRUE(at) << what << " did not happen within 240 s of the restart";
    round_.flow_s = seconds(*at - fault_at_);
}

void ChaosRound::finish_round() {
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

bool ChaosRound::clickhouse_says(const std::string& sql) const {
    const auto r = ch_.post(sql);
    return r.status == 200 && r.body.rfind("1", 0) == 0;
}

void ChaosRound::note(const std::string& evidence) {
    if (!round_.evidence.empty()) round_.evidence += "; ";
    round_.evidence += evidence;
}

}  // namespace chaos
