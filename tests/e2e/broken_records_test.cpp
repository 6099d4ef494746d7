// A record that does not parse must not stop ClickHouse's ingest. Runs on the end-to-end stack after
// the other e2e tests (ctest runs the label's tests serially, in the order tests/e2e/CMakeLists.txt
// adds them: the rows written here would otherwise show in their comparisons).
//
// The Flink job is the only producer of the analytics.* topics, but any producer can write anything
// there. This test writes straight into three of them, into one partition each and in one produce
// batch (so ClickHouse reads them in one go): broken records of several kinds, each followed by good
// records, some of the good ones 5 KiB and 70 KiB large; then one more good record into another
// partition. Every good record must reach its table exactly once with exactly its values. Where the
// server can route broken records (kafka_handle_error_mode 'stream', ClickHouse 21.6 and later: the
// compose image), each must be in analytics.ingest_errors with its topic, partition, offset and
// exact bytes; ClickHouse 18.16 (./pipeline) skips them without a trace (clickhouse/README.md).

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clickhouse_http.hpp"
#include "contract_comparison.hpp"
#include "env.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using test_support::env_or;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Records that no version of ClickHouse parses as a JSON object of a table's columns, each complete
// in itself. (A record cut off inside a JSON value is not among them: on 18.16 it also takes the
// record read after it, clickhouse/README.md.)
std::vector<std::string> broken_records() {
    return {
        "not json at all",
        std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0", 20),  // binary, with newlines and NULs
        "[1,2,3]",                                                   // JSON, but not an object
        R"({"version":"yesterday","events":"many"})",                // an object with wrong types
        R"(<html><body>"an unclosed quote, C:\temp\new</body></html>)",
        std::string(70 * 1024, '#'),                                 // larger than 64 KiB
    };
}

struct Record {
    std::string value;
    bool broken = false;
    std::int32_t partition = 0;
    std::int64_t offset = -1;  // set by the delivery report
};

class OffsetsFromDeliveryReports : public RdKafka::DeliveryReportCb {
  public:
    void dr_cb(RdKafka::Message& m) override {
        auto* record = static_cast<Record*>(m.msg_opaque());
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            record->offset = m.offset();
        } else {
            errors_ += RdKafka::err2str(m.err()) + "; ";
        }
    }
    std::string errors_;
};

// Writes the records in order into their partitions of the topic, as any producer could: lingering
// for a second, so that each partition's records travel in one batch.
void produce(const std::string& bootstrap, const std::string& topic, std::vector<Record>& records) {
    std::string err;
    OffsetsFromDeliveryReports reports;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    ASSERT_EQ(conf->set("bootstrap.servers", bootstrap, err), RdKafka::Conf::CONF_OK) << err;
    ASSERT_EQ(conf->set("linger.ms", "1000", err), RdKafka::Conf::CONF_OK) << err;
    ASSERT_EQ(conf->set("dr_cb", &reports, err), RdKafka::Conf::CONF_OK) << err;
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(producer) << err;
    for (auto& r : records) {
        const auto rc = producer->produce(topic, r.partition, RdKafka::Producer::RK_MSG_COPY,
                                          const_cast<char*>(r.value.data()), r.value.size(), nullptr, 0,
                                          0, &r);
        ASSERT_EQ(rc, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(rc);
    }
    ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
    ASSERT_EQ(reports.errors_, "") << "records not delivered to " << topic;
}

// One analytics topic: how to write a good record of it, and how to read the good records back
// (as TSV, one line per record, in the order of their keys).
struct Topic {
    std::string name;
    std::string (*good_record)(const std::string& key, int n, const std::string& padding, std::int64_t ms);
    std::string (*expected_line)(const std::string& key, int n, const std::string& padding, std::int64_t ms);
    std::string select;  // {KEY} is replaced by the run's key prefix
};

std::string num(std::int64_t v) { return std::to_string(v); }

const std::vector<Topic>& topics() {
    static const std::vector<Topic> all = {
        {"analytics.events",
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return R"({"event_id":")" + key + R"(","user_id":"broken-records","type":"click","page":"/)" + pad +
                    R"(","ts_ms":)" + num(ms + n) + R"(,"session_id":"s)" + num(n) + R"(","version":1})";
         },
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return key + "\tbroken-records\tclick\t/" + pad + "\t" + num(ms + n) + "\ts" + num(n);
         },
         "SELECT event_id, user_id, type, page, ts_ms, session_id FROM analytics.events "
         "WHERE event_id LIKE '{KEY}%' ORDER BY event_id FORMAT TSV"},
        {"analytics.page_views",
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return R"({"window_start_ms":)" + num(ms / 60000 * 60000) + R"(,"page":")" + key + pad +
                    R"(","views":)" + num(n + 1) + R"(,"version":1})";
         },
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return num(ms / 60000 * 60) + "\t" + key + pad + "\t" + num(n + 1);
         },
         "SELECT toUnixTimestamp(window_start), page, views FROM analytics.page_views "
         "WHERE page LIKE '{KEY}%' ORDER BY page FORMAT TSV"},
        {"analytics.sessions",
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return R"({"session_id":")" + key + R"(","user_id":")" + pad + R"(","session_start_ms":)" +
                    num(ms) + R"(,"session_end_ms":)" + num(ms + n) + R"(,"events":)" + num(n + 1) +
                    R"(,"page_views":)" + num(n) + R"(,"purchased":1,"funnel_step":2,"version":1})";
         },
         [](const std::string& key, int n, const std::string& pad, std::int64_t ms) {
             return key + "\t" + pad + "\t" + num(ms) + "\t" + num(ms + n) + "\t" + num(n + 1) + "\t" + num(n) +
                    "\t1\t2";
         },
         "SELECT session_id, user_id, session_start_ms, session_end_ms, events, page_views, purchased, "
         "funnel_step FROM analytics.sessions WHERE session_id LIKE '{KEY}%' ORDER BY session_id FORMAT TSV"},
    };
    return all;
}

std::string replace_key(std::string sql, const std::string& key) {
    return sql.replace(sql.find("{KEY}"), 5, key);
}

// "major.minor..." of SELECT version() at least 21.6: the server routes broken records.
bool routes_broken_records(const std::string& version) {
    int major = 0, minor = 0;
    return std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2 && (major > 21 || (major == 21 && minor >= 6));
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

class BrokenRecords : public ::testing::Test {
  protected:
    void SetUp() override {
        bootstrap_ = env_or("E2E_KAFKA_BOOTSTRAP", "");
        if (bootstrap_.empty()) GTEST_SKIP() << "E2E_KAFKA_BOOTSTRAP is not set: no stack to test";
    }

    std::string query(const std::string& sql) { return e2e::query(ch_, sql); }

    std::string bootstrap_;
    test_support::ClickHouseHttp ch_ = test_support::clickhouse_from_env();
};

TEST_F(BrokenRecords, AreSkippedAndEveryGoodRecordArrivesExactly) {
    const std::string run = std::to_string(now_ms());
    const std::int64_t ms = now_ms();
    const auto broken = broken_records();

    struct Written {
        const Topic* topic;
        std::vector<Record> records;
        std::vector<std::string> expected;  // the good records' lines, in key order
    };
    std::vector<Written> written;
    for (const auto& topic : topics()) {
        Written w{&topic, {}, {}};
        int n = 0;
        auto good = [&](const std::string& padding, std::int32_t partition) {
            char key[64];
            std::snprintf(key, sizeof key, "broken-%s-%02d-", run.c_str(), n);  // sorts as written
            w.records.push_back({topic.good_record(key, n, padding, ms), false, partition});
            w.expected.push_back(topic.expected_line(key, n, padding, ms));
            ++n;
        };
        good("", 0);
        for (std::size_t i = 0; i < broken.size(); ++i) {
            w.records.push_back({broken[i], true, 0});
            good(i == 1 ? std::string(5 * 1024, 'k') : i == 4 ? std::string(70 * 1024, 'm') : "", 0);
            good("", 0);
        }
        produce(bootstrap_, topic.name, w.records);
        if (HasFatalFailure()) return;
        written.push_back(std::move(w));
    }
    // Then one more good record per topic, in another partition: the tables go on reading.
    for (auto& w : written) {
        std::vector<Record> later;
        char key[64];
        std::snprintf(key, sizeof key, "broken-%s-99-", run.c_str());
        later.push_back({w.topic->good_record(key, 99, "later", ms), false, 1});
        produce(bootstrap_, w.topic->name, later);
        if (HasFatalFailure()) return;
        w.expected.push_back(w.topic->expected_line(key, 99, "later", ms));
    }

    // Every good record, exactly.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::map<std::string, std::string> got;
    for (bool complete = false; !complete && std::chrono::steady_clock::now() < deadline;) {
        complete = true;
        for (const auto& w : written) {
            got[w.topic->name] = query(replace_key(w.topic->select, "broken-" + run + "-"));
            const auto lines = std::count(got[w.topic->name].begin(), got[w.topic->name].end(), '\n');
            complete = complete && lines >= static_cast<long>(w.expected.size());
        }
        if (!complete) std::this_thread::sleep_for(1s);
    }
    for (const auto& w : written) {
        std::string expected;
        for (const auto& line : w.expected) expected += line + "\n";
        // Compared by length and first difference: a 70 KiB line is too long to print whole.
        const std::string& actual = got[w.topic->name];
        const auto diff = std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
        EXPECT_TRUE(diff.first == expected.end() && diff.second == actual.end())
            << w.topic->name << ": the good records did not arrive exactly (" << actual.size() << " bytes of "
            << expected.size() << "; first difference at byte " << (diff.first - expected.begin()) << ": got \""
            << actual.substr(diff.second - actual.begin(), 80) << "\", expected \""
            << expected.substr(diff.first - expected.begin(), 80) << "\")";
    }

    // The broken records, where the server can show them.
    const std::string version = query("SELECT version()");
    if (!routes_broken_records(version)) {
        std::printf("[ note ] ClickHouse %s skips broken records without a trace: analytics.ingest_errors stays empty\n",
                    version.substr(0, version.find('\n')).c_str());
        return;
    }
    for (const auto& w : written) {
        std::string offsets, expected;
        for (const auto& r : w.records) {
            if (!r.broken) continue;
            offsets += (offsets.empty() ? "" : ",") + num(r.offset);
            expected += num(r.partition) + "\t" + num(r.offset) + "\t" + hex(r.value) + "\n";
        }
        const std::string sql = "SELECT kafka_partition, kafka_offset, hex(raw_message) FROM analytics.ingest_errors "
                                "WHERE topic = '" + w.topic->name + "' AND kafka_partition = 0 AND kafka_offset IN (" +
                                offsets + ") AND error != '' ORDER BY kafka_offset FORMAT TSV";
        std::string actual;
        for (auto until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;
             std::this_thread::sleep_for(1s)) {
            if ((actual = query(sql)) == expected) break;
        }
        EXPECT_EQ(actual.size(), expected.size()) << w.topic->name << ": not every broken record is in ingest_errors";
        EXPECT_TRUE(actual == expected) << w.topic->name << ": ingest_errors does not hold the broken records' bytes";
    }
}

}  // namespace
}  // namespace e2e
