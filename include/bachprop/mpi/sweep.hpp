#pragma once
/// @file
/// A hyperparameter sweep over the processes of an MPI job: settings 0 … count − 1 dealt out
/// in turn (process p runs the settings i with i mod N = p), each process training its own
/// models alone, and every result gathered on process 0 in the order of the settings, then
/// printed as one table (sweep_table). A sweep needs no communication while it runs, so it
/// scales with the processes as far as there are settings (docs/scaling.md).

#include <bachprop/core/types.hpp>
#include <bachprop/mpi/session.hpp>

#include <mpi.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <set>
#include <string>
#include <vector>

namespace bachprop {

/// Runs `run(i)` (returning a JSON object of the setting's results) for the settings i this
/// process is dealt, then gathers every setting's object on process 0: there, the returned
/// vector holds `count` objects in the order of i, each with "setting" (i) and "process" (who
/// ran it) added; elsewhere it is empty. An exception from `run` becomes that setting's
/// "error" instead of ending the process, so that every process reaches the gathering.
/// Collective over `communicator`.
template <class Run>
std::vector<nlohmann::json> sweep(Index count, Run&& run, MPI_Comm communicator = MPI_COMM_WORLD) {
  int rank = 0;
  int size = 1;
  mpi_check(MPI_Comm_rank(communicator, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(communicator, &size), "MPI_Comm_size");
  nlohmann::json mine = nlohmann::json::array();
  for (Index i = rank; i < count; i += size) {
    nlohmann::json result;
    try {
      result = run(i);
    } catch (const std::exception& error) {
      result = {{"error", error.what()}};
    }
    result["setting"] = i;
    result["process"] = rank;
    mine.push_back(std::move(result));
  }
  // Every process's results as text, gathered on process 0 (lengths first).
  const std::string text = mine.dump();
  const int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(size));
  mpi_check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, communicator),
            "MPI_Gather");
  std::vector<int> offsets(static_cast<std::size_t>(size));
  int total = 0;
  for (std::size_t p = 0; p < lengths.size(); ++p) {
    offsets[p] = total;
    total += lengths[p];
  }
  std::string all(rank == 0 ? static_cast<std::size_t>(total) : 0, '\0');
  mpi_check(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(),
                        offsets.data(), MPI_CHAR, 0, communicator),
            "MPI_Gatherv");
  std::vector<nlohmann::json> results;
  if (rank != 0) {
    return results;
  }
  results.resize(static_cast<std::size_t>(count));
  for (std::size_t p = 0; p < lengths.size(); ++p) {
    for (nlohmann::json& result : nlohmann::json::parse(
             all.substr(static_cast<std::size_t>(offsets[p]), static_cast<std::size_t>(
                                                                   lengths[p])))) {
      const auto i = result["setting"].get<std::size_t>();
      results[i] = std::move(result);
    }
  }
  return results;
}

/// The results of a sweep as a Markdown table: a row per setting, a column per key that any
/// result has ("setting" first, then the others in alphabetical order), numbers as JSON writes
/// them, a blank cell for a key a row lacks.
inline std::string sweep_table(const std::vector<nlohmann::json>& results) {
  std::set<std::string> keys;
  for (const nlohmann::json& result : results) {
    for (const auto& [key, value] : result.items()) {
      if (key != "setting") {
        keys.insert(key);
      }
    }
  }
  std::vector<std::string> columns{"setting"};
  columns.insert(columns.end(), keys.begin(), keys.end());
  std::string table = "|";
  std::string rule = "|";
  for (const std::string& column : columns) {
    table += " " + column + " |";
    rule += " --- |";
  }
  table += "\n" + rule + "\n";
  for (const nlohmann::json& result : results) {
    table += "|";
    for (const std::string& column : columns) {
      const auto found = result.find(column);
      const std::string cell = found == result.end() ? std::string()
                               : found->is_string()  ? found->get<std::string>()
                                                     : found->dump();
      table += " " + cell + " |";
    }
    table += "\n";
  }
  return table;
}

}  // namespace bachprop
