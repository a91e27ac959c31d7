// A run's results: one JSON object on one line, keys in the order they were added.
#pragma once
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tern::bench {

class Report {
public:
  void add(std::string key, double value);
  void add(std::string key, long value);
  void add(std::string key, std::string value);
  std::string json() const;

private:
  std::vector<std::pair<std::string, std::variant<double, long, std::string>>> fields_;
};

// The p-th percentile (0..100) of the samples by nearest rank; 0 when there are none. Sorts.
double percentile(std::vector<double>& samples, double p);

}  // namespace tern::bench
