#ifndef CAPSIM_CONFIG_SUGGEST_H_
#define CAPSIM_CONFIG_SUGGEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::config {

// The optimal-string-alignment (Damerau-Levenshtein) distance between `a` and `b`: insertions,
// deletions, substitutions and transpositions of adjacent characters each cost 1.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo (distance <= 2 and
// at most a third of the longer name, a case-only difference, or a prefix of 3+ characters); else
// nullopt.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

// `items` joined with ", ".
std::string JoinNames(const std::vector<std::string>& items);

// "unknown NOUN 'NAME'; did you mean 'X'? known: A, B" (the hint only when one is close;
// the known names sorted).
std::string UnknownNameMessage(std::string_view noun, std::string_view name,
                               std::vector<std::string> known);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_SUGGEST_H_
