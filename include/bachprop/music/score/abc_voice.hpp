#pragma once
/// @file
/// An ABC voice as the reader keeps it: its items (chords with their exact lengths, rests, and
/// the marks of repeats, endings and parts, as music/score/abc_body.hpp reads them), and the
/// player that turns them into notes in time: repeats, endings and parts taken in order, tied
/// notes joined into one, onsets summed exactly. Internal (namespace detail::abc).
///
/// Repeats follow the standard (sections 4.8-4.10) as abc2midi plays them: |: starts a section,
/// :| plays it again (from the start of the tune, or from the end of the last repeated section,
/// when no |: opened it); an ending [N is played on pass N and skipped on the others; a section
/// is played as many times as its endings ask (|1,3 ... :|2 ... :|4 plays four times). An ending
/// ends at :|, ||, |] or [|.

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/abc_fields.hpp>
#include <bachprop/music/score/abc_key.hpp>
#include <bachprop/music/score/score.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music::detail::abc {

/// How far an accidental written on a note carries to the end of its bar: not at all, to the
/// same letter in the same octave, or to the same letter in every octave (2.1's default, and
/// abc2midi's).
enum class Propagation : std::uint8_t { none, octave, pitch };

/// What an item of a voice is.
enum class ItemKind : std::uint8_t {
  chord,
  rest,
  repeat_start,
  repeat_end,
  ending,
  section_end,
  part
};

/// One pitch of a chord, and whether it is tied into the next chord.
struct Sound {
  int pitch = 60;
  bool tied = false;
};

/// A chord or rest with its length in whole notes, or a mark that shapes playback.
struct Item {
  ItemKind kind = ItemKind::chord;
  std::uint32_t first = 0;    ///< chord: its first sound in Voice::sounds
  std::uint32_t count = 0;    ///< chord: how many sounds
  Rational length;            ///< chord, rest
  int passes = 2;             ///< repeat_end: how many times the section plays (::| is 3)
  std::uint64_t endings = 0;  ///< ending: bit n-1 for ending n; part: the label's letter
  int line = 0;               ///< where it was written, for errors found while playing
  int column = 0;
  bool fermata = false;       ///< chord: under a fermata (H, !fermata!)
};

/// A voice's items and the state its music is read in.
struct Voice {
  std::string id;
  std::string name;
  std::vector<Item> items;
  std::vector<Sound> sounds;
  std::array<int, 7> key{};  ///< the key signature's accidental for C..B
  Meter meter;
  Rational unit{1, 8};
  Shift shift;
  std::map<int, int> bar_accidentals;     ///< letter (or letter and octave) → alteration
  std::vector<std::pair<int, int>> tied;  ///< staff step → pitch of notes tied onwards
  int tuplet_left = 0;                    ///< notes still in the current tuplet
  Rational tuplet{1, 1};                  ///< their length factor, q/p
  std::optional<Rational> broken;         ///< the next note's factor after '>' or '<'
  std::pair<int, int> broken_at{};        ///< line and column of that '>' or '<'
  std::optional<std::size_t> last_timed;  ///< the item a '>' or '<' lengthens or shortens
  bool fermata_next = false;              ///< a fermata read, for the next note or chord
  std::optional<Rational> first_bar;      ///< the music before the first bar line (whole notes)
  bool music() const {
    for (const Item& item : items) {
      if (item.kind == ItemKind::chord || item.kind == ItemKind::rest) {
        return true;
      }
    }
    return false;
  }
};

// !fermata! and !invertedfermata! (H is the short form): the notes under them are held.
inline bool is_fermata(std::string_view decoration) {
  return decoration == "fermata" || decoration == "invertedfermata";
}

// The length of the chords and rests read so far in `v`, in whole notes: at the first bar
// line, the pickup when it is shorter than a bar (a length past 64-bit fractions: none).
inline Rational music_so_far(const Voice& v) {
  Rational total{0, 1};
  for (const Item& item : v.items) {
    if ((item.kind == ItemKind::chord || item.kind == ItemKind::rest) &&
        !add(total, item.length, total)) {
      return {0, 1};
    }
  }
  return total;
}

/// A note as written: its pitch, its staff step (letter + 7 · octave) and its length.
struct Written {
  int pitch = 60;
  int step = 0;
  Rational length;
  bool tied = false;
};

/// Plays a voice's items in order: repeats and endings taken, tied notes joined, time summed.
class Player {
 public:
  Player(const Voice& voice, std::string_view source, std::size_t max_notes)
      : voice_(voice), source_(source), max_notes_(max_notes) {}

  /// Plays the items [begin, end) after what was played before (a part of the tune).
  void play(std::size_t begin, std::size_t end) {
    const std::vector<Item>& items = voice_.items;
    // The endings each section has, from an item to the next start of a repeated section.
    std::vector<std::uint64_t> ahead(end - begin + 1, 0);
    for (std::size_t i = end; i-- > begin;) {
      const Item& item = items[i];
      ahead[i - begin] =
          item.kind == ItemKind::repeat_start
              ? 0
              : ahead[i + 1 - begin] | (item.kind == ItemKind::ending ? item.endings : 0);
    }
    std::size_t section = begin;  // where a :| goes back to
    int pass = 1;                 // which time through the section
    bool in_ending = false;       // inside the ending of this pass
    bool skipping = false;        // inside an ending of another pass
    const auto has_ending = [&](int n) {
      return n <= 64 && ((ahead[section - begin] >> static_cast<unsigned>(n - 1)) & 1U) != 0;
    };
    const auto complete = [&](std::size_t next) {
      section = next;
      pass = 1;
      in_ending = false;
    };
    for (std::size_t at = begin; at < end;) {
      const Item& item = items[at];
      if (++steps_ > 4 * max_notes_ + 4096) {
        fail(item, "a tune that plays out in at most " + std::to_string(max_notes_) +
                       " notes and rests (AbcOptions::max_notes)");
      }
      ++at;
      switch (item.kind) {
        case ItemKind::chord:
          if (!skipping) {
            sound(item);
          }
          break;
        case ItemKind::rest:
          if (!skipping) {
            ties_.clear();
            time_ = sum(item, time_, item.length);
          }
          break;
        case ItemKind::part:
          break;
        case ItemKind::repeat_start:
          skipping = false;
          complete(at);
          break;
        case ItemKind::ending:
          skipping = pass > 64 || ((item.endings >> static_cast<unsigned>(pass - 1)) & 1U) == 0;
          in_ending = !skipping;
          break;
        case ItemKind::section_end:
          if ((in_ending || skipping) && !has_ending(pass + 1)) {
            complete(at);
          }
          skipping = in_ending = false;
          break;
        case ItemKind::repeat_end:
          if (skipping) {  // the end of another pass's ending: on to the next ending, if any
            skipping = false;
            if (at >= end || items[at].kind != ItemKind::ending) {
              complete(at);
            }
          } else if (pass < item.passes || (in_ending && has_ending(pass + 1))) {
            ++pass;
            in_ending = false;
            at = section;
          } else {
            complete(at);
          }
          break;
      }
    }
  }

  /// The notes played, in quarter notes.
  std::vector<Note> notes() const {
    std::vector<Note> out;
    out.reserve(played_.size());
    for (const Played& p : played_) {
      out.push_back({p.pitch, quarters(p.start), quarters(p.length), 80, p.fermata});
    }
    return out;
  }

 private:
  struct Played {
    int pitch = 60;
    Rational start;
    Rational length;
    bool fermata = false;
  };

  [[noreturn]] void fail(const Item& item, const std::string& expected) const {
    throw FormatError(std::string(source_) + ": line " + std::to_string(item.line) + ", column " +
                      std::to_string(item.column) + ": expected " + expected);
  }

  Rational sum(const Item& item, Rational a, Rational b) const {
    Rational out;
    if (!add(a, b, out) || out.num / out.den >= (std::int64_t{1} << 20)) {
      fail(item, "a tune shorter than 2^20 whole notes whose times fit in 64-bit fractions");
    }
    return out;
  }

  void sound(const Item& item) {
    std::vector<std::pair<int, std::size_t>> tied;
    for (std::uint32_t k = 0; k < item.count; ++k) {
      const Sound& sound = voice_.sounds[item.first + k];
      std::size_t index = played_.size();
      for (auto& [pitch, at] : ties_) {
        if (pitch == sound.pitch) {
          index = at;
          pitch = -1;  // joined: a unison [CC] ties each note once
          break;
        }
      }
      if (index < played_.size()) {
        played_[index].length = sum(item, played_[index].length, item.length);
        played_[index].fermata = played_[index].fermata || item.fermata;
      } else {
        if (played_.size() >= max_notes_) {
          fail(item, "a tune that plays out in at most " + std::to_string(max_notes_) +
                         " notes (AbcOptions::max_notes)");
        }
        played_.push_back({sound.pitch, time_, item.length, item.fermata});
      }
      if (sound.tied) {
        tied.emplace_back(sound.pitch, index);
      }
    }
    ties_ = std::move(tied);
    time_ = sum(item, time_, item.length);
  }

  const Voice& voice_;
  std::string_view source_;
  std::size_t max_notes_;
  std::vector<Played> played_;
  std::vector<std::pair<int, std::size_t>> ties_;  // pitch → the played note it continues
  Rational time_;
  std::size_t steps_ = 0;
};

}  // namespace bachprop::music::detail::abc
