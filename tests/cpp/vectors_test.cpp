// Runs the shared vectors (tests/vectors/*.jsonl) through the C++ core: the
// same file every execution path runs. Each line is its own test case.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "table_loader.h"

namespace hotpath::testing {
namespace {

using nlohmann::json;

const std::string kVectors = HOTPATH_SOURCE_DIR "/tests/vectors/";

// One vector. GoogleTest prints parameters into test listings (and so into
// ctest's test names): print the id, not the whole case.
struct Vector {
  json data;
  const json& operator[](const char* key) const { return data[key]; }
  bool contains(const char* key) const { return data.contains(key); }
};
void PrintTo(const Vector& v, std::ostream* os) { *os << v.data["id"].get<std::string>(); }

std::vector<Vector> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<Vector> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) cases.push_back(Vector{json::parse(line)});
  }
  return cases;
}

std::string table_of(const Vector& c) {
  if (c.contains("table_file")) return read_file(kVectors + c["table_file"].get<std::string>());
  return c["table"].get<std::string>();
}

std::string test_name(const Vector& c) {
  std::string name;
  for (char ch : c["id"].get<std::string>()) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

class RoutingVectors : public ::testing::TestWithParam<Vector> {};

// request.headers: {"name": "value"} or {"name": ["v1", "v2"]} (several fields).
RequestFields request_fields(const json& request) {
  RequestFields fields;
  if (!request.contains("headers")) return fields;
  for (const auto& [name, value] : request["headers"].items()) {
    if (value.is_array()) {
      for (const auto& one : value) fields.emplace_back(name, one.get<std::string>());
    } else {
      fields.emplace_back(name, value.get<std::string>());
    }
  }
  return fields;
}

void check_vector(const Vector& c) {
  LoadedTable t = load_table(table_of(c));
  ASSERT_TRUE(t.ok) << t.error;
  const json& request = c["request"];
  Answer a = answer(t.table, request["method"].get<std::string>(), request["path"].get<std::string>(),
                    request_fields(request));
  const json& expect = c["expect"];
  EXPECT_EQ(a.status, expect["status"].get<int>());
  EXPECT_EQ(a.body, expect["body"].get<std::string>());
  for (const auto& [name, value] : expect["headers"].items()) {
    if (value.is_null()) {
      EXPECT_FALSE(a.has(name)) << name << ": " << (a.has(name) ? a.headers.at(name) : "");
    } else {
      ASSERT_TRUE(a.has(name)) << "missing " << name;
      EXPECT_EQ(a.headers.at(name), value.get<std::string>()) << name;
    }
  }
}

TEST_P(RoutingVectors, Match) { check_vector(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Shared, RoutingVectors, ::testing::ValuesIn(read_jsonl(kVectors + "routing.jsonl")),
                         [](const ::testing::TestParamInfo<Vector>& info) { return test_name(info.param); });

class DirectiveVectors : public ::testing::TestWithParam<Vector> {};
TEST_P(DirectiveVectors, Match) { check_vector(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Shared, DirectiveVectors, ::testing::ValuesIn(read_jsonl(kVectors + "directives.jsonl")),
                         [](const ::testing::TestParamInfo<Vector>& info) { return test_name(info.param); });

class TableErrorVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(TableErrorVectors, FailToLoad) {
  const Vector& c = GetParam();
  LoadedTable t = load_table(table_of(c));
  ASSERT_FALSE(t.ok);
  EXPECT_EQ(t.error_line, c["line"].get<uint32_t>()) << t.error;
  EXPECT_NE(t.error.find(c["message_contains"].get<std::string>()), std::string::npos) << t.error;
}

INSTANTIATE_TEST_SUITE_P(Shared, TableErrorVectors, ::testing::ValuesIn(read_jsonl(kVectors + "table-errors.jsonl")),
                         [](const ::testing::TestParamInfo<Vector>& info) { return test_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Directives, TableErrorVectors, ::testing::ValuesIn(read_jsonl(kVectors + "directive-errors.jsonl")),
                         [](const ::testing::TestParamInfo<Vector>& info) { return test_name(info.param); });

TEST(VectorFiles, AreLargeEnough) {
  EXPECT_GE(read_jsonl(kVectors + "routing.jsonl").size(), 150u);
}

}  // namespace
}  // namespace hotpath::testing
