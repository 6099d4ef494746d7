// One hostile record must not stop the pipeline. Runs on the end-to-end stack after e2e_test
// (ctest runs the label's tests serially, in the order tests/e2e/CMakeLists.txt adds them: this
// test's dead letters and errors would otherwise show in e2e_test's comparison).
//
//  - The record that once put the Flink job into an endless restart loop: ~350 KB of emoji as
//    session_id and a ts long behind the watermark. Its late-event record would have been larger
//    than the Flink producer's max.request.size, failing the task on every restore. The gateway
//    rejects it now; written straight into events.raw (as an older gateway or another producer
//    could have), the job dead-letters it and keeps counting what follows.

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "clickhouse_http.hpp"
#include "contract_comparison.hpp"
#include "env.hpp"
#include "ws_test_client.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using test_support::env_or;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Writes records to a topic as any producer could, bypassing the gateway.
void produce(const std::string& bootstrap, const std::string& topic, const std::string& key,
             const std::string& value) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    ASSERT_EQ(conf->set("bootstrap.servers", bootstrap, err), RdKafka::Conf::CONF_OK) << err;
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(producer) << err;
    const auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                      const_cast<char*>(value.data()), value.size(),
                                      key.empty() ? nullptr : key.data(), key.size(), 0, nullptr);
    ASSERT_EQ(rc, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(rc);
    ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
}

class HostileInput : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string url = env_or("E2E_GATEWAY_URL", "");
        bootstrap_ = env_or("E2E_KAFKA_BOOTSTRAP", "");
        flink_port_ = env_or("E2E_FLINK_PORT", "");
        if (url.empty() || bootstrap_.empty() || flink_port_.empty()) {
            GTEST_SKIP() << "E2E_GATEWAY_URL / E2E_KAFKA_BOOTSTRAP / E2E_FLINK_PORT are not set: no stack to test";
        }
        const auto port_at = url.rfind(':') + 1;
        gateway_port_ = static_cast<std::uint16_t>(std::stoi(url.substr(port_at)));
        gateway_path_ = url.substr(url.find('/', port_at));
    }

    std::string flink_get(const std::string& target) {
        const auto r = test_support::http_get(static_cast<std::uint16_t>(std::stoi(flink_port_)), target);
        return r && r->status == 200 ? r->body : std::string();
    }

    // The running job's id ("" when none is running).
    std::string running_job() {
        static const std::regex job(R"re("jid":"([0-9a-f]+)","name":"[^"]*","start-time":\d+,"end-time":-?\d+,"duration":\d+,"state":"RUNNING")re");
        const std::string body = flink_get("/jobs/overview");
        std::smatch m;
        return std::regex_search(body, m, job) ? m[1].str() : std::string();
    }

    // How often the job has failed so far (entries of its exception history).
    long failures(const std::string& job) {
        const std::string body = flink_get("/jobs/" + job + "/exceptions");
        long n = 0;
        for (std::size_t at = body.find("\"exceptionName\""); at != std::string::npos;
             at = body.find("\"exceptionName\"", at + 1)) {
            ++n;
        }
        return n;
    }

    long long count(const std::string& sql) { return std::stoll(query(ch_, sql)); }

    std::string bootstrap_;
    std::string flink_port_;
    std::uint16_t gateway_port_ = 0;
    std::string gateway_path_;
    test_support::ClickHouseHttp ch_ = test_support::clickhouse_from_env();
};

TEST_F(HostileInput, TheJobKeepsRunningAndCountsTheRest) {
    const std::string job = running_job();
    ASSERT_FALSE(job.empty()) << "no running job at the Flink REST port " << flink_port_;
    const long failures_before = failures(job);

    std::string emoji;
    for (int i = 0; i < 90'000; ++i) emoji += "\xF0\x9F\x98\x80";  // U+1F600, 360 KB in all
    const std::string run = std::to_string(now_ms());
    const std::string hostile_id = "hostile-" + run;
    const std::string hostile = R"({"event_id":")" + hostile_id +
                                R"(","user_id":"hostile-user","type":"page_view","ts":1511544070000,"session_id":")" +
                                emoji + R"("})";

    // The gateway rejects it with a reason, and the connection lives on.
    test_support::WsTestClient ws;
    ASSERT_EQ(ws.connect(gateway_port_, gateway_path_), 101);
    ASSERT_TRUE(ws.send_text(hostile));
    const auto ack = ws.read(60s);
    ASSERT_TRUE(ack) << "no ack for the hostile message";
    EXPECT_EQ(*ack, R"({"ack":1,"accepted":0,"rejected":[{"index":0,"reason":"invalid_field:session_id"}]})");

    // Written straight into the raw topic, behind an event of now with the same key (so in the
    // same partition): whatever ran before, the hostile record is far behind that partition's
    // watermark, a late event.
    const std::string raw_topic = env_or("RAW_TOPIC", "events.raw");
    const std::string warmup_id = "hostile-warmup-" + run;
    produce(bootstrap_, raw_topic, "hostile-user",
            R"({"event_id":")" + warmup_id + R"(","user_id":"hostile-user","type":"page_view","ts":)" +
                std::to_string(now_ms()) + "}");
    const std::string warmed = "SELECT count() FROM analytics.events WHERE event_id = '" + warmup_id + "'";
    const auto warm_deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < warm_deadline && count(warmed) < 1) {
        std::this_thread::sleep_for(1s);
    }
    ASSERT_EQ(count(warmed), 1) << "the warm-up event was not counted";
    produce(bootstrap_, raw_topic, "hostile-user", hostile);

    // What follows is counted.
    constexpr int kAfter = 20;
    std::string batch = "[";
    for (int i = 0; i < kAfter; ++i) {
        if (i > 0) batch += ",";
        batch += R"({"event_id":"after-)" + run + "-" + std::to_string(i) +
                 R"(","user_id":"after-hostile-)" + run + R"(","type":"click","ts":)" + std::to_string(now_ms()) + "}";
    }
    batch += "]";
    ASSERT_TRUE(ws.send_text(batch));
    const auto ack2 = ws.read(60s);
    ASSERT_TRUE(ack2);
    EXPECT_EQ(*ack2, R"({"ack":2,"accepted":20,"rejected":[]})");

    const std::string counted = "SELECT count() FROM analytics.events WHERE user_id = 'after-hostile-" + run + "'";
    const std::string dead = "SELECT count() FROM analytics.dead_letters WHERE source = 'flink' AND "
                             "reason = 'invalid_field:session_id' AND position(payload, '" + hostile_id + "') > 0";
    const auto deadline = std::chrono::steady_clock::now() + 180s;
    while (std::chrono::steady_clock::now() < deadline &&
           (count(counted) < kAfter || count(dead) < 1)) {
        std::this_thread::sleep_for(2s);
    }
    EXPECT_EQ(count(counted), kAfter) << "the events after the hostile one were not all counted";
    EXPECT_EQ(count(dead), 1) << "the hostile record is not in dead_letters (reason invalid_field:session_id)";
    EXPECT_EQ(running_job(), job) << "the job is no longer running";
    EXPECT_EQ(failures(job), failures_before) << "the job failed (and restarted) meanwhile";
}

}  // namespace
}  // namespace e2e
