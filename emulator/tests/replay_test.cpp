// Replay: the Taobao CSV mapping, bad lines, time order, the disorder bound, duplicates,
// and the real sample in testdata/.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "replay_plan.hpp"
#include "taobao_csv.hpp"

namespace pipeline::emulator {
namespace {

constexpr std::int64_t kMaxTs = 4'102'444'800'000;  // 2100-01-01

std::vector<TaobaoRow> rows_of(const std::string& csv) {
    std::istringstream in(csv);
    TaobaoFile file = read_taobao_csv(in, kMaxTs);
    EXPECT_EQ(file.bad_lines, 0u);
    return std::move(file.rows);
}

TEST(TaobaoCsv, MapsEachBehaviourToTheExactEvent) {
    const auto rows = rows_of(
        "1,2268318,2520377,pv,1511544070\n"
        "7,42,9,cart,1511561733\n"
        "7,43,9,fav,1511561734\n"
        "100,5,6,buy,1511561735\n");
    ASSERT_EQ(rows.size(), 4u);
    Event first;
    first.event_id = "sample.csv:1";
    first.user_id = "1";
    first.type = "page_view";
    first.ts_ms = 1'511'544'070'000;
    first.page = "/item/2268318";
    first.props = {{"category_id", std::string("2520377")}};
    EXPECT_EQ(to_event(rows[0], "sample.csv"), first);
    EXPECT_FALSE(to_event(rows[0], "sample.csv").session_id.has_value());
    Event second;
    second.event_id = "sample.csv:2";
    second.user_id = "7";
    second.type = "add_to_cart";
    second.ts_ms = 1'511'561'733'000;
    second.page = "/item/42";
    second.props = {{"category_id", std::string("9")}};
    EXPECT_EQ(to_event(rows[1], "sample.csv"), second);
    EXPECT_EQ(to_event(rows[2], "x").type, "favorite");
    EXPECT_EQ(to_event(rows[2], "x").event_id, "x:3");
    EXPECT_EQ(to_event(rows[3], "x").type, "purchase");
    EXPECT_EQ(to_event(rows[3], "x").user_id, "100");
}

TEST(TaobaoCsv, CountsAndReportsBadLinesAndSkipsBlankOnes) {
    std::istringstream in(
        "1,2,3,pv,1511544070\r\n"   // 1 ok (CRLF)
        "x,y\n"                     // 2 too few fields
        "\n"                        // 3 blank: skipped, not counted
        "1,2,3,click,1511544070\n"  // 4 unknown behaviour
        "1,2,3,pv,abc\n"            // 5 not a number
        "1,2,3,pv,5\n"              // 6 before the year 2000
        "1,,3,pv,1511544070\n"      // 7 empty item
        "1,2,3,pv,1511544070,9\n"   // 8 too many fields
        "2,2,3,buy,1511544071");    // 9 ok, no final newline
    const TaobaoFile file = read_taobao_csv(in, kMaxTs);
    EXPECT_EQ(file.lines, 9u);
    EXPECT_EQ(file.rows.size(), 2u);
    EXPECT_EQ(file.bad_lines, 6u);
    ASSERT_EQ(file.first_errors.size(), 6u);
    std::vector<std::uint64_t> lines;
    for (const auto& e : file.first_errors) lines.push_back(e.line);
    EXPECT_EQ(lines, (std::vector<std::uint64_t>{2, 4, 5, 6, 7, 8}));
    EXPECT_EQ(file.rows[1].line, 9u);
    EXPECT_NE(file.first_errors[1].reason.find("click"), std::string::npos);

    std::string error;
    EXPECT_FALSE(parse_taobao_line("1,2,3,pv,1511544070", 1, 1'511'544'069'000, error))
        << "a timestamp beyond the allowed maximum is invalid";
}

TEST(TaobaoCsv, BaseName) {
    EXPECT_EQ(file_base_name("/a/b/taobao.csv"), "taobao.csv");
    EXPECT_EQ(file_base_name("taobao.csv"), "taobao.csv");
}

TEST(ReplayPlan, SortsByTimeStably) {
    const auto rows = rows_of(
        "1,1,1,pv,1511544070\n"
        "1,2,1,pv,1511544000\n"
        "2,3,1,pv,1511544070\n"
        "2,4,1,pv,1505100000\n");
    Rng rng(1);
    const auto plan = plan_replay(rows, 0, 0, rng);
    ASSERT_EQ(plan.size(), 4u);
    std::vector<std::uint32_t> order;
    for (const auto& item : plan) order.push_back(item.row);
    EXPECT_EQ(order, (std::vector<std::uint32_t>{3, 1, 0, 2}));  // equal ts: file order
}

std::vector<TaobaoRow> random_rows(std::size_t n, Rng& rng) {
    std::vector<TaobaoRow> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
        rows[i].user_id = std::to_string(rng.below(50));
        rows[i].item_id = std::to_string(i);
        rows[i].category_id = "1";
        rows[i].type = "page_view";
        rows[i].ts_ms = 1'511'544'070'000 + static_cast<std::int64_t>(rng.below(3'600'000));
        rows[i].line = i + 1;
    }
    return rows;
}

// No event is sent after one whose ts is more than D ms later.
void expect_disorder_bound(const std::vector<ReplayItem>& plan, const std::vector<TaobaoRow>& rows,
                           std::int64_t disorder_ms) {
    std::int64_t max_seen = 0;  // all ts are positive
    for (const auto& item : plan) {
        const std::int64_t ts = rows[item.row].ts_ms;
        ASSERT_LE(max_seen - ts, disorder_ms);
        max_seen = std::max(max_seen, ts);
    }
}

TEST(ReplayPlan, DisorderIsBoundedDeterministicAndReal) {
    Rng data(11);
    const auto rows = random_rows(20'000, data);
    constexpr std::int64_t kDisorder = 5'000;
    Rng a(7), b(7), c(8);
    const auto plan = plan_replay(rows, kDisorder, 0, a);
    ASSERT_EQ(plan.size(), rows.size());
    expect_disorder_bound(plan, rows, kDisorder);
    std::size_t inversions = 0;
    std::int64_t max_seen = 0;
    for (const auto& item : plan) {
        if (rows[item.row].ts_ms < max_seen) ++inversions;
        max_seen = std::max(max_seen, rows[item.row].ts_ms);
    }
    EXPECT_GT(inversions, 1000u) << "the events are actually out of order";

    auto rows_of_plan = [](const std::vector<ReplayItem>& p) {
        std::vector<std::uint32_t> r;
        for (const auto& item : p) r.push_back(item.row);
        return r;
    };
    EXPECT_EQ(rows_of_plan(plan), rows_of_plan(plan_replay(rows, kDisorder, 0, b)));
    EXPECT_NE(rows_of_plan(plan), rows_of_plan(plan_replay(rows, kDisorder, 0, c)));
    const auto order = rows_of_plan(plan);
    const std::set<std::uint32_t> all(order.begin(), order.end());
    EXPECT_EQ(all.size(), rows.size());  // each exactly once
}

TEST(ReplayPlan, DuplicatesKeepTheirEventIdComeLaterAndKeepTheBound) {
    Rng data(12);
    const auto rows = random_rows(20'000, data);
    constexpr std::int64_t kDisorder = 2'000;
    constexpr double kRate = 0.1;
    Rng rng(3);
    const auto plan = plan_replay(rows, kDisorder, kRate, rng);
    expect_disorder_bound(plan, rows, kDisorder);

    std::map<std::uint32_t, int> copies;
    std::set<std::uint32_t> seen_original;
    std::size_t duplicates = 0;
    for (const auto& item : plan) {
        ++copies[item.row];
        if (item.duplicate) {
            ++duplicates;
            EXPECT_TRUE(seen_original.count(item.row)) << "a duplicate before its original";
            // Same row, so the same event: same event_id.
            EXPECT_EQ(to_event(rows[item.row], "f.csv").event_id,
                      "f.csv:" + std::to_string(rows[item.row].line));
        } else {
            seen_original.insert(item.row);
        }
    }
    EXPECT_EQ(plan.size(), rows.size() + duplicates);
    EXPECT_EQ(seen_original.size(), rows.size());
    for (const auto& [row, n] : copies) EXPECT_LE(n, 2);
    // Binomial(20000, 0.1): mean 2000, sd 42.
    EXPECT_NEAR(static_cast<double>(duplicates), 2000.0, 200.0);
}

TEST(ReplayPacing, MaxRateSpacesItemsEvenlyAndSpeedFollowsTheKeys) {
    using std::chrono::milliseconds;
    const ReplayItem a{0, false, 1'000};
    const ReplayItem b{1, false, 61'000};
    // Unpaced: everything is due at once.
    EXPECT_EQ(replay_due_offset(b, 7, 1'000, 0, 0).count(), 0);
    // --max-rate 100: item i at i / 100 s, whatever the keys.
    EXPECT_EQ(replay_due_offset(a, 0, 1'000, 0, 100), milliseconds(0));
    EXPECT_EQ(replay_due_offset(a, 1, 1'000, 0, 100), milliseconds(10));
    EXPECT_EQ(replay_due_offset(b, 250, 1'000, 0, 100), milliseconds(2'500));
    // --speed 60: a minute of data per second.
    EXPECT_EQ(replay_due_offset(b, 1, 1'000, 60, 0), milliseconds(1'000));
    // Both: the later of the two (the rate caps a dense stretch, the speed a sparse one).
    EXPECT_EQ(replay_due_offset(b, 1, 1'000, 60, 100), milliseconds(1'000));
    EXPECT_EQ(replay_due_offset(b, 500, 1'000, 60, 100), milliseconds(5'000));
}

TEST(ReplaySample, TheTaobaoSampleParsesCompletely) {
    std::ifstream in(std::string(EMULATOR_TESTDATA_DIR) + "/taobao-user-behavior-sample.csv");
    ASSERT_TRUE(in) << "testdata/taobao-user-behavior-sample.csv";
    const TaobaoFile file = read_taobao_csv(in, kMaxTs);
    EXPECT_EQ(file.bad_lines, 0u);
    EXPECT_EQ(file.lines, 4321u);
    ASSERT_EQ(file.rows.size(), 4321u);
    std::set<std::string> users;
    std::set<std::string> ids;
    std::size_t outliers = 0;
    const std::int64_t sept_11 = 1'505'088'000'000;  // 2017-09-11T00:00Z
    const std::int64_t nov_25 = 1'511'568'000'000;   // 2017-11-25T00:00Z
    for (const auto& row : file.rows) {
        users.insert(row.user_id);
        ids.insert(to_event(row, "taobao-user-behavior-sample.csv").event_id);
        if (row.ts_ms >= sept_11 && row.ts_ms < sept_11 + 86'400'000) {
            ++outliers;
        } else {
            // The rest is within the data set's days (2017-11-25 .. 2017-12-03 China time).
            EXPECT_GE(row.ts_ms, nov_25 - 8 * 3'600'000) << row.line;
            EXPECT_LT(row.ts_ms, nov_25 + 9 * 86'400'000) << row.line;
        }
    }
    EXPECT_EQ(users.size(), 43u);
    EXPECT_EQ(ids.size(), 4321u);
    EXPECT_EQ(outliers, 1u);

    Rng rng(1);
    const auto plan = plan_replay(file.rows, 0, 0, rng);
    ASSERT_EQ(plan.size(), 4321u);
    EXPECT_LT(file.rows[plan.front().row].ts_ms, sept_11 + 86'400'000) << "the outlier sorts first";
    for (std::size_t i = 1; i < plan.size(); ++i) {
        ASSERT_LE(file.rows[plan[i - 1].row].ts_ms, file.rows[plan[i].row].ts_ms);
    }
}

}  // namespace
}  // namespace pipeline::emulator
