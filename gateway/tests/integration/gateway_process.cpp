#include "gateway_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ws_test_client.hpp"

extern char** environ;

namespace gateway::test {

using test_support::http_get;

std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string gateway_binary(GatewayBuild build) {
    if (build == GatewayBuild::bench) {
        if (const char* bin = std::getenv("GATEWAY_BENCH_BIN"); bin && *bin) return bin;
        return GATEWAY_BENCH_BIN_DEFAULT;
    }
    if (const char* bin = std::getenv("GATEWAY_BIN"); bin && *bin) return bin;
    return GATEWAY_BIN_DEFAULT;
}

std::string kafka_bootstrap() {
    if (const char* b = std::getenv("KAFKA_BOOTSTRAP"); b && *b) return b;
    return "127.0.0.1:9092";
}

GatewayProcess::GatewayProcess(std::map<std::string, std::string> env, GatewayBuild build) {
    static std::atomic<int> counter{0};
    port_ = free_port();
    log_path_ = "/tmp/gateway-it-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + ".log";
    env["GATEWAY_HOST"] = "127.0.0.1";
    env["GATEWAY_PORT"] = std::to_string(port_);
    env.try_emplace("KAFKA_BOOTSTRAP", kafka_bootstrap());
    env.try_emplace("GATEWAY_THREADS", "2");
    env.try_emplace("GATEWAY_HEALTH_INTERVAL_MS", "500");
    env.try_emplace("LOG_LEVEL", "info");
    // Heartbeat records would add to the topic's offsets, which the tests compare with acks.
    env.try_emplace("GATEWAY_HEARTBEAT_INTERVAL_MS", "0");
    // ASan keeps freed memory in a quarantine (256 MiB by default), which would hide what the
    // memory-bound tests measure (VmRSS) behind allocator churn; a small one still catches
    // use-after-free of recent allocations.
    env.try_emplace("ASAN_OPTIONS", "quarantine_size_mb=16");

    std::vector<std::string> entries;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const auto name = entry.substr(0, entry.find('='));
        if (!env.contains(name)) entries.push_back(entry);
    }
    for (const auto& [k, v] : env) entries.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);

    std::string bin = gateway_binary(build);
    std::vector<char*> argv = {bin.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + bin);
}

GatewayProcess::~GatewayProcess() {
    if (pid_ > 0) terminate(std::chrono::seconds(20));
    // Failures print the tail first (TearDown); GATEWAY_IT_KEEP_LOGS=1 keeps the files.
    if (const char* keep = std::getenv("GATEWAY_IT_KEEP_LOGS"); !keep || !*keep) {
        ::unlink(log_path_.c_str());
    }
}

bool GatewayProcess::wait_listening(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (http_get(port_, "/health", std::chrono::seconds(2))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

bool GatewayProcess::wait_health(int status, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto r = http_get(port_, "/health", std::chrono::seconds(2));
        if (r && r->status == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

std::optional<int> GatewayProcess::terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

std::optional<int> GatewayProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (pid_ > 0) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            return 128 + WTERMSIG(status);
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
}

std::string GatewayProcess::log_tail(std::size_t bytes) const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string all = ss.str();
    return all.size() <= bytes ? all : all.substr(all.size() - bytes);
}

std::int64_t GatewayProcess::rss_kib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
    }
    return 0;
}

}  // namespace gateway::test
