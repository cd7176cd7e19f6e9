#include "config/suggest.h"

#include <algorithm>
#include <cctype>

namespace capsim::config {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  const std::string lower_word = Lower(word);
  std::optional<std::string> best;
  int best_score = 1 << 30;
  for (const std::string& c : candidates) {
    const std::string lower = Lower(c);
    int score = EditDistance(lower_word, lower);
    const bool close = score <= 2 && 3 * score <= static_cast<int>(std::max(word.size(), c.size()));
    const bool prefix = lower_word.size() >= 3 && lower.rfind(lower_word, 0) == 0;
    if (prefix) score = std::min(score, 1);
    if ((close || prefix) && score < best_score) {
      best = c;
      best_score = score;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

std::string UnknownNameMessage(std::string_view noun, std::string_view name,
                               std::vector<std::string> known) {
  std::sort(known.begin(), known.end());
  std::string out = "unknown " + std::string(noun) + " '" + std::string(name) + "'";
  if (known.empty()) return out + "; none are defined";
  if (auto match = ClosestMatch(name, known))
    return out + "; did you mean '" + *match + "'? known: " + JoinNames(known);
  return out + "; known: " + JoinNames(known);
  return out;
}

}  // namespace capsim::config
